// Tests of engine/match/reasons: the fast number formats equal the printf formats they
// replace (explanations must stay byte-identical), and the sentences built once per
// model read as the per-match formatting used to write them.
#include "engine/match/reasons.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "engine/match/compiled_policy.h"
#include "engine/match/policy.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::match {
namespace {

std::string Printf0(double x) { return absl::StrFormat("%.0f", x); }

TEST(MatchReasonsTest, RoundedEqualsPrintfIncludingTiesToEven) {
  for (double x : {0.0, 0.4, 0.5, 1.5, 2.5, 3.5, 99.5, 100.0, 22.8996524810791, 1e14 + 0.5}) {
    EXPECT_EQ(Rounded(x), Printf0(x)) << x;
  }
  for (int i = 0; i < 2000; ++i) {  // Exact halves and their neighbours.
    const double half = i + 0.5;
    for (double x : {half, std::nextafter(half, 0.0), std::nextafter(half, 1e9)}) {
      ASSERT_EQ(Rounded(x), Printf0(x)) << x;
    }
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> km(0, 400);
  for (int i = 0; i < 200000; ++i) {
    const double x = km(rng);
    ASSERT_EQ(Rounded(x), Printf0(x)) << x;
  }
  for (int i = 0; i <= 10000; ++i) {  // Similarities are floats, shown as a percentage.
    const double pct = static_cast<double>(static_cast<float>(i / 10000.0)) * 100;
    ASSERT_EQ(Rounded(pct), Printf0(pct)) << pct;
  }
  // Outside the fast path printf's own spelling is kept.
  EXPECT_EQ(Rounded(-0.3), "-0");
  EXPECT_EQ(Rounded(-2.5), "-2");
  EXPECT_EQ(Rounded(1e20), Printf0(1e20));
  EXPECT_EQ(Rounded(INFINITY), "inf");
}

TEST(MatchReasonsTest, NumberWords) {
  EXPECT_EQ(Num(0.4), "0.4");
  EXPECT_EQ(Num(12), "12");
  EXPECT_EQ(Weeks(1), "1 week");
  EXPECT_EQ(Weeks(0.2), "0.2 weeks");
  EXPECT_EQ(Km(22.8996524810791), "23 km");
  EXPECT_EQ(Km(0.5), "0 km");
  EXPECT_STREQ(StatusText(v1::CANDIDATE_STATUS_NOTICE_GIVEN), "notice given");
  EXPECT_STREQ(StatusText(99), "status unknown");
}

TEST(MatchReasonsTest, ModelTextsReadAsThePerMatchFormatsDid) {
  auto tax = testing::SharedTaxonomy();
  v1::Policy raw;
  v1::RetrainingWeight* override_weeks = raw.add_retraining();
  override_weeks->set_qualification("VCA-VOL");
  override_weeks->set_weeks(1);
  override_weeks->set_cost_eur(412.5);
  auto policy = CompletePolicy(raw, *tax);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const auto m = CompiledPolicy::Compile(tax, *policy);
  const ReasonTexts& t = m->reasons;

  for (int a = 0; a < taxonomy::kNumSectorSlots; ++a) {
    const std::string from(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(a)));
    EXPECT_EQ(t.same_sector[a], "same sector " + from);
    for (int b = 0; b < taxonomy::kNumSectorSlots; ++b) {
      const std::string to(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(b)));
      char expected[128];
      std::snprintf(expected, sizeof expected, "sector move %s -> %s (%.2f)", from.c_str(), to.c_str(),
                    m->sector[a][b]);
      EXPECT_EQ(t.sector_move[a][b], expected);
    }
  }
  EXPECT_EQ(t.sector_move[v1::SECTOR_ME][v1::SECTOR_INST].rfind("sector move ME -> INST (", 0), 0u);

  ASSERT_EQ(t.same_region.size(), tax->num_regions());
  const auto rijnmond = tax->FindRegion("Rijnmond");
  ASSERT_TRUE(rijnmond.has_value());
  EXPECT_EQ(t.same_region[*rijnmond], "Rijnmond, same region");

  ASSERT_EQ(t.needs.size(), tax->num_qualifications());
  ASSERT_EQ(t.preferred.size(), tax->num_qualifications());
  const auto vca = tax->FindQualification("VCA-VOL");
  ASSERT_TRUE(vca.has_value());
  EXPECT_EQ(t.needs[*vca], "needs VCA-VOL: 1 week, EUR 412");  // Policy override; %.0f of 412.5.
  EXPECT_EQ(t.preferred[*vca], "holds preferred VCA-VOL");
  for (size_t q = 0; q < t.needs.size(); ++q) {
    const std::string& code = tax->qualification(static_cast<taxonomy::QualId>(q)).code;
    char cost[64];
    std::snprintf(cost, sizeof cost, "%.0f", m->qual_cost[q]);
    EXPECT_EQ(t.needs[q], "needs " + code + ": " + Weeks(m->qual_weeks[q]) + ", EUR " + cost);
  }
}

}  // namespace
}  // namespace w2w::match
