#!/usr/bin/env bash
# Installs the build tree into a temporary prefix (cmake --install), then configures and builds a separate
# consumer project against it with find_package(... CONFIG REQUIRED), as another team's service would, and runs it.
#   install_consumer_test.sh BUILD_DIR PROJECT_DIR
#       the consumer checks itself: its exit code is the result;
#   install_consumer_test.sh BUILD_DIR PROJECT_DIR EXPECTED_LINE...
#       the consumer serves /metrics: it prints `port=N` once ready, and runs until its standard input closes;
#       this script scrapes it and requires each EXPECTED_LINE among the exposition's lines.
set -euo pipefail
build_dir=$1
project_dir=$2
shift 2
work=$(mktemp -d)
consumer_pid=""
cleanup() {
  if [[ -n $consumer_pid ]]; then kill "$consumer_pid" 2>/dev/null || true; wait "$consumer_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { printf 'install_consumer_test: FAIL: %s\n' "$*" >&2; exit 1; }

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$project_dir" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
if (($# == 0)); then
  exec "$work/build/consumer"
fi

mkfifo "$work/stdin"
"$work/build/consumer" <"$work/stdin" >"$work/out" &
consumer_pid=$!
exec 3>"$work/stdin"  # held open: the consumer runs until this closes
port=""
for _ in $(seq 600); do  # 60 s: a hang guard
  port=$(sed -n 's/^port=\([0-9]*\)$/\1/p' "$work/out")
  [[ -n $port ]] && break
  kill -0 "$consumer_pid" 2>/dev/null || fail "the consumer exited: $(cat "$work/out")"
  sleep 0.1
done
[[ -n $port ]] || fail "the consumer never printed its port"
curl -fsS --max-time 60 "http://127.0.0.1:$port/metrics" >"$work/metrics" || fail "no answer on /metrics"
for line in "$@"; do
  grep -qxF "$line" "$work/metrics" || fail "/metrics lacks the line: $line"
done
exec 3>&-
code=0
wait "$consumer_pid" || code=$?
consumer_pid=""
((code == 0)) || fail "the consumer exited with $code"
echo "install_consumer_test: $(wc -l <"$work/metrics") lines of /metrics, ${#@} expected lines found"
