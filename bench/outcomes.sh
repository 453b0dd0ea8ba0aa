#!/usr/bin/env bash
# Outcome reports side by side (issue 10): a year of national events streamed into the
# real w2w-server, then every report grouping computed by the server (`w2w report`) and
# by PostgreSQL 15 from the same events (bench/peer/outcomes_report.sql), timed, and
# their main figures compared group by group.
#
#   bench/outcomes.sh            1,000,000 candidates / 200,000 vacancies, ~2 M events
#   W2W_OUTCOME_CANDIDATES=100000 bench/outcomes.sh      a quick run (vacancies = 1/5)
#   W2W_OUTCOME_DATA=DIR         reuse a data set (candidates/vacancies/outcomes.jsonl) made
#                                with W2W_OUTCOME_TODAY=YYYY-MM-DD as its --today
#   W2W_OUTCOME_PG_ONLY=1        the PostgreSQL half alone (no build, no server)
#
# Builds w2w-server, w2w and w2w-datagen (Release, $W2W_BENCH_BUILD_DIR or build-bench),
# generates the data set (w2w-datagen --outcomes; bench/peer/gen_outcomes.py when that
# flag is missing), starts the server on a fresh data folder, imports candidates and
# vacancies, times `w2w import events`, then per grouping the median of RUNS (5) report
# calls on each side. Writes bench/results/outcomes-<date>.md (a table for
# bench/RESULTS.md) and keeps the raw outputs in bench/results/outcomes-<date>/.
# Needs root for PostgreSQL (bench/peer/pg.sh).
#
# The period is the 365 days ending yesterday (UTC), and the data set's "today" is
# yesterday too: the status changes the server records itself when the candidates are
# imported are dated today, after every event of the period, so they change no figure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${W2W_BENCH_BUILD_DIR:-$root/build-bench}"
NC="${W2W_OUTCOME_CANDIDATES:-1000000}"
NV=$(( NC / 5 ))
RUNS="${W2W_OUTCOME_RUNS:-5}"
GROUPINGS="region cluster sector source month"
py=/usr/bin/python3
log() { printf '[outcomes %s] %s\n' "$(date -u +%T)" "$*" >&2; }

TODAY="${W2W_OUTCOME_TODAY:-$(date -u -d yesterday +%F)}"
PG_ONLY="${W2W_OUTCOME_PG_ONLY:-}"
FROM="$(date -u -d "$TODAY - 364 days" +%F)"
stamp="$(date -u +%F)"
res="$root/bench/results/outcomes-$stamp"
mkdir -p "$res"

# ---- Build -----------------------------------------------------------------------------
S="$build/service/w2w-server"; CLI="$build/clients/w2w"; DG="$build/clients/w2w-datagen"
if [[ -z $PG_ONLY ]]; then
log "building (Release) in $build"
W2W_BUILD_DIR="$build" W2W_BUILD_TYPE=Release nice "$root/scripts/build.sh" \
  w2w-server w2w w2w-datagen >/dev/null
for f in "$S" "$CLI" "$DG"; do [[ -x $f ]] || { echo "outcomes: $f was not built" >&2; exit 1; }; done
unset W2W_CA_FILE W2W_CERT_FILE W2W_KEY_FILE  # plaintext loopback server
fi

# ---- Temporary folder, processes, cleanup ----------------------------------------------
work="$(mktemp -d /tmp/w2w-outcomes.XXXXXX)"
chmod 755 "$work"
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  "$root/bench/peer/pg.sh" stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# ---- Data set -------------------------------------------------------------------------
data="${W2W_OUTCOME_DATA:-$work/data}"
if [[ -n ${W2W_OUTCOME_DATA:-} ]]; then
  NC=$(wc -l <"$data/candidates.jsonl"); NV=$(wc -l <"$data/vacancies.jsonl")
  log "reusing the data set in $data ($NC candidates, $NV vacancies, today $TODAY)"
