// Engine facade, taxonomy listings (engine/engine_taxonomy.cc): what TaxonomyService
// serves, tested below the gRPC edge: filters, pages, errors naming the field, and one
// taxonomy version per response.
#include <cctype>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::testing_engine {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using EngineTaxonomyTest = EngineTest;

TEST_F(EngineTaxonomyTest, TradePagesCoverEveryTradeOnce) {
  const size_t total = engine_->taxonomy()->num_trades();
  ASSERT_GT(total, 250u);
  std::set<std::string> seen;
  v1::ListTradesRequest req;
  req.set_page_size(250);
  int pages = 0;
  for (;;) {
    auto page = engine_->ListTrades(req);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->trades_size(), 250);
    EXPECT_EQ(page->taxonomy_version(), engine_->taxonomy()->version());
    for (const auto& t : page->trades()) EXPECT_TRUE(seen.insert(t.id()).second) << "twice: " << t.id();
    ++pages;
    if (page->next_page_token().empty()) break;
    req.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(seen.size(), total);
  EXPECT_EQ(pages, static_cast<int>((total + 249) / 250));
}

TEST_F(EngineTaxonomyTest, TradeFiltersMatchLabelsAndIscoGroups) {
  v1::ListTradesRequest req;
  req.set_query("WELDER");  // Case-insensitive.
  auto welders = engine_->ListTrades(req);
  ASSERT_TRUE(welders.ok()) << welders.status();
  ASSERT_GT(welders->trades_size(), 0);
  for (const auto& t : welders->trades()) {
    const std::string all = t.label_en() + "|" + t.label_nl() + "|" + t.esco_code() + "|" + t.id();
    std::string lower;
    for (char ch : all) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_THAT(lower, HasSubstr("welder")) << t.id();
  }
  v1::ListTradesRequest group;
  group.set_isco_group("7212");
  auto in_group = engine_->ListTrades(group);
  ASSERT_TRUE(in_group.ok()) << in_group.status();
  ASSERT_GT(in_group->trades_size(), 0);
  for (const auto& t : in_group->trades()) EXPECT_THAT(t.isco_group(), StartsWith("7212"));
}

TEST_F(EngineTaxonomyTest, BadPagesAndRegionsNameTheField) {
  v1::ListTradesRequest big;
  big.set_page_size(1001);
  auto r = engine_->ListTrades(big);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("page_size"));
  v1::ListTradesRequest foreign;
  foreign.set_page_token("not-a-token");
  r = engine_->ListTrades(foreign);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("page_token"));

  v1::ListMunicipalitiesRequest nowhere;
  nowhere.set_region("Atlantis");
  auto m = engine_->ListMunicipalities(nowhere);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), StartsWith("region"));
}

TEST_F(EngineTaxonomyTest, MunicipalitiesOfARegionAndTheirChanges) {
  v1::ListMunicipalitiesRequest twente;
  twente.set_region("Twente");
  auto listed = engine_->ListMunicipalities(twente);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_GT(listed->municipalities_size(), 5);
  bool losser = false;
  for (const auto& mu : listed->municipalities()) {
    EXPECT_EQ(mu.region(), "Twente");
    EXPECT_TRUE(mu.has_lat() && mu.has_lon()) << mu.name() << " has no centroid";
    losser = losser || mu.name() == "Losser";
  }
  EXPECT_TRUE(losser);
  auto all = engine_->ListMunicipalities(v1::ListMunicipalitiesRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_GT(all->municipalities_size(), listed->municipalities_size());

  // A change shows in the next listing, under the new version.
  v1::Municipality moved;
  moved.set_name("Losser");
  moved.set_region("Twente");
  moved.set_lat(52.26);
  moved.set_lon(7.00);
  auto version = engine_->UpsertMunicipality(::w2w::access::Caller::System(), moved);
  ASSERT_TRUE(version.ok()) << version.status();
  listed = engine_->ListMunicipalities(twente);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->taxonomy_version(), *version);
  bool seen = false;
  for (const auto& mu : listed->municipalities()) {
    if (mu.name() != "Losser") continue;
    seen = true;
    EXPECT_DOUBLE_EQ(mu.lat(), 52.26);
  }
  EXPECT_TRUE(seen);
}

TEST_F(EngineTaxonomyTest, RegionsClustersSectorsAndQualifications) {
  const auto regions = engine_->ListRegions();
  EXPECT_EQ(regions.regions_size(), 35);
  const auto clusters = engine_->ListClusters();
  ASSERT_GT(clusters.clusters_size(), 0);
  for (const auto& c : clusters.clusters()) EXPECT_GT(c.regions_size(), 0) << c.name();
  EXPECT_EQ(engine_->ListSectors().sectors_size(), 6);
  EXPECT_GT(engine_->ListQualifications().qualifications_size(), 0);
}

}  // namespace
}  // namespace w2w::testing_engine
