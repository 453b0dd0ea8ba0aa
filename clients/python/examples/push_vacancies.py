#!/usr/bin/python3
"""Pushes vacancies from a CSV file (the columns of `w2w import vacancies`, as written by
`w2w-datagen --format=csv`) or a JSON Lines file, and prints the import summary.

Usage: examples/push_vacancies.py FILE.csv|FILE.jsonl
  e.g. build/clients/w2w-datagen --candidates 10 --vacancies 500 --format csv --out /tmp/demo
       W2W_TOKEN=... W2W_CA_FILE=... clients/python/examples/push_vacancies.py /tmp/demo/vacancies.csv
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import w2w  # noqa: E402

MAX_PRINTED_ERRORS = 20


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with w2w.connect() as client:
        try:
            summary = client.push_vacancies(sys.argv[1])
        except (w2w.Error, ValueError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    print(f"received {summary.received}, committed {summary.committed}, unchanged "
          f"{summary.unchanged}, rejected {summary.rejected} in {summary.batches} batches, "
          f"{summary.elapsed_seconds:.2f} s")
    for error in summary.errors[:MAX_PRINTED_ERRORS]:
        print(f"  record {error.index} ({error.id}): {error.code} {error.field}: {error.message}")
    return 1 if summary.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
