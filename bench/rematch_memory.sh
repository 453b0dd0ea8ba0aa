#!/usr/bin/env bash
# What the server keeps in memory after large rematches (issue 13, "memory under control"):
# the same binary over copies of the same store, one server with
# --release_memory_after_rematch (the default) and one without, run in turn (never at
# once: 2 cores). Each is started, warmed with shortlists, then runs RUNS group rematches
# of the largest regions (up to 20,000 people each, the selection cap) one after another;
# the script reads VmRSS of the server from /proc before the first run (the baseline),
# VmHWM (the peak), and VmRSS 2 s after each run ended. Prints one line per run and a
# table: baseline, peak, after the last run, and after/baseline per side.
#   BUILD_DIR (default build): w2w-server, w2w, w2w-datagen, bench/w2w-loadgen
#   NC / NV (default 100000 / 20000), RUNS (3), REGIONS (three large regions: under 20,000 people)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD_DIR:-$root/build}
NC=${NC:-100000}; NV=${NV:-20000}; RUNS=${RUNS:-3}
REGIONS=${REGIONS:-Rijnmond,Zuidoost-Brabant,Twente}
work=$(mktemp -d /tmp/w2w-rematch-mem.XXXXXX)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
kib() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
addr=""
start() {
  local dir=$1; shift
  "$B/service/w2w-server" --address=127.0.0.1:0 --data_dir="$dir" "$@" >"$work/out" 2>"$work/err" &
  pid=$!
  addr=""
  for _ in $(seq 1 1200); do
    addr=$(sed -n 's/^w2w-server listening on //p' "$work/out"); [[ -n $addr ]] && break; sleep 0.1
  done
  [[ -n $addr ]] || { cat "$work/err" >&2; exit 1; }
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
cli() { "$B/clients/w2w" --server "$addr" "$@"; }

"$B/clients/w2w-datagen" --candidates "$NC" --vacancies "$NV" --seed 1 --today "$(date -u +%F)" \
  --out "$work/data" --format jsonl >/dev/null 2>&1
start "$work/srv"
export W2W_TOKEN=$(cat "$work/srv/admin.token")
cli import candidates "$work/data/candidates.jsonl" >/dev/null 2>&1
cli import vacancies "$work/data/vacancies.jsonl" >/dev/null 2>&1
stop
cp -a "$work/srv" "$work/srv_off"

declare -A base peak after
for side in on off; do
  dir="$work/srv"; [[ $side == off ]] && dir="$work/srv_off"
  start "$dir" --release_memory_after_rematch=$([[ $side == on ]] && echo true || echo false)
  "$B/bench/w2w-loadgen" --candidates="$work/data/candidates.jsonl" --vacancies="$work/data/vacancies.jsonl" \
    --target="$addr" --warmup_s=0 --workloads=shortlist --concurrency=2 --duration_s=3 \
    --out="$work/warm.json" >/dev/null 2>>"$work/lg.err"
  sleep 2
  base[$side]=$(kib "$pid" VmRSS)
  for run in $(seq 1 "$RUNS"); do
    start_s=$(date +%s.%N)
    cli rematch --region "$REGIONS" --mode group -k 5 --label "memory $side $run" >"$work/run.txt" 2>&1 \
      || { echo "rematch failed:" >&2; tail -5 "$work/run.txt" >&2; exit 1; }
    end_s=$(date +%s.%N)
    sleep 2
    after[$side]=$(kib "$pid" VmRSS)
    printf 'release %-3s run %d: %.1f s, RSS after %d MiB (peak so far %d MiB)\n' \
      "$side" "$run" "$(echo "$end_s - $start_s" | bc)" \
      $((after[$side] / 1024)) $(($(kib "$pid" VmHWM) / 1024))
  done
  peak[$side]=$(kib "$pid" VmHWM)
  stop
done
echo
echo "| release_memory_after_rematch | RSS before | peak | RSS after $RUNS runs | after / before |"
echo "|---|---|---|---|---|"
for side in on off; do
  printf '| %s | %d MiB | %d MiB | %d MiB | %.2f |\n' "$([[ $side == on ]] && echo true || echo false)" \
    $((base[$side] / 1024)) $((peak[$side] / 1024)) $((after[$side] / 1024)) \
    "$(echo "${after[$side]} / ${base[$side]}" | bc -l)"
done
