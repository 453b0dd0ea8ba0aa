// Tests of the Taxonomy: loading the shipped data, look-ups, distances, trade similarity
// and the administrator changes.
#include "engine/taxonomy/taxonomy.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::taxonomy {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string DataDir() {
  const char* env = std::getenv("W2W_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR;
}

class TaxonomyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto start = std::chrono::steady_clock::now();
    auto loaded = Taxonomy::LoadFromDir(DataDir());
    const double ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    tax_ = new std::shared_ptr<const Taxonomy>(*loaded);
    load_ms_ = ms;
    std::printf("[ taxonomy ] LoadFromDir took %.1f ms\n", ms);
  }
  static void TearDownTestSuite() {
    delete tax_;
    tax_ = nullptr;
  }
  const Taxonomy& tax() const { return **tax_; }
  RegionId Region(std::string_view name) const {
    auto id = tax().FindRegion(name);
    EXPECT_TRUE(id.has_value()) << name;
    return id.value_or(0);
  }
  TradeId Trade(std::string_view code) const {
    auto id = tax().FindTrade(code);
    EXPECT_TRUE(id.has_value()) << code;
    return id.value_or(0);
  }

  static std::shared_ptr<const Taxonomy>* tax_;
  static double load_ms_;
};

std::shared_ptr<const Taxonomy>* TaxonomyTest::tax_ = nullptr;
double TaxonomyTest::load_ms_ = 0;

TEST_F(TaxonomyTest, ShippedDataIsVersionOne) {
  // The load time is printed above for the log; it is measured by bench/startup_bench.cc,
  // never asserted here (sanitizer builds on a busy machine are several times slower).
  EXPECT_EQ(tax().version(), 1u);
}

TEST_F(TaxonomyTest, Counts) {
  EXPECT_EQ(tax().num_regions(), 35u);
  EXPECT_EQ(tax().num_trades(), 868u);
  EXPECT_EQ(tax().num_clusters(), 9u);
  EXPECT_GE(tax().num_qualifications(), 30u);
  EXPECT_LE(tax().num_qualifications(), static_cast<size_t>(kMaxQualifications));
  EXPECT_EQ(tax().municipalities().size(), 397u);
  uint64_t jobs = 0;
  for (size_t r = 0; r < tax().num_regions(); ++r) jobs += tax().region(static_cast<RegionId>(r)).tech_jobs;
  EXPECT_EQ(jobs, 740931u);
}

TEST_F(TaxonomyTest, RegionIdsFollowUwvNumbers) {
  for (size_t r = 0; r < tax().num_regions(); ++r) {
    EXPECT_EQ(tax().region(static_cast<RegionId>(r)).number, r + 1);
  }
  EXPECT_EQ(tax().region(0).name, "Groningen");
  EXPECT_EQ(tax().region(34).name, "Zuid-Limburg");
}

TEST_F(TaxonomyTest, FindRegionByNameAndNumber) {
  const RegionId zob = Region("Zuidoost-Brabant");
  EXPECT_EQ(tax().region(zob).number, 33u);
  EXPECT_EQ(tax().FindRegion("zuidoost-brabant"), zob);
  EXPECT_EQ(tax().FindRegion("  ZUIDOOST-BRABANT "), zob);
  EXPECT_EQ(tax().FindRegion("33"), zob);
  EXPECT_EQ(tax().FindRegion("Zaanstreek/Waterland"), tax().FindRegion("7"));
  EXPECT_FALSE(tax().FindRegion("0").has_value());
  EXPECT_FALSE(tax().FindRegion("36").has_value());
  EXPECT_FALSE(tax().FindRegion("Atlantis").has_value());
  EXPECT_FALSE(tax().FindRegion("").has_value());
  const RegionInfo& info = tax().region(zob);
  EXPECT_EQ(info.anchor_city, "Eindhoven");
  EXPECT_EQ(info.tech_jobs, 42438u);
  EXPECT_DOUBLE_EQ(info.sector_share_pct[0], 70);
}

