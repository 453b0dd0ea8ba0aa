// The access audit and the privacy rights against the real server (issue: access
// control): every read of a candidate is listed by ListAccess with who, through which RPC
// and for which vacancy; ExportCandidate returns the profile with who saw it; an erasure
// removes the person from the store, the index, rematch results and the audit (which
// keeps the keyed pseudonym, found by the old id); and erasures interrupted by SIGKILL
// leave each person either wholly there or wholly gone after the restart.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"
#include "w2w/v1/audit.grpc.pb.h"
#include "w2w/v1/privacy.grpc.pb.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::MakeCandidate;
using testkit::MakeVacancy;
using testkit::ServerProcess;
using testkit::StatusIs;

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    Connect();
  }
  void Connect() {
    audit_ = v1::AuditService::NewStub(server_->channel());
    privacy_ = v1::PrivacyService::NewStub(server_->channel());
  }
  void Upsert(const v1::Candidate& c) {
    v1::UpsertCandidateRequest request;
    *request.mutable_candidate() = c;
    v1::UpsertCandidateResponse response;
    ASSERT_THAT(server_->candidates()->UpsertCandidate(ContextWithDeadline().get(), request, &response), IsOk());
  }
  std::vector<v1::AccessEntry> AccessOf(const std::string& candidate_id) {
    v1::ListAccessRequest request;
    request.set_candidate_id(candidate_id);
    request.set_page_size(1000);
    v1::ListAccessResponse response;
    EXPECT_THAT(audit_->ListAccess(ContextWithDeadline().get(), request, &response), IsOk());
    return {response.entries().begin(), response.entries().end()};
  }
  grpc::Status Get(const std::string& id, std::shared_ptr<grpc::Channel> channel = nullptr) {
    v1::GetCandidateRequest request;
    request.set_id(id);
    v1::Candidate out;
    return v1::CandidateService::NewStub(channel ? channel : server_->channel())
        ->GetCandidate(ContextWithDeadline().get(), request, &out);
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::PrivacyService::Stub> privacy_;
};

TEST_F(PrivacyTest, ReadsAreAuditedWithWhoHowAndForWhat) {
  v1::Candidate c = MakeCandidate("p-1");
  ASSERT_NO_FATAL_FAILURE(Upsert(c));
  v1::UpsertVacancyRequest vacancy;
  *vacancy.mutable_vacancy() = MakeVacancy("v-1");
  vacancy.mutable_vacancy()->set_region(c.region());
  vacancy.mutable_vacancy()->set_trade(c.trades(0).code());
  v1::UpsertVacancyResponse written;
  ASSERT_THAT(server_->vacancies()->UpsertVacancy(ContextWithDeadline().get(), vacancy, &written), IsOk());

  auto coach = server_->CreateToken("coach-anna", v1::ROLE_COACH, [&] {
    v1::Scope s;
    s.add_regions(c.region());
    return s;
  }());
  ASSERT_TRUE(coach.ok()) << coach.status();
  auto as_coach = server_->ChannelWithToken(coach->secret());
  ASSERT_THAT(Get("p-1", as_coach), IsOk());
  v1::ShortlistRequest shortlist;
  shortlist.set_vacancy_id("v-1");
  v1::ShortlistResponse answer;
  ASSERT_THAT(v1::MatchService::NewStub(as_coach)->Shortlist(ContextWithDeadline().get(), shortlist, &answer), IsOk());
  const bool shortlisted = answer.matches_size() > 0;

  std::vector<v1::AccessEntry> entries = AccessOf("p-1");
  ASSERT_GE(entries.size(), 1u);
  EXPECT_EQ(entries[0].rpc(), "GetCandidate");
  EXPECT_EQ(entries[0].token_name(), "coach-anna");
  EXPECT_EQ(entries[0].role(), v1::ROLE_COACH);
  EXPECT_FALSE(entries[0].at().empty());
  if (shortlisted) {
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[1].rpc(), "Shortlist");
    EXPECT_EQ(entries[1].vacancy_id(), "v-1");
  }
  // By token; and only administrators may read the audit.
  v1::ListAccessRequest by_token;
  by_token.set_token("coach-anna");
  v1::ListAccessResponse listed;
  ASSERT_THAT(audit_->ListAccess(ContextWithDeadline().get(), by_token, &listed), IsOk());
  EXPECT_EQ(listed.entries_size(), shortlisted ? 2 : 1);
  EXPECT_THAT(v1::AuditService::NewStub(as_coach)->ListAccess(ContextWithDeadline().get(), by_token, &listed),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, ::testing::HasSubstr("coach")));
  // Bad input names the field.
  v1::ListAccessRequest bad;
  bad.set_from("yesterday");
  EXPECT_THAT(audit_->ListAccess(ContextWithDeadline().get(), bad, &listed),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, ::testing::HasSubstr("from")));
}

TEST_F(PrivacyTest, ExportHoldsTheProfileAndWhoSawIt) {
  ASSERT_NO_FATAL_FAILURE(Upsert(MakeCandidate("p-2")));
  ASSERT_THAT(Get("p-2"), IsOk());
  v1::ExportCandidateRequest request;
  request.set_id("p-2");
  v1::ExportCandidateResponse response;
  ASSERT_THAT(privacy_->ExportCandidate(ContextWithDeadline().get(), request, &response), IsOk());
  EXPECT_THAT(response.json(), ::testing::HasSubstr("\"candidate\":{\"id\":\"p-2\""));
  EXPECT_THAT(response.json(), ::testing::HasSubstr("\"rpc\":\"GetCandidate\""));
  EXPECT_THAT(response.json(), ::testing::HasSubstr("\"rpc\":\"ExportCandidate\""));
  request.set_id("nobody");
  EXPECT_THAT(privacy_->ExportCandidate(ContextWithDeadline().get(), request, &response),
              StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));
}

