#!/usr/bin/env bash
# bench/instructions/count.sh: instructions per operation of mapcore, counted by callgrind in
# measured_operation() alone (bench_op_instructions), for each operation at N entries.
#
#   bench/instructions/count.sh <bench_op_instructions binary> [N]   (N defaults to 200000)
#
# Prints "operation instructions-per-op" lines. The counts are exact and repeatable on a busy
# machine; compare two builds (statistics in and out: bench_op_instructions_nostats) with it.
set -euo pipefail
BINARY=${1:?usage: count.sh <bench_op_instructions binary> [N]}
N=${2:-200000}
command -v valgrind >/dev/null || { echo "count.sh: valgrind is not installed" >&2; exit 2; }
for operation in insert_no_hint insert_with_hint lookup_hit lookup_miss update erase; do
  collected=$(valgrind --tool=callgrind --toggle-collect=measured_operation --callgrind-out-file=/dev/null \
    "$BINARY" "$operation" "$N" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  if [[ -z "$collected" ]]; then
    echo "count.sh: callgrind reported no count for $operation" >&2
    exit 1
  fi
  awk -v op="$operation" -v c="$collected" -v n="$N" 'BEGIN { printf "%-18s %8.1f\n", op, c / n }'
done
