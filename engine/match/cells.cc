// CellMap::Build: each region's municipalities grouped into cells by farthest-point
// seeding (the first seed the municipality nearest the region's anchor), each
// municipality in the cell of its nearest seed.
#include "engine/match/cells.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace w2w::match {
namespace {

// Cells per region at `per` municipalities a cell (at least one).
std::vector<size_t> CellsPerRegion(const std::vector<std::vector<unsigned>>& members, size_t per) {
  std::vector<size_t> k(members.size());
  for (size_t r = 0; r < members.size(); ++r) {
    k[r] = std::max<size_t>(1, static_cast<size_t>(std::lround(static_cast<double>(members[r].size()) / per)));
    k[r] = std::min(k[r], std::max<size_t>(1, members[r].size()));
  }
  return k;
}

// The seeds of `k` cells among `members` (places), the first nearest to `anchor`.
std::vector<unsigned> Seeds(const std::vector<unsigned>& members, size_t k, taxonomy::GeoPoint anchor,
                            const std::vector<taxonomy::GeoPoint>& points) {
  std::vector<unsigned> seeds;
  if (members.empty()) return seeds;
  unsigned first = members[0];
  double best = std::numeric_limits<double>::infinity();
  for (unsigned p : members) {
    const double km = taxonomy::GreatCircleKm(points[p], anchor);
    if (km < best) {
      best = km;
      first = p;
    }
  }
  seeds.push_back(first);
  std::vector<double> nearest(members.size());
  for (size_t i = 0; i < members.size(); ++i) nearest[i] = taxonomy::GreatCircleKm(points[members[i]], points[first]);
  while (seeds.size() < k) {
    const size_t far = static_cast<size_t>(std::max_element(nearest.begin(), nearest.end()) - nearest.begin());
    const unsigned s = members[far];
    seeds.push_back(s);
    for (size_t i = 0; i < members.size(); ++i) {
      nearest[i] = std::min(nearest[i], taxonomy::GreatCircleKm(points[members[i]], points[s]));
    }
  }
  return seeds;
}

}  // namespace

std::shared_ptr<const CellMap> CellMap::Build(const taxonomy::Taxonomy& tax,
                                              const std::vector<taxonomy::GeoPoint>& points,
                                              size_t municipalities_per_cell) {
  const size_t nr = tax.num_regions();
  auto cells = std::make_shared<CellMap>();
  cells->place_cell.assign(points.size(), 0);
  cells->anchor_cell.assign(nr, 0);
  std::vector<std::vector<unsigned>> members(nr);
  for (const taxonomy::MunicipalityInfo& info : tax.municipalities()) {
    const size_t p = nr + info.id;
    if (p < points.size()) members[info.region].push_back(static_cast<unsigned>(p));
  }
  // Fewer municipalities a cell until the cells fit their slots.
  size_t per = std::max<size_t>(1, municipalities_per_cell);
  std::vector<size_t> k = CellsPerRegion(members, per);
  auto total = [](const std::vector<size_t>& v) {
    size_t n = 0;
    for (size_t x : v) n += x;
    return n;
  };
  while (total(k) > kMaxCells) k = CellsPerRegion(members, ++per);

  for (size_t r = 0; r < nr; ++r) {
    const unsigned base = static_cast<unsigned>(cells->num_cells);
    const std::vector<unsigned> seeds = Seeds(members[r], k[r], points[r], points);
    const size_t n = std::max<size_t>(1, seeds.size());
    for (size_t c = 0; c < n; ++c) cells->cell_region.push_back(static_cast<uint8_t>(r));
    cells->num_cells += n;
    cells->anchor_cell[r] = static_cast<uint8_t>(base);  // Seed 0 is nearest the anchor.
    cells->place_cell[r] = static_cast<uint8_t>(base);
    for (unsigned p : members[r]) {
      size_t best = 0;
      double best_km = std::numeric_limits<double>::infinity();
      for (size_t s = 0; s < seeds.size(); ++s) {
        const double km = taxonomy::GreatCircleKm(points[p], points[seeds[s]]);
        if (km < best_km) {
          best_km = km;
          best = s;
        }
      }
      cells->place_cell[p] = static_cast<uint8_t>(base + best);
    }
  }
  return cells;
}

}  // namespace w2w::match
