// WatchService against the real w2w-server: the first messages (STARTED, the current
// state), a candidate entering and leaving a watched vacancy's top k, a watched
// candidate's new best vacancy on a push and on a close, in_scope for a coach (its
// region's pushes only), scope and bad input refused before the stream starts, a resume
// token that replays what happened while disconnected, a slow watcher told it fell
// behind, shutdown ending the stream with its resume token, and a randomized check that
// the top k a watcher rebuilds from its events equals a fresh Shortlist.
#include <csignal>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"
#include "w2w/v1/audit.grpc.pb.h"
#include "w2w/v1/watch.grpc.pb.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using testkit::StatusIs;

v1::Vacancy WelderVacancy(const std::string& id, const std::string& municipality, const std::string& source = "") {
  v1::Vacancy v;
  v.set_id(id);
  v.set_employer_id("metaal-" + municipality);
  v.set_municipality(municipality);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(testkit::kWelderCode);
  v.set_positions(2);
  v.set_title("Lasser");
  v.set_source(source);
  return v;
}

v1::Candidate Welder(const std::string& id, const std::string& municipality, uint32_t years,
                     const std::string& source = "") {
  v1::Candidate c;
  c.set_id(id);
  c.set_municipality(municipality);
  c.set_sector(v1::SECTOR_ME);
  v1::TradeExperience* t = c.add_trades();
  t->set_code(testkit::kWelderCode);
  t->set_years(years);
  c.set_employer_id("failliet-bv");
  c.set_status(v1::CANDIDATE_STATUS_AT_RISK);
  c.set_max_travel_km(60);
  c.set_willing_to_retrain(true);
  c.set_source(source);
  return c;
}

// One open Watch stream read on the test's thread.
class Watcher {
 public:
  Watcher(const std::shared_ptr<grpc::Channel>& channel, const v1::WatchRequest& request)
      : stub_(v1::WatchService::NewStub(channel)) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    reader_ = stub_->Watch(&context_, request);
  }
  ~Watcher() {
    if (finished_) return;
    context_.TryCancel();
    v1::WatchResponse ignored;
    while (reader_->Read(&ignored)) {
    }
    (void)reader_->Finish();
  }
  // The next message; false when the stream ended (then Finish(), once).
  bool Read(v1::WatchResponse* out) { return reader_->Read(out); }
  grpc::Status Finish() {
    finished_ = true;
    return reader_->Finish();
  }
  // Reads until `pred` holds for an event, collecting every event on the way; false when
  // the stream ended first.
  template <typename Pred>
  bool ReadUntil(Pred pred, std::vector<v1::WatchEvent>* seen = nullptr) {
    v1::WatchResponse r;
    while (reader_->Read(&r)) {
      if (r.has_notice()) notices.push_back(r.notice());
      for (const v1::WatchEvent& e : r.events()) {
        if (seen != nullptr) seen->push_back(e);
        last_token = e.resume_token();
        if (pred(e)) return true;
      }
    }
    return false;
  }
  void Cancel() { context_.TryCancel(); }

  std::vector<v1::WatchNotice> notices;
  std::string last_token;

 private:
  std::unique_ptr<v1::WatchService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchResponse>> reader_;
  bool finished_ = false;
};

