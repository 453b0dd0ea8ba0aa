// Engine facade, records: upsert/get/version/idempotence/delete/close, paged and
// filtered lists, streamed imports, and everything surviving a reopen. Real RocksDB in a
// temporary folder, real taxonomy from data/, real matcher.
#include <algorithm>
#include <atomic>
#include <thread>
#include <string>
#include <vector>

#include "engine/common/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::testing_engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> Ids(const v1::ListCandidatesResponse& r) {
  std::vector<std::string> ids;
  for (const auto& c : r.candidates()) ids.push_back(c.id());
  return ids;
}

using EngineRecordsTest = EngineTest;

TEST_F(EngineRecordsTest, UpsertCanonicalisesStoresAndGets) {
  auto written = engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1", "9"));  // Region by number.
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_TRUE(written->changed);
  EXPECT_EQ(written->candidate.version(), 1u);
  EXPECT_FALSE(written->candidate.updated_at().empty());
  EXPECT_EQ(written->candidate.region(), "Twente");
  EXPECT_EQ(written->candidate.trades(0).code(), kWelderId);

  auto got = engine_->GetCandidate(::w2w::access::Caller::System(), "c1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->SerializeAsString(), written->candidate.SerializeAsString());
  EXPECT_EQ(engine_->Info().candidates(), 1u);
}

TEST_F(EngineRecordsTest, SameContentIsIdempotentAndChangesBumpTheVersion) {
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
  // The same content (even given by code instead of UUID) writes nothing.
  auto again = engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->candidate.version(), 1u);
  v1::Candidate by_uuid = MakeCandidate("c1", "Twente", kWelderId);
  again = engine_->UpsertCandidate(::w2w::access::Caller::System(), by_uuid);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);

  v1::Candidate changed = MakeCandidate("c1");
  changed.set_max_travel_km(80);
  auto second = engine_->UpsertCandidate(::w2w::access::Caller::System(), changed);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->changed);
  EXPECT_EQ(second->candidate.version(), 2u);
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "c1")->max_travel_km(), 80u);
}

TEST_F(EngineRecordsTest, OptimisticVersions) {
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
  v1::Candidate update = MakeCandidate("c1");
  update.set_max_travel_km(20);
  update.set_version(1);
  auto ok = engine_->UpsertCandidate(::w2w::access::Caller::System(), update);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->candidate.version(), 2u);

  update.set_max_travel_km(30);  // Still says version 1: somebody else wrote version 2.
  auto stale = engine_->UpsertCandidate(::w2w::access::Caller::System(), update);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(), "candidate.version: stale version 1, stored version 2");
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "c1")->max_travel_km(), 20u);

  v1::Candidate absent = MakeCandidate("nobody");
  absent.set_version(3);
  EXPECT_EQ(engine_->UpsertCandidate(::w2w::access::Caller::System(), absent).status().code(), absl::StatusCode::kNotFound);

  v1::Vacancy vacancy = MakeVacancy("v1");
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), vacancy).ok());
  vacancy.set_version(7);
  auto stale_vacancy = engine_->UpsertVacancy(::w2w::access::Caller::System(), vacancy);
  EXPECT_EQ(stale_vacancy.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(stale_vacancy.status().message()), StartsWith("vacancy.version: stale version 7"));
}

TEST_F(EngineRecordsTest, InvalidInputNamesTheFieldAndWritesNothing) {
  v1::Candidate bad = MakeCandidate("c1");
  bad.mutable_trades(0)->set_code("no-such-trade");
  auto result = engine_->UpsertCandidate(::w2w::access::Caller::System(), bad);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), StartsWith("candidate.trades[0]"));
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "c1").status().code(), absl::StatusCode::kNotFound);

  v1::Vacancy no_trade = MakeVacancy("v1");
  no_trade.clear_trade();
  auto vresult = engine_->UpsertVacancy(::w2w::access::Caller::System(), no_trade);
  EXPECT_EQ(vresult.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(vresult.status().message()), StartsWith("vacancy.trade"));
}

