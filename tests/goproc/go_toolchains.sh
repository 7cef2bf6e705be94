#!/usr/bin/env bash
# go_toolchains.sh CACHE_DIR VERSION...
#
# Prints one line "VERSION GOROOT" per requested Go version (1.19, 1.21 to 1.26), fetching what is missing
# into CACHE_DIR. go1.19 is Debian 12's installed golang-go. The newer ones are Debian's own
# golang-1.2x-go and golang-1.2x-src packages (bookworm-backports, trixie, trixie-backports), downloaded with a private apt
# configuration whose mirror is the one this machine's apt already uses, and unpacked without installing:
# their go binary is static and runs from the unpacked tree. A second call finds the cache and downloads
# nothing; concurrent calls wait for one another.
set -euo pipefail

cache=$1; shift
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

fail() { echo "go_toolchains.sh: $*" >&2; exit 1; }

# The Debian mirror of this machine's apt sources (deb822 first, then the one-line format).
debian_mirror() {
  local uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ { print u; exit }' \
      /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $uri && -r /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
  fi
  [[ -n $uri ]] || fail "no Debian bookworm mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  echo "$uri"
}

# Private apt state: its own source list, package lists and cache, nothing of the system's changed.
apt_dir="$cache/apt"
apt_options() {
  echo -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d" \
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "Dir::State::status=/var/lib/dpkg/status" \
    -o "Debug::NoLocking=1"
}
apt_updated=""
apt_update() {
  [[ -n $apt_updated ]] && return 0
  local mirror
  mirror=$(debian_mirror)
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d"
  cat >"$apt_dir/sources.list" <<LIST
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie-backports main
LIST
  # shellcheck disable=SC2046
  apt-get $(apt_options) update -qq >"$apt_dir/update.log" 2>&1 || fail "apt-get update failed: $(tail -3 "$apt_dir/update.log")"
  apt_updated=1
}

toolchain() {
  local version=$1
  if [[ $version == 1.19 ]]; then
    [[ -x /usr/lib/go-1.19/bin/go ]] || fail "go1.19 missing: install Debian's golang-go"
    echo "1.19 /usr/lib/go-1.19"
    return
  fi
  local dir="$cache/go$version"
  if [[ ! -f $dir/.complete ]]; then
    apt_update
    rm -rf "$dir" "$dir.debs"
    mkdir -p "$dir.debs"
    # shellcheck disable=SC2046
    (cd "$dir.debs" && apt-get $(apt_options) download -qq "golang-$version-go" "golang-$version-src" \
      >download.log 2>&1) || fail "downloading golang-$version-go failed: $(tail -3 "$dir.debs/download.log")"
    for deb in "$dir.debs"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
    rm -rf "$dir.debs"
    [[ -x $dir/usr/lib/go-$version/bin/go ]] || fail "golang-$version-go has no usr/lib/go-$version/bin/go"
    touch "$dir/.complete"
  fi
  echo "$version $dir/usr/lib/go-$version"
}

for v in "$@"; do toolchain "$v"; done
