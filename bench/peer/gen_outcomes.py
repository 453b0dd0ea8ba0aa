#!/usr/bin/python3
"""A year of outcome events for the outcome benchmark, used until `w2w-datagen --outcomes`
writes them (and for the peer's own tests).

Reads DIR/candidates.jsonl and DIR/vacancies.jsonl (w2w-datagen's) and writes
DIR/outcomes.jsonl: one w2w.v1.OutcomeEvent per line, protobuf JSON with proto field
names, enums by name, default values omitted, only event_id and one body, in recording
order (date order; a person's events of one day in causal order; cancellations last).

The events follow the rules the server checks: a placement's candidate exists and is
not PLACED in candidates.jsonl and is placed at most once; a placement into a vacancy
takes one of its open seats (OPEN vacancies only); a follow-up names a placement, is not
before its start and not after TODAY; a cancelled placement has no follow-up; a track's
end is not before its start and comes after it; nothing is dated after TODAY.

About 2 events per candidate: at 1,000,000 candidates some 1.2 M status changes, 300 k
placements, 200 k tracks (half of them ended by a later event), 120 k follow-ups and
10 k cancellations.

usage: gen_outcomes.py DIR TODAY [SEED] [QUALIFICATIONS_CSV]
"""
import datetime
import json
import os
import random
import sys

EPISODE_SHARE = 0.72          # Candidates with a signal in the year.
UNSIGNALLED_PLACEMENT = 0.02  # Candidates placed without any recorded signal.
PLACED_SHARE = 0.55           # Episodes that end in a placement.
RECOVERED_SHARE = 0.15        # Episodes that end by a status change to EMPLOYED.
VACANCY_SHARE = 0.7           # Placements into a w2w vacancy (the rest external).
RETRAINED_SHARE = 0.4         # Placements after a retraining track.
EXTRA_TRACK_SHARE = 0.15      # Unplaced episodes with a track of their own.
FOLLOW_UP_SHARE = 0.8         # Placements old enough that get their follow-up.
CANCEL_SHARE = 0.005          # Of placements, status changes and tracks.
YEAR_DAYS = 365
SIGNALS = [("CANDIDATE_STATUS_AT_RISK", 50), ("CANDIDATE_STATUS_NOTICE_GIVEN", 25),
           ("CANDIDATE_STATUS_BANKRUPT_EMPLOYER", 10), ("CANDIDATE_STATUS_UNEMPLOYED", 15)]
SECTORS = ["SECTOR_ME", "SECTOR_INST", "SECTOR_PROC", "SECTOR_BOUW", "SECTOR_MVT",
           "SECTOR_OTHER"]
CHANNELS = ["PLACEMENT_CHANNEL_SHORTLIST", "PLACEMENT_CHANNEL_MATCH_CANDIDATE",
            "PLACEMENT_CHANNEL_REMATCH", "PLACEMENT_CHANNEL_OTHER"]


def day_str(d):
    return datetime.date.fromordinal(d).isoformat()


