#!/usr/bin/env bash
# bench/run.sh: builds every benchmark in its own Release tree, runs them all on this machine in
# one go, writes the results as data under bench/results/, the charts under docs/benchmarks/ and
# regenerates the tables of docs/benchmarks.md (bench/report.py).
#
#   bench/run.sh [--quick] [--realtime]
#     --quick      small sizes (100k entries, latency to 1M): a trial of the pipeline in a minute,
#                  written to bench/results/quick/ and never into the document
#     --realtime   run every benchmark under SCHED_FIFO priority 10 (chrt), so that a busy shared
#                  machine preempts it less; the document says whether it was used
# Environment: MAPBENCH_BUILD_DIR (default build-bench at the repository root).
# A full run took 48 minutes on the 2-core machine (2026-11-29), the callgrind counts 12 of them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${MAPBENCH_BUILD_DIR:-$ROOT/build-bench}
QUICK=0
RUNNER=()
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --realtime) RUNNER=(chrt -f 10) ;;
    *) echo "bench/run.sh: unknown argument '$arg' (expected --quick or --realtime)" >&2; exit 2 ;;
  esac
done

if ((QUICK)); then
  SIZES=100000 LATENCY_N=1000000 STATS_N=100000 MIN_TIME=0.05 STATS_REPS=2 INSTRUCTIONS_N=20000
  RESULTS=$ROOT/bench/results/quick CHARTS=$RESULTS/charts
else
  SIZES=1000000,10000000 LATENCY_N=10000000 STATS_N=1000000 MIN_TIME=0.3 STATS_REPS=3 INSTRUCTIONS_N=1000000
  RESULTS=$ROOT/bench/results CHARTS=$ROOT/docs/benchmarks
fi
BIN=$BUILD/bin
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
run() { "${RUNNER[@]}" "$@"; }

build() {
  log "building in $BUILD (Release)"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMAPSCOPE_BUILD_TESTS=OFF >/dev/null
  local targets=(bench_throughput bench_throughput_nostats bench_insert_latency bench_memory bench_go
    bench_op_instructions bench_op_instructions_nostats)
  local available
  available=$(cmake --build "$BUILD" --target help)
  for optional in collector_pauses exporter_scrape_bench goproc_read_bench; do
    if grep -q "^$optional:" <<<"$available"; then targets+=("$optional"); fi
  done
  cmake --build "$BUILD" -j "$(nproc)" --target "${targets[@]}"
}

describe_machine() {
  python3 "$ROOT/bench/report.py" describe --realtime "${#RUNNER[@]}" >"$RESULTS/machine.json"
}

throughput() {
  log "throughput: C++ maps at $SIZES"
  run "$BIN/bench_throughput" --sizes="$SIZES" --benchmark_min_time="$MIN_TIME" \
    --benchmark_out="$RESULTS/throughput_cpp.json" --benchmark_out_format=json >/dev/null
  log "throughput: Go map at $SIZES"
  run "$BIN/bench_go" throughput --sizes="$SIZES" --min-time="$MIN_TIME" >"$RESULTS/throughput_go.jsonl"
}

# Statistics compiled in against out: the two builds alternate, so drift of a busy machine
# hits both alike; the report takes the median of the repetitions.
stats_cost() {
  log "statistics cost: mapcore with and without statistics at $STATS_N, $STATS_REPS rounds"
  for rep in $(seq 1 "$STATS_REPS"); do
    for binary in bench_throughput bench_throughput_nostats; do
      run "$BIN/$binary" --sizes="$STATS_N" --maps=mapcore,mapcore_nostats --benchmark_min_time="$MIN_TIME" \
        --benchmark_out="$RESULTS/stats_cost_${binary}_$rep.json" --benchmark_out_format=json >/dev/null
    done
  done
}

