#!/usr/bin/env bash
# What counting every RPC for /metrics costs (the server interceptor of
# service/internal/rpc_interceptor.h): the same binary over the same data, two servers up
# at once, one with --rpc_metrics (the default) and one without, loaded in turn in short
# alternating slices (w2w-loadgen, closed loop) of Ping (the floor, where a fixed cost
# shows most) and Shortlist, at concurrency 1 and 8, ROUNDS times, which goes first
# alternating (the method of bench/audit_cost.sh: our VMs drift by up to 1.6x between
# minutes, which hits both sides of a round alike). Prints one line per slice pair and the
# median throughput ratio on/off per workload and concurrency.
#   BUILD_DIR (default build): w2w-server, w2w, w2w-datagen, bench/w2w-loadgen
#   NC / NV (default 100000 / 20000), ROUNDS (11), DUR (2 s a slice)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD_DIR:-$root/build}
NC=${NC:-100000}; NV=${NV:-20000}; ROUNDS=${ROUNDS:-11}; DUR=${DUR:-2}
work=$(mktemp -d /tmp/w2w-metrics.XXXXXX)
declare -A pid addr
cleanup() {
  for p in "${pid[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
"$B/clients/w2w-datagen" --candidates "$NC" --vacancies "$NV" --seed 1 --today "$(date -u +%F)" \
  --out "$work/data" --format jsonl >/dev/null 2>&1
start() {
  local name=$1 dir=$2; shift 2
  "$B/service/w2w-server" --address=127.0.0.1:0 --data_dir="$dir" --audit_reads=false "$@" \
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
loadgen() {
  local name=$1; shift
  "$B/bench/w2w-loadgen" --candidates="$work/data/candidates.jsonl" --vacancies="$work/data/vacancies.jsonl" \
    --target="${addr[$name]}" --warmup_s=0 "$@" >/dev/null 2>>"$work/lg.err"
}
start load "$work/srv"
export W2W_TOKEN=$(cat "$work/srv/admin.token")
"$B/clients/w2w" --server "${addr[load]}" import candidates "$work/data/candidates.jsonl" >/dev/null 2>&1
"$B/clients/w2w" --server "${addr[load]}" import vacancies "$work/data/vacancies.jsonl" >/dev/null 2>&1
stop load
cp -a "$work/srv" "$work/srv_off"
start on "$work/srv" --rpc_metrics=true
start off "$work/srv_off" --rpc_metrics=false
for side in on off; do
  for w in ping shortlist; do loadgen "$side" --workloads=$w --concurrency=8 --duration_s=1 --out="$work/warm.json"; done
done
for round in $(seq 1 "$ROUNDS"); do
  order="on off"; (( round % 2 == 0 )) && order="off on"
  for w in ping shortlist; do
    for c in 1 8; do
      for side in $order; do
        loadgen "$side" --workloads=$w --concurrency=$c --duration_s="$DUR" --out="$work/r${round}_${side}_${w}_c$c.json"
      done
    done
  done
done
python3 - "$work" "$ROUNDS" <<'PY'
import json, sys, statistics
work, rounds = sys.argv[1], int(sys.argv[2])
run = lambda r, s, w, c: json.load(open(f"{work}/r{r}_{s}_{w}_c{c}.json"))["runs"][0]
for w in ("ping", "shortlist"):
    for c in (1, 8):
        ratios, p50 = [], []
        for r in range(1, rounds + 1):
            a, b = run(r, "on", w, c), run(r, "off", w, c)
            ratios.append(a["throughput_per_s"] / b["throughput_per_s"])
            p50.append((a["latency_us"]["p50"], b["latency_us"]["p50"]))
            print(f"round {r} {w} c={c}: metrics on {a['throughput_per_s']:.0f}/s p50 {a['latency_us']['p50']:.0f} us, "
                  f"off {b['throughput_per_s']:.0f}/s p50 {b['latency_us']['p50']:.0f} us, ratio {ratios[-1]:.3f}")
        v = sorted(ratios)
        print(f"median throughput ratio on/off {w} c={c}: {statistics.median(v):.3f} "
              f"(quartiles {v[len(v)//4]:.3f}-{v[(3*len(v))//4]:.3f}); p50 on {statistics.median(x[0] for x in p50):.0f} us, "
              f"off {statistics.median(x[1] for x in p50):.0f} us")
PY
