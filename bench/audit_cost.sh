#!/usr/bin/env bash
# What the access audit costs a shortlist: the same server binary over the same data,
# with --audit_reads (every shortlist records who saw which candidates) and without,
# alternating ROUNDS times, Shortlist throughput and p50 at concurrency 1 and 8
# (w2w-loadgen, closed loop). Prints one line per run and the median ratio.
#   BUILD_DIR (default build): w2w-server, w2w, w2w-datagen, bench/w2w-loadgen
#   NC / NV (default 100000 / 20000), ROUNDS (3), DUR (5 s), WARM (1 s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD_DIR:-$root/build}
NC=${NC:-100000}; NV=${NV:-20000}; ROUNDS=${ROUNDS:-3}; DUR=${DUR:-5}; WARM=${WARM:-1}
work=$(mktemp -d /tmp/w2w-audit.XXXXXX)
pid=""
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
"$B/clients/w2w-datagen" --candidates "$NC" --vacancies "$NV" --seed 1 --today "$(date -u +%F)" \
  --out "$work/data" --format jsonl >/dev/null 2>&1
start() {
  "$B/service/w2w-server" --address=127.0.0.1:0 --data_dir="$work/srv" "$@" >"$work/out" 2>"$work/err" &
  pid=$!
  addr=""
  for _ in $(seq 1 1200); do
    addr=$(sed -n 's/^w2w-server listening on //p' "$work/out"); [[ -n $addr ]] && break; sleep 0.1
  done
  [[ -n $addr ]] || { cat "$work/err" >&2; exit 1; }
  export W2W_TOKEN=$(cat "$work/srv/admin.token")
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
start
"$B/clients/w2w" --server "$addr" import candidates "$work/data/candidates.jsonl" >/dev/null 2>&1
"$B/clients/w2w" --server "$addr" import vacancies "$work/data/vacancies.jsonl" >/dev/null 2>&1
stop
for round in $(seq 1 "$ROUNDS"); do
  for audit in true false; do
    start --audit_reads=$audit
    "$B/bench/w2w-loadgen" --candidates="$work/data/candidates.jsonl" --vacancies="$work/data/vacancies.jsonl" \
      --target="$addr" --workloads=shortlist --concurrency=1,8 --duration_s="$DUR" --warmup_s="$WARM" \
      --out="$work/r${round}_$audit.json" >/dev/null 2>>"$work/lg.err"
    stop
  done
done
python3 - "$work" "$ROUNDS" <<'PY'
import json, sys, statistics
work, rounds = sys.argv[1], int(sys.argv[2])
def runs(path):
    d = json.load(open(path))
    return {(r["workload"], r["concurrency"]): r for r in d["runs"]}
ratios = {}
for r in range(1, rounds + 1):
    on, off = runs(f"{work}/r{r}_true.json"), runs(f"{work}/r{r}_false.json")
    for key in on:
        a, b = on[key], off[key]
        ratio = a["throughput_per_s"] / b["throughput_per_s"]
        ratios.setdefault(key, []).append(ratio)
        print(f"round {r} {key[0]} c={key[1]}: audit {a['throughput_per_s']:.0f}/s p50 {a['latency_us']['p50']:.0f} us, "
              f"no audit {b['throughput_per_s']:.0f}/s p50 {b['latency_us']['p50']:.0f} us, ratio {ratio:.3f}")
for key, v in ratios.items():
    print(f"median throughput ratio audit/no-audit {key[0]} c={key[1]}: {statistics.median(v):.3f}")
PY
