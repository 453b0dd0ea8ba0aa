#!/usr/bin/env bash
# The sync server's thread bound, side by side: w2w-server with --threads=64 and
# --threads=1024 on the same loaded data folder, alternating for two rounds, Ping and
# Shortlist at 16, 100, 300 and 1,000 calls in flight. Prints a Markdown table (best
# calls/s, median p50, RESOURCE_EXHAUSTED refusals summed). bench/RESULTS.md, "Thread bound".
#
#   bench/thread_bound.sh BUILD_DIR DATA_FOLDER DATASET_DIR
#
# BUILD_DIR: a Release build with w2w-server and w2w-loadgen (e.g. build-bench);
# DATA_FOLDER: a w2w data folder already loaded (the server is started on it, port 0);
# DATASET_DIR: the candidates.jsonl / vacancies.jsonl it was loaded from (w2w-datagen).
set -euo pipefail
[[ $# -eq 3 ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
B="$1"; D="$2"; DATA="$3"
out="$(mktemp -d /tmp/w2w-threads.XXXXXX)"
trap 'rm -rf "$out"' EXIT
for round in 1 2; do
  for t in 64 1024; do
    "$B/service/w2w-server" --address=127.0.0.1:0 --data_dir="$D" --threads="$t" \
      >"$out/server.out" 2>"$out/server.err" &
    pid=$!
    addr=""
    for _ in $(seq 1 600); do
      addr="$(sed -n 's/^w2w-server listening on //p' "$out/server.out")"
      [[ -n $addr ]] && break
      sleep 0.1
    done
    [[ -n $addr ]] || { echo "w2w-server did not start: $(cat "$out/server.err")" >&2; exit 1; }
    [[ -f $D/admin.token ]] && export W2W_TOKEN=$(cat "$D/admin.token")
    "$B/bench/w2w-loadgen" --candidates="$DATA/candidates.jsonl" \
      --vacancies="$DATA/vacancies.jsonl" --target="$addr" --workloads=ping,shortlist \
      --concurrency=16,100,300,1000 --duration_s=2 --warmup_s=0.3 \
      --out="$out/threads_${t}_${round}.json" >/dev/null 2>&1
    kill "$pid"; wait "$pid" || true
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for t in (64, 1024):
    for rd in (1, 2):
        for r in json.load(open(f"{sys.argv[1]}/threads_{t}_{rd}.json"))["runs"]:
            rows.setdefault((r["workload"], r["concurrency"], t), []).append(r)
print("| call | in flight | threads 64: calls/s | p50 ms | refused | threads 1024: calls/s | p50 ms | refused |")
print("|---|---|---|---|---|---|---|---|")
for w in ("ping", "shortlist"):
    for c in (16, 100, 300, 1000):
        cells = []
        for t in (64, 1024):
            rs = rows[(w, c, t)]
            cells += [f"{max(x['throughput_per_s'] for x in rs):.0f}",
                      f"{statistics.median(x['latency_us']['p50'] for x in rs) / 1000:.1f}",
                      f"{sum(sum(x['errors'].values()) for x in rs)} of {sum(x['calls'] for x in rs)}"]
        print(f"| {w} | {c} | " + " | ".join(cells) + " |")
PY