TEST_F(EngineRecordsTest, GetAndDelete) {
  auto missing = engine_->GetCandidate(::w2w::access::Caller::System(), "nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "candidate 'nope' not found");
  EXPECT_EQ(engine_->GetVacancy(::w2w::access::Caller::System(), "").status().code(), absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
  auto stale = engine_->DeleteCandidate(::w2w::access::Caller::System(), "c1", 5);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  auto deleted = engine_->DeleteCandidate(::w2w::access::Caller::System(), "c1", 1);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "c1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->DeleteCandidate(::w2w::access::Caller::System(), "c1", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Info().candidates(), 0u);

  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v1")).ok());
  auto vdeleted = engine_->DeleteVacancy(::w2w::access::Caller::System(), "v1", 0);
  ASSERT_TRUE(vdeleted.ok());
  EXPECT_EQ(*vdeleted, 1u);
  EXPECT_EQ(engine_->GetVacancy(::w2w::access::Caller::System(), "v1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Info().vacancies(), 0u);

  // A re-created record continues the version sequence (engine_tombstones_test.cc).
  auto again = engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->candidate.version(), 2u);
}

TEST_F(EngineRecordsTest, CloseVacancy) {
  auto written = engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v1"));
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->vacancy.status(), v1::VACANCY_STATUS_OPEN);  // UNSPECIFIED is stored as OPEN.
  EXPECT_EQ(engine_->Info().open_vacancies(), 1u);

  v1::CloseVacancyRequest request;
  request.set_id("v1");
  request.set_status(v1::VACANCY_STATUS_OPEN);
  auto open = engine_->CloseVacancy(::w2w::access::Caller::System(), request);
  EXPECT_EQ(open.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(open.status().message()), StartsWith("status"));

  request.set_status(v1::VACANCY_STATUS_UNSPECIFIED);
  request.set_expected_version(4);
  EXPECT_EQ(engine_->CloseVacancy(::w2w::access::Caller::System(), request).status().code(), absl::StatusCode::kAborted);
  request.set_expected_version(1);
  auto closed = engine_->CloseVacancy(::w2w::access::Caller::System(), request);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->status(), v1::VACANCY_STATUS_CLOSED);
  EXPECT_EQ(closed->version(), 2u);
  EXPECT_EQ(engine_->Info().open_vacancies(), 0u);
  EXPECT_EQ(engine_->Info().vacancies(), 1u);

  request.set_expected_version(0);
  auto again = engine_->CloseVacancy(::w2w::access::Caller::System(), request);  // Same status: a no-op.
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version(), 2u);

  request.set_status(v1::VACANCY_STATUS_FILLED);
  auto filled = engine_->CloseVacancy(::w2w::access::Caller::System(), request);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled->version(), 3u);
  EXPECT_EQ(engine_->GetVacancy(::w2w::access::Caller::System(), "v1")->status(), v1::VACANCY_STATUS_FILLED);

  request.set_id("other");
  EXPECT_EQ(engine_->CloseVacancy(::w2w::access::Caller::System(), request).status().code(), absl::StatusCode::kNotFound);

  v1::ShortlistRequest shortlist;
  shortlist.set_vacancy_id("v1");
  auto refused = engine_->Shortlist(::w2w::access::Caller::System(), shortlist);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("vacancy 'v1' is closed"));
}

TEST_F(EngineRecordsTest, ListPagesInIdOrder) {
  for (int i = 24; i >= 0; --i) {
    const std::string id = (i < 10 ? "c0" : "c") + std::to_string(i);
    ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate(id)).ok());
  }
  v1::ListCandidatesRequest request;
  request.set_page_size(10);
  std::vector<std::string> all;
  int pages = 0;
  do {
    auto page = engine_->ListCandidates(::w2w::access::Caller::System(), request);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& c : page->candidates()) all.push_back(c.id());
    EXPECT_LE(page->candidates_size(), 10);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 25u);
  EXPECT_EQ(all.front(), "c00");
  EXPECT_EQ(all.back(), "c24");
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));

  v1::ListCandidatesRequest defaults;  // page_size 0 = 100: everything, no token.
  auto one = engine_->ListCandidates(::w2w::access::Caller::System(), defaults);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->candidates_size(), 25);
  EXPECT_EQ(one->scanned(), 25u);
  EXPECT_TRUE(one->next_page_token().empty());

  v1::ListCandidatesRequest too_big;
  too_big.set_page_size(1001);
  auto refused = engine_->ListCandidates(::w2w::access::Caller::System(), too_big);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), StartsWith("page_size"));

  v1::ListCandidatesRequest bad_token;
  bad_token.set_page_token("%%%");
  auto bad = engine_->ListCandidates(::w2w::access::Caller::System(), bad_token);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), StartsWith("page_token"));
}

