// Scoring: the formulas of docs/scoring.md over Features and a CompiledPolicy, shared by the
// index's hot loops (as inline helpers) and by the full pair evaluation that fills
// explanations. Scores are in [0, 1]; the total is rounded to integer micro-points.
//
// Thread safety: pure functions over immutable inputs.
#ifndef W2W_ENGINE_MATCH_SCORING_H_
#define W2W_ENGINE_MATCH_SCORING_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "engine/match/features.h"
#include "engine/match/compiled_policy.h"
#include "w2w/v1/match.pb.h"

namespace w2w::match {

// Tolerance for "weeks > cap" so that summation order never flips an exclusion.
inline constexpr double kWeeksEpsilon = 1e-9;
inline constexpr double kMicro = 1e6;

// Experience factor of the trade component for `years` (saturates at experience_full_years).
inline double ExperienceFactor(const CompiledPolicy& m, unsigned years) {
  return m.experience_factor[years < 256 ? years : 255];
}

// The policy cap on retraining weeks for a vacancy (hard-to-fill tolerates more).
inline double PolicyCap(const CompiledPolicy& m, bool hard_to_fill) {
  return hard_to_fill ? m.max_retraining_weeks * m.hard_to_fill_factor : m.max_retraining_weeks;
}

// Adds the catalogue's weeks and cost of every qualification in `missing` to *weeks and
// *cost, in ascending qualification id (the order every caller sums in, so the totals
// are bit-identical wherever they are computed).
inline void AddRetraining(const CompiledPolicy& m, const QualSet& missing, double* weeks, double* cost) {
  missing.ForEach([&](unsigned q) {
    if (q < m.qual_weeks.size()) {
      *weeks += m.qual_weeks[q];
      *cost += m.qual_cost[q];
    }
  });
}

// The cap for one query: the filter's, when set and lower, else the policy's.
inline double QueryCap(double policy_cap, double filter_weeks) {
  return filter_weeks > 0 ? std::min(filter_weeks, policy_cap) : policy_cap;
}

// Qualifications component from the retraining weeks/cost, the policy cap (> 0) and the
// preferred qualifications held out of those asked (num_pref 0 = full bonus). Can dip
// below 0 only for pairs over the cap (excluded anyway).
inline double QualScore(const CompiledPolicy& m, double weeks, double cost, double policy_cap, int held_pref,
                        int num_pref) {
  const double penalty = (1 - m.cost_share) * weeks / policy_cap +
                         m.cost_share * std::min(1.0, cost / m.cost_scale_eur);
  const double pref = num_pref == 0 ? 1.0 : static_cast<double>(held_pref) / num_pref;
  return (1 - m.preferred_bonus_share) * (1 - penalty) + m.preferred_bonus_share * pref;
}

// The candidate's max_travel_km, or the policy default for 0.
inline double EffectiveTravelKm(const CompiledPolicy& m, uint16_t max_travel_km) {
  return max_travel_km == 0 ? m.default_max_travel_km : static_cast<double>(max_travel_km);
}

// Distance component for km <= max_km, with the SPT cluster bonus when `cluster_bonus`.
inline double DistanceScore(const CompiledPolicy& m, double km, double max_km, bool cluster_bonus) {
  double d = 1 - km / max_km;
  if (cluster_bonus) d += m.same_cluster_bonus;
  return std::min(1.0, d);
}

// Date factor of availability; `start` is the vacancy's start day (today when unset).
inline double DateFactor(const CompiledPolicy& m, int32_t available_from, int32_t start) {
  if (available_from == kImmediately || available_from <= start) return 1.0;
  const double delay = static_cast<double>(available_from) - static_cast<double>(start);
  return std::max(0.0, 1 - delay / m.horizon_days);
}

// The weighted total of the kNumComponents values in `c`, in [0, 1].
inline double Total(const CompiledPolicy& m, const double* c) {
  return (m.weight[kTrade] * c[kTrade] + m.weight[kSector] * c[kSector] +
          m.weight[kQuals] * c[kQuals] + m.weight[kDistance] * c[kDistance] +
          m.weight[kAvail] * c[kAvail] + m.weight[kUrgency] * c[kUrgency]) /
         m.weight_sum;
}

// The total rounded to integer micro-points (6 decimals).
inline int64_t ToMicro(double total) { return std::llround(total * kMicro); }

// Why a pair is excluded; kNone when it is scored.
enum class Exclusion : uint8_t {
  kNone,
  kCandidateStatus,
  kVacancyStatus,
  kVacancyExpired,
  kTrade,
  kDistance,
  kUnwilling,
  kRetraining,
};

// Everything an explanation needs about one pair.
struct PairDetail {
  std::array<double, kNumComponents> c{};
  int64_t micro = 0;
  int slot = -1;  // Index of the candidate's matched trade.
  double sim = 0;
  unsigned cand_place = 0, vac_place = 0;  // CompiledPolicy places the km runs between.
  double km = 0;
  double max_km = 0;
  bool same_cluster = false;
  QualSet missing, preferred_held;
  double weeks = 0, cost = 0, cap = 0;
};

// Evaluates one pair fully. `query_cap_weeks` is the filter's max_retraining_weeks (0 =
// none). Trade similarity comes from Taxonomy::TradeSimilarity.
[[nodiscard]] Exclusion EvaluatePair(const CompiledPolicy& m, const CandFeatures& c, const VacFeatures& v, int32_t today,
                       double filter_weeks, PairDetail* d);

// A readable exclusion reason for `e` in `language` (empty for kNone).
std::string ExclusionReason(const CompiledPolicy& m, const CandFeatures& c, const VacFeatures& v,
                            int32_t today, const PairDetail& d, Exclusion e, Language language);

// Fills `out` from an evaluated pair (components, trade, distance, retraining plan,
// reasons in `language`). Works for excluded pairs too (components then are what was
// computed). Nothing but the texts depends on `language`.
void FillExplanation(const CompiledPolicy& m, const CandFeatures& c, const VacFeatures& v, int32_t today,
                     const PairDetail& d, Language language, v1::Explanation* out);

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_SCORING_H_
