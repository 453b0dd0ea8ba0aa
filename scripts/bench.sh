#!/usr/bin/env bash
# The benchmark suite (issue 5): the service against its floors and a PostgreSQL peer,
# every figure a ratio measured side by side in this one run (docs/benchmarks.md).
#
#   scripts/bench.sh quick   100,000 candidates / 20,000 vacancies, about 3-4 minutes
#   scripts/bench.sh full    1,000,000 / 200,000 (the national scale)
#
# Builds what it needs (Release, $W2W_BENCH_BUILD_DIR or build-bench), generates the
# dataset, starts w2w-server on a free loopback port with a temporary data folder, loads
# it with the CLI, starts a throwaway PostgreSQL 15 on 127.0.0.1, runs every measurement,
# stops everything (also on Ctrl-C), writes bench/results/<date>-<mode>.json and prints
# the table of ratios. Needs root only to install missing packages and to run postgres
# as the `postgres` user.
set -euo pipefail

mode="${1:-quick}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${W2W_BENCH_BUILD_DIR:-$root/build-bench}"
py=/usr/bin/python3
case "$mode" in
  quick) NC=100000;  NV=20000;  DUR=2;  WARM=0.5; SAMPLE=30; PGDUR=6;  STREAM=20000;  FLOOR=20000 ;;
  full)  NC=1000000; NV=200000; DUR=10; WARM=2;   SAMPLE=50; PGDUR=30; STREAM=100000; FLOOR=100000 ;;
  *) echo "usage: scripts/bench.sh quick|full" >&2; exit 2 ;;
esac
API_ROUNDS=2
# The server-API comparison: w2w-server (callback API) against the hand-written
# completion-queue server, and, when W2W_BENCH_SYNC_SERVER names a w2w-server binary built
# before the move to the callback API (commit 2709add), against that sync server with
# these thread bounds.
API_THREADS="4 16"; [[ $mode == full ]] && API_THREADS="4 8 16"
SYNC_SERVER="${W2W_BENCH_SYNC_SERVER:-}"
CONC=8  # closed-loop concurrency for throughput
PACK=200  # records per stream message in the packed import run (the CLI's default)

log() { printf '[bench %s] %s\n' "$(date -u +%T)" "$*" >&2; }

# ---- Packages -----------------------------------------------------------------------------
need=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || need+=(postgresql-15)
[[ -f /usr/include/postgresql/libpq-fe.h ]] || need+=(libpq-dev)
[[ -x $py ]] || need+=(python3)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
fi

# ---- Build ----------------------------------------------------------------------------------
log "building (Release) in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
make -C "$build" -j2 --no-print-directory w2w-server w2w w2w-datagen w2w-loadgen \
  w2w-storage-floor w2w-peer-export w2w-peer w2w-server-cq scoring_floor_bench \
  2>&1 | grep -E 'error|warning' >&2 || true
B="$build/bench"; S="$build/service/w2w-server"; CLI="$build/clients/w2w"
# The servers here are plaintext on loopback: the CLI must not take up a CA exported for
# the demo server (README).
unset W2W_CA_FILE W2W_CERT_FILE W2W_KEY_FILE
for f in "$S" "$CLI" "$build/clients/w2w-datagen" "$B/w2w-loadgen" "$B/w2w-storage-floor" \
         "$B/w2w-peer-export" "$B/w2w-peer" "$B/w2w-server-cq" \
         "$B/scoring_floor_bench"; do
  [[ -x $f ]] || { echo "bench: $f was not built" >&2; exit 1; }
done