TEST_F(EngineRecordsTest, ListFilters) {
  v1::Candidate a = MakeCandidate("a", "Twente");
  v1::Candidate b = MakeCandidate("b", "Zuidoost-Brabant", kElectricianCode);
  b.set_sector(v1::SECTOR_INST);
  b.set_employer_id("employer-9");
  v1::Candidate c = MakeCandidate("c", "Twente", kElectricianCode);
  c.set_status(v1::CANDIDATE_STATUS_UNEMPLOYED);
  for (const auto& x : {a, b, c}) ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), x).ok());

  auto list = [&](auto fill) {
    v1::ListCandidatesRequest request;
    fill(request);
    auto response = engine_->ListCandidates(::w2w::access::Caller::System(), request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? Ids(*response) : std::vector<std::string>{"<error>"};
  };
  using R = v1::ListCandidatesRequest;
  EXPECT_THAT(list([](R& r) { r.set_region("twente"); }), ElementsAre("a", "c"));
  EXPECT_THAT(list([](R& r) { r.set_region("Eindhoven"); }), ElementsAre("b"));  // Municipality.
  EXPECT_THAT(list([](R& r) { r.set_sector(v1::SECTOR_INST); }), ElementsAre("b"));
  EXPECT_THAT(list([](R& r) { r.set_trade(kElectricianCode); }), ElementsAre("b", "c"));
  EXPECT_THAT(list([](R& r) { r.set_trade(kWelderId); }), ElementsAre("a"));
  EXPECT_THAT(list([](R& r) { r.set_status(v1::CANDIDATE_STATUS_UNEMPLOYED); }), ElementsAre("c"));
  EXPECT_THAT(list([](R& r) { r.set_employer_id("employer-9"); }), ElementsAre("b"));
  EXPECT_THAT(list([](R& r) {
                r.set_region("Twente");
                r.set_trade(kElectricianCode);
              }),
              ElementsAre("c"));

  v1::ListCandidatesRequest unknown_region;
  unknown_region.set_region("Atlantis");
  auto refused = engine_->ListCandidates(::w2w::access::Caller::System(), unknown_region);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), StartsWith("region"));
  v1::ListCandidatesRequest unknown_trade;
  unknown_trade.set_trade("9999.9");
  refused = engine_->ListCandidates(::w2w::access::Caller::System(), unknown_trade);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), StartsWith("trade"));

  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v1", "Twente")).ok());
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v2", "Zuidoost-Brabant", kElectricianCode)).ok());
  v1::CloseVacancyRequest close;
  close.set_id("v2");
  ASSERT_TRUE(engine_->CloseVacancy(::w2w::access::Caller::System(), close).ok());
  v1::ListVacanciesRequest vrequest;
  vrequest.set_status(v1::VACANCY_STATUS_OPEN);
  auto open = engine_->ListVacancies(::w2w::access::Caller::System(), vrequest);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->vacancies_size(), 1);
  EXPECT_EQ(open->vacancies(0).id(), "v1");
  vrequest.Clear();
  vrequest.set_trade(kElectricianCode);
  auto by_trade = engine_->ListVacancies(::w2w::access::Caller::System(), vrequest);
  ASSERT_TRUE(by_trade.ok());
  ASSERT_EQ(by_trade->vacancies_size(), 1);
  EXPECT_EQ(by_trade->vacancies(0).id(), "v2");
}

