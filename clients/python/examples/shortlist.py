#!/usr/bin/python3
"""The best candidates for one vacancy, with each score's reasons.

Usage: examples/shortlist.py VACANCY_ID [K]
  e.g. W2W_CA_FILE=var/w2w-data/tls/server.pem W2W_TOKEN=$(cat var/w2w-data/admin.token) \
       clients/python/examples/shortlist.py v000002 5
Server: $W2W_SERVER (default 127.0.0.1:50051); TLS when $W2W_CA_FILE is set.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import w2w  # noqa: E402


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    k = int(sys.argv[2]) if len(sys.argv) == 3 else 10
    with w2w.connect() as client:
        try:
            matches = client.shortlist(sys.argv[1], k=k)
        except w2w.Error as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        for rank, m in enumerate(matches, start=1):
            plan = ", ".join(s.qualification for s in m.explanation.missing) or "-"
            print(f"{rank:3} {m.candidate_id:12} {m.score:.3f}  {m.region:22} retrain: {plan}")
            print("      " + "; ".join(m.explanation.reasons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