# ---- Temporary folder, processes, cleanup ------------------------------------------------
work="$(mktemp -d /tmp/w2w-bench.XXXXXX)"
chmod 755 "$work"
server_pid=""
pgport=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  "$root/bench/peer/pg.sh" stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port (for PostgreSQL; the w2w servers pick their own with port 0).
free_port() { $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server BINARY [FLAGS...]: starts it on a free port over $work/srv; sets $addr.
start_server() {
  local bin="$1"; shift
  "$bin" --address=127.0.0.1:0 --data_dir="$work/srv" "$@" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 1200); do
    addr="$(sed -n 's/^w2w-server listening on //p' "$work/server.out")"
    # The admin token our server wrote (older servers have none); CLI, loadgen, peer read it.
    [[ -n $addr && -f $work/srv/admin.token ]] && export W2W_TOKEN=$(cat "$work/srv/admin.token")
    [[ -n $addr ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: server did not start:" >&2; cat "$work/server.err" >&2; exit 1
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

R="$work/results"; mkdir -p "$R"
LG=("$B/w2w-loadgen" --candidates="$work/data/candidates.jsonl"
    --vacancies="$work/data/vacancies.jsonl" --warmup_s="$WARM" --duration_s="$DUR")

# ---- Dataset and server -----------------------------------------------------------------
log "generating $NC candidates / $NV vacancies"
"$build/clients/w2w-datagen" --candidates "$NC" --vacancies "$NV" --seed 1 \
  --today "$(date -u +%F)" --out "$work/data" --format jsonl 2>/dev/null
start_server "$S"
log "w2w-server on $addr; loading with the CLI"
t0=$(date +%s%N)
"$CLI" --server "$addr" import candidates "$work/data/candidates.jsonl" >"$work/import.log" 2>&1
"$CLI" --server "$addr" import vacancies "$work/data/vacancies.jsonl" >>"$work/import.log" 2>&1
t1=$(date +%s%N)
tail -2 "$work/import.log" >&2
echo "{\"records\": $((NC + NV)), \"seconds\": $(( (t1 - t0) / 1000000 ))e-3}" >"$R/cli_load.json"

# ---- PostgreSQL peer: load, and check that both return the same top-k -----------------------
log "PostgreSQL peer: export, initdb, COPY, indexes"
"$B/w2w-peer-export" --data_dir="$root/data" --candidates="$work/data/candidates.jsonl" \
  --vacancies="$work/data/vacancies.jsonl" --out="$work/export" 2>&1 | sed 's/^/  /' >&2
chmod -R a+rX "$work/export"
pgport="$(free_port)"
pg_shared=1GB; [[ $mode == full ]] && pg_shared=4GB
"$root/bench/peer/pg.sh" start "$work/pg" "$pgport" "$pg_shared"
tp0=$(date +%s%N)
"$root/bench/peer/pg.sh" load "$work/pg" "$pgport" "$work/export"
tp1=$(date +%s%N)
echo "{\"seconds\": $(( (tp1 - tp0) / 1000000 ))e-3}" >"$R/pg_load.json"
PGCONN="host=127.0.0.1 port=$pgport user=postgres dbname=postgres"
log "checking top-20 of $SAMPLE vacancies against PostgreSQL"
"$B/w2w-peer" --mode=check --pg="$PGCONN" --target="$addr" --sample="$SAMPLE" --k=20 \
  --out="$R/peer_check.json" >/dev/null || true

# ---- Reads: RPC floor and our side of the peer comparison --------------------------------
log "reads: ping, get_candidate, shortlist, match_candidate at concurrency 1 and $CONC"
# Ping runs before and after each call, so each call's floor is measured next to it.
"${LG[@]}" --target="$addr" --workloads=ping,get_candidate,ping,shortlist,ping,match_candidate,ping \
  --concurrency="1,$CONC" --out="$R/reads.json" >/dev/null 2>"$work/lg.err"
log "PostgreSQL shortlist at concurrency 1 and 2"
"$B/w2w-peer" --mode=bench --pg="$PGCONN" --concurrency=1 --duration_s="$PGDUR" \
  --out="$R/pg_c1.json" >/dev/null
"$B/w2w-peer" --mode=bench --pg="$PGCONN" --concurrency=2 --duration_s="$PGDUR" \
  --out="$R/pg_c2.json" >/dev/null
"$root/bench/peer/pg.sh" stop "$work/pg"
# Open loop at half the closed-loop throughput: latency from the intended send time.
rate_ping=$($py -c "import json;r=json.load(open('$R/reads.json'))['runs'];print(max(50,int(0.5*max(x['throughput_per_s'] for x in r if x['workload']=='ping' and x['concurrency']==$CONC))))")
rate_sl=$($py -c "import json;r=json.load(open('$R/reads.json'))['runs'];print(max(5,int(0.5*[x for x in r if x['workload']=='shortlist' and x['concurrency']==$CONC][0]['throughput_per_s'])))")
log "open loop: ping at $rate_ping/s, shortlist at $rate_sl/s"
"${LG[@]}" --target="$addr" --mode=open --workloads=ping --rates="$rate_ping" \
  --out="$R/open_ping.json" >/dev/null 2>>"$work/lg.err"
"${LG[@]}" --target="$addr" --mode=open --workloads=shortlist --rates="$rate_sl" \
  --out="$R/open_shortlist.json" >/dev/null 2>>"$work/lg.err"

# ---- Writes: storage floor ---------------------------------------------------------------
log "writes: upsert_candidate at concurrency 1 and $CONC, one ImportCandidates stream of $STREAM"
"${LG[@]}" --target="$addr" --workloads=ping,upsert_candidate --concurrency="1,$CONC" \
  --out="$R/writes.json" >/dev/null 2>>"$work/lg.err"
"${LG[@]}" --target="$addr" --workloads=import_candidates --stream_records="$STREAM" \
  --id_prefix="bulk-" --duration_s=600 --out="$R/stream.json" >/dev/null 2>>"$work/lg.err"
log "writes: the same stream packed, $PACK records per message"
"${LG[@]}" --target="$addr" --workloads=import_candidates --stream_records="$STREAM" \
  --id_prefix="packed-" --records_per_message="$PACK" --duration_s=600 \
  --out="$R/stream_packed.json" >/dev/null 2>>"$work/lg.err"
log "storage floor: raw Store writes of $FLOOR records, in process"
"$B/w2w-storage-floor" --candidates="$work/data/candidates.jsonl" --records="$FLOOR" \
  --dir="$work/floor" --out="$R/storage_floor.json" >/dev/null
stop_server

# ---- Memory floor --------------------------------------------------------------------------
log "memory floor: scoring vs a plain pass over $NC candidate rows"
W2W_BENCH_CANDIDATES="$NC" "$B/scoring_floor_bench" --benchmark_format=json \
  --benchmark_min_time=1 >"$R/memory_floor.json" 2>/dev/null

# ---- Server API and thread count -----------------------------------------------------------
api_run() {  # api_run NAME ROUND BINARY [FLAGS...]
  local name="$1" round="$2"; shift 2
  start_server "$@"
  "${LG[@]}" --target="$addr" --workloads=ping,shortlist --concurrency="$CONC" \
    --out="$R/api_${name}_$round.json" >/dev/null 2>>"$work/lg.err"
  stop_server
}
# Rounds alternate the variants, so a burst of outside load hits them alike; the report
# keeps each variant's best round.
api_names="callback cq"
[[ -n $SYNC_SERVER ]] && for t in $API_THREADS; do api_names="sync$t $api_names"; done
log "server API: $api_names, $API_ROUNDS rounds"
for round in $(seq 1 "$API_ROUNDS"); do
  if [[ -n $SYNC_SERVER ]]; then
    for t in $API_THREADS; do api_run "sync$t" "$round" "$SYNC_SERVER" --threads="$t"; done
  fi
  api_run callback "$round" "$S"
  api_run cq "$round" "$B/w2w-server-cq" --cq_threads=2
done

# ---- Report ---------------------------------------------------------------------------------
mkdir -p "$root/bench/results"
out="$root/bench/results/$(date -u +%F)-$mode.json"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)"
# When the report fails, the raw measurements are kept in bench/results/failed-<mode>/.
trap 'cp -r "$R" "$root/bench/results/failed-$mode" 2>/dev/null; cleanup' EXIT
$py - "$R" "$out" "$mode" "$NC" "$NV" "$CONC" "$commit" "$dirty" "$api_names" "$API_ROUNDS" <<'PY'
import json, os, platform, subprocess, sys, datetime
R, out, mode, nc, nv, conc, commit, dirty, api_names, api_rounds = sys.argv[1:11]
nc, nv, conc = int(nc), int(nv), int(conc)
def load(name):
    with open(os.path.join(R, name)) as f:
        return json.load(f)
def run(doc, workload, c=None):
    for r in doc["runs"]:
        if r["workload"] == workload and (c is None or r["concurrency"] == c):
            return r
    raise KeyError(workload)
reads, writes = load("reads.json"), load("writes.json")
stream = load("stream.json")["runs"][0]
packed = load("stream_packed.json")["runs"][0] if os.path.exists(os.path.join(R, "stream_packed.json")) else None
floor = load("storage_floor.json")
pg1, pg2, check = load("pg_c1.json"), load("pg_c2.json"), load("peer_check.json")
mem = {b["name"]: b for b in load("memory_floor.json")["benchmarks"]}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem_kb = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))

