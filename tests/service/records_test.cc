// Integration tests of candidate and vacancy records over gRPC against the real
// w2w-server: write, read, restart, versions, idempotency, delete/close, paged listing
// with filters, and the standard health and reflection services.
#include "tests/testkit/records.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/probes.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::Contains;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::MakeCandidate;
using testkit::MakeVacancy;
using testkit::SameContent;
using testkit::ServerProcess;
using testkit::StatusIs;

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = ServerProcess::Start();
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    Connect();
  }

  void Connect() {
    candidates_ = server_->candidates();
    vacancies_ = server_->vacancies();
  }

  grpc::Status Upsert(const v1::Candidate& c, v1::UpsertCandidateResponse* out) {
    v1::UpsertCandidateRequest request;
    *request.mutable_candidate() = c;
    return candidates_->UpsertCandidate(ContextWithDeadline().get(), request, out);
  }
  grpc::Status Upsert(const v1::Vacancy& v, v1::UpsertVacancyResponse* out) {
    v1::UpsertVacancyRequest request;
    *request.mutable_vacancy() = v;
    return vacancies_->UpsertVacancy(ContextWithDeadline().get(), request, out);
  }
  grpc::Status GetCandidate(const std::string& id, v1::Candidate* out) {
    v1::GetCandidateRequest request;
    request.set_id(id);
    return candidates_->GetCandidate(ContextWithDeadline().get(), request, out);
  }
  grpc::Status GetVacancy(const std::string& id, v1::Vacancy* out) {
    v1::GetVacancyRequest request;
    request.set_id(id);
    return vacancies_->GetVacancy(ContextWithDeadline().get(), request, out);
  }
  // All candidate ids matching `filter`, following page tokens.
  std::vector<std::string> ListAllCandidateIds(v1::ListCandidatesRequest filter) {
    std::vector<std::string> ids;
    for (int page = 0; page < 1000; ++page) {
      v1::ListCandidatesResponse response;
      grpc::Status status =
          candidates_->ListCandidates(ContextWithDeadline().get(), filter, &response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.candidates_size(), filter.page_size() == 0 ? 100 : filter.page_size());
      for (const v1::Candidate& c : response.candidates()) ids.push_back(c.id());
      if (response.next_page_token().empty()) break;
      filter.set_page_token(response.next_page_token());
    }
    return ids;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::CandidateService::Stub> candidates_;
  std::unique_ptr<v1::VacancyService::Stub> vacancies_;
};

TEST_F(RecordsTest, PushGetRestartGet) {
  // Sent with an ESCO code and a municipality: stored with the UUID and the region.
  v1::Candidate sent = MakeCandidate("cand-1");
  sent.mutable_trades(0)->set_code(testkit::kWelderCode);
  sent.clear_region();
  sent.set_municipality(testkit::kEindhoven);
  v1::UpsertCandidateResponse written;
  ASSERT_THAT(Upsert(sent, &written), IsOk());
  EXPECT_TRUE(written.changed());
  EXPECT_EQ(written.candidate().version(), 1u);
  EXPECT_FALSE(written.candidate().updated_at().empty());
  EXPECT_EQ(written.candidate().trades(0).code(), testkit::kWelderId);
  EXPECT_EQ(written.candidate().region(), testkit::kZuidoostBrabant);
  EXPECT_EQ(written.candidate().municipality(), testkit::kEindhoven);

  v1::UpsertVacancyResponse vacancy;
  ASSERT_THAT(Upsert(MakeVacancy("vac-1", 3), &vacancy), IsOk());
  EXPECT_EQ(vacancy.vacancy().version(), 1u);

  v1::Candidate got;
  ASSERT_THAT(GetCandidate("cand-1", &got), IsOk());
  EXPECT_EQ(got.SerializeAsString(), written.candidate().SerializeAsString());

  absl::StatusOr<int> exit_code = server_->Stop();
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
  ASSERT_TRUE(server_->Restart().ok());
  Connect();

  v1::Candidate after;
  ASSERT_THAT(GetCandidate("cand-1", &after), IsOk());
  EXPECT_EQ(after.SerializeAsString(), written.candidate().SerializeAsString());
  v1::Vacancy vacancy_after;
  ASSERT_THAT(GetVacancy("vac-1", &vacancy_after), IsOk());
  EXPECT_EQ(vacancy_after.SerializeAsString(), vacancy.vacancy().SerializeAsString());
}

