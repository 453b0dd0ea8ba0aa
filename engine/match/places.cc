// Places: the points distances run between, compiled from the taxonomy (region anchors
// and municipality centroids), with the km between every two of them and each place's
// least km to each bucket cell (cells.h; the bucket bounds of best_first.h).
#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/match/compiled_policy.h"

namespace w2w::match {

namespace {

// The tables of partition `map` under m's points; `region_places[r]` are the places a row
// of region r can have.
void CompileCells(const CompiledPolicy& m, const std::vector<std::vector<unsigned>>& region_places,
                  std::shared_ptr<const CellMap> map, CellTable* out) {
  const size_t np = m.num_places, nr = m.num_regions, nc = map->num_cells;
  // The places each cell's rows can have: a place files under its region in the cell
  // CellOf names. A place the partition knows but this taxonomy does not (a policy older
  // than the partition) is scored at its region's anchor, which then joins its cell.
  std::vector<std::vector<unsigned>> cell_places(nc);
  for (size_t r = 0; r < nr; ++r) {
    for (unsigned p : region_places[r]) cell_places[map->CellOf(p, static_cast<unsigned>(r))].push_back(p);
  }
  for (size_t p = np; p < map->place_cell.size(); ++p) {
    const unsigned c = map->place_cell[p];
    cell_places[c].push_back(map->cell_region[c]);
  }
  out->num_cells = nc;
  out->min_km.assign(np * nc, std::numeric_limits<float>::infinity());
  out->by_km.resize(np * nc);
  std::vector<uint8_t> order(nc);
  for (size_t a = 0; a < np; ++a) {
    float* row = &out->min_km[a * nc];
    for (size_t c = 0; c < nc; ++c) {
      for (unsigned p : cell_places[c]) row[c] = std::min(row[c], m.place_km[a * np + p]);
      order[c] = static_cast<uint8_t>(c);
    }
    std::stable_sort(order.begin(), order.end(), [row](uint8_t x, uint8_t y) { return row[x] < row[y]; });
    std::copy(order.begin(), order.end(), &out->by_km[a * nc]);
  }
  out->map = std::move(map);
}

}  // namespace

void CompilePlaces(CompiledPolicy* m, std::shared_ptr<const CellMap> candidate_cells,
                   std::shared_ptr<const CellMap> vacancy_cells) {
  const taxonomy::Taxonomy& tax = *m->tax;
  const size_t nr = m->num_regions;
  const std::vector<taxonomy::MunicipalityInfo> munis = tax.municipalities();
  const size_t np = nr + tax.num_municipalities();
  m->num_places = np;
  m->place_point.assign(np, taxonomy::GeoPoint{});
  m->place_is_centroid.assign(np, 0);
  m->place_name.assign(np, std::string());
  // The places each region's records can have.
  std::vector<std::vector<unsigned>> region_places(nr);
  for (size_t r = 0; r < nr; ++r) {
    const auto id = static_cast<taxonomy::RegionId>(r);
    m->place_point[r] = tax.RegionAnchor(id);
    m->place_name[r] = tax.region(id).anchor_city;
    region_places[r].push_back(static_cast<unsigned>(r));
  }
  m->place_by_municipality.reserve(munis.size());
  for (const taxonomy::MunicipalityInfo& info : munis) {
    const unsigned p = static_cast<unsigned>(nr + info.id);
    m->place_point[p] = info.centroid.value_or(tax.RegionAnchor(info.region));
    m->place_is_centroid[p] = info.centroid.has_value() ? 1 : 0;
    m->place_name[p] = info.name;
    m->place_by_municipality.emplace(info.name, static_cast<uint16_t>(p));
    region_places[info.region].push_back(p);
    for (taxonomy::RegionId former : info.former_regions) region_places[former].push_back(p);
  }

  m->place_km.assign(np * np, 0.0f);
  for (size_t a = 0; a < np; ++a) {
    for (size_t b = a + 1; b < np; ++b) {
      const auto km = static_cast<float>(taxonomy::GreatCircleKm(m->place_point[a], m->place_point[b]));
      m->place_km[a * np + b] = km;
      m->place_km[b * np + a] = km;
    }
  }
  if (candidate_cells == nullptr) {
    candidate_cells = CellMap::Build(tax, m->place_point, kCandidateMunicipalitiesPerCell);
  }
  if (vacancy_cells == nullptr) {
    vacancy_cells = kVacancyMunicipalitiesPerCell == kCandidateMunicipalitiesPerCell
                        ? candidate_cells
                        : CellMap::Build(tax, m->place_point, kVacancyMunicipalitiesPerCell);
  }
  CompileCells(*m, region_places, std::move(candidate_cells), &m->candidate_cells);
  CompileCells(*m, region_places, std::move(vacancy_cells), &m->vacancy_cells);
}

unsigned CompiledPolicy::PlaceOfRecord(std::string_view municipality, unsigned region) const {
  if (municipality.empty()) return region;
  if (auto it = place_by_municipality.find(absl::string_view(municipality.data(), municipality.size()));
      it != place_by_municipality.end()) {
    return it->second;
  }
  if (auto ref = tax->LookupMunicipality(municipality)) return static_cast<unsigned>(num_regions + ref->id);
  return region;
}

}  // namespace w2w::match
