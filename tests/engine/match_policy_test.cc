// Tests of the matching policy: defaults, completion and every validation error.
#include "engine/match/policy.h"

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::match {
namespace {

using ::testing::StartsWith;

class MatchPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override { tax_ = testing::SharedTaxonomy(); }

  // The error message of completing a policy built by `edit`, or "" when OK.
  std::string Error(const std::function<void(v1::Policy&)>& edit) {
    v1::Policy p;
    edit(p);
    auto r = CompletePolicy(p, *tax_);
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
};

double Mobility(const v1::Policy& p, v1::Sector from, v1::Sector to) {
  for (const auto& m : p.sector_mobility()) {
    if (m.from() == from && m.to() == to) return m.weight();
  }
  return -1;
}

double Status(const v1::Policy& p, v1::CandidateStatus s) {
  for (const auto& w : p.status_weights()) {
    if (w.status() == s) return w.weight();
  }
  return -1;
}

TEST_F(MatchPolicyTest, DefaultsAreTheDocumentedOnes) {
  const v1::Policy p = DefaultPolicy();
  EXPECT_EQ(p.version(), 0u);
  EXPECT_DOUBLE_EQ(p.weights().trade(), 0.35);
  EXPECT_DOUBLE_EQ(p.weights().sector(), 0.10);
  EXPECT_DOUBLE_EQ(p.weights().qualifications(), 0.25);
  EXPECT_DOUBLE_EQ(p.weights().distance(), 0.15);
  EXPECT_DOUBLE_EQ(p.weights().availability(), 0.10);
  EXPECT_DOUBLE_EQ(p.weights().urgency(), 0.05);
  EXPECT_DOUBLE_EQ(p.own_sector_preference(), 0);
  EXPECT_DOUBLE_EQ(p.min_trade_similarity(), 0.25);
  EXPECT_DOUBLE_EQ(p.experience_full_years(), 10);
  EXPECT_DOUBLE_EQ(p.experience_share(), 0.2);
  EXPECT_DOUBLE_EQ(p.max_retraining_weeks(), 12);
  EXPECT_DOUBLE_EQ(p.hard_to_fill_retraining_factor(), 2);
  EXPECT_DOUBLE_EQ(p.retraining_cost_scale_eur(), 5000);
  EXPECT_DOUBLE_EQ(p.retraining_cost_share(), 0.3);
  EXPECT_DOUBLE_EQ(p.preferred_bonus_share(), 0.2);
  EXPECT_DOUBLE_EQ(p.same_cluster_bonus(), 0.15);
  EXPECT_DOUBLE_EQ(p.default_max_travel_km(), 50);
  EXPECT_DOUBLE_EQ(p.availability_horizon_days(), 180);
  EXPECT_DOUBLE_EQ(p.urgency_hard_to_fill(), 1.0);
  EXPECT_DOUBLE_EQ(p.urgency_normal(), 0.4);
  EXPECT_EQ(p.sector_mobility_size(), 36);
  EXPECT_EQ(p.status_weights_size(), 7);
  EXPECT_TRUE(p.retraining().empty());

  // The sector matrix: same sector 1, MEI neighbours high, the rest lower, OTHER 0.3.
  for (int s = 1; s <= 6; ++s) {
    EXPECT_DOUBLE_EQ(Mobility(p, static_cast<v1::Sector>(s), static_cast<v1::Sector>(s)), 1.0);
  }
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_ME, v1::SECTOR_INST), 0.8);
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_INST, v1::SECTOR_ME), 0.8);
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_ME, v1::SECTOR_PROC), 0.6);
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_INST, v1::SECTOR_BOUW), 0.6);
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_ME, v1::SECTOR_MVT), 0.5);
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_ME, v1::SECTOR_BOUW), 0.45);
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_OTHER, v1::SECTOR_ME), 0.3);
  EXPECT_DOUBLE_EQ(Mobility(p, v1::SECTOR_BOUW, v1::SECTOR_OTHER), 0.3);
  // Asymmetric where the domain has a direction.
  EXPECT_GT(Mobility(p, v1::SECTOR_INST, v1::SECTOR_PROC), Mobility(p, v1::SECTOR_PROC, v1::SECTOR_INST));
  EXPECT_GT(Mobility(p, v1::SECTOR_MVT, v1::SECTOR_INST), Mobility(p, v1::SECTOR_INST, v1::SECTOR_MVT));

  EXPECT_DOUBLE_EQ(Status(p, v1::CANDIDATE_STATUS_UNEMPLOYED), 1.0);
  EXPECT_DOUBLE_EQ(Status(p, v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER), 1.0);
  EXPECT_DOUBLE_EQ(Status(p, v1::CANDIDATE_STATUS_NOTICE_GIVEN), 0.9);
  EXPECT_DOUBLE_EQ(Status(p, v1::CANDIDATE_STATUS_AT_RISK), 0.8);
  EXPECT_DOUBLE_EQ(Status(p, v1::CANDIDATE_STATUS_EMPLOYED), 0.5);
  EXPECT_DOUBLE_EQ(Status(p, v1::CANDIDATE_STATUS_PLACED), 0.0);
  EXPECT_DOUBLE_EQ(Status(p, v1::CANDIDATE_STATUS_UNAVAILABLE), 0.0);
}