TEST_F(PrivacyTest, EraseRemovesThePersonEverywhereAndKeepsOnlyThePseudonym) {
  ASSERT_NO_FATAL_FAILURE(Upsert(MakeCandidate("p-3")));
  ASSERT_THAT(Get("p-3"), IsOk());
  // A rematch that names the person, by id.
  v1::StartRematchRequest rematch;
  rematch.mutable_selection()->mutable_candidate_ids()->add_ids("p-3");
  grpc::ClientContext stream_context;
  auto stream = server_->rematch()->StartRematch(&stream_context, rematch);
  v1::RematchEvent event;
  std::string run_id;
  while (stream->Read(&event)) {
    if (event.has_started()) run_id = event.started().run_id();
  }
  ASSERT_THAT(stream->Finish(), IsOk());

  v1::EraseCandidateRequest erase;
  erase.set_id("p-3");
  v1::EraseCandidateResponse erased;
  ASSERT_THAT(privacy_->EraseCandidate(ContextWithDeadline().get(), erase, &erased), IsOk());
  EXPECT_EQ(erased.pseudonym().size(), 32u);
  EXPECT_EQ(erased.rematch_results_scrubbed(), 1u);
  EXPECT_EQ(erased.rematch_runs_scrubbed(), 1u);
  EXPECT_GE(erased.audit_entries_scrubbed(), 1u);

  // Gone from the store and the index; a second erasure finds nobody.
  EXPECT_THAT(Get("p-3"), StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));
  EXPECT_THAT(privacy_->EraseCandidate(ContextWithDeadline().get(), erase, &erased),
              StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));
  // The stored run keeps its counts, not the person.
  v1::GetRematchRequest get;
  get.set_run_id(run_id);
  get.set_include_results(true);
  v1::RematchRun run;
  ASSERT_THAT(server_->rematch()->GetRematch(ContextWithDeadline().get(), get, &run), IsOk());
  ASSERT_EQ(run.results_size(), 1);
  EXPECT_EQ(run.results(0).candidate_id(), "erased:" + erased.pseudonym());
  EXPECT_EQ(run.selection().candidate_ids().ids(0), "erased:" + erased.pseudonym());
  EXPECT_EQ(run.summary().selected(), 1u);
  // The audit still answers for the old id, with the pseudonym only.
  const std::vector<v1::AccessEntry> entries = AccessOf("p-3");
  ASSERT_GE(entries.size(), 3u);  // GetCandidate, StartRematch, EraseCandidate (and GetRematch).
  for (const v1::AccessEntry& e : entries) {
    for (const std::string& id : e.candidate_ids()) EXPECT_NE(id, "p-3") << e.rpc();
  }
  EXPECT_EQ(entries.back().rpc(), "GetRematch");
  // Survives a restart: nothing comes back.
  ASSERT_TRUE(server_->Stop().ok());
  ASSERT_TRUE(server_->Restart().ok());
  Connect();
  EXPECT_THAT(Get("p-3"), StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));
  for (const v1::AccessEntry& e : AccessOf("p-3")) {
    for (const std::string& id : e.candidate_ids()) EXPECT_NE(id, "p-3");
  }
}

// Erasures under SIGKILL: every person is afterwards either wholly there (profile, and
// audit entries naming the id) or wholly gone (no profile, no entry naming the id).
TEST_F(PrivacyTest, AnErasureKilledHalfwayLeavesNothingHalfErased) {
  constexpr int kPeople = 40;
  for (int i = 0; i < kPeople; ++i) {
    ASSERT_NO_FATAL_FAILURE(Upsert(MakeCandidate(absl::StrCat("k-", i), i)));
    ASSERT_THAT(Get(absl::StrCat("k-", i)), IsOk());
  }
  ASSERT_TRUE(server_->Stop().ok());  // Flushes the audit queue.
  ASSERT_TRUE(server_->Restart().ok());
  Connect();
  // Erase from a thread while the server is killed under it.
  std::thread eraser([channel = server_->channel()] {
    auto privacy = v1::PrivacyService::NewStub(channel);
    for (int i = 0; i < kPeople; ++i) {
      v1::EraseCandidateRequest erase;
      erase.set_id(absl::StrCat("k-", i));
      v1::EraseCandidateResponse erased;
      if (!privacy->EraseCandidate(ContextWithDeadline().get(), erase, &erased).ok()) return;
    }
  });
  absl::SleepFor(absl::Milliseconds(30));
  ASSERT_TRUE(server_->Kill().ok());
  eraser.join();
  ASSERT_TRUE(server_->Restart().ok());
  Connect();
  int gone = 0;
  for (int i = 0; i < kPeople; ++i) {
    const std::string id = absl::StrCat("k-", i);
    const bool present = Get(id).ok();
    bool named = false;
    for (const v1::AccessEntry& e : AccessOf(id)) {
      for (const std::string& n : e.candidate_ids()) named = named || n == id;
    }
    if (present) {
      EXPECT_TRUE(named) << id << ": present, but its audit entries lost the id";
    } else {
      ++gone;
      EXPECT_FALSE(named) << id << ": erased, but an audit entry still names it";
    }
  }
  SUCCEED() << gone << " of " << kPeople << " erased before the kill";
}

}  // namespace
}  // namespace w2w