TEST_F(TaxonomyTest, FindMunicipality) {
  EXPECT_EQ(tax().FindMunicipality("Eindhoven"), Region("Zuidoost-Brabant"));
  EXPECT_EQ(tax().FindMunicipality("eindhoven"), Region("Zuidoost-Brabant"));
  EXPECT_EQ(tax().FindMunicipality("'s-hertogenbosch"), Region("Noordoost-Brabant"));
  EXPECT_EQ(tax().FindMunicipality("Enschede"), Region("Twente"));
  EXPECT_FALSE(tax().FindMunicipality("Atlantis").has_value());
  // Case-insensitive beyond ASCII: the Latin-1 capitals of Dutch and Frisian names.
  EXPECT_EQ(tax().FindMunicipality("Súdwest Fryslân"), Region("Friesland"));
  EXPECT_EQ(tax().FindMunicipality("súdwest fryslân"), Region("Friesland"));
  EXPECT_EQ(tax().FindMunicipality("SÚDWEST FRYSLÂN"), Region("Friesland"));
  EXPECT_FALSE(tax().FindMunicipality("SUDWEST FRYSLAN").has_value());  // Accents count.
  auto ref = tax().LookupMunicipality("  ROTTERDAM ");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->name, "Rotterdam");
  EXPECT_EQ(ref->region, Region("Rijnmond"));
  auto list = tax().municipalities();
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return a.name < b.name;
  }));
}

TEST_F(TaxonomyTest, FindTradeByCodeAndUuid) {
  const TradeId welder = Trade("7212.3");
  const TradeInfo& t = tax().trade(welder);
  EXPECT_EQ(t.label_en, "welder");
  EXPECT_EQ(t.label_nl, "lasser");
  EXPECT_EQ(t.isco_group, "7212");
  EXPECT_EQ(t.id.size(), 36u);
  EXPECT_EQ(tax().FindTrade(t.id), welder);
  std::string upper = t.id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(tax().FindTrade(upper), welder);
  EXPECT_GT(t.essential_skills, 0u);
  EXPECT_FALSE(tax().FindTrade("9999.9").has_value());
  EXPECT_FALSE(tax().FindTrade("").has_value());
  v1::Trade proto = tax().TradeProto(welder);
  EXPECT_EQ(proto.esco_code(), "7212.3");
  EXPECT_EQ(proto.id(), t.id);
}

// Issue 13: reasons and labels in Dutch. Every occupation shipped in data/ carries its
// Dutch ESCO label, so a Dutch response never falls back to English for a shipped trade.
TEST_F(TaxonomyTest, EveryShippedOccupationHasADutchLabel) {
  std::ifstream file(DataDir() + "/esco/occupations.csv");
  ASSERT_TRUE(file.good());
  size_t rows = 0;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty() && line[0] != '#') ++rows;
  }
  ASSERT_EQ(tax().num_trades(), rows - 1) << "every row but the header is a trade";
  for (size_t i = 0; i < tax().num_trades(); ++i) {
    const TradeInfo& t = tax().trade(static_cast<TradeId>(i));
    EXPECT_FALSE(t.label_nl.empty()) << t.esco_code << " " << t.label_en;
    EXPECT_EQ(t.label_nl.find_first_of("\t\r\n"), std::string::npos) << t.esco_code;
    EXPECT_EQ(t.Label(Language::kDutch), t.label_nl);
    EXPECT_EQ(t.Label(Language::kEnglish), t.label_en);
  }
}

TEST_F(TaxonomyTest, TradeLabelsByLanguage) {
  const TradeId welder = Trade("7212.3");
  EXPECT_EQ(tax().TradeProto(welder).label(), "welder");
  EXPECT_EQ(tax().TradeProto(welder, Language::kEnglish).label(), "welder");
  EXPECT_EQ(tax().TradeProto(welder, Language::kDutch).label(), "lasser");
  EXPECT_EQ(tax().TradeProto(welder, Language::kDutch).label_en(), "welder");
  // The documented fallback: a trade without a Dutch label reads in English.
  TradeInfo bare = tax().trade(welder);
  bare.label_nl.clear();
  EXPECT_EQ(bare.Label(Language::kDutch), "welder");
}

TEST(LanguageTest, ParseLanguage) {
  EXPECT_EQ(ParseLanguage(v1::LANGUAGE_UNSPECIFIED, "language").value(), Language::kEnglish);
  EXPECT_EQ(ParseLanguage(v1::LANGUAGE_EN, "language").value(), Language::kEnglish);
  EXPECT_EQ(ParseLanguage(v1::LANGUAGE_NL, "language").value(), Language::kDutch);
  const absl::Status bad = ParseLanguage(7, "options.language").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), StartsWith("options.language: unknown language 7"));
  EXPECT_EQ(ParseLanguage(-1, "language").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LanguageProto(Language::kDutch), v1::LANGUAGE_NL);
  EXPECT_EQ(LanguageProto(Language::kEnglish), v1::LANGUAGE_EN);
}

