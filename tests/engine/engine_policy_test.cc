// Engine facade, model changes: policy versions (default on first start, SetPolicy with
// optimistic versions and validation, history, reopen) and stored taxonomy changes
// (applied to validation at once, replayed in order on reopen).
#include <string>

#include "engine/match/policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::testing_engine {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using EnginePolicyTest = EngineTest;

TEST_F(EnginePolicyTest, FirstStartStoresTheDefaultAsVersionOne) {
  auto current = engine_->GetPolicy(0);
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(current->version(), 1u);
  EXPECT_FALSE(current->created_at().empty());
  EXPECT_DOUBLE_EQ(current->weights().trade(), match::kDefaultWeightTrade);
  EXPECT_DOUBLE_EQ(current->max_retraining_weeks(), match::kDefaultMaxRetrainingWeeks);
  auto first = engine_->GetPolicy(1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->SerializeAsString(), current->SerializeAsString());
  auto missing = engine_->GetPolicy(2);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Info().policy_version(), 1u);

  Reopen();  // Not stored a second time.
  EXPECT_EQ(engine_->GetPolicy(0)->version(), 1u);
  EXPECT_EQ(engine_->GetPolicy(2).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EnginePolicyTest, SetPolicyVersionsValidatesAndSurvivesReopen) {
  v1::Policy policy;
  policy.mutable_weights()->set_trade(0.5);
  policy.mutable_weights()->set_distance(0.5);
  policy.set_max_retraining_weeks(8);
  policy.set_note("test");
  auto set = engine_->SetPolicy(::w2w::access::Caller::System(), policy, 1);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->version(), 2u);
  EXPECT_EQ(set->note(), "test");
  EXPECT_FALSE(set->created_at().empty());
  EXPECT_DOUBLE_EQ(set->max_retraining_weeks(), 8);
  // Completed: unset fields take their defaults.
  EXPECT_DOUBLE_EQ(set->min_trade_similarity(), match::kDefaultMinTradeSimilarity);
  EXPECT_EQ(engine_->GetPolicy(0)->version(), 2u);
  EXPECT_EQ(engine_->Info().policy_version(), 2u);

  // A stale expected version is refused and changes nothing.
  auto stale = engine_->SetPolicy(::w2w::access::Caller::System(), policy, 1);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(stale.status().message()), HasSubstr("stale version 1"));

  // Invalid policies name the field and change nothing.
  v1::Policy bad;
  bad.mutable_weights()->set_trade(-1);
  auto invalid = engine_->SetPolicy(::w2w::access::Caller::System(), bad, 0);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(invalid.status().message()), StartsWith("policy.weights.trade"));
  EXPECT_EQ(engine_->GetPolicy(0)->version(), 2u);

  // Unconditional set: version 3.
  policy.set_max_retraining_weeks(6);
  auto third = engine_->SetPolicy(::w2w::access::Caller::System(), policy, 0);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->version(), 3u);

  Reopen();
  auto current = engine_->GetPolicy(0);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->version(), 3u);
  EXPECT_DOUBLE_EQ(current->max_retraining_weeks(), 6);
  EXPECT_EQ(engine_->GetPolicy(2)->max_retraining_weeks(), 8);
  EXPECT_EQ(engine_->GetPolicy(1)->max_retraining_weeks(), match::kDefaultMaxRetrainingWeeks);
  EXPECT_EQ(engine_->Info().policy_version(), 3u);

  // Queries report the policy they were scored with.
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("v1")).ok());
  v1::ShortlistRequest shortlist;
  shortlist.set_vacancy_id("v1");
  auto response = engine_->Shortlist(::w2w::access::Caller::System(), shortlist);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->policy_version(), 3u);
}

