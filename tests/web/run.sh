#!/usr/bin/env bash
# Runs the browser tests of the web page (e2e_test.mjs) against the real w2w-server.
# Installs the locked npm packages first, only when node_modules is missing or older than
# package-lock.json (from the npm cache when it has them: --prefer-offline).
# Environment: W2W_SERVER_BIN, W2W_DATA_DIR, W2W_PROTO_DIR (see README.md).
set -euo pipefail
cd "$(dirname "$0")"

command -v node >/dev/null || { echo "run.sh: node not found" >&2; exit 1; }
command -v npm >/dev/null || { echo "run.sh: npm not found" >&2; exit 1; }

# npm ci leaves node_modules/.package-lock.json behind; its age says when it last ran.
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "run.sh: installing the locked npm packages (npm ci)"
  npm ci --no-audit --no-fund --prefer-offline
  touch "$stamp"
fi

exec node --test e2e_test.mjs