TEST_F(TaxonomyTest, Qualifications) {
  auto vca = tax().FindQualification("VCA-BASIS");
  ASSERT_TRUE(vca.has_value());
  EXPECT_EQ(tax().FindQualification("vca-basis"), vca);
  const QualificationInfo& q = tax().qualification(*vca);
  EXPECT_EQ(q.kind, v1::QUALIFICATION_KIND_CERTIFICATE);
  EXPECT_DOUBLE_EQ(q.weeks, 0.2);
  EXPECT_FALSE(q.source.empty());
  for (const char* code : {"NEN3140-VP", "ISO9606-141", "FGAS-CAT1", "MBO2-LAS", "VAPRO-B",
                           "HEFTRUCK", "APK-KEURMEESTER"}) {
    EXPECT_TRUE(tax().FindQualification(code).has_value()) << code;
  }
  for (size_t i = 0; i < tax().num_qualifications(); ++i) {
    const QualificationInfo& info = tax().qualification(static_cast<QualId>(i));
    EXPECT_TRUE(Taxonomy::ValidateQualification(tax().QualificationProto(static_cast<QualId>(i))).ok())
        << info.code;
    if (info.kind == v1::QUALIFICATION_KIND_DIPLOMA && info.code.rfind("MBO", 0) == 0) {
      EXPECT_GE(info.weeks, 52) << info.code;
      EXPECT_LE(info.weeks, 156) << info.code;
    }
  }
}

TEST_F(TaxonomyTest, Clusters) {
  auto zuidoost = tax().FindCluster("zuidoost");
  ASSERT_TRUE(zuidoost.has_value());
  EXPECT_EQ(tax().FindCluster("ZuidOost"), zuidoost);
  EXPECT_EQ(tax().ClusterMembers(*zuidoost).size(), 4u);
  EXPECT_TRUE(tax().SameCluster(Region("Zuidoost-Brabant"), Region("Noord-Limburg")));
  EXPECT_FALSE(tax().SameCluster(Region("Zuidoost-Brabant"), Region("Twente")));
  // Flevoland is in no cluster: not even in the same cluster as itself.
  EXPECT_EQ(tax().region(Region("Flevoland")).cluster, kNoCluster);
  EXPECT_FALSE(tax().SameCluster(Region("Flevoland"), Region("Flevoland")));
  EXPECT_EQ(tax().RegionProto(Region("Twente")).cluster(), "oost");
  EXPECT_EQ(tax().RegionProto(Region("Flevoland")).cluster(), "");
  EXPECT_EQ(tax().RegionProto(Region("Twente")).sector_share_pct_size(), 5);
  v1::Cluster proto = tax().ClusterProto(*zuidoost);
  EXPECT_EQ(proto.name(), "zuidoost");
  EXPECT_EQ(proto.regions_size(), 4);
}

TEST_F(TaxonomyTest, Distances) {
  const RegionId ehv = Region("Zuidoost-Brabant");
  const RegionId rdam = Region("Rijnmond");
  EXPECT_NEAR(tax().DistanceKm(ehv, rdam), 100, 15);
  EXPECT_NEAR(tax().DistanceKm(Region("Groningen"), Region("Zuid-Limburg")), 265, 15);
  for (size_t a = 0; a < tax().num_regions(); ++a) {
    EXPECT_EQ(tax().DistanceKm(static_cast<RegionId>(a), static_cast<RegionId>(a)), 0.0f);
    for (size_t b = 0; b < tax().num_regions(); ++b) {
      const float d = tax().DistanceKm(static_cast<RegionId>(a), static_cast<RegionId>(b));
      EXPECT_EQ(d, tax().DistanceKm(static_cast<RegionId>(b), static_cast<RegionId>(a)));
      if (a != b) {
        EXPECT_GT(d, 0.0f);
        EXPECT_LT(d, 400.0f);  // The Netherlands is small.
      }
    }
  }
}

