#!/usr/bin/env bash
# What the access audit costs a shortlist: the same server binary over the same data,
# two servers up at once, one with --audit_reads (every shortlist records who saw which
# candidates) and one without, loaded in turn in short slices (w2w-loadgen, closed loop,
# concurrency 1 and 8), ROUNDS times, which goes first alternating. Only one server is
# loaded at a time; the idle one costs nothing (its audit writer wakes every 20 ms to find
# nothing). Short alternating slices are what makes the ratio stable on our VMs, whose
# speed drifts by up to 1.6x between minutes: a drift hits both sides of a round alike.
# After each slice the script waits until that server is idle again (its store's flushes
# and compactions), so that this work does not slow the other side, and counts it.
# Prints one line per round, then the median throughput ratio audit/no-audit and the
# server CPU per shortlist of each (user + system time from /proc), during the slice and
# with the background work after it: the throughput ratio leaves that deferred work
# out, the CPU figure does not.
#   BUILD_DIR (default build): w2w-server, w2w, w2w-datagen, bench/w2w-loadgen
#   NC / NV (default 100000 / 20000), ROUNDS (15), DUR (2 s a slice), WARM (2 s per server)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD_DIR:-$root/build}
NC=${NC:-100000}; NV=${NV:-20000}; ROUNDS=${ROUNDS:-15}; DUR=${DUR:-2}; WARM=${WARM:-2}
work=$(mktemp -d /tmp/w2w-audit.XXXXXX)
declare -A pid addr
cleanup() {
  for p in "${pid[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
"$B/clients/w2w-datagen" --candidates "$NC" --vacancies "$NV" --seed 1 --today "$(date -u +%F)" \
  --out "$work/data" --format jsonl >/dev/null 2>&1
# start NAME DATA_DIR FLAGS...: a server in the background; sets pid[NAME], addr[NAME].
start() {
  local name=$1 dir=$2; shift 2
  "$B/service/w2w-server" --address=127.0.0.1:0 --data_dir="$dir" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pid[$name]=$!
  local a=""
  for _ in $(seq 1 1200); do
    a=$(sed -n 's/^w2w-server listening on //p' "$work/$name.out"); [[ -n $a ]] && break; sleep 0.1
  done
  [[ -n $a ]] || { cat "$work/$name.err" >&2; exit 1; }
  addr[$name]=$a
}
stop() { kill "${pid[$1]}"; wait "${pid[$1]}" 2>/dev/null || true; pid[$1]=""; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/${pid[$1]}/stat"; }
# loadgen NAME FLAGS...: shortlists against server NAME.
loadgen() {
  local name=$1; shift
  "$B/bench/w2w-loadgen" --candidates="$work/data/candidates.jsonl" --vacancies="$work/data/vacancies.jsonl" \
    --target="${addr[$name]}" --workloads=shortlist --warmup_s=0 "$@" >/dev/null 2>>"$work/lg.err"
}

# One store, loaded once, copied for the second server.
start load "$work/srv"
export W2W_TOKEN=$(cat "$work/srv/admin.token")
"$B/clients/w2w" --server "${addr[load]}" import candidates "$work/data/candidates.jsonl" >/dev/null 2>&1
"$B/clients/w2w" --server "${addr[load]}" import vacancies "$work/data/vacancies.jsonl" >/dev/null 2>&1
stop load
cp -a "$work/srv" "$work/srv_off"
start true "$work/srv" --audit_reads=true
start false "$work/srv_off" --audit_reads=false
for side in true false; do
  for c in 1 8; do loadgen "$side" --concurrency=$c --duration_s="$WARM" --out="$work/warm.json"; done
done
for round in $(seq 1 "$ROUNDS"); do
  order="true false"; (( round % 2 == 0 )) && order="false true"
  for c in 1 8; do
    for side in $order; do
      cpu0=$(cpu_ticks "$side")
      loadgen "$side" --concurrency=$c --duration_s="$DUR" --out="$work/r${round}_${side}_c$c.json"
      echo $(( $(cpu_ticks "$side") - cpu0 )) >"$work/r${round}_${side}_c$c.cpu"
      # The store's background work the slice caused (memtable flushes, compactions) runs
      # on after it: wait until the server is idle (under 2 ticks in 100 ms), so that it
      # does not slow the other side's next slice, and count it in the slice's CPU too.
      for _ in $(seq 1 300); do
        t0=$(cpu_ticks "$side"); sleep 0.1
        (( $(cpu_ticks "$side") - t0 < 2 )) && break
      done
      echo $(( $(cpu_ticks "$side") - cpu0 )) >"$work/r${round}_${side}_c$c.cpu_all"
    done
  done
done
python3 - "$work" "$ROUNDS" "$(getconf CLK_TCK)" <<'PY'
import json, sys, statistics
work, rounds, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def run(r, side, c):
    d = json.load(open(f"{work}/r{r}_{side}_c{c}.json"))["runs"][0]
    per_call = lambda ext: 1e6 * int(open(f"{work}/r{r}_{side}_c{c}.{ext}").read()) / hz / max(1, d["calls"])
    return d, per_call("cpu"), per_call("cpu_all")
ratios, cpu = {}, {}
for r in range(1, rounds + 1):
    for c in (1, 8):
        (a, a_cpu, a_all), (b, b_cpu, b_all) = run(r, "true", c), run(r, "false", c)
        ratio = a["throughput_per_s"] / b["throughput_per_s"]
        ratios.setdefault(c, []).append(ratio)
        cpu.setdefault(c, []).append((a_cpu, b_cpu, a_all, b_all))
        print(f"round {r} shortlist c={c}: audit {a['throughput_per_s']:.0f}/s p50 {a['latency_us']['p50']:.0f} us "
              f"{a_cpu:.0f} (+{a_all - a_cpu:.0f} after) us CPU, no audit {b['throughput_per_s']:.0f}/s "
              f"p50 {b['latency_us']['p50']:.0f} us {b_cpu:.0f} (+{b_all - b_cpu:.0f} after) us CPU, ratio {ratio:.3f}")
for c in (1, 8):
    v = sorted(ratios[c])
    q1, q3 = v[len(v) // 4], v[(3 * len(v)) // 4]
    m = [statistics.median(x[i] for x in cpu[c]) for i in range(4)]
    print(f"median throughput ratio audit/no-audit shortlist c={c}: {statistics.median(v):.3f} "
          f"(quartiles {q1:.3f}-{q3:.3f}, rounds {v[0]:.2f}-{v[-1]:.2f})")
    print(f"  server CPU per shortlist c={c}: audit {m[0]:.0f} us during the slice, {m[2]:.0f} us with the "
          f"background work after it; no audit {m[1]:.0f} / {m[3]:.0f} us; "
          f"CPU ratio no-audit/audit (all) {m[3] / m[2]:.3f}")
PY
