// CompiledPolicy: the taxonomy plus the policy compiled into flat tables the scorer reads in its
// inner loop (normalised weights, the sector matrix with the own-sector preference
// applied, status weights, per-qualification weeks/cost with the policy's overrides,
// region distances and same-cluster flags), and exact-string look-ups for canonical
// records.
//
// Thread safety: immutable after Compile(); shared as std::shared_ptr<const CompiledPolicy>.
#ifndef W2W_ENGINE_MATCH_COMPILED_POLICY_H_
#define W2W_ENGINE_MATCH_COMPILED_POLICY_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/match/cells.h"
#include "engine/match/qualset.h"
#include "engine/match/reasons.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/policy.pb.h"

namespace w2w::match {

// Component order everywhere in the scorer.
enum Component : int { kTrade = 0, kSector, kQuals, kDistance, kAvail, kUrgency, kNumComponents };

// One bucket partition (cells.h) under a policy's points: num_places x num_cells tables
// of the least km from a place to any place a row of the cell can have, and of each
// place's cells nearest first.
struct CellTable {
  std::shared_ptr<const CellMap> map;
  size_t num_cells = 0;
  std::vector<float> min_km;
  std::vector<uint8_t> by_km;

  // No row of `cell` lies nearer to `place` than this.
  float MinKm(unsigned place, unsigned cell) const { return min_km[place * num_cells + cell]; }
  const float* KmRow(unsigned place) const { return &min_km[place * num_cells]; }
  // The num_cells cells by MinKm from `place`, nearest first.
  const uint8_t* ByKm(unsigned place) const { return &by_km[place * num_cells]; }
  unsigned Region(unsigned cell) const { return map->cell_region[cell]; }
};

struct CompiledPolicy {
  // Compiles a complete policy (see policy.h) against `tax`. Never fails: a complete
  // policy is valid by construction; unknown override codes are ignored. `cells` is the
  // bucket partition of the index the policy will query (cells.h); null makes one from
  // `tax` (a matcher's first policy); likewise `vacancy_cells`.
  static std::shared_ptr<const CompiledPolicy> Compile(std::shared_ptr<const taxonomy::Taxonomy> tax,
                                              const v1::Policy& policy,
                                              std::shared_ptr<const CellMap> cells = nullptr,
                                              std::shared_ptr<const CellMap> vacancy_cells = nullptr);

  std::shared_ptr<const taxonomy::Taxonomy> tax;
  v1::Policy policy;
  uint64_t policy_version = 0;

  std::array<double, kNumComponents> weight{};  // As given (not normalised).
  double weight_sum = 1;
  // [candidate sector][vacancy sector], enum values 0..6 (0 is read as OTHER), with
  // (1 - own_sector_preference) applied off the diagonal.
  double sector[taxonomy::kNumSectorSlots][taxonomy::kNumSectorSlots] = {};
  double status_weight[taxonomy::kNumStatusSlots] = {};  // By CandidateStatus value.
  std::vector<double> qual_weeks, qual_cost;  // By QualId.
  // The least qual_weeks of the qualifications of each fold residue (QualSet::Fold; 0
  // for a residue no qualification has): what a surely missing residue costs at least.
  std::array<double, QualSet::kFoldBits> min_weeks_by_fold{};

  size_t num_regions = 0;
  size_t num_trades = 0;
  std::vector<uint8_t> same_cluster;  // num_regions^2; 1 when both in one SPT cluster.

  // Places: the points distances run between (docs/scoring.md, "Distance"). Places
  // 0..num_regions-1 are the regions' anchor cities; place num_regions + id is the
  // municipality with that taxonomy id, at its centroid (at its region's anchor while it
  // has none). Features carry a place; one from a newer taxonomy than this policy's reads
  // as its region's anchor (PlaceOf).
  size_t num_places = 0;
  std::vector<float> place_km;       // num_places^2, row-major: great-circle km as float.
  // The bucket cells of the candidate index and of the vacancy index (cells.h), each
  // with its km tables under this policy's points.
  CellTable candidate_cells, vacancy_cells;
  std::vector<taxonomy::GeoPoint> place_point;
  std::vector<uint8_t> place_is_centroid;  // 1: a municipality's own centroid.
  std::vector<std::string> place_name;     // The municipality, or the anchor city.
  absl::flat_hash_map<std::string, uint16_t> place_by_municipality;  // Canonical name.

  double min_trade_similarity = 0, experience_full_years = 1, experience_share = 0;
  double max_retraining_weeks = 0, hard_to_fill_factor = 1;
  double cost_scale_eur = 1, cost_share = 0, preferred_bonus_share = 0;
  double same_cluster_bonus = 0, default_max_travel_km = 50, horizon_days = 1;
  double urgency_hard = 1, urgency_normal = 0;

  // Trade experience factor by years 0..255 (docs/scoring.md, "Trade").
  std::array<double, 256> experience_factor{};
  double max_experience_factor = 1;  // The largest entry of experience_factor.

  // The place a feature's (place, region) stands for under this policy.
  unsigned PlaceOf(unsigned place, unsigned region) const { return place < num_places ? place : region; }
  // km between two places, and a place's row of km to every place.
  float PlaceKm(unsigned a, unsigned b) const { return place_km[a * num_places + b]; }
  const float* PlaceKmRow(unsigned a) const { return &place_km[a * num_places]; }
  // The place of a record's municipality (canonical name first, then the taxonomy's
  // tolerant look-up), or its region's anchor when it names none the taxonomy knows.
  unsigned PlaceOfRecord(std::string_view municipality, unsigned region) const;
  bool SameCluster(unsigned a, unsigned b) const { return same_cluster[a * num_regions + b] != 0; }

  // Exact look-ups of canonical strings first, then the taxonomy's tolerant ones.
  std::optional<taxonomy::TradeId> FindTrade(std::string_view id) const;
  std::optional<taxonomy::RegionId> FindRegion(std::string_view name) const;
  std::optional<taxonomy::QualId> FindQualification(std::string_view code) const;

  // Explanation sentences that depend on this model alone (reasons.h), by language.
  std::array<ReasonTexts, taxonomy::kNumLanguages> reason_texts;
  const ReasonTexts& reasons(Language language) const {
    return reason_texts[static_cast<size_t>(language)];
  }

  absl::flat_hash_map<std::string, taxonomy::TradeId> trade_by_id;
  absl::flat_hash_map<std::string, taxonomy::RegionId> region_by_name;
  absl::flat_hash_map<std::string, taxonomy::QualId> qual_by_code;
};

// Fills the place tables of `m` (num_places, place_km, candidate_cells, vacancy_cells,
// ...) from m->tax and the two partitions (null: one made from m->tax); m->num_regions is
// set. places.cc.
void CompilePlaces(CompiledPolicy* m, std::shared_ptr<const CellMap> candidate_cells,
                   std::shared_ptr<const CellMap> vacancy_cells);

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_COMPILED_POLICY_H_
