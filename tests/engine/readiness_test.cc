// Readiness (engine/readiness/, Engine::GetReadiness): the buckets against a brute-force
// computation over every pair (ExplainMatch) on a small random world, the drop of an
// employer's readiness when the vacancies it depends on close, scopes, bad input.
// The background worker is waited for with a bounded poll on the response's own
// counters (dirty and pending people), never a fixed sleep.
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/access/caller.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::testing_engine {
namespace {

using ::testing::HasSubstr;

const access::Caller& Admin() { return access::Caller::System(); }

access::Caller CoachOf(const std::string& region) {
  access::Caller c;
  c.token.set_id("tok-coach-" + region);
  c.token.set_name("coach-" + region);
  c.token.set_role(v1::ROLE_COACH);
  c.token.mutable_scope()->add_regions(region);
  return c;
}

access::Caller PartnerOf(const std::string& source) {
  access::Caller c;
  c.token.set_id("tok-partner-" + source);
  c.token.set_name("partner-" + source);
  c.token.set_role(v1::ROLE_PARTNER);
  c.token.mutable_scope()->set_source(source);
  return c;
}

// The bucket index (0 now .. 4 not placeable) of one match, as docs/readiness.md says.
int BucketOfExplanation(const v1::Explanation& e) {
  bool required = false;
  for (const auto& step : e.missing()) required = required || step.required();
  if (!required) return 0;
  if (e.retraining_weeks() <= 4 + 1e-9) return 1;
  if (e.retraining_weeks() <= 13 + 1e-9) return 2;
  if (e.retraining_weeks() <= 26 + 1e-9) return 3;
  return 4;
}

std::vector<uint64_t> Buckets(const v1::ReadinessGroup& g) {
  const auto& b = g.buckets();
  return {b.now(), b.within_4_weeks(), b.within_13_weeks(), b.within_26_weeks(), b.not_placeable()};
}

class ReadinessTest : public EngineTest {
 protected:
  void SetUp() override {
    options_.readiness_budget_per_second = 100'000;  // As fast as the worker goes.
    EngineTest::SetUp();
  }

  void Put(v1::Candidate c) { ASSERT_TRUE(engine_->UpsertCandidate(Admin(), std::move(c)).ok()); }
  void Put(v1::Vacancy v) { ASSERT_TRUE(engine_->UpsertVacancy(Admin(), std::move(v)).ok()); }

  // Polls (bounded) until the background worker has computed everybody.
  v1::GetReadinessResponse Settled(const access::Caller& caller, v1::GetReadinessRequest request = {}) {
    v1::GetReadinessResponse r;
    for (int i = 0; i < 3000; ++i) {
      auto got = engine_->GetReadiness(caller, request);
      EXPECT_TRUE(got.ok()) << got.status();
      if (!got.ok()) return r;
      r = *got;
      if (r.dirty_people() == 0 && r.pending_people() == 0 && r.stale_people() == 0 &&
           r.pending_vacancy_changes() == 0) return r;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ADD_FAILURE() << "the readiness worker did not settle: " << r.dirty_people() << " dirty, "
                  << r.pending_people() << " pending";
    return r;
  }

  // The bucket of `candidate` over every open vacancy in `vacancy_ids`, pair by pair.
  int BruteForceBucket(const v1::Candidate& candidate, const std::vector<std::string>& vacancy_ids) {
    int best = 4;
    for (const std::string& vid : vacancy_ids) {
      v1::ExplainMatchRequest req;
      req.set_candidate_id(candidate.id());
      req.set_vacancy_id(vid);
      auto r = engine_->ExplainMatch(Admin(), req);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok() || r->excluded()) continue;
      best = std::min(best, BucketOfExplanation(r->explanation()));
    }
    return best;
  }
};

TEST_F(ReadinessTest, BucketsMatchABruteForceOverEveryPairOnARandomWorld) {
  std::mt19937 rng(20261208);
  const std::vector<std::string> regions = {"Twente", "Achterhoek", "Zuid-Limburg"};
  const std::vector<std::string> quals = {"VCA-BASIS", "ISO9606-135", "ISO9606-141", "PIJPLASSEN", "NEN1010",
                                          "GAS-WATER"};
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<std::string> vacancy_ids;
  for (int i = 0; i < 16; ++i) {
    v1::Vacancy v = MakeVacancy("v" + std::to_string(i), regions[pick(regions.size())],
                                pick(3) == 0 ? kElectricianCode : kWelderCode);
    for (const std::string& q : quals) {
      if (pick(2) == 0) v.add_required_qualifications(q);
    }
    v.set_hard_to_fill(pick(2) == 0);
    Put(v);
    vacancy_ids.push_back(v.id());
  }
  // Groningen, far from the rest: only a hard-to-fill vacancy needing 14 weeks (two
  // certificates; over the plain cap of 12, within the hard-to-fill cap of 24).
  v1::Vacancy long_course = MakeVacancy("v-groningen", "Groningen");
  long_course.add_required_qualifications("ISO9606-141");
  long_course.add_required_qualifications("PIJPLASSEN");
  long_course.set_hard_to_fill(true);
  Put(long_course);
  vacancy_ids.push_back(long_course.id());
  std::vector<v1::Candidate> people;
  for (int i = 0; i < 2; ++i) {
    v1::Candidate c = MakeCandidate("g" + std::to_string(i), "Groningen");
    c.set_willing_to_retrain(true);
    c.set_employer_id("emp-noord");
    Put(c);
    people.push_back(c);
  }
  for (int i = 0; i < 40; ++i) {
    v1::Candidate c = MakeCandidate("c" + std::to_string(i), regions[pick(regions.size())],
                                    pick(4) == 0 ? kElectricianCode : kWelderCode);
    c.clear_qualifications();
    for (const std::string& q : quals) {
      if (pick(2) == 0) c.add_qualifications(q);
    }
    c.set_willing_to_retrain(pick(4) != 0);
    c.set_employer_id("emp-" + std::to_string(pick(3)));
    c.set_status(pick(2) == 0 ? v1::CANDIDATE_STATUS_AT_RISK : v1::CANDIDATE_STATUS_EMPLOYED);
    Put(c);
    people.push_back(c);
  }
  // Not part of any workforce: unemployed, or no employer.
  v1::Candidate unemployed = MakeCandidate("u1");
  unemployed.set_status(v1::CANDIDATE_STATUS_UNEMPLOYED);
  Put(unemployed);
  v1::Candidate loose = MakeCandidate("u2");
  loose.clear_employer_id();
  Put(loose);

  std::map<std::string, std::vector<uint64_t>> expected;
  std::vector<uint64_t> expected_total(5, 0);
  for (const v1::Candidate& c : people) {
    const int b = BruteForceBucket(c, vacancy_ids);
    auto& e = expected[c.employer_id()];
    e.resize(5, 0);
    ++e[b];
    ++expected_total[b];
  }
  const v1::GetReadinessResponse r = Settled(Admin());
  EXPECT_EQ(r.tracked_people(), people.size());
  EXPECT_EQ(r.group_by(), v1::READINESS_GROUPING_EMPLOYER);
  ASSERT_EQ(r.groups_size(), static_cast<int>(expected.size()));
  for (const v1::ReadinessGroup& g : r.groups()) {
    EXPECT_EQ(Buckets(g), expected[g.group()]) << g.group();
    EXPECT_EQ(g.pending(), 0u);
    EXPECT_FALSE(g.computed_at().empty());
    EXPECT_EQ(g.employers(), 1u);
  }
  EXPECT_EQ(Buckets(r.total()), expected_total);
  // Every bucket occurs in this world, so the comparison means something.
  for (int b = 0; b < 4; ++b) EXPECT_GT(expected_total[b], 0u) << "bucket " << b;
  const double shares = r.total().shares().now() + r.total().shares().within_4_weeks() +
                        r.total().shares().within_13_weeks() + r.total().shares().within_26_weeks() +
                        r.total().shares().not_placeable();
  EXPECT_NEAR(shares, 1.0, 1e-9);

  // The same people grouped by home region and by sector add up to the same total.
  v1::GetReadinessRequest by_region;
  by_region.set_group_by(v1::READINESS_GROUPING_REGION);
  const v1::GetReadinessResponse regions_r = Settled(Admin(), by_region);
  std::map<std::string, std::vector<uint64_t>> expected_region;
  for (const v1::Candidate& c : people) {
    auto& e = expected_region[c.region()];
    e.resize(5, 0);
    ++e[BruteForceBucket(c, vacancy_ids)];
  }
  ASSERT_EQ(regions_r.groups_size(), static_cast<int>(expected_region.size()));
  for (const v1::ReadinessGroup& g : regions_r.groups()) EXPECT_EQ(Buckets(g), expected_region[g.group()]) << g.group();
  v1::GetReadinessRequest by_cluster;
  by_cluster.set_group_by(v1::READINESS_GROUPING_CLUSTER);
  EXPECT_EQ(Buckets(Settled(Admin(), by_cluster).total()), expected_total);
}

TEST_F(ReadinessTest, AnEmployersReadinessDropsWhenTheVacanciesItDependsOnClose) {
  // Acme's four welders in Twente hold VCA-BASIS; three vacancies take them as they are.
  for (int i = 0; i < 4; ++i) {
    v1::Candidate c = MakeCandidate("acme-" + std::to_string(i));
    c.set_employer_id("acme");
    c.set_willing_to_retrain(true);
    Put(c);
  }
  for (int i = 0; i < 3; ++i) Put(MakeVacancy("now-" + std::to_string(i)));
  // One more that needs a 4-week welding certificate.
  v1::Vacancy later = MakeVacancy("later");
  later.add_required_qualifications("ISO9606-135");
  Put(later);

  v1::GetReadinessRequest request;
  request.set_employer_id("acme");
  const v1::GetReadinessResponse before = Settled(Admin(), request);
  ASSERT_EQ(before.groups_size(), 1);
  const v1::ReadinessGroup& b = before.groups(0);
  EXPECT_EQ(b.people(), 4u);
  EXPECT_DOUBLE_EQ(b.shares().now(), 1.0);
  ASSERT_FALSE(b.absorbing().empty());
  EXPECT_EQ(b.absorbing(0).fits(), 4u);
  EXPECT_EQ(b.absorbing(0).fits_now(), 4u);

  // Let the clock pass the first figures' millisecond, then close what acme depends on.
  absl::SleepFor(absl::Milliseconds(2));
  for (int i = 0; i < 3; ++i) {
    v1::CloseVacancyRequest close;
    close.set_id("now-" + std::to_string(i));
    ASSERT_TRUE(engine_->CloseVacancy(Admin(), close).ok());
  }
  const v1::GetReadinessResponse after = Settled(Admin(), request);
  ASSERT_EQ(after.groups_size(), 1);
  const v1::ReadinessGroup& a = after.groups(0);
  EXPECT_EQ(a.people(), 4u);
  EXPECT_LT(a.shares().now(), b.shares().now());
  EXPECT_DOUBLE_EQ(a.shares().now(), 0.0);
  EXPECT_DOUBLE_EQ(a.shares().within_4_weeks(), 1.0);
  EXPECT_GT(a.computed_at(), b.computed_at());  // RFC 3339 UTC with ms: ordered as text.
  // The certificate that would put them back to work, and the one vacancy left.
  ASSERT_FALSE(a.unlocking().empty());
  EXPECT_EQ(a.unlocking(0).qualification(), "ISO9606-135");
  EXPECT_EQ(a.unlocking(0).people(), 4u);
  ASSERT_EQ(a.absorbing_size(), 1);
  EXPECT_EQ(a.absorbing(0).vacancy_id(), "later");
  EXPECT_EQ(a.absorbing(0).fits_now(), 0u);

  // Closing the last one leaves them not placeable.
  v1::CloseVacancyRequest close;
  close.set_id("later");
  ASSERT_TRUE(engine_->CloseVacancy(Admin(), close).ok());
  EXPECT_DOUBLE_EQ(Settled(Admin(), request).groups(0).shares().not_placeable(), 1.0);
}

TEST_F(ReadinessTest, APolicyChangeRecomputesEverybody) {
  for (int i = 0; i < 3; ++i) {
    v1::Candidate c = MakeCandidate("c" + std::to_string(i));
    c.set_willing_to_retrain(true);
    Put(c);
  }
  v1::Vacancy course = MakeVacancy("v1");
  course.add_required_qualifications("ISO9606-135");  // 4 weeks.
  Put(course);
  EXPECT_EQ(Settled(Admin()).total().buckets().within_4_weeks(), 3u);
  // A cap of 2 weeks puts the 4-week course out of reach: nobody is placeable.
  v1::Policy policy;
  policy.set_max_retraining_weeks(2);
  ASSERT_TRUE(engine_->SetPolicy(Admin(), policy, 0).ok());
  const v1::GetReadinessResponse r = Settled(Admin());
  EXPECT_EQ(r.total().buckets().not_placeable(), 3u);
  EXPECT_EQ(r.stale_people(), 0u);
}

TEST_F(ReadinessTest, ACandidateLeavingTheWorkforceLeavesTheFigures) {
  Put(MakeVacancy("v1"));
  Put(MakeCandidate("c1"));
  Put(MakeCandidate("c2"));
  EXPECT_EQ(Settled(Admin()).total().people(), 2u);
  v1::Candidate placed = MakeCandidate("c2");
  placed.set_status(v1::CANDIDATE_STATUS_PLACED);
  Put(placed);
  const v1::GetReadinessResponse r = Settled(Admin());
  EXPECT_EQ(r.total().people(), 1u);
  EXPECT_EQ(r.tracked_people(), 1u);
}

TEST_F(ReadinessTest, TheFiguresAreRecomputedAfterARestart) {
  Put(MakeVacancy("v1"));
  Put(MakeCandidate("c1"));
  EXPECT_EQ(Settled(Admin()).total().buckets().now(), 1u);
  options_.readiness_budget_per_second = 0;  // No worker: what a restart starts from.
  Reopen();
  auto pending = engine_->GetReadiness(Admin(), {});
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->pending_people(), 1u);
  EXPECT_EQ(pending->pending_employers(), 1u);
  EXPECT_EQ(pending->total().people(), 0u);
  EXPECT_EQ(pending->total().pending(), 1u);
  options_.readiness_budget_per_second = 100'000;
  Reopen();
  EXPECT_EQ(Settled(Admin()).total().buckets().now(), 1u);
}

TEST_F(ReadinessTest, ACoachSeesOnlyItsScopeAndAnEmployerOutsideItIsNotFound) {
  // Twente: employer "oost" and a vacancy there; Zuid-Limburg: employer "zuid" and its own.
  v1::Candidate east = MakeCandidate("e1", "Twente");
  east.set_employer_id("oost");
  Put(east);
  v1::Candidate south = MakeCandidate("s1", "Zuid-Limburg");
  south.set_employer_id("zuid");
  Put(south);
  Put(MakeVacancy("v-twente", "Twente"));
  Put(MakeVacancy("v-limburg", "Zuid-Limburg"));
  Settled(Admin());

  const access::Caller coach = CoachOf("Twente");
  const v1::GetReadinessResponse seen = Settled(coach);
  ASSERT_EQ(seen.groups_size(), 1);
  EXPECT_EQ(seen.groups(0).group(), "oost");
  for (const auto& v : seen.total().absorbing()) EXPECT_EQ(v.region(), "Twente");

  v1::GetReadinessRequest other;
  other.set_employer_id("zuid");
  auto hidden = engine_->GetReadiness(coach, other);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  other.set_employer_id("no-such-employer");
  auto unknown = engine_->GetReadiness(coach, other);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  // Out of scope reads exactly as unknown, apart from the quoted id.
  EXPECT_EQ(std::string(hidden.status().message()).substr(std::string("employer 'zuid'").size()),
            std::string(unknown.status().message()).substr(std::string("employer 'no-such-employer'").size()));

  // A Zuid-Limburg coach: the Twente people's vacancy is out of sight, so for that coach
  // the person living in Limburg is placeable, and nobody else is seen.
  const v1::GetReadinessResponse south_view = Settled(CoachOf("Zuid-Limburg"));
  ASSERT_EQ(south_view.groups_size(), 1);
  EXPECT_EQ(south_view.groups(0).group(), "zuid");
  EXPECT_EQ(south_view.total().buckets().now(), 1u);

  // A partner sees its own source only; the people here have none.
  auto partner = engine_->GetReadiness(PartnerOf("uwv"), {});
  ASSERT_TRUE(partner.ok()) << partner.status();
  EXPECT_EQ(partner->groups_size(), 0);
}

TEST_F(ReadinessTest, BadInputIsInvalidArgumentNamingTheField) {
  v1::GetReadinessRequest bad;
  bad.set_group_by(static_cast<v1::ReadinessGrouping>(9));
  auto r = engine_->GetReadiness(Admin(), bad);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("group_by: "));
  bad = {};
  bad.set_region("Atlantis");
  r = engine_->GetReadiness(Admin(), bad);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("region: "));
  bad = {};
  bad.set_page_size(1001);
  r = engine_->GetReadiness(Admin(), bad);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("page_size: "));
  bad = {};
  bad.set_top(51);
  r = engine_->GetReadiness(Admin(), bad);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("top: "));
  bad = {};
  bad.set_page_token("x");
  r = engine_->GetReadiness(Admin(), bad);
  EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith("page_token: "));
}

TEST_F(ReadinessTest, GroupsArePagedInKeyOrder) {
  Put(MakeVacancy("v1"));
  for (int i = 0; i < 5; ++i) {
    v1::Candidate c = MakeCandidate("c" + std::to_string(i));
    c.set_employer_id("emp-" + std::to_string(i));
    Put(c);
  }
  v1::GetReadinessRequest request;
  request.set_page_size(2);
  std::vector<std::string> keys;
  for (int page = 0; page < 5; ++page) {
    const v1::GetReadinessResponse r = Settled(Admin(), request);
    for (const auto& g : r.groups()) keys.push_back(g.group());
    EXPECT_EQ(r.total().people(), 5u);  // The total covers the selection, not the page.
    if (r.next_page_token().empty()) break;
    request.set_page_token(r.next_page_token());
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"emp-0", "emp-1", "emp-2", "emp-3", "emp-4"}));
}

}  // namespace
}  // namespace w2w::testing_engine
