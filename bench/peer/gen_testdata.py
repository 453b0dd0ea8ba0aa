#!/usr/bin/python3
"""Throwaway test data for the benchmark suite, used only when w2w-datagen is not built.

Writes candidates.jsonl and vacancies.jsonl (protobuf JSON mapping of w2w.v1.Candidate /
Vacancy) drawn uniformly from the shipped reference data. w2w-datagen produces the
realistic data set; this exists so the suite can run before it does.

usage: gen_testdata.py DATA_DIR OUT_DIR CANDIDATES VACANCIES [SEED]
"""
import csv
import json
import os
import random
import sys


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def main():
    data, out, n_c, n_v = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    regions = [r["region"] for r in rows(os.path.join(data, "regions.csv"))]
    quals = [r["code"] for r in rows(os.path.join(data, "qualifications.csv"))]
    trades = [r["occupation_id"] for r in rows(os.path.join(data, "esco", "occupations.csv"))]
    trades = trades[:200]  # a technical core, so trades overlap as in real data
    sectors = ["SECTOR_ME", "SECTOR_INST", "SECTOR_PROC", "SECTOR_BOUW", "SECTOR_MVT",
               "SECTOR_OTHER"]
    statuses = ["CANDIDATE_STATUS_EMPLOYED", "CANDIDATE_STATUS_AT_RISK",
                "CANDIDATE_STATUS_NOTICE_GIVEN", "CANDIDATE_STATUS_BANKRUPT_EMPLOYER",
                "CANDIDATE_STATUS_UNEMPLOYED", "CANDIDATE_STATUS_PLACED",
                "CANDIDATE_STATUS_UNAVAILABLE"]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "candidates.jsonl"), "w") as f:
        for i in range(n_c):
            ts = rng.sample(trades, rng.randint(1, 3))
            c = {"id": f"c{i:07d}", "region": rng.choice(regions),
                 "sector": rng.choice(sectors),
                 "trades": [{"code": t, "years": rng.randint(0, 30)} for t in ts],
                 "qualifications": sorted(rng.sample(quals, rng.randint(0, 6))),
                 "employerId": f"e{rng.randint(0, n_c // 50):06d}",
                 "status": rng.choices(statuses, [20, 20, 15, 5, 30, 5, 5])[0],
                 "maxTravelKm": rng.choice([0, 25, 50, 100]),
                 "willingToRetrain": rng.random() < 0.8}
            if rng.random() < 0.3:
                c["availableFrom"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            f.write(json.dumps(c) + "\n")
    with open(os.path.join(out, "vacancies.jsonl"), "w") as f:
        for i in range(n_v):
            req = rng.sample(quals, rng.randint(0, 3))
            pref = [q for q in rng.sample(quals, rng.randint(0, 2)) if q not in req]
            v = {"id": f"v{i:07d}", "employerId": f"e{rng.randint(0, n_c // 50):06d}",
                 "region": rng.choice(regions), "sector": rng.choice(sectors[:5]),
                 "trade": rng.choice(trades), "requiredQualifications": sorted(req),
                 "preferredQualifications": sorted(pref), "positions": rng.randint(1, 5),
                 "hardToFill": rng.random() < 0.3,
                 "status": "VACANCY_STATUS_OPEN" if rng.random() < 0.9 else "VACANCY_STATUS_FILLED",
                 "title": "vacature"}
            f.write(json.dumps(v) + "\n")


if __name__ == "__main__":
    main()
