// Engine facade, taxonomy changes that move records (engine/internal/rederive.h): a
// municipality mapped onto another region takes its stored candidates and vacancies
// along (region, version, updated_at) in the change's own write; lists, match filters
// and explanations see the new region at once, and so does the store after reopening.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::testing_engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const access::Caller& System() { return access::Caller::System(); }

v1::Candidate InMunicipality(const std::string& id, const std::string& municipality) {
  v1::Candidate c = MakeCandidate(id, "");
  c.set_municipality(municipality);
  return c;
}

v1::Vacancy VacancyIn(const std::string& id, const std::string& municipality) {
  v1::Vacancy v = MakeVacancy(id, "");
  v.set_municipality(municipality);
  return v;
}

std::vector<std::string> CandidateIdsIn(Engine& engine, const std::string& region) {
  v1::ListCandidatesRequest request;
  request.set_region(region);
  auto listed = engine.ListCandidates(System(), request);
  EXPECT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> ids;
  if (listed.ok()) {
    for (const v1::Candidate& c : listed->candidates()) ids.push_back(c.id());
  }
  return ids;
}

// The candidates of a shortlist for `vacancy_id` limited to candidates of `region`.
std::vector<std::string> ShortlistIn(Engine& engine, const std::string& vacancy_id,
                                     const std::string& region) {
  v1::ShortlistRequest request;
  request.set_vacancy_id(vacancy_id);
  request.mutable_filter()->add_regions(region);
  auto shortlist = engine.Shortlist(System(), request);
  EXPECT_TRUE(shortlist.ok()) << shortlist.status();
  std::vector<std::string> ids;
  if (shortlist.ok()) {
    for (const v1::CandidateMatch& m : shortlist->matches()) ids.push_back(m.candidate_id());
  }
  return ids;
}

using EngineRederiveTest = EngineTest;

TEST_F(EngineRederiveTest, AMovedMunicipalityMovesItsRecordsAtomicallyAndDurably) {
  ASSERT_TRUE(engine_->UpsertCandidate(System(), InMunicipality("haaks", "Haaksbergen")).ok());
  ASSERT_TRUE(engine_->UpsertCandidate(System(), InMunicipality("hengelo", "Hengelo")).ok());
  ASSERT_TRUE(engine_->UpsertCandidate(System(), MakeCandidate("twente", "Twente")).ok());
  auto vacancy = engine_->UpsertVacancy(System(), VacancyIn("vac-haaks", "Haaksbergen"));
  ASSERT_TRUE(vacancy.ok()) << vacancy.status();
  EXPECT_EQ(vacancy->vacancy.region(), "Twente");
  EXPECT_THAT(ShortlistIn(*engine_, "vac-haaks", "Achterhoek"), IsEmpty());
  const uint64_t version_before = engine_->taxonomy()->version();

  v1::Municipality moved;
  moved.set_name("haaksbergen");  // Spelled otherwise: the change's spelling is canonical.
  moved.set_region("Achterhoek");
  auto version = engine_->UpsertMunicipality(System(), moved);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, version_before + 1);

  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    auto haaks = engine_->GetCandidate(System(), "haaks");
    ASSERT_TRUE(haaks.ok()) << haaks.status();
    EXPECT_EQ(haaks->region(), "Achterhoek");
    EXPECT_EQ(haaks->municipality(), "haaksbergen");
    EXPECT_EQ(haaks->version(), 2u);  // The server changed it: a partner's version 1 is stale.
    auto vac = engine_->GetVacancy(System(), "vac-haaks");
    ASSERT_TRUE(vac.ok()) << vac.status();
    EXPECT_EQ(vac->region(), "Achterhoek");
    EXPECT_EQ(vac->version(), 2u);
    // The records elsewhere did not change.
    EXPECT_EQ(engine_->GetCandidate(System(), "hengelo")->version(), 1u);
    EXPECT_EQ(engine_->GetCandidate(System(), "twente")->version(), 1u);
    EXPECT_THAT(CandidateIdsIn(*engine_, "Achterhoek"), ElementsAre("haaks"));
    EXPECT_THAT(CandidateIdsIn(*engine_, "Twente"), ElementsAre("hengelo", "twente"));
    // The index files them anew: a shortlist limited to the new region finds the moved
    // candidate, one limited to the old region the others.
    EXPECT_THAT(ShortlistIn(*engine_, "vac-haaks", "Achterhoek"), ElementsAre("haaks"));
    auto twente = ShortlistIn(*engine_, "vac-haaks", "Twente");
    EXPECT_THAT(twente, ::testing::UnorderedElementsAre("hengelo", "twente"));
    // Explanations place the vacancy in its new region.
    v1::ExplainMatchRequest explain;
    explain.set_candidate_id("hengelo");
    explain.set_vacancy_id("vac-haaks");
    auto explained = engine_->ExplainMatch(System(), explain);
    ASSERT_TRUE(explained.ok()) << explained.status();
    EXPECT_EQ(explained->explanation().vacancy_place().region(), "Achterhoek");
  };
  check("after the change");
  Reopen();  // The records were moved in the store, not only in memory.
  check("after reopening");

  // A write of the moved record as the partner sent it first (municipality only) is
  // unchanged; one still naming the old region contradicts the municipality.
  auto same = engine_->UpsertCandidate(System(), InMunicipality("haaks", "Haaksbergen"));
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_FALSE(same->changed);
  v1::Candidate old_region = InMunicipality("haaks", "Haaksbergen");
  old_region.set_region("Twente");
  EXPECT_EQ(engine_->UpsertCandidate(System(), old_region).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineRederiveTest, AChangeThatKeepsTheRegionMovesNothing) {
  ASSERT_TRUE(engine_->UpsertCandidate(System(), InMunicipality("haaks", "Haaksbergen")).ok());
  v1::Municipality same;
  same.set_name("Haaksbergen");
  same.set_region("Twente");
  same.set_lat(52.16);
  same.set_lon(6.75);
  ASSERT_TRUE(engine_->UpsertMunicipality(System(), same).ok());
  EXPECT_EQ(engine_->GetCandidate(System(), "haaks")->version(), 1u);
}

}  // namespace
}  // namespace w2w::testing_engine
