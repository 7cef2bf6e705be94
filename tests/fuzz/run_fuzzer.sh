#!/usr/bin/env bash
# run_fuzzer.sh FUZZER CORPUS WORKDIR SECONDS [MAX_LEN [DICT]]: every committed input first (regressions),
# then SECONDS of fuzzing from them, inputs of at most MAX_LEN bytes (default 4096), with the libFuzzer
# dictionary DICT if given. Exits non-zero on any finding.
set -euo pipefail
fuzzer=$1 corpus=$2 work=$3 seconds=$4 max_len=${5:-4096} dict=${6:-}
rm -rf "$work" && mkdir -p "$work/corpus" "$work/findings"
cp -r "$corpus"/. "$work/corpus/"
"$fuzzer" -runs=0 "$work/corpus" >"$work/replay.log" 2>&1 || { cat "$work/replay.log"; exit 1; }
options=(-max_total_time="$seconds" -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$work/findings/")
[[ -n $dict ]] && options+=(-dict="$dict")
"$fuzzer" "${options[@]}" "$work/corpus" >"$work/fuzz.log" 2>&1 || { tail -50 "$work/fuzz.log"; exit 1; }
grep -E "stat::number_of_executed_units|Done" "$work/fuzz.log" | tail -2
