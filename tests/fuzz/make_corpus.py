#!/usr/bin/env python3
"""Writes the seed corpus (tests/fuzz/corpus/<target>/seed-*) and the dictionaries
(tests/fuzz/dicts/<target>.dict) of the fuzz targets from the examples below and the
shipped reference data (data/). The output is checked in; run this again after changing
the examples or the formats, and commit what changed:

    python3 tests/fuzz/make_corpus.py

Binary seeds (protobuf wire format) are encoded from the text format with `protoc
--encode`. Only files named seed-* are written or removed: reproducers added by hand
(crash-*, named after what they found) are kept.
"""
import csv
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ = ROOT / "tests" / "fuzz"
DATA = ROOT / "data"

CANDIDATE_HEADER = ("id,region,municipality,sector,trades,qualifications,employer_id,status,"
                    "available_from,max_travel_km,willing_to_retrain,source")
VACANCY_HEADER = ("id,employer_id,region,municipality,sector,trade,required_qualifications,"
                  "preferred_qualifications,positions,hard_to_fill,status,expires_at,starts_at,"
                  "title,source")

CSV_SEEDS = {
    "candidates.csv": CANDIDATE_HEADER + "\n"
    "c0000001,Twente,Enschede,ME,7212.3:12|7223.1:4,VCA-BASIS|NEN3140-VOP,emp-000001,at_risk,"
    "2026-04-04,65,true,uwv\n"
    "c0000002,Midden-Gelderland,,INST,7126.1:3,,,unemployed,,0,false,\n"
    "c0000003,20,,BOUW,b5eaf231-77ad-4a86-8e54-15cc4398aad2,MBO2-LAS,emp-2,notice_given,,300,ja,"
    "\"sbb\"\n",
    "vacancies.csv": VACANCY_HEADER + "\n"
    "v000001,emp-000002,Twente,Hengelo,ME,7212.3,VCA-BASIS,ISO9606-135|BHV,2,true,open,"
    "2026-06-30,2026-08-01,TIG-lasser RVS,uwv\n"
    "v000002,emp-3,Rijnmond,,PROC,7126.1,,,0,false,,,,\"Monteur \"\"koel\"\", lucht\",\n"
    "v000003,emp-4,,Zevenaar,MVT,7231.1,,,1,no,filled,,,\"Twee\nregels\",bovag\n",
    # A header in another order, with the version column, a BOM and CRLF line ends.
    "reordered.csv": "\ufeffVersion, ID ,Sector,Region,Trades,Status\r\n"
    "3,c-9,OTHER,Zuid-Limburg,7212.3:1|7126.1,employed\r\n\r\n"
    "4,c-10,SECTOR_ME,Twente,7212.3:61,CANDIDATE_STATUS_PLACED\r\n",
    # Malformed lines that the reader reports and skips.
    "malformed.csv": CANDIDATE_HEADER + "\n"
    "c1,Twente,,ME,7212.3:x,,,at_risk,,,,\n"
    "c2,\"open quote,,ME,,,,at_risk,,,,\n"
    "c3,Twente,,XX,7212.3,,,at_risk,,,,\n"
    "c4,Twente,,ME,7212.3,,,at_risk,,-1,maybe,\n"
    "c5,too,few\n",
}

