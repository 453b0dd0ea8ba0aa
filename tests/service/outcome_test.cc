// Outcome monitoring against the real server (issue 10): placements, tracks, follow-ups
// and cancellations through OutcomeService, with the record changes they cause in the
// same write (PLACED, the vacancy's seats), idempotency by event id, refusals that name
// the field and change nothing, the server's own status-change events, streamed imports,
// reports over what was recorded, and events that survive SIGKILL and an erasure.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"
#include "w2w/v1/outcome.grpc.pb.h"
#include "w2w/v1/privacy.grpc.pb.h"
#include "w2w/v1/report.grpc.pb.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::MakeCandidate;
using testkit::MakeVacancy;
using testkit::ServerProcess;
using testkit::StatusIs;
using ::testing::HasSubstr;

class OutcomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    Connect();
  }
  void Connect() {
    outcomes_ = v1::OutcomeService::NewStub(server_->channel());
    reports_ = v1::ReportService::NewStub(server_->channel());
  }
  v1::Candidate PutCandidate(const std::string& id, v1::CandidateStatus status, int variant = 0) {
    v1::UpsertCandidateRequest request;
    *request.mutable_candidate() = MakeCandidate(id, variant);
    request.mutable_candidate()->set_status(status);
    v1::UpsertCandidateResponse response;
    EXPECT_THAT(server_->candidates()->UpsertCandidate(ContextWithDeadline().get(), request, &response), IsOk());
    return response.candidate();
  }
  v1::Vacancy PutVacancy(const std::string& id, uint32_t positions, int variant = 0) {
    v1::UpsertVacancyRequest request;
    *request.mutable_vacancy() = MakeVacancy(id, variant);
    request.mutable_vacancy()->set_positions(positions);
    v1::UpsertVacancyResponse response;
    EXPECT_THAT(server_->vacancies()->UpsertVacancy(ContextWithDeadline().get(), request, &response), IsOk());
    return response.vacancy();
  }
  v1::Candidate GetCandidate(const std::string& id) {
    v1::GetCandidateRequest request;
    request.set_id(id);
    v1::Candidate out;
    EXPECT_THAT(server_->candidates()->GetCandidate(ContextWithDeadline().get(), request, &out), IsOk());
    return out;
  }
  v1::Vacancy GetVacancy(const std::string& id) {
    v1::GetVacancyRequest request;
    request.set_id(id);
    v1::Vacancy out;
    EXPECT_THAT(server_->vacancies()->GetVacancy(ContextWithDeadline().get(), request, &out), IsOk());
    return out;
  }
  grpc::Status Place(const std::string& event_id, const std::string& candidate, const std::string& vacancy,
                     const std::string& start, v1::RecordPlacementResponse* out = nullptr,
                     std::vector<std::string> retrained = {}) {
    v1::RecordPlacementRequest request;
    request.set_event_id(event_id);
    request.mutable_placement()->set_candidate_id(candidate);
    request.mutable_placement()->set_vacancy_id(vacancy);
    request.mutable_placement()->set_start_date(start);
    for (const std::string& q : retrained) request.mutable_placement()->add_retrained_qualifications(q);
    v1::RecordPlacementResponse response;
    return outcomes_->RecordPlacement(ContextWithDeadline().get(), request, out ? out : &response);
  }
  grpc::Status Track(const std::string& event_id, v1::TrackEvent track, v1::RecordEventResponse* out = nullptr) {
    v1::RecordTrackRequest request;
    request.set_event_id(event_id);
    *request.mutable_track() = std::move(track);
    v1::RecordEventResponse response;
    return outcomes_->RecordTrack(ContextWithDeadline().get(), request, out ? out : &response);
  }
  grpc::Status FollowUp(const std::string& event_id, const std::string& placement, uint32_t months, bool in_work,
                        const std::string& date) {
    v1::RecordFollowUpRequest request;
    request.set_event_id(event_id);
    request.mutable_follow_up()->set_placement_event_id(placement);
    request.mutable_follow_up()->set_months(months);
    request.mutable_follow_up()->set_in_work(in_work);
    request.mutable_follow_up()->set_date(date);
    v1::RecordEventResponse response;
    return outcomes_->RecordFollowUp(ContextWithDeadline().get(), request, &response);
  }
  grpc::Status Cancel(const std::string& event_id, const std::string& cancelled) {
    v1::CancelEventRequest request;
    request.set_event_id(event_id);
    request.set_cancelled_event_id(cancelled);
    request.set_reason("test correction");
    v1::RecordEventResponse response;
    return outcomes_->CancelEvent(ContextWithDeadline().get(), request, &response);
  }
  std::vector<v1::OutcomeEvent> EventsOf(const std::string& candidate, bool include_cancelled = false) {
    v1::ListEventsRequest request;
    request.set_candidate_id(candidate);
    request.set_include_cancelled(include_cancelled);
    request.set_page_size(1000);
    v1::ListEventsResponse response;
    EXPECT_THAT(outcomes_->ListEvents(ContextWithDeadline().get(), request, &response), IsOk());
    return {response.events().begin(), response.events().end()};
  }
  v1::GetReportResponse Report(v1::ReportGrouping by = v1::REPORT_GROUPING_UNSPECIFIED) {
    v1::GetReportRequest request;
    request.set_group_by(by);
    request.set_from_date("2020-01-01");
    request.set_to_date("2029-12-31");
    v1::GetReportResponse response;
    EXPECT_THAT(reports_->GetReport(ContextWithDeadline().get(), request, &response), IsOk());
    return response;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
};

