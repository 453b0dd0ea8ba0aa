// Reasons: the short sentences an explanation carries (docs/scoring.md, "Reasons a coach
// reads"). The number formats live here, and so do the sentences that depend on the
// compiled model alone (sector moves, retraining steps, preferred qualifications, same
// region), built once per model so that explaining a match formats little.
//
// Thread safety: pure functions; a ReasonTexts is immutable once built.
#ifndef W2W_ENGINE_MATCH_REASONS_H_
#define W2W_ENGINE_MATCH_REASONS_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {

// `x` as printf's "%g" writes it ("0.4", "12").
std::string Num(double x);
// `x` rounded to an integer exactly as printf's "%.0f" does (ties to even), for finite
// x >= 0; other values go through "%.0f" itself.
std::string Rounded(double x);
// "1 week", "0.4 weeks".
std::string Weeks(double w);
// "19 km" (rounded as "%.0f").
std::string Km(double km);
// The coach's words for a CandidateStatus value ("notice given"); "status unknown" for
// values outside the enum. The text is static (never freed).
const char* StatusText(int status);

// The sentences that depend only on the taxonomy and the policy.
struct ReasonTexts {
  // By vacancy sector value: "same sector ME".
  std::array<std::string, taxonomy::kNumSectorSlots> same_sector;
  // By [candidate sector][vacancy sector]: "sector move ME -> INST (0.80)".
  std::array<std::array<std::string, taxonomy::kNumSectorSlots>, taxonomy::kNumSectorSlots> sector_move;
  std::vector<std::string> same_region;  // By RegionId: "Rijnmond, same region".
  std::vector<std::string> needs;        // By QualId: "needs VCA-VOL: 0.4 weeks, EUR 350".
  std::vector<std::string> preferred;    // By QualId: "holds preferred NEN 3140".
};

// Builds the texts for `tax`, the sector component matrix [candidate][vacancy] and the
// per-qualification weeks and costs (indexed by QualId, as long as the taxonomy's
// qualification list or shorter). Never fails.
ReasonTexts BuildReasonTexts(
    const taxonomy::Taxonomy& tax,
    const double (&sector)[taxonomy::kNumSectorSlots][taxonomy::kNumSectorSlots],
    const std::vector<double>& qual_weeks, const std::vector<double>& qual_cost);

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_REASONS_H_
