// Matching policy: the defaults of every scoring parameter (docs/scoring.md) and the
// validation/completion of a policy given by an administrator (PolicyService.SetPolicy).
//
// A "complete" policy has every numeric field set to its effective value, all six
// component weights, all 36 sector-mobility pairs (from x to over ME, INST, PROC, BOUW,
// MVT, OTHER, in that order) and all seven candidate statuses; the Matcher only accepts
// complete policies.
//
// Thread safety: pure functions.
#ifndef W2W_ENGINE_MATCH_POLICY_H_
#define W2W_ENGINE_MATCH_POLICY_H_

#include "absl/status/statusor.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/policy.pb.h"

namespace w2w::match {

// Named defaults (docs/scoring.md gives the reasons).
inline constexpr double kDefaultWeightTrade = 0.35;
inline constexpr double kDefaultWeightSector = 0.10;
inline constexpr double kDefaultWeightQualifications = 0.25;
inline constexpr double kDefaultWeightDistance = 0.15;
inline constexpr double kDefaultWeightAvailability = 0.10;
inline constexpr double kDefaultWeightUrgency = 0.05;
inline constexpr double kDefaultMinTradeSimilarity = 0.25;
inline constexpr double kDefaultExperienceFullYears = 10;
inline constexpr double kDefaultExperienceShare = 0.2;
inline constexpr double kDefaultMaxRetrainingWeeks = 12;
inline constexpr double kDefaultHardToFillRetrainingFactor = 2;
inline constexpr double kDefaultRetrainingCostScaleEur = 5000;
inline constexpr double kDefaultRetrainingCostShare = 0.3;
inline constexpr double kDefaultPreferredBonusShare = 0.2;
inline constexpr double kDefaultSameClusterBonus = 0.15;
inline constexpr double kDefaultMaxTravelKm = 50;
inline constexpr double kDefaultAvailabilityHorizonDays = 180;
inline constexpr double kDefaultUrgencyHardToFill = 1.0;
inline constexpr double kDefaultUrgencyNormal = 0.4;

// Validation limits.
inline constexpr double kMaxExperienceFullYears = 60;
inline constexpr double kMaxPolicyRetrainingWeeks = 520;
inline constexpr double kMaxHardToFillFactor = 10;
inline constexpr double kMaxCostScaleEur = 10'000'000;
inline constexpr double kMaxOverrideCostEur = 1'000'000;
inline constexpr double kMaxPolicyTravelKm = 300;
inline constexpr double kMaxHorizonDays = 3650;
inline constexpr size_t kMaxNoteBytes = 256;

// The built-in sector-mobility weight from the candidate's sector to the vacancy's
// (both in 1..6; anything else is treated as OTHER).
double DefaultSectorMobility(v1::Sector from, v1::Sector to);

// The built-in availability weight of a status (0 for PLACED, UNAVAILABLE, UNSPECIFIED).
double DefaultStatusWeight(v1::CandidateStatus status);

// Every field of policy.proto at its documented default; version 0, empty note.
v1::Policy DefaultPolicy();

// Validates `in` and returns it completed (see the file comment): zero/unset numeric
// fields take their defaults (own_sector_preference's default is 0; component weights
// are taken as given unless all six are 0), missing sector pairs and statuses come from
// the defaults, per-qualification retraining overrides are kept as given. version, note
// and created_at are kept. Fields unknown to this server are dropped (recursively), so
// they are never stored.
// Errors: INVALID_ARGUMENT whose message starts with the field path, e.g.
// "policy.weights.trade: must be >= 0", "policy.sector_mobility[3].weight: must be in
// [0, 1]", "policy.retraining[0].qualification: unknown qualification 'X'".
absl::StatusOr<v1::Policy> CompletePolicy(const v1::Policy& in, const taxonomy::Taxonomy& tax);

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_POLICY_H_