TEST_F(OutcomeTest, APlacementPlacesTheCandidateAndTakesASeatInOneWrite) {
  PutCandidate("c-1", v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  PutCandidate("c-2", v1::CANDIDATE_STATUS_AT_RISK, 1);
  PutVacancy("v-1", 2);
  v1::RecordPlacementResponse placed;
  ASSERT_THAT(Place("e-1", "c-1", "v-1", "2026-03-01", &placed), IsOk());
  EXPECT_TRUE(placed.created());
  EXPECT_EQ(placed.candidate().status(), v1::CANDIDATE_STATUS_PLACED);
  EXPECT_EQ(placed.event().placement().previous_status(), v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  EXPECT_EQ(placed.event().date(), "2026-03-01");
  EXPECT_FALSE(placed.event().region().empty());
  EXPECT_EQ(GetCandidate("c-1").status(), v1::CANDIDATE_STATUS_PLACED);
  v1::Vacancy v = GetVacancy("v-1");
  EXPECT_EQ(v.filled_positions(), 1u);
  EXPECT_EQ(v.status(), v1::VACANCY_STATUS_OPEN);
  // The last seat fills the vacancy.
  ASSERT_THAT(Place("e-2", "c-2", "v-1", "2026-03-02"), IsOk());
  v = GetVacancy("v-1");
  EXPECT_EQ(v.filled_positions(), 2u);
  EXPECT_EQ(v.status(), v1::VACANCY_STATUS_FILLED);
  // A partner's re-push of the vacancy keeps the seats the placements took.
  v1::UpsertVacancyRequest repush;
  *repush.mutable_vacancy() = MakeVacancy("v-1");
  repush.mutable_vacancy()->set_positions(2);
  repush.mutable_vacancy()->set_title("Nieuwe titel");
  v1::UpsertVacancyResponse repushed;
  ASSERT_THAT(server_->vacancies()->UpsertVacancy(ContextWithDeadline().get(), repush, &repushed), IsOk());
  EXPECT_EQ(repushed.vacancy().filled_positions(), 2u);
}

TEST_F(OutcomeTest, RepeatsAreIdempotentAndBadEventsChangeNothing) {
  const v1::Candidate c = PutCandidate("c-1", v1::CANDIDATE_STATUS_AT_RISK);
  PutCandidate("c-2", v1::CANDIDATE_STATUS_AT_RISK, 2);
  PutVacancy("v-1", 1);
  ASSERT_THAT(Place("e-1", "c-1", "v-1", "2026-03-01"), IsOk());
  v1::RecordPlacementResponse again;
  ASSERT_THAT(Place("e-1", "c-1", "v-1", "2026-03-01", &again), IsOk());
  EXPECT_FALSE(again.created());
  EXPECT_EQ(GetVacancy("v-1").filled_positions(), 1u);
  EXPECT_THAT(Place("e-1", "c-1", "v-1", "2026-03-09"), StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("event_id")));
  // A second placement of a placed person; a vacancy without a seat.
  PutVacancy("v-2", 1, 1);
  EXPECT_THAT(Place("e-2", "c-1", "v-2", "2026-04-01"),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("placement.candidate_id")));
  EXPECT_THAT(Place("e-3", "c-2", "v-1", "2026-04-01"),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("placement.vacancy_id")));
  // Unknown ids, bad codes and dates.
  EXPECT_THAT(Place("e-4", "nobody", "v-2", "2026-04-01"),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("placement.candidate_id")));
  EXPECT_THAT(Place("e-5", "c-2", "no-such", "2026-04-01"),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("placement.vacancy_id")));
  EXPECT_THAT(Place("e-6", "c-2", "v-2", "2026-13-01"),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("placement.start_date")));
  EXPECT_THAT(Place("e-7", "c-2", "v-2", "2026-04-01", nullptr, {"NO-SUCH-CERT"}),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("placement.retrained_qualifications[0]")));
  EXPECT_THAT(Place("status:x", "c-2", "v-2", "2026-04-01"),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("event_id")));
  // Nothing of the refused ones was written.
  EXPECT_EQ(GetCandidate("c-2").status(), v1::CANDIDATE_STATUS_AT_RISK);
  EXPECT_EQ(GetVacancy("v-2").filled_positions(), 0u);
  for (const v1::OutcomeEvent& e : EventsOf("c-2")) EXPECT_TRUE(e.has_status_change()) << e.DebugString();
  (void)c;
}

