#!/usr/bin/env bash
# Generates the Python stubs of proto/w2w/v1/*.proto into w2w/_gen/ (beside this script),
# where the package `w2w` finds them as `w2w.v1.*_pb2`. Idempotent: the output folder is
# rebuilt from scratch on every run and replaced in one step. Not committed (.gitignore).
#   clients/python/generate.sh [PROTO_DIR [OUT_DIR]]
# PROTO_DIR defaults to the repository's proto/, OUT_DIR to clients/python/w2w/_gen.
# PROTOC and GRPC_PYTHON_PLUGIN override the tools (Debian: protobuf-compiler,
# protobuf-compiler-grpc); CMake passes the ones it found.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proto_dir=$(cd "${1:-$here/../../proto}" && pwd)
out=${2:-$here/w2w/_gen}
protoc=${PROTOC:-protoc}
plugin=${GRPC_PYTHON_PLUGIN:-$(command -v grpc_python_plugin || true)}
if [[ -z $plugin || ! -x $plugin ]]; then
  echo "generate.sh: grpc_python_plugin not found (apt-get install protobuf-compiler-grpc)" >&2
  exit 1
fi
shopt -s nullglob
protos=("$proto_dir"/w2w/v1/*.proto)
if ((${#protos[@]} == 0)); then
  echo "generate.sh: no .proto files in $proto_dir/w2w/v1" >&2
  exit 1
fi
# Generate next to the target, then swap, so a failed run leaves the old stubs intact and
# a removed .proto leaves no stale module behind.
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"  # mktemp makes it 0700; the stubs are not secret.
"$protoc" -I"$proto_dir" --python_out="$tmp" --grpc_out="$tmp" \
  --plugin=protoc-gen-grpc="$plugin" "${protos[@]}"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
