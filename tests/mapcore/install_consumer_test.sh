#!/usr/bin/env bash
# Installs mapcore from the build tree into a temporary prefix, then builds and runs a separate
# consumer project against it with find_package(mapcore CONFIG REQUIRED).
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")/install_consumer" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" --component Unspecified >/dev/null
cmake -S "$source_dir" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"