TEST_F(MatchPolicyTest, EmptyPolicyCompletesToTheDefaults) {
  v1::Policy in;
  in.set_version(4);
  in.set_note("why");
  in.set_created_at("2026-11-29T07:00:00Z");
  auto p = CompletePolicy(in, *tax_);
  ASSERT_TRUE(p.ok()) << p.status();
  v1::Policy want = DefaultPolicy();
  want.set_version(4);
  want.set_note("why");
  want.set_created_at("2026-11-29T07:00:00Z");
  EXPECT_EQ(p->SerializeAsString(), want.SerializeAsString());
}

TEST_F(MatchPolicyTest, GivenFieldsAreKeptAndMissingOnesFilled) {
  v1::Policy in;
  in.mutable_weights()->set_trade(1);  // Others 0: meaningful once one weight is set.
  in.set_own_sector_preference(0.5);
  in.set_max_retraining_weeks(6);
  auto* m = in.add_sector_mobility();
  m->set_from(v1::SECTOR_BOUW);
  m->set_to(v1::SECTOR_ME);
  m->set_weight(0.1);
  auto* s = in.add_status_weights();
  s->set_status(v1::CANDIDATE_STATUS_EMPLOYED);
  s->set_weight(0);
  auto* r = in.add_retraining();
  r->set_qualification("vca-basis");  // Case-insensitive; stored canonical.
  r->set_weeks(0);
  r->set_cost_eur(99);
  auto p = CompletePolicy(in, *tax_);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_DOUBLE_EQ(p->weights().trade(), 1);
  EXPECT_DOUBLE_EQ(p->weights().sector(), 0);
  EXPECT_DOUBLE_EQ(p->own_sector_preference(), 0.5);
  EXPECT_DOUBLE_EQ(p->max_retraining_weeks(), 6);
  EXPECT_DOUBLE_EQ(p->min_trade_similarity(), 0.25);  // Unset: default.
  EXPECT_EQ(p->sector_mobility_size(), 36);
  EXPECT_DOUBLE_EQ(Mobility(*p, v1::SECTOR_BOUW, v1::SECTOR_ME), 0.1);
  EXPECT_DOUBLE_EQ(Mobility(*p, v1::SECTOR_ME, v1::SECTOR_BOUW), 0.45);
  EXPECT_DOUBLE_EQ(Status(*p, v1::CANDIDATE_STATUS_EMPLOYED), 0);
  EXPECT_DOUBLE_EQ(Status(*p, v1::CANDIDATE_STATUS_AT_RISK), 0.8);
  ASSERT_EQ(p->retraining_size(), 1);
  EXPECT_EQ(p->retraining(0).qualification(), "VCA-BASIS");
  EXPECT_DOUBLE_EQ(p->retraining(0).weeks(), 0);
  EXPECT_DOUBLE_EQ(p->retraining(0).cost_eur(), 99);
  // Completing a complete policy changes nothing.
  auto again = CompletePolicy(*p, *tax_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), p->SerializeAsString());
}