TEST_F(OutcomeTest, TracksStartAndEndOnceInDateOrder) {
  PutCandidate("c-1", v1::CANDIDATE_STATUS_UNEMPLOYED);
  v1::TrackEvent start;
  start.set_track_id("t-1");
  start.set_candidate_id("c-1");
  start.set_qualification("VCA-BASIS");
  start.set_provider("Lasschool Oost");
  start.set_start_date("2026-02-01");
  start.set_cost_eur(1800);
  ASSERT_THAT(Track("e-s", start), IsOk());
  v1::TrackEvent end;
  end.set_track_id("t-1");
  end.set_result(v1::TRACK_RESULT_COMPLETED);
  end.set_end_date("2026-01-15");
  EXPECT_THAT(Track("e-bad", end), StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("track.end_date")));
  end.set_end_date("2026-03-15");
  v1::RecordEventResponse ended;
  ASSERT_THAT(Track("e-end", end, &ended), IsOk());
  EXPECT_EQ(ended.event().candidate_id(), "c-1");
  EXPECT_GT(ended.event().refers_to_seq(), 0u);
  end.set_result(v1::TRACK_RESULT_DROPPED);
  EXPECT_THAT(Track("e-end2", end), StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("track.track_id")));
  // An end of an unknown track is its start, which needs a candidate.
  end.set_track_id("t-unknown");
  EXPECT_THAT(Track("e-end3", end), StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("track.candidate_id")));
  // Cancelling the end lets the track end again.
  ASSERT_THAT(Cancel("x-1", "e-end"), IsOk());
  end.set_track_id("t-1");
  EXPECT_THAT(Track("e-end4", end), IsOk());
}

TEST_F(OutcomeTest, FollowUpsAndCancellationsUndoInOrder) {
  PutCandidate("c-1", v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER);
  PutVacancy("v-1", 1);
  ASSERT_THAT(Place("p-1", "c-1", "v-1", "2026-01-10"), IsOk());
  EXPECT_THAT(FollowUp("f-0", "p-1", 6, true, "2025-12-31"),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("follow_up.date")));
  EXPECT_THAT(FollowUp("f-0", "p-1", 7, true, "2026-07-10"),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("follow_up.months")));
  EXPECT_THAT(FollowUp("f-0", "nope", 6, true, "2026-07-10"),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("follow_up.placement_event_id")));
  ASSERT_THAT(FollowUp("f-6", "p-1", 6, true, "2026-07-10"), IsOk());
  EXPECT_THAT(FollowUp("f-6b", "p-1", 6, false, "2026-07-11"),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("follow_up.months")));
  // The placement cannot go while its follow-up counts.
  EXPECT_THAT(Cancel("x-1", "p-1"), StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("follow-up")));
  ASSERT_THAT(Cancel("x-2", "f-6"), IsOk());
  EXPECT_THAT(Cancel("x-3", "f-6"), StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("cancelled already")));
  ASSERT_THAT(Cancel("x-4", "p-1"), IsOk());
  // The person has the status from before the placement again, the vacancy its seat.
  EXPECT_EQ(GetCandidate("c-1").status(), v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER);
  const v1::Vacancy v = GetVacancy("v-1");
  EXPECT_EQ(v.filled_positions(), 0u);
  EXPECT_EQ(v.status(), v1::VACANCY_STATUS_OPEN);
  // Listed with who cancelled them when asked; left out otherwise.
  int cancelled = 0;
  for (const v1::OutcomeEvent& e : EventsOf("c-1", true)) cancelled += !e.cancelled_by().empty();
  EXPECT_EQ(cancelled, 2);
  for (const v1::OutcomeEvent& e : EventsOf("c-1")) EXPECT_TRUE(e.cancelled_by().empty());
  // A status change the server recorded is corrected by writing the candidate.
  EXPECT_THAT(Cancel("x-5", EventsOf("c-1").front().event_id()),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("writing the candidate")));
}

