#!/usr/bin/env bash
# Watch streams (issue 14): alert latency and what watchers cost a partner's push. Two
# servers over the same loaded data, one with the watchers of w2w-watch-bench connected
# (default 1,000: 100 coaches watching in_scope, one token per region round robin, 900
# administrators naming 5 candidates and 2 vacancies each) and one nobody watches.
# Latency: new vacancies pushed one UpsertVacancy each at RATE/s; p99 from the push's
# acknowledgement to the first event naming it. Throughput: PushVacancies streams to
# both servers in turn, the median ratio watched / plain. Prints the bench's JSON.
#   BUILD_DIR (default build), NC / NV (100000 / 20000), WATCHERS (1000), RATE (1000),
#   DURATION (10 s), ROUNDS (5), PUSH_COUNT (10000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD_DIR:-$root/build}
NC=${NC:-100000}; NV=${NV:-20000}
work=$(mktemp -d /tmp/w2w-watch.XXXXXX)
declare -A pid addr
cleanup() {
  for p in "${pid[@]:-}"; do [[ -n $p ]] && { kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; }; done
  rm -rf "$work"
}
trap cleanup EXIT
"$B/clients/w2w-datagen" --candidates "$NC" --vacancies "$NV" --seed 1 --today "$(date -u +%F)" \
  --out "$work/data" --format jsonl >/dev/null 2>&1
start() {
  local name=$1 dir=$2; shift 2
  "$B/service/w2w-server" --address=127.0.0.1:0 --data_dir="$dir" --reference_dir="$root/data" "$@" \
    >"$work/$name.out" 2>"$work/$name.err" &
  pid[$name]=$!
  local a=""
  for _ in $(seq 1 1200); do
    a=$(sed -n 's/^w2w-server listening on //p' "$work/$name.out"); [[ -n $a ]] && break; sleep 0.1
  done
  [[ -n $a ]] || { cat "$work/$name.err" >&2; exit 1; }
  addr[$name]=$a
}
stop() { kill "${pid[$1]}"; wait "${pid[$1]}" 2>/dev/null || true; pid[$1]=""; }
start load "$work/srv"
export W2W_TOKEN=$(cat "$work/srv/admin.token")
"$B/clients/w2w" --server "${addr[load]}" import candidates "$work/data/candidates.jsonl" >/dev/null 2>&1
"$B/clients/w2w" --server "${addr[load]}" import vacancies "$work/data/vacancies.jsonl" >/dev/null 2>&1
stop load
cp -a "$work/srv" "$work/srv_plain"
# No rate limit: the bench's pushers and watchers share one token each.
start watched "$work/srv" --rate_limit_per_token=0
start plain "$work/srv_plain" --rate_limit_per_token=0
"$B/bench/w2w-watch-bench" --watched="${addr[watched]}" --plain="${addr[plain]}" \
  --token_watched="$(cat "$work/srv/admin.token")" --token_plain="$(cat "$work/srv_plain/admin.token")" \
  --candidates="$work/data/candidates.jsonl" --vacancies="$work/data/vacancies.jsonl" \
  --watchers="${WATCHERS:-1000}" --rate="${RATE:-1000}" --duration_s="${DURATION:-10}" \
  --rounds="${ROUNDS:-5}" --push_count="${PUSH_COUNT:-10000}"
echo "server RSS: watched $(awk '/VmRSS/{print $2}' /proc/${pid[watched]}/status) kB, plain $(awk '/VmRSS/{print $2}' /proc/${pid[plain]}/status) kB" >&2