TEST_F(TaxonomyTest, SimilarityDiagonalAndRange) {
  const size_t n = tax().num_trades();
  bool asymmetric = false;
  for (size_t a = 0; a < n; ++a) {
    EXPECT_EQ(tax().TradeSimilarity(static_cast<TradeId>(a), static_cast<TradeId>(a)), 1.0f);
    for (size_t b = 0; b < n; ++b) {
      const float s = tax().TradeSimilarity(static_cast<TradeId>(a), static_cast<TradeId>(b));
      ASSERT_GE(s, 0.0f);
      ASSERT_LE(s, 1.0f);
      if (std::abs(s - tax().TradeSimilarity(static_cast<TradeId>(b), static_cast<TradeId>(a))) >
          0.05f) {
        asymmetric = true;
      }
    }
  }
  EXPECT_TRUE(asymmetric);
}

TEST_F(TaxonomyTest, SimilarityIsDomainPlausible) {
  const TradeId welder = Trade("7212.3");
  const TradeId pipe_welder = Trade("7212.3.3");
  const TradeId spot_welder = Trade("7212.3.4");
  const TradeId carpenter = Trade("7115.1");
  EXPECT_GT(tax().TradeSimilarity(pipe_welder, welder), tax().TradeSimilarity(carpenter, welder));
  EXPECT_GT(tax().TradeSimilarity(welder, pipe_welder), tax().TradeSimilarity(welder, carpenter));
  EXPECT_GT(tax().TradeSimilarity(spot_welder, welder), tax().TradeSimilarity(carpenter, welder));
  // Asymmetric by construction: the specialist covers more of the generalist than back.
  EXPECT_NE(tax().TradeSimilarity(pipe_welder, welder), tax().TradeSimilarity(welder, pipe_welder));
  const TradeId electrician = Trade("7411.1");
  const TradeId building_electrician = Trade("7411.1.1");
  EXPECT_GT(tax().TradeSimilarity(building_electrician, electrician),
            tax().TradeSimilarity(carpenter, electrician));
}

TEST_F(TaxonomyTest, IscoGroupsGiveSiblingsAFloor) {
  // ESCO skill lists are granular: a pipe welder covers ~10% of a welder's skill URIs.
  // Same ISCO unit group (7212) lifts the similarity to at least 0.6, same minor group
  // (721x) to at least 0.35, and the coverage on top keeps the asymmetry.
  const TradeId welder = Trade("7212.3");
  const TradeId pipe_welder = Trade("7212.3.3");
  const TradeId carpenter = Trade("7115.1");
  EXPECT_GE(tax().TradeSimilarity(pipe_welder, welder), 0.6f);
  EXPECT_GE(tax().TradeSimilarity(welder, pipe_welder), 0.6f);
  EXPECT_LT(tax().TradeSimilarity(carpenter, welder), 0.35f);
  const TradeId sheet_metal = Trade("7213.1");  // Boilermaker, minor group 721.
  EXPECT_GE(tax().TradeSimilarity(sheet_metal, welder), 0.35f);
  EXPECT_LT(tax().TradeSimilarity(sheet_metal, welder), tax().TradeSimilarity(pipe_welder, welder));
}

TEST_F(TaxonomyTest, LinkListsMatchMatrix) {
  const size_t n = tax().num_trades();
  size_t total_reaching = 0, total_reachable = 0;
  for (size_t t = 0; t < n; ++t) {
    const auto id = static_cast<TradeId>(t);
    auto reaching = tax().TradesReaching(id);
    auto reachable = tax().TradesReachableFrom(id);
    ASSERT_FALSE(reaching.empty());
    ASSERT_FALSE(reachable.empty());
    EXPECT_EQ(reaching[0].trade, id);  // Similarity 1 comes first (ties by id aside).
    EXPECT_EQ(reaching[0].similarity, 1.0f);
    for (size_t i = 0; i < reaching.size(); ++i) {
      EXPECT_GT(reaching[i].similarity, 0.0f);
      ASSERT_EQ(reaching[i].similarity, tax().TradeSimilarity(reaching[i].trade, id));
      if (i > 0) {
        const auto& p = reaching[i - 1];
        const auto& c = reaching[i];
        ASSERT_TRUE(p.similarity > c.similarity ||
                    (p.similarity == c.similarity && p.trade < c.trade));
      }
    }
    for (size_t i = 0; i < reachable.size(); ++i) {
      ASSERT_EQ(reachable[i].similarity, tax().TradeSimilarity(id, reachable[i].trade));
      if (i > 0) {
        ASSERT_GE(reachable[i - 1].similarity, reachable[i].similarity);
      }
    }
    total_reaching += reaching.size();
    total_reachable += reachable.size();
  }
  EXPECT_EQ(total_reaching, total_reachable);
  size_t nonzero = 0;
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      nonzero += tax().TradeSimilarity(static_cast<TradeId>(a), static_cast<TradeId>(b)) > 0;
    }
  }
  EXPECT_EQ(total_reaching, nonzero);
  std::printf("[ taxonomy ] %zu trade pairs with similarity > 0 (%.1f%%)\n", nonzero,
              100.0 * static_cast<double>(nonzero) / static_cast<double>(n * n));
}