TEST_F(OutcomeTest, StatusChangesAreRecordedByTheServer) {
  PutCandidate("c-1", v1::CANDIDATE_STATUS_EMPLOYED);
  PutCandidate("c-1", v1::CANDIDATE_STATUS_AT_RISK);
  PutCandidate("c-1", v1::CANDIDATE_STATUS_AT_RISK);  // Unchanged: no event.
  PutCandidate("c-1", v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  std::vector<v1::CandidateStatus> seen;
  for (const v1::OutcomeEvent& e : EventsOf("c-1")) {
    ASSERT_TRUE(e.has_status_change());
    EXPECT_EQ(e.recorded_by(), "system");
    seen.push_back(e.status_change().to());
  }
  EXPECT_THAT(seen, ::testing::ElementsAre(v1::CANDIDATE_STATUS_EMPLOYED, v1::CANDIDATE_STATUS_AT_RISK,
                                           v1::CANDIDATE_STATUS_NOTICE_GIVEN));
}

TEST_F(OutcomeTest, ImportedHistoryCountsInTheReportAndSurvivesRestart) {
  for (int i = 0; i < 20; ++i) PutCandidate(absl::StrCat("c-", i), v1::CANDIDATE_STATUS_NOTICE_GIVEN, i);
  grpc::ClientContext context;
  v1::ImportSummary summary;
  auto writer = outcomes_->ImportEvents(&context, &summary);
  v1::ImportEventsRequest batch;
  for (int i = 0; i < 20; ++i) {
    v1::OutcomeEvent* signal = batch.add_events();
    signal->set_event_id(absl::StrCat("h-s-", i));
    signal->mutable_status_change()->set_candidate_id(absl::StrCat("c-", i));
    signal->mutable_status_change()->set_to(v1::CANDIDATE_STATUS_AT_RISK);
    signal->mutable_status_change()->set_date("2026-01-05");
  }
  for (int i = 0; i < 10; ++i) {
    v1::OutcomeEvent* p = batch.add_events();
    p->set_event_id(absl::StrCat("h-p-", i));
    p->mutable_placement()->set_candidate_id(absl::StrCat("c-", i));
    v1::ExternalJob* job = p->mutable_placement()->mutable_external();
    job->set_employer_id("emp-x");
    job->set_trade(MakeCandidate("x").trades(0).code());
    job->set_sector(v1::SECTOR_INST);
    job->set_region("Twente");
    p->mutable_placement()->set_start_date("2026-02-04");  // 30 days after the signal.
  }
  v1::OutcomeEvent* twice = batch.add_events();  // The same person again: refused.
  twice->CopyFrom(batch.events(20));
  twice->set_event_id("h-p-again");
  ASSERT_TRUE(writer->Write(batch));
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.received(), 31u);
  EXPECT_EQ(summary.committed(), 30u);
  ASSERT_EQ(summary.rejected(), 1u);
  EXPECT_EQ(summary.errors(0).index(), 30u);
  EXPECT_EQ(summary.errors(0).code(), "FAILED_PRECONDITION");

  v1::GetReportResponse report = Report();
  EXPECT_EQ(report.total().placements(), 10u);
  EXPECT_EQ(report.total().entered(), 20u);
  EXPECT_EQ(report.total().median_days_to_placement(), 30);
  EXPECT_EQ(report.total().placed_before_unemployment(), 10u);
  EXPECT_GT(report.total().events(), 0u);
  ASSERT_TRUE(server_->Kill().ok());
  ASSERT_TRUE(server_->Restart().ok());
  Connect();
  v1::GetReportResponse again = Report();
  EXPECT_EQ(again.total().placements(), 10u);
  EXPECT_EQ(again.total().entered(), 20u);
  EXPECT_EQ(again.total().events(), report.total().events());
}

