#!/usr/bin/env bash
# Builds the Debian package of w2w (packaging/README.md) and prints the path of the .deb:
# a Release build of everything the package holds in ./build-release (or $W2W_BUILD_DIR;
# the same folder scripts/start.sh uses), then cpack. Binaries are stripped in the package.
#   W2W_BUILD_TYPE       default Release
#   W2W_DEB_COMPRESSION  xz (default), gzip or none
#   W2W_PACKAGE_DIR      where the .deb goes (default the build folder)
# Install it with `sudo apt install ./w2w_VERSION_ARCH.deb` (docs/operations.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Everything but the path of the .deb goes to stderr: deb=$(scripts/package.sh) works.
"$root/scripts/install-deps.sh" >&2
export W2W_BUILD_TYPE=${W2W_BUILD_TYPE:-Release}
export W2W_BUILD_DIR=${W2W_BUILD_DIR:-$root/build-release}
# What the package holds: the two binaries and the Python client's stubs.
"$root/scripts/build.sh" w2w-server w2w w2w_python_stubs >&2
out=${W2W_PACKAGE_DIR:-$W2W_BUILD_DIR}
mkdir -p "$out"
version=$(sed -n 's/^project(w2w VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
deb=$out/w2w_${version}_$(dpkg --print-architecture).deb
rm -f "$deb"
# cpack installs what the build made (it builds nothing itself: the top CMakeLists sets
# CMAKE_SKIP_INSTALL_ALL_DEPENDENCY).
(cd "$out" && cpack -G DEB --config "$W2W_BUILD_DIR/CPackConfig.cmake" -B "$out" >&2)
[[ -f $deb ]] || { echo "package.sh: cpack made no $deb" >&2; exit 1; }
echo "$deb"