// Found by tests/fuzz/policy_fuzz (corpus/policy_fuzz/crash-unknown-weight-field): the
// weights were copied with their unknown fields, so the stored policy carried bytes that
// its JSON (`w2w policy get --json`) silently lost.
TEST_F(MatchPolicyTest, UnknownFieldsAreNotKept) {
  v1::Policy in;
  in.mutable_weights()->set_trade(1);
  // ComponentWeights.urgency (6) sent as a varint instead of a double: an unknown field.
  in.mutable_weights()->GetReflection()->MutableUnknownFields(in.mutable_weights())
      ->AddVarint(6, 35647032729685146);
  auto* r = in.add_retraining();
  r->set_qualification("VCA-BASIS");
  r->GetReflection()->MutableUnknownFields(r)->AddLengthDelimited(9, "padding");
  in.GetReflection()->MutableUnknownFields(&in)->AddFixed32(99, 7);
  auto p = CompletePolicy(in, *tax_);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->weights().GetReflection()->GetUnknownFields(p->weights()).empty());
  ASSERT_EQ(p->retraining_size(), 1);
  EXPECT_TRUE(p->retraining(0).GetReflection()->GetUnknownFields(p->retraining(0)).empty());
  EXPECT_TRUE(p->GetReflection()->GetUnknownFields(*p).empty());
  EXPECT_DOUBLE_EQ(p->weights().trade(), 1);
  EXPECT_DOUBLE_EQ(p->weights().urgency(), 0);
}