# Instructions and simulated cache misses per operation, both builds, under callgrind: exact on a
# busy machine, where the timings above cannot resolve a few percent.
instructions() {
  if ! command -v valgrind >/dev/null; then
    log "instructions: valgrind is not installed, skipped"
    return
  fi
  log "instructions and cache misses per operation at $INSTRUCTIONS_N (callgrind)"
  : >"$RESULTS/instructions.jsonl"
  for key in int64 string_view; do
    for build in stats nostats; do
      local binary=bench_op_instructions
      [[ $build == nostats ]] && binary=bench_op_instructions_nostats
      "$ROOT/bench/instructions/count.sh" "$BIN/$binary" "$INSTRUCTIONS_N" "$key" |
        awk -v build=$build -v key=$key -v n="$INSTRUCTIONS_N" '{
          printf "{\"build\": \"%s\", \"key\": \"%s\", \"n\": %d, \"op\": \"%s\", \"instructions\": %s, ", build, key, n, $1, $2
          printf "\"d1_misses\": %s, \"ll_misses\": %s}\n", $3, $4
        }' >>"$RESULTS/instructions.jsonl"
    done
  done
}

latency() {
  log "per-insert latency while growing to $LATENCY_N"
  : >"$RESULTS/latency.jsonl"
  for key in int64 string24 string_view; do
    for map in mapcore absl std; do
      run "$BIN/bench_insert_latency" --map=$map --key=$key --n="$LATENCY_N" \
        --spikes="$RESULTS/spikes_${map}_$key.csv" --spike-ns=50000 >>"$RESULTS/latency.jsonl"
    done
    # Go has one string type: its string24 run is the peer of both string24 and string_view.
    [[ $key == string_view ]] && continue
    run "$BIN/bench_go" latency --key=$key --n="$LATENCY_N" \
      --spikes="$RESULTS/spikes_go_$key.csv" --spike-ns=50000 >>"$RESULTS/latency.jsonl"
  done
}

# One fresh process per map, key type and size.
memory() {
  log "memory per entry, one process per map"
  : >"$RESULTS/memory.jsonl"
  for n in ${SIZES//,/ }; do
    for key in int64 string24 string_view; do
      for map in mapcore absl std; do
        run "$BIN/bench_memory" --map=$map --key=$key --n="$n" >>"$RESULTS/memory.jsonl"
      done
      [[ $key == string_view ]] && continue  # Go's string24 run serves both (see latency)
      run "$BIN/bench_go" memory --key=$key --n="$n" >>"$RESULTS/memory.jsonl"
    done
  done
}

collector() {
  if [[ ! -x $BIN/collector_pauses ]]; then
    log "collector pauses: collector_pauses not built, skipped"
    return
  fi
  log "collector pauses"
  local quick=()
  ((QUICK)) && quick=(--quick)
  run "$BIN/collector_pauses" "${quick[@]}" "$RESULTS/collector_pauses.json" >"$RESULTS/collector_pauses.txt"
}

exporter_scrape() {
  if [[ ! -x $BIN/exporter_scrape_bench ]]; then
    log "exporter scrape time: exporter_scrape_bench not built, skipped"
    return
  fi
  log "exporter scrape time"
  run "$BIN/exporter_scrape_bench" "$RESULTS/exporter_scrape.json" >"$RESULTS/exporter_scrape.txt"
}

goproc_read() {
  if [[ ! -x $BIN/goproc_read_bench ]]; then
    log "Go process reading: goproc_read_bench not built, skipped"
    return
  fi
  log "Go process reading"
  run "$BIN/goproc_read_bench" --benchmark_min_time="$MIN_TIME" --benchmark_out="$RESULTS/goproc_read.json" \
    --benchmark_out_format=json >"$RESULTS/goproc_read.txt"
}

main() {
  local started=$SECONDS
  mkdir -p "$RESULTS" "$CHARTS"
  rm -f "$RESULTS"/*.json "$RESULTS"/*.jsonl "$RESULTS"/*.csv "$RESULTS"/*.txt
  build
  describe_machine
  throughput
  stats_cost
  instructions
  latency
  memory
  collector
  exporter_scrape
  goproc_read
  log "report"
  local document=()
  ((QUICK)) || document=(--document "$ROOT/docs/benchmarks.md")
  python3 "$ROOT/bench/report.py" report --results "$RESULTS" --charts "$CHARTS" \
    --duration $((SECONDS - started)) "${document[@]}"
  log "done in $((SECONDS - started)) s"
}

main
