// Tests of the synthetic dataset generator (clients/datagen).
#include "clients/datagen/generator.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"
#include "engine/common/dates.h"
#include "formats/enums.h"
#include "formats/record_reader.h"
#include "formats/record_writer.h"
#include "clients/datagen/rng.h"
#include "engine/validate/validate.h"

namespace w2w::datagen {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class DatagenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tax_ = new std::shared_ptr<const taxonomy::Taxonomy>(w2w::testing::SharedTaxonomy());
  }
  static void TearDownTestSuite() {
    delete tax_;
    tax_ = nullptr;
  }
  static const taxonomy::Taxonomy& tax() { return **tax_; }
  // Trades written as ESCO codes, as w2w-datagen writes them.
  static std::string EscoText(const std::string& trade) { return EscoCode(tax(), trade); }
  static GeneratorOptions Options(uint64_t seed) {
    GeneratorOptions o;
    o.seed = seed;
    o.data_dir = w2w::testing::DataDir();
    o.today = *ParseIsoDate("2026-06-01");
    return o;
  }
  static std::unique_ptr<Generator> Make(uint64_t seed) {
    auto gen = Generator::Create(tax(), Options(seed));
    EXPECT_TRUE(gen.ok()) << gen.status();
    return gen.ok() ? std::move(*gen) : nullptr;
  }

  static std::shared_ptr<const taxonomy::Taxonomy>* tax_;
};

std::shared_ptr<const taxonomy::Taxonomy>* DatagenTest::tax_ = nullptr;

TEST(RngTest, KnownSequenceAndRanges) {
  // SplitMix64 reference values for seed 1234567 (from the published reference code).
  Rng rng(1234567);
  EXPECT_EQ(rng.Next(), 6457827717110365317ull);
  EXPECT_EQ(rng.Next(), 3203168211198807973ull);
  Rng r2(7);
  for (int i = 0; i < 10000; ++i) {
    const double u = r2.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const int64_t b = r2.Between(-3, 3);
    ASSERT_GE(b, -3);
    ASSERT_LE(b, 3);
    ASSERT_LT(r2.Below(5), 5u);
  }
  EXPECT_NE(Rng::RecordSeed(1, 1, 0), Rng::RecordSeed(1, 2, 0));
  EXPECT_NE(Rng::RecordSeed(1, 1, 0), Rng::RecordSeed(2, 1, 0));
}

TEST_F(DatagenTest, DeterministicBytes) {
  auto a = Make(42);
  auto b = Make(42);
  auto c = Make(43);
  std::string sa, sb, sc;
  for (size_t i = 0; i < 2000; ++i) {
    sa += a->Candidate(i).SerializeAsString();
    sb += b->Candidate(i).SerializeAsString();
    sc += c->Candidate(i).SerializeAsString();
    sa += a->Vacancy(i).SerializeAsString();
    sb += b->Vacancy(i).SerializeAsString();
    sc += c->Vacancy(i).SerializeAsString();
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  // Random access equals streaming.
  size_t i = 0;
  a->ForEachCandidate(100, [&](v1::Candidate& rec) {
    EXPECT_EQ(rec.SerializeAsString(), b->Candidate(i).SerializeAsString());
    ++i;
  });
  EXPECT_EQ(i, 100u);
  auto list = GenerateVacancies(tax(), 50, 42, Options(0));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 50u);
  EXPECT_EQ((*list)[49].SerializeAsString(), a->Vacancy(49).SerializeAsString());
}

TEST_F(DatagenTest, FixedFingerprint) {
  // Guards against accidental changes of the output (and differences between standard
  // libraries): change the expectation only on purpose.
  auto gen = Make(1);
  v1::Candidate c = gen->Candidate(1);
  EXPECT_EQ(c.id(), "c0000002");
  v1::Vacancy v = gen->Vacancy(0);
  EXPECT_EQ(v.id(), "v000001");
  std::string all;
  for (size_t i = 0; i < 500; ++i) {
    formats::AppendCandidateCsv(gen->Candidate(i), EscoText, &all);
    formats::AppendVacancyCsv(gen->Vacancy(i), EscoText, &all);
  }
  uint64_t h = 1469598103934665603ull;  // FNV-1a.
  for (unsigned char ch : all) h = (h ^ ch) * 1099511628211ull;
  std::printf("[ datagen ] fingerprint of 500+500 records: %llu\n",
              static_cast<unsigned long long>(h));
  EXPECT_GT(all.size(), 50000u);
  EXPECT_EQ(h, 9529852752141604462ull);  // Since municipalities are drawn for 90% / 95% of records.
}