TEST_F(EngineRecordsTest, ImporterCommitsInBatchesAndReportsItemErrors) {
  // Batch size 3 (fixture): items 0-2, 3-5, 6-7.
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("existing")).ok());
  auto importer = engine_->NewCandidateImporter(::w2w::access::Caller::System());
  v1::Candidate bad_trade = MakeCandidate("bad");
  bad_trade.mutable_trades(0)->set_code("nope");
  v1::Candidate stale = MakeCandidate("existing");
  stale.set_max_travel_km(10);
  stale.set_version(9);
  v1::Candidate dup_later = MakeCandidate("i1");
  dup_later.set_max_travel_km(99);
  std::vector<v1::Candidate> items = {
      MakeCandidate("i0"),  // 0
      MakeCandidate("i1"),  // 1
      bad_trade,            // 2: rejected (INVALID_ARGUMENT)
      dup_later,            // 3: supersedes item 1 (other batch: a second version)
      stale,                // 4: rejected (ABORTED)
      MakeCandidate("existing"),  // 5: unchanged
      MakeCandidate("i6"),  // 6
      MakeCandidate("i6"),  // 7: same content as 6 in the same batch: unchanged
  };
  for (auto& item : items) ASSERT_TRUE(importer->Add(item).ok());
  EXPECT_EQ(importer->summary().committed(), 3u);  // Two full batches so far: i0, i1, i1.
  EXPECT_EQ(importer->summary().batches(), 2u);
  auto summary = importer->Finish();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->received(), 8u);
  EXPECT_EQ(summary->committed(), 4u);
  EXPECT_EQ(summary->unchanged(), 2u);
  EXPECT_EQ(summary->rejected(), 2u);
  EXPECT_EQ(summary->batches(), 3u);
  ASSERT_EQ(summary->errors_size(), 2);
  EXPECT_EQ(summary->errors(0).index(), 2u);
  EXPECT_EQ(summary->errors(0).id(), "bad");
  EXPECT_THAT(summary->errors(0).field(), StartsWith("trades[0]"));
  EXPECT_EQ(summary->errors(0).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(summary->errors(1).index(), 4u);
  EXPECT_EQ(summary->errors(1).field(), "version");
  EXPECT_EQ(summary->errors(1).code(), "ABORTED");

  // A version on a record that does not exist: NOT_FOUND, naming the version field.
  auto second = engine_->NewCandidateImporter(::w2w::access::Caller::System());
  v1::Candidate ghost = MakeCandidate("ghost");
  ghost.set_version(2);
  ASSERT_TRUE(second->Add(ghost).ok());
  auto second_summary = second->Finish();
  ASSERT_TRUE(second_summary.ok());
  ASSERT_EQ(second_summary->errors_size(), 1);
  EXPECT_EQ(second_summary->errors(0).code(), "NOT_FOUND");
  EXPECT_EQ(second_summary->errors(0).field(), "version");
  EXPECT_EQ(second_summary->batches(), 0u);  // Nothing to write: no batch used.

  auto i1 = engine_->GetCandidate(::w2w::access::Caller::System(), "i1");
  ASSERT_TRUE(i1.ok());
  EXPECT_EQ(i1->version(), 2u);
  EXPECT_EQ(i1->max_travel_km(), 99u);
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "i6")->version(), 1u);
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "existing")->version(), 1u);
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "bad").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Info().candidates(), 4u);

  // Wrong record type for the stream.
  EXPECT_FALSE(importer->Add(MakeVacancy("v")).ok());
}

TEST_F(EngineRecordsTest, ImporterSupersedesWithinABatchAndChecksVersionsInOrder) {
  options_.import_batch_size = 10;
  Reopen();
  auto importer = engine_->NewVacancyImporter(::w2w::access::Caller::System());
  v1::Vacancy first = MakeVacancy("v1");
  v1::Vacancy second = MakeVacancy("v1");
  second.set_positions(4);
  second.set_version(1);  // Refers to the version the first item creates.
  ASSERT_TRUE(importer->Add(first).ok());
  ASSERT_TRUE(importer->Add(second).ok());
  auto summary = importer->Finish();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->committed(), 2u);
  EXPECT_EQ(summary->rejected(), 0u);
  EXPECT_EQ(summary->batches(), 1u);
  auto stored = engine_->GetVacancy(::w2w::access::Caller::System(), "v1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version(), 2u);
  EXPECT_EQ(stored->positions(), 4u);
  EXPECT_EQ(engine_->Info().vacancies(), 1u);
}

