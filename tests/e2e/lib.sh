# tests/e2e/lib.sh: shell helpers shared by the end-to-end scripts and `./mapscope demo`.
#
# Source it from a bash script, then call e2e_setup NAME first. It owns:
# - a temporary directory ($E2E_TMP) for logs and data, removed at exit (kept with MAPSCOPE_E2E_KEEP=1); on a
#   failure the end of every process log is printed first;
# - the processes started with e2e_start/e2e_start_server, stopped in reverse order at exit, whatever the exit
#   (success, failure, `set -e`, Ctrl-C, SIGTERM): SIGTERM first, SIGKILL after a grace period;
# - free loopback ports chosen at run time (each handed out once per script) and readiness waits on HTTP.
#
# Servers that take a port on their command line are started with the placeholder @PORT@ in their arguments:
# e2e_start_server picks a free port, substitutes it, waits for readiness and retries with another port if the
# process dies before it is ready (the port may have been taken between the choice and the bind).

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_SOURCE_DIR=${MAPSCOPE_SOURCE_DIR:-$(cd "$E2E_LIB_DIR/../.." && pwd)}
# Debian's interpreter first: it has python3-yaml whatever comes first on PATH.
E2E_PYTHON=${MAPSCOPE_PYTHON3:-$(command -v /usr/bin/python3 || command -v python3)}
# The Python tools and checks import the project's package, mapscope_prom, from python/.
export PYTHONPATH="$E2E_SOURCE_DIR/python${PYTHONPATH:+:$PYTHONPATH}"
E2E_NAME=e2e
E2E_TMP=
E2E_PIDS=()
E2E_PROC_NAMES=()
E2E_USED_PORTS=" "
E2E_STOP_GRACE=${E2E_STOP_GRACE:-10}
E2E_LAST_PORT=
E2E_LAST_PID=
E2E_PROM=
E2E_NOTIFICATIONS=

e2e_log() { printf '[%s %s] %s\n' "$E2E_NAME" "$(date +%H:%M:%S)" "$*" >&2; }

# e2e_fail MESSAGE: a failed check; the exit trap stops everything and shows the logs.
e2e_fail() {
  printf '[%s] FAIL: %s\n' "$E2E_NAME" "$*" >&2
  exit 1
}

# e2e_setup NAME: temporary directory and the traps that clean up after any exit.
e2e_setup() {
  E2E_NAME=$1
  E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mapscope-$1.XXXXXX")
  trap e2e_on_exit EXIT
  trap 'e2e_log "interrupted"; exit 130' INT
  trap 'e2e_log "terminated"; exit 143' TERM
  trap 'exit 129' HUP
}

e2e_on_exit() {
  local status=$?
  # A second Ctrl-C must not cut the cleanup short and leave servers running.
  trap - EXIT
  trap '' INT TERM HUP
  e2e_stop_all
  if ((status != 0)) && [[ -n $E2E_TMP ]]; then
    e2e_show_logs
  fi
  if [[ -n $E2E_TMP && -d $E2E_TMP ]]; then
    if [[ ${MAPSCOPE_E2E_KEEP:-0} == 1 ]]; then
      e2e_log "kept $E2E_TMP"
    else
      rm -rf "$E2E_TMP"
    fi
  fi
  exit "$status"
}

# The last lines of every process log, so a failure in CI explains itself.
e2e_show_logs() {
  local log
  for log in "$E2E_TMP"/*.log; do
    [[ -f $log ]] || continue
    printf '\n----- %s (last 25 lines) -----\n' "${log##*/}" >&2
    tail -n 25 "$log" >&2
  done
}