CANDIDATE_JSON = [
    '{"id":"c0000002","region":"Midden-Gelderland","municipality":"Zevenaar","sector":"SECTOR_ME",'
    '"trades":[{"code":"edf2e989-d7c5-496e-b365-81fc5cb9eb39","years":12}],'
    '"qualifications":["NEN3140-VOP","VCA-BASIS"],"employer_id":"emp-072206",'
    '"status":"CANDIDATE_STATUS_AT_RISK","available_from":"2026-04-04","max_travel_km":65,'
    '"source":"uwv"}',
    '{"id":"c-2","region":"Twente","sector":2,"trades":[{"code":"7212.3"},{"code":"7126.1",'
    '"years":3}],"status":"CANDIDATE_STATUS_UNEMPLOYED","willingToRetrain":true,"version":"7"}',
]
VACANCY_JSON = [
    '{"id":"v000001","employer_id":"emp-000002","region":"Twente","municipality":"Hengelo",'
    '"sector":"SECTOR_ME","trade":"7212.3","required_qualifications":["VCA-BASIS"],'
    '"preferred_qualifications":["ISO9606-135","VCA-BASIS"],"positions":2,"hard_to_fill":true,'
    '"status":"VACANCY_STATUS_OPEN","expires_at":"2026-06-30","starts_at":"2026-08-01",'
    '"title":"TIG-lasser RVS \\u00e9\\"x\\"","source":"uwv"}',
    '{"id":"v-2","employerId":"emp-3","region":"35","sector":"SECTOR_PROC","trade":'
    '"b5eaf231-77ad-4a86-8e54-15cc4398aad2","positions":0,"status":2}',
]

JSONL_SEEDS = {
    "candidates.jsonl": "\n".join(CANDIDATE_JSON) + "\n",
    "vacancies.jsonl": "\n".join(VACANCY_JSON) + "\n",
    "malformed.jsonl": '{"id":"c1","unknown_field":1}\n\n{"id":\n{"id":"c2","trades":[{"years":-1}]}\n'
    '{"id":"c3","sector":"SECTOR_NONE"}\n{"title":"\\ud800"}\n',
}

CANDIDATE_TEXT = [
    'id: "c0000001" region: "Twente" municipality: "Enschede" sector: SECTOR_ME '
    'trades { code: "7212.3" years: 12 } trades { code: "7126.1" years: 2 } '
    'qualifications: "vca-basis" qualifications: "NEN3140-VOP" qualifications: "VCA-BASIS" '
    'employer_id: "emp-1" status: CANDIDATE_STATUS_AT_RISK available_from: "2026-04-04" '
    'max_travel_km: 65 willing_to_retrain: true source: "uwv" version: 3',
    'id: "c-2" region: "20" sector: SECTOR_INST trades { code: "7126.1" } '
    'status: CANDIDATE_STATUS_UNEMPLOYED updated_at: "2026-01-01T00:00:00Z"',
    # Rejected: a municipality that contradicts the region.
    'id: "c-3" region: "Twente" municipality: "Zevenaar" sector: SECTOR_ME '
    'trades { code: "7212.3" } status: CANDIDATE_STATUS_EMPLOYED',
]
VACANCY_TEXT = [
    'id: "v000001" employer_id: "emp-2" region: "Twente" municipality: "Hengelo" '
    'sector: SECTOR_ME trade: "7212.3" required_qualifications: "VCA-BASIS" '
    'preferred_qualifications: "ISO9606-135" preferred_qualifications: "VCA-BASIS" '
    'positions: 2 hard_to_fill: true status: VACANCY_STATUS_OPEN expires_at: "2026-06-30" '
    'starts_at: "2026-08-01" title: "TIG-lasser RVS" source: "uwv" version: 1',
    'id: "v-2" employer_id: "emp-3" municipality: "Zevenaar" sector: SECTOR_PROC '
    'trade: "b5eaf231-77ad-4a86-8e54-15cc4398aad2"',
    # Rejected: a control character in the title.
    'id: "v-3" employer_id: "emp-3" region: "Rijnmond" sector: SECTOR_BOUW trade: "7126.1" '
    'title: "a\\tb"',
]