class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }
  void StartServer(std::vector<std::string> flags) {
    testkit::ServerProcessOptions options;
    options.extra_flags = std::move(flags);
    auto started = ServerProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    candidates_ = server_->candidates();
    vacancies_ = server_->vacancies();
    match_ = server_->match();
  }
  void Put(const v1::Candidate& c) {
    v1::UpsertCandidateRequest request;
    *request.mutable_candidate() = c;
    v1::UpsertCandidateResponse response;
    ASSERT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), request, &response), IsOk()) << c.id();
  }
  void Put(const v1::Vacancy& v) {
    v1::UpsertVacancyRequest request;
    *request.mutable_vacancy() = v;
    v1::UpsertVacancyResponse response;
    ASSERT_THAT(vacancies_->UpsertVacancy(ContextWithDeadline().get(), request, &response), IsOk()) << v.id();
  }
  void Push(const std::vector<v1::Vacancy>& vs) {
    auto context = ContextWithDeadline();
    v1::ImportSummary summary;
    auto writer = vacancies_->PushVacancies(context.get(), &summary);
    v1::PushVacanciesRequest request;
    for (const v1::Vacancy& v : vs) *request.add_vacancies() = v;
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    ASSERT_THAT(writer->Finish(), IsOk());
    ASSERT_EQ(summary.committed(), vs.size());
  }
  std::vector<std::string> ShortlistIds(const std::string& vacancy_id, uint32_t k) {
    v1::ShortlistRequest request;
    request.set_vacancy_id(vacancy_id);
    request.set_k(k);
    v1::ShortlistResponse response;
    EXPECT_THAT(match_->Shortlist(ContextWithDeadline().get(), request, &response), IsOk());
    std::vector<std::string> ids;
    for (const v1::CandidateMatch& m : response.matches()) ids.push_back(m.candidate_id());
    return ids;
  }
  // The first status of a watch that is refused before it starts.
  grpc::Status Refusal(const std::shared_ptr<grpc::Channel>& channel, const v1::WatchRequest& request) {
    Watcher w(channel, request);
    v1::WatchResponse first;
    if (w.Read(&first)) return grpc::Status::OK;
    return w.Finish();
  }
  std::shared_ptr<grpc::Channel> CoachOf(const std::string& region) {
    v1::Scope scope;
    scope.add_regions(region);
    auto token = server_->CreateToken("coach-" + region, v1::ROLE_COACH, scope);
    EXPECT_TRUE(token.ok()) << token.status();
    return server_->ChannelWithToken(token->secret());
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::CandidateService::Stub> candidates_;
  std::unique_ptr<v1::VacancyService::Stub> vacancies_;
  std::unique_ptr<v1::MatchService::Stub> match_;
};

TEST_F(WatchTest, AVacancysTopKIsCurrentAtTheStartThenEveryEntryAndExit) {
  Put(WelderVacancy("vac-ehv", testkit::kEindhoven));
  Put(Welder("anna", testkit::kEindhoven, 2));
  v1::WatchRequest request;
  request.add_vacancy_ids("vac-ehv");
  request.set_k(5);
  Watcher w(server_->channel(), request);
  v1::WatchResponse first;
  ASSERT_TRUE(w.Read(&first));
  ASSERT_TRUE(first.has_notice());
  EXPECT_EQ(first.notice().kind(), v1::WatchNotice::STARTED);
  EXPECT_THAT(first.notice().resume_token(), Not(IsEmpty()));
  std::vector<v1::WatchEvent> seen;
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::CURRENT_TOP_K; }, &seen));
  EXPECT_EQ(seen.back().candidate_id(), "anna");
  EXPECT_EQ(seen.back().rank(), 1u);
  EXPECT_EQ(seen.back().cause(), v1::WATCH_CAUSE_STARTED);

  // A more experienced welder enters at rank 1.
  const absl::Time before = absl::Now();
  Put(Welder("bert", testkit::kEindhoven, 10));
  seen.clear();
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::ENTERED_TOP_K; }, &seen));
  const v1::WatchEvent& entered = seen.back();
  EXPECT_EQ(entered.candidate_id(), "bert");
  EXPECT_EQ(entered.vacancy_id(), "vac-ehv");
  EXPECT_EQ(entered.rank(), 1u);
  EXPECT_GT(entered.score(), 0.5);
  EXPECT_THAT(entered.reasons(), Not(IsEmpty()));
  EXPECT_EQ(entered.cause(), v1::WATCH_CAUSE_CANDIDATE_CHANGED);
  EXPECT_THAT(entered.resume_token(), Not(IsEmpty()));
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));

  // Placed elsewhere: leaves, with the rank it had.
  v1::Candidate placed = Welder("bert", testkit::kEindhoven, 10);
  placed.set_status(v1::CANDIDATE_STATUS_PLACED);
  Put(placed);
  seen.clear();
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::LEFT_TOP_K; }, &seen));
  EXPECT_EQ(seen.back().candidate_id(), "bert");
  EXPECT_EQ(seen.back().previous_rank(), 1u);
  EXPECT_EQ(seen.back().rank(), 0u);

  // The vacancy closes: everyone leaves it.
  v1::CloseVacancyRequest close;
  close.set_id("vac-ehv");
  close.set_status(v1::VACANCY_STATUS_FILLED);
  v1::Vacancy closed;
  ASSERT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &closed), IsOk());
  seen.clear();
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::LEFT_TOP_K; }, &seen));
  EXPECT_EQ(seen.back().candidate_id(), "anna");
  EXPECT_EQ(seen.back().cause(), v1::WATCH_CAUSE_VACANCY_CHANGED);
}