# e2e_pick_port: sets E2E_LAST_PORT to a loopback TCP port that nothing listens on now and that this script has
# not handed out yet. Call it in the script's own shell (not in $(...)), or the ports handed out are forgotten.
e2e_pick_port() {
  local port attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$("$E2E_PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
    if [[ $E2E_USED_PORTS != *" $port "* ]]; then
      E2E_USED_PORTS+="$port "
      E2E_LAST_PORT=$port
      return 0
    fi
  done
  e2e_fail "no free port found"
}

# e2e_start NAME CMD...: runs CMD in the background, output in $E2E_TMP/NAME.log; sets E2E_LAST_PID.
e2e_start() {
  local name=$1
  shift
  "$@" >"$E2E_TMP/$name.log" 2>&1 </dev/null &
  E2E_LAST_PID=$!
  E2E_PIDS+=("$E2E_LAST_PID")
  E2E_PROC_NAMES+=("$name")
}

# e2e_start_attached NAME CMD...: like e2e_start, but the output goes to this script's own stdout and stderr.
e2e_start_attached() {
  local name=$1
  shift
  "$@" </dev/null &
  E2E_LAST_PID=$!
  E2E_PIDS+=("$E2E_LAST_PID")
  E2E_PROC_NAMES+=("$name")
}

# e2e_port_free PORT: true when nothing listens on 127.0.0.1:PORT (connections in TIME_WAIT do not count: servers
# bind with SO_REUSEADDR).
e2e_port_free() {
  "$E2E_PYTHON" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

# e2e_pid_of NAME: the pid of a running process started under NAME (empty if none).
e2e_pid_of() {
  local i
  for i in "${!E2E_PROC_NAMES[@]}"; do
    if [[ ${E2E_PROC_NAMES[$i]} == "$1" ]]; then printf '%s\n' "${E2E_PIDS[$i]}"; fi
  done
}

e2e_alive() { kill -0 "$1" 2>/dev/null; }

# e2e_stop PID: SIGTERM, then SIGKILL after E2E_STOP_GRACE seconds; reaps it and forgets it.
e2e_stop() {
  local pid=$1 waited=0 i
  if e2e_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    while e2e_alive "$pid" && ((waited < E2E_STOP_GRACE * 10)); do
      sleep 0.1
      waited=$((waited + 1))
      # A zombie child answers kill -0 until it is reaped.
      if [[ $(ps -o stat= -p "$pid" 2>/dev/null) == Z* ]]; then break; fi
    done
    if e2e_alive "$pid" && [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]]; then
      e2e_log "pid $pid ignored SIGTERM for ${E2E_STOP_GRACE}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  for i in "${!E2E_PIDS[@]}"; do
    if [[ ${E2E_PIDS[$i]} == "$pid" ]]; then
      unset 'E2E_PIDS[i]' 'E2E_PROC_NAMES[i]'
    fi
  done
}

# Stops every process this script started, the last started first.
e2e_stop_all() {
  local indices=("${!E2E_PIDS[@]}") k
  for ((k = ${#indices[@]} - 1; k >= 0; k--)); do
    e2e_stop "${E2E_PIDS[${indices[k]}]}"
  done
}

# e2e_http_ok URL: true when URL answers 2xx within 2 seconds.
e2e_http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# e2e_wait_ready NAME PID URL TIMEOUT: waits until URL answers 2xx; false if the process died first or the time
# ran out (the caller decides whether that is fatal).
e2e_wait_ready() {
  local name=$1 pid=$2 url=$3 timeout=$4
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if e2e_http_ok "$url"; then return 0; fi
    if ! e2e_alive "$pid"; then
      e2e_log "$name exited before it was ready"
      return 1
    fi
    sleep 0.2
  done
  e2e_log "$name not ready at $url after ${timeout}s"
  return 1
}

# e2e_start_server_at NAME READY_PATH PORT CMD... (with @PORT@ in the arguments): one attempt to start a server on
# PORT, waiting for http://127.0.0.1:PORT/READY_PATH. Sets E2E_LAST_PID; false (process stopped, log kept under
# another name) if it died or was not ready in time.
e2e_start_server_at() {
  local name=$1 ready_path=$2 port=$3
  shift 3
  local arg args=()
  # Something else answering on the port would pass for this server's readiness.
  if ! e2e_port_free "$port"; then
    e2e_log "$name: 127.0.0.1:$port is already taken"
    E2E_LAST_PID=
    return 1
  fi
  for arg in "$@"; do args+=("${arg//@PORT@/$port}"); done
  e2e_start "$name" "${args[@]}"
  if e2e_wait_ready "$name" "$E2E_LAST_PID" "http://127.0.0.1:$port$ready_path" 60 && e2e_alive "$E2E_LAST_PID"; then
    e2e_log "$name ready on 127.0.0.1:$port (pid $E2E_LAST_PID)"
    return 0
  fi
  tail -n 5 "$E2E_TMP/$name.log" >&2
  e2e_stop "$E2E_LAST_PID"
  mv "$E2E_TMP/$name.log" "$E2E_TMP/$name.failed-$port.log"
  return 1
}

# e2e_start_server NAME READY_PATH CMD... (with @PORT@ in the arguments): starts a server on a free port and
# waits until it is ready. Sets E2E_LAST_PORT and E2E_LAST_PID. Retries with another port when the process dies
# first (the port may have been taken between the choice and the bind); fails the script after three attempts.
e2e_start_server() {
  local name=$1 attempt
  for attempt in 1 2 3; do
    e2e_pick_port
    if e2e_start_server_at "$name" "$2" "$E2E_LAST_PORT" "${@:3}"; then return 0; fi
  done
  e2e_fail "$name did not start (see $name.failed-*.log)"
}

# e2e_find_agent: the mapscope-agent binary: $MAPSCOPE_AGENT, else build/bin of the source tree.
e2e_find_agent() {
  local agent=${MAPSCOPE_AGENT:-$E2E_SOURCE_DIR/build/bin/mapscope-agent}
  [[ -x $agent ]] || e2e_fail "mapscope-agent not found at $agent (build first, or set MAPSCOPE_AGENT)"
  printf '%s\n' "$agent"
}

# e2e_build_go_program SOURCE_DIR OUT [VERSION]: builds the Go module in SOURCE_DIR into OUT with Debian's go
# (go1.19), or with the go VERSION (1.21 to 1.26) that tests/goproc/go_toolchains.sh fetches from Debian's archive
# into $MAPSCOPE_GO_TOOLCHAINS_DIR (default: toolchains in the work directory). Go's build cache is
# $MAPSCOPE_GO_BUILD_CACHE (default: gocache in the work directory, $MAPSCOPE_GO_WORK_DIR or mapscope-go-e2e under
# $TMPDIR), kept between runs so that only the first build compiles the standard library.
e2e_build_go_program() {
  local source=$1 out=$2 version=${3:-1.19} work=${MAPSCOPE_GO_WORK_DIR:-${TMPDIR:-/tmp}/mapscope-go-e2e} go
  mkdir -p "$work"
  if [[ $version == 1.19 ]]; then
    go=/usr/bin/go
    [[ -x $go ]] || e2e_fail "Debian's go is not installed (/usr/bin/go, package golang-go)"
  else
    local found
    found=$("$E2E_SOURCE_DIR/tests/goproc/go_toolchains.sh" "${MAPSCOPE_GO_TOOLCHAINS_DIR:-$work/toolchains}" \
      "$version" 2>"$E2E_TMP/go-toolchain.log") || e2e_fail "no go$version: $(tail -1 "$E2E_TMP/go-toolchain.log")"
    go=${found#* }/bin/go
  fi
  (cd "$source" && env -i PATH=/usr/bin:/bin HOME="$work" GOCACHE="${MAPSCOPE_GO_BUILD_CACHE:-$work/gocache}" GOPATH="$work/gopath" \
    GOFLAGS=-mod=mod GO111MODULE=on CGO_ENABLED=0 GOTOOLCHAIN=local "$go" build -trimpath -o "$out" .) \
    >"$E2E_TMP/go-build.log" 2>&1 || e2e_fail "go$version build of $source failed (see go-build.log)"
}

# e2e_start_agent NAME AGENT [ARGS...]: the agent on a free port, ready when /-/ready answers.
e2e_start_agent() {
  local name=$1 agent=$2
  shift 2
  e2e_start_server "$name" /-/ready "$agent" --web.listen-address=127.0.0.1:@PORT@ "$@"
}

# e2e_start_agent_at NAME AGENT PORT [ARGS...]: the agent on a port chosen earlier with e2e_pick_port (when
# another server's configuration had to name it first); fails the script if it cannot start there.
e2e_start_agent_at() {
  local name=$1 agent=$2 port=$3
  shift 3
  e2e_start_server_at "$name" /-/ready "$port" "$agent" --web.listen-address=127.0.0.1:@PORT@ "$@" ||
    e2e_fail "$name did not start on 127.0.0.1:$port"
}

# e2e_start_prometheus NAME CONFIG [ARGS...]: Debian's prometheus with its own storage under $E2E_TMP.
# --rules.alert.resend-delay=1s: a first notification sent before Alertmanager is discovered is dropped, and
# the default resend delay would hold the alert back a minute.
e2e_start_prometheus() {
  local name=$1 config=$2
  shift 2
  mkdir -p "$E2E_TMP/$name-data"
  e2e_start_server "$name" /-/ready prometheus --config.file="$config" \
    --storage.tsdb.path="$E2E_TMP/$name-data" --web.listen-address=127.0.0.1:@PORT@ \
    --rules.alert.resend-delay=1s --log.level=warn "$@"
}

# e2e_start_alertmanager NAME CONFIG: Debian's prometheus-alertmanager, no clustering, own storage.
e2e_start_alertmanager() {
  local name=$1 config=$2
  mkdir -p "$E2E_TMP/$name-data"
  e2e_start_server "$name" /-/ready prometheus-alertmanager --config.file="$config" \
    --storage.path="$E2E_TMP/$name-data" --web.listen-address=127.0.0.1:@PORT@ --cluster.listen-address= \
    --log.level=warn
}

# e2e_start_webhook NAME OUT_FILE: the webhook receiver; every notification is appended to OUT_FILE as a line.
e2e_start_webhook() {
  local name=$1 out=$2
  e2e_start_server "$name" / "$E2E_PYTHON" -B "$E2E_LIB_DIR/webhook_receiver.py" --port @PORT@ --out "$out"
}

# e2e_start_alerting_stack JOB ADDRESS...: the alerting path the end-to-end tests check, on free ports: a copy of
# the shipped rules whose time constants are divided by 60 (alerts/scale_rules.py; promtool must accept it as it
# does the original), the webhook receiver writing every notification to $E2E_NOTIFICATIONS, Alertmanager sending
# it every alert at once (grouped by alertname, instance, target and map; resolved ones too), and Prometheus
# scraping the agents at ADDRESS... (HOST:PORT) as JOB every second with the copy. Sets E2E_PROM to Prometheus's
# URL. Start the agents afterwards, once Prometheus has discovered their addresses, so their first seconds are
# scraped.
e2e_start_alerting_stack() {
  local job=$1 targets
  shift
  targets=$(printf '"%s", ' "$@")
  "$E2E_PYTHON" -B "$E2E_SOURCE_DIR/alerts/scale_rules.py" --factor 60 \
    "$E2E_SOURCE_DIR/alerts/mapscope.rules.yml" "$E2E_TMP/rules.yml"
  promtool check rules "$E2E_TMP/rules.yml" >/dev/null || e2e_fail "promtool rejects the scaled rules"

  E2E_NOTIFICATIONS=$E2E_TMP/notifications.jsonl
  e2e_start_webhook webhook "$E2E_NOTIFICATIONS"
  cat >"$E2E_TMP/alertmanager.yml" <<EOF
route:
  receiver: webhook
  group_by: [alertname, instance, target, map]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: webhook
    webhook_configs:
      - url: http://127.0.0.1:$E2E_LAST_PORT/alerts
        send_resolved: true
EOF
  amtool check-config "$E2E_TMP/alertmanager.yml" >/dev/null || e2e_fail "amtool rejects the test configuration"
  e2e_start_alertmanager alertmanager "$E2E_TMP/alertmanager.yml"

  cat >"$E2E_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $E2E_TMP/rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$E2E_LAST_PORT"]
scrape_configs:
  - job_name: $job
    static_configs:
      - targets: [${targets%, }]
EOF
  promtool check config "$E2E_TMP/prometheus.yml" >/dev/null || e2e_fail "promtool rejects the test configuration"
  e2e_start_prometheus prometheus "$E2E_TMP/prometheus.yml"
  E2E_PROM=http://127.0.0.1:$E2E_LAST_PORT
}

# e2e_wait_for TIMEOUT DESCRIPTION CMD...: runs CMD every second until it succeeds; fails the script after
# TIMEOUT seconds.
e2e_wait_for() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || e2e_fail "timed out after ${timeout}s waiting for $what"
    sleep 1
  done
}