TEST_F(TaxonomyTest, Sectors) {
  EXPECT_EQ(Taxonomy::SectorCode(v1::SECTOR_ME), "ME");
  EXPECT_EQ(Taxonomy::SectorName(v1::SECTOR_INST), "Installatietechniek");
  EXPECT_EQ(Taxonomy::SectorSbi(v1::SECTOR_MVT), "45.2");
  EXPECT_EQ(Taxonomy::SectorCode(v1::SECTOR_UNSPECIFIED), "");
  EXPECT_EQ(Taxonomy::ParseSector("me"), v1::SECTOR_ME);
  EXPECT_EQ(Taxonomy::ParseSector("SECTOR_BOUW"), v1::SECTOR_BOUW);
  EXPECT_EQ(Taxonomy::ParseSector("procestechniek"), v1::SECTOR_PROC);
  EXPECT_EQ(Taxonomy::ParseSector(" other "), v1::SECTOR_OTHER);
  EXPECT_FALSE(Taxonomy::ParseSector("SECTOR_").has_value());
  EXPECT_FALSE(Taxonomy::ParseSector("UNSPECIFIED").has_value());
  EXPECT_FALSE(Taxonomy::ParseSector("").has_value());
}

// ---- Changes -----------------------------------------------------------------------------

v1::Qualification Qual(std::string code) {
  v1::Qualification q;
  q.set_code(std::move(code));
  q.set_name("Test course");
  q.set_kind(v1::QUALIFICATION_KIND_CERTIFICATE);
  q.set_weeks(1);
  q.set_cost_eur(500);
  q.set_source("test");
  return q;
}

TEST_F(TaxonomyTest, WithQualificationAddsAndReplaces) {
  auto added = tax().WithQualification(Qual("TEST-1"));
  ASSERT_TRUE(added.ok()) << added.status();
  const Taxonomy& t2 = **added;
  EXPECT_EQ(t2.version(), 2u);
  EXPECT_EQ(t2.num_qualifications(), tax().num_qualifications() + 1);
  auto id = t2.FindQualification("TEST-1");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, tax().num_qualifications());  // Appended: earlier ids are stable.
  EXPECT_FALSE(tax().FindQualification("TEST-1").has_value());  // The original is unchanged.
  // Big data shared, small data copied.
  EXPECT_EQ(t2.TradesReaching(0).data(), tax().TradesReaching(0).data());

  v1::Qualification changed = tax().QualificationProto(*tax().FindQualification("VCA-BASIS"));
  changed.set_weeks(0.4);
  auto replaced = t2.WithQualification(changed);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ((*replaced)->version(), 3u);
  EXPECT_EQ((*replaced)->num_qualifications(), t2.num_qualifications());
  EXPECT_EQ((*replaced)->FindQualification("VCA-BASIS"), tax().FindQualification("VCA-BASIS"));
  EXPECT_DOUBLE_EQ((*replaced)->qualification(*tax().FindQualification("VCA-BASIS")).weeks, 0.4);
}

TEST_F(TaxonomyTest, WithQualificationValidates) {
  struct Case {
    v1::Qualification q;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({Qual(""), "qualification.code"});
  cases.push_back({Qual("lower"), "qualification.code"});
  cases.push_back({Qual("HAS SPACE"), "qualification.code"});
  cases.push_back({Qual(std::string(33, 'A')), "qualification.code"});
  auto q = Qual("OK-1");
  q.set_name("");
  cases.push_back({q, "qualification.name"});
  q = Qual("OK-1");
  q.set_name(std::string(257, 'x'));
  cases.push_back({q, "qualification.name"});
  q = Qual("OK-1");
  q.set_kind(v1::QUALIFICATION_KIND_UNSPECIFIED);
  cases.push_back({q, "qualification.kind"});
  q = Qual("OK-1");
  q.set_kind(static_cast<v1::QualificationKind>(42));
  cases.push_back({q, "qualification.kind"});
  q = Qual("OK-1");
  q.set_weeks(-1);
  cases.push_back({q, "qualification.weeks"});
  q = Qual("OK-1");
  q.set_weeks(std::nan(""));
  cases.push_back({q, "qualification.weeks"});
  q = Qual("OK-1");
  q.set_weeks(521);
  cases.push_back({q, "qualification.weeks"});
  q = Qual("OK-1");
  q.set_cost_eur(-5);
  cases.push_back({q, "qualification.cost_eur"});
  q = Qual("OK-1");
  q.set_source(std::string(257, 's'));
  cases.push_back({q, "qualification.source"});
  for (const Case& c : cases) {
    auto r = tax().WithQualification(c.q);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), StartsWith(c.field + ":"));
  }
  EXPECT_TRUE(tax().WithQualification(Qual(std::string(32, 'A'))).ok());
}

