// Tests of record validation and canonicalisation (engine/validate/validate.h).
#include "engine/validate/validate.h"

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"
#include "engine/validate/limits.h"

namespace w2w::validate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ValidateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tax_ = new std::shared_ptr<const taxonomy::Taxonomy>(w2w::testing::SharedTaxonomy());
  }
  static void TearDownTestSuite() {
    delete tax_;
    tax_ = nullptr;
  }
  static const taxonomy::Taxonomy& tax() { return **tax_; }
  static std::string Uuid(std::string_view code) { return tax().trade(*tax().FindTrade(code)).id; }

  static v1::Candidate GoodCandidate() {
    v1::Candidate c;
    c.set_id("c-1");
    c.set_region("Twente");
    c.set_sector(v1::SECTOR_ME);
    auto* t = c.add_trades();
    t->set_code("7212.3");
    t->set_years(12);
    c.add_qualifications("VCA-BASIS");
    c.set_employer_id("emp-000001");
    c.set_status(v1::CANDIDATE_STATUS_AT_RISK);
    c.set_available_from("2026-12-01");
    c.set_max_travel_km(40);
    c.set_willing_to_retrain(true);
    c.set_source("uwv");
    return c;
  }
  static v1::Vacancy GoodVacancy() {
    v1::Vacancy v;
    v.set_id("v-1");
    v.set_employer_id("emp-2");
    v.set_municipality("Eindhoven");
    v.set_sector(v1::SECTOR_ME);
    v.set_trade("7212.3");
    v.add_required_qualifications("ISO9606-141");
    v.add_preferred_qualifications("VCA-BASIS");
    v.set_positions(2);
    v.set_status(v1::VACANCY_STATUS_OPEN);
    v.set_expires_at("2027-01-31");
    v.set_starts_at("2027-02-01");
    v.set_title("TIG-lasser RVS");
    v.set_source("partner-a");
    return v;
  }

  // Applies `mutate` to a good candidate and expects INVALID_ARGUMENT starting with `field:`.
  static void ExpectCandidateError(const std::function<void(v1::Candidate*)>& mutate,
                                   const std::string& field) {
    v1::Candidate c = GoodCandidate();
    mutate(&c);
    absl::Status s = CanonicalizeCandidate(tax(), &c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field << ": " << s;
    EXPECT_THAT(std::string(s.message()), StartsWith(field + ": ")) << s;
  }
  static void ExpectVacancyError(const std::function<void(v1::Vacancy*)>& mutate,
                                 const std::string& field) {
    v1::Vacancy v = GoodVacancy();
    mutate(&v);
    absl::Status s = CanonicalizeVacancy(tax(), &v);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field << ": " << s;
    EXPECT_THAT(std::string(s.message()), StartsWith(field + ": ")) << s;
  }

  static std::shared_ptr<const taxonomy::Taxonomy>* tax_;
};

std::shared_ptr<const taxonomy::Taxonomy>* ValidateTest::tax_ = nullptr;

// ---- ValidateId ------------------------------------------------------------------------

TEST(ValidateIdTest, Rules) {
  EXPECT_TRUE(ValidateId("a", "id").ok());
  EXPECT_TRUE(ValidateId("Az09._:@/-", "id").ok());
  EXPECT_TRUE(ValidateId(std::string(kMaxIdBytes, 'x'), "id").ok());
  EXPECT_THAT(std::string(ValidateId("", "x.id").message()), StartsWith("x.id: required"));
  EXPECT_EQ(ValidateId(std::string(kMaxIdBytes + 1, 'x'), "id").code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* bad : {"a b", "a\tb", "a,b", "é", "a#b", "a\nb", "a+b"}) {
    absl::Status s = ValidateId(bad, "vacancy.employer_id");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()), StartsWith("vacancy.employer_id: ")) << bad;
  }
}

// ---- Candidates ------------------------------------------------------------------------

TEST_F(ValidateTest, GoodCandidateIsCanonicalised) {
  v1::Candidate c = GoodCandidate();
  c.set_updated_at("2020-01-01T00:00:00Z");
  c.set_version(7);
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  EXPECT_EQ(c.trades(0).code(), Uuid("7212.3"));
  EXPECT_EQ(c.trades(0).years(), 12u);
  EXPECT_EQ(c.region(), "Twente");
  EXPECT_EQ(c.updated_at(), "");
  EXPECT_EQ(c.version(), 7u);  // Kept as given.
  // Canonical input stays identical (idempotent).
  v1::Candidate again = c;
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), c.SerializeAsString());
}

