// The demo's year of outcomes (w2w-datagen --outcomes) against the real server and the
// CLI (issue 10): the generated events are accepted whole, regions come out different,
// the output is deterministic, and `w2w report`, `w2w events`, `w2w placement` and
// `w2w cancel` work as a coach would use them, errors naming the field.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/datagen/generator.h"
#include "clients/datagen/outcomes.h"
#include "formats/outcome_events.h"
#include "engine/common/dates.h"
#include "engine/taxonomy/taxonomy.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"
#include "w2w/v1/outcome.grpc.pb.h"
#include "w2w/v1/report.grpc.pb.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using ::testing::HasSubstr;

constexpr size_t kCandidates = 3000;
constexpr size_t kVacancies = 600;

std::string DataDir() {
  const char* dir = std::getenv("W2W_DATA_DIR");
  return dir != nullptr ? dir : W2W_DEFAULT_DATA_DIR;
}

class OutcomeDemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tax = taxonomy::Taxonomy::LoadFromDir(DataDir());
    ASSERT_TRUE(tax.ok()) << tax.status();
    tax_ = *std::move(tax);
    datagen::GeneratorOptions options;
    options.seed = 42;
    options.today = TodayUtc();
    options.data_dir = DataDir();
    auto gen = datagen::Generator::Create(*tax_, options);
    ASSERT_TRUE(gen.ok()) << gen.status();
    gen_ = *std::move(gen);
    auto server = ServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::vector<v1::OutcomeEvent> Events() {
    std::vector<v1::OutcomeEvent> events;
    datagen::OutcomeGenerator outcomes(*gen_, *tax_, kCandidates, kVacancies);
    outcomes.ForEachEvent([&](const v1::OutcomeEvent& e) { events.push_back(e); });
    return events;
  }

  void LoadRecords() {
    {
      grpc::ClientContext context;
      v1::ImportSummary summary;
      auto writer = server_->vacancies()->PushVacancies(&context, &summary);
      v1::PushVacanciesRequest batch;
      gen_->ForEachVacancy(kVacancies, [&](v1::Vacancy& v) { *batch.add_vacancies() = std::move(v); });
      ASSERT_TRUE(writer->Write(batch));
      writer->WritesDone();
      ASSERT_THAT(writer->Finish(), IsOk());
      ASSERT_EQ(summary.rejected(), 0u);
    }
    grpc::ClientContext context;
    v1::ImportSummary summary;
    auto writer = server_->candidates()->ImportCandidates(&context, &summary);
    v1::ImportCandidatesRequest batch;
    gen_->ForEachCandidate(kCandidates, [&](v1::Candidate& c) {
      *batch.add_candidates() = std::move(c);
      if (batch.candidates_size() == 500) {
        ASSERT_TRUE(writer->Write(batch));
        batch.Clear();
      }
    });
    if (batch.candidates_size() > 0) {
      ASSERT_TRUE(writer->Write(batch));
    }
    writer->WritesDone();
    ASSERT_THAT(writer->Finish(), IsOk());
    ASSERT_EQ(summary.rejected(), 0u);
  }

  testkit::BinaryResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", server_->address()});
    return testkit::RunBinary(testkit::CliBinary(), args, {absl::StrCat("W2W_TOKEN=", server_->admin_token())});
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  std::unique_ptr<datagen::Generator> gen_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(OutcomeDemoTest, TheGeneratedYearIsAcceptedWholeAndRegionsDiffer) {
  const std::vector<v1::OutcomeEvent> events = Events();
  ASSERT_GT(events.size(), kCandidates / 2);
  // Deterministic: the same inputs give the same events.
  const std::vector<v1::OutcomeEvent> again = Events();
  ASSERT_EQ(again.size(), events.size());
  for (size_t i = 0; i < events.size(); i += 97) {
    EXPECT_EQ(again[i].SerializeAsString(), events[i].SerializeAsString()) << i;
  }
  ASSERT_NO_FATAL_FAILURE(LoadRecords());
  grpc::ClientContext context;
  v1::ImportSummary summary;
  auto writer = v1::OutcomeService::NewStub(server_->channel())->ImportEvents(&context, &summary);
  v1::ImportEventsRequest batch;
  for (const v1::OutcomeEvent& e : events) {
    *batch.add_events() = e;
    if (batch.events_size() == 400) {
      ASSERT_TRUE(writer->Write(batch));
      batch.Clear();
    }
  }
  if (batch.events_size() > 0) {
    ASSERT_TRUE(writer->Write(batch));
  }
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.committed(), events.size());
  EXPECT_EQ(summary.rejected(), 0u) << (summary.errors_size() > 0 ? summary.errors(0).DebugString() : "");

  v1::GetReportRequest request;
  request.set_group_by(v1::REPORT_GROUPING_REGION);
  v1::GetReportResponse report;
  ASSERT_THAT(v1::ReportService::NewStub(server_->channel())->GetReport(ContextWithDeadline().get(), request, &report),
              IsOk());
  EXPECT_GE(report.rows_size(), 20);
  EXPECT_GT(report.total().placements(), 0u);
  EXPECT_GT(report.total().tracks_started(), 0u);
  EXPECT_GT(report.total().followed_up_6m(), 0u);
  double lowest = 1, highest = 0;
  for (const v1::ReportRow& row : report.rows()) {
    if (row.entered() < 30) continue;
    lowest = std::min(lowest, row.work_to_work_share());
    highest = std::max(highest, row.work_to_work_share());
  }
  EXPECT_GT(highest - lowest, 0.1) << "regions should differ";
}

