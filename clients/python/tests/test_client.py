"""Tests of the w2w Python client against the real w2w-server (server_process.py).

Run: PYTHONPATH=clients/python /usr/bin/python3 -m unittest discover -s clients/python/tests -v
(ctest runs it as python_client_test, label integration).
"""
import os
import subprocess
import tempfile
import unittest

import w2w
from w2w.v1 import common_pb2, rematch_pb2, vacancy_pb2

from server_process import ServerProcess, reference_dir, server_binary

WELDER = "7212.3"  # ESCO: welder.
EMPLOYER = "emp-bankrupt"  # The employer whose people are rematched.

# One vacancy in Enschede for a welder in metalektro that requires VCA-BASIS.
VACANCY = {"id": "v-weld", "employer_id": "emp-hiring", "municipality": "Enschede",
           "sector": "ME", "trade": WELDER, "required_qualifications": "VCA-BASIS",
           "positions": 2, "status": "open", "title": "TIG-lasser RVS", "source": "test"}

# Candidates for it, from best to never shown.
BEST = dict(id="c-best", municipality="Enschede", sector="ME", trades=[(WELDER, 15)],
            qualifications=["VCA-BASIS"], employer_id=EMPLOYER, status="bankrupt_employer",
            willing_to_retrain=True)
# Another sector, a town further, fewer years, and VCA-BASIS must be obtained first.
SECOND = dict(id="c-second", municipality="Hengelo", sector="INST", trades=f"{WELDER}:3",
              employer_id=EMPLOYER, status="bankrupt_employer", willing_to_retrain=True)
# Lacks the required qualification and will not retrain: excluded.
UNWILLING = dict(id="c-unwilling", municipality="Enschede", sector="ME",
                 trades=[(WELDER, 10)], employer_id=EMPLOYER, status="bankrupt_employer",
                 willing_to_retrain=False)
# Placed people are never matched (and are skipped by a rematch).
PLACED = dict(id="c-placed", municipality="Enschede", sector="ME", trades=[(WELDER, 20)],
              qualifications=["VCA-BASIS"], employer_id=EMPLOYER, status="placed")
# 230 km away with the default reach of 50 km: excluded.
FAR = dict(id="c-far", municipality="Maastricht", sector="ME", trades=[(WELDER, 15)],
           qualifications=["VCA-BASIS"], employer_id="emp-other", status="unemployed")
CANDIDATES = (BEST, SECOND, UNWILLING, PLACED, FAR)

CSV_HEADER = ("id,employer_id,region,municipality,sector,trade,required_qualifications,"
              "preferred_qualifications,positions,hard_to_fill,status,expires_at,starts_at,"
              "title,source")


class ServerTest(unittest.TestCase):
    """Each test gets its own server on a fresh data folder (about 0.3 s to start)."""

    tls = False

    def setUp(self):
        self.server = ServerProcess(tls=self.tls)
        self.addCleanup(self.server.stop)
        self.client = self.server.client()
        self.addCleanup(self.client.close)

    def seed(self):
        summary = self.client.push_vacancies([VACANCY])
        self.assertEqual((summary.committed, summary.rejected), (1, 0), summary)
        for candidate in CANDIDATES:
            self.assertTrue(self.client.upsert_candidate(candidate).changed)