POLICY_JSON = {
    "weights.json": '{"weights":{"trade":0.5,"sector":0.1,"qualifications":0.2,"distance":0.1,'
    '"availability":0.05,"urgency":0.05},"note":"more weight on the trade"}',
    "full.json": '{"sector_mobility":[{"from":"SECTOR_ME","to":"SECTOR_INST","weight":0.9},'
    '{"from":"SECTOR_OTHER","to":"SECTOR_ME","weight":0.4}],"own_sector_preference":0.1,'
    '"min_trade_similarity":0.3,"experience_full_years":8,"experience_share":0.25,'
    '"max_retraining_weeks":16,"hard_to_fill_retraining_factor":1.5,'
    '"retraining_cost_scale_eur":4000,"retraining_cost_share":0.2,"preferred_bonus_share":0.1,'
    '"retraining":[{"qualification":"VCA-BASIS","weeks":0.2,"cost_eur":120},'
    '{"qualification":"mbo2-las","weeks":30}],"same_cluster_bonus":0.1,'
    '"default_max_travel_km":40,"status_weights":[{"status":"CANDIDATE_STATUS_EMPLOYED",'
    '"weight":0.6}],"availability_horizon_days":90,"urgency_hard_to_fill":0.9,'
    '"urgency_normal":0.5,"version":"4","created_at":"2026-01-01T00:00:00Z"}',
    "rejected.json": '{"weights":{"trade":-1},"sector_mobility":[{"from":"SECTOR_ME","to":'
    '"SECTOR_ME","weight":2}],"retraining":[{"qualification":"NOPE"}]}',
    "tiny.json": '{"experience_full_years":1e-300,"retraining_cost_scale_eur":5e-324,'
    '"weights":{"urgency":5e-324},"own_sector_preference":-0.0}',
}
POLICY_TEXT = [
    'weights { trade: 0.4 sector: 0.1 qualifications: 0.2 distance: 0.2 availability: 0.05 '
    'urgency: 0.05 } sector_mobility { from: SECTOR_BOUW to: SECTOR_INST weight: 0.7 } '
    'retraining { qualification: "BHV" weeks: 0.4 cost_eur: 250 } '
    'status_weights { status: CANDIDATE_STATUS_AT_RISK weight: 0.85 } note: "wire"',
    'max_retraining_weeks: 520 default_max_travel_km: 300 availability_horizon_days: 3650',
]

TAXONOMY_TEXT = [
    ("qualification", "w2w.v1.Qualification",
     'code: "LASROBOT-1" name: "Lasrobot programmeren 1" kind: QUALIFICATION_KIND_CERTIFICATE '
     'weeks: 1.5 cost_eur: 1200 source: "opleider"'),
    ("qualification-existing", "w2w.v1.Qualification",
     'code: "VCA-BASIS" name: "VCA Basisveiligheid" kind: QUALIFICATION_KIND_CERTIFICATE '
     'weeks: 0.2 cost_eur: 175'),
    ("cluster", "w2w.v1.Cluster", 'name: "oost" regions: "Twente" regions: "Achterhoek" '
     'regions: "17"'),
    ("cluster-removal", "w2w.v1.Cluster", 'name: "oost"'),
    ("municipality", "w2w.v1.Municipality",
     'name: "Dinkelland" region: "Twente" lat: 52.37 lon: 6.97'),
    ("municipality-new", "w2w.v1.Municipality", 'name: "Nieuwstad" region: "Zeeland"'),
    ("anchor", "w2w.v1.UpdateRegionAnchorRequest",
     'region: "Twente" anchor_city: "Hengelo" lat: 52.27 lon: 6.79'),
    ("anchor-pole", "w2w.v1.UpdateRegionAnchorRequest",
     'region: "35" anchor_city: "Noordpool" lat: 90 lon: -180'),
]

MESSAGE_TEXT = [
    ("w2w.v1.ImportCandidatesRequest", "candidate { " + CANDIDATE_TEXT[0] + " }"),
    ("w2w.v1.ImportCandidatesRequest",
     "candidates { " + CANDIDATE_TEXT[0] + " } candidates { " + CANDIDATE_TEXT[1] + " }"),
    ("w2w.v1.PushVacanciesRequest", "vacancy { " + VACANCY_TEXT[0] + " }"),
    ("w2w.v1.PushVacanciesRequest",
     "vacancies { " + VACANCY_TEXT[0] + " } vacancies { " + VACANCY_TEXT[1] + " }"),
]