TEST_F(RecordsTest, VersionsGuardConcurrentWriters) {
  v1::UpsertCandidateResponse first;
  ASSERT_THAT(Upsert(MakeCandidate("cand-v", 0), &first), IsOk());
  ASSERT_EQ(first.candidate().version(), 1u);

  v1::Candidate change = MakeCandidate("cand-v", 1);
  change.set_version(1);
  v1::UpsertCandidateResponse second;
  ASSERT_THAT(Upsert(change, &second), IsOk());
  EXPECT_EQ(second.candidate().version(), 2u);
  EXPECT_TRUE(SameContent(second.candidate(), MakeCandidate("cand-v", 1)));

  // A writer that read version 1 lost the race.
  v1::Candidate stale = MakeCandidate("cand-v", 2);
  stale.set_version(1);
  v1::UpsertCandidateResponse ignored;
  EXPECT_THAT(Upsert(stale, &ignored), StatusIs(grpc::StatusCode::ABORTED, HasSubstr("version")));
  v1::Candidate stored;
  ASSERT_THAT(GetCandidate("cand-v", &stored), IsOk());
  EXPECT_EQ(stored.version(), 2u);
  EXPECT_TRUE(SameContent(stored, MakeCandidate("cand-v", 1)));

  // A conditional write of a record that does not exist.
  v1::Candidate missing = MakeCandidate("cand-missing", 0);
  missing.set_version(3);
  EXPECT_THAT(Upsert(missing, &ignored),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("cand-missing")));

  // Version 0 writes unconditionally.
  v1::UpsertCandidateResponse third;
  ASSERT_THAT(Upsert(MakeCandidate("cand-v", 3), &third), IsOk());
  EXPECT_EQ(third.candidate().version(), 3u);

  // Vacancies follow the same rule.
  v1::UpsertVacancyResponse vac;
  ASSERT_THAT(Upsert(MakeVacancy("vac-v", 0), &vac), IsOk());
  v1::Vacancy stale_vacancy = MakeVacancy("vac-v", 1);
  stale_vacancy.set_version(7);
  v1::UpsertVacancyResponse vac_ignored;
  EXPECT_THAT(Upsert(stale_vacancy, &vac_ignored),
              StatusIs(grpc::StatusCode::ABORTED, HasSubstr("version")));
}

TEST_F(RecordsTest, UpsertIsIdempotent) {
  v1::UpsertCandidateResponse first, again;
  ASSERT_THAT(Upsert(MakeCandidate("cand-i", 4), &first), IsOk());
  ASSERT_THAT(Upsert(MakeCandidate("cand-i", 4), &again), IsOk());
  EXPECT_TRUE(first.changed());
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.candidate().version(), first.candidate().version());
  EXPECT_EQ(again.candidate().updated_at(), first.candidate().updated_at());

  // Same content with the current version given: still no write.
  v1::Candidate conditional = MakeCandidate("cand-i", 4);
  conditional.set_version(first.candidate().version());
  ASSERT_THAT(Upsert(conditional, &again), IsOk());
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.candidate().version(), 1u);

  v1::UpsertVacancyResponse v1_resp, v2_resp;
  ASSERT_THAT(Upsert(MakeVacancy("vac-i", 2), &v1_resp), IsOk());
  ASSERT_THAT(Upsert(MakeVacancy("vac-i", 2), &v2_resp), IsOk());
  EXPECT_FALSE(v2_resp.changed());
  EXPECT_EQ(v2_resp.vacancy().version(), 1u);
}

