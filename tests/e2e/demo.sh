#!/usr/bin/env bash
# `./mapscope demo`: the agent on its embedded default configuration, also watching a small Go service with a
# leaking map (tests/e2e/go_leaky_service, built here with Debian's go), Debian's prometheus scraping it every second
# with the shipped rules (alerts/mapscope.rules.yml), and prometheus-alertmanager sending every mapscope alert to a
# small webhook receiver that prints it here. All on loopback; Ctrl-C or SIGTERM stops everything and removes the
# temporary data.
#
# usage: demo.sh [--fast] [--free-ports] [-- AGENT_ARGS...]
#   --fast        load a copy of the rules whose time constants are divided by 60 (alerts/scale_rules.py), so the
#                 leak alerts fire within a minute (about half a minute after a map stops writing) instead of 20
#   --free-ports  pick free ports instead of the usual ones (agent 8931, Prometheus 9090, Alertmanager 9093)
#   AGENT_ARGS    passed to mapscope-agent, e.g. -- --config.file config/examples/tiny.yaml (the Go service is
#                 then added to that file's go_targets by its pid)
# Environment: MAPSCOPE_AGENT (the binary; default build/bin of the source tree).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '8,14p' "$0" | sed 's/^# \{0,1\}//'; }

FAST=0
FREE_PORTS=0
AGENT_ARGS=()
while (($#)); do
  case $1 in
    --fast) FAST=1 ;;
    --free-ports) FREE_PORTS=1 ;;
    --) shift; AGENT_ARGS=("$@"); break ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'demo: unknown argument %q\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

e2e_setup demo
# Stopping the demo is its normal end.
trap 'e2e_log "stopping"; exit 0' INT TERM

AGENT=$(e2e_find_agent)
for tool in prometheus prometheus-alertmanager; do
  command -v "$tool" >/dev/null || e2e_fail "$tool not found: install Debian's $tool (./mapscope install)"
done

# The Go service: main.sessions loaded once and frozen mid-doubling from 2^15 buckets (a 4.5 MiB old array),
# main.cache written all the time. The agent watches it by executable, so a restart of it is followed.
e2e_log "building the Go service with $(/usr/bin/go version 2>/dev/null || echo 'no go')"
GO_SERVICE=$E2E_TMP/bin/leaky-service
mkdir -p "$E2E_TMP/bin"
e2e_build_go_program "$E2E_LIB_DIR/go_leaky_service" "$GO_SERVICE"
e2e_start go-service "$GO_SERVICE" -leak-log2 15
GO_PID=$E2E_LAST_PID
if [[ " ${AGENT_ARGS[*]} " == *" --config.file"* ]]; then
  AGENT_ARGS+=("--go.pid=$GO_PID")
else
  { "$AGENT" --print-default-config
    printf 'go_targets:\n  - name: leaky-service\n    exe: %s\n' "$GO_SERVICE"
  } >"$E2E_TMP/agent.yml"
  AGENT_ARGS+=(--config.file "$E2E_TMP/agent.yml")
fi

# demo_port USUAL: the usual port when it is free (and --free-ports is not given), else a free one.
demo_port() {
  if ((FREE_PORTS == 0)) && e2e_port_free "$1"; then
    E2E_LAST_PORT=$1
    E2E_USED_PORTS+="$1 "
  else
    ((FREE_PORTS == 1)) || e2e_log "port $1 is taken; using another"
    e2e_pick_port
  fi
}

RULES=$E2E_SOURCE_DIR/alerts/mapscope.rules.yml
if ((FAST)); then
  "$E2E_PYTHON" -B "$E2E_SOURCE_DIR/alerts/scale_rules.py" --factor 60 "$RULES" "$E2E_TMP/mapscope.rules.yml" 2>/dev/null
  RULES=$E2E_TMP/mapscope.rules.yml
fi

e2e_start_webhook webhook "$E2E_TMP/notifications.jsonl"
WEBHOOK_PORT=$E2E_LAST_PORT
cat >"$E2E_TMP/alertmanager.yml" <<EOF
route:
  receiver: terminal
  group_by: [alertname, instance, target, map]
  group_wait: 5s
  group_interval: 30s
  repeat_interval: 4h