TEST_F(ValidateTest, CandidateLocation) {
  v1::Candidate c = GoodCandidate();
  c.set_region("");
  c.set_municipality("  eindhoven ");
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  EXPECT_EQ(c.municipality(), "Eindhoven");
  EXPECT_EQ(c.region(), "Zuidoost-Brabant");

  c = GoodCandidate();
  c.set_region("zuidoost-brabant");
  c.set_municipality("EINDHOVEN");
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  EXPECT_EQ(c.region(), "Zuidoost-Brabant");

  c = GoodCandidate();
  c.set_region("33");  // By number.
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  EXPECT_EQ(c.region(), "Zuidoost-Brabant");
  EXPECT_EQ(c.municipality(), "");

  ExpectCandidateError([](v1::Candidate* c) { c->set_region(""); }, "candidate.region");
  ExpectCandidateError([](v1::Candidate* c) { c->set_region("   "); }, "candidate.region");
  ExpectCandidateError([](v1::Candidate* c) { c->set_region("Atlantis"); }, "candidate.region");
  ExpectCandidateError([](v1::Candidate* c) { c->set_region("36"); }, "candidate.region");
  ExpectCandidateError([](v1::Candidate* c) { c->set_municipality("Atlantis"); },
                       "candidate.municipality");
  // Twente contradicts Eindhoven.
  v1::Candidate bad = GoodCandidate();
  bad.set_municipality("Eindhoven");
  absl::Status s = CanonicalizeCandidate(tax(), &bad);
  EXPECT_THAT(std::string(s.message()), StartsWith("candidate.region: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr("Zuidoost-Brabant"));
}

TEST_F(ValidateTest, CandidateIdsAndSource) {
  ExpectCandidateError([](v1::Candidate* c) { c->set_id(""); }, "candidate.id");
  ExpectCandidateError([](v1::Candidate* c) { c->set_id("has space"); }, "candidate.id");
  ExpectCandidateError([](v1::Candidate* c) { c->set_employer_id("bad id"); },
                       "candidate.employer_id");
  ExpectCandidateError([](v1::Candidate* c) { c->set_source(std::string(kMaxSourceBytes + 1, 's')); },
                       "candidate.source");
  ExpectCandidateError([](v1::Candidate* c) { c->set_source("no spaces"); }, "candidate.source");
  v1::Candidate c = GoodCandidate();
  c.clear_employer_id();  // Optional for candidates.
  c.clear_source();
  EXPECT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  c.set_source(std::string(kMaxSourceBytes, 's'));
  EXPECT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
}

TEST_F(ValidateTest, CandidateSectorAndStatus) {
  ExpectCandidateError([](v1::Candidate* c) { c->set_sector(v1::SECTOR_UNSPECIFIED); },
                       "candidate.sector");
  ExpectCandidateError([](v1::Candidate* c) { c->set_sector(static_cast<v1::Sector>(7)); },
                       "candidate.sector");
  ExpectCandidateError([](v1::Candidate* c) { c->set_sector(static_cast<v1::Sector>(-1)); },
                       "candidate.sector");
  ExpectCandidateError([](v1::Candidate* c) { c->set_status(v1::CANDIDATE_STATUS_UNSPECIFIED); },
                       "candidate.status");
  ExpectCandidateError([](v1::Candidate* c) { c->set_status(static_cast<v1::CandidateStatus>(99)); },
                       "candidate.status");
  for (int s = v1::SECTOR_ME; s <= v1::SECTOR_OTHER; ++s) {
    v1::Candidate c = GoodCandidate();
    c.set_sector(static_cast<v1::Sector>(s));
    EXPECT_TRUE(CanonicalizeCandidate(tax(), &c).ok()) << s;
  }
  for (int s = v1::CANDIDATE_STATUS_EMPLOYED; s <= v1::CANDIDATE_STATUS_UNAVAILABLE; ++s) {
    v1::Candidate c = GoodCandidate();
    c.set_status(static_cast<v1::CandidateStatus>(s));
    EXPECT_TRUE(CanonicalizeCandidate(tax(), &c).ok()) << s;
  }
}

TEST_F(ValidateTest, CandidateTrades) {
  v1::Candidate c = GoodCandidate();
  c.mutable_trades(0)->set_code(Uuid("7212.3"));  // A UUID is accepted too.
  auto* second = c.add_trades();
  second->set_code("7212.3.3");
  second->set_years(kMaxTradeYears);
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  EXPECT_EQ(c.trades(0).code(), Uuid("7212.3"));  // Order kept: first = main trade.
  EXPECT_EQ(c.trades(1).code(), Uuid("7212.3.3"));

  ExpectCandidateError([](v1::Candidate* c) { c->clear_trades(); }, "candidate.trades");
  ExpectCandidateError(
      [](v1::Candidate* c) {
        for (int i = 0; i < kMaxCandidateTrades; ++i) c->add_trades()->set_code("7115.1");
      },
      "candidate.trades");
  ExpectCandidateError([](v1::Candidate* c) { c->add_trades()->set_code("foo"); },
                       "candidate.trades[1].code");
  ExpectCandidateError([](v1::Candidate* c) { c->add_trades()->set_code(""); },
                       "candidate.trades[1].code");
  // The same trade by code and by UUID is a duplicate.
  ExpectCandidateError([](v1::Candidate* c) { c->add_trades()->set_code(Uuid("7212.3")); },
                       "candidate.trades[1].code");
  ExpectCandidateError([](v1::Candidate* c) { c->mutable_trades(0)->set_years(kMaxTradeYears + 1); },
                       "candidate.trades[0].years");

  v1::Candidate unknown = GoodCandidate();
  unknown.add_trades()->set_code("foo");
  EXPECT_EQ(std::string(CanonicalizeCandidate(tax(), &unknown).message()),
            "candidate.trades[1].code: unknown trade 'foo' (see TaxonomyService.ListTrades)");

  v1::Candidate eight = GoodCandidate();
  for (const char* code : {"7212.3.3", "7212.1", "7212.2", "7212.4", "7115.1", "7411.1", "7126.8"}) {
    eight.add_trades()->set_code(code);
  }
  EXPECT_TRUE(CanonicalizeCandidate(tax(), &eight).ok());
}

TEST_F(ValidateTest, CandidateQualifications) {
  v1::Candidate c = GoodCandidate();
  c.clear_qualifications();
  c.add_qualifications("nen3140-vp");
  c.add_qualifications(" VCA-BASIS");
  c.add_qualifications("vca-basis");
  c.add_qualifications("HEFTRUCK");
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  EXPECT_THAT(c.qualifications(), ElementsAre("HEFTRUCK", "NEN3140-VP", "VCA-BASIS"));

  ExpectCandidateError([](v1::Candidate* c) { c->add_qualifications("NOPE"); },
                       "candidate.qualifications[1]");
  ExpectCandidateError(
      [](v1::Candidate* c) {
        for (int i = 0; i < kMaxCandidateQualifications; ++i) c->add_qualifications("VCA-BASIS");
      },
      "candidate.qualifications");
  v1::Candidate many = GoodCandidate();
  many.clear_qualifications();
  for (int i = 0; i < kMaxCandidateQualifications; ++i) many.add_qualifications("VCA-BASIS");
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &many).ok());
  EXPECT_EQ(many.qualifications_size(), 1);
}