TEST_F(WatchTest, AWatchedCandidateHearsOfANewBestVacancyOnAPushAndOnItsClose) {
  Put(Welder("carla", testkit::kEnschede, 8));
  v1::WatchRequest request;
  request.add_candidate_ids("carla");
  request.set_language(v1::LANGUAGE_NL);
  Watcher w(server_->channel(), request);
  std::vector<v1::WatchEvent> seen;
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::CURRENT_BEST_VACANCY; }, &seen));
  EXPECT_EQ(seen.back().vacancy_id(), "");  // No vacancy yet.

  Push({WelderVacancy("vac-far", testkit::kEindhoven), WelderVacancy("vac-near", testkit::kEnschede)});
  seen.clear();
  ASSERT_TRUE(w.ReadUntil(
      [](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::NEW_BEST_VACANCY && e.vacancy_id() == "vac-near"; },
      &seen));
  EXPECT_EQ(seen.back().cause(), v1::WATCH_CAUSE_VACANCY_CHANGED);
  EXPECT_GT(seen.back().score(), 0.5);
  EXPECT_THAT(seen.back().reasons(), Not(IsEmpty()));
  for (const v1::WatchEvent& e : seen) EXPECT_NE(e.vacancy_id(), "vac-far");  // Outside her 60 km.

  v1::CloseVacancyRequest close;
  close.set_id("vac-near");
  close.set_status(v1::VACANCY_STATUS_CLOSED);
  v1::Vacancy closed;
  ASSERT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &closed), IsOk());
  seen.clear();
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::NEW_BEST_VACANCY; }, &seen));
  EXPECT_EQ(seen.back().vacancy_id(), "");
  EXPECT_EQ(seen.back().previous_vacancy_id(), "vac-near");
}

TEST_F(WatchTest, InScopeFollowsTheCoachsRegionsPushesOnly) {
  Put(Welder("dirk", testkit::kEnschede, 5));
  Put(Welder("els", "Rotterdam", 5));
  std::shared_ptr<grpc::Channel> coach = CoachOf(testkit::kTwente);
  v1::WatchRequest request;
  request.set_in_scope(true);
  Watcher w(coach, request);
  v1::WatchResponse first;
  ASSERT_TRUE(w.Read(&first));
  ASSERT_EQ(first.notice().kind(), v1::WatchNotice::STARTED);

  // Rijnmond first, then Twente: the first event the coach hears of is Twente's.
  Push({WelderVacancy("vac-rdam", "Rotterdam")});
  Push({WelderVacancy("vac-ens", testkit::kEnschede)});
  std::vector<v1::WatchEvent> seen;
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::ENTERED_TOP_K; }, &seen));
  EXPECT_EQ(seen.back().vacancy_id(), "vac-ens");
  EXPECT_EQ(seen.back().candidate_id(), "dirk");
  for (const v1::WatchEvent& e : seen) EXPECT_NE(e.vacancy_id(), "vac-rdam");

  // A later change of the followed vacancy is heard of too.
  Put(Welder("frits", testkit::kEnschede, 15));
  seen.clear();
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.candidate_id() == "frits"; }, &seen));
  EXPECT_EQ(seen.back().kind(), v1::WatchEvent::ENTERED_TOP_K);
  EXPECT_EQ(seen.back().vacancy_id(), "vac-ens");
  EXPECT_EQ(seen.back().rank(), 1u);
}

