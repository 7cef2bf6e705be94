#!/usr/bin/env bash
# Tests of lib.sh: scripts that use it leave nothing behind. A child script starts two servers (the webhook
# receiver) on ports lib.sh picks, a process that ignores SIGTERM, and a server on a port already taken; then it
# ends one of four ways: success, a failed check, SIGTERM, or a `set -e` error. After each, every process it
# started must be gone, its temporary directory removed, its exit code the expected one, and its ports distinct.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mapscope-lib-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILURES=0

cat >"$WORK/child.sh" <<'EOF'
set -euo pipefail
source "$1/lib.sh"
STATE=$2
HOW=$3
E2E_STOP_GRACE=1
e2e_setup lib-child
e2e_start_webhook one "$E2E_TMP/one.jsonl"
echo "pid $E2E_LAST_PID" >>"$STATE"
echo "port $E2E_LAST_PORT" >>"$STATE"
TAKEN=$E2E_LAST_PORT
e2e_start_webhook two "$E2E_TMP/two.jsonl"
echo "pid $E2E_LAST_PID" >>"$STATE"
echo "port $E2E_LAST_PORT" >>"$STATE"
e2e_start stubborn bash -c 'trap "" TERM; while true; do sleep 0.1; done'
echo "pid $E2E_LAST_PID" >>"$STATE"
# A server on a port that is already taken: it dies, and e2e_start_server_at says so and stops it.
if e2e_start_server_at clash / "$TAKEN" "$E2E_PYTHON" -B "$1/webhook_receiver.py" --port @PORT@ --out /dev/null; then
  echo "clash started" >>"$STATE"
fi
echo "clash-pid $E2E_LAST_PID" >>"$STATE"
echo "tmp $E2E_TMP" >>"$STATE"
echo "ready" >>"$STATE"
case $HOW in
  success) exit 0 ;;
  fail) e2e_fail "a check failed on purpose" ;;
  errexit) false ;;
  signal) while true; do sleep 0.2; done ;;
esac
EOF

check() {
  local what=$1
  shift
  if "$@"; then
    printf 'ok   %s\n' "$what"
  else
    printf 'FAIL %s\n' "$what"
    FAILURES=$((FAILURES + 1))
  fi
}

gone() { ! kill -0 "$1" 2>/dev/null; }

run_child() {
  local how=$1 expected=$2 state="$WORK/$1.state" code=0 pid
  : >"$state"
  bash "$WORK/child.sh" "$HERE" "$state" "$how" >"$WORK/$how.out" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 60))
  until grep -q '^ready$' "$state" || ! kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || break
    sleep 0.1
  done
  check "$how: the child got ready" grep -q '^ready$' "$state"
  if [[ $how == signal ]]; then kill -TERM "$pid"; fi
  wait "$pid" || code=$?
  check "$how: exit code $expected (got $code)" test "$code" -eq "$expected"
  local p
  for p in $(awk '$1 == "pid" || $1 == "clash-pid" {print $2}' "$state"); do
    check "$how: pid $p stopped" gone "$p"
  done
  local tmp
  tmp=$(awk '$1 == "tmp" {print $2}' "$state")
  check "$how: temporary directory $tmp removed" test ! -e "$tmp"
  check "$how: two distinct ports" test "$(awk '$1 == "port" {print $2}' "$state" | sort -u | wc -l)" -eq 2
  check "$how: a server on a taken port is reported, not ready" test "$(grep -c '^clash started$' "$state")" -eq 0
  if [[ $how != success ]]; then
    check "$how: the logs are shown on failure" grep -q -- '----- one.log' "$WORK/$how.out"
  fi
}

run_child success 0
run_child fail 1
run_child errexit 1
run_child signal 143

if ((FAILURES)); then
  echo "$FAILURES checks failed; child outputs:"
  tail -n 30 "$WORK"/*.out
  exit 1
fi
echo "all checks passed"