TEST_F(TaxonomyTest, WithQualificationLimit) {
  std::shared_ptr<const Taxonomy> t = *tax_;
  for (size_t i = t->num_qualifications(); i < static_cast<size_t>(kMaxQualifications); ++i) {
    auto next = t->WithQualification(Qual("FILL-" + std::to_string(i)));
    ASSERT_TRUE(next.ok()) << next.status();
    t = *next;
  }
  EXPECT_EQ(t->num_qualifications(), static_cast<size_t>(kMaxQualifications));
  auto over = t->WithQualification(Qual("ONE-TOO-MANY"));
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  // Replacing an existing one is still fine at the limit.
  EXPECT_TRUE(t->WithQualification(Qual("VCA-BASIS")).ok());
}

TEST_F(TaxonomyTest, WithClusterCreatesMovesAndRemoves) {
  v1::Cluster c;
  c.set_name("flevo-gooi");
  c.add_regions("Flevoland");
  c.add_regions("12");  // Gooi en Vechtstreek, by number.
  auto t2 = tax().WithCluster(c);
  ASSERT_TRUE(t2.ok()) << t2.status();
  EXPECT_EQ((*t2)->version(), 2u);
  EXPECT_EQ((*t2)->num_clusters(), tax().num_clusters() + 1);
  EXPECT_TRUE((*t2)->SameCluster(Region("Flevoland"), Region("Gooi en Vechtstreek")));
  EXPECT_FALSE(tax().SameCluster(Region("Flevoland"), Region("Gooi en Vechtstreek")));

  // Move Twente out of "oost" into the new cluster; "oost" keeps its other members.
  c.add_regions("Twente");
  auto t3 = (*t2)->WithCluster(c);
  ASSERT_TRUE(t3.ok());
  EXPECT_TRUE((*t3)->SameCluster(Region("Flevoland"), Region("Twente")));
  EXPECT_FALSE((*t3)->SameCluster(Region("Achterhoek"), Region("Twente")));
  EXPECT_EQ((*t3)->ClusterMembers(*(*t3)->FindCluster("oost")).size(), 4u);

  // Replace members: Flevoland drops out.
  v1::Cluster smaller;
  smaller.set_name("FLEVO-GOOI");  // Case-insensitive match of the existing cluster.
  smaller.add_regions("Twente");
  auto t4 = (*t3)->WithCluster(smaller);
  ASSERT_TRUE(t4.ok());
  EXPECT_EQ((*t4)->num_clusters(), (*t3)->num_clusters());
  EXPECT_EQ((*t4)->region(Region("Flevoland")).cluster, kNoCluster);

  // Remove: the id stays, the name is no longer found, members are empty.
  v1::Cluster remove;
  remove.set_name("flevo-gooi");
  auto t5 = (*t4)->WithCluster(remove);
  ASSERT_TRUE(t5.ok());
  EXPECT_FALSE((*t5)->FindCluster("flevo-gooi").has_value());
  EXPECT_EQ((*t5)->num_clusters(), (*t4)->num_clusters());
  const auto removed_id = *(*t4)->FindCluster("flevo-gooi");
  EXPECT_TRUE((*t5)->ClusterMembers(removed_id).empty());
  EXPECT_EQ((*t5)->region(Region("Twente")).cluster, kNoCluster);
  // Re-adding reuses the id.
  auto t6 = (*t5)->WithCluster(smaller);
  ASSERT_TRUE(t6.ok());
  EXPECT_EQ((*t6)->FindCluster("flevo-gooi"), removed_id);
}

