#!/usr/bin/env bash
# Installs the Debian 12 packages w2w needs to build, test and run, when they are missing.
# Safe to run again: it installs nothing when everything is there.
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config ccache python3 openssl
  clang libclang-rt-14-dev
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev librocksdb-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev
  python3-grpcio python3-protobuf
  libcpp-httplib-dev libjs-chart.js chromium
  dpkg-dev file  # dpkg-shlibdeps and file: the Depends of the Debian package (CPack)
)
if [[ "${W2W_WITH_BENCH_DEPS:-0}" == 1 ]]; then
  PACKAGES+=(postgresql-15)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm for the browser and contract tests (tests/web, tests/node): Debian's,
# unless the machine already has a node and npm of its own (e.g. NodeSource's nodejs,
# which brings npm and conflicts with Debian's npm package).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
