// Matching over gRPC against the real w2w-server: read-your-writes (a write is in the
// very next shortlist), a policy change between two calls changes the ranking and the
// reported policy version, ExplainMatch with its retraining plan and exclusions, and the
// StartRematch stream relayed end to end, and one shortlist asked in Dutch and in English
// (the same ranking and scores, the texts in the asked language).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using testkit::StatusIs;

// A welding vacancy in Eindhoven that requires VCA-BASIS.
v1::Vacancy WelderVacancy(const std::string& id) {
  v1::Vacancy v;
  v.set_id(id);
  v.set_employer_id("metaal-eindhoven");
  v.set_municipality(testkit::kEindhoven);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(testkit::kWelderCode);
  v.add_required_qualifications(testkit::kVcaBasis);
  v.set_positions(2);
  v.set_title("Lasser MIG/MAG");
  return v;
}

// A welder with 10 years' experience, at risk of dismissal, available at once.
v1::Candidate Welder(const std::string& id, const char* region, bool has_vca, uint32_t max_km) {
  v1::Candidate c;
  c.set_id(id);
  c.set_region(region);
  c.set_sector(v1::SECTOR_ME);
  v1::TradeExperience* t = c.add_trades();
  t->set_code(testkit::kWelderCode);
  t->set_years(10);
  if (has_vca) c.add_qualifications(testkit::kVcaBasis);
  c.set_employer_id("failliet-bv");
  c.set_status(v1::CANDIDATE_STATUS_AT_RISK);
  c.set_max_travel_km(max_km);
  c.set_willing_to_retrain(true);
  return c;
}

class MatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = ServerProcess::Start();
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    candidates_ = server_->candidates();
    vacancies_ = server_->vacancies();
    match_ = server_->match();
    policy_ = server_->policy();
  }

  void Put(const v1::Candidate& c) {
    v1::UpsertCandidateRequest request;
    *request.mutable_candidate() = c;
    v1::UpsertCandidateResponse response;
    ASSERT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), request, &response),
                IsOk());
  }
  void Put(const v1::Vacancy& v) {
    v1::UpsertVacancyRequest request;
    *request.mutable_vacancy() = v;
    v1::UpsertVacancyResponse response;
    ASSERT_THAT(vacancies_->UpsertVacancy(ContextWithDeadline().get(), request, &response), IsOk());
  }
  grpc::Status Shortlist(const std::string& vacancy_id, v1::ShortlistResponse* response) {
    v1::ShortlistRequest request;
    request.set_vacancy_id(vacancy_id);
    request.set_k(10);
    return match_->Shortlist(ContextWithDeadline().get(), request, response);
  }
  static std::vector<std::string> Ids(const v1::ShortlistResponse& response) {
    std::vector<std::string> ids;
    for (const v1::CandidateMatch& m : response.matches()) ids.push_back(m.candidate_id());
    return ids;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::CandidateService::Stub> candidates_;
  std::unique_ptr<v1::VacancyService::Stub> vacancies_;
  std::unique_ptr<v1::MatchService::Stub> match_;
  std::unique_ptr<v1::PolicyService::Stub> policy_;
};