TEST_F(TaxonomyTest, WithClusterValidates) {
  v1::Cluster c;
  c.set_name("");
  c.add_regions("Twente");
  EXPECT_THAT(std::string(tax().WithCluster(c).status().message()), StartsWith("cluster.name:"));
  c.set_name("x");
  c.add_regions("Atlantis");
  auto r = tax().WithCluster(c);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), StartsWith("cluster.regions[1]:"));
  c.clear_regions();
  c.add_regions("Twente");
  c.add_regions("twente");
  EXPECT_THAT(std::string(tax().WithCluster(c).status().message()),
              StartsWith("cluster.regions[1]:"));
  v1::Cluster missing;
  missing.set_name("nope");
  EXPECT_EQ(tax().WithCluster(missing).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TaxonomyTest, WithMunicipality) {
  v1::Municipality m;
  m.set_name("Land van Cuijk");
  m.set_region("Noordoost-Brabant");
  auto t2 = tax().WithMunicipality(m);
  ASSERT_TRUE(t2.ok()) << t2.status();
  EXPECT_EQ((*t2)->version(), 2u);
  EXPECT_EQ((*t2)->FindMunicipality("land van cuijk"), Region("Noordoost-Brabant"));
  EXPECT_FALSE(tax().FindMunicipality("Land van Cuijk").has_value());
  EXPECT_EQ((*t2)->municipalities().size(), tax().municipalities().size() + 1);
  // Remapping an existing one (and respelling it).
  m.set_name("EINDHOVEN");
  m.set_region("32");
  auto t3 = (*t2)->WithMunicipality(m);
  ASSERT_TRUE(t3.ok());
  EXPECT_EQ((*t3)->FindMunicipality("Eindhoven"), Region("Helmond-De Peel"));
  EXPECT_EQ((*t3)->LookupMunicipality("eindhoven")->name, "EINDHOVEN");
  EXPECT_EQ((*t3)->municipalities().size(), (*t2)->municipalities().size());

  m.set_region("Atlantis");
  EXPECT_THAT(std::string(tax().WithMunicipality(m).status().message()),
              StartsWith("municipality.region:"));
  m.set_region("Twente");
  m.set_name("");
  EXPECT_THAT(std::string(tax().WithMunicipality(m).status().message()),
              StartsWith("municipality.name:"));
  m.set_name(" padded");
  EXPECT_EQ(tax().WithMunicipality(m).status().code(), absl::StatusCode::kInvalidArgument);
  m.set_name(std::string(129, 'a'));
  EXPECT_EQ(tax().WithMunicipality(m).status().code(), absl::StatusCode::kInvalidArgument);
  m.set_name("tab\there");
  EXPECT_EQ(tax().WithMunicipality(m).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TaxonomyTest, EveryShippedMunicipalityHasACentroid) {
  for (const MunicipalityInfo& m : tax().municipalities()) {
    ASSERT_TRUE(m.centroid.has_value()) << m.name;
    // Inside the Netherlands' bounding box (Caribbean municipalities are not shipped).
    EXPECT_GT(m.centroid->lat, 50.7) << m.name;
    EXPECT_LT(m.centroid->lat, 53.6) << m.name;
    EXPECT_GT(m.centroid->lon, 3.3) << m.name;
    EXPECT_LT(m.centroid->lon, 7.3) << m.name;
  }
  auto losser = tax().LookupMunicipality("Losser");
  auto hellendoorn = tax().LookupMunicipality("Hellendoorn");
  auto enschede = tax().LookupMunicipality("Enschede");
  auto hengelo = tax().LookupMunicipality("Hengelo");
  ASSERT_TRUE(losser && hellendoorn && enschede && hengelo);
  // Both ends of Twente: one region, but about 40 km apart.
  EXPECT_EQ(losser->region, hellendoorn->region);
  EXPECT_NEAR(GreatCircleKm(*losser->centroid, *hellendoorn->centroid), 38.6, 1.0);
  EXPECT_NEAR(GreatCircleKm(*enschede->centroid, *hengelo->centroid), 7.7, 1.0);
  // The region matrix still runs between anchors.
  EXPECT_EQ(GreatCircleKm(tax().RegionAnchor(losser->region),
                          tax().RegionAnchor(losser->region)),
            0.0);
}

TEST_F(TaxonomyTest, WithMunicipalityCentroid) {
  v1::Municipality m;
  m.set_name("Land van Cuijk");
  m.set_region("Noordoost-Brabant");
  auto bare = tax().WithMunicipality(m);
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_FALSE((*bare)->LookupMunicipality("land van cuijk")->centroid.has_value());
  m.set_lat(51.68);
  m.set_lon(5.87);
  auto placed = (*bare)->WithMunicipality(m);
  ASSERT_TRUE(placed.ok()) << placed.status();
  auto ref = (*placed)->LookupMunicipality("Land van Cuijk");
  ASSERT_TRUE(ref->centroid.has_value());
  EXPECT_DOUBLE_EQ(ref->centroid->lat, 51.68);
  EXPECT_DOUBLE_EQ(ref->centroid->lon, 5.87);
  // Remapping without lat/lon keeps the centroid.
  v1::Municipality remap;
  remap.set_name("Land van Cuijk");
  remap.set_region("Twente");
  auto moved = (*placed)->WithMunicipality(remap);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_DOUBLE_EQ((*moved)->LookupMunicipality("Land van Cuijk")->centroid->lat, 51.68);

  v1::Municipality bad = m;
  bad.clear_lon();
  EXPECT_THAT(std::string(tax().WithMunicipality(bad).status().message()),
              StartsWith("municipality.lon:"));
  bad = m;
  bad.clear_lat();
  EXPECT_THAT(std::string(tax().WithMunicipality(bad).status().message()),
              StartsWith("municipality.lat:"));
  bad = m;
  bad.set_lat(91);
  EXPECT_THAT(std::string(tax().WithMunicipality(bad).status().message()),
              StartsWith("municipality.lat:"));
  bad = m;
  bad.set_lon(std::nan(""));
  EXPECT_THAT(std::string(tax().WithMunicipality(bad).status().message()),
              StartsWith("municipality.lon:"));
  EXPECT_EQ(tax().WithMunicipality(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TaxonomyTest, WithMunicipalityLimit) {
  std::shared_ptr<const Taxonomy> t = *tax_;
  v1::Municipality m;
  m.set_region("Twente");
  for (size_t i = t->municipalities().size(); i < static_cast<size_t>(kMaxMunicipalities); ++i) {
    m.set_name("Gemeente " + std::to_string(i));
    auto next = t->WithMunicipality(m);
    ASSERT_TRUE(next.ok()) << next.status();
    t = *next;
  }
  m.set_name("One too many");
  EXPECT_EQ(t->WithMunicipality(m).status().code(), absl::StatusCode::kResourceExhausted);
  m.set_name("Enschede");  // Remapping still works at the limit.
  EXPECT_TRUE(t->WithMunicipality(m).ok());
}

TEST_F(TaxonomyTest, WithRegionAnchor) {
  v1::UpdateRegionAnchorRequest a;
  a.set_region("Zuidoost-Brabant");
  a.set_anchor_city("Rotterdam");
  a.set_lat(51.922);
  a.set_lon(4.479);
  auto t2 = tax().WithRegionAnchor(a);
  ASSERT_TRUE(t2.ok()) << t2.status();
  EXPECT_EQ((*t2)->version(), 2u);
  EXPECT_NEAR((*t2)->DistanceKm(Region("Zuidoost-Brabant"), Region("Rijnmond")), 0, 0.01);
  EXPECT_EQ((*t2)->region(Region("Zuidoost-Brabant")).anchor_city, "Rotterdam");
  EXPECT_NEAR(tax().DistanceKm(Region("Zuidoost-Brabant"), Region("Rijnmond")), 100, 15);
  EXPECT_EQ((*t2)->DistanceKm(Region("Twente"), Region("Groningen")),
            tax().DistanceKm(Region("Twente"), Region("Groningen")));

  auto bad = a;
  bad.set_region("Atlantis");
  EXPECT_THAT(std::string(tax().WithRegionAnchor(bad).status().message()), StartsWith("region:"));
  bad = a;
  bad.set_lat(91);
  EXPECT_THAT(std::string(tax().WithRegionAnchor(bad).status().message()), StartsWith("lat:"));
  bad = a;
  bad.set_lon(std::nan(""));
  EXPECT_THAT(std::string(tax().WithRegionAnchor(bad).status().message()), StartsWith("lon:"));
  bad = a;
  bad.set_anchor_city("");
  EXPECT_THAT(std::string(tax().WithRegionAnchor(bad).status().message()),
              StartsWith("anchor_city:"));
}

TEST(TaxonomyLoadTest, MissingDirIsNotFound) {
  auto r = Taxonomy::LoadFromDir("/nonexistent/w2w-data");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace w2w::taxonomy