else
log "generating $NC candidates / $NV vacancies and a year of outcome events up to $TODAY"
if ! "$DG" --candidates "$NC" --vacancies "$NV" --seed 1 --today "$TODAY" --outcomes \
     --out "$work/data" --format jsonl >"$work/datagen.log" 2>&1; then
  log "w2w-datagen has no --outcomes yet: bench/peer/gen_outcomes.py writes the events"
  "$DG" --candidates "$NC" --vacancies "$NV" --seed 1 --today "$TODAY" \
    --out "$work/data" --format jsonl >"$work/datagen.log" 2>&1
  nice $py "$root/bench/peer/gen_outcomes.py" "$work/data" "$TODAY" 1
fi
chmod -R a+rX "$work/data"
fi
NE=$(wc -l <"$data/outcomes.jsonl")

# ---- w2w: server, records, events -----------------------------------------------------
import_ms=0
if [[ -z $PG_ONLY ]]; then
"$S" --address=127.0.0.1:0 --data_dir="$work/srv" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
addr=""
for _ in $(seq 1 1200); do
  addr="$(sed -n 's/^w2w-server listening on //p' "$work/server.out")"
  [[ -n $addr && -f $work/srv/admin.token ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $addr ]] || { echo "outcomes: server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
export W2W_TOKEN="$(cat "$work/srv/admin.token")"
w2w() { "$CLI" --server "$addr" "$@"; }
log "w2w-server on $addr; importing candidates and vacancies"
w2w import candidates "$data/candidates.jsonl" >"$res/import_records.txt"
w2w import vacancies "$data/vacancies.jsonl" >>"$res/import_records.txt"
log "importing $NE events"
t0=$(date +%s%N)
w2w --json import events "$data/outcomes.jsonl" >"$res/import_events.json" \
  2>"$res/import_events.err" || log "w2w import events reported errors (see import_events.err)"
import_ms=$(ms_since "$t0")

for g in $GROUPINGS; do
  for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s%N)
    w2w report --by "$g" --from "$FROM" --to "$TODAY" --format csv >"$res/w2w_$g.csv"
    echo "$(ms_since "$t0")" >>"$res/w2w_$g.ms"
  done
  # The server's own computing time, when the CLI prints the response as JSON.
  w2w --json report --by "$g" --from "$FROM" --to "$TODAY" >"$res/w2w_$g.json" 2>/dev/null || true
  log "w2w report --by $g: $(paste -sd' ' "$res/w2w_$g.ms") ms"
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
fi

# ---- PostgreSQL: the same events, the same reports ------------------------------------
port="$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log "PostgreSQL 15 on port $port: COPY, events table, indexes"
"$root/bench/peer/pg.sh" start "$work/pg" "$port" 4GB
t0=$(date +%s%N)
"$root/bench/peer/pg.sh" load-outcomes "$work/pg" "$port" "$data"
pg_load_ms=$(ms_since "$t0")
psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
for g in $GROUPINGS; do
  # The total row's group is NULL (a source may be named ""): printed as TOTAL.
  q="COPY (SELECT * FROM report('$g', '$FROM', '$TODAY'))
     TO STDOUT WITH (FORMAT csv, HEADER true, NULL 'TOTAL')"
  for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s%N)
    "${psql[@]}" -c "$q" >"$res/pg_$g.csv"
    echo "$(ms_since "$t0")" >>"$res/pg_$g.ms"
  done
  log "PostgreSQL report('$g'): $(paste -sd' ' "$res/pg_$g.ms") ms"
done

# ---- Table and comparison -------------------------------------------------------------
out="$root/bench/results/outcomes-$stamp.md"
$py - "$res" "$out" "$NC" "$NV" "$NE" "$import_ms" "$pg_load_ms" "$FROM" "$TODAY" \
  "$GROUPINGS" <<'PY'
import csv, json, os, statistics, sys, datetime
res, out, nc, nv, ne, import_ms, pg_load_ms, frm, to, groupings = sys.argv[1:11]
nc, nv, ne, import_ms, pg_load_ms = int(nc), int(nv), int(ne), int(import_ms), int(pg_load_ms)
MAIN = ["events", "entered", "entered_placed", "placement_rate", "placements",
        "median_days_to_placement", "p90_days_to_placement", "retention_6m", "retention_12m"]