TEST_F(EnginePolicyTest, TaxonomyChangesApplyAtOnceAndReplayInOrder) {
  EXPECT_EQ(engine_->taxonomy()->version(), 1u);
  EXPECT_EQ(engine_->Info().taxonomy_version(), 1u);

  // A candidate with an unknown qualification is refused ...
  v1::Candidate candidate = MakeCandidate("c1");
  candidate.add_qualifications("W2W-TEST-CERT");
  EXPECT_EQ(engine_->UpsertCandidate(::w2w::access::Caller::System(), candidate).status().code(),
            absl::StatusCode::kInvalidArgument);

  // ... until an administrator adds it.
  v1::Qualification q;
  q.set_code("W2W-TEST-CERT");
  q.set_name("Test certificate");
  q.set_kind(v1::QUALIFICATION_KIND_CERTIFICATE);
  q.set_weeks(1);
  q.set_cost_eur(100);
  q.set_source("test");
  auto version = engine_->UpsertQualification(::w2w::access::Caller::System(), q);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 2u);
  EXPECT_TRUE(engine_->UpsertCandidate(::w2w::access::Caller::System(), candidate).ok());

  // A new municipality (e.g. after a merger) maps onto a region.
  v1::Municipality m;
  m.set_name("W2W-Testgemeente");
  m.set_region("Twente");
  version = engine_->UpsertMunicipality(::w2w::access::Caller::System(), m);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 3u);

  // The second change of the same qualification is stored after the first.
  q.set_weeks(3);
  version = engine_->UpsertQualification(::w2w::access::Caller::System(), q);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 4u);

  // An invalid change is refused and not stored.
  v1::Municipality bad;
  bad.set_name("Nergens");
  bad.set_region("Atlantis");
  auto refused = engine_->UpsertMunicipality(::w2w::access::Caller::System(), bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->taxonomy()->version(), 4u);

  Reopen();
  auto tax = engine_->taxonomy();
  EXPECT_EQ(tax->version(), 4u);
  EXPECT_EQ(engine_->Info().taxonomy_version(), 4u);
  auto qual = tax->FindQualification("W2W-TEST-CERT");
  ASSERT_TRUE(qual.has_value());
  EXPECT_DOUBLE_EQ(tax->qualification(*qual).weeks, 3);  // The later change wins.
  EXPECT_FALSE(tax->FindMunicipality("Nergens").has_value());
  auto region = tax->FindMunicipality("W2W-Testgemeente");
  ASSERT_TRUE(region.has_value());
  EXPECT_EQ(tax->region(*region).name, "Twente");

  v1::Candidate moved = MakeCandidate("c2", "");
  moved.set_municipality("W2W-Testgemeente");
  auto written = engine_->UpsertCandidate(::w2w::access::Caller::System(), moved);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->candidate.region(), "Twente");
  EXPECT_TRUE(engine_->GetCandidate(::w2w::access::Caller::System(), "c1").ok());
  EXPECT_EQ(engine_->Info().candidates(), 2u);
}

TEST_F(EnginePolicyTest, ClusterAndAnchorChangesAreStored) {
  v1::Cluster cluster;
  cluster.set_name("w2w-test-cluster");
  cluster.add_regions("Twente");
  cluster.add_regions("Achterhoek");
  auto version = engine_->UpsertCluster(::w2w::access::Caller::System(), cluster);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 2u);

  v1::UpdateRegionAnchorRequest anchor;
  anchor.set_region("Twente");
  anchor.set_anchor_city("Hengelo");
  anchor.set_lat(52.2659);
  anchor.set_lon(6.7931);
  version = engine_->UpdateRegionAnchor(::w2w::access::Caller::System(), anchor);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 3u);

  Reopen();
  auto tax = engine_->taxonomy();
  EXPECT_EQ(tax->version(), 3u);
  ASSERT_TRUE(tax->FindCluster("w2w-test-cluster").has_value());
  auto twente = tax->FindRegion("Twente");
  auto achterhoek = tax->FindRegion("Achterhoek");
  ASSERT_TRUE(twente.has_value() && achterhoek.has_value());
  EXPECT_TRUE(tax->SameCluster(*twente, *achterhoek));
  EXPECT_EQ(tax->region(*twente).anchor_city, "Hengelo");
}

}  // namespace
}  // namespace w2w::testing_engine