TEST_F(RecordsTest, DeleteAndClose) {
  v1::UpsertCandidateResponse written;
  ASSERT_THAT(Upsert(MakeCandidate("cand-d"), &written), IsOk());

  v1::DeleteCandidateRequest del;
  del.set_id("cand-d");
  del.set_expected_version(9);
  v1::DeleteCandidateResponse deleted;
  EXPECT_THAT(candidates_->DeleteCandidate(ContextWithDeadline().get(), del, &deleted),
              StatusIs(grpc::StatusCode::ABORTED, HasSubstr("version")));
  del.set_expected_version(1);
  ASSERT_THAT(candidates_->DeleteCandidate(ContextWithDeadline().get(), del, &deleted), IsOk());
  EXPECT_EQ(deleted.deleted_version(), 1u);
  v1::Candidate gone;
  EXPECT_THAT(GetCandidate("cand-d", &gone),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("cand-d")));
  // Expecting the version that was deleted: the record is gone (tombstone_test.cc).
  EXPECT_THAT(candidates_->DeleteCandidate(ContextWithDeadline().get(), del, &deleted),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("deleted at version 1")));
  del.set_expected_version(0);
  EXPECT_THAT(candidates_->DeleteCandidate(ContextWithDeadline().get(), del, &deleted),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("cand-d")));

  v1::UpsertVacancyResponse vac;
  ASSERT_THAT(Upsert(MakeVacancy("vac-c"), &vac), IsOk());
  v1::CloseVacancyRequest close;
  close.set_id("vac-c");
  close.set_status(v1::VACANCY_STATUS_FILLED);
  v1::Vacancy closed;
  ASSERT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &closed), IsOk());
  EXPECT_EQ(closed.status(), v1::VACANCY_STATUS_FILLED);
  EXPECT_EQ(closed.version(), 2u);
  // Closing again with the same status is a no-op.
  v1::Vacancy again;
  ASSERT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &again), IsOk());
  EXPECT_EQ(again.version(), 2u);
  v1::Vacancy stored;
  ASSERT_THAT(GetVacancy("vac-c", &stored), IsOk());
  EXPECT_EQ(stored.status(), v1::VACANCY_STATUS_FILLED);

  close.set_id("vac-unknown");
  EXPECT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &again),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("vac-unknown")));

  v1::DeleteVacancyRequest del_vac;
  del_vac.set_id("vac-c");
  v1::DeleteVacancyResponse vac_deleted;
  ASSERT_THAT(vacancies_->DeleteVacancy(ContextWithDeadline().get(), del_vac, &vac_deleted),
              IsOk());
  EXPECT_EQ(vac_deleted.deleted_version(), 2u);
  EXPECT_THAT(GetVacancy("vac-c", &stored),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("vac-c")));
}

TEST_F(RecordsTest, ListPagesInIdOrderAndFilters) {
  constexpr int kRecords = 57;
  std::map<std::string, v1::Candidate> sent;  // Sorted by id, as the listing.
  for (int i = 0; i < kRecords; ++i) {
    const std::string id = absl::StrCat("c", i < 10 ? "0" : "", i);
    v1::UpsertCandidateResponse out;
    ASSERT_THAT(Upsert(MakeCandidate(id, i), &out), IsOk());
    sent[id] = out.candidate();
  }
  auto expected_ids = [&](auto keep) {
    std::vector<std::string> ids;
    for (const auto& [id, c] : sent) {
      if (keep(c)) ids.push_back(id);
    }
    return ids;
  };

  v1::ListCandidatesRequest all;
  all.set_page_size(10);
  EXPECT_THAT(ListAllCandidateIds(all), ElementsAreArray(expected_ids([](auto&) { return true; })));

  v1::ListCandidatesRequest by_region;
  by_region.set_page_size(7);
  by_region.set_region(testkit::kTwente);
  EXPECT_THAT(ListAllCandidateIds(by_region),
              ElementsAreArray(expected_ids(
                  [](const v1::Candidate& c) { return c.region() == testkit::kTwente; })));
  by_region.set_region("twente");  // Case-insensitive.
  EXPECT_EQ(ListAllCandidateIds(by_region).size(), expected_ids([](const v1::Candidate& c) {
                                                     return c.region() == testkit::kTwente;
                                                   }).size());

  v1::ListCandidatesRequest by_sector;
  by_sector.set_sector(v1::SECTOR_ME);
  EXPECT_THAT(ListAllCandidateIds(by_sector),
              ElementsAreArray(expected_ids(
                  [](const v1::Candidate& c) { return c.sector() == v1::SECTOR_ME; })));

  v1::ListCandidatesRequest by_trade;
  by_trade.set_trade(testkit::kPipeWelderCode);  // Code or UUID; any position in trades.
  EXPECT_THAT(ListAllCandidateIds(by_trade),
              ElementsAreArray(expected_ids([](const v1::Candidate& c) {
                for (const auto& t : c.trades()) {
                  if (t.code() == testkit::kPipeWelderId) return true;
                }
                return false;
              })));

  v1::ListCandidatesRequest by_status_and_employer;
  by_status_and_employer.set_status(v1::CANDIDATE_STATUS_AT_RISK);
  by_status_and_employer.set_employer_id("emp-0");
  EXPECT_THAT(ListAllCandidateIds(by_status_and_employer),
              ElementsAreArray(expected_ids([](const v1::Candidate& c) {
                return c.status() == v1::CANDIDATE_STATUS_AT_RISK && c.employer_id() == "emp-0";
              })));

  // Vacancies: filter by status and employer.
  for (int i = 0; i < 12; ++i) {
    v1::UpsertVacancyResponse out;
    ASSERT_THAT(Upsert(MakeVacancy(absl::StrCat("v", i < 10 ? "0" : "", i), i), &out), IsOk());
  }
  v1::CloseVacancyRequest close;
  close.set_id("v03");
  v1::Vacancy closed;
  ASSERT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &closed), IsOk());
  v1::ListVacanciesRequest closed_only;
  closed_only.set_status(v1::VACANCY_STATUS_CLOSED);
  v1::ListVacanciesResponse page;
  ASSERT_THAT(vacancies_->ListVacancies(ContextWithDeadline().get(), closed_only, &page), IsOk());
  ASSERT_EQ(page.vacancies_size(), 1);
  EXPECT_EQ(page.vacancies(0).id(), "v03");
  v1::ListVacanciesRequest by_employer;
  by_employer.set_employer_id("emp-2");  // Variants 2 and 9.
  by_employer.set_page_size(1);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ASSERT_THAT(vacancies_->ListVacancies(ContextWithDeadline().get(), by_employer, &page), IsOk());
    for (const auto& v : page.vacancies()) ids.push_back(v.id());
    if (page.next_page_token().empty()) break;
    by_employer.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(ids, ElementsAreArray({"v02", "v09"}));
}

