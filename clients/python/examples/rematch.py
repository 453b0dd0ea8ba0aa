#!/usr/bin/python3
"""Rematches the whole workforce of one employer (a bankruptcy), showing the progress,
then the summary and the suggested group courses.

Usage: examples/rematch.py EMPLOYER_ID [independent|group]
  e.g. W2W_TOKEN=... W2W_CA_FILE=... clients/python/examples/rematch.py emp-000001 group
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import w2w  # noqa: E402


def show_progress(p) -> None:
    print(f"\r{p.phase:12} {p.done}/{p.total}  {p.elapsed_seconds:.1f} s", end="",
          file=sys.stderr, flush=True)


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    mode = sys.argv[2] if len(sys.argv) == 3 else "independent"
    with w2w.connect() as client:
        try:
            run = client.rematch(employer_id=sys.argv[1], mode=mode, k=5,
                                 progress=show_progress, keep_results=False)
        except (w2w.Error, ValueError) as e:
            print(f"\nerror: {e}", file=sys.stderr)
            return 1
    s = run.summary
    print(f"\nrun {run.run_id}: {s.selected} selected, {s.skipped} skipped; placeable now "
          f"{s.placeable_now}, after retraining {s.placeable_after_retraining}, not "
          f"placeable {s.not_placeable}; {s.sector_moves} sector moves")
    for course in s.retraining_demand[:5]:
        print(f"  #{course.rank} {course.qualification} ({course.name}): {course.people} "
              f"people, {course.vacancies} vacancies, {course.weeks:g} weeks, "
              f"EUR {course.cost_eur:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
