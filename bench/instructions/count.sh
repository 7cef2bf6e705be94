#!/usr/bin/env bash
# bench/instructions/count.sh: instructions and simulated cache misses per operation of mapcore,
# counted by callgrind in measured_operation() alone (bench_op_instructions), for each operation
# at N entries of one key type.
#
#   bench/instructions/count.sh <bench_op_instructions binary> [N] [int64|string_view]
#     N defaults to 200000, the key type to int64.
#
# Prints one line per operation: its name, then instructions, first-level data-cache misses and
# last-level data-cache misses (reads and writes), each per operation. The counts are exact and
# repeatable on a busy machine: callgrind simulates this machine's caches (the last level as sysfs
# describes it), not the hardware's counters.
# Compare two builds with it (statistics in and out: bench_op_instructions_nostats).
set -euo pipefail
BINARY=${1:?usage: count.sh <bench_op_instructions binary> [N] [int64|string_view]}
N=${2:-200000}
KEY=${3:-int64}
command -v valgrind >/dev/null || { echo "count.sh: valgrind is not installed" >&2; exit 2; }
# The last-level cache as the kernel describes it: valgrind's own reading of CPUID can be wrong in a virtual
# machine (it took this machine's 32 MiB, 16-way L3 for 256 MiB, 1-way, which would hide every miss).
LL=()
level3=/sys/devices/system/cpu/cpu0/cache/index3
if [[ -r $level3/size && -r $level3/ways_of_associativity && -r $level3/coherency_line_size ]]; then
  size_kib=$(sed 's/K$//' "$level3/size")
  LL=("--LL=$((size_kib * 1024)),$(cat "$level3/ways_of_associativity"),$(cat "$level3/coherency_line_size")")
fi
for operation in insert_no_hint insert_with_hint lookup_hit lookup_miss update erase; do
  # With --cache-sim=yes callgrind's events are: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw; its summary line
  # leaves out the trailing ones that are zero, which awk then reads as 0.
  output=$(valgrind --tool=callgrind --cache-sim=yes "${LL[@]}" --toggle-collect=measured_operation \
    --callgrind-out-file=/dev/null "$BINARY" "$operation" "$N" "$KEY" 2>&1 >/dev/null)
  events=$(sed -n 's/.*Events    : \(.*\)$/\1/p' <<<"$output")
  collected=$(sed -n 's/.*Collected : \([0-9 ]*\)$/\1/p' <<<"$output")
  if [[ $events != "Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw" || -z $collected ]]; then
    echo "count.sh: callgrind reported no cache-simulation count for $operation ($KEY)" >&2
    exit 1
  fi
  awk -v op="$operation" -v n="$N" -v counts="$collected" 'BEGIN {
    split(counts, c, " ")
    printf "%-18s %8.1f %6.2f %6.2f\n", op, c[1] / n, (c[5] + c[6]) / n, (c[8] + c[9]) / n
  }'
done