rows = []  # (measure, ours, floor/peer, ratio, target, met)
def add(name, ours, ref, ratio, target=None, op=">="):
    met = None if target is None else (ratio >= target if op == ">=" else ratio <= target)
    rows.append({"measure": name, "ours": ours, "reference": ref, "ratio": round(ratio, 4),
                 "target": None if target is None else f"{op} {target}", "met": met})

def ping_floor(doc, workload, c, key):
    """The Ping runs right before and after `workload` at concurrency c, averaged."""
    runs = doc["runs"]
    i = next(j for j, r in enumerate(runs) if r["workload"] == workload and r["concurrency"] == c)
    pings = [j for j, r in enumerate(runs) if r["workload"] == "ping" and r["concurrency"] == c]
    near = [max((j for j in pings if j < i), default=None), min((j for j in pings if j > i), default=None)]
    vals = [key(runs[j]) for j in near if j is not None]
    return sum(vals) / len(vals)
tput = lambda r: r["throughput_per_s"]
p50 = lambda r: r["latency_us"]["p50"]
for w, label in [("shortlist", "Shortlist"), ("match_candidate", "MatchCandidate"),
                 ("get_candidate", "GetCandidate")]:
    r, ping_t = run(reads, w, conc), ping_floor(reads, w, conc, tput)
    add(f"RPC floor: {label} throughput / Ping throughput (c={conc})",
        f"{r['throughput_per_s']:.0f}/s", f"{ping_t:.0f}/s", r["throughput_per_s"] / ping_t,
        0.3 if w == "shortlist" else None)