TEST_F(DatagenTest, RecordsAreCanonical) {
  auto gen = Make(7);
  for (size_t i = 0; i < 20000; ++i) {
    v1::Candidate c = gen->Candidate(i);
    v1::Candidate canon = c;
    ASSERT_TRUE(validate::CanonicalizeCandidate(tax(), &canon).ok())
        << validate::CanonicalizeCandidate(tax(), &canon) << " " << c.ShortDebugString();
    ASSERT_EQ(canon.SerializeAsString(), c.SerializeAsString()) << c.ShortDebugString();
  }
  for (size_t i = 0; i < 10000; ++i) {
    v1::Vacancy v = gen->Vacancy(i);
    v1::Vacancy canon = v;
    ASSERT_TRUE(validate::CanonicalizeVacancy(tax(), &canon).ok()) << v.ShortDebugString();
    ASSERT_EQ(canon.SerializeAsString(), v.SerializeAsString()) << v.ShortDebugString();
  }
}

TEST_F(DatagenTest, CandidateShape) {
  auto gen = Make(3);
  constexpr size_t kN = 20000;
  std::map<v1::CandidateStatus, size_t> status;
  std::map<size_t, size_t> trade_counts;
  size_t willing = 0, other = 0, vca = 0, welders = 0, welders_certified = 0, with_muni = 0;
  std::set<std::string> employers;
  const taxonomy::TradeId welder = *tax().FindTrade("7212.3");
  for (size_t i = 0; i < kN; ++i) {
    v1::Candidate c = gen->Candidate(i);
    ++status[c.status()];
    ++trade_counts[static_cast<size_t>(c.trades_size())];
    willing += c.willing_to_retrain();
    other += c.sector() == v1::SECTOR_OTHER;
    with_muni += !c.municipality().empty();
    ASSERT_GE(c.max_travel_km(), 20u);
    ASSERT_LE(c.max_travel_km(), 80u);
    ASSERT_LE(c.trades(0).years(), 40u);
    for (int t = 1; t < c.trades_size(); ++t) {
      // Later trades are related to the first.
      const auto first = *tax().FindTrade(c.trades(0).code());
      ASSERT_GT(tax().TradeSimilarity(first, *tax().FindTrade(c.trades(t).code())), 0.0f);
    }
    bool has_vca = false, has_weld_cert = false;
    for (const std::string& q : c.qualifications()) {
      has_vca |= q == "VCA-BASIS";
      has_weld_cert |= q.rfind("ISO9606-", 0) == 0;
    }
    vca += has_vca;
    if (*tax().FindTrade(c.trades(0).code()) == welder) {
      ++welders;
      welders_certified += has_weld_cert;
    }
    if (!c.employer_id().empty()) employers.insert(c.employer_id());
    if (c.status() == v1::CANDIDATE_STATUS_UNEMPLOYED || c.status() == v1::CANDIDATE_STATUS_PLACED) {
      EXPECT_EQ(c.available_from(), "");
    }
  }
  auto share = [&](size_t x) { return static_cast<double>(x) / kN; };
  EXPECT_NEAR(share(willing), 0.80, 0.02);
  EXPECT_NEAR(share(other), 0.05 * (1 - 1.0 / kBigEmployerEvery), 0.01);
  EXPECT_NEAR(share(with_muni), 0.9, 0.02);
  EXPECT_NEAR(share(trade_counts[1]), 0.55, 0.03);
  EXPECT_EQ(trade_counts[0], 0u);
  EXPECT_GT(trade_counts[3], 0u);
  EXPECT_EQ(trade_counts[4], 0u);
  EXPECT_GT(share(vca), 0.5);
  ASSERT_GT(welders, 200u);
  EXPECT_GT(static_cast<double>(welders_certified) / static_cast<double>(welders), 0.7);
  EXPECT_NEAR(share(status[v1::CANDIDATE_STATUS_AT_RISK]), 0.25, 0.02);
  EXPECT_GT(status[v1::CANDIDATE_STATUS_PLACED], 0u);
  EXPECT_GT(status[v1::CANDIDATE_STATUS_UNAVAILABLE], 0u);
  EXPECT_GT(status[v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER], 0u);
  EXPECT_GT(employers.size(), 1000u);  // Many small employers ...
}