TEST_F(MatchPolicyTest, EveryValidationErrorNamesItsField) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(Error([](v1::Policy& p) { p.mutable_weights()->set_trade(-1); }),
              StartsWith("policy.weights.trade: must be >= 0"));
  EXPECT_THAT(Error([](v1::Policy& p) { p.mutable_weights()->set_urgency(-0.1); }),
              StartsWith("policy.weights.urgency: must be >= 0"));
  EXPECT_THAT(Error([&](v1::Policy& p) { p.mutable_weights()->set_sector(nan); }),
              StartsWith("policy.weights.sector:"));
  EXPECT_THAT(Error([](v1::Policy& p) { p.mutable_weights()->set_distance(1e9); }),
              StartsWith("policy.weights.distance:"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                p.add_sector_mobility();
                auto* m = p.add_sector_mobility();
                m->set_from(v1::SECTOR_ME);
                m->set_to(v1::SECTOR_ME);
              }),
              StartsWith("policy.sector_mobility[0].from: must be a sector"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                auto* m = p.add_sector_mobility();
                m->set_from(v1::SECTOR_ME);
              }),
              StartsWith("policy.sector_mobility[0].to: must be a sector"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                for (int i = 0; i < 4; ++i) {
                  auto* m = p.add_sector_mobility();
                  m->set_from(v1::SECTOR_ME);
                  m->set_to(static_cast<v1::Sector>(i + 1));
                  m->set_weight(i == 3 ? 1.5 : 0.5);
                }
              }),
              StartsWith("policy.sector_mobility[3].weight: must be in [0, 1]"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                for (int i = 0; i < 2; ++i) {
                  auto* m = p.add_sector_mobility();
                  m->set_from(v1::SECTOR_ME);
                  m->set_to(v1::SECTOR_INST);
                }
              }),
              StartsWith("policy.sector_mobility[1]: duplicate"));
  EXPECT_THAT(Error([](v1::Policy& p) { p.set_own_sector_preference(1.1); }),
              StartsWith("policy.own_sector_preference: must be in [0, 1]"));
  EXPECT_THAT(Error([](v1::Policy& p) { p.set_own_sector_preference(-0.1); }),
              StartsWith("policy.own_sector_preference:"));

  struct Case {
    const char* field;
    std::function<void(v1::Policy&)> edit;
  };
  const Case scalars[] = {
      {"min_trade_similarity", [](v1::Policy& p) { p.set_min_trade_similarity(1.5); }},
      {"min_trade_similarity", [](v1::Policy& p) { p.set_min_trade_similarity(-1); }},
      {"experience_full_years", [](v1::Policy& p) { p.set_experience_full_years(61); }},
      {"experience_share", [](v1::Policy& p) { p.set_experience_share(2); }},
      {"max_retraining_weeks", [](v1::Policy& p) { p.set_max_retraining_weeks(521); }},
      {"max_retraining_weeks", [](v1::Policy& p) { p.set_max_retraining_weeks(-3); }},
      {"hard_to_fill_retraining_factor", [](v1::Policy& p) { p.set_hard_to_fill_retraining_factor(0.5); }},
      {"hard_to_fill_retraining_factor", [](v1::Policy& p) { p.set_hard_to_fill_retraining_factor(11); }},
      {"retraining_cost_scale_eur", [](v1::Policy& p) { p.set_retraining_cost_scale_eur(-5); }},
      {"retraining_cost_share", [](v1::Policy& p) { p.set_retraining_cost_share(1.01); }},
      {"preferred_bonus_share", [](v1::Policy& p) { p.set_preferred_bonus_share(3); }},
      {"same_cluster_bonus", [](v1::Policy& p) { p.set_same_cluster_bonus(1.5); }},
      {"default_max_travel_km", [](v1::Policy& p) { p.set_default_max_travel_km(301); }},
      {"default_max_travel_km", [](v1::Policy& p) { p.set_default_max_travel_km(0.5); }},
      {"availability_horizon_days", [](v1::Policy& p) { p.set_availability_horizon_days(4000); }},
      {"urgency_hard_to_fill", [](v1::Policy& p) { p.set_urgency_hard_to_fill(1.2); }},
      {"urgency_normal", [](v1::Policy& p) { p.set_urgency_normal(-0.2); }},
      {"urgency_normal", [&](v1::Policy& p) { p.set_urgency_normal(std::numeric_limits<double>::infinity()); }},
  };
  for (const Case& c : scalars) {
    EXPECT_THAT(Error(c.edit), StartsWith(std::string("policy.") + c.field + ": "));
  }

  EXPECT_THAT(Error([](v1::Policy& p) { p.add_retraining()->set_qualification("NOPE"); }),
              StartsWith("policy.retraining[0].qualification: unknown qualification 'NOPE'"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                auto* r = p.add_retraining();
                r->set_qualification("VCA-BASIS");
                r->set_weeks(600);
              }),
              StartsWith("policy.retraining[0].weeks:"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                auto* r = p.add_retraining();
                r->set_qualification("VCA-BASIS");
                r->set_cost_eur(-1);
              }),
              StartsWith("policy.retraining[0].cost_eur:"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                p.add_retraining()->set_qualification("VCA-BASIS");
                p.add_retraining()->set_qualification("vca-basis");
              }),
              StartsWith("policy.retraining[1].qualification: duplicate"));
  EXPECT_THAT(Error([](v1::Policy& p) { p.add_status_weights()->set_weight(0.5); }),
              StartsWith("policy.status_weights[0].status: must be a candidate status"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                auto* s = p.add_status_weights();
                s->set_status(v1::CANDIDATE_STATUS_AT_RISK);
                s->set_weight(2);
              }),
              StartsWith("policy.status_weights[0].weight: must be in [0, 1]"));
  EXPECT_THAT(Error([](v1::Policy& p) {
                p.add_status_weights()->set_status(v1::CANDIDATE_STATUS_AT_RISK);
                p.add_status_weights()->set_status(v1::CANDIDATE_STATUS_AT_RISK);
              }),
              StartsWith("policy.status_weights[1].status: duplicate"));
  EXPECT_THAT(Error([](v1::Policy& p) { p.set_note(std::string(300, 'x')); }),
              StartsWith("policy.note:"));
  EXPECT_EQ(Error([](v1::Policy& p) { p.set_note("ok"); }), "");
}

}  // namespace
}  // namespace w2w::match