receivers:
  - name: terminal
    webhook_configs:
      - url: http://127.0.0.1:$WEBHOOK_PORT/demo
        send_resolved: true
EOF
demo_port 9093
AM_PORT=$E2E_LAST_PORT
mkdir -p "$E2E_TMP/alertmanager-data"
e2e_start_server_at alertmanager /-/ready "$AM_PORT" prometheus-alertmanager \
  --config.file="$E2E_TMP/alertmanager.yml" --storage.path="$E2E_TMP/alertmanager-data" \
  --web.listen-address=127.0.0.1:@PORT@ --cluster.listen-address= --log.level=warn ||
  e2e_fail "Alertmanager did not start on 127.0.0.1:$AM_PORT"

demo_port 8931
AGENT_PORT=$E2E_LAST_PORT
demo_port 9090
PROM_PORT=$E2E_LAST_PORT
cat >"$E2E_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$AM_PORT"]
scrape_configs:
  - job_name: mapscope
    static_configs:
      - targets: ["127.0.0.1:$AGENT_PORT"]
EOF
mkdir -p "$E2E_TMP/prometheus-data"
e2e_start_server_at prometheus /-/ready "$PROM_PORT" prometheus --config.file="$E2E_TMP/prometheus.yml" \
  --storage.tsdb.path="$E2E_TMP/prometheus-data" --web.listen-address=127.0.0.1:@PORT@ \
  --rules.alert.resend-delay=1s --log.level=warn ||
  e2e_fail "Prometheus did not start on 127.0.0.1:$PROM_PORT"
e2e_start_agent_at agent "$AGENT" "$AGENT_PORT" "${AGENT_ARGS[@]}"

if ((FAST)); then
  RULES_NOTE="the shipped rules with time constants divided by 60 (--fast)"
else
  RULES_NOTE="the shipped rules (the leak alert needs 20 minutes; --fast divides time constants by 60)"
fi
cat <<EOF

mapscope demo is running. Ctrl-C stops everything.
  agent         http://127.0.0.1:$AGENT_PORT/   (metrics /metrics, maps /debug/maps)
  Go service    pid $GO_PID, watched as target leaky-service: main.sessions keeps its old buckets;
                \`kill -USR1 $GO_PID\` writes every key again, which finishes the grow (the runbook's first fix)
  Prometheus    http://127.0.0.1:$PROM_PORT/   (alerts /alerts, rules /rules), scraping every 1 s with
                $RULES_NOTE
  Alertmanager  http://127.0.0.1:$AM_PORT/   (alerts go to the webhook below and are printed here)
  webhook       http://127.0.0.1:$WEBHOOK_PORT/demo
  Grafana       add a Prometheus data source for http://127.0.0.1:$PROM_PORT with a scrape interval of 1s and
                load dashboards/*.json (docs/dashboards.md; mapscope Go processes shows the Go service)
  data          $E2E_TMP (removed at exit)

EOF

# Alerts as they reach the webhook, one line each.
touch "$E2E_TMP/notifications.jsonl"
e2e_start_attached alert-printer "$E2E_PYTHON" -u -c 'import json, sys, time
seen = 0
while True:
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.readlines()
    for line in lines[seen:]:
        for a in json.loads(line)["body"].get("alerts", []):
            l = a["labels"]
            print("[alert] %-8s %-32s severity=%-8s instance=%s target=%s map=%s" % (
                a["status"], l.get("alertname"), l.get("severity"), l.get("instance", "-"), l.get("target", "-"),
                l.get("map", "-")), flush=True)
    seen = len(lines)
    time.sleep(1)' "$E2E_TMP/notifications.jsonl"

# Runs until a signal; a server that dies on its own ends the demo with its log.
while true; do
  for name in agent go-service prometheus alertmanager webhook alert-printer; do
    pid=$(e2e_pid_of "$name")
    if [[ -z $pid ]] || ! e2e_alive "$pid"; then
      e2e_fail "$name stopped unexpectedly"
    fi
  done
  sleep 1 &
  wait $! || true
done
