// Scenario tests of the matcher on small hand-made worlds written from DOMAIN.md: who must
// rank above whom, who must not appear, and what the explanation must say.
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/common/dates.h"
#include "engine/match/matcher.h"
#include "engine/match/policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::match {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kWelder[] = "7aedaa07-3884-4c5b-88f9-80997b2aa54b";
constexpr char kCarpenter[] = "2a22ff9e-de3b-408d-b312-5034896cc4f4";
constexpr char kElectrician[] = "4910419f-b4af-4f59-b544-9dbebc8a74f0";

class MatchScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tax_ = testing::SharedTaxonomy();
    Reset(v1::Policy());
  }

  void Reset(const v1::Policy& raw) {
    auto p = CompletePolicy(raw, *tax_);
    ASSERT_TRUE(p.ok()) << p.status();
    policy_ = *p;
    policy_.set_version(1);
    matcher_ = Matcher::Create(tax_, policy_);
  }

  void SetPolicy(const v1::Policy& raw, uint64_t version) {
    auto p = CompletePolicy(raw, *tax_);
    ASSERT_TRUE(p.ok()) << p.status();
    policy_ = *p;
    policy_.set_version(version);
    matcher_->SetModel(tax_, policy_);
  }

  static v1::Candidate Cand(const std::string& id, const std::string& trade, uint32_t years,
                            const std::string& region, v1::Sector sector = v1::SECTOR_ME) {
    v1::Candidate c;
    c.set_id(id);
    c.set_region(region);
    c.set_sector(sector);
    auto* t = c.add_trades();
    t->set_code(trade);
    t->set_years(years);
    c.set_status(v1::CANDIDATE_STATUS_UNEMPLOYED);
    c.set_willing_to_retrain(true);
    c.set_max_travel_km(100);
    c.set_employer_id("acme");
    return c;
  }

  static v1::Vacancy Vac(const std::string& id, const std::string& trade, const std::string& region,
                         v1::Sector sector = v1::SECTOR_ME) {
    v1::Vacancy v;
    v.set_id(id);
    v.set_employer_id("werkgever");
    v.set_region(region);
    v.set_sector(sector);
    v.set_trade(trade);
    v.set_status(v1::VACANCY_STATUS_OPEN);
    v.set_title("Lasser");
    return v;
  }

  std::vector<std::string> ShortlistIds(const v1::Vacancy& v, uint32_t k = 50) {
    v1::ShortlistRequest req;
    req.set_k(k);
    auto r = matcher_->Shortlist(v, req);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& m : r->matches()) ids.push_back(m.candidate_id());
    }
    return ids;
  }

  std::vector<std::string> MatchIds(const v1::Candidate& c, uint32_t k = 50) {
    v1::MatchCandidateRequest req;
    req.set_k(k);
    auto r = matcher_->MatchCandidate(c, req);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& m : r->matches()) ids.push_back(m.vacancy_id());
    }
    return ids;
  }

  v1::ExplainMatchResponse Explain(const v1::Candidate& c, const v1::Vacancy& v) {
    auto r = matcher_->Explain(c, v);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::ExplainMatchResponse();
  }

  double Sim(const char* from, const char* to) {
    return tax_->TradeSimilarity(*tax_->FindTrade(from), *tax_->FindTrade(to));
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  v1::Policy policy_;
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(MatchScenarioTest, ExclusionByDistanceNeverPrintsTheTwoAsEqual) {
  // A pair just beyond max_travel_km (by less than half a km) reads "50.2 km exceeds
  // max_travel_km 50", not "50 km exceeds max_travel_km 50".
  const v1::Vacancy v = Vac("v1", kWelder, "Rijnmond");
  int checked = 0;
  for (size_t r = 0; r < tax_->num_regions(); ++r) {
    v1::Candidate c = Cand("c", kWelder, 5, tax_->region(static_cast<taxonomy::RegionId>(r)).name);
    c.set_max_travel_km(5000);
    const double km = Explain(c, v).explanation().distance_km();
    const double whole = std::floor(km);
    if (km - whole < 0.05 || km - whole > 0.45 || whole < 1) continue;
    c.set_max_travel_km(static_cast<uint32_t>(whole));
    const auto e = Explain(c, v);
    EXPECT_TRUE(e.excluded());
    EXPECT_THAT(e.exclusion_reason(),
                HasSubstr(absl::StrFormat("distance %.1f km exceeds max_travel_km %d", km,
                                          static_cast<int>(whole))));
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST_F(MatchScenarioTest, NearbyBeatsFarAndBeyondMaxTravelIsExcluded) {
  matcher_->UpsertCandidate(Cand("far", kWelder, 5, "Midden-Utrecht"));   // ~50 km
  matcher_->UpsertCandidate(Cand("near", kWelder, 5, "Rijnmond"));        // same region
  v1::Candidate too_far = Cand("too-far", kWelder, 5, "Groningen");       // ~200 km
  matcher_->UpsertCandidate(too_far);
  const v1::Vacancy v = Vac("v1", kWelder, "Rijnmond");
  EXPECT_THAT(ShortlistIds(v), ElementsAre("near", "far"));
  const auto e = Explain(too_far, v);
  EXPECT_TRUE(e.excluded());
  EXPECT_THAT(e.exclusion_reason(), HasSubstr("exceeds max_travel_km 100"));
  EXPECT_GT(e.explanation().distance_km(), 100);
}

TEST_F(MatchScenarioTest, MissingOneDayCertificateBeatsMissingLongerCourse) {
  v1::Candidate lacks_vca = Cand("lacks-vca", kWelder, 5, "Rijnmond");
  lacks_vca.add_qualifications("ISO9606-135");
  v1::Candidate lacks_cert = Cand("lacks-welding-cert", kWelder, 5, "Rijnmond");
  lacks_cert.add_qualifications("VCA-BASIS");
  matcher_->UpsertCandidate(lacks_cert);
  matcher_->UpsertCandidate(lacks_vca);
  v1::Vacancy v = Vac("v1", kWelder, "Rijnmond");
  v.add_required_qualifications("VCA-BASIS");
  v.add_required_qualifications("ISO9606-135");
  EXPECT_THAT(ShortlistIds(v), ElementsAre("lacks-vca", "lacks-welding-cert"));

  // The explanation is the retraining plan: which qualification, weeks, cost.
  const auto e = Explain(lacks_vca, v);
  EXPECT_FALSE(e.excluded());
  ASSERT_EQ(e.explanation().missing_size(), 1);
  EXPECT_EQ(e.explanation().missing(0).qualification(), "VCA-BASIS");
  EXPECT_DOUBLE_EQ(e.explanation().missing(0).weeks(), 0.2);
  EXPECT_DOUBLE_EQ(e.explanation().missing(0).cost_eur(), 150);
  EXPECT_TRUE(e.explanation().missing(0).required());
  EXPECT_DOUBLE_EQ(e.explanation().retraining_weeks(), 0.2);
  EXPECT_THAT(absl::StrJoin(e.explanation().reasons(), "|"), HasSubstr("needs VCA-BASIS: 0.2 weeks, EUR 150"));
}

TEST_F(MatchScenarioTest, DiplomaBeyondCapExcludesButHardToFillAdmitsLongerCourse) {
  v1::Policy p;
  p.set_max_retraining_weeks(6);  // Hard-to-fill: 6 * 2 = 12 weeks.
  Reset(p);
  matcher_->UpsertCandidate(Cand("side-entrant", kWelder, 3, "Twente"));
  v1::Vacancy needs_course = Vac("pipe", kWelder, "Twente");
  needs_course.add_required_qualifications("PIJPLASSEN");  // 8 weeks.
  EXPECT_THAT(ShortlistIds(needs_course), ::testing::IsEmpty());
  const auto e = Explain(Cand("side-entrant", kWelder, 3, "Twente"), needs_course);
  EXPECT_TRUE(e.excluded());
  EXPECT_THAT(e.exclusion_reason(), HasSubstr("8 weeks"));

  needs_course.set_hard_to_fill(true);
  EXPECT_THAT(ShortlistIds(needs_course), ElementsAre("side-entrant"));

  v1::Vacancy needs_diploma = Vac("diploma", kWelder, "Twente");
  needs_diploma.add_required_qualifications("MBO2-LAS");  // 52 weeks: never a bridge.
  needs_diploma.set_hard_to_fill(true);
  EXPECT_THAT(ShortlistIds(needs_diploma), ::testing::IsEmpty());

  // A query filter can only lower the cap.
  v1::ShortlistRequest req;
  req.mutable_filter()->set_max_retraining_weeks(4);
  auto r = matcher_->Shortlist(needs_course, req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->matches_size(), 0);
}

TEST_F(MatchScenarioTest, OwnSectorKnobReordersSectorMovers) {
  // Same trade; the ME candidate has more experience, the INST one is in the vacancy's sector.
  matcher_->UpsertCandidate(Cand("insider", kElectrician, 2, "Twente", v1::SECTOR_INST));
  matcher_->UpsertCandidate(Cand("mover", kElectrician, 10, "Twente", v1::SECTOR_ME));
  const v1::Vacancy v = Vac("v1", kElectrician, "Twente", v1::SECTOR_INST);
  EXPECT_THAT(ShortlistIds(v), ElementsAre("mover", "insider"));
  v1::Policy p;
  p.set_own_sector_preference(1);
  SetPolicy(p, 2);
  EXPECT_THAT(ShortlistIds(v), ElementsAre("insider", "mover"));
}

TEST_F(MatchScenarioTest, SameTradeBeatsRelatedTradeBeatsUnrelated) {
  // The most related trade to welder by ESCO skill coverage (other than welder itself).
  const auto welder = *tax_->FindTrade(kWelder);
  std::string related;
  for (const auto& link : tax_->TradesReaching(welder)) {
    if (link.trade != welder && link.similarity >= 0.3) {
      related = tax_->trade(link.trade).id;
      break;
    }
  }
  ASSERT_FALSE(related.empty()) << "precondition on the ESCO data";
  ASSERT_LT(Sim(kCarpenter, kWelder), 0.25) << "precondition on the ESCO data";
  matcher_->UpsertCandidate(Cand("carpenter", kCarpenter, 20, "Rijnmond"));
  matcher_->UpsertCandidate(Cand("related", related, 5, "Rijnmond"));
  matcher_->UpsertCandidate(Cand("welder", kWelder, 5, "Rijnmond"));
  const v1::Vacancy v = Vac("v1", kWelder, "Rijnmond");
  EXPECT_THAT(ShortlistIds(v), ElementsAre("welder", "related"));
  const auto e = Explain(Cand("carpenter", kCarpenter, 20, "Rijnmond"), v);
  EXPECT_TRUE(e.excluded());
  EXPECT_THAT(e.exclusion_reason(), HasSubstr("no trade"));
  const auto r = Explain(Cand("related", related, 5, "Rijnmond"), v);
  EXPECT_EQ(r.explanation().matched_trade(), related);
  EXPECT_NEAR(r.explanation().trade_similarity(), Sim(related.c_str(), kWelder), 1e-6);
  EXPECT_THAT(r.explanation().reasons(0), HasSubstr("related trade"));
  // Asymmetric: moving the other way is scored by the other direction's coverage.
  EXPECT_NE(Sim(related.c_str(), kWelder), Sim(kWelder, related.c_str()));
}

TEST_F(MatchScenarioTest, PlacedUnavailableAndUnwillingNeverAppear) {
  v1::Candidate placed = Cand("placed", kWelder, 5, "Rijnmond");
  placed.set_status(v1::CANDIDATE_STATUS_PLACED);
  v1::Candidate away = Cand("away", kWelder, 5, "Rijnmond");
  away.set_status(v1::CANDIDATE_STATUS_UNAVAILABLE);
  v1::Candidate unwilling = Cand("unwilling", kWelder, 5, "Rijnmond");
  unwilling.set_willing_to_retrain(false);
  v1::Candidate ok = Cand("ok", kWelder, 5, "Rijnmond");
  ok.set_willing_to_retrain(false);
  ok.add_qualifications("VCA-BASIS");
  for (const auto& c : {placed, away, unwilling, ok}) matcher_->UpsertCandidate(c);
  v1::Vacancy v = Vac("v1", kWelder, "Rijnmond");
  v.add_required_qualifications("VCA-BASIS");
  EXPECT_THAT(ShortlistIds(v), ElementsAre("ok"));
  EXPECT_THAT(Explain(unwilling, v).exclusion_reason(), HasSubstr("not willing to retrain"));
  EXPECT_THAT(Explain(placed, v).exclusion_reason(), HasSubstr("placed"));
  EXPECT_THAT(MatchIds(placed), ::testing::IsEmpty());

  // A status change is seen by the very next query (read-your-writes).
  ok.set_status(v1::CANDIDATE_STATUS_PLACED);
  matcher_->UpsertCandidate(ok);
  EXPECT_THAT(ShortlistIds(v), ::testing::IsEmpty());
  placed.set_status(v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  placed.add_qualifications("VCA-BASIS");
  matcher_->UpsertCandidate(placed);
  EXPECT_THAT(ShortlistIds(v), ElementsAre("placed"));
  matcher_->RemoveCandidate("placed");
  EXPECT_THAT(ShortlistIds(v), ::testing::IsEmpty());
  EXPECT_EQ(matcher_->num_candidates(), 3u);
}

TEST_F(MatchScenarioTest, ClosedFilledAndExpiredVacanciesNeverAppear) {
  v1::Vacancy open = Vac("open", kWelder, "Rijnmond");
  v1::Vacancy filled = Vac("filled", kWelder, "Rijnmond");
  filled.set_status(v1::VACANCY_STATUS_FILLED);
  v1::Vacancy closed = Vac("closed", kWelder, "Rijnmond");
  closed.set_status(v1::VACANCY_STATUS_CLOSED);
  v1::Vacancy expired = Vac("expired", kWelder, "Rijnmond");
  expired.set_expires_at(testing::DayFromToday(-1));
  v1::Vacancy today = Vac("last-day", kWelder, "Rijnmond");
  today.set_expires_at(testing::DayFromToday(0));
  for (const auto& v : {open, filled, closed, expired, today}) matcher_->UpsertVacancy(v);
  EXPECT_EQ(matcher_->num_vacancies(), 5u);
  EXPECT_EQ(matcher_->num_open_vacancies(), 3u);
  const v1::Candidate c = Cand("c", kWelder, 5, "Rijnmond");
  EXPECT_THAT(MatchIds(c), ElementsAre("last-day", "open"));
  EXPECT_THAT(Explain(c, expired).exclusion_reason(), HasSubstr("expired"));
  EXPECT_THAT(Explain(c, filled).exclusion_reason(), HasSubstr("not open"));
  open.set_status(v1::VACANCY_STATUS_FILLED);
  matcher_->UpsertVacancy(open);
  EXPECT_THAT(MatchIds(c), ElementsAre("last-day"));
  EXPECT_EQ(matcher_->num_open_vacancies(), 2u);  // Status OPEN, expired or not.
}

TEST_F(MatchScenarioTest, SameClusterBonus) {
  const auto rijnmond = *tax_->FindRegion("Rijnmond");
  const auto drecht = *tax_->FindRegion("Drechtsteden");
  ASSERT_TRUE(tax_->SameCluster(rijnmond, drecht));
  const v1::Vacancy v = Vac("v1", kWelder, "Rijnmond");
  const auto e = Explain(Cand("c", kWelder, 5, "Drechtsteden"), v);
  EXPECT_TRUE(e.explanation().same_cluster());
  const double km = tax_->DistanceKm(drecht, rijnmond);
  EXPECT_NEAR(e.explanation().distance_km(), km, 1e-3);
  EXPECT_NEAR(e.explanation().distance().value(), std::min(1.0, 1 - km / 100 + 0.15), 1e-6);
  EXPECT_THAT(absl::StrJoin(e.explanation().reasons(), "|"),
              HasSubstr("Drechtsteden -> Rijnmond"));
  EXPECT_THAT(absl::StrJoin(e.explanation().reasons(), "|"), HasSubstr("same SPT cluster"));

  // A cluster neighbour beats a slightly nearer region outside the cluster. The case is
  // built here: an outside region's anchor moves to 3 km from Drechtsteden's, on the way
  // to Rijnmond, so it is about 3 km nearer than Drechtsteden.
  std::optional<taxonomy::RegionId> outside;
  for (size_t r = 0; r < tax_->num_regions() && !outside; ++r) {
    const auto id = static_cast<taxonomy::RegionId>(r);
    if (id != rijnmond && id != drecht && !tax_->SameCluster(id, rijnmond)) outside = id;
  }
  ASSERT_TRUE(outside.has_value());
  const taxonomy::GeoPoint from = tax_->RegionAnchor(drecht), to = tax_->RegionAnchor(rijnmond);
  const double t = 3.0 / km;
  v1::UpdateRegionAnchorRequest anchor;
  anchor.set_region(tax_->region(*outside).name);
  anchor.set_anchor_city("Testpunt");
  anchor.set_lat(from.lat + t * (to.lat - from.lat));
  anchor.set_lon(from.lon + t * (to.lon - from.lon));
  auto moved = tax_->WithRegionAnchor(anchor);
  ASSERT_TRUE(moved.ok()) << moved.status();
  tax_ = *moved;
  const double d = tax_->DistanceKm(*outside, rijnmond);
  ASSERT_LT(d, km);
  ASSERT_GT(d, km - 5);
  Reset(v1::Policy());
  matcher_->UpsertCandidate(Cand("b-outside", kWelder, 5, tax_->region(*outside).name));
  matcher_->UpsertCandidate(Cand("a-cluster", kWelder, 5, "Drechtsteden"));
  EXPECT_THAT(ShortlistIds(v), ElementsAre("a-cluster", "b-outside"));
  // With a bonus worth less than the 3 km (0 would read as the default) the nearer wins.
  v1::Policy no_bonus;
  no_bonus.set_same_cluster_bonus(1e-4);
  Reset(no_bonus);
  matcher_->UpsertCandidate(Cand("b-outside", kWelder, 5, tax_->region(*outside).name));
  matcher_->UpsertCandidate(Cand("a-cluster", kWelder, 5, "Drechtsteden"));
  EXPECT_THAT(ShortlistIds(v), ElementsAre("b-outside", "a-cluster"));
}

// Distances run between municipality centroids (issue 16): Losser and Hellendoorn are both
// in Twente but about 40 km apart; Enschede and Hengelo about 8.
TEST_F(MatchScenarioTest, DistanceRunsBetweenMunicipalities) {
  auto in = [](v1::Candidate c, const char* municipality) {
    c.set_municipality(municipality);
    c.set_max_travel_km(20);
    return c;
  };
  v1::Vacancy v = Vac("v-hellendoorn", kWelder, "Twente");
  v.set_municipality("Hellendoorn");
  matcher_->UpsertVacancy(v);
  const v1::Candidate losser = in(Cand("losser", kWelder, 5, "Twente"), "Losser");
  const v1::Candidate enschede = in(Cand("enschede", kWelder, 5, "Twente"), "Enschede");
  matcher_->UpsertCandidate(losser);
  matcher_->UpsertCandidate(enschede);

  const auto far = Explain(losser, v);
  EXPECT_TRUE(far.excluded());
  EXPECT_NEAR(far.explanation().distance_km(), 38.6, 1.5);
  EXPECT_THAT(far.exclusion_reason(), HasSubstr("exceeds max_travel_km 20"));
  EXPECT_EQ(far.explanation().candidate_place().basis(), v1::LOCATION_BASIS_MUNICIPALITY);
  EXPECT_EQ(far.explanation().candidate_place().name(), "Losser");
  EXPECT_EQ(far.explanation().vacancy_place().name(), "Hellendoorn");
  EXPECT_FALSE(far.explanation().same_cluster());

  v1::Vacancy hengelo = Vac("v-hengelo", kWelder, "Twente");
  hengelo.set_municipality("Hengelo");
  matcher_->UpsertVacancy(hengelo);
  const auto near = Explain(enschede, hengelo);
  EXPECT_FALSE(near.excluded());
  EXPECT_NEAR(near.explanation().distance_km(), 7.7, 1.0);
  EXPECT_NEAR(near.explanation().distance().value(), 1 - near.explanation().distance_km() / 20, 1e-6);
  EXPECT_THAT(absl::StrJoin(near.explanation().reasons(), "|"),
              HasSubstr("Enschede -> Hengelo 8 km, same region"));

  // The index agrees: nobody is on Hellendoorn's shortlist (Enschede is 34 km away), both
  // are on Hengelo's (Enschede 8 km, Losser 16 km), nearest first.
  EXPECT_THAT(ShortlistIds(v), ElementsAre());
  EXPECT_THAT(ShortlistIds(hengelo), ElementsAre("enschede", "losser"));
  v1::MatchCandidateRequest req;
  auto got = matcher_->MatchCandidate(enschede, req);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->matches_size(), 1);
  EXPECT_EQ(got->matches(0).vacancy_id(), "v-hengelo");
}

// A record with a region only is placed at the region's anchor, and its explanation says so.
TEST_F(MatchScenarioTest, RegionOnlyRecordFallsBackToTheAnchor) {
  v1::Vacancy v = Vac("v", kWelder, "Twente");
  v.set_municipality("Hellendoorn");
  const v1::Candidate c = Cand("c", kWelder, 5, "Twente");  // No municipality.
  const auto e = Explain(c, v);
  ASSERT_FALSE(e.excluded()) << e.exclusion_reason();
  const auto anchor = tax_->RegionAnchor(*tax_->FindRegion("Twente"));
  const auto hellendoorn = tax_->LookupMunicipality("Hellendoorn");
  EXPECT_EQ(e.explanation().candidate_place().basis(), v1::LOCATION_BASIS_REGION_ANCHOR);
  EXPECT_EQ(e.explanation().candidate_place().name(), tax_->region(*tax_->FindRegion("Twente")).anchor_city);
  EXPECT_DOUBLE_EQ(e.explanation().candidate_place().lat(), anchor.lat);
  EXPECT_EQ(e.explanation().vacancy_place().basis(), v1::LOCATION_BASIS_MUNICIPALITY);
  EXPECT_NEAR(e.explanation().distance_km(),
              taxonomy::GreatCircleKm(anchor, *hellendoorn->centroid), 1e-3);
  EXPECT_GT(e.explanation().distance_km(), 10);
  EXPECT_THAT(absl::StrJoin(e.explanation().reasons(), "|"),
              HasSubstr("no municipality known for the candidate: distance from Twente's anchor"));
  EXPECT_THAT(absl::StrJoin(e.explanation().reasons(), "|"),
              ::testing::Not(HasSubstr("no municipality known for the vacancy")));
}

TEST_F(MatchScenarioTest, TiesBreakById) {
  for (const char* id : {"c-2", "c-10", "c-1", "b"}) matcher_->UpsertCandidate(Cand(id, kWelder, 5, "Rijnmond"));
  EXPECT_THAT(ShortlistIds(Vac("v", kWelder, "Rijnmond")), ElementsAre("b", "c-1", "c-10", "c-2"));
  EXPECT_THAT(ShortlistIds(Vac("v", kWelder, "Rijnmond"), 2), ElementsAre("b", "c-1"));
}

TEST_F(MatchScenarioTest, PolicyChangeAppliesToNextQueryAndIsReported) {
  matcher_->UpsertCandidate(Cand("c", kWelder, 5, "Rijnmond"));
  const v1::Vacancy v = Vac("v", kWelder, "Rijnmond");
  v1::ShortlistRequest req;
  auto before = matcher_->Shortlist(v, req);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->policy_version(), 1u);
  v1::Policy p;
  p.mutable_weights()->set_trade(1);  // Only the trade counts now.
  SetPolicy(p, 7);
  auto after = matcher_->Shortlist(v, req);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->policy_version(), 7u);
  EXPECT_EQ(matcher_->policy_version(), 7u);
  ASSERT_EQ(after->matches_size(), 1);
  EXPECT_NEAR(after->matches(0).score(), 0.8 + 0.2 * 0.5, 1e-6);  // 5 of 10 years.
  EXPECT_NE(before->matches(0).score(), after->matches(0).score());
  EXPECT_EQ(Explain(Cand("c", kWelder, 5, "Rijnmond"), v).policy_version(), 7u);
}

TEST_F(MatchScenarioTest, ExplainScoresLikeTheShortlistAndReadsWell) {
  v1::Candidate c = Cand("c", kWelder, 8, "Drechtsteden");
  c.set_status(v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  c.add_qualifications("ISO9606-135");
  matcher_->UpsertCandidate(c);
  v1::Vacancy v = Vac("v", kWelder, "Rijnmond", v1::SECTOR_INST);
  v.add_required_qualifications("VCA-VOL");
  v.add_preferred_qualifications("ISO9606-135");
  v.set_hard_to_fill(true);
  v1::ShortlistRequest req;
  auto r = matcher_->Shortlist(v, req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->matches_size(), 1);
  const auto e = Explain(c, v);
  EXPECT_FALSE(e.excluded());
  EXPECT_DOUBLE_EQ(e.score(), r->matches(0).score());
  const std::string reasons = absl::StrJoin(e.explanation().reasons(), "|");
  EXPECT_THAT(reasons, HasSubstr("same trade, 8 years"));
  EXPECT_THAT(reasons, HasSubstr("needs VCA-VOL: 0.4 weeks, EUR 300"));
  EXPECT_THAT(reasons, HasSubstr("notice given"));
  EXPECT_THAT(reasons, HasSubstr("hard to fill"));
  EXPECT_THAT(reasons, HasSubstr("sector move ME -> INST"));
  EXPECT_THAT(reasons, HasSubstr("holds preferred ISO9606-135"));
  EXPECT_THAT(e.explanation().preferred_held(), ElementsAre("ISO9606-135"));
  EXPECT_EQ(r->matches(0).status(), v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  EXPECT_EQ(r->matches(0).region(), "Drechtsteden");
  EXPECT_NEAR(e.explanation().availability().value(), 0.9, 1e-9);
  EXPECT_NEAR(e.explanation().urgency().value(), 1.0, 1e-9);
}

TEST_F(MatchScenarioTest, FiltersAndBadRequests) {
  v1::Candidate at_risk = Cand("at-risk", kWelder, 5, "Rijnmond");
  at_risk.set_status(v1::CANDIDATE_STATUS_AT_RISK);
  matcher_->UpsertCandidate(at_risk);
  matcher_->UpsertCandidate(Cand("unemployed", kWelder, 5, "Drechtsteden", v1::SECTOR_INST));
  const v1::Vacancy v = Vac("v", kWelder, "Rijnmond");
  v1::ShortlistRequest req;
  req.mutable_filter()->add_statuses(v1::CANDIDATE_STATUS_AT_RISK);
  auto r = matcher_->Shortlist(v, req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->matches_size(), 1);
  EXPECT_EQ(r->matches(0).candidate_id(), "at-risk");
  req.Clear();
  req.mutable_filter()->add_regions("Drechtsteden");
  r = matcher_->Shortlist(v, req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->matches_size(), 1);
  EXPECT_EQ(r->matches(0).candidate_id(), "unemployed");
  req.Clear();
  req.mutable_filter()->add_sectors(v1::SECTOR_ME);
  r = matcher_->Shortlist(v, req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->matches_size(), 1);
  EXPECT_EQ(r->matches(0).candidate_id(), "at-risk");
  req.Clear();
  req.mutable_filter()->set_min_score(0.999);
  r = matcher_->Shortlist(v, req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->matches_size(), 0);

  req.Clear();
  req.set_k(1001);
  EXPECT_THAT(matcher_->Shortlist(v, req).status().ToString(), HasSubstr("k:"));
  req.Clear();
  req.mutable_filter()->add_regions("Atlantis");
  auto bad = matcher_->Shortlist(v, req);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().ToString(), HasSubstr("filter.regions[0]"));
  req.Clear();
  req.mutable_filter()->set_min_score(1.5);
  EXPECT_THAT(matcher_->Shortlist(v, req).status().ToString(), HasSubstr("filter.min_score"));
  req.Clear();
  req.mutable_filter()->add_sectors(v1::SECTOR_UNSPECIFIED);
  EXPECT_THAT(matcher_->Shortlist(v, req).status().ToString(), HasSubstr("filter.sectors[0]"));
  req.Clear();
  req.mutable_filter()->add_statuses(v1::CANDIDATE_STATUS_UNSPECIFIED);
  EXPECT_THAT(matcher_->Shortlist(v, req).status().ToString(), HasSubstr("filter.statuses[0]"));
  EXPECT_THAT(matcher_->CandidatesOfEmployer("acme"), ElementsAre("at-risk", "unemployed"));
}

}  // namespace
}  // namespace w2w::match