TEST_F(OutcomeDemoTest, TheCliRecordsListsAndReports) {
  ASSERT_NO_FATAL_FAILURE(LoadRecords());
  // A candidate that is not placed, and an open vacancy.
  std::string candidate, vacancy;
  gen_->ForEachCandidate(kCandidates, [&](v1::Candidate& c) {
    if (candidate.empty() && c.status() == v1::CANDIDATE_STATUS_AT_RISK) candidate = c.id();
  });
  gen_->ForEachVacancy(kVacancies, [&](v1::Vacancy& v) {
    if (vacancy.empty() && v.status() == v1::VACANCY_STATUS_OPEN) vacancy = v.id();
  });
  ASSERT_FALSE(candidate.empty());
  ASSERT_FALSE(vacancy.empty());
  testkit::BinaryResult placed =
      Cli({"placement", candidate, "--vacancy", vacancy, "--start", "2026-11-02", "--event_id", "cli-p-1"});
  ASSERT_EQ(placed.code, 0) << placed.err;
  EXPECT_THAT(placed.out, HasSubstr("cli-p-1"));
  EXPECT_THAT(placed.out, HasSubstr("seats filled"));
  // Refusals name the field and exit 1.
  testkit::BinaryResult twice =
      Cli({"placement", candidate, "--vacancy", vacancy, "--start", "2026-11-03", "--event_id", "cli-p-2"});
  EXPECT_EQ(twice.code, 1);
  EXPECT_THAT(twice.err, HasSubstr("placement.candidate_id"));
  testkit::BinaryResult bad_date = Cli({"followup", "cli-p-1", "--months", "6", "--in_work", "yes", "--date", "2026-10-01"});
  EXPECT_EQ(bad_date.code, 1);
  EXPECT_THAT(bad_date.err, HasSubstr("follow_up.date"));
  testkit::BinaryResult usage = Cli({"placement", candidate, "--start", "2026-11-02"});
  EXPECT_EQ(usage.code, 2);
  // Listed, then cancelled.
  testkit::BinaryResult events = Cli({"events", "--candidate", candidate});
  ASSERT_EQ(events.code, 0) << events.err;
  EXPECT_THAT(events.out, HasSubstr("placement"));
  EXPECT_THAT(events.out, HasSubstr("status_change"));
  testkit::BinaryResult report = Cli({"report", "--by", "region", "--from", "2026-01-01", "--to", "2026-12-31"});
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("total"));
  testkit::BinaryResult csv = Cli({"report", "--by", "month", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  const std::vector<std::string> lines = absl::StrSplit(csv.out, '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(lines[0], "group,label,events,entered,entered_placed,placement_rate,placements"));
  EXPECT_TRUE(absl::EndsWith(lines[0], ",tension,sector_moves"));
  EXPECT_THAT(csv.out, HasSubstr("2026-11,"));
  testkit::BinaryResult cancelled = Cli({"cancel", "cli-p-1", "--reason", "test"});
  ASSERT_EQ(cancelled.code, 0) << cancelled.err;
  testkit::BinaryResult after = Cli({"report", "--from", "2026-01-01", "--to", "2026-12-31", "--json"});
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_THAT(after.out, ::testing::Not(HasSubstr("\"placements\"")));  // 0 is omitted in JSON.
  testkit::BinaryResult bad = Cli({"report", "--from", "2026-02-30"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("from_date"));
}

TEST_F(OutcomeDemoTest, TheCliImportsTheGeneratedFileAndRecordsTracks) {
  ASSERT_NO_FATAL_FAILURE(LoadRecords());
  const std::vector<v1::OutcomeEvent> events = Events();
  std::string text;
  for (const v1::OutcomeEvent& e : events) ASSERT_TRUE(formats::AppendOutcomeEventJsonLine(e, &text).ok());
  const std::string path = absl::StrCat(::testing::TempDir(), "/outcomes-", getpid(), ".jsonl");
  {
    std::ofstream file(path);
    file << text;
  }
  testkit::BinaryResult imported = Cli({"import", "events", path});
  ASSERT_EQ(imported.code, 0) << imported.out << imported.err;
  EXPECT_THAT(imported.out, HasSubstr(absl::StrCat("events: ", events.size(), " lines read, ", events.size(),
                                                   " committed, 0 unchanged, 0 rejected")));
  // Again: every event is an identical repeat.
  testkit::BinaryResult again = Cli({"import", "events", path});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr(absl::StrCat("0 committed, ", events.size(), " unchanged, 0 rejected")));
  std::remove(path.c_str());

  testkit::BinaryResult report = Cli({"report", "--by", "region"});
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("(scope: "));
  EXPECT_THAT(report.out, HasSubstr("Twente"));
  EXPECT_THAT(report.out, HasSubstr("total"));
  testkit::BinaryResult placements = Cli({"events", "--kind", "placement", "--limit", "5"});
  ASSERT_EQ(placements.code, 0) << placements.err;
  EXPECT_THAT(placements.out, HasSubstr("ev-"));

  // A track: started, ended; a second end and an end before the start are refused naming the field.
  std::string candidate;
  gen_->ForEachCandidate(kCandidates, [&](v1::Candidate& c) {
    if (candidate.empty() && c.status() == v1::CANDIDATE_STATUS_UNEMPLOYED) candidate = c.id();
  });
  testkit::BinaryResult started = Cli({"track", "tr-cli-1", "--candidate", candidate, "--qualification", "VCA-VOL",
                                       "--start", "2026-11-02", "--provider", "ROC Techniek", "--cost", "950"});
  ASSERT_EQ(started.code, 0) << started.err;
  EXPECT_THAT(started.out, HasSubstr("tr-cli-1"));
  EXPECT_THAT(started.out, HasSubstr("event"));
  testkit::BinaryResult early = Cli({"track", "tr-cli-1", "--completed", "2026-10-01"});
  EXPECT_EQ(early.code, 1);
  EXPECT_THAT(early.err, HasSubstr("track.end_date"));
  testkit::BinaryResult ended = Cli({"track", "tr-cli-1", "--completed", "2026-11-20"});
  ASSERT_EQ(ended.code, 0) << ended.err;
  EXPECT_THAT(ended.out, HasSubstr("completed"));
  testkit::BinaryResult twice = Cli({"track", "tr-cli-1", "--dropped", "2026-11-21"});
  EXPECT_EQ(twice.code, 1);
  EXPECT_THAT(twice.err, HasSubstr("track.track_id"));
  testkit::BinaryResult both = Cli({"track", "tr-cli-2", "--completed", "2026-11-20", "--dropped", "2026-11-20"});
  EXPECT_EQ(both.code, 2);
  // A run that does not exist.
  testkit::BinaryResult plan = Cli({"plan", "r-unknown"});
  EXPECT_EQ(plan.code, 1);
  EXPECT_THAT(plan.err, HasSubstr("NOT_FOUND"));
}

}  // namespace
}  // namespace w2w