TEST_F(DatagenTest, RegionalProportionsFollowTechJobs) {
  auto gen = Make(11);
  constexpr size_t kN = 100000;
  std::vector<size_t> per_region(tax().num_regions(), 0);
  std::map<std::string, size_t> per_employer;
  for (size_t i = 0; i < kN; ++i) {
    v1::Candidate c = gen->Candidate(i);
    ++per_region[*tax().FindRegion(c.region())];
    ++per_employer[c.employer_id()];
  }
  double jobs = 0;
  for (size_t r = 0; r < tax().num_regions(); ++r) {
    jobs += static_cast<double>(tax().region(static_cast<taxonomy::RegionId>(r)).tech_jobs);
  }
  const auto twente = *tax().FindRegion("Twente");
  for (size_t r = 0; r < tax().num_regions(); ++r) {
    const auto id = static_cast<taxonomy::RegionId>(r);
    double expected = static_cast<double>(tax().region(id).tech_jobs) / jobs *
                      (1 - 1.0 / kBigEmployerEvery);
    if (id == twente) expected += 1.0 / kBigEmployerEvery;
    EXPECT_NEAR(static_cast<double>(per_region[r]) / kN, expected, 0.003) << tax().region(id).name;
  }
  // Employers range from small to large; the big one is the largest.
  size_t largest_other = 0, singletons = 0;
  for (const auto& [id, n] : per_employer) {
    if (id.empty()) continue;
    if (id != kBigEmployerId) largest_other = std::max(largest_other, n);
    singletons += n == 1;
  }
  EXPECT_EQ(per_employer[std::string(kBigEmployerId)], kN / kBigEmployerEvery);
  EXPECT_LT(largest_other, kN / kBigEmployerEvery);
  EXPECT_GT(largest_other, 50u);
  EXPECT_GT(singletons, 100u);
}

TEST_F(DatagenTest, BigEmployer) {
  auto gen = Make(5);
  size_t n = 0;
  for (size_t i = 0; i < 10000; ++i) {
    v1::Candidate c = gen->Candidate(i);
    if (c.employer_id() != kBigEmployerId) continue;
    ++n;
    EXPECT_EQ(c.region(), "Twente");
    EXPECT_EQ(c.sector(), v1::SECTOR_ME);
    EXPECT_TRUE(c.status() == v1::CANDIDATE_STATUS_EMPLOYED ||
                c.status() == v1::CANDIDATE_STATUS_AT_RISK);
  }
  EXPECT_EQ(n, 10000 / kBigEmployerEvery);  // 0.5%: 5,000 at one million.
}

TEST_F(DatagenTest, VacancyShape) {
  auto gen = Make(9);
  constexpr size_t kN = 20000;
  size_t open = 0, hard = 0, one_seat = 0;
  const int32_t today = *ParseIsoDate("2026-06-01");
  for (size_t i = 0; i < kN; ++i) {
    v1::Vacancy v = gen->Vacancy(i);
    ASSERT_GE(v.required_qualifications_size(), 1);
    ASSERT_LE(v.required_qualifications_size(), 3);
    ASSERT_LE(v.preferred_qualifications_size(), 2);
    ASSERT_GE(v.positions(), 1u);
    ASSERT_LE(v.positions(), 5u);
    ASSERT_FALSE(v.employer_id().empty());
    ASSERT_FALSE(v.title().empty());
    open += v.status() == v1::VACANCY_STATUS_OPEN;
    hard += v.hard_to_fill();
    one_seat += v.positions() == 1;
    if (v.status() == v1::VACANCY_STATUS_OPEN && !v.expires_at().empty()) {
      ASSERT_GT(*ParseIsoDate(v.expires_at()), today);
    }
  }
  EXPECT_NEAR(static_cast<double>(open) / kN, 0.90, 0.01);
  EXPECT_NEAR(static_cast<double>(hard) / kN, 0.30, 0.015);
  EXPECT_GT(static_cast<double>(one_seat) / kN, 0.6);
}