def rows(path, total_keys):
    with open(path, newline="") as f:
        r = {}
        for row in csv.DictReader(f):
            key = (row.get("group") if "group" in row else row.get("grp", "")) or ""
            key = "TOTAL" if key.lower() in total_keys else key.replace("SECTOR_", "")
            r[key] = row
        return r

def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None

try:
    summary = json.load(open(os.path.join(res, "import_events.json")))
except (OSError, ValueError):
    summary = {}
received = int(summary.get("received", 0))
elapsed = float(summary.get("elapsed_seconds", 0)) or import_ms / 1000
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
# The summary is protobuf JSON: 64-bit counts are strings, absent ones are 0.
committed, rejected = int(summary.get("committed", 0)), int(summary.get("rejected", 0))
imp = ([f"- `w2w import events`: {received:,} received, {committed:,} committed, "
        f"{rejected:,} rejected in {elapsed:.1f} s: "
        f"**{received / elapsed if elapsed else 0:,.0f} events/s** (target > 50,000)."]
       if summary else ["- w2w: not run (the PostgreSQL half alone)."])
lines = [f"## Outcome reports: w2w against PostgreSQL 15 ({datetime.date.today()})", "",
         f"{os.cpu_count()} cores ({cpu}), load average at the end {os.getloadavg()[0]:.1f}; "
         f"{nc:,} candidates, {nv:,} vacancies, {ne:,} events, period {frm}..{to}.", "",
         *imp,
         f"- PostgreSQL load (COPY of the JSON lines, events table, indexes, ANALYZE): "
         f"{pg_load_ms / 1000:.1f} s.", "",
         "| grouping | rows | w2w ms (median of runs) | server elapsed_ms | PostgreSQL ms | PostgreSQL / w2w | main figures equal |",
         "|---|---|---|---|---|---|---|"]
mismatches = []
for g in groupings.split():
    def ms(side):
        try:
            return statistics.median(int(x) for x in open(os.path.join(res, f"{side}_{g}.ms")))
        except OSError:
            return None
    w_ms, p_ms = ms("w2w"), ms("pg")
    p = rows(os.path.join(res, f"pg_{g}.csv"), {"total"})
    if w_ms is None:  # the PostgreSQL half alone
        lines.append(f"| {g} | {len(p)} | - | - | {p_ms:.0f} | - | - |")
        continue
    try:
        server_ms = f"{json.load(open(os.path.join(res, f'w2w_{g}.json')))['elapsed_ms']:.0f}"
    except (OSError, ValueError, KeyError):
        server_ms = "?"
    w = rows(os.path.join(res, f"w2w_{g}.csv"), {"", "total", "(total)"})
    bad = 0
    for key in sorted(set(w) | set(p)):
        if key not in w or key not in p:
            # A group with no events on one side (e.g. tension-only rows) is no mismatch
            # when the other side's main figures are all 0.
            other = w.get(key) or p.get(key)
            if any(num(other.get(f)) for f in MAIN):
                bad += 1
                mismatches.append(f"{g} {key}: only in {'w2w' if key in w else 'PostgreSQL'}")
            continue
        for f in MAIN:
            a, b = num(w[key].get(f)), num(p[key].get(f))
            if a is None or b is None or abs(a - b) > 1e-6 * max(1, abs(b)):
                bad += 1
                mismatches.append(f"{g} {key} {f}: w2w {w[key].get(f)}, PostgreSQL {p[key].get(f)}")
    n = len(p)
    lines.append(f"| {g} | {n} | {w_ms:.0f} | {server_ms} | {p_ms:.0f} | {p_ms / w_ms:.1f} | "
                 f"{'yes' if not bad else f'**no** ({bad} differences)'} |")
lines += ["", f"Compared per group: {', '.join(MAIN)}. Raw outputs: "
          f"`bench/results/{os.path.basename(res)}/`."]
if mismatches:
    lines += ["", "Differences (first 50):", ""] + [f"- {m}" for m in mismatches[:50]]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
log "wrote $out"
