#!/usr/bin/env bash
# `./mapscope demo --fast` (tests/e2e/demo.sh) on free ports: it prints the addresses of the agent, Prometheus and
# Alertmanager; they answer; Prometheus scrapes the agent and has loaded the shipped rules; the agent reads the
# demo's Go service, whose leak alert is printed with its target and map; and SIGTERM stops everything: exit code 0,
# nothing listening on those addresses any more, the Go service gone, its temporary data removed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
e2e_setup demo-test

e2e_start demo bash "$HERE/demo.sh" --fast --free-ports
DEMO=$E2E_LAST_PID
OUT=$E2E_TMP/demo.log
# The first build of the Go service compiles Go's standard library: minutes on a busy machine.
e2e_wait_for 300 "the demo to print its addresses" grep -q 'Ctrl-C stops everything' "$OUT"
address() { awk -v what="$1" '$1 == what {print $2; exit}' "$OUT"; }
AGENT_URL=$(address agent)
PROM_URL=$(address Prometheus)
AM_URL=$(address Alertmanager)
DATA=$(address data)
e2e_log "demo: agent $AGENT_URL, Prometheus $PROM_URL, Alertmanager $AM_URL, data $DATA"
[[ -n $AGENT_URL && -n $PROM_URL && -n $AM_URL && -d $DATA ]] || e2e_fail "the demo did not print every address"

e2e_http_ok "${AGENT_URL}metrics" || e2e_fail "the agent does not answer at ${AGENT_URL}metrics"
e2e_http_ok "${PROM_URL}-/ready" || e2e_fail "Prometheus is not ready at $PROM_URL"
e2e_http_ok "${AM_URL}-/ready" || e2e_fail "Alertmanager is not ready at $AM_URL"
e2e_wait_for 60 "Prometheus to scrape the agent" "$E2E_PYTHON" -B "$HERE/e2e_checks.py" targets-up \
  --prometheus "${PROM_URL%/}" --job mapscope --count 1
RULES=$(curl -fsS "${PROM_URL}api/v1/rules")
for alert in MapscopeOldBucketsRetained MapscopeSparseMap MapscopeAgentDown; do
  [[ $RULES == *"\"$alert\""* ]] || e2e_fail "Prometheus has not loaded $alert"
done
ALERTMANAGERS=$(curl -fsS "${PROM_URL}api/v1/alertmanagers")
[[ $ALERTMANAGERS == *"${AM_URL#http://}"* ]] || e2e_fail "Prometheus does not send to $AM_URL: $ALERTMANAGERS"

GO_PID=$(sed -n 's/^  Go service *pid \([0-9]*\).*/\1/p' "$OUT" | head -n 1)
[[ $GO_PID =~ ^[0-9]+$ ]] || e2e_fail "the demo did not print the Go service's pid"
e2e_wait_for 30 "the agent to read the Go service" \
  bash -c 'curl -fsS "$1" | grep -q "^mapscope_go_target_up{target=\"leaky-service\"} 1"' _ "${AGENT_URL}metrics"
# --fast: the agent sees main.sessions growing at its first scrape; 15 s without evacuation, 5 s of for:, then
# Alertmanager's group_wait of 5 s. Two minutes only guard against a hang.
e2e_wait_for 120 "the Go service's leak alert printed by the demo" \
  grep -q 'firing   MapscopeOldBucketsRetained .* target=leaky-service map=main.sessions' "$OUT"

kill -TERM "$DEMO"
code=0
wait "$DEMO" || code=$?
[[ $code -eq 0 ]] || e2e_fail "the demo exited with $code after SIGTERM"
for url in "${AGENT_URL}metrics" "${PROM_URL}-/ready" "${AM_URL}-/ready"; do
  if e2e_http_ok "$url"; then e2e_fail "$url still answers after the demo stopped"; fi
done
[[ ! -e $DATA ]] || e2e_fail "the demo left $DATA behind"
if e2e_alive "$GO_PID"; then e2e_fail "the demo left its Go service (pid $GO_PID) running"; fi
e2e_log "PASS"
