#!/usr/bin/env bash
# The embedded default configuration through mapscope-agent (config/examples/default.yaml), watched until every
# metric family of the exporter's contract is exposed and each scenario shows the effect it is there for (about a
# minute on an idle 2-core machine; the 240 s limit only guards against a hang), with the process's peak resident
# memory under 300 MB (default_config_check.py lists the checks and prints the time and the peak).
# Environment: MAPSCOPE_AGENT (the binary; default build/bin of the source tree), MAPSCOPE_E2E_KEEP=1 keeps the
# agent's log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup default-config

AGENT=$(e2e_find_agent)
# No --config.file: the embedded default, which --print-default-config shows to equal the shipped example.
e2e_start_agent agent "$AGENT"
e2e_log "agent on 127.0.0.1:$E2E_LAST_PORT; watching it until every scenario shows its effect"
"$E2E_PYTHON" -B "$E2E_LIB_DIR/default_config_check.py" --url "http://127.0.0.1:$E2E_LAST_PORT" \
  --pid "$E2E_LAST_PID" --hang-guard 240 --rss-limit-mb 300 ||
  e2e_fail "the default configuration does not show what it promises"
e2e_log PASS