TEST_F(EngineRecordsTest, ImporterListsAtMostAThousandErrorsButCountsAll) {
  options_.import_batch_size = 500;
  Reopen();
  auto importer = engine_->NewCandidateImporter(::w2w::access::Caller::System());
  v1::Candidate bad = MakeCandidate("");
  for (int i = 0; i < 1200; ++i) ASSERT_TRUE(importer->Add(bad).ok());
  auto summary = importer->Finish();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->rejected(), 1200u);
  EXPECT_EQ(summary->errors_size(), 1000);
  EXPECT_EQ(summary->errors(999).index(), 999u);
  EXPECT_EQ(summary->errors(0).field(), "id");
  EXPECT_EQ(summary->committed(), 0u);
}

TEST_F(EngineRecordsTest, DiskReserveRefusesWritesAndImports) {
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
  options_.store.disk_reserve_bytes = ~0ull >> 1;
  Reopen();
  EXPECT_EQ(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c2")).status().code(),
            absl::StatusCode::kResourceExhausted);
  auto importer = engine_->NewCandidateImporter(::w2w::access::Caller::System());
  absl::Status stream;
  for (int i = 0; i < 3 && stream.ok(); ++i) {
    stream = importer->Add(MakeCandidate("i" + std::to_string(i)));
  }
  EXPECT_EQ(stream.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(importer->Finish().status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(importer->summary().committed(), 0u);
  // Reads still work.
  EXPECT_TRUE(engine_->GetCandidate(::w2w::access::Caller::System(), "c1").ok());
  EXPECT_EQ(engine_->Info().disk_reserve_bytes(), ~0ull >> 1);
}

TEST_F(EngineRecordsTest, ReopenRestoresRecordsAndIndex) {
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c2", "Zuidoost-Brabant")).ok());
  ASSERT_TRUE(engine_->DeleteCandidate(::w2w::access::Caller::System(), "c2", 0).ok());
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v1")).ok());
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v2")).ok());
  v1::CloseVacancyRequest close;
  close.set_id("v2");
  ASSERT_TRUE(engine_->CloseVacancy(::w2w::access::Caller::System(), close).ok());
  const std::string c1 = engine_->GetCandidate(::w2w::access::Caller::System(), "c1")->SerializeAsString();

  Reopen();
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "c1")->SerializeAsString(), c1);
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "c2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetVacancy(::w2w::access::Caller::System(), "v2")->status(), v1::VACANCY_STATUS_CLOSED);
  v1::ServerInfo info = engine_->Info();
  EXPECT_EQ(info.candidates(), 1u);
  EXPECT_EQ(info.vacancies(), 2u);
  EXPECT_EQ(info.open_vacancies(), 1u);
  EXPECT_GE(info.startup_rebuild_seconds(), 0.0);
  EXPECT_EQ(info.data_dir(), options_.store.path);
  EXPECT_FALSE(info.sync_writes());
  // The rebuilt index answers queries about the stored records.
  v1::ShortlistRequest shortlist;
  shortlist.set_vacancy_id("v1");
  EXPECT_TRUE(engine_->Shortlist(::w2w::access::Caller::System(), shortlist).ok());
  EXPECT_TRUE(engine_->Flush().ok());
}

TEST_F(EngineRecordsTest, SyncWritesIsReported) {
  options_.store.sync_writes = true;
  Reopen();
  EXPECT_TRUE(engine_->Info().sync_writes());
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
}

