#!/usr/bin/env bash
# Configures and builds w2w into ./build (or $W2W_BUILD_DIR). Extra arguments are make targets.
# W2W_BUILD_TYPE (default RelWithDebInfo), W2W_CMAKE_ARGS for extra CMake options.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${W2W_BUILD_DIR:-$root/build}
type=${W2W_BUILD_TYPE:-RelWithDebInfo}
jobs=${W2W_JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Share the cache between clones in different folders (CI builds a fresh clone).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="$type" ${W2W_CMAKE_ARGS:-} >/dev/null
make -C "$build" -j"$jobs" --no-print-directory "$@"
