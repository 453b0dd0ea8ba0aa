#!/usr/bin/env bash
# The PostgreSQL peer's cluster: a throwaway PostgreSQL 15 on a temporary folder,
# listening only on 127.0.0.1, run as the unprivileged `postgres` user (root cannot run
# postgres).
#   pg.sh start DIR PORT [SHARED_BUFFERS]   initdb (C locale: byte order, as the engine) + start
#   pg.sh load DIR PORT EXPORT_DIR          schema, COPY of w2w-peer-export's files, indexes,
#                                           the shortlist() function
#   pg.sh load-outcomes DIR PORT DATA_DIR   outcome reports (issue 10): COPY of DATA_DIR's
#                                           candidates.jsonl, vacancies.jsonl, outcomes.jsonl
#                                           as raw JSON, outcomes_load.sql, report()
#   pg.sh stop DIR                          fast shutdown and remove DIR
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PGBIN=/usr/lib/postgresql/15/bin
cmd="${1:?start|load|stop}"; dir="${2:?DIR}"

as_pg() { runuser -u postgres -- "$@"; }

case "$cmd" in
  start)
    port="${3:?PORT}"; shared="${4:-1GB}"
    if [[ ! -x $PGBIN/initdb ]]; then
      apt-get install -y postgresql-15 >/dev/null
    fi
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent postgres
    mkdir -p "$dir"; chown postgres: "$dir"; chmod 700 "$dir"
    as_pg "$PGBIN/initdb" -D "$dir/data" --no-locale -E UTF8 -A trust -U postgres >/dev/null
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_buffers = $shared
effective_cache_size = 8GB
work_mem = 64MB
maintenance_work_mem = 1GB
max_wal_size = 8GB
# A short-query workload: JIT compilation costs more than it saves here.
jit = off
# Loading only; no durability needed for a benchmark peer.
fsync = off
synchronous_commit = off
full_page_writes = off
random_page_cost = 1.1
logging_collector = off
CONF
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
    ;;
  load)
    port="${3:?PORT}"; ex="${4:?EXPORT_DIR}"
    psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
    "${psql[@]}" -f "$HERE/schema.sql"
    for t in trade_sim region_pair sector_mob status_weight qual policy candidates \
             candidate_trades vacancies; do
      "${psql[@]}" -c "\\copy $t FROM '$ex/$t.tsv'"
    done
    "${psql[@]}" -f "$HERE/indexes.sql"
    "${psql[@]}" -f "$HERE/shortlist.sql"
    ;;
  load-outcomes)
    port="${3:?PORT}"; src="${4:?DATA_DIR}"
    psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
    "${psql[@]}" -f "$HERE/outcomes_schema.sql"
    # One JSON document per line: CSV with quote and delimiter bytes JSON never holds.
    raw="WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
    "${psql[@]}" -c "\\copy stage_candidates (doc) FROM '$src/candidates.jsonl' $raw"
    "${psql[@]}" -c "\\copy stage_vacancies (doc) FROM '$src/vacancies.jsonl' $raw"
    "${psql[@]}" -c "\\copy stage_events (doc) FROM '$src/outcomes.jsonl' $raw"
    "${psql[@]}" -c "\\copy region_cluster FROM PROGRAM 'grep -v ^# $HERE/../../data/spt_clusters.csv' WITH (FORMAT csv, HEADER true)"
    "${psql[@]}" -f "$HERE/outcomes_load.sql"
    "${psql[@]}" -f "$HERE/outcomes_report.sql"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: pg.sh start|load|stop DIR ..." >&2; exit 2 ;;
esac