TEST_F(OutcomeTest, AcknowledgedPlacementsSurviveSigkillWithTheirEffects) {
  constexpr int kPeople = 60;
  for (int i = 0; i < kPeople; ++i) PutCandidate(absl::StrCat("k-", i), v1::CANDIDATE_STATUS_AT_RISK, i);
  PutVacancy("v-big", 1000);
  std::atomic<int> acknowledged{0};
  std::thread placer([&, channel = server_->channel()] {
    auto stub = v1::OutcomeService::NewStub(channel);
    for (int i = 0; i < kPeople; ++i) {
      v1::RecordPlacementRequest request;
      request.set_event_id(absl::StrCat("kp-", i));
      request.mutable_placement()->set_candidate_id(absl::StrCat("k-", i));
      request.mutable_placement()->set_vacancy_id("v-big");
      request.mutable_placement()->set_start_date("2026-05-01");
      v1::RecordPlacementResponse response;
      if (!stub->RecordPlacement(ContextWithDeadline().get(), request, &response).ok()) return;
      acknowledged.store(i + 1);
    }
  });
  absl::SleepFor(absl::Milliseconds(40));
  ASSERT_TRUE(server_->Kill().ok());
  placer.join();
  ASSERT_TRUE(server_->Restart().ok());
  Connect();
  int placed = 0;
  for (int i = 0; i < kPeople; ++i) {
    const std::string id = absl::StrCat("k-", i);
    bool has_event = false;
    for (const v1::OutcomeEvent& e : EventsOf(id)) has_event = has_event || e.has_placement();
    const bool is_placed = GetCandidate(id).status() == v1::CANDIDATE_STATUS_PLACED;
    EXPECT_EQ(has_event, is_placed) << id << ": the event and the status must be written together";
    if (i < acknowledged.load()) {
      EXPECT_TRUE(has_event) << id << " was acknowledged";
    }
    placed += has_event;
  }
  EXPECT_EQ(GetVacancy("v-big").filled_positions(), static_cast<uint32_t>(placed));
  EXPECT_EQ(Report().total().placements(), static_cast<uint64_t>(placed));
}

TEST_F(OutcomeTest, ErasureKeepsTheCountsAndDropsThePerson) {
  PutCandidate("c-1", v1::CANDIDATE_STATUS_AT_RISK);
  PutVacancy("v-1", 1);
  ASSERT_THAT(Place("p-1", "c-1", "v-1", "2026-06-01"), IsOk());
  const v1::GetReportResponse before = Report();
  ASSERT_EQ(before.total().placements(), 1u);
  v1::EraseCandidateRequest erase;
  erase.set_id("c-1");
  v1::EraseCandidateResponse erased;
  ASSERT_THAT(v1::PrivacyService::NewStub(server_->channel())->EraseCandidate(ContextWithDeadline().get(), erase, &erased),
              IsOk());
  EXPECT_GE(erased.outcome_events_scrubbed(), 2u);
  const v1::GetReportResponse after = Report();
  EXPECT_EQ(after.total().placements(), 1u);
  EXPECT_EQ(after.total().entered(), before.total().entered());
  // The events are found by the old id but no longer name it.
  const std::vector<v1::OutcomeEvent> events = EventsOf("c-1");
  ASSERT_FALSE(events.empty());
  for (const v1::OutcomeEvent& e : events) {
    EXPECT_TRUE(absl::StartsWith(e.candidate_id(), "erased:")) << e.candidate_id();
    EXPECT_THAT(e.DebugString(), ::testing::Not(HasSubstr("\"c-1\"")));
  }
}

TEST_F(OutcomeTest, CoachesRecordOnlyForTheirScope) {
  const v1::Candidate c = PutCandidate("c-1", v1::CANDIDATE_STATUS_AT_RISK);
  PutVacancy("v-1", 1);
  v1::Scope elsewhere;
  elsewhere.add_regions(c.region() == "Twente" ? "Groot Amsterdam" : "Twente");
  auto token = server_->CreateToken("coach-elsewhere", v1::ROLE_COACH, elsewhere);
  ASSERT_TRUE(token.ok()) << token.status();
  auto stub = v1::OutcomeService::NewStub(server_->ChannelWithToken(token->secret()));
  v1::RecordPlacementRequest request;
  request.set_event_id("e-1");
  request.mutable_placement()->set_candidate_id("c-1");
  request.mutable_placement()->set_vacancy_id("v-1");
  request.mutable_placement()->set_start_date("2026-03-01");
  v1::RecordPlacementResponse response;
  EXPECT_THAT(stub->RecordPlacement(ContextWithDeadline().get(), request, &response),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("placement.candidate_id")));
  EXPECT_EQ(GetCandidate("c-1").status(), v1::CANDIDATE_STATUS_AT_RISK);
  // Its report covers its scope only: nobody it sees was placed.
  auto reports = v1::ReportService::NewStub(server_->ChannelWithToken(token->secret()));
  ASSERT_THAT(Place("e-2", "c-1", "v-1", "2026-03-01"), IsOk());
  v1::GetReportRequest report;
  report.set_from_date("2020-01-01");
  report.set_to_date("2029-12-31");
  v1::GetReportResponse seen;
  ASSERT_THAT(reports->GetReport(ContextWithDeadline().get(), report, &seen), IsOk());
  EXPECT_EQ(seen.total().placements(), 0u);
  EXPECT_EQ(Report().total().placements(), 1u);
}

}  // namespace
}  // namespace w2w