TEST_F(WatchTest, WhatAWatcherLearntIsAuditedAndARevokedTokensWatchEnds) {
  Put(Welder("lies", testkit::kEnschede, 5));
  v1::Scope scope;
  scope.add_regions(testkit::kTwente);
  auto token = server_->CreateToken("coach-revoked-watch", v1::ROLE_COACH, scope);
  ASSERT_TRUE(token.ok()) << token.status();
  v1::WatchRequest request;
  request.set_in_scope(true);
  Watcher w(server_->ChannelWithToken(token->secret()), request);
  v1::WatchResponse first;
  ASSERT_TRUE(w.Read(&first));
  Push({WelderVacancy("vac-ens-1", testkit::kEnschede)});
  ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.candidate_id() == "lies"; }));

  // The audit says who learnt of her, through which RPC, for which vacancy.
  auto audit = v1::AuditService::NewStub(server_->channel());
  v1::ListAccessRequest list;
  list.set_candidate_id("lies");
  v1::ListAccessResponse entries;
  ASSERT_THAT(audit->ListAccess(ContextWithDeadline().get(), list, &entries), IsOk());
  bool found = false;
  for (const v1::AccessEntry& e : entries.entries()) {
    if (e.rpc() == "Watch" && e.token_name() == "coach-revoked-watch" && e.vacancy_id() == "vac-ens-1") found = true;
  }
  EXPECT_TRUE(found) << entries.DebugString();

  // Revoked: the next message is not sent; the stream ends UNAUTHENTICATED.
  auto access = server_->access();
  v1::RevokeTokenRequest revoke;
  revoke.set_id(token->token().id());
  v1::RevokeTokenResponse revoked;
  ASSERT_THAT(access->RevokeToken(ContextWithDeadline().get(), revoke, &revoked), IsOk());
  Push({WelderVacancy("vac-ens-2", testkit::kEnschede)});
  std::vector<v1::WatchEvent> after;
  EXPECT_FALSE(w.ReadUntil([](const v1::WatchEvent&) { return false; }, &after));
  EXPECT_THAT(after, IsEmpty());
  EXPECT_THAT(w.Finish(), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("revoked")));
}

TEST_F(WatchTest, OutOfScopeIdsAnswerAsUnknownAndBadRequestsNameTheField) {
  Put(WelderVacancy("vac-rdam", "Rotterdam"));
  Put(Welder("gijs", "Rotterdam", 5));
  std::shared_ptr<grpc::Channel> coach = CoachOf(testkit::kTwente);
  v1::WatchRequest out_of_scope;
  out_of_scope.add_vacancy_ids("vac-rdam");
  v1::WatchRequest absent;
  absent.add_vacancy_ids("vac-none");
  const grpc::Status a = Refusal(coach, out_of_scope);
  const grpc::Status b = Refusal(coach, absent);
  EXPECT_THAT(a, StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("vacancy_ids[0]")));
  EXPECT_EQ(a.error_code(), b.error_code());
  EXPECT_EQ(a.error_message().find("vac-rdam") != std::string::npos, b.error_message().find("vac-none") != std::string::npos);
  v1::WatchRequest candidate;
  candidate.add_candidate_ids("gijs");
  EXPECT_THAT(Refusal(coach, candidate), StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("candidate_ids[0]")));
  // The administrator sees it.
  EXPECT_THAT(Refusal(server_->channel(), out_of_scope), IsOk());

  EXPECT_THAT(Refusal(server_->channel(), v1::WatchRequest()),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("vacancy_ids")));
  v1::WatchRequest big_k = out_of_scope;
  big_k.set_k(101);
  EXPECT_THAT(Refusal(server_->channel(), big_k), StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("k:")));
  v1::WatchRequest token = out_of_scope;
  token.set_resume_token("not-a-token");
  EXPECT_THAT(Refusal(server_->channel(), token),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("resume_token")));
  v1::WatchRequest twice;
  twice.add_vacancy_ids("vac-rdam");
  twice.add_vacancy_ids("vac-rdam");
  EXPECT_THAT(Refusal(server_->channel(), twice),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("vacancy_ids[1]")));
  EXPECT_THAT(Refusal(server_->ChannelWithToken(""), out_of_scope), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("authorization")));
}