TEST_F(ValidateTest, CandidateDatesAndTravel) {
  for (const char* bad : {"2026-13-01", "2026-02-30", "26-01-01", "2026/01/01", "tomorrow",
                          "2026-01-01T00:00:00Z"}) {
    ExpectCandidateError([&](v1::Candidate* c) { c->set_available_from(bad); },
                         "candidate.available_from");
  }
  ExpectCandidateError([](v1::Candidate* c) { c->set_max_travel_km(kMaxTravelKm + 1); },
                       "candidate.max_travel_km");
  v1::Candidate c = GoodCandidate();
  c.set_available_from("");
  c.set_max_travel_km(0);
  ASSERT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
  EXPECT_EQ(c.max_travel_km(), 0u);  // 0 keeps meaning "the default".
  c.set_max_travel_km(kMaxTravelKm);
  c.set_available_from("2028-02-29");
  EXPECT_TRUE(CanonicalizeCandidate(tax(), &c).ok());
}

TEST_F(ValidateTest, CustomPath) {
  v1::Candidate c = GoodCandidate();
  c.mutable_trades(0)->set_code("foo");
  EXPECT_THAT(std::string(CanonicalizeCandidate(tax(), &c, "items[3]").message()),
              StartsWith("items[3].trades[0].code: "));
}

// ---- Vacancies -------------------------------------------------------------------------

TEST_F(ValidateTest, GoodVacancyIsCanonicalised) {
  v1::Vacancy v = GoodVacancy();
  v.set_updated_at("x");
  v.set_version(3);
  ASSERT_TRUE(CanonicalizeVacancy(tax(), &v).ok());
  EXPECT_EQ(v.trade(), Uuid("7212.3"));
  EXPECT_EQ(v.region(), "Zuidoost-Brabant");
  EXPECT_EQ(v.municipality(), "Eindhoven");
  EXPECT_EQ(v.updated_at(), "");
  EXPECT_EQ(v.version(), 3u);
  v1::Vacancy again = v;
  ASSERT_TRUE(CanonicalizeVacancy(tax(), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), v.SerializeAsString());
}

