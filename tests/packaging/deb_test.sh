#!/usr/bin/env bash
# The Debian package as a packager checks it (the last stage of ./mapscope test):
#   - its Depends were computed by dpkg-shlibdeps (the libraries the agent links, with versions);
#   - lintian finds no error and no warning (what it still reports at lower levels is explained in
#     docs/packaging.md; overrides ship in the package);
#   - its files are where Debian wants them, the systemd unit carries its hardening;
#   - extracted with dpkg-deb -x, the agent validates the installed example configuration, starts with it
#     and serves a scrape of /metrics.
# usage: deb_test.sh PACKAGE.deb
set -euo pipefail
deb=$(realpath "$1")
fail() { printf 'deb_test: FAIL: %s\n' "$*" >&2; exit 1; }
log() { printf 'deb_test: %s\n' "$*" >&2; }
work=$(mktemp -d)
agent_pid=""
cleanup() {
  if [[ -n $agent_pid ]]; then kill "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ $(basename "$deb") =~ ^mapscope_[0-9][0-9.]*_amd64\.deb$ ]] || fail "unexpected file name $(basename "$deb")"

depends=$(dpkg-deb -f "$deb" Depends)
log "Depends: $depends"
for library in libc6 libstdc++6 libprometheus-cpp-core libcivetweb libyaml-cpp; do
  [[ $depends == *"$library"* ]] || fail "Depends lacks $library: dpkg-shlibdeps did not run"
done

log "lintian"
lintian --info --display-level '>=pedantic' --fail-on error,warning "$deb" >&2 || fail "lintian: errors or warnings"

dpkg-deb -x "$deb" "$work/root"
root=$work/root
for file in usr/bin/mapscope-agent etc/mapscope/mapscope-agent.yaml usr/lib/systemd/system/mapscope-agent.service \
            usr/share/man/man1/mapscope-agent.1.gz usr/share/doc/mapscope/copyright \
            usr/share/mapscope/alerts/mapscope.rules.yml usr/share/mapscope/dashboards/mapscope-overview.json \
            usr/share/mapscope/dashboards/mapscope-map.json usr/share/mapscope/runbooks.md \
            usr/share/mapscope/examples/default.yaml; do
  [[ -f $root/$file ]] || fail "the package has no /$file"
done
unit=$root/usr/lib/systemd/system/mapscope-agent.service
for setting in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes ProtectHome=yes PrivateTmp=yes \
               "ExecStart=/usr/bin/mapscope-agent --config.file=/etc/mapscope/mapscope-agent.yaml" \
               "#AmbientCapabilities=CAP_SYS_PTRACE" "#CapabilityBoundingSet=CAP_SYS_PTRACE"; do
  grep -qxF "$setting" "$unit" || fail "the unit lacks $setting"
done
if command -v systemd-analyze >/dev/null; then
  # The unit as systemd reads it, with ExecStart pointed at the extracted binary.
  sed "s|/usr/bin/mapscope-agent|$root/usr/bin/mapscope-agent|" "$unit" >"$work/mapscope-agent.service"
  systemd-analyze verify --man=no "$work/mapscope-agent.service" >&2 || fail "systemd-analyze verify rejects the unit"
fi

agent=$root/usr/bin/mapscope-agent
config=$root/etc/mapscope/mapscope-agent.yaml
missing=$(ldd "$agent" | grep 'not found' || true)
[[ -z $missing ]] || fail "the extracted agent lacks libraries: $missing"
"$agent" --version >&2
"$agent" --check-config --config.file "$config" >&2 || fail "the installed configuration does not validate"

log "the extracted agent on the installed configuration"
"$agent" --config.file "$config" --web.listen-address 127.0.0.1:0 2>"$work/agent.log" &
agent_pid=$!
port=""
for _ in $(seq 600); do  # 60 s: a hang guard
  port=$(sed -n 's/.*msg=listening .*port=\([0-9]*\).*/\1/p' "$work/agent.log" | head -n 1)
  [[ -n $port ]] && grep -q 'msg=ready' "$work/agent.log" && break
  kill -0 "$agent_pid" 2>/dev/null || fail "the agent exited: $(cat "$work/agent.log")"
  sleep 0.1
done
[[ -n $port ]] || fail "the agent did not start: $(cat "$work/agent.log")"
curl -fsS --max-time 60 "http://127.0.0.1:$port/metrics" >"$work/metrics" || fail "no answer on /metrics"
for family in mapscope_build_info mapscope_tracked_maps process_resident_memory_bytes mapcore_gc_cycles_total; do
  grep -q "^$family" "$work/metrics" || fail "/metrics lacks $family"
done
kill -TERM "$agent_pid"
code=0
wait "$agent_pid" || code=$?
agent_pid=""
[[ $code -eq 0 ]] || fail "the agent exited with $code after SIGTERM"
log "PASS: $(basename "$deb"), $(wc -l <"$work/metrics") lines of /metrics from the extracted agent"
