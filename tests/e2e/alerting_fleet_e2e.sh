#!/usr/bin/env bash
# End to end on loopback: two mapscope agents (a fleet of two) scraped every second by Debian's prometheus with a
# copy of alerts/mapscope.rules.yml whose time constants are divided by 60 (alerts/scale_rules.py), Debian's
# prometheus-alertmanager sending to a webhook receiver run here. It shows that
# - every query of both dashboards returns data from the real agents, with the variables at All and picked;
# - the overview dashboard's queries cover both agents (per instance, or sums that add up both);
# - MapscopeOldBucketsRetained reaches the webhook for the frozen Go-policy map of each agent with its labels,
#   and is never even pending for its active-policy twin nor for the healthy maps;
# - MapscopeSparseMap reaches the webhook for the drained Go-policy map and never fires for its active twin.
# Ports are chosen at run time; every process is stopped at exit, whatever happens (tests/e2e/lib.sh).
# Takes about a minute. Environment: MAPSCOPE_AGENT (the binary; default build/bin of the source tree),
# MAPSCOPE_E2E_KEEP=1 keeps the temporary directory with every log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup alerting-fleet

AGENT=$(e2e_find_agent)
JOB=mapscope-e2e    # MapscopeAgentDown watches jobs named mapscope*
CHECKS=("$E2E_PYTHON" -B "$E2E_LIB_DIR/e2e_checks.py")

# The five maps, small so that everything happens within seconds. A warm-up phase of lookups on the empty map
# lets Prometheus scrape the agents before anything grows, so the collector's work lands in its data.
cat >"$E2E_TMP/agent.yml" <<'EOF'
server:
  max_tracked_maps: 16
collector:
  enabled: true
  interval: 20ms
  budget: 1ms
  max_pause: 250us
  trim_threshold: 64KiB
scenarios:
  # 26,625 sequential inserts: the last one starts the 12->13 doubling (26,624 = 6.5 x 4,096), then only reads,
  # which never evacuate: the 4,096-bucket old array stays.
  - name: frozen-midgrow
    map: {key: int64, value: int64}
    phases:
      - {name: warmup, mix: {lookup: 1}, rate: 100, duration: 3s}
      - {name: fill, mix: {insert: 1}, rate: 20000, operations: 26625}
      - {name: read, mix: {lookup: 1}, rate: 200, forever: true}
  - name: frozen-midgrow-active
    map: {key: int64, value: int64, maintenance: active}
    phases:
      - {name: warmup, mix: {lookup: 1}, rate: 100, duration: 3s}
      - {name: fill, mix: {insert: 1}, rate: 20000, operations: 26625}
      - {name: read, mix: {lookup: 1}, rate: 200, forever: true}
  # 8,000 entries (B=11, 2,048 buckets) drained to 100: a load factor of 0.05, and Go never shrinks.
  - name: drained
    map: {key: int64, value: int64}
    phases:
      - {name: warmup, mix: {lookup: 1}, rate: 100, duration: 3s}
      - {name: fill, mix: {insert: 1}, rate: 20000, operations: 8000}
      - {name: drain, mix: {delete: 1}, rate: 20000, until: {entries_at_most: 100}}
      - {name: read, mix: {lookup: 1}, rate: 200, forever: true}
  - name: drained-active
    map: {key: int64, value: int64, maintenance: active}
    phases:
      - {name: warmup, mix: {lookup: 1}, rate: 100, duration: 3s}
      - {name: fill, mix: {insert: 1}, rate: 20000, operations: 8000}
      - {name: drain, mix: {delete: 1}, rate: 20000, until: {entries_at_most: 100}}
      - {name: read, mix: {lookup: 1}, rate: 200, forever: true}
  # Healthy: constant size under insert/delete churn with fresh keys; its same-size grows finish under its writes.
  - name: healthy-churn
    map: {key: int64, value: int64, hint: 3000}
    phases:
      - {name: fill, mix: {insert: 1}, operations: 3000}
      - {name: churn, mix: {insert: 1, delete: 1, lookup: 2}, rate: 10000, forever: true}
EOF
"$AGENT" --check-config --config.file "$E2E_TMP/agent.yml" >/dev/null || e2e_fail "the test configuration is invalid"
MAPS=frozen-midgrow,frozen-midgrow-active,drained,drained-active,healthy-churn