class RecordsTest(ServerTest):
    def test_push_vacancies_from_a_list_reports_rejects_by_index(self):
        good = dict(VACANCY, id="v-2", title="Lasser")
        message = vacancy_pb2.Vacancy(id="v-3", employer_id="emp-hiring", region="Twente",
                                      sector=common_pb2.SECTOR_ME, trade=WELDER)
        bad = dict(VACANCY, id="v-bad", trade="9999.9")
        summary = self.client.push_vacancies([VACANCY, good, bad, message], batch_size=2)
        self.assertEqual(summary.received, 4)
        self.assertEqual(summary.committed, 3)
        self.assertEqual(summary.rejected, 1)
        self.assertEqual(summary.errors[0].index, 2)
        self.assertEqual(summary.errors[0].id, "v-bad")
        self.assertEqual(summary.errors[0].code, "INVALID_ARGUMENT")
        self.assertIn("trade", summary.errors[0].field)
        stored = self.client.get_vacancy("v-3")
        self.assertEqual(stored.region, "Twente")
        self.assertEqual(stored.status, common_pb2.VACANCY_STATUS_OPEN)
        # The same content again is no write (idempotent).
        again = self.client.push_vacancies([VACANCY])
        self.assertEqual((again.committed, again.unchanged), (0, 1))

    def test_push_vacancies_from_csv(self):
        path = os.path.join(self.server.root, "vacancies.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(CSV_HEADER + "\n")
            f.write('v-csv-1,emp-1,Twente,Hengelo,ME,7212.3,VCA-BASIS|VCA-VOL,NEN3140-VOP,3,'
                    'true,open,2027-06-30,,"Lasser, ""TIG"" RVS",uwv\n')
            f.write("\n")  # Empty lines are skipped.
            f.write("v-csv-2,emp-1,9,,INST,7212.3,,,,false,closed,,2027-01-04,Monteur,uwv\n")
        summary = self.client.push_vacancies(path)
        self.assertEqual((summary.received, summary.committed, summary.rejected), (2, 2, 0),
                         summary)
        first = self.client.get_vacancy("v-csv-1")
        self.assertEqual(first.title, 'Lasser, "TIG" RVS')
        self.assertEqual(list(first.required_qualifications), ["VCA-BASIS", "VCA-VOL"])
        self.assertEqual(list(first.preferred_qualifications), ["NEN3140-VOP"])
        self.assertEqual((first.positions, first.hard_to_fill), (3, True))
        self.assertEqual((first.municipality, first.region), ("Hengelo", "Twente"))
        self.assertEqual(first.expires_at, "2027-06-30")
        self.assertEqual(first.sector, common_pb2.SECTOR_ME)
        second = self.client.get_vacancy("v-csv-2")
        self.assertEqual(second.status, common_pb2.VACANCY_STATUS_CLOSED)
        self.assertEqual(second.region, "Twente")  # Region 9, canonical name.
        self.assertEqual(second.sector, common_pb2.SECTOR_INST)

    def test_malformed_csv_row_stops_before_it_and_names_the_line(self):
        path = os.path.join(self.server.root, "bad.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(CSV_HEADER + "\n")
            f.write("v-ok,emp-1,Twente,,ME,7212.3,,,1,false,open,,,Lasser,\n")
            f.write("v-no,emp-1,Twente,,METAL,7212.3,,,1,false,open,,,Lasser,\n")
        with self.assertRaises(ValueError) as raised:
            self.client.push_vacancies(path)
        self.assertIn("bad.csv:3", str(raised.exception))
        self.assertIn("sector", str(raised.exception))
        self.assertEqual(raised.exception.summary.committed, 1)
        self.assertEqual(self.client.get_vacancy("v-ok").title, "Lasser")

    def test_unknown_csv_column_is_refused(self):
        path = os.path.join(self.server.root, "odd.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("id,employer,trade\nv-1,emp,7212.3\n")
        with self.assertRaisesRegex(ValueError, "unknown column 'employer'"):
            self.client.push_vacancies(path)

    def test_upsert_and_get_candidate(self):
        response = self.client.upsert_candidate(BEST, max_travel_km=40)
        self.assertTrue(response.changed)
        self.assertEqual(response.candidate.version, 1)
        self.assertEqual(response.candidate.region, "Twente")  # From the municipality.
        stored = self.client.get_candidate("c-best")
        self.assertEqual(stored.max_travel_km, 40)
        self.assertEqual(stored.status, common_pb2.CANDIDATE_STATUS_BANKRUPT_EMPLOYER)
        self.assertEqual([t.years for t in stored.trades], [15])
        self.assertEqual(list(stored.qualifications), ["VCA-BASIS"])
        # A stale version is refused.
        with self.assertRaises(w2w.Error) as raised:
            self.client.upsert_candidate(BEST, version=7)
        self.assertEqual(raised.exception.code, "ABORTED")

    def test_invalid_argument_names_the_field(self):
        with self.assertRaises(w2w.Error) as raised:
            self.client.upsert_candidate(BEST, trades=[("9999.9", 1)])
        error = raised.exception
        self.assertEqual(error.code, "INVALID_ARGUMENT")
        self.assertTrue(error.details.startswith("candidate.trades[0].code"), error.details)
        self.assertIsInstance(error, Exception)

    def test_unknown_id_is_not_found(self):
        with self.assertRaises(w2w.Error) as raised:
            self.client.get_vacancy("v-nobody")
        self.assertEqual(raised.exception.code, "NOT_FOUND")

    def test_datagen_csv_files_import_whole(self):
        datagen = os.environ.get("W2W_DATAGEN_BIN") or os.path.join(
            os.path.dirname(os.path.dirname(server_binary())), "clients", "w2w-datagen")
        if not os.access(datagen, os.X_OK):
            self.skipTest(f"no w2w-datagen at {datagen}")
        out = os.path.join(self.server.root, "demo")
        subprocess.run([datagen, "--candidates", "300", "--vacancies", "60", "--seed", "7",
                        "--out", out, "--format", "csv", "--today", "2026-01-01",
                        "--data_dir", reference_dir()], check=True, capture_output=True)
        vacancies = self.client.push_vacancies(os.path.join(out, "vacancies.csv"))
        self.assertEqual((vacancies.received, vacancies.rejected), (60, 0), vacancies.errors)
        candidates = self.client.import_candidates(os.path.join(out, "candidates.csv"))
        self.assertEqual((candidates.received, candidates.rejected), (300, 0),
                         candidates.errors)


class MatchTest(ServerTest):
    def setUp(self):
        super().setUp()
        self.seed()

    def test_shortlist_ranks_the_right_candidate_first(self):
        matches = self.client.shortlist("v-weld", k=10)
        self.assertEqual([m.candidate_id for m in matches], ["c-best", "c-second"])
        scores = [m.score for m in matches]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertGreater(scores[0], scores[1])
        self.assertTrue(0 < scores[1] < scores[0] <= 1)
        for match in matches:
            self.assertTrue(match.explanation.reasons, match)
            parts = match.explanation
            total = sum(c.contribution for c in (parts.trade, parts.sector,
                                                 parts.qualifications, parts.distance,
                                                 parts.availability, parts.urgency))
            self.assertAlmostEqual(total, match.score, places=4)
        best, second = matches
        self.assertEqual(best.explanation.distance_km, 0)
        self.assertEqual(list(best.explanation.missing), [])
        self.assertEqual([s.qualification for s in second.explanation.missing], ["VCA-BASIS"])
        self.assertGreater(second.explanation.distance_km, 0)
        self.assertEqual(second.sector, common_pb2.SECTOR_INST)

    def test_shortlist_filters(self):
        only_inst = self.client.shortlist("v-weld", sectors=["INST"])
        self.assertEqual([m.candidate_id for m in only_inst], ["c-second"])
        no_retraining = self.client.shortlist("v-weld", k=1)
        self.assertEqual([m.candidate_id for m in no_retraining], ["c-best"])

    def test_match_candidate(self):
        matches = self.client.match_candidate("c-best", k=5)
        self.assertEqual([m.vacancy_id for m in matches], ["v-weld"])
        self.assertEqual(matches[0].title, "TIG-lasser RVS")
        self.assertEqual(matches[0].score, self.client.shortlist("v-weld")[0].score)

    def test_explain(self):
        best = self.client.explain("v-weld", "c-best")
        self.assertFalse(best.excluded)
        self.assertEqual(best.score, self.client.shortlist("v-weld", k=1)[0].score)
        self.assertTrue(best.explanation.reasons)
        unwilling = self.client.explain("v-weld", "c-unwilling")
        self.assertTrue(unwilling.excluded)
        self.assertEqual(unwilling.score, 0)
        self.assertTrue(unwilling.exclusion_reason)
        far = self.client.explain("v-weld", "c-far")
        self.assertTrue(far.excluded)
        self.assertIn("km", far.exclusion_reason)

    def test_language_changes_the_texts_only(self):
        dutch = self.client.shortlist("v-weld", k=10, language="nl")
        english = self.client.shortlist("v-weld", k=10, language="en")
        default = self.client.shortlist("v-weld", k=10)
        self.assertEqual([(m.candidate_id, m.score) for m in dutch],
                         [(m.candidate_id, m.score) for m in english])
        self.assertEqual([list(m.explanation.reasons) for m in default],
                         [list(m.explanation.reasons) for m in english], "the default is English")
        for nl, en in zip(dutch, english):
            self.assertNotEqual(list(nl.explanation.reasons), list(en.explanation.reasons))
        self.assertTrue(dutch[0].explanation.reasons[0].startswith("zelfde beroep"), dutch[0])
        self.assertTrue(english[0].explanation.reasons[0].startswith("same trade"), english[0])
        vacancies = self.client.match_candidate("c-best", language="LANGUAGE_NL")
        self.assertTrue(vacancies[0].explanation.reasons[0].startswith("zelfde beroep"))
        far = self.client.explain("v-weld", "c-far", language="nl")
        self.assertTrue(far.exclusion_reason.startswith("afstand "), far.exclusion_reason)
        self.assertEqual(far.language, common_pb2.LANGUAGE_NL)
        with self.assertRaises(ValueError):
            self.client.shortlist("v-weld", language="fr")

    def test_bad_k_is_invalid_argument_naming_the_field(self):
        with self.assertRaises(w2w.Error) as raised:
            self.client.shortlist("v-weld", k=5000)
        self.assertEqual(raised.exception.code, "INVALID_ARGUMENT")
        self.assertEqual(raised.exception.status.name, "INVALID_ARGUMENT")
        self.assertIn("k", raised.exception.details.split(":")[0])
        self.assertIn("1000", raised.exception.details)

    def test_rematch_follows_the_stream(self):
        seen = []
        results = []
        run = self.client.rematch(employer_id=EMPLOYER, k=3, label="Faillissement",
                                  progress=seen.append, on_result=results.append)
        self.assertTrue(seen, "progress was never called")
        self.assertEqual(seen[0].phase, "scoring")
        self.assertEqual(seen[0].total, 3)  # The people rematched: c-placed is skipped.
        self.assertTrue({p.phase for p in seen} <= {"scoring", "assigning", "summarising"})
        self.assertEqual((run.progress.done, run.progress.total), (3, 3))
        self.assertTrue(run.run_id)
        self.assertEqual(run.state, rematch_pb2.REMATCH_STATE_FINISHED)
        self.assertEqual(run.options.label, "Faillissement")
        summary = run.summary
        # c-best, c-second, c-unwilling are rematched; c-placed is skipped.
        self.assertEqual(summary.skipped, 1)
        self.assertEqual(summary.placeable_now, 1)
        self.assertEqual(summary.placeable_after_retraining, 1)
        self.assertEqual(summary.not_placeable, 1)
        self.assertEqual(sorted(r.candidate_id for r in run.results),
                         ["c-best", "c-second", "c-unwilling"])
        self.assertEqual(list(run.results), results)
        by_id = {r.candidate_id: r for r in run.results}
        self.assertEqual(by_id["c-best"].placement, rematch_pb2.PLACEMENT_NOW)
        self.assertEqual(by_id["c-best"].assigned.vacancy_id, "v-weld")
        self.assertEqual(by_id["c-second"].placement, rematch_pb2.PLACEMENT_AFTER_RETRAINING)
        self.assertEqual(by_id["c-unwilling"].placement, rematch_pb2.PLACEMENT_NOT_PLACEABLE)
        self.assertEqual([d.qualification for d in summary.retraining_demand], ["VCA-BASIS"])
        # The server knows the run by the same id.
        stored = self.client.stubs.RematchService.GetRematch(
            rematch_pb2.GetRematchRequest(run_id=run.run_id))
        self.assertEqual(stored.state, rematch_pb2.REMATCH_STATE_FINISHED)
        self.assertEqual(stored.summary, summary)
        self.assertEqual(stored.progress.done, run.progress.done)

    def test_group_rematch_is_exact(self):
        run = self.client.rematch(candidate_ids=["c-best", "c-second", "c-far"], mode="group",
                                  keep_results=False)
        self.assertEqual(len(run.results), 0)
        self.assertEqual(run.options.mode, rematch_pb2.REMATCH_MODE_GROUP)
        self.assertTrue(run.summary.exact)
        # Two seats: c-best and c-second both get one; c-far is beyond reach.
        self.assertEqual((run.summary.placeable_now, run.summary.placeable_after_retraining,
                          run.summary.not_placeable), (1, 1, 1))
        self.assertAlmostEqual(run.summary.total_score,
                               sum(m.score for m in self.client.shortlist("v-weld")), places=5)

    def test_rematch_needs_one_selection(self):
        with self.assertRaises(ValueError):
            self.client.rematch()
        with self.assertRaises(ValueError):
            self.client.rematch(employer_id=EMPLOYER, regions=["Twente"])


class AuthTest(ServerTest):
    def test_wrong_token_is_unauthenticated(self):
        with self.server.client(token="not-a-token") as client:
            with self.assertRaises(w2w.Error) as raised:
                client.shortlist("v-weld")
        self.assertEqual(raised.exception.code, "UNAUTHENTICATED")
        with self.server.client(token="") as client:
            with self.assertRaises(w2w.Error) as raised:
                client.whoami()
        self.assertEqual(raised.exception.code, "UNAUTHENTICATED")

    def test_token_from_file_and_environment(self):
        token_file = os.path.join(self.server.data_dir, "admin.token")
        with w2w.connect(self.server.address, token_file=token_file, ca_file="") as client:
            self.assertEqual(client.whoami().token.role, 1)  # ROLE_ADMIN
        old = os.environ.get("W2W_TOKEN")
        os.environ["W2W_TOKEN"] = self.server.admin_token
        try:
            with w2w.connect(self.server.address, ca_file="") as client:
                self.assertEqual(client.whoami().token.name, self.client.whoami().token.name)
        finally:
            if old is None:
                del os.environ["W2W_TOKEN"]
            else:
                os.environ["W2W_TOKEN"] = old


class TlsTest(ServerTest):
    tls = True

    def test_tls_with_ca_file(self):
        self.assertTrue(self.server.ca_file)
        self.assertEqual(self.client.whoami().token.role, 1)  # ROLE_ADMIN
        self.seed()
        self.assertEqual(self.client.shortlist("v-weld", k=1)[0].candidate_id, "c-best")

    def test_plaintext_to_a_tls_server_fails(self):
        with self.server.client(ca_file="", timeout=5) as client:
            with self.assertRaises(w2w.Error) as raised:
                client.whoami()
        self.assertEqual(raised.exception.code, "UNAVAILABLE")

    def test_untrusted_certificate_fails(self):
        other = tempfile.mkdtemp(dir=self.server.root)
        cert = os.path.join(other, "other.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                        "/CN=other", "-keyout", os.path.join(other, "other.key"), "-out",
                        cert], check=True, capture_output=True)
        with self.server.client(ca_file=cert, timeout=5) as client:
            with self.assertRaises(w2w.Error) as raised:
                client.whoami()
        self.assertEqual(raised.exception.code, "UNAVAILABLE")


if __name__ == "__main__":
    unittest.main()