TEST_F(EngineRecordsTest, MatchingResolvesTargets) {
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
  v1::Candidate placed = MakeCandidate("placed");
  placed.set_status(v1::CANDIDATE_STATUS_PLACED);
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), placed).ok());
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v1")).ok());

  v1::MatchCandidateRequest match;
  match.set_candidate_id("placed");
  EXPECT_EQ(engine_->MatchCandidate(::w2w::access::Caller::System(), match).status().code(), absl::StatusCode::kFailedPrecondition);
  match.set_candidate_id("ghost");
  EXPECT_EQ(engine_->MatchCandidate(::w2w::access::Caller::System(), match).status().code(), absl::StatusCode::kNotFound);
  match.set_candidate_id("c1");
  EXPECT_TRUE(engine_->MatchCandidate(::w2w::access::Caller::System(), match).ok());
  v1::MatchCandidateRequest empty;
  EXPECT_EQ(engine_->MatchCandidate(::w2w::access::Caller::System(), empty).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ShortlistRequest inline_request;
  v1::Vacancy inline_vacancy = MakeVacancy("");
  *inline_request.mutable_vacancy() = inline_vacancy;
  EXPECT_TRUE(engine_->Shortlist(::w2w::access::Caller::System(), inline_request).ok());
  inline_request.mutable_vacancy()->set_trade("bogus");
  auto bad = engine_->Shortlist(::w2w::access::Caller::System(), inline_request);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), StartsWith("vacancy.trade"));
  EXPECT_EQ(engine_->GetVacancy(::w2w::access::Caller::System(), "inline").status().code(), absl::StatusCode::kNotFound);

  // Closed or expired, stored or inline: the same FAILED_PRECONDITION saying why.
  v1::Vacancy closed_inline = MakeVacancy("closed-inline");
  closed_inline.set_status(v1::VACANCY_STATUS_FILLED);
  *inline_request.mutable_vacancy() = closed_inline;
  auto refused = engine_->Shortlist(::w2w::access::Caller::System(), inline_request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("FILLED"));
  v1::Vacancy expired = MakeVacancy("expired");
  expired.set_expires_at(FormatIsoDate(TodayUtc() - 1));
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), expired).ok());
  v1::ShortlistRequest expired_request;
  expired_request.set_vacancy_id("expired");
  refused = engine_->Shortlist(::w2w::access::Caller::System(), expired_request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("expired on"));
  *expired_request.mutable_vacancy() = expired;  // The same inline.
  EXPECT_EQ(engine_->Shortlist(::w2w::access::Caller::System(), expired_request).status().code(),
            absl::StatusCode::kFailedPrecondition);
  expired.set_expires_at(FormatIsoDate(TodayUtc()));  // Open through today.
  *expired_request.mutable_vacancy() = expired;
  EXPECT_TRUE(engine_->Shortlist(::w2w::access::Caller::System(), expired_request).ok());
  v1::MatchCandidateRequest placed_inline;
  *placed_inline.mutable_candidate() = placed;
  EXPECT_EQ(engine_->MatchCandidate(::w2w::access::Caller::System(), placed_inline).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::ExplainMatchRequest explain;
  explain.set_candidate_id("placed");  // Explained, not refused.
  explain.set_vacancy_id("v1");
  EXPECT_TRUE(engine_->ExplainMatch(::w2w::access::Caller::System(), explain).ok());
}

TEST_F(EngineRecordsTest, ConcurrentConditionalUpdatesNeverLoseAnUpdate) {
  // Each thread does read-modify-write with the version it read, retrying on ABORTED.
  // If the version check and the write were not atomic, two writers could both succeed
  // from the same version and the final version would be short of the successes.
  ASSERT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("c1")).ok());
  constexpr int kThreads = 4;
  constexpr int kUpdatesPerThread = 25;
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int done = 0; done < kUpdatesPerThread;) {
        auto current = engine_->GetCandidate(::w2w::access::Caller::System(), "c1");
        ASSERT_TRUE(current.ok());
        v1::Candidate next = *current;
        next.set_max_travel_km(static_cast<uint32_t>(current->version() % 250 + 1));
        auto written = engine_->UpsertCandidate(::w2w::access::Caller::System(), next);
        if (written.ok()) {
          ASSERT_TRUE(written->changed);
          ++done;
        } else {
          ASSERT_EQ(written.status().code(), absl::StatusCode::kAborted) << written.status();
          ++aborted;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "c1")->version(), 1u + kThreads * kUpdatesPerThread);
  EXPECT_EQ(engine_->Info().candidates(), 1u);
}

}  // namespace
}  // namespace w2w::testing_engine
