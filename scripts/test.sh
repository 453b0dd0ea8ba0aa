#!/usr/bin/env bash
# The README's second command: installs what is missing, builds everything, runs every test
# (unit, property, scenario and the integration tests against the real server binary).
#   scripts/test.sh             all tests
#   scripts/test.sh -L unit     only unit tests (any ctest arguments are passed on)
#   scripts/test.sh --long      only the long mode: the 10-minute soak of 64 clients and
#                               100 rounds of SIGKILL (tests/reliability/; about 25
#                               minutes, outside CI; record the result in docs/reliability.md)
# W2W_SANITIZE=1 builds into build-asan with AddressSanitizer + UBSan and runs the unit tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
if [[ "${W2W_SANITIZE:-0}" == 1 ]]; then
  export W2W_BUILD_DIR=${W2W_BUILD_DIR:-$root/build-asan}
  export W2W_CMAKE_ARGS="${W2W_CMAKE_ARGS:-} -DW2W_SANITIZE=ON -DW2W_BUILD_BENCH=OFF"
  export W2W_BUILD_TYPE=Debug
fi
build=${W2W_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
cd "$build"
export W2W_SERVER_BIN="$build/service/w2w-server" W2W_CLI_BIN="$build/clients/w2w" W2W_DATA_DIR="$root/data"
if [[ "${1:-}" == --long ]]; then
  shift
  # One at a time: the soak measures the server's RSS, and the kill rounds time restarts.
  ctest --output-on-failure -L long --timeout 1800 "$@"
else
  ctest --output-on-failure -j"$(nproc)" --timeout 900 -LE long "$@"
fi
