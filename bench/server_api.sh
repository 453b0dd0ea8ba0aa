#!/usr/bin/env bash
# Server API side by side (docs/server_api_choice.md): two w2w-server binaries, e.g. the
# sync-API server of commit 2709add ("old") and today's callback-API server ("new"), each
# on its own loaded data folder, alternating for ROUNDS rounds, Ping and Shortlist at 1, 8
# and 64 calls in flight (closed loop, w2w-loadgen on the same machine). Prints a Markdown
# table of medians over the rounds (calls/s, p50 and p99 latency) and the new/old ratio,
# and keeps the raw JSON in OUT_DIR.
#
#   bench/server_api.sh OLD_SERVER OLD_DATA NEW_SERVER NEW_DATA LOADGEN DATASET_DIR OUT_DIR [ROUNDS]
#
# *_SERVER: w2w-server binaries (Release); *_DATA: data folders already loaded with the
# same records (the servers are started on them, port 0); LOADGEN: a w2w-loadgen binary;
# DATASET_DIR: the candidates.jsonl / vacancies.jsonl they were loaded from (w2w-datagen).
# DURATION_S (default 2) and WARMUP_S (default 0.5) per run; extra flags for both servers
# in SERVER_FLAGS.
set -euo pipefail
[[ $# -ge 7 ]] || { sed -n '2,15p' "$0" >&2; exit 2; }
OLD_S="$1"; OLD_D="$2"; NEW_S="$3"; NEW_D="$4"; LG="$5"; DATA="$6"; OUT="$7"; ROUNDS="${8:-5}"
DUR="${DURATION_S:-2}"; WARM="${WARMUP_S:-0.5}"
mkdir -p "$OUT"
pid=""
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null || true' EXIT
run() {  # run NAME ROUND SERVER DATA
  local name="$1" round="$2" server="$3" data="$4"
  # One file per run: the background shell may truncate a shared one only after the
  # loop below has read the previous server's address from it.
  local log="$OUT/${name}_${round}.server"
  # shellcheck disable=SC2086
  "$server" --address=127.0.0.1:0 --data_dir="$data" ${SERVER_FLAGS:-} \
    >"$log.out" 2>"$log.err" &
  pid=$!
  local addr=""
  for _ in $(seq 1 900); do
    addr="$(sed -n 's/^w2w-server listening on //p' "$log.out" 2>/dev/null)"
    [[ -n $addr ]] && break
    sleep 0.1
  done
  [[ -n $addr ]] || { echo "$server did not start: $(cat "$log.err")" >&2; exit 1; }
  # Servers with access control wrote an admin token into their data folder.
  if [[ -f $data/admin.token ]]; then export W2W_TOKEN=$(cat "$data/admin.token"); else unset W2W_TOKEN; fi
  "$LG" --candidates="$DATA/candidates.jsonl" --vacancies="$DATA/vacancies.jsonl" \
    --target="$addr" --workloads=ping,shortlist --concurrency=1,8,64 --duration_s="$DUR" \
    --warmup_s="$WARM" --out="$OUT/${name}_${round}.json" >/dev/null 2>>"$OUT/loadgen.err"
  kill "$pid"; wait "$pid" || true; pid=""
}
for round in $(seq 1 "$ROUNDS"); do
  echo "[server_api] round $round of $ROUNDS, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  # Alternate which goes first, so a burst of outside load does not always hit one side.
  if (( round % 2 )); then
    run old "$round" "$OLD_S" "$OLD_D"; run new "$round" "$NEW_S" "$NEW_D"
  else
    run new "$round" "$NEW_S" "$NEW_D"; run old "$round" "$OLD_S" "$OLD_D"
  fi
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for name in ("old", "new"):
    for rd in range(1, rounds + 1):
        for r in json.load(open(f"{out}/{name}_{rd}.json"))["runs"]:
            rows.setdefault((r["workload"], r["concurrency"], name), []).append(r)
med = lambda rs, f: statistics.median(f(x) for x in rs)
print(f"| call | in flight | old calls/s | old p50 us | old p99 us | new calls/s | new p50 us | new p99 us | new/old calls/s | errors old / new |")
print("|---|---|---|---|---|---|---|---|---|---|")
for w in ("ping", "shortlist"):
    for c in (1, 8, 64):
        o, n = rows[(w, c, "old")], rows[(w, c, "new")]
        t = lambda rs: med(rs, lambda x: x["throughput_per_s"])
        p50 = lambda rs: med(rs, lambda x: x["latency_us"]["p50"])
        p99 = lambda rs: med(rs, lambda x: x["latency_us"]["p99"])
        errs = lambda rs: sum(sum(x["errors"].values()) for x in rs)
        print(f"| {w} | {c} | {t(o):.0f} | {p50(o):.0f} | {p99(o):.0f} | {t(n):.0f} | {p50(n):.0f} | "
              f"{p99(n):.0f} | {t(n) / t(o):.2f} | {errs(o)} / {errs(n)} |")
PY
