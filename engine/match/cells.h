// Cells: the fixed partition of places into the index's bucket cells. Internal to
// engine/match; docs/scoring.md, "Index and pruning".
//
// The index files rows into (trade, cell) buckets. A cell is a group of neighbouring
// municipalities of one region (a few per cell), so that a bucket's least distance to a
// query's place (CompiledPolicy::CellMinKm) bounds the distance component and the reach
// closely: a shortlist for Hellendoorn reaches Losser's cell only when nothing nearer
// can beat it.
//
// The partition is made once, from the taxonomy a matcher starts with, and kept for the
// matcher's life (every index and every later CompiledPolicy of the matcher shares it),
// because a row stays in the bucket it was filed in. What the taxonomy changes later
// cannot make a bound wrong:
//   - moved coordinates: each CompiledPolicy computes the least km of each cell from its
//     own points over the cell's members;
//   - a municipality added later, or one paired with a region it no longer (or never)
//     belonged to at the start: it files in that region's anchor cell (CellOf), whose
//     least km covers every such place of the region;
//   - a record without a municipality: its region's anchor cell (the anchor place).
//
// Thread safety: immutable after Build(); shared as std::shared_ptr<const CellMap>.
#ifndef W2W_ENGINE_MATCH_CELLS_H_
#define W2W_ENGINE_MATCH_CELLS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {

// Cell slots of a trade's bucket row (index.h BucketDir): every region has at least one.
inline constexpr size_t kMaxCells = taxonomy::kMaxRegions;
// Municipalities per cell the partitions aim at (cells of about 15-25 km across).
// Measured at 1M candidates side by side (bench/RESULTS.md): for candidates 3 a cell
// beat 2 and 4 (Shortlist p50 106-113 us against 119-125 and 103-127); for vacancies 2
// beat 4 (MatchCandidate p50 65-71 us against 72-100).
inline constexpr size_t kCandidateMunicipalitiesPerCell = 3;
inline constexpr size_t kVacancyMunicipalitiesPerCell = 2;

// Candidate buckets also split each cell by how far its rows travel, so that a far cell
// is not scanned for rows that will not travel that far: a candidate bucket's slot is
// cell * kTravelBands + TravelBand(max_travel_km).
inline constexpr size_t kTravelBands = 4;
// The band of a max_travel_km (0 = the policy default, about 50 km, band 2): below 25,
// 40, 60 km, and beyond. The bands only group rows; each bucket keeps its own maximum.
inline unsigned TravelBand(uint16_t max_travel_km) {
  if (max_travel_km == 0) return 2;
  return max_travel_km < 25 ? 0 : max_travel_km < 40 ? 1 : max_travel_km < 60 ? 2 : 3;
}

struct CellMap {
  // Partitions the places of `tax` (place numbering as CompiledPolicy: 0..num_regions-1
  // the anchors, num_regions + municipality id the municipalities) into at most
  // kMaxCells cells of about `municipalities_per_cell` each (fewer when the slots run
  // out); `points[p]` is place p's point. Deterministic.
  static std::shared_ptr<const CellMap> Build(const taxonomy::Taxonomy& tax,
                                              const std::vector<taxonomy::GeoPoint>& points,
                                              size_t municipalities_per_cell);

  size_t num_cells = 0;
  std::vector<uint8_t> cell_region;  // By cell: the region the cell belongs to.
  std::vector<uint8_t> anchor_cell;  // By region: the cell of its anchor.
  std::vector<uint8_t> place_cell;   // By place known at Build.

  // The cell of a row at `place` filed under `region`: the place's own cell when it lies
  // in that region, else the region's anchor cell.
  unsigned CellOf(unsigned place, unsigned region) const {
    if (place < place_cell.size()) {
      const unsigned c = place_cell[place];
      if (cell_region[c] == region) return c;
    }
    return anchor_cell[region];
  }
};

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_CELLS_H_