TEST_F(ValidateTest, VacancyDefaults) {
  v1::Vacancy v = GoodVacancy();
  v.set_positions(0);
  v.set_status(v1::VACANCY_STATUS_UNSPECIFIED);
  ASSERT_TRUE(CanonicalizeVacancy(tax(), &v).ok());
  EXPECT_EQ(v.positions(), kDefaultPositions);
  EXPECT_EQ(v.status(), v1::VACANCY_STATUS_OPEN);
  v.set_positions(kMaxPositions);
  v.set_status(v1::VACANCY_STATUS_FILLED);
  ASSERT_TRUE(CanonicalizeVacancy(tax(), &v).ok());
  EXPECT_EQ(v.status(), v1::VACANCY_STATUS_FILLED);
}

TEST_F(ValidateTest, VacancyRules) {
  ExpectVacancyError([](v1::Vacancy* v) { v->set_id(""); }, "vacancy.id");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_employer_id(""); }, "vacancy.employer_id");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_employer_id("a b"); }, "vacancy.employer_id");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_municipality(""); }, "vacancy.region");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_municipality("Nowhere"); }, "vacancy.municipality");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_region("Twente"); }, "vacancy.region");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_sector(v1::SECTOR_UNSPECIFIED); }, "vacancy.sector");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_sector(static_cast<v1::Sector>(12)); },
                     "vacancy.sector");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_trade(""); }, "vacancy.trade");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_trade("1234.5"); }, "vacancy.trade");
  ExpectVacancyError([](v1::Vacancy* v) { v->add_required_qualifications("X"); },
                     "vacancy.required_qualifications[1]");
  ExpectVacancyError([](v1::Vacancy* v) { v->add_preferred_qualifications("X"); },
                     "vacancy.preferred_qualifications[1]");
  ExpectVacancyError(
      [](v1::Vacancy* v) {
        for (int i = 0; i < kMaxVacancyRequiredQualifications; ++i) {
          v->add_required_qualifications("VCA-BASIS");
        }
      },
      "vacancy.required_qualifications");
  ExpectVacancyError(
      [](v1::Vacancy* v) {
        for (int i = 0; i < kMaxVacancyPreferredQualifications; ++i) {
          v->add_preferred_qualifications("VCA-BASIS");
        }
      },
      "vacancy.preferred_qualifications");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_positions(kMaxPositions + 1); }, "vacancy.positions");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_status(static_cast<v1::VacancyStatus>(4)); },
                     "vacancy.status");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_expires_at("2027-1-31"); }, "vacancy.expires_at");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_starts_at("soon"); }, "vacancy.starts_at");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_title(std::string(kMaxTitleBytes + 1, 't')); },
                     "vacancy.title");
  ExpectVacancyError([](v1::Vacancy* v) { v->set_source("a b"); }, "vacancy.source");
  v1::Vacancy v = GoodVacancy();
  v.set_title(std::string(kMaxTitleBytes, 't'));
  v.clear_expires_at();
  v.clear_starts_at();
  v.clear_source();
  EXPECT_TRUE(CanonicalizeVacancy(tax(), &v).ok());
}

TEST_F(ValidateTest, VacancyQualificationsSortedAndRequiredWins) {
  v1::Vacancy v = GoodVacancy();
  v.clear_required_qualifications();
  v.clear_preferred_qualifications();
  v.add_required_qualifications("vca-basis");
  v.add_required_qualifications("ISO9606-141");
  v.add_required_qualifications("VCA-BASIS");
  v.add_preferred_qualifications("heftruck");
  v.add_preferred_qualifications("VCA-BASIS");
  ASSERT_TRUE(CanonicalizeVacancy(tax(), &v).ok());
  EXPECT_THAT(v.required_qualifications(), ElementsAre("ISO9606-141", "VCA-BASIS"));
  EXPECT_THAT(v.preferred_qualifications(), ElementsAre("HEFTRUCK"));
}

TEST_F(ValidateTest, VacancyRegionByNameOnly) {
  v1::Vacancy v = GoodVacancy();
  v.clear_municipality();
  v.set_region("rijnmond");
  ASSERT_TRUE(CanonicalizeVacancy(tax(), &v).ok());
  EXPECT_EQ(v.region(), "Rijnmond");
}

}  // namespace
}  // namespace w2w::validate
