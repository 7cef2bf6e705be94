#!/usr/bin/env bash
# End to end on loopback, for real Go programs: tests/e2e/go_leaky_service built here twice, with Debian's go
# (go1.19, classic maps: main.sessions frozen mid-doubling, main.cache healthy, main.drained emptied after a peak)
# and with go1.26 (Swiss-table maps: the same program, whose main.sessions cannot be frozen mid-grow), watched by one
# mapscope agent through go_targets with exe:, scraped every second by Debian's prometheus with the shipped rules
# scaled by 60 (alerts/scale_rules.py), Debian's prometheus-alertmanager sending to a webhook receiver run here.
# It shows that
# - MapscopeOldBucketsRetained reaches the webhook for main.sessions with the labels target="leaky" and
#   map="main.sessions", and is never even pending for main.cache, nor for any map of the Swiss build;
# - MapscopeSparseMap reaches the webhook for main.drained of both builds (target="leaky" and
#   target="leaky-swiss"), and the agent tells the Swiss build's maps by mapscope_go_map_info{impl="swiss"};
# - killing the program raises MapscopeGoTargetDown for target="leaky"; starting it again resolves the alert, and
#   the agent reads the new process by itself (its pid in mapscope_go_target_info);
# - every query of the Go processes dashboard returns data, with the variables at All and picked.
# Ports are chosen at run time; every process is stopped at exit (tests/e2e/lib.sh). Takes about a minute and a
# half, plus the first build of the Go program (the build cache is kept, see e2e_build_go_program). Environment:
# MAPSCOPE_AGENT (the binary; default build/bin of the source tree), MAPSCOPE_E2E_KEEP=1 keeps every log.
# Reading another process needs root or CAP_SYS_PTRACE, as the agent does in production.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup go-alerting

AGENT=$(e2e_find_agent)
JOB=mapscope-go-e2e
TARGET=leaky
SWISS_TARGET=leaky-swiss
SWISS_GO=1.26
CHECKS=("$E2E_PYTHON" -B "$E2E_LIB_DIR/e2e_checks.py")

e2e_log "building the Go program with $(/usr/bin/go version 2>/dev/null || echo 'no go')"
mkdir -p "$E2E_TMP/bin"
SERVICE=$E2E_TMP/bin/go_leaky_service
e2e_build_go_program "$E2E_LIB_DIR/go_leaky_service" "$SERVICE"
e2e_log "building it again with go$SWISS_GO (Swiss-table maps; the toolchain is fetched on first use)"
SWISS_SERVICE=$E2E_TMP/bin/go_leaky_service_swiss
e2e_build_go_program "$E2E_LIB_DIR/go_leaky_service" "$SWISS_SERVICE" "$SWISS_GO"

cat >"$E2E_TMP/agent.yml" <<EOF
go_targets:
  - name: $TARGET
    exe: $SERVICE
    maps: [main.sessions, main.cache, main.drained]
  - name: $SWISS_TARGET
    exe: $SWISS_SERVICE
    maps: [main.sessions, main.cache, main.drained]
EOF
"$AGENT" --check-config --config.file "$E2E_TMP/agent.yml" >/dev/null || e2e_fail "the test configuration is invalid"

e2e_pick_port
AGENT_ADDRESS=127.0.0.1:$E2E_LAST_PORT
e2e_start_alerting_stack "$JOB" "$AGENT_ADDRESS"
PROM=$E2E_PROM
NOTIFICATIONS=$E2E_NOTIFICATIONS
e2e_wait_for 30 "Prometheus to discover the agent's address" \
  "${CHECKS[@]}" targets-up --prometheus "$PROM" --job "$JOB" --count 1 --discovered >/dev/null

START=$(date +%s)
e2e_start service "$SERVICE"
FIRST_PID=$E2E_LAST_PID
e2e_start service-swiss "$SWISS_SERVICE"
SWISS_PID=$E2E_LAST_PID
e2e_start_agent_at agent "$AGENT" "${AGENT_ADDRESS##*:}" --config.file "$E2E_TMP/agent.yml"
e2e_wait_for 20 "the agent up in Prometheus" \
  "${CHECKS[@]}" targets-up --prometheus "$PROM" --job "$JOB" --count 1 >/dev/null

# go_target_read PID: the agent reads the target from process PID (its up series and its info series).
go_target_read() {
  local metrics
  metrics=$(curl -fsS --max-time 5 "http://$AGENT_ADDRESS/metrics") || return 1
  grep -q "^mapscope_go_target_up{target=\"$TARGET\"} 1" <<<"$metrics" &&
    grep '^mapscope_go_target_info{' <<<"$metrics" | grep -q "pid=\"$1\""
}
e2e_wait_for 20 "the agent reading the Go program (pid $FIRST_PID)" go_target_read "$FIRST_PID"