TEST_F(MatchTest, AWriteIsInTheVeryNextShortlist) {
  Put(WelderVacancy("vac-las"));
  v1::ShortlistResponse before;
  ASSERT_THAT(Shortlist("vac-las", &before), IsOk());
  EXPECT_EQ(before.matches_size(), 0);

  Put(Welder("piet", testkit::kZuidoostBrabant, true, 50));
  v1::ShortlistResponse after;
  ASSERT_THAT(Shortlist("vac-las", &after), IsOk());
  EXPECT_THAT(Ids(after), ElementsAre("piet"));
  EXPECT_GT(after.matches(0).score(), 0.5);

  v1::MatchCandidateRequest reverse;
  reverse.set_candidate_id("piet");
  v1::MatchCandidateResponse vacancies;
  ASSERT_THAT(match_->MatchCandidate(ContextWithDeadline().get(), reverse, &vacancies), IsOk());
  ASSERT_EQ(vacancies.matches_size(), 1);
  EXPECT_EQ(vacancies.matches(0).vacancy_id(), "vac-las");

  // A placed candidate is gone from the next shortlist; a deleted one too.
  v1::Candidate placed = Welder("piet", testkit::kZuidoostBrabant, true, 50);
  placed.set_status(v1::CANDIDATE_STATUS_PLACED);
  Put(placed);
  ASSERT_THAT(Shortlist("vac-las", &after), IsOk());
  EXPECT_THAT(Ids(after), Not(Contains("piet")));

  Put(Welder("kees", testkit::kZuidoostBrabant, true, 50));
  ASSERT_THAT(Shortlist("vac-las", &after), IsOk());
  EXPECT_THAT(Ids(after), ElementsAre("kees"));
  v1::DeleteCandidateRequest del;
  del.set_id("kees");
  v1::DeleteCandidateResponse deleted;
  ASSERT_THAT(candidates_->DeleteCandidate(ContextWithDeadline().get(), del, &deleted), IsOk());
  ASSERT_THAT(Shortlist("vac-las", &after), IsOk());
  EXPECT_EQ(after.matches_size(), 0);

  // A closed vacancy cannot be shortlisted.
  v1::CloseVacancyRequest close;
  close.set_id("vac-las");
  v1::Vacancy closed;
  ASSERT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &closed), IsOk());
  EXPECT_THAT(Shortlist("vac-las", &after),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("vac-las")));
}

TEST_F(MatchTest, APolicyChangeBetweenTwoCallsChangesTheRanking) {
  Put(WelderVacancy("vac-las"));
  // "near" lives in the vacancy's region but lacks the required VCA-BASIS; "far" holds
  // it but lives in Twente, about 120 km away.
  Put(Welder("near", testkit::kZuidoostBrabant, false, 50));
  Put(Welder("far", testkit::kTwente, true, 300));

  constexpr double kTiny = 0.001;  // Zero would mean "default" in SetPolicy.
  v1::SetPolicyRequest distance_first;
  v1::ComponentWeights* w = distance_first.mutable_policy()->mutable_weights();
  w->set_trade(kTiny);
  w->set_sector(kTiny);
  w->set_qualifications(kTiny);
  w->set_distance(1);
  w->set_availability(kTiny);
  w->set_urgency(kTiny);
  distance_first.mutable_policy()->set_note("distance first");
  v1::Policy p1;
  ASSERT_THAT(policy_->SetPolicy(ContextWithDeadline().get(), distance_first, &p1), IsOk());

  v1::ShortlistResponse first;
  ASSERT_THAT(Shortlist("vac-las", &first), IsOk());
  EXPECT_EQ(first.policy_version(), p1.version());
  EXPECT_THAT(Ids(first), ElementsAre("near", "far"));

  v1::SetPolicyRequest qualifications_first = distance_first;
  w = qualifications_first.mutable_policy()->mutable_weights();
  w->set_distance(kTiny);
  w->set_qualifications(1);
  qualifications_first.mutable_policy()->set_note("qualifications first");
  qualifications_first.set_expected_version(p1.version());
  v1::Policy p2;
  ASSERT_THAT(policy_->SetPolicy(ContextWithDeadline().get(), qualifications_first, &p2), IsOk());
  EXPECT_EQ(p2.version(), p1.version() + 1);

  v1::ShortlistResponse second;
  ASSERT_THAT(Shortlist("vac-las", &second), IsOk());
  EXPECT_EQ(second.policy_version(), p2.version());
  EXPECT_THAT(Ids(second), ElementsAre("far", "near"));

  // A writer holding the old version lost the race; the old version stays readable.
  EXPECT_THAT(policy_->SetPolicy(ContextWithDeadline().get(), qualifications_first, &p2),
              StatusIs(grpc::StatusCode::ABORTED, HasSubstr("version")));
  v1::GetPolicyRequest get;
  get.set_version(p1.version());
  v1::Policy old;
  ASSERT_THAT(policy_->GetPolicy(ContextWithDeadline().get(), get, &old), IsOk());
  EXPECT_EQ(old.note(), "distance first");
  get.set_version(p2.version() + 100);
  EXPECT_THAT(policy_->GetPolicy(ContextWithDeadline().get(), get, &old),
              StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));
  v1::SetPolicyRequest invalid;
  invalid.mutable_policy()->mutable_weights()->set_trade(-1);
  EXPECT_THAT(policy_->SetPolicy(ContextWithDeadline().get(), invalid, &old),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("weights.trade")));
}