for w, label in [("shortlist", "Shortlist"), ("match_candidate", "MatchCandidate"),
                 ("get_candidate", "GetCandidate")]:
    r, ping_l = run(reads, w, 1), ping_floor(reads, w, 1, p50)
    add(f"RPC floor: Ping p50 / {label} p50 latency (c=1)",
        f"{r['latency_us']['p50']:.0f} us", f"{ping_l:.0f} us", ping_l / r["latency_us"]["p50"])
up1, pw1 = run(writes, "upsert_candidate", 1), run(writes, "ping", 1)
raw_plus_ping = floor["single_put"]["mean_us"] + pw1["latency_us"]["mean"]
add("Storage floor: (raw put + Ping) / acknowledged upsert, mean latency (c=1)",
    f"{up1['latency_us']['mean']:.0f} us", f"{floor['single_put']['mean_us']:.1f} + {pw1['latency_us']['mean']:.0f} us",
    raw_plus_ping / up1["latency_us"]["mean"], 0.5)
upc = run(writes, "upsert_candidate", conc)
add(f"Storage floor: upserts/s (c={conc}) / raw single puts/s",
    f"{upc['throughput_per_s']:.0f}/s", f"{floor['single_put']['per_s']:.0f}/s",
    upc["throughput_per_s"] / floor["single_put"]["per_s"])
add("Storage floor: streamed bulk push, 1 per message / raw batch writes, records/s",
    f"{stream['throughput_per_s']:.0f}/s", f"{floor['batch_put']['records_per_s']:.0f}/s",
    stream["throughput_per_s"] / floor["batch_put"]["records_per_s"], 0.5)
if packed is not None:
    add(f"Storage floor: streamed bulk push, {packed.get('records_per_message', 1)} per message / raw batch writes, records/s",
        f"{packed['throughput_per_s']:.0f}/s", f"{floor['batch_put']['records_per_s']:.0f}/s",
        packed["throughput_per_s"] / floor["batch_put"]["records_per_s"], 0.5)
plain, brute, engine = mem["BM_PlainPass"], mem["BM_BruteForceScore"], mem["BM_EngineShortlist"]
add("Memory floor: brute-force scoring / plain pass, bytes/s over the same rows",
    f"{brute['bytes_per_second']/1e9:.2f} GB/s", f"{plain['bytes_per_second']/1e9:.2f} GB/s",
    brute["bytes_per_second"] / plain["bytes_per_second"])
add("Memory floor: plain pass time / engine Shortlist time (pruned index)",
    f"{engine['cpu_time']:.3f} ms", f"{plain['cpu_time']:.3f} ms",
    plain["cpu_time"] / engine["cpu_time"])