TEST_F(DatagenTest, CsvAndJsonFormats) {
  auto gen = Make(2);
  std::string line;
  v1::Candidate c = gen->Candidate(0);
  formats::AppendCandidateCsv(c, EscoText, &line);
  EXPECT_THAT(line, StartsWith("c0000001,Twente,"));
  EXPECT_EQ(line.back(), '\n');
  EXPECT_THAT(line, HasSubstr(",emp-000001,"));
  // 12 columns as in the header.
  const auto commas = [](std::string_view s) { return std::count(s.begin(), s.end(), ','); };
  EXPECT_EQ(commas(formats::CandidateCsvHeader()), 11);
  EXPECT_EQ(commas(line), 11);
  EXPECT_EQ(commas(formats::VacancyCsvHeader()), 14);
  EXPECT_EQ(formats::CandidateStatusName(v1::CANDIDATE_STATUS_AT_RISK), "at_risk");
  EXPECT_EQ(formats::VacancyStatusName(v1::VACANCY_STATUS_OPEN), "open");

  v1::Vacancy v = gen->Vacancy(0);
  v.set_title("Monteur \"koel\", lucht");
  std::string vline;
  formats::AppendVacancyCsv(v, EscoText, &vline);
  EXPECT_THAT(vline, HasSubstr(",\"Monteur \"\"koel\"\", lucht\","));

  std::string json;
  ASSERT_TRUE(formats::AppendJsonLine(c, &json).ok());
  EXPECT_THAT(json, StartsWith("{\"id\":\"c0000001\""));
  EXPECT_THAT(json, HasSubstr("\"employer_id\":\"emp-000001\""));
  EXPECT_THAT(json, HasSubstr("\"sector\":\"SECTOR_ME\""));
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1);
}

// What the generator writes, the CLI's reader reads back to the same records: one format
// library for both sides (formats/). Trades travel as ESCO codes, so the read records are
// compared after canonicalisation, which maps codes back to UUIDs.
TEST_F(DatagenTest, WrittenFilesReadBackToTheSameRecords) {
  auto gen = Make(21);
  for (formats::FileFormat format : {formats::FileFormat::kCsv, formats::FileFormat::kJsonl}) {
    std::string candidates, vacancies;
    if (format == formats::FileFormat::kCsv) {
      candidates.append(formats::CandidateCsvHeader()).append("\n");
      vacancies.append(formats::VacancyCsvHeader()).append("\n");
    }
    constexpr int kN = 300;
    for (int i = 0; i < kN; ++i) {
      if (format == formats::FileFormat::kCsv) {
        formats::AppendCandidateCsv(gen->Candidate(i), EscoText, &candidates);
        formats::AppendVacancyCsv(gen->Vacancy(i), EscoText, &vacancies);
      } else {
        ASSERT_TRUE(formats::AppendJsonLine(gen->Candidate(i), &candidates).ok());
        ASSERT_TRUE(formats::AppendJsonLine(gen->Vacancy(i), &vacancies).ok());
      }
    }
    std::istringstream cin(candidates), vin(vacancies);
    auto creader = formats::RecordReader::Create(&cin, format, formats::RecordKind::kCandidate);
    auto vreader = formats::RecordReader::Create(&vin, format, formats::RecordKind::kVacancy);
    ASSERT_TRUE(creader.ok()) << creader.status();
    ASSERT_TRUE(vreader.ok()) << vreader.status();
    int n = 0;
    v1::Candidate c;
    formats::ReadRecord record;
    while ((*creader)->Next(&c, &record)) {
      ASSERT_TRUE(record.status.ok()) << record.status << " line " << record.line;
      ASSERT_TRUE(validate::CanonicalizeCandidate(tax(), &c).ok());
      EXPECT_EQ(c.SerializeAsString(), gen->Candidate(n).SerializeAsString())
          << c.ShortDebugString() << " vs " << gen->Candidate(n).ShortDebugString();
      ++n;
    }
    EXPECT_EQ(n, kN);
    n = 0;
    v1::Vacancy v;
    while ((*vreader)->Next(&v, &record)) {
      ASSERT_TRUE(record.status.ok()) << record.status << " line " << record.line;
      ASSERT_TRUE(validate::CanonicalizeVacancy(tax(), &v).ok());
      EXPECT_EQ(v.SerializeAsString(), gen->Vacancy(n).SerializeAsString())
          << v.ShortDebugString() << " vs " << gen->Vacancy(n).ShortDebugString();
      ++n;
    }
    EXPECT_EQ(n, kN);
  }
}

