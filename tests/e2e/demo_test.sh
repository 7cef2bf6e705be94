#!/usr/bin/env bash
# `./mapscope demo` (tests/e2e/demo.sh) on free ports: it prints the addresses of the agent, Prometheus and
# Alertmanager; they answer; Prometheus scrapes the agent and has loaded the shipped rules; and SIGTERM stops
# everything: exit code 0, nothing listening on those addresses any more, its temporary data removed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
e2e_setup demo-test

e2e_start demo bash "$HERE/demo.sh" --free-ports
DEMO=$E2E_LAST_PID
OUT=$E2E_TMP/demo.log
e2e_wait_for 60 "the demo to print its addresses" grep -q 'Ctrl-C stops everything' "$OUT"
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

kill -TERM "$DEMO"
code=0
wait "$DEMO" || code=$?
[[ $code -eq 0 ]] || e2e_fail "the demo exited with $code after SIGTERM"
for url in "${AGENT_URL}metrics" "${PROM_URL}-/ready" "${AM_URL}-/ready"; do
  if e2e_http_ok "$url"; then e2e_fail "$url still answers after the demo stopped"; fi
done
[[ ! -e $DATA ]] || e2e_fail "the demo left $DATA behind"
e2e_log "PASS"
