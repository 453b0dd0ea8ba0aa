// Reasons: the short sentences an explanation carries (docs/scoring.md, "Reasons a coach
// reads"), in English and in Dutch. Every user-facing sentence of the matching room is
// written here: the number formats, the sentences that depend on the compiled model alone
// (sector moves, retraining steps, preferred qualifications, same region), built once per
// model and language so that explaining a match formats little, and the per-pair ones.
// One call writes one language; the English sentences are byte-identical to what w2w.v1
// wrote before languages existed. Dutch numbers have a decimal comma ("0,4 weken").
//
// Thread safety: pure functions; a ReasonTexts is immutable once built.
#ifndef W2W_ENGINE_MATCH_REASONS_H_
#define W2W_ENGINE_MATCH_REASONS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {

using taxonomy::Language;

// `x` as printf's "%g" writes it ("0.4", "12"); in Dutch with a decimal comma ("0,4").
std::string Num(double x, Language language = Language::kEnglish);
// `x` rounded to an integer exactly as printf's "%.0f" does (ties to even), for finite
// x >= 0; other values go through "%.0f" itself. The same in both languages.
std::string Rounded(double x);
// "1 week", "0.4 weeks"; Dutch "1 week", "0,4 weken".
std::string Weeks(double w, Language language = Language::kEnglish);
// "19 km" (rounded as "%.0f"), in both languages.
std::string Km(double km);
// The coach's words for a CandidateStatus value ("notice given", "ontslag aangezegd");
// "status unknown" / "status onbekend" for values outside the enum. The text is static
// (never freed).
const char* StatusText(int status, Language language = Language::kEnglish);

// The sentences that depend only on the taxonomy, the policy and the language.
struct ReasonTexts {
  // By vacancy sector value: "same sector ME".
  std::array<std::string, taxonomy::kNumSectorSlots> same_sector;
  // By [candidate sector][vacancy sector]: "sector move ME -> INST (0.80)".
  std::array<std::array<std::string, taxonomy::kNumSectorSlots>, taxonomy::kNumSectorSlots> sector_move;
  std::vector<std::string> same_region;  // By RegionId: "Rijnmond, same region".
  std::vector<std::string> needs;        // By QualId: "needs VCA-VOL: 0.4 weeks, EUR 350".
  std::vector<std::string> preferred;    // By QualId: "holds preferred NEN 3140".
};

// Builds the texts in `language` for `tax`, the sector component matrix [candidate]
// [vacancy] and the per-qualification weeks and costs (indexed by QualId, as long as the
// taxonomy's qualification list or shorter). Never fails.
ReasonTexts BuildReasonTexts(
    const taxonomy::Taxonomy& tax,
    const double (&sector)[taxonomy::kNumSectorSlots][taxonomy::kNumSectorSlots],
    const std::vector<double>& qual_weeks, const std::vector<double>& qual_cost,
    Language language = Language::kEnglish);

// ---- Per-pair sentences (labels and names are given in the response's language) ------
// "same trade, 8 years".
std::string SameTradeReason(unsigned years, Language language);
// "related trade <matched> covers 85% of <target>, 8 years"; `similarity` in [0, 1].
std::string RelatedTradeReason(std::string_view matched, double similarity, std::string_view target,
                               unsigned years, Language language);
// "Losser, same municipality".
std::string SameMunicipalityReason(std::string_view municipality, Language language);
// "Rijnmond, same region".
std::string SameRegionReason(std::string_view region, Language language);
// "Losser -> Hellendoorn 39 km[, same region][, same SPT cluster]".
std::string TravelReason(std::string_view from, std::string_view to, double km, bool same_region,
                         bool same_cluster, Language language);
// "no municipality known for the candidate: distance from Twente's anchor Enschede"
// (`candidate` false: "... for the vacancy ...").
std::string AnchorReason(bool candidate, std::string_view region, std::string_view anchor_city,
                         Language language);
// "holds all required qualifications".
const char* AllRequiredHeldReason(Language language);
// "notice given, available 2025-03-01, 20 days after the start".
std::string LaterAvailabilityReason(int status, std::string_view available_from, int64_t days_after_start,
                                    Language language);
// "hard to fill".
const char* HardToFillReason(Language language);

// ---- Why a pair is excluded (ExplainMatchResponse.exclusion_reason) -------------------
// "candidate is placed and is not matched".
std::string CandidateStatusExclusion(int status, Language language);
const char* VacancyNotOpenExclusion(Language language);  // "vacancy is not open"
// "vacancy expired on 2024-01-01".
std::string VacancyExpiredExclusion(std::string_view expires_at, Language language);
// "no trade of the candidate covers at least 0.3 of the skills of <target>"; an empty
// `target` reads "the vacancy's trade".
std::string TradeExclusion(double min_similarity, std::string_view target, Language language);
// "distance 140 km exceeds max_travel_km 50" (one decimal when whole km would print the
// two as equal: "50.2 km exceeds max_travel_km 50").
std::string DistanceExclusion(double km, double max_km, Language language);
// "candidate is not willing to retrain and lacks a required qualification".
const char* UnwillingExclusion(Language language);
// "retraining needs 8 weeks, over the cap of 6 weeks".
std::string RetrainingExclusion(double weeks, double cap, Language language);

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_REASONS_H_
