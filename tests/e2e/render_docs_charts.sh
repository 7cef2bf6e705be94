#!/usr/bin/env bash
# Reproduces the charts of docs/dashboards.md from a real run: the agent on its embedded default configuration,
# also watching the Go service of tests/e2e/go_leaky_service (built here with Debian's go), Debian's prometheus
# scraping it every second, and after DURATION seconds dashboards/render_panels.py draws memory by region over time
# (the map dashboard's key panel) for the Go-policy maps beside their active-policy twins, and the Go processes
# dashboard's key panel for the Go service, which is sent SIGUSR1 (write every key of its frozen map again, the
# runbook's first fix) halfway through:
#   OUT/memory-frozen-midgrow.png   frozen-midgrow | frozen-midgrow-active
#   OUT/memory-drained.png          drained        | drained-active
#   OUT/go-heap-leaky-service.png   the Go service's heap in use over its maps' bytes by region
#
# usage: render_docs_charts.sh [OUT_DIR (default docs/images)] [DURATION seconds (default 150)]
# Environment: MAPSCOPE_AGENT (the binary; default build/bin of the source tree).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OUT=${1:-$E2E_SOURCE_DIR/docs/images}
DURATION=${2:-150}
e2e_setup docs-charts
AGENT=$(e2e_find_agent)
command -v gnuplot >/dev/null || e2e_fail "gnuplot not found (Debian package gnuplot-nox)"

# The Go service: main.sessions frozen mid-doubling from 2^16 buckets (a 9 MiB old array).
GO_TARGET=leaky-service
GO_SERVICE=$E2E_TMP/bin/$GO_TARGET
mkdir -p "$E2E_TMP/bin"
e2e_build_go_program "$E2E_LIB_DIR/go_leaky_service" "$GO_SERVICE"
{ "$AGENT" --print-default-config
  printf 'go_targets:\n  - name: %s\n    exe: %s\n' "$GO_TARGET" "$GO_SERVICE"
} >"$E2E_TMP/agent.yml"

e2e_pick_port
AGENT_ADDRESS=127.0.0.1:$E2E_LAST_PORT
cat >"$E2E_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: mapscope
    static_configs:
      - targets: ["$AGENT_ADDRESS"]
EOF
e2e_start_prometheus prometheus "$E2E_TMP/prometheus.yml"
PROM=http://127.0.0.1:$E2E_LAST_PORT
# The agent starts once Prometheus knows its address, so the charts begin with empty maps.
e2e_wait_for 30 "Prometheus to discover the agent" "$E2E_PYTHON" -B "$E2E_LIB_DIR/e2e_checks.py" targets-up \
  --prometheus "$PROM" --job mapscope --count 1 --discovered >/dev/null
START=$(($(date +%s) - 1))
e2e_start go-service "$GO_SERVICE" -leak-log2 16
GO_PID=$E2E_LAST_PID
e2e_start_agent_at agent "$AGENT" "${AGENT_ADDRESS##*:}" --config.file "$E2E_TMP/agent.yml"
e2e_log "running the default scenarios and the Go service for $DURATION s"
sleep $((DURATION / 2))
kill -USR1 "$GO_PID"
e2e_log "the Go service writes every key of main.sessions again"
sleep $((DURATION - DURATION / 2))
END=$(date +%s)

mkdir -p "$OUT"
render_pair() {
  local name=$1 maps=$2
  mkdir -p "$E2E_TMP/$name"
  "$E2E_PYTHON" -B "$E2E_SOURCE_DIR/dashboards/render_panels.py" --prometheus "$PROM" --out "$E2E_TMP/$name" \
    --maps "$maps" --start "$START" --end "$END" --step 1 --job mapscope --size 760x340 >/dev/null ||
    e2e_fail "render_panels.py failed for $maps"
  cp "$E2E_TMP/$name/memory-by-region.png" "$OUT/memory-$name.png"
  e2e_log "wrote $OUT/memory-$name.png ($(stat -c %s "$OUT/memory-$name.png") bytes)"
}
render_pair frozen-midgrow frozen-midgrow,frozen-midgrow-active
render_pair drained drained,drained-active
"$E2E_PYTHON" -B "$E2E_SOURCE_DIR/dashboards/render_panels.py" --prometheus "$PROM" --out "$E2E_TMP/go" \
  --go-target "$GO_TARGET" --start "$START" --end "$END" --step 1 --job mapscope --size 760x340 >/dev/null ||
  e2e_fail "render_panels.py failed for Go target $GO_TARGET"
cp "$E2E_TMP/go/go-heap-$GO_TARGET.png" "$OUT/"
e2e_log "wrote $OUT/go-heap-$GO_TARGET.png; the Go service said: $(cat "$E2E_TMP/go-service.log" | tr '\n' ' ')"