def main():
    out_dir, today = sys.argv[1], datetime.date.fromisoformat(sys.argv[2]).toordinal()
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    qcsv = sys.argv[4] if len(sys.argv) > 4 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "qualifications.csv")
    quals = [l.split(",")[0] for l in open(qcsv) if not l.startswith("#")][1:]
    first = today - YEAR_DAYS + 1

    cands = []  # (id, status, region)
    with open(os.path.join(out_dir, "candidates.jsonl")) as f:
        for line in f:
            c = json.loads(line)
            cands.append((c["id"], c.get("status", ""), c.get("region", "")))
    regions = sorted({c[2] for c in cands if c[2]})
    seats = []  # [vacancy id, seats left] of OPEN vacancies
    with open(os.path.join(out_dir, "vacancies.jsonl")) as f:
        for line in f:
            v = json.loads(line)
            if v.get("status", "VACANCY_STATUS_OPEN") == "VACANCY_STATUS_OPEN":
                left = max(v.get("positions", 0), 1) - v.get("filled_positions", 0)
                if left > 0:
                    seats.append([v["id"], left])

    events = []  # (day, order, json line)
    n = [0, 0]  # event and track counters

    def emit(day, body_key, body):
        n[0] += 1
        eid = f"ev-{n[0]:08d}"
        events.append((day, len(events), json.dumps(
            {"event_id": eid, body_key: body}, separators=(",", ":"))))
        return eid

    def status(cid, frm, to, day):
        body = {"candidate_id": cid, "to": to, "date": day_str(day)}
        if frm:
            body["from"] = frm
        return emit(day, "status_change", body)

    def track(cid, start, until, placed_start=None):
        """A track starting at `start`; ends by `until` (or runs on). Returns the qualification
        when completed before placed_start."""
        n[1] += 1
        tid = f"tr-{n[1]:07d}"
        q = rng.choice(quals)
        body = {"track_id": tid, "candidate_id": cid, "qualification": q,
                "provider": rng.choice(["ROC", "OTIB", "Techniek Opleiding", "A+O fonds"]),
                "start_date": day_str(start), "cost_eur": rng.randint(3, 80) * 100}
        length = rng.randint(5, 120)
        end = start + length
        r = rng.random()
        result = None
        if end <= min(until, today):
            result = ("TRACK_RESULT_COMPLETED" if r < 0.8 else "TRACK_RESULT_DROPPED")
        if result and rng.random() < 0.5:  # history: start and end in one event
            body.update(result=result, end_date=day_str(end))
            eid = emit(start, "track", body)
        else:
            eid = emit(start, "track", body)
            if result:
                emit(end, "track", {"track_id": tid, "result": result, "end_date": day_str(end)})
        cancellable["track"].append(eid)
        return q if result == "TRACK_RESULT_COMPLETED" else None

    cancellable = {"status": [], "placement": [], "track": []}

    def place(cid, day, retrained):
        body = {"candidate_id": cid, "start_date": day_str(day)}
        if seats and rng.random() < VACANCY_SHARE:
            i = rng.randrange(len(seats))
            body["vacancy_id"] = seats[i][0]
            seats[i][1] -= 1
            if seats[i][1] == 0:
                seats[i] = seats[-1]
                seats.pop()
        else:
            ext = {"employer_id": f"ext-{rng.randint(1, 50000):06d}",
                   "trade": "7543.1", "sector": rng.choice(SECTORS[:5] * 3 + SECTORS[5:]),
                   "region": rng.choice(regions)}
            if rng.random() < 0.25:
                ext["hard_to_fill"] = True
            body["external"] = ext
        if retrained:
            body["retrained_qualifications"] = retrained
        ch = rng.choice(CHANNELS)
        body["channel"] = ch
        if ch == "PLACEMENT_CHANNEL_REMATCH":
            body["rematch_run_id"] = f"run-{rng.randint(1, 12):02d}"
        eid = emit(day, "placement", body)
        if day + 182 <= today and rng.random() < FOLLOW_UP_SHARE:
            fu = day + rng.randint(182, 200)
            if fu <= today:
                emit(fu, "follow_up", {"placement_event_id": eid, "months": 6,
                                       "in_work": rng.random() < 0.85, "date": day_str(fu)})
                return
        cancellable["placement"].append(eid)

    for cid, cur, _region in cands:
        placeable = cur != "CANDIDATE_STATUS_PLACED"
        u = rng.random()
        if u < EPISODE_SHARE:
            # Earlier in the year more often: the pool is older than the data.
            d0 = first + int(YEAR_DAYS * rng.random() ** 1.4)
            sig = rng.choices([s for s, _ in SIGNALS], [w for _, w in SIGNALS])[0]
            cancellable["status"].append(status(cid, "CANDIDATE_STATUS_EMPLOYED", sig, d0))
            last, d = sig, d0
            if sig != "CANDIDATE_STATUS_UNEMPLOYED" and rng.random() < 0.5:
                d += rng.randint(0, 90)
                if d <= today:
                    status(cid, last, "CANDIDATE_STATUS_UNEMPLOYED", d)
                    last = "CANDIDATE_STATUS_UNEMPLOYED"
            if rng.random() < 0.05:  # a second signal while open: no new episode
                d += rng.randint(0, 30)
                if d <= today:
                    status(cid, last, "CANDIDATE_STATUS_UNAVAILABLE", d)
                    last = "CANDIDATE_STATUS_UNAVAILABLE"
            r = rng.random()
            end = d + rng.randint(0, 150)
            if r < PLACED_SHARE and placeable and end <= today:
                retrained = []
                if rng.random() < RETRAINED_SHARE and end - 10 > d0:
                    q = track(cid, rng.randint(d0, end - 10), end - 1)
                    if q:
                        retrained = [q]
                place(cid, end, retrained)
            elif r < PLACED_SHARE + RECOVERED_SHARE and end <= today:
                status(cid, last, "CANDIDATE_STATUS_EMPLOYED", end)
                if rng.random() < 0.2:  # signalled again later: a second episode
                    d2 = end + rng.randint(1, 60)
                    if d2 <= today:
                        status(cid, "CANDIDATE_STATUS_EMPLOYED", "CANDIDATE_STATUS_AT_RISK", d2)
            elif rng.random() < EXTRA_TRACK_SHARE:
                track(cid, rng.randint(d0, today), today)
        elif u < EPISODE_SHARE + UNSIGNALLED_PLACEMENT and placeable:
            place(cid, rng.randint(first, today), [])

    events.sort()
    for kind in ("status", "placement", "track"):
        for eid in rng.sample(cancellable[kind], int(len(cancellable[kind]) * CANCEL_SHARE)):
            emit(today, "cancellation", {"cancelled_event_id": eid, "reason": "correction"})
    with open(os.path.join(out_dir, "outcomes.jsonl"), "w") as f:
        for _, _, line in events:
            f.write(line)
            f.write("\n")
    print(f"gen_outcomes: {len(events)} events for {len(cands)} candidates", file=sys.stderr)


if __name__ == "__main__":
    main()