TEST_F(MatchTest, ExplainGivesTheRetrainingPlanAndExclusions) {
  Put(WelderVacancy("vac-las"));
  Put(Welder("near", testkit::kZuidoostBrabant, false, 50));
  Put(Welder("homebody", testkit::kTwente, true, 10));

  v1::ExplainMatchRequest request;
  request.set_candidate_id("near");
  request.set_vacancy_id("vac-las");
  v1::ExplainMatchResponse explained;
  ASSERT_THAT(match_->ExplainMatch(ContextWithDeadline().get(), request, &explained), IsOk());
  EXPECT_FALSE(explained.excluded());
  EXPECT_GT(explained.score(), 0);
  EXPECT_GE(explained.policy_version(), 1u);
  ASSERT_EQ(explained.explanation().missing_size(), 1);
  EXPECT_EQ(explained.explanation().missing(0).qualification(), testkit::kVcaBasis);
  EXPECT_TRUE(explained.explanation().missing(0).required());
  EXPECT_GT(explained.explanation().retraining_weeks(), 0);
  // The vacancy names Eindhoven (its centroid); the candidate only a region, so its side
  // runs from the region's anchor (Eindhoven's city centre), and the explanation says so.
  EXPECT_TRUE(explained.explanation().has_distance_km());
  EXPECT_NEAR(explained.explanation().distance_km(), 1.1, 0.5);
  EXPECT_EQ(explained.explanation().vacancy_place().basis(), v1::LOCATION_BASIS_MUNICIPALITY);
  EXPECT_EQ(explained.explanation().vacancy_place().name(), "Eindhoven");
  EXPECT_EQ(explained.explanation().candidate_place().basis(), v1::LOCATION_BASIS_REGION_ANCHOR);
  EXPECT_THAT(absl::StrJoin(explained.explanation().reasons(), "|"),
              HasSubstr("no municipality known for the candidate: distance from Zuidoost-Brabant's anchor"));
  const v1::Explanation& e = explained.explanation();
  const double total = e.trade().contribution() + e.sector().contribution() +
                       e.qualifications().contribution() + e.distance().contribution() +
                       e.availability().contribution() + e.urgency().contribution();
  EXPECT_NEAR(total, explained.score(), 1e-5);

  request.set_candidate_id("homebody");
  ASSERT_THAT(match_->ExplainMatch(ContextWithDeadline().get(), request, &explained), IsOk());
  EXPECT_TRUE(explained.excluded());
  EXPECT_THAT(explained.exclusion_reason(), HasSubstr("max_travel_km"));

  // Inline records are validated (field named) and not stored.
  v1::ExplainMatchRequest inline_request;
  *inline_request.mutable_candidate() = Welder("ghost", testkit::kZuidoostBrabant, true, 50);
  inline_request.set_vacancy_id("vac-las");
  ASSERT_THAT(match_->ExplainMatch(ContextWithDeadline().get(), inline_request, &explained),
              IsOk());
  v1::GetCandidateRequest get;
  get.set_id("ghost");
  v1::Candidate ghost;
  EXPECT_THAT(candidates_->GetCandidate(ContextWithDeadline().get(), get, &ghost),
              StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));
  inline_request.mutable_candidate()->set_region("Atlantis");
  EXPECT_THAT(match_->ExplainMatch(ContextWithDeadline().get(), inline_request, &explained),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("region")));

  request.set_candidate_id("nobody");
  EXPECT_THAT(match_->ExplainMatch(ContextWithDeadline().get(), request, &explained),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("nobody")));
}