TEST_F(WatchTest, AResumeTokenReplaysWhatHappenedWhileDisconnected) {
  Put(WelderVacancy("vac-ehv", testkit::kEindhoven));
  Put(Welder("hans", testkit::kEindhoven, 3));
  v1::WatchRequest request;
  request.add_vacancy_ids("vac-ehv");
  std::string token;
  {
    Watcher w(server_->channel(), request);
    ASSERT_TRUE(w.ReadUntil([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::CURRENT_TOP_K; }));
    token = w.last_token;
  }
  // While nobody is connected.
  Put(Welder("ingrid", testkit::kEindhoven, 12));
  absl::SleepFor(absl::Milliseconds(300));
  request.set_resume_token(token);
  Watcher again(server_->channel(), request);
  v1::WatchResponse first;
  ASSERT_TRUE(again.Read(&first));
  EXPECT_EQ(first.notice().kind(), v1::WatchNotice::RESUMED);
  std::vector<v1::WatchEvent> seen;
  ASSERT_TRUE(again.ReadUntil([](const v1::WatchEvent& e) { return e.candidate_id() == "ingrid"; }, &seen));
  EXPECT_EQ(seen.back().kind(), v1::WatchEvent::ENTERED_TOP_K);
  for (const v1::WatchEvent& e : seen) EXPECT_NE(e.kind(), v1::WatchEvent::CURRENT_TOP_K);  // A replay, not a restart.
}

TEST_F(WatchTest, ASlowWatcherIsToldItFellBehindAndIngestGoesOn) {
  server_.reset();
  StartServer({"--watch_queue_limit=20"});
  Put(Welder("jan", testkit::kEnschede, 5));
  Put(Welder("kees", testkit::kEnschede, 7));
  v1::WatchRequest request;
  request.set_in_scope(true);
  Watcher w(server_->channel(), request);
  v1::WatchResponse first;
  ASSERT_TRUE(w.Read(&first));
  // Not reading while 2,000 pushed vacancies make 4,000 events (far over gRPC's window).
  const absl::Time start = absl::Now();
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<v1::Vacancy> vs;
    for (int i = 0; i < 200; ++i) vs.push_back(WelderVacancy(absl::StrCat("vac-", batch, "-", i), testkit::kEnschede));
    Push(vs);
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(60));
  bool told = false;
  v1::WatchResponse r;
  while (w.Read(&r)) {
    if (r.has_notice() && r.notice().kind() == v1::WatchNotice::FELL_BEHIND) {
      told = true;
      EXPECT_GT(r.notice().missed(), 0u);
      EXPECT_THAT(r.notice().resume_token(), Not(IsEmpty()));
    }
  }
  EXPECT_TRUE(told);
  EXPECT_THAT(w.Finish(), StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("resume_token")));
}

