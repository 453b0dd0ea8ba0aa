#!/usr/bin/python3
"""Checks the peer's report() against hand-computed figures of tiny scenarios.

Loads bench/peer/outcomes_test/ into a running peer cluster (pg.sh start) with
`pg.sh load-outcomes`, runs report() for each grouping over 2026-01-01..2026-06-30 and
compares with outcomes_test/expected.csv. Exits 1 on a difference.

usage: outcomes_test.py PG_DIR PORT
"""
import csv
import io
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def report(port, grouping):
    out = subprocess.run(
        ["psql", "-X", "-q", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres",
         "-v", "ON_ERROR_STOP=1", "-c",
         f"COPY (SELECT * FROM report('{grouping}', '2026-01-01', '2026-06-30')) TO STDOUT "
         "WITH (FORMAT csv, HEADER true)"], check=True, capture_output=True, text=True).stdout
    return {("TOTAL" if r["grp"] == "" else r["grp"]): r for r in csv.DictReader(io.StringIO(out))}


def main():
    pg_dir, port = sys.argv[1], sys.argv[2]
    subprocess.run([os.path.join(HERE, "pg.sh"), "load-outcomes", pg_dir, port,
                    os.path.join(HERE, "outcomes_test")], check=True)
    reports, bad, n = {}, 0, 0
    with open(os.path.join(HERE, "outcomes_test", "expected.csv")) as f:
        for grouping, group, figure, want in csv.reader(l for l in f if not l.startswith("#")):
            if grouping not in reports:
                reports[grouping] = report(port, grouping)
            got = reports[grouping].get(group, {}).get(figure)
            n += 1
            try:
                same = got is not None and abs(float(got) - float(want)) < 1e-9
            except ValueError:
                same = got == want
            if not same:
                bad += 1
                print(f"MISMATCH {grouping} {group} {figure}: want {want}, got {got}")
    print(f"outcomes_test: {n - bad} of {n} figures as expected")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