# Prometheus first, on the agents' future ports, so it scrapes them from their first second.
e2e_pick_port
AGENT_A=127.0.0.1:$E2E_LAST_PORT
e2e_pick_port
AGENT_B=127.0.0.1:$E2E_LAST_PORT
e2e_start_alerting_stack "$JOB" "$AGENT_A" "$AGENT_B"
PROM=$E2E_PROM

# Prometheus discovers static targets a few seconds after it starts; the agents start once it knows them, so their
# first seconds (the fills, the collector's work on the twins) are scraped.
e2e_wait_for 60 "Prometheus to discover the agents' addresses" \
  "${CHECKS[@]}" targets-up --prometheus "$PROM" --job "$JOB" --count 2 --discovered >/dev/null
START=$(date +%s)
e2e_start_agent_at agent-a "$AGENT" "${AGENT_A##*:}" --config.file "$E2E_TMP/agent.yml"
e2e_start_agent_at agent-b "$AGENT" "${AGENT_B##*:}" --config.file "$E2E_TMP/agent.yml"
INSTANCES=$AGENT_A,$AGENT_B
e2e_wait_for 60 "both agents up in Prometheus" \
  "${CHECKS[@]}" targets-up --prometheus "$PROM" --job "$JOB" --count 2 >/dev/null

# Scaled timeline: the frozen map stops writing ~5 s in; 15 s later its grow is old enough and its 15 s
# evacuation window empty, 5 s of for: later it fires. The drained map turns sparse ~4 s in and fires 15 s later.
e2e_log "waiting for the alerts to reach the webhook"
e2e_wait_for 120 "MapscopeSparseMap for drained at the webhook" "${CHECKS[@]}" webhook-has \
  --log "$E2E_NOTIFICATIONS" --alert MapscopeSparseMap --map drained --instances "$INSTANCES" >/dev/null
e2e_wait_for 120 "MapscopeOldBucketsRetained for frozen-midgrow at the webhook" "${CHECKS[@]}" webhook-has \
  --log "$E2E_NOTIFICATIONS" --alert MapscopeOldBucketsRetained --map frozen-midgrow \
  --instances "$INSTANCES" >/dev/null
FIRED_AFTER=$(($(date +%s) - START))
# The twins ran the same timeline; a few more evaluations make sure nothing of theirs was about to arrive.
sleep 5

e2e_log "alerts at the webhook and in Prometheus's ALERTS history"
"${CHECKS[@]}" alerts --prometheus "$PROM" --log "$E2E_NOTIFICATIONS" --start "$START" \
  --alert MapscopeOldBucketsRetained --severity warning --job "$JOB" --instances "$INSTANCES" \
  --fires-for frozen-midgrow --never-for frozen-midgrow-active,healthy-churn --never-pending ||
  e2e_fail "MapscopeOldBucketsRetained"
"${CHECKS[@]}" alerts --prometheus "$PROM" --log "$E2E_NOTIFICATIONS" --start "$START" \
  --alert MapscopeSparseMap --severity warning --job "$JOB" --instances "$INSTANCES" \
  --fires-for drained --never-for drained-active,healthy-churn || e2e_fail "MapscopeSparseMap"

e2e_log "every query of both dashboards on the real data"
"${CHECKS[@]}" dashboards --prometheus "$PROM" --start "$START" --instances "$INSTANCES" --job "$JOB" \
  --maps "$MAPS" "$E2E_SOURCE_DIR/dashboards/mapscope-overview.json" "$E2E_SOURCE_DIR/dashboards/mapscope-map.json" ||
  e2e_fail "dashboard queries"

e2e_log "the overview dashboard over the fleet of two"
"${CHECKS[@]}" fleet --prometheus "$PROM" --instances "$INSTANCES" \
  "$E2E_SOURCE_DIR/dashboards/mapscope-overview.json" || e2e_fail "fleet aggregation"

e2e_log "every notification received:"
"${CHECKS[@]}" notifications --log "$E2E_NOTIFICATIONS" >&2
e2e_log "PASS in $(($(date +%s) - START)) s (both alerts at the webhook ${FIRED_AFTER} s after the agents started)"