# swiss_maps_read: the agent reads the go$SWISS_GO build's three maps as Swiss tables.
swiss_maps_read() {
  local metrics
  metrics=$(curl -fsS --max-time 5 "http://$AGENT_ADDRESS/metrics") || return 1
  [[ $(grep '^mapscope_go_map_info{' <<<"$metrics" | grep "target=\"$SWISS_TARGET\"" | grep -c 'impl="swiss"') == 3 ]]
}
e2e_wait_for 20 "the agent reading the go$SWISS_GO build's maps as Swiss tables (pid $SWISS_PID)" swiss_maps_read

# Scaled timeline: the agent first sees main.sessions growing at its first scrape; 15 s later the grow is old
# enough and its pending count has not moved for 15 s, 5 s of for: later the alert fires.
e2e_log "waiting for MapscopeOldBucketsRetained of the frozen Go map"
e2e_wait_for 120 "MapscopeOldBucketsRetained for $TARGET main.sessions at the webhook" "${CHECKS[@]}" webhook-has \
  --log "$NOTIFICATIONS" --alert MapscopeOldBucketsRetained --target "$TARGET" --map main.sessions \
  --instances "$AGENT_ADDRESS" >/dev/null
FIRED_AFTER=$(($(date +%s) - START))
sleep 5   # a few more evaluations: nothing of the healthy map's was about to arrive
"${CHECKS[@]}" alerts --prometheus "$PROM" --log "$NOTIFICATIONS" --start "$START" \
  --alert MapscopeOldBucketsRetained --severity warning --job "$JOB" --instances "$AGENT_ADDRESS" \
  --target "$TARGET" --fires-for main.sessions --never-for main.cache,main.drained --never-pending ||
  e2e_fail "MapscopeOldBucketsRetained"
"${CHECKS[@]}" alerts --prometheus "$PROM" --log "$NOTIFICATIONS" --start "$START" \
  --alert MapscopeOldBucketsRetained --severity warning --job "$JOB" --instances "$AGENT_ADDRESS" \
  --target "$SWISS_TARGET" --never-for main.sessions,main.cache,main.drained --never-pending ||
  e2e_fail "MapscopeOldBucketsRetained for the Swiss build"

# Scaled, the sparse alert waits 15 s: main.drained is sparse from the program's start.
for target in "$TARGET" "$SWISS_TARGET"; do
  e2e_wait_for 60 "MapscopeSparseMap for $target main.drained at the webhook" "${CHECKS[@]}" webhook-has \
    --log "$NOTIFICATIONS" --alert MapscopeSparseMap --target "$target" --map main.drained \
    --instances "$AGENT_ADDRESS" >/dev/null
done

e2e_log "killing the Go program: MapscopeGoTargetDown"
e2e_stop "$FIRST_PID"
e2e_wait_for 60 "MapscopeGoTargetDown for $TARGET at the webhook" "${CHECKS[@]}" webhook-has \
  --log "$NOTIFICATIONS" --alert MapscopeGoTargetDown --target "$TARGET" --instances "$AGENT_ADDRESS" >/dev/null
grep -q "msg=\"Go target down\" target=$TARGET" "$E2E_TMP/agent.log" ||
  e2e_fail "the agent did not log why the target is down"

e2e_log "starting it again: the agent follows the new process and the alert resolves"
e2e_start service-restarted "$SERVICE"
SECOND_PID=$E2E_LAST_PID
e2e_wait_for 20 "the agent reading the new process (pid $SECOND_PID)" go_target_read "$SECOND_PID"
e2e_wait_for 60 "MapscopeGoTargetDown for $TARGET resolved at the webhook" "${CHECKS[@]}" webhook-has \
  --log "$NOTIFICATIONS" --alert MapscopeGoTargetDown --target "$TARGET" --status resolved \
  --instances "$AGENT_ADDRESS" >/dev/null

e2e_log "every query of the Go processes dashboard on the real data"
"${CHECKS[@]}" dashboards --prometheus "$PROM" --start "$START" --instances "$AGENT_ADDRESS" --job "$JOB" \
  --targets "$TARGET,$SWISS_TARGET" --maps main.sessions,main.cache,main.drained \
  "$E2E_SOURCE_DIR/dashboards/mapscope-go.json" ||
  e2e_fail "dashboard queries"

e2e_log "every notification received:"
"${CHECKS[@]}" notifications --log "$NOTIFICATIONS" >&2
e2e_log "PASS in $(($(date +%s) - START)) s (the leak alert at the webhook ${FIRED_AFTER} s after the agent started)"