sl1 = run(reads, "shortlist", 1)
add("Peer: PostgreSQL / w2w Shortlist mean latency (c=1)",
    f"{sl1['latency_us']['mean']/1000:.2f} ms", f"{pg1['latency_us']['mean']/1000:.1f} ms",
    pg1["latency_us"]["mean"] / sl1["latency_us"]["mean"], 50)
add("Peer: PostgreSQL / w2w Shortlist p50 latency (c=1)",
    f"{sl1['latency_us']['p50']/1000:.2f} ms", f"{pg1['latency_us']['p50']/1000:.1f} ms",
    pg1["latency_us"]["p50"] / sl1["latency_us"]["p50"])
sl_c = run(reads, "shortlist", conc)
add(f"Peer: w2w Shortlist/s (c={conc}) / PostgreSQL/s (c=2)",
    f"{sl_c['throughput_per_s']:.0f}/s", f"{pg2['throughput_per_s']:.1f}/s",
    sl_c["throughput_per_s"] / max(pg2["throughput_per_s"], 1e-9))

api = {}
for name in api_names.split():
    rounds = [load(f"api_{name}_{i}.json") for i in range(1, int(api_rounds) + 1)]
    api[name] = {}
    for w in ["ping", "shortlist"]:
        rs = [run(doc, w) for doc in rounds]
        best = max(rs, key=lambda r: r["throughput_per_s"])
        errors = {}
        for r in rs:
            for k, v in r["errors"].items():
                errors[k] = errors.get(k, 0) + v
        api[name][w] = {"throughput_per_s": best["throughput_per_s"],
                        "p50_us": best["latency_us"]["p50"], "p99_us": best["latency_us"]["p99"],
                        "rounds_throughput": [r["throughput_per_s"] for r in rs],
                        "errors": errors}

result = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "mode": mode, "candidates": nc, "vacancies": nv,
    "machine": {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 2**20, 1),
                "kernel": platform.release(),
                "loadavg_at_end": os.getloadavg()},
    "git": {"commit": commit, "dirty": dirty == "true"},
    "ratios": rows,
    "peer_check": {k: check[k] for k in ["k", "sampled", "identical", "tie_order_only",
                                         "differing", "w2w_shortlist_misses", "w2w_errors"]},
    "peer_differences": check["differences"],
    "server_api": api,
    "raw": {n[:-5]: load(n) for n in sorted(os.listdir(R)) if n.endswith(".json")},
}
with open(out, "w") as f:
    json.dump(result, f, indent=1)

print(f"\n## w2w benchmark, {mode} ({nc:,} candidates, {nv:,} vacancies), "
      f"{result['date'][:10]}, commit {commit}{' (dirty)' if dirty == 'true' else ''}")
print(f"{os.cpu_count()} cores ({cpu}), {result['machine']['memory_gib']} GiB; every ratio "
      f"measured side by side in this run.\n")
print("| measure | ours | floor / peer | ratio | target |")
print("|---|---|---|---|---|")
for r in rows:
    t = "" if r["target"] is None else (r["target"] + ("" if r["met"] else " **MISSED**"))
    print(f"| {r['measure']} | {r['ours']} | {r['reference']} | {r['ratio']:.3g} | {t} |")
c = result["peer_check"]
print(f"\nPeer check: top-{c['k']} of {c['sampled']} vacancies: {c['identical']} identical, "
      f"{c['tie_order_only']} differ only in the order of equal scores, "
      f"{c['differing']} differ ({c['w2w_shortlist_misses']} of them because w2w's Shortlist "
      f"left out a pair that its own ExplainMatch scores as PostgreSQL does), "
      f"{c['w2w_errors']} w2w errors. Details: peer_differences in the JSON.")
print(f"\n| server API (c={conc}, best of {api_rounds} rounds) | Ping/s | Ping p50 us | Shortlist/s | Shortlist p50 us | errors |")
print("|---|---|---|---|---|---|")
for name, a in api.items():
    errs = {k: v for w in a.values() for k, v in w["errors"].items()}
    print(f"| {name} | {a['ping']['throughput_per_s']:.0f} | {a['ping']['p50_us']:.0f} | "
          f"{a['shortlist']['throughput_per_s']:.0f} | {a['shortlist']['p50_us']:.0f} | "
          f"{errs or ''} |")
print(f"\nResults: {out}")
PY
trap cleanup EXIT
log "done"
