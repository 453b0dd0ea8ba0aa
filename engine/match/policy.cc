#include "engine/match/policy.h"

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/common/text.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {
namespace {

using taxonomy::kNumSectors;
using taxonomy::kNumStatuses;

// Row = candidate's sector, column = vacancy's sector. See docs/scoring.md.
constexpr std::array<std::array<double, kNumSectors>, kNumSectors> kSectorMatrix = {{
    //  ME    INST  PROC  BOUW  MVT   OTHER
    {1.00, 0.80, 0.60, 0.45, 0.50, 0.30},  // from ME
    {0.80, 1.00, 0.50, 0.60, 0.40, 0.30},  // from INST
    {0.60, 0.45, 1.00, 0.35, 0.30, 0.30},  // from PROC
    {0.45, 0.60, 0.30, 1.00, 0.30, 0.30},  // from BOUW
    {0.50, 0.45, 0.35, 0.35, 1.00, 0.30},  // from MVT
    {0.30, 0.30, 0.30, 0.30, 0.30, 1.00},  // from OTHER
}};

int SectorSlot(v1::Sector s) {
  const int v = static_cast<int>(s);
  return (v >= 1 && v <= kNumSectors) ? v - 1 : kNumSectors - 1;
}

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// Checks `*value` is finite and in [lo, hi]; 0 is replaced by `dflt` first when
// `zero_means_default`.
absl::Status CheckRange(absl::string_view path, double* value, double lo, double hi,
                        double dflt, bool zero_means_default = true) {
  if (!std::isfinite(*value)) return Invalid(path, "must be a finite number");
  if (zero_means_default && *value == 0) *value = dflt;
  if (*value < lo || *value > hi) {
    if (lo == 0 && hi == 1) return Invalid(path, "must be in [0, 1]");
    return Invalid(path, absl::StrCat("must be in [", lo, ", ", hi, "]"));
  }
  return absl::OkStatus();
}

}  // namespace

double DefaultSectorMobility(v1::Sector from, v1::Sector to) {
  return kSectorMatrix[SectorSlot(from)][SectorSlot(to)];
}

double DefaultStatusWeight(v1::CandidateStatus status) {
  switch (status) {
    case v1::CANDIDATE_STATUS_UNEMPLOYED: return 1.0;
    case v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER: return 1.0;
    case v1::CANDIDATE_STATUS_NOTICE_GIVEN: return 0.9;
    case v1::CANDIDATE_STATUS_AT_RISK: return 0.8;
    case v1::CANDIDATE_STATUS_EMPLOYED: return 0.5;
    default: return 0.0;
  }
}

v1::Policy DefaultPolicy() {
  v1::Policy p;
  v1::ComponentWeights* w = p.mutable_weights();
  w->set_trade(kDefaultWeightTrade);
  w->set_sector(kDefaultWeightSector);
  w->set_qualifications(kDefaultWeightQualifications);
  w->set_distance(kDefaultWeightDistance);
  w->set_availability(kDefaultWeightAvailability);
  w->set_urgency(kDefaultWeightUrgency);
  for (int from = 1; from <= kNumSectors; ++from) {
    for (int to = 1; to <= kNumSectors; ++to) {
      v1::SectorMobility* m = p.add_sector_mobility();
      m->set_from(static_cast<v1::Sector>(from));
      m->set_to(static_cast<v1::Sector>(to));
      m->set_weight(kSectorMatrix[from - 1][to - 1]);
    }
  }
  p.set_own_sector_preference(0);
  p.set_min_trade_similarity(kDefaultMinTradeSimilarity);
  p.set_experience_full_years(kDefaultExperienceFullYears);
  p.set_experience_share(kDefaultExperienceShare);
  p.set_max_retraining_weeks(kDefaultMaxRetrainingWeeks);
  p.set_hard_to_fill_retraining_factor(kDefaultHardToFillRetrainingFactor);
  p.set_retraining_cost_scale_eur(kDefaultRetrainingCostScaleEur);
  p.set_retraining_cost_share(kDefaultRetrainingCostShare);
  p.set_preferred_bonus_share(kDefaultPreferredBonusShare);
  p.set_same_cluster_bonus(kDefaultSameClusterBonus);
  p.set_default_max_travel_km(kDefaultMaxTravelKm);
  for (int s = 1; s <= kNumStatuses; ++s) {
    v1::StatusWeight* sw = p.add_status_weights();
    sw->set_status(static_cast<v1::CandidateStatus>(s));
    sw->set_weight(DefaultStatusWeight(static_cast<v1::CandidateStatus>(s)));
  }
  p.set_availability_horizon_days(kDefaultAvailabilityHorizonDays);
  p.set_urgency_hard_to_fill(kDefaultUrgencyHardToFill);
  p.set_urgency_normal(kDefaultUrgencyNormal);
  return p;
}

absl::StatusOr<v1::Policy> CompletePolicy(const v1::Policy& in, const taxonomy::Taxonomy& tax) {
  v1::Policy out = DefaultPolicy();
  out.set_version(in.version());
  out.set_note(in.note());
  out.set_created_at(in.created_at());
  if (in.note().size() > kMaxNoteBytes) {
    return Invalid("policy.note", absl::StrCat("at most ", kMaxNoteBytes, " bytes"));
  }

  // Component weights: all zero (or unset) = defaults; otherwise as given.
  {
    const v1::ComponentWeights& w = in.weights();
    const std::array<std::pair<const char*, double>, 6> given = {{
        {"trade", w.trade()}, {"sector", w.sector()}, {"qualifications", w.qualifications()},
        {"distance", w.distance()}, {"availability", w.availability()}, {"urgency", w.urgency()},
    }};
    double sum = 0;
    for (const auto& [name, value] : given) {
      const std::string path = absl::StrCat("policy.weights.", name);
      if (!std::isfinite(value)) return Invalid(path, "must be a finite number");
      if (value < 0) return Invalid(path, "must be >= 0");
      if (value > 1e6) return Invalid(path, "must be <= 1000000");
      sum += value;
    }
    if (sum > 0) *out.mutable_weights() = w;
  }

  // Sector mobility: given pairs override the built-in matrix.
  {
    absl::flat_hash_set<int> seen;
    for (int i = 0; i < in.sector_mobility_size(); ++i) {
      const v1::SectorMobility& m = in.sector_mobility(i);
      const std::string path = absl::StrCat("policy.sector_mobility[", i, "]");
      if (m.from() < 1 || m.from() > kNumSectors) return Invalid(path + ".from", "must be a sector");
      if (m.to() < 1 || m.to() > kNumSectors) return Invalid(path + ".to", "must be a sector");
      if (!std::isfinite(m.weight()) || m.weight() < 0 || m.weight() > 1) {
        return Invalid(path + ".weight", "must be in [0, 1]");
      }
      if (!seen.insert(m.from() * 16 + m.to()).second) {
        return Invalid(path, "duplicate sector pair");
      }
      out.mutable_sector_mobility((m.from() - 1) * kNumSectors + (m.to() - 1))->set_weight(m.weight());
    }
  }

  double v;
  v = in.own_sector_preference();
  if (!std::isfinite(v) || v < 0 || v > 1) return Invalid("policy.own_sector_preference", "must be in [0, 1]");
  out.set_own_sector_preference(v);

  struct Scalar {
    const char* name;
    double (v1::Policy::*get)() const;
    void (v1::Policy::*set)(double);
    double lo, hi, dflt;
  };
  const Scalar scalars[] = {
      {"min_trade_similarity", &v1::Policy::min_trade_similarity, &v1::Policy::set_min_trade_similarity, 0, 1, kDefaultMinTradeSimilarity},
      {"experience_full_years", &v1::Policy::experience_full_years, &v1::Policy::set_experience_full_years, 0, kMaxExperienceFullYears, kDefaultExperienceFullYears},
      {"experience_share", &v1::Policy::experience_share, &v1::Policy::set_experience_share, 0, 1, kDefaultExperienceShare},
      {"max_retraining_weeks", &v1::Policy::max_retraining_weeks, &v1::Policy::set_max_retraining_weeks, 0, kMaxPolicyRetrainingWeeks, kDefaultMaxRetrainingWeeks},
      {"hard_to_fill_retraining_factor", &v1::Policy::hard_to_fill_retraining_factor, &v1::Policy::set_hard_to_fill_retraining_factor, 1, kMaxHardToFillFactor, kDefaultHardToFillRetrainingFactor},
      {"retraining_cost_scale_eur", &v1::Policy::retraining_cost_scale_eur, &v1::Policy::set_retraining_cost_scale_eur, 0, kMaxCostScaleEur, kDefaultRetrainingCostScaleEur},
      {"retraining_cost_share", &v1::Policy::retraining_cost_share, &v1::Policy::set_retraining_cost_share, 0, 1, kDefaultRetrainingCostShare},
      {"preferred_bonus_share", &v1::Policy::preferred_bonus_share, &v1::Policy::set_preferred_bonus_share, 0, 1, kDefaultPreferredBonusShare},
      {"same_cluster_bonus", &v1::Policy::same_cluster_bonus, &v1::Policy::set_same_cluster_bonus, 0, 1, kDefaultSameClusterBonus},
      {"default_max_travel_km", &v1::Policy::default_max_travel_km, &v1::Policy::set_default_max_travel_km, 1, kMaxPolicyTravelKm, kDefaultMaxTravelKm},
      {"availability_horizon_days", &v1::Policy::availability_horizon_days, &v1::Policy::set_availability_horizon_days, 1, kMaxHorizonDays, kDefaultAvailabilityHorizonDays},
      {"urgency_hard_to_fill", &v1::Policy::urgency_hard_to_fill, &v1::Policy::set_urgency_hard_to_fill, 0, 1, kDefaultUrgencyHardToFill},
      {"urgency_normal", &v1::Policy::urgency_normal, &v1::Policy::set_urgency_normal, 0, 1, kDefaultUrgencyNormal},
  };
  for (const Scalar& s : scalars) {
    v = (in.*s.get)();
    if (std::isfinite(v) && v < 0) return Invalid(absl::StrCat("policy.", s.name), "must be >= 0");
    auto st = CheckRange(absl::StrCat("policy.", s.name), &v, s.lo, s.hi, s.dflt);
    if (!st.ok()) return st;
    (out.*s.set)(v);
  }

  // Per-qualification retraining overrides: kept as given (0 weeks/cost are meaningful).
  {
    absl::flat_hash_set<int> seen;
    for (int i = 0; i < in.retraining_size(); ++i) {
      const v1::RetrainingWeight& r = in.retraining(i);
      const std::string path = absl::StrCat("policy.retraining[", i, "]");
      const std::optional<taxonomy::QualId> qual = tax.FindQualification(r.qualification());
      if (!qual.has_value()) {
        return Invalid(path + ".qualification",
                       absl::StrCat("unknown qualification ", QuoteValue(r.qualification())));
      }
      if (!std::isfinite(r.weeks()) || r.weeks() < 0 || r.weeks() > kMaxPolicyRetrainingWeeks) {
        return Invalid(path + ".weeks", absl::StrCat("must be in [0, ", kMaxPolicyRetrainingWeeks, "]"));
      }
      if (!std::isfinite(r.cost_eur()) || r.cost_eur() < 0 || r.cost_eur() > kMaxOverrideCostEur) {
        return Invalid(path + ".cost_eur", absl::StrCat("must be in [0, ", kMaxOverrideCostEur, "]"));
      }
      if (!seen.insert(*qual).second) {
        return Invalid(path + ".qualification",
                       absl::StrCat("duplicate qualification ", QuoteValue(r.qualification())));
      }
      v1::RetrainingWeight* kept = out.add_retraining();
      *kept = r;
      kept->set_qualification(tax.qualification(*qual).code);
    }
  }

  // Status weights: given statuses override the defaults.
  {
    absl::flat_hash_set<int> seen;
    for (int i = 0; i < in.status_weights_size(); ++i) {
      const v1::StatusWeight& s = in.status_weights(i);
      const std::string path = absl::StrCat("policy.status_weights[", i, "]");
      if (s.status() < 1 || s.status() > kNumStatuses) return Invalid(path + ".status", "must be a candidate status");
      if (!std::isfinite(s.weight()) || s.weight() < 0 || s.weight() > 1) {
        return Invalid(path + ".weight", "must be in [0, 1]");
      }
      if (!seen.insert(s.status()).second) return Invalid(path + ".status", "duplicate status");
      out.mutable_status_weights(s.status() - 1)->set_weight(s.weight());
    }
  }
  // The weights and the retraining overrides were copied as given, with whatever fields
  // this server does not know; like records (validate.h), a policy stores none of them.
  out.DiscardUnknownFields();
  return out;
}

}  // namespace w2w::match