TEST_F(DatagenTest, ManyCandidatesHaveDistinctIdsAndValidFields) {
  // Throughput is measured by bench/startup_bench.cc; here only what the records contain.
  auto gen = Make(1);
  constexpr size_t kN = 20000;
  std::set<std::string> ids;
  size_t with_qualifications = 0;
  gen->ForEachCandidate(kN, [&](v1::Candidate& c) {
    ids.insert(c.id());
    EXPECT_FALSE(c.region().empty()) << c.id();
    EXPECT_GT(c.trades_size(), 0) << c.id();
    if (c.qualifications_size() > 0) ++with_qualifications;
  });
  EXPECT_EQ(ids.size(), kN);
  EXPECT_GT(with_qualifications, kN / 2);
}

// Municipalities are drawn by the weights of data/municipality_population_2015.csv when a
// deployment ships it (uniformly within the region otherwise).
TEST_F(DatagenTest, MunicipalitiesFollowPopulationWeights) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("w2w-datagen-pop-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::copy(w2w::testing::DataDir(), dir, std::filesystem::copy_options::recursive);
  {
    std::ofstream pop(dir / "municipality_population_2015.csv");
    pop << "# test weights\nmunicipality,population\n";
    // Twente: Enschede weighs as much as all the others together times 9.
    size_t others = 0;
    for (const auto& m : tax().municipalities()) {
      if (m.region != *tax().FindRegion("Twente") || m.name == "Enschede") continue;
      pop << m.name << ",1000\n";
      ++others;
    }
    pop << "Enschede," << others * 9000 << "\n";
  }
  GeneratorOptions o = Options(7);
  o.data_dir = dir.string();
  auto gen = Generator::Create(tax(), o);
  ASSERT_TRUE(gen.ok()) << gen.status();
  size_t twente = 0, enschede = 0;
  for (size_t i = 0; i < 20000; ++i) {
    const v1::Candidate c = (*gen)->Candidate(i);
    if (c.region() != "Twente" || c.municipality().empty()) continue;
    ++twente;
    if (c.municipality() == "Enschede") ++enschede;
  }
  ASSERT_GT(twente, 200u);
  EXPECT_NEAR(static_cast<double>(enschede) / static_cast<double>(twente), 0.9, 0.05);
  // Without the file Enschede is one of Twente's municipalities like the others.
  auto uniform = Make(7);
  size_t u_twente = 0, u_enschede = 0;
  for (size_t i = 0; i < 20000; ++i) {
    const v1::Candidate c = uniform->Candidate(i);
    if (c.region() != "Twente" || c.municipality().empty()) continue;
    ++u_twente;
    if (c.municipality() == "Enschede") ++u_enschede;
  }
  EXPECT_LT(static_cast<double>(u_enschede) / static_cast<double>(u_twente), 0.3);
  std::filesystem::remove_all(dir);
}

TEST_F(DatagenTest, BadTables) {
  GeneratorOptions o = Options(1);
  o.data_dir = "/nonexistent";
  EXPECT_EQ(Generator::Create(tax(), o).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace w2w::datagen