def encode(message_type, text):
    """The wire bytes of `text` (protobuf text format) as `message_type`."""
    return subprocess.run(
        ["protoc", f"-I{ROOT / 'proto'}", f"--encode={message_type}",
         "w2w/v1/candidate.proto", "w2w/v1/vacancy.proto", "w2w/v1/policy.proto",
         "w2w/v1/taxonomy.proto"],
        input=text.encode(), stdout=subprocess.PIPE, check=True).stdout


def message_parse_extras(packed):
    """Stream messages that do not parse: a record with a region that is not UTF-8 (the
    server rejects only that item), a cut message, and a packed list with a broken
    second item."""
    bad_region = b"\x12\x06Twent\xe9"  # Candidate.region = "Twent\xe9" (Latin-1).
    bad_candidate = b"\x0a\x03c-1" + bad_region
    return {
        "seed-bad-utf8": b"\x12" + bytes([len(bad_candidate)]) + bad_candidate,
        "seed-cut": packed[: len(packed) // 2],
        "seed-bad-second": b"\x12\x05\x0a\x03c-1\x12" + bytes([len(bad_candidate)]) +
                           bad_candidate + b"\x12\x7f\x0a",
    }


def clear_seeds(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()


def write(folder, name, content):
    (folder / f"seed-{name}").write_bytes(content.encode() if isinstance(content, str) else content)


def rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def quoted(word):
    escaped = word.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if 32 <= ord(c) < 127 else "".join(f"\\x{b:02X}" for b in c.encode())
                         for c in escaped) + '"'


def taxonomy_words():
    words = [r["region"] for r in rows("regions.csv")]
    words += [r["code"] for r in rows("qualifications.csv")]
    words += [r["municipality"] for r in rows("municipalities_2015.csv")][::8]
    occupations = rows("esco/occupations.csv")
    words += [o["esco_code"] for o in occupations[::10]]
    words += [o["occupation_id"] for o in occupations[::40]]
    words += ["7212.3", "7126.1", "2026-04-04", "2026-02-29", "2028-02-29", "9999-12-31"]
    return words


def dict_lines(words):
    seen, out = set(), []
    for w in words:
        if w and w not in seen:
            seen.add(w)
            out.append(quoted(w))
    return "\n".join(out) + "\n"


ENUM_WORDS = ["ME", "INST", "PROC", "BOUW", "MVT", "OTHER", "employed", "at_risk",
              "notice_given", "bankrupt_employer", "unemployed", "placed", "unavailable",
              "open", "filled", "closed", "true", "false", "ja", "nee"]
JSON_CANDIDATE_FIELDS = ["id", "region", "municipality", "sector", "trades", "code", "years",
                         "qualifications", "employer_id", "status", "available_from",
                         "max_travel_km", "willing_to_retrain", "source", "version", "updated_at"]
JSON_VACANCY_FIELDS = ["id", "employer_id", "region", "municipality", "sector", "trade",
                       "required_qualifications", "preferred_qualifications", "positions",
                       "hard_to_fill", "status", "expires_at", "starts_at", "title", "source",
                       "version", "updated_at"]
JSON_ENUMS = ["SECTOR_ME", "SECTOR_INST", "SECTOR_PROC", "SECTOR_BOUW", "SECTOR_MVT",
              "SECTOR_OTHER", "CANDIDATE_STATUS_EMPLOYED", "CANDIDATE_STATUS_AT_RISK",
              "CANDIDATE_STATUS_NOTICE_GIVEN", "CANDIDATE_STATUS_UNEMPLOYED",
              "CANDIDATE_STATUS_PLACED", "VACANCY_STATUS_OPEN", "VACANCY_STATUS_CLOSED"]
JSON_TOKENS = ['{"', '":', '":"', '","', '"},', '[{"', '}]', "null", "true", "\\u0000",
               "\\ud800", "\\u00e9", "-0", "1e999", "NaN", "Infinity", '"-Infinity"',
               "18446744073709551615", "4294967296"]
POLICY_FIELDS = ["weights", "trade", "sector", "qualifications", "distance", "availability",
                 "urgency", "sector_mobility", "from", "to", "weight", "own_sector_preference",
                 "min_trade_similarity", "experience_full_years", "experience_share",
                 "max_retraining_weeks", "hard_to_fill_retraining_factor",
                 "retraining_cost_scale_eur", "retraining_cost_share", "preferred_bonus_share",
                 "retraining", "qualification", "weeks", "cost_eur", "same_cluster_bonus",
                 "default_max_travel_km", "status_weights", "status", "availability_horizon_days",
                 "urgency_hard_to_fill", "urgency_normal", "note", "created_at", "version"]


def main():
    tax = taxonomy_words()
    dicts = {
        "csv_record_fuzz": CANDIDATE_HEADER.split(",") + VACANCY_HEADER.split(",") + ENUM_WORDS +
        ['"', '""', ",", "\r\n", "|", ":", "\ufeff"] + tax,
        "jsonl_record_fuzz": JSON_CANDIDATE_FIELDS + JSON_VACANCY_FIELDS + JSON_ENUMS +
        JSON_TOKENS + tax[:80],
        "candidate_validate_fuzz": JSON_CANDIDATE_FIELDS + JSON_ENUMS + JSON_TOKENS + tax,
        "vacancy_validate_fuzz": JSON_VACANCY_FIELDS + JSON_ENUMS + JSON_TOKENS + tax,
        "taxonomy_change_fuzz": [r["code"] for r in rows("qualifications.csv")] +
        [r["region"] for r in rows("regions.csv")] + ["90", "-180", "180.0000001"],
        "policy_fuzz": POLICY_FIELDS + JSON_ENUMS + JSON_TOKENS +
        [r["code"] for r in rows("qualifications.csv")] +
        ["0", "1", "0.5", "1e-300", "5e-324", "1e6", "1000001", "520", "3650", "10000000"],
    }
    (FUZZ / "dicts").mkdir(exist_ok=True)
    for target, words in dicts.items():
        (FUZZ / "dicts" / f"{target}.dict").write_text(
            f"# libFuzzer dictionary of {target}; written by tests/fuzz/make_corpus.py.\n" +
            dict_lines(words))

    corpus = FUZZ / "corpus"
    folder = corpus / "csv_record_fuzz"
    clear_seeds(folder)
    for name, text in CSV_SEEDS.items():
        write(folder, name, text)

    folder = corpus / "jsonl_record_fuzz"
    clear_seeds(folder)
    for name, text in JSONL_SEEDS.items():
        write(folder, name, text)

    for target, message_type, texts, jsons in [
            ("candidate_validate_fuzz", "w2w.v1.Candidate", CANDIDATE_TEXT, CANDIDATE_JSON),
            ("vacancy_validate_fuzz", "w2w.v1.Vacancy", VACANCY_TEXT, VACANCY_JSON)]:
        folder = corpus / target
        clear_seeds(folder)
        for i, text in enumerate(texts):
            write(folder, f"{i + 1}.binpb", encode(message_type, text))
        for i, text in enumerate(jsons):
            write(folder, f"{i + 1}.json", text)

    folder = corpus / "policy_fuzz"
    clear_seeds(folder)
    for name, text in POLICY_JSON.items():
        write(folder, name, text)
    for i, text in enumerate(POLICY_TEXT):
        write(folder, f"{i + 1}.binpb", encode("w2w.v1.Policy", text))

    folder = corpus / "taxonomy_change_fuzz"
    clear_seeds(folder)
    for name, message_type, text in TAXONOMY_TEXT:
        write(folder, f"{name}.binpb", encode(message_type, text))

    folder = corpus / "message_parse_fuzz"
    clear_seeds(folder)
    packed = b""
    for i, (message_type, text) in enumerate(MESSAGE_TEXT):
        encoded = encode(message_type, text)
        write(folder, f"{i + 1}.binpb", encoded)
        packed = packed or (encoded if "candidates {" in text else b"")
    for name, content in message_parse_extras(packed).items():
        write(folder, name[len("seed-"):], content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
