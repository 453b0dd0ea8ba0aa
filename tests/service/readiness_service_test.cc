// ReportService.GetReadiness and `w2w readiness` against the real server: a workforce's
// readiness drops when the vacancies it depends on close (waited for with a bounded poll
// on the response's dirty and pending counters), a coach's out-of-scope employer is
// NOT_FOUND like an unknown one, a bad group_by is INVALID_ARGUMENT naming the field, and
// the CLI prints the table in Dutch by default.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"
#include "w2w/v1/report.grpc.pb.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using testkit::StatusIs;
using ::testing::HasSubstr;

constexpr char kWelder[] = "7212.3";

v1::Candidate Welder(const std::string& id, const std::string& employer, const std::string& region) {
  v1::Candidate c;
  c.set_id(id);
  c.set_region(region);
  c.set_sector(v1::SECTOR_ME);
  v1::TradeExperience* t = c.add_trades();
  t->set_code(kWelder);
  t->set_years(5);
  c.add_qualifications("VCA-BASIS");
  c.set_status(v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  c.set_employer_id(employer);
  c.set_willing_to_retrain(true);
  return c;
}

v1::Vacancy WelderJob(const std::string& id, const std::string& region) {
  v1::Vacancy v;
  v.set_id(id);
  v.set_employer_id("buyer");
  v.set_region(region);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(kWelder);
  v.set_title("Lasser");
  return v;
}

class ReadinessServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testkit::ServerProcessOptions options;
    options.extra_flags = {"--readiness_budget_per_second=10000"};
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    reports_ = v1::ReportService::NewStub(server_->channel());
  }
  void Put(const v1::Candidate& c) {
    v1::UpsertCandidateRequest request;
    *request.mutable_candidate() = c;
    v1::UpsertCandidateResponse response;
    ASSERT_THAT(server_->candidates()->UpsertCandidate(ContextWithDeadline().get(), request, &response), IsOk());
  }
  void Put(const v1::Vacancy& v) {
    v1::UpsertVacancyRequest request;
    *request.mutable_vacancy() = v;
    v1::UpsertVacancyResponse response;
    ASSERT_THAT(server_->vacancies()->UpsertVacancy(ContextWithDeadline().get(), request, &response), IsOk());
  }
  // Polls (bounded) until the server's readiness worker has computed everybody.
  v1::GetReadinessResponse Settled(v1::ReportService::Stub& stub, const v1::GetReadinessRequest& request) {
    v1::GetReadinessResponse r;
    for (int i = 0; i < 3000; ++i) {
      r.Clear();
      const grpc::Status s = stub.GetReadiness(ContextWithDeadline().get(), request, &r);
      EXPECT_THAT(s, IsOk());
      if (!s.ok() || (r.dirty_people() == 0 && r.pending_people() == 0 && r.stale_people() == 0 &&
           r.pending_vacancy_changes() == 0)) return r;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ADD_FAILURE() << "readiness did not settle";
    return r;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
};

TEST_F(ReadinessServiceTest, AWorkforcesReadinessDropsWhenItsVacanciesClose) {
  for (int i = 0; i < 3; ++i) Put(Welder(absl::StrCat("w", i), "smederij", "Twente"));
  Put(WelderJob("job-1", "Twente"));
  Put(WelderJob("job-2", "Twente"));
  v1::GetReadinessRequest request;
  request.set_employer_id("smederij");
  const v1::GetReadinessResponse before = Settled(*reports_, request);
  ASSERT_EQ(before.groups_size(), 1);
  EXPECT_EQ(before.groups(0).people(), 3u);
  EXPECT_DOUBLE_EQ(before.groups(0).shares().now(), 1.0);
  EXPECT_EQ(before.definitions(), "docs/readiness.md");

  absl::SleepFor(absl::Milliseconds(2));  // computed_at has millisecond resolution.
  for (const char* id : {"job-1", "job-2"}) {
    v1::CloseVacancyRequest close;
    close.set_id(id);
    v1::Vacancy closed;
    ASSERT_THAT(server_->vacancies()->CloseVacancy(ContextWithDeadline().get(), close, &closed), IsOk());
  }
  const v1::GetReadinessResponse after = Settled(*reports_, request);
  ASSERT_EQ(after.groups_size(), 1);
  EXPECT_LT(after.groups(0).shares().now(), before.groups(0).shares().now());
  EXPECT_DOUBLE_EQ(after.groups(0).shares().not_placeable(), 1.0);
  EXPECT_GT(after.groups(0).computed_at(), before.groups(0).computed_at());
}

TEST_F(ReadinessServiceTest, ACoachSeesItsScopeOnlyAndBadInputNamesTheField) {
  Put(Welder("t1", "oost", "Twente"));
  Put(Welder("z1", "zuid", "Zuid-Limburg"));
  Put(WelderJob("job-t", "Twente"));
  v1::Scope scope;
  scope.add_regions("Twente");
  auto token = server_->CreateToken("coach-twente", v1::ROLE_COACH, scope);
  ASSERT_TRUE(token.ok()) << token.status();
  auto coach = v1::ReportService::NewStub(server_->ChannelWithToken(token->secret()));

  const v1::GetReadinessResponse seen = Settled(*coach, {});
  ASSERT_EQ(seen.groups_size(), 1);
  EXPECT_EQ(seen.groups(0).group(), "oost");

  v1::GetReadinessRequest hidden;
  hidden.set_employer_id("zuid");
  v1::GetReadinessResponse r;
  EXPECT_THAT(coach->GetReadiness(ContextWithDeadline().get(), hidden, &r),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("no workforce of it in your scope")));
  // The administrator sees it.
  EXPECT_THAT(reports_->GetReadiness(ContextWithDeadline().get(), hidden, &r), IsOk());

  v1::GetReadinessRequest bad;
  bad.set_group_by(static_cast<v1::ReadinessGrouping>(42));
  EXPECT_THAT(coach->GetReadiness(ContextWithDeadline().get(), bad, &r),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, ::testing::StartsWith("group_by: ")));
}