// Issue 13: the caller chooses the language of the texts; the ranking, the scores and
// every number of the explanations are the same in both.
TEST_F(MatchTest, TheSameShortlistInDutchAndEnglish) {
  v1::Vacancy vacancy = WelderVacancy("vac-las");
  vacancy.set_hard_to_fill(true);
  Put(vacancy);
  Put(Welder("piet", testkit::kZuidoostBrabant, true, 50));
  Put(Welder("klaas", testkit::kZuidoostBrabant, false, 50));
  v1::Candidate pipe = Welder("jan", testkit::kZuidoostBrabant, true, 80);
  pipe.mutable_trades(0)->set_code(testkit::kPipeWelderCode);
  pipe.set_municipality("Best");
  Put(pipe);
  v1::Candidate far = Welder("kees", testkit::kRijnmond, true, 200);
  far.set_sector(v1::SECTOR_INST);
  Put(far);

  v1::ShortlistRequest request;
  request.set_vacancy_id("vac-las");
  request.set_k(10);
  request.set_language(v1::LANGUAGE_NL);
  v1::ShortlistResponse dutch, english, unspecified;
  ASSERT_THAT(match_->Shortlist(ContextWithDeadline().get(), request, &dutch), IsOk());
  request.set_language(v1::LANGUAGE_EN);
  ASSERT_THAT(match_->Shortlist(ContextWithDeadline().get(), request, &english), IsOk());
  request.clear_language();
  ASSERT_THAT(match_->Shortlist(ContextWithDeadline().get(), request, &unspecified), IsOk());
  EXPECT_EQ(dutch.language(), v1::LANGUAGE_NL);
  EXPECT_EQ(english.language(), v1::LANGUAGE_EN);
  EXPECT_EQ(unspecified.language(), v1::LANGUAGE_EN) << "the default is English";
  ASSERT_EQ(dutch.matches_size(), 4);
  EXPECT_EQ(Ids(dutch), Ids(english));
  for (int i = 0; i < dutch.matches_size(); ++i) {
    v1::CandidateMatch nl = dutch.matches(i), en = english.matches(i);
    EXPECT_EQ(nl.score(), en.score()) << nl.candidate_id();
    const std::string nl_text = absl::StrJoin(nl.explanation().reasons(), "|");
    const std::string en_text = absl::StrJoin(en.explanation().reasons(), "|");
    EXPECT_EQ(absl::StrJoin(unspecified.matches(i).explanation().reasons(), "|"), en_text);
    EXPECT_NE(nl_text, en_text);
    EXPECT_EQ(nl.explanation().reasons_size(), en.explanation().reasons_size());
    EXPECT_THAT(nl_text, HasSubstr("moeilijk vervulbaar"));
    EXPECT_THAT(en_text, HasSubstr("hard to fill"));
    EXPECT_THAT(nl_text, Not(HasSubstr("hard to fill")));
    EXPECT_THAT(en_text, Not(HasSubstr("moeilijk vervulbaar")));
    // Everything but the reasons is identical, field by field.
    nl.mutable_explanation()->clear_reasons();
    en.mutable_explanation()->clear_reasons();
    EXPECT_EQ(nl.SerializeAsString(), en.SerializeAsString()) << nl.DebugString() << en.DebugString();
  }
  const std::string all_dutch = absl::StrJoin(
      dutch.matches(), "|", [](std::string* out, const v1::CandidateMatch& m) {
        out->append(absl::StrJoin(m.explanation().reasons(), "|"));
      });
  EXPECT_THAT(all_dutch, HasSubstr("zelfde beroep, 10 jaar"));
  EXPECT_THAT(all_dutch, HasSubstr("verwant beroep pijplasser dekt "));  // ESCO's Dutch label.
  EXPECT_THAT(all_dutch, HasSubstr("heeft VCA-BASIS nodig: 0,2 weken, EUR 150"));
  EXPECT_THAT(all_dutch, HasSubstr("sectorwissel INST -> ME"));

  // The other direction and one pair, with an exclusion reason in Dutch.
  v1::MatchCandidateRequest reverse;
  reverse.set_candidate_id("piet");
  reverse.set_language(v1::LANGUAGE_NL);
  v1::MatchCandidateResponse vacancies;
  ASSERT_THAT(match_->MatchCandidate(ContextWithDeadline().get(), reverse, &vacancies), IsOk());
  EXPECT_EQ(vacancies.language(), v1::LANGUAGE_NL);
  ASSERT_EQ(vacancies.matches_size(), 1);
  EXPECT_EQ(vacancies.matches(0).score(), dutch.matches(0).score());
  EXPECT_EQ(vacancies.matches(0).explanation().reasons(0), "zelfde beroep, 10 jaar");
  Put(Welder("thuisblijver", testkit::kTwente, true, 10));
  v1::ExplainMatchRequest explain;
  explain.set_candidate_id("thuisblijver");
  explain.set_vacancy_id("vac-las");
  explain.set_language(v1::LANGUAGE_NL);
  v1::ExplainMatchResponse explained;
  ASSERT_THAT(match_->ExplainMatch(ContextWithDeadline().get(), explain, &explained), IsOk());
  EXPECT_TRUE(explained.excluded());
  EXPECT_EQ(explained.language(), v1::LANGUAGE_NL);
  EXPECT_THAT(explained.exclusion_reason(), ::testing::StartsWith("afstand "));
  EXPECT_THAT(explained.exclusion_reason(), HasSubstr(" is meer dan max_travel_km 10"));

  // Trade labels of the taxonomy listing in the asked language.
  v1::ListTradesRequest trades;
  trades.set_query(testkit::kWelderCode);
  trades.set_language(v1::LANGUAGE_NL);
  v1::ListTradesResponse listed;
  auto welder_label = [&]() -> std::string {
    v1::ListTradesResponse listed;
    EXPECT_THAT(server_->taxonomy()->ListTrades(ContextWithDeadline().get(), trades, &listed), IsOk());
    for (const v1::Trade& t : listed.trades()) {
      if (t.esco_code() == testkit::kWelderCode) return t.label();
    }
    return "(not listed)";
  };
  EXPECT_EQ(welder_label(), "lasser");
  trades.set_language(v1::LANGUAGE_EN);
  EXPECT_EQ(welder_label(), "welder");

  // A value outside the enum is refused, naming the field.
  request.set_language(static_cast<v1::Language>(3));
  EXPECT_THAT(match_->Shortlist(ContextWithDeadline().get(), request, &dutch),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, ::testing::StartsWith("language: ")));
  explain.set_language(static_cast<v1::Language>(3));
  EXPECT_THAT(match_->ExplainMatch(ContextWithDeadline().get(), explain, &explained),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, ::testing::StartsWith("language: ")));
}