TEST_F(RecordsTest, HealthAndReflectionAreServed) {
  absl::StatusOr<testkit::HealthStatus> health = testkit::CheckHealth(server_->channel());
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, testkit::HealthStatus::kServing);
  // Each w2w service answers by name too; an unknown name is NOT_FOUND.
  for (const char* name : {"w2w.v1.MatchService", "w2w.v1.CandidateService"}) {
    health = testkit::CheckHealth(server_->channel(), name);
    ASSERT_TRUE(health.ok()) << name << ": " << health.status();
    EXPECT_EQ(*health, testkit::HealthStatus::kServing) << name;
  }
  EXPECT_EQ(testkit::CheckHealth(server_->channel(), "w2w.v1.NoSuchService").status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<std::vector<std::string>> services =
      testkit::ListServicesByReflection(server_->channel());
  ASSERT_TRUE(services.ok()) << services.status();
  for (const char* name :
       {"w2w.v1.CandidateService", "w2w.v1.VacancyService", "w2w.v1.MatchService",
        "w2w.v1.RematchService", "w2w.v1.PolicyService", "w2w.v1.TaxonomyService",
        "w2w.v1.ServerInfoService", "grpc.health.v1.Health"}) {
    EXPECT_THAT(*services, Contains(std::string(name)));
  }

  auto info = server_->info();
  v1::PingResponse pong;
  EXPECT_THAT(info->Ping(ContextWithDeadline().get(), v1::PingRequest(), &pong), IsOk());
  v1::UpsertCandidateResponse out;
  ASSERT_THAT(Upsert(MakeCandidate("cand-info"), &out), IsOk());
  v1::ServerInfo server_info;
  ASSERT_THAT(
      info->GetServerInfo(ContextWithDeadline().get(), v1::GetServerInfoRequest(), &server_info),
      IsOk());
  EXPECT_EQ(server_info.candidates(), 1u);
  EXPECT_EQ(server_info.data_dir(), server_->data_dir());
  EXPECT_FALSE(server_info.version().empty());
}

TEST(ServerStartupTest, SecondServerOnTheSameFolderFailsClearly) {
  auto first = ServerProcess::Start();
  ASSERT_TRUE(first.ok()) << first.status();
  testkit::ServerProcessOptions options;
  options.data_dir = (*first)->data_dir();
  options.start_timeout = absl::Seconds(20);
  auto second = ServerProcess::Start(options);
  EXPECT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("exit code 1"));
  // The first one is unharmed.
  absl::StatusOr<testkit::HealthStatus> health = testkit::CheckHealth((*first)->channel());
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, testkit::HealthStatus::kServing);
}

TEST(ServerStartupTest, ABusyPortFailsClearly) {
  auto first = ServerProcess::Start();
  ASSERT_TRUE(first.ok()) << first.status();
  testkit::ServerProcessOptions options;
  // A later flag overrides the testkit's --address=127.0.0.1:0.
  options.extra_flags = {"--address=" + (*first)->address()};
  options.start_timeout = absl::Seconds(20);
  auto second = ServerProcess::Start(options);
  EXPECT_FALSE(second.ok()) << "two servers share port " << (*first)->port();
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("exit code 1"));
}

TEST(ServerStartupTest, BadFlagsExitNonZero) {
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--max_message_mb=0"};
  options.start_timeout = absl::Seconds(20);
  auto server = ServerProcess::Start(options);
  EXPECT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("exit code 1"));
}

}  // namespace
}  // namespace w2w