TEST_F(WatchTest, ShutdownEndsTheStreamWithItsResumeToken) {
  Put(WelderVacancy("vac-ehv", testkit::kEindhoven));
  v1::WatchRequest request;
  request.add_vacancy_ids("vac-ehv");
  Watcher w(server_->channel(), request);
  v1::WatchResponse first;
  ASSERT_TRUE(w.Read(&first));
  const absl::Time start = absl::Now();
  ASSERT_TRUE(server_->SendSignal(SIGTERM).ok());
  v1::WatchResponse r;
  while (w.Read(&r)) {
  }
  EXPECT_THAT(w.Finish(), StatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("resume_token")));
  auto code = server_->WaitForExit(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // Not held for the drain's grace.
}

// The top k rebuilt from the events equals a fresh shortlist, after random changes.
TEST_F(WatchTest, TheTopKRebuiltFromEventsEqualsAFreshShortlist) {
  const std::vector<std::string> places = {testkit::kEindhoven, "Helmond", "Veldhoven", testkit::kEnschede,
                                           "Hengelo"};
  std::vector<std::string> vacancy_ids;
  for (int i = 0; i < 4; ++i) {
    vacancy_ids.push_back(absl::StrCat("vac-", i));
    Put(WelderVacancy(vacancy_ids.back(), places[i % places.size()]));
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 30; ++i) {
    Put(Welder(absl::StrCat("c", i), places[rng() % places.size()], static_cast<uint32_t>(rng() % 20)));
  }
  v1::Vacancy sentinel = WelderVacancy("vac-sentinel", testkit::kEindhoven);
  sentinel.set_trade(testkit::kVehicleTechnicianCode);
  Put(sentinel);
  constexpr uint32_t kK = 5;
  v1::WatchRequest request;
  for (const std::string& id : vacancy_ids) request.add_vacancy_ids(id);
  request.add_vacancy_ids("vac-sentinel");
  request.set_k(kK);
  Watcher w(server_->channel(), request);
  std::map<std::string, std::map<std::string, uint32_t>> top;  // vacancy -> candidate -> rank
  auto apply = [&](const v1::WatchEvent& e) {
    if (e.kind() == v1::WatchEvent::CURRENT_TOP_K || e.kind() == v1::WatchEvent::ENTERED_TOP_K) {
      top[e.vacancy_id()][e.candidate_id()] = e.rank();
    } else if (e.kind() == v1::WatchEvent::LEFT_TOP_K) {
      top[e.vacancy_id()].erase(e.candidate_id());
    }
  };
  std::map<std::string, std::string> best;  // candidate -> best vacancy, from the events
  auto apply_best = [&](const v1::WatchEvent& e) {
    if (e.kind() == v1::WatchEvent::CURRENT_BEST_VACANCY || e.kind() == v1::WatchEvent::NEW_BEST_VACANCY) {
      best[e.candidate_id()] = e.vacancy_id();
    }
  };
  v1::WatchRequest for_candidates;
  for (int i = 0; i < 6; ++i) for_candidates.add_candidate_ids(absl::StrCat("c", i));
  Watcher wc(server_->channel(), for_candidates);
  for (int i = 0; i < 160; ++i) {
    const uint32_t what = rng() % 8;
    if (what < 5) {
      v1::Candidate c = Welder(absl::StrCat("c", rng() % 40), places[rng() % places.size()],
                               static_cast<uint32_t>(rng() % 25));
      if (rng() % 5 == 0) c.set_status(v1::CANDIDATE_STATUS_PLACED);
      c.set_max_travel_km(static_cast<uint32_t>(10 + rng() % 60));
      Put(c);
    } else if (what < 7) {  // A new or changed vacancy somewhere.
      v1::Vacancy v = WelderVacancy(absl::StrCat("vac-x", rng() % 12), places[rng() % places.size()]);
      if (rng() % 2 == 0) v.set_hard_to_fill(true);
      Put(v);
    } else {  // One closes.
      v1::Vacancy v = WelderVacancy(absl::StrCat("vac-x", rng() % 12), places[rng() % places.size()]);
      v.set_status(v1::VACANCY_STATUS_CLOSED);
      Put(v);
    }
  }
  // Two sentinels of another trade, each entering only the sentinel vacancy's top k: once
  // the second one's event is in, every event of the changes before the first is too
  // (the hub handles changes in batches, in order; the second is alone in its batch).
  for (const char* sentinel : {"zz-sentinel-1", "zz-sentinel-2"}) {
    v1::Candidate c = Welder(sentinel, testkit::kEindhoven, 5);
    c.mutable_trades(0)->set_code(testkit::kVehicleTechnicianCode);
    Put(c);
    std::vector<v1::WatchEvent> seen;
    ASSERT_TRUE(w.ReadUntil([&](const v1::WatchEvent& e) { return e.candidate_id() == sentinel; }, &seen));
    EXPECT_EQ(seen.back().vacancy_id(), "vac-sentinel");
    for (const v1::WatchEvent& e : seen) apply(e);
  }
  for (const std::string& id : vacancy_ids) {
    SCOPED_TRACE(id);
    std::set<std::string> rebuilt_set;
    for (const auto& [candidate, rank] : top[id]) {
      EXPECT_GE(rank, 1u);
      EXPECT_LE(rank, kK);
      rebuilt_set.insert(candidate);
    }
    // Ranks of those that stayed may shift without an event; who is in the top k may not.
    const std::vector<std::string> fresh = ShortlistIds(id, kK);
    const std::set<std::string> fresh_set(fresh.begin(), fresh.end());
    EXPECT_EQ(rebuilt_set, fresh_set);
  }
  // The candidates' watch: each best equals a fresh MatchCandidate, once a last change is
  // in (a vacancy that becomes c0's best, then closes: the close is alone in its batch).
  {
    v1::Candidate c = Welder("c0", testkit::kEindhoven, 5);  // c0 hears of a better vacancy last.
    c.set_max_travel_km(80);
    Put(c);
    v1::Vacancy perfect = WelderVacancy("vac-perfect", testkit::kEindhoven);
    perfect.set_hard_to_fill(true);
    Put(perfect);
    std::vector<v1::WatchEvent> seen;
    ASSERT_TRUE(wc.ReadUntil([](const v1::WatchEvent& e) { return e.vacancy_id() == "vac-perfect"; }, &seen));
    for (const v1::WatchEvent& e : seen) apply_best(e);
    // Once more, alone in its batch: every earlier event is in.
    v1::Vacancy later = WelderVacancy("vac-perfect", testkit::kEindhoven);
    later.set_hard_to_fill(true);
    later.set_status(v1::VACANCY_STATUS_CLOSED);
    Put(later);
    seen.clear();
    // Then c0 is placed, alone in its batch: once its event is in, the close's are.
    c.set_status(v1::CANDIDATE_STATUS_PLACED);
    Put(c);
    ASSERT_TRUE(wc.ReadUntil(
        [](const v1::WatchEvent& e) {
          return e.candidate_id() == "c0" && e.cause() == v1::WATCH_CAUSE_CANDIDATE_CHANGED && e.vacancy_id().empty();
        },
        &seen));
    for (const v1::WatchEvent& e : seen) apply_best(e);
  }
  for (int i = 0; i < 6; ++i) {
    const std::string id = absl::StrCat("c", i);
    SCOPED_TRACE(id);
    v1::MatchCandidateRequest request;
    request.set_candidate_id(id);
    request.set_k(1);
    v1::MatchCandidateResponse response;
    const grpc::Status status = match_->MatchCandidate(ContextWithDeadline().get(), request, &response);
    const std::string fresh = status.ok() && response.matches_size() > 0 ? response.matches(0).vacancy_id() : "";
    EXPECT_EQ(best[id], fresh);
  }
}

}  // namespace
}  // namespace w2w
