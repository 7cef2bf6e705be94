#!/usr/bin/env bash
# Runs every benchmark program at a tiny size and checks that each prints the results it
# should: keeps the benchmarks working between full runs of bench/run.sh.
#   smoke_test.sh BIN_DIR [BENCH_GO]
set -euo pipefail
bin=$1
go_bin=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect_json_lines FILE COUNT: FILE holds COUNT JSON objects, one per line.
expect_json_lines() {
  python3 - "$1" "$2" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
objects = [json.loads(l) for l in lines]
if len(objects) != int(sys.argv[2]):
    sys.exit(f"{sys.argv[1]}: {len(objects)} results, expected {sys.argv[2]}")
PY
}

# Google Benchmark suites: 3 key types x (7 operations x maps + mapcore's lookup_hit_many).
check_suite() {
  local binary=$1 maps=$2
  "$bin/$binary" --sizes=3000 --benchmark_min_time=0.001 --benchmark_out="$work/$binary.json" \
    --benchmark_out_format=json >/dev/null
  python3 - "$work/$binary.json" "$maps" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
expected = 3 * (7 * int(sys.argv[2]) + 1)
if len(runs) != expected or any(r.get("items_per_second", 0) <= 0 for r in runs):
    sys.exit(f"{sys.argv[1]}: {len(runs)} benchmarks with rates, expected {expected}")
PY
}
check_suite bench_throughput 3
check_suite bench_throughput_nostats 1

# The instruction-count driver: every operation, both builds and key types, leaves the entries it should.
for binary in bench_op_instructions bench_op_instructions_nostats; do
  for key in int64 string_view; do
    for operation in insert_no_hint insert_with_hint lookup_hit lookup_miss update erase; do
      expected=3000
      [[ $operation == erase ]] && expected=0
      out=$("$bin/$binary" "$operation" 3000 "$key")
      [[ $out == "$operation 3000 $key entries=$expected "* ]] || { echo "$binary $operation $key: '$out'" >&2; exit 1; }
    done
  done
done

for map in mapcore absl std; do
  for key in int64 string24 string_view; do
    "$bin/bench_insert_latency" --map=$map --key=$key --n=5000 --spikes="$work/spikes.csv" >>"$work/latency.json"
    "$bin/bench_memory" --map=$map --key=$key --n=5000 >>"$work/memory.json"
  done
done
expect_json_lines "$work/latency.json" 9
python3 - "$work/latency.json" <<'PY'
import json, sys
fields = ("max_faults", "max_faults_index", "inserts_with_faults", "faults_total")
for line in open(sys.argv[1]):
    result = json.loads(line)
    missing = [f for f in fields if not isinstance(result.get(f), int)]
    if missing:
        sys.exit(f"bench_insert_latency {result['map']} {result['key']}: no {', '.join(missing)}")
PY
expect_json_lines "$work/memory.json" 9
if "$bin/bench_memory" --map=nosuchmap 2>/dev/null; then
  echo "bench_memory accepted an unknown map" >&2
  exit 1
fi

if [[ -n $go_bin ]]; then
  "$go_bin" throughput --sizes=3000 --min-time=0.001 >"$work/go.json"
  expect_json_lines "$work/go.json" 14
  for key in int64 string24; do
    "$go_bin" latency --key=$key --n=5000 >>"$work/go-latency.json"
    "$go_bin" memory --key=$key --n=5000 >>"$work/go-memory.json"
  done
  expect_json_lines "$work/go-latency.json" 2
  expect_json_lines "$work/go-memory.json" 2
fi
if [[ -x $bin/exporter_scrape_bench ]]; then
  "$bin/exporter_scrape_bench" --quick "$work/scrape.json" >/dev/null 2>&1
  python3 - "$work/scrape.json" <<'PY'
import json, sys
points = json.load(open(sys.argv[1]))["points"]
if [p["maps"] for p in points] != [1, 10] or any(p["p50_ns"] <= 0 or p["bytes"] <= 0 for p in points):
    sys.exit(f"exporter_scrape_bench: unexpected points {points}")
PY
fi
echo "every benchmark program ran"
