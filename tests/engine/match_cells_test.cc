// The index's bucket cells (engine/match/cells.h): a partition of every region's
// municipalities whose least distances never exceed a real distance, before and after the
// taxonomy moves or adds municipalities, and a matcher that still finds the rows of a
// municipality whose centroid moved; the folded qualifications postings carry.
#include <bit>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/match/compiled_policy.h"
#include "engine/match/matcher.h"
#include "engine/match/policy.h"
#include "engine/match/qualset.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::match {
namespace {

using ::testing::ElementsAre;

constexpr char kWelder[] = "7aedaa07-3884-4c5b-88f9-80997b2aa54b";

v1::Policy CompleteDefault(const taxonomy::Taxonomy& tax) {
  auto p = CompletePolicy(v1::Policy(), tax);
  EXPECT_TRUE(p.ok()) << p.status();
  v1::Policy policy = *p;
  policy.set_version(1);
  return policy;
}

// Every place a row of region r can have: its anchor, its municipalities and those moved
// out of it, as CompiledPolicy numbers them.
std::vector<unsigned> PlacesOfRegion(const CompiledPolicy& m, unsigned r) {
  std::vector<unsigned> places = {r};
  for (const taxonomy::MunicipalityInfo& info : m.tax->municipalities()) {
    bool of_r = info.region == r;
    for (taxonomy::RegionId former : info.former_regions) of_r = of_r || former == r;
    if (of_r) places.push_back(static_cast<unsigned>(m.num_regions + info.id));
  }
  return places;
}

// The invariant the scan relies on: from every place, a cell's least km is at most the km
// to any place whose rows file in that cell; each place's cells come nearest first.
void ExpectBoundsHold(const CompiledPolicy& m, const CellTable& t) {
  ASSERT_EQ(t.min_km.size(), m.num_places * t.num_cells);
  size_t checked = 0;
  for (unsigned r = 0; r < m.num_regions; ++r) {
    for (unsigned p : PlacesOfRegion(m, r)) {
      const unsigned c = t.map->CellOf(p, r);
      ASSERT_LT(c, t.num_cells);
      ASSERT_EQ(t.Region(c), r) << "place " << p << " files outside its region";
      for (unsigned a = 0; a < m.num_places; ++a) {
        ASSERT_LE(t.MinKm(a, c), m.PlaceKm(a, p) + 1e-3f) << "from " << a << " to " << p;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0u);
  for (unsigned a = 0; a < m.num_places; ++a) {
    const uint8_t* order = t.ByKm(a);
    for (size_t j = 1; j < t.num_cells; ++j) ASSERT_LE(t.MinKm(a, order[j - 1]), t.MinKm(a, order[j]));
    const std::set<uint8_t> distinct(order, order + t.num_cells);
    EXPECT_EQ(distinct.size(), t.num_cells);
  }
}

void ExpectBoundsHold(const CompiledPolicy& m) {
  ExpectBoundsHold(m, m.candidate_cells);
  ExpectBoundsHold(m, m.vacancy_cells);
}

TEST(MatchCellsTest, PartitionSplitsRegionsIntoNeighbouringMunicipalities) {
  const auto tax = testing::SharedTaxonomy();
  const auto m = CompiledPolicy::Compile(tax, CompleteDefault(*tax));
  for (const CellTable* t : {&m->candidate_cells, &m->vacancy_cells}) {
    const CellMap& cells = *t->map;
    EXPECT_LE(cells.num_cells, kMaxCells);
    EXPECT_GT(cells.num_cells, 2 * m->num_regions) << "cells should be much finer than regions";
    ASSERT_EQ(cells.anchor_cell.size(), m->num_regions);
    std::vector<int> rows_of_cell(cells.num_cells, 0);
    for (unsigned r = 0; r < m->num_regions; ++r) {
      EXPECT_EQ(cells.cell_region[cells.anchor_cell[r]], r);
      EXPECT_EQ(cells.CellOf(r, r), cells.anchor_cell[r]) << "a region-only record files in the anchor cell";
      ++rows_of_cell[cells.anchor_cell[r]];
    }
    for (const taxonomy::MunicipalityInfo& info : tax->municipalities()) {
      const unsigned c = cells.CellOf(static_cast<unsigned>(m->num_regions + info.id), info.region);
      EXPECT_EQ(cells.cell_region[c], info.region) << info.name;
      ++rows_of_cell[c];
    }
    for (size_t c = 0; c < cells.num_cells; ++c) EXPECT_GT(rows_of_cell[c], 0) << "empty cell " << c;

    // Losser and Hellendoorn (40 km apart, both Twente) never share a cell.
    auto cell_of = [&](const char* name) {
      const auto ref = tax->LookupMunicipality(name);
      EXPECT_TRUE(ref.has_value()) << name;
      return cells.CellOf(static_cast<unsigned>(m->num_regions + ref->id), ref->region);
    };
    EXPECT_NE(cell_of("Losser"), cell_of("Hellendoorn"));
  }
  ExpectBoundsHold(*m);
}

TEST(MatchCellsTest, BoundsHoldWhenTheTaxonomyMovesAndAddsMunicipalities) {
  const auto tax = testing::SharedTaxonomy();
  const v1::Policy policy = CompleteDefault(*tax);
  const auto first = CompiledPolicy::Compile(tax, policy);

  // Losser's centroid moves to Maastricht's latitude; a new municipality joins Twente.
  v1::Municipality moved;
  moved.set_name("Losser");
  moved.set_region("Twente");
  moved.set_lat(50.85);
  moved.set_lon(5.69);
  auto changed = tax->WithMunicipality(moved);
  ASSERT_TRUE(changed.ok()) << changed.status();
  v1::Municipality added;
  added.set_name("Nieuwgemeente");
  added.set_region("Twente");
  added.set_lat(52.30);
  added.set_lon(6.60);
  changed = (*changed)->WithMunicipality(added);
  ASSERT_TRUE(changed.ok()) << changed.status();

  const auto later =
      CompiledPolicy::Compile(*changed, policy, first->candidate_cells.map, first->vacancy_cells.map);
  EXPECT_EQ(later->candidate_cells.map, first->candidate_cells.map) << "the partitions are kept";
  EXPECT_EQ(later->vacancy_cells.map, first->vacancy_cells.map);
  EXPECT_EQ(later->num_places, first->num_places + 1);
  const auto twente = *tax->FindRegion("Twente");
  const auto ref = (*changed)->LookupMunicipality("Nieuwgemeente");
  ASSERT_TRUE(ref.has_value());
  const CellMap& cells = *later->candidate_cells.map;
  EXPECT_EQ(cells.CellOf(static_cast<unsigned>(later->num_regions + ref->id), twente), cells.anchor_cell[twente])
      << "a municipality the partition does not know files in its region's anchor cell";
  ExpectBoundsHold(*later);
}

// A matcher keeps its cells when the taxonomy changes: a candidate of Losser, filed in
// Losser's cell, is found once Losser's centroid moves next to the vacancy.
TEST(MatchCellsTest, MatcherFindsRowsOfAMunicipalityThatMoved) {
  const auto tax = testing::SharedTaxonomy();
  const v1::Policy policy = CompleteDefault(*tax);
  auto matcher = Matcher::Create(tax, policy);

  v1::Vacancy v;
  v.set_id("v-hellendoorn");
  v.set_trade(kWelder);
  v.set_region("Twente");
  v.set_municipality("Hellendoorn");
  matcher->UpsertVacancy(v);
  v1::Candidate c;
  c.set_id("losser");
  c.set_region("Twente");
  c.set_municipality("Losser");
  c.set_sector(v1::SECTOR_ME);
  c.set_status(v1::CANDIDATE_STATUS_UNEMPLOYED);
  c.set_max_travel_km(20);
  auto* t = c.add_trades();
  t->set_code(kWelder);
  t->set_years(5);
  matcher->UpsertCandidate(c);

  auto ids = [&] {
    std::vector<std::string> out;
    auto r = matcher->Shortlist(v, v1::ShortlistRequest());
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) {
      for (const auto& match : r->matches()) out.push_back(match.candidate_id());
    }
    return out;
  };
  EXPECT_THAT(ids(), ElementsAre()) << "Losser is about 39 km from Hellendoorn";

  const auto hellendoorn = tax->LookupMunicipality("Hellendoorn");
  ASSERT_TRUE(hellendoorn.has_value() && hellendoorn->centroid.has_value());
  v1::Municipality moved;
  moved.set_name("Losser");
  moved.set_region("Twente");
  moved.set_lat(hellendoorn->centroid->lat + 0.01);
  moved.set_lon(hellendoorn->centroid->lon);
  auto changed = tax->WithMunicipality(moved);
  ASSERT_TRUE(changed.ok()) << changed.status();
  matcher->SetModel(*changed, policy);
  EXPECT_THAT(ids(), ElementsAre("losser"));
}

// The fold a posting carries proves absence only: every member's residue is set, so a
// clear bit never hides a held (or required) qualification.
TEST(MatchCellsTest, FoldedQualificationsNeverHideAMember) {
  for (unsigned q = 0; q < 128; ++q) {
    QualSet s;
    s.Add(q);
    s.Add((q * 37 + 11) % 128);
    const uint32_t fold = s.Fold();
    EXPECT_LT(fold, 1u << QualSet::kFoldBits) << "bit 31 is the willing flag";
    s.ForEach([&](unsigned m) { EXPECT_TRUE((fold >> (m % QualSet::kFoldBits)) & 1) << m; });
    EXPECT_LE(std::popcount(fold), 2);
  }
  EXPECT_EQ(QualSet().Fold(), 0u);
}

}  // namespace
}  // namespace w2w::match