TEST_F(MatchTest, RematchEventsAreStreamedToTheClient) {
  Put(WelderVacancy("vac-las"));
  constexpr int kWorkforce = 6;
  for (int i = 0; i < kWorkforce; ++i) {
    Put(Welder("worker-" + std::to_string(i), testkit::kZuidoostBrabant, i % 2 == 0, 50));
  }
  auto rematch = server_->rematch();
  v1::StartRematchRequest request;
  request.mutable_selection()->set_employer_id("failliet-bv");
  request.mutable_options()->set_mode(v1::REMATCH_MODE_GROUP);
  auto context = ContextWithDeadline(absl::Seconds(30));
  auto reader = rematch->StartRematch(context.get(), request);
  std::vector<v1::RematchEvent> events;
  v1::RematchEvent event;
  while (reader->Read(&event)) events.push_back(event);
  ASSERT_THAT(reader->Finish(), IsOk());
  ASSERT_GE(events.size(), 2u);
  EXPECT_TRUE(events.front().has_started());
  EXPECT_TRUE(events.back().has_summary());
  int results = 0;
  for (const auto& e : events) results += e.has_result();
  EXPECT_EQ(results, kWorkforce);
  const v1::RematchSummary& summary = events.back().summary();
  EXPECT_EQ(summary.selected(), static_cast<uint64_t>(kWorkforce));
  // Two seats: two placed, the rest not placeable in group mode.
  EXPECT_EQ(summary.placeable_now() + summary.placeable_after_retraining(), 2u);

  v1::GetRematchRequest get;
  get.set_run_id(events.front().started().run_id());
  v1::RematchRun run;
  ASSERT_THAT(rematch->GetRematch(ContextWithDeadline().get(), get, &run), IsOk());
  EXPECT_EQ(run.state(), v1::REMATCH_STATE_FINISHED);
}

}  // namespace
}  // namespace w2w
