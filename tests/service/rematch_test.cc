// RematchService against the real w2w-server: a group rematch streamed over gRPC (events
// in order, summary, the run read back with GetRematch), shortlists answered while a run
// goes, and a server SIGKILLed during a run: after the restart the run reads back
// INCOMPLETE, never FINISHED. A client that cancels its stream, or whose deadline passes,
// stops the run on the server (CANCELLED) and the server keeps answering; Ping and
// Shortlist are answered promptly while a run holds its worker thread and the cores. A
// SIGTERM past the drain's grace period stops a run, stores it INCOMPLETE and tells the
// stream so (UNAVAILABLE), and the server exits 0.
#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;

constexpr char kEmployer[] = "metaal-oost";
constexpr char kWelder[] = "7212.3";
constexpr int kPeople = 900;
constexpr int kVacancies = 900;

class RematchServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testkit::ServerProcessOptions options;
    // A short drain, so a SIGTERM during a run reaches the end of the grace period.
    options.extra_flags = {"--shutdown_grace_seconds=0.2"};
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    Load();
  }

  void Load() {
    {
      auto stub = server_->candidates();
      auto context = ContextWithDeadline(absl::Seconds(60));
      v1::ImportSummary summary;
      auto writer = stub->ImportCandidates(context.get(), &summary);
      for (int i = 0; i < kPeople; ++i) {
        v1::ImportCandidatesRequest request;
        v1::Candidate* c = request.mutable_candidate();
        c->set_id(absl::StrCat("p", 10000 + i));
        c->set_region(i % 3 ? "Twente" : "Achterhoek");
        c->set_sector(v1::SECTOR_ME);
        auto* t = c->add_trades();
        t->set_code(kWelder);
        t->set_years(i % 15);
        c->add_qualifications(testkit::kVcaBasis);
        if (i % 2) c->add_qualifications(testkit::kMagWelding);
        c->set_employer_id(kEmployer);
        c->set_status(v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER);
        c->set_max_travel_km(30);  // Own region only: complete option lists, a quick proof.
        c->set_willing_to_retrain(true);
        ASSERT_TRUE(writer->Write(request));
      }
      writer->WritesDone();
      ASSERT_THAT(writer->Finish(), IsOk());
      ASSERT_EQ(summary.committed(), static_cast<uint64_t>(kPeople));
    }
    auto stub = server_->vacancies();
    auto context = ContextWithDeadline(absl::Seconds(60));
    v1::ImportSummary summary;
    auto writer = stub->PushVacancies(context.get(), &summary);
    const char* regions[] = {"Twente", "Achterhoek", "IJsselvechtstreek"};
    for (int i = 0; i < kVacancies; ++i) {
      v1::PushVacanciesRequest request;
      v1::Vacancy* v = request.mutable_vacancy();
      v->set_id(absl::StrCat("v", 50000 + i));
      v->set_employer_id(absl::StrCat("hirer-", i % 97));
      v->set_region(regions[i % 3]);
      v->set_sector(i % 4 ? v1::SECTOR_ME : v1::SECTOR_INST);
      v->set_trade(kWelder);
      if (i % 3 == 0) v->add_required_qualifications(testkit::kMagWelding);
      v->set_positions(1 + i % 2);
      ASSERT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    ASSERT_THAT(writer->Finish(), IsOk());
    ASSERT_EQ(summary.committed(), static_cast<uint64_t>(kVacancies));
  }

  static v1::StartRematchRequest GroupRequest() {
    v1::StartRematchRequest r;
    r.mutable_selection()->set_employer_id(kEmployer);
    r.mutable_options()->set_mode(v1::REMATCH_MODE_GROUP);
    r.mutable_options()->set_k(3);
    return r;
  }

  // The stored run; with `results`, every page of its results (in order) gathered into it.
  v1::RematchRun Get(const std::string& run_id, bool results) {
    v1::GetRematchRequest request;
    request.set_run_id(run_id);
    request.set_include_results(results);
    v1::RematchRun run;
    while (true) {
      v1::RematchRun page;
      auto context = ContextWithDeadline(absl::Seconds(30));
      EXPECT_THAT(server_->rematch()->GetRematch(context.get(), request, &page), IsOk());
      if (request.results_page_token().empty()) {
        run = page;
        run.clear_results();
      } else {
        EXPECT_EQ(page.summary().SerializeAsString(), run.summary().SerializeAsString());
      }
      for (v1::PersonResult& r : *page.mutable_results()) *run.add_results() = std::move(r);
      if (page.next_results_page_token().empty()) break;
      EXPECT_LE(page.results_size(), 500);  // The default page.
      request.set_results_page_token(page.next_results_page_token());
    }
    run.clear_next_results_page_token();
    return run;
  }

  // Waits up to `timeout` for the run to leave RUNNING; returns its last state.
  v1::RematchState WaitUntilStopped(const std::string& run_id,
                                    absl::Duration timeout = absl::Seconds(30)) {
    const absl::Time deadline = absl::Now() + timeout;
    v1::RematchRun run = Get(run_id, false);
    while (run.state() == v1::REMATCH_STATE_RUNNING && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
      run = Get(run_id, false);
    }
    return run.state();
  }

  // The newest run's id (ListRematches lists the newest first).
  std::string NewestRunId() {
    v1::ListRematchesResponse list;
    auto context = ContextWithDeadline(absl::Seconds(30));
    EXPECT_THAT(server_->rematch()->ListRematches(context.get(), v1::ListRematchesRequest(), &list),
                IsOk());
    return list.runs_size() > 0 ? list.runs(0).run_id() : "";
  }

  // A Ping and a Shortlist, each with a one-second deadline: both OK.
  void ExpectShortCallsAnswered() {
    v1::PingResponse pong;
    EXPECT_THAT(server_->info()->Ping(ContextWithDeadline(absl::Seconds(1)).get(),
                                      v1::PingRequest(), &pong),
                IsOk());
    v1::ShortlistRequest request;
    request.set_vacancy_id("v50000");
    request.set_k(10);
    v1::ShortlistResponse response;
    EXPECT_THAT(server_->match()->Shortlist(ContextWithDeadline(absl::Seconds(1)).get(), request,
                                            &response),
                IsOk());
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(RematchServiceTest, GroupRunStreamsAndIsStoredWhileShortlistsAnswer) {
  // A coach keeps asking for shortlists while the run goes.
  std::atomic<bool> stop{false};
  std::atomic<int> shortlists_ok{0};
  std::thread coach([&] {
    auto stub = server_->match();
    for (int i = 0; !stop.load(); ++i) {
      v1::ShortlistRequest request;
      request.set_vacancy_id(absl::StrCat("v", 50000 + i % kVacancies));
      request.set_k(10);
      v1::ShortlistResponse response;
      auto context = ContextWithDeadline(absl::Seconds(5));
      if (stub->Shortlist(context.get(), request, &response).ok()) ++shortlists_ok;
    }
  });

  auto context = ContextWithDeadline(absl::Seconds(300));
  auto reader = server_->rematch()->StartRematch(context.get(), GroupRequest());
  v1::RematchEvent event;
  std::vector<v1::RematchEvent> events;
  while (reader->Read(&event)) events.push_back(event);
  ASSERT_THAT(reader->Finish(), IsOk());
  stop.store(true);
  coach.join();
  EXPECT_GT(shortlists_ok.load(), 0);

  ASSERT_GE(events.size(), 3u);
  ASSERT_TRUE(events.front().has_started());
  ASSERT_TRUE(events.back().has_summary());
  int results = 0;
  std::map<std::string, int> used;
  for (const auto& e : events) {
    if (!e.has_result()) continue;
    ++results;
    if (e.result().has_assigned()) ++used[e.result().assigned().vacancy_id()];
  }
  EXPECT_EQ(results, kPeople);
  for (const auto& [id, n] : used) {
    const int number = std::stoi(id.substr(1)) - 50000;
    EXPECT_LE(n, 1 + number % 2) << "seats exceeded at " << id;
  }
  const v1::RematchSummary& s = events.back().summary();
  EXPECT_EQ(s.placeable_now() + s.placeable_after_retraining() + s.not_placeable(),
            static_cast<uint64_t>(kPeople));
  EXPECT_TRUE(s.exact());

  const v1::RematchRun run = Get(events.front().started().run_id(), true);
  EXPECT_EQ(run.state(), v1::REMATCH_STATE_FINISHED);
  EXPECT_EQ(run.results_size(), kPeople);
  EXPECT_EQ(run.summary().SerializeAsString(), s.SerializeAsString());
}

TEST_F(RematchServiceTest, RunInterruptedBySigkillIsIncompleteAfterRestart) {
  auto context = ContextWithDeadline(absl::Seconds(300));
  auto reader = server_->rematch()->StartRematch(context.get(), GroupRequest());
  v1::RematchEvent event;
  ASSERT_TRUE(reader->Read(&event));
  ASSERT_TRUE(event.has_started());
  const std::string run_id = event.started().run_id();
  const absl::Status killed = server_->Kill();  // Mid-run: scoring 900 people takes a while.
  ASSERT_TRUE(killed.ok()) << killed;
  (void)reader->Finish();  // The stream ends with an error; what matters is the record.
  reader.reset();
  context.reset();
  const absl::Status restarted = server_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;

  const v1::RematchRun run = Get(run_id, false);
  EXPECT_EQ(run.state(), v1::REMATCH_STATE_INCOMPLETE);
  EXPECT_FALSE(run.has_summary());

  v1::ListRematchesRequest list_request;
  v1::ListRematchesResponse list;
  auto list_context = ContextWithDeadline(absl::Seconds(30));
  ASSERT_THAT(server_->rematch()->ListRematches(list_context.get(), list_request, &list), IsOk());
  ASSERT_GE(list.runs_size(), 1);
  EXPECT_EQ(list.runs(0).run_id(), run_id);
  EXPECT_EQ(list.runs(0).state(), v1::REMATCH_STATE_INCOMPLETE);
}

TEST_F(RematchServiceTest, SigtermPastTheGracePeriodStopsTheRunAndSaysSo) {
  auto context = ContextWithDeadline(absl::Seconds(300));
  auto reader = server_->rematch()->StartRematch(context.get(), GroupRequest());
  v1::RematchEvent event;
  ASSERT_TRUE(reader->Read(&event));
  ASSERT_TRUE(event.has_started());
  const std::string run_id = event.started().run_id();
  ASSERT_TRUE(server_->SendSignal(SIGTERM).ok());
  bool summary = false;
  while (reader->Read(&event)) summary = summary || event.has_summary();
  const grpc::Status status = reader->Finish();
  ASSERT_FALSE(summary) << "the run finished within the 0.2 s grace; the test needs a longer run";
  // The coach is told, with a code to retry on, what happened to the run.
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("the server is shutting down"));
  EXPECT_THAT(status.error_message(), HasSubstr(run_id));
  EXPECT_THAT(status.error_message(), HasSubstr("kept as INCOMPLETE"));
  absl::StatusOr<int> code = server_->WaitForExit(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);

  ASSERT_TRUE(server_->Restart().ok());
  const v1::RematchRun run = Get(run_id, false);
  EXPECT_EQ(run.state(), v1::REMATCH_STATE_INCOMPLETE);
  EXPECT_FALSE(run.has_summary());
  EXPECT_FALSE(run.finished_at().empty());
}

TEST_F(RematchServiceTest, AClientThatCancelsItsStreamStopsTheRun) {
  auto context = ContextWithDeadline(absl::Seconds(300));
  auto reader = server_->rematch()->StartRematch(context.get(), GroupRequest());
  v1::RematchEvent event;
  ASSERT_TRUE(reader->Read(&event));
  ASSERT_TRUE(event.has_started());
  const std::string run_id = event.started().run_id();
  context->TryCancel();
  while (reader->Read(&event)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // The server stopped the run (it would take seconds to finish) and stays responsive.
  EXPECT_EQ(WaitUntilStopped(run_id), v1::REMATCH_STATE_CANCELLED);
  ExpectShortCallsAnswered();
  // A new run goes through to its summary.
  auto again_context = ContextWithDeadline(absl::Seconds(300));
  auto again = server_->rematch()->StartRematch(again_context.get(), GroupRequest());
  v1::RematchEvent last;
  while (again->Read(&event)) last = event;
  EXPECT_THAT(again->Finish(), IsOk());
  EXPECT_TRUE(last.has_summary());
}

TEST_F(RematchServiceTest, APassedDeadlineEndsTheStreamAndStopsTheRun) {
  auto context = ContextWithDeadline(absl::Milliseconds(300));
  auto reader = server_->rematch()->StartRematch(context.get(), GroupRequest());
  v1::RematchEvent event;
  bool summary = false;
  while (reader->Read(&event)) summary = summary || event.has_summary();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_FALSE(summary) << "the run finished within 300 ms; the test needs a longer run";

  const std::string run_id = NewestRunId();
  ASSERT_FALSE(run_id.empty());
  EXPECT_EQ(WaitUntilStopped(run_id), v1::REMATCH_STATE_CANCELLED);
  ExpectShortCallsAnswered();
}

TEST_F(RematchServiceTest, PingAndShortlistAreAnsweredWhileARunGoes) {
  auto context = ContextWithDeadline(absl::Seconds(300));
  auto reader = server_->rematch()->StartRematch(context.get(), GroupRequest());
  v1::RematchEvent event;
  ASSERT_TRUE(reader->Read(&event));
  ASSERT_TRUE(event.has_started());
  const std::string run_id = event.started().run_id();
  // The run holds a worker thread and the rematch threads keep the cores busy; the short
  // calls run on gRPC's own threads and do not queue behind it.
  for (int i = 0; i < 5; ++i) ExpectShortCallsAnswered();
  EXPECT_EQ(Get(run_id, false).state(), v1::REMATCH_STATE_RUNNING)
      << "the run ended before the short calls; the test proves nothing";
  while (reader->Read(&event)) {
  }
  EXPECT_THAT(reader->Finish(), IsOk());
}

}  // namespace
}  // namespace w2w