TEST_F(ReadinessServiceTest, TheCliPrintsTheTableInDutchByDefault) {
  Put(Welder("w1", "smederij", "Twente"));
  Put(WelderJob("job-1", "Twente"));
  v1::GetReadinessRequest request;
  Settled(*reports_, request);
  const std::vector<std::string> base = {"--server", server_->address(), "--timeout", "30", "readiness"};
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--employer", "smederij"});
  const testkit::BinaryResult nl = testkit::RunBinary(testkit::CliBinary(), args);
  EXPECT_EQ(nl.code, 0) << nl.err;
  EXPECT_THAT(nl.out, HasSubstr("Inzetbaarheid"));
  EXPECT_THAT(nl.out, HasSubstr("smederij"));
  EXPECT_THAT(nl.out, HasSubstr("100,0%"));
  EXPECT_THAT(nl.out, HasSubstr("job-1"));
  args = base;
  args.insert(args.end(), {"--by", "region", "--lang", "en"});
  const testkit::BinaryResult en = testkit::RunBinary(testkit::CliBinary(), args);
  EXPECT_EQ(en.code, 0) << en.err;
  EXPECT_THAT(en.out, HasSubstr("Readiness"));
  EXPECT_THAT(en.out, HasSubstr("Twente"));
  args = base;
  args.insert(args.end(), {"--by", "planet"});
  EXPECT_EQ(testkit::RunBinary(testkit::CliBinary(), args).code, 2);
  args = base;
  args.insert(args.end(), {"--employer", "nobody"});
  const testkit::BinaryResult missing = testkit::RunBinary(testkit::CliBinary(), args);
  EXPECT_NE(missing.code, 0);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

}  // namespace
}  // namespace w2w
