// The summary of a rematch run, computed only from the per-person results (plus each
// person's home sector and region), so that anyone holding the results can recompute it.
// Definitions (docs/rematch.md, "The summary"):
//   placeable_now / placeable_after_retraining / not_placeable: counts of the results'
//     `placement`; they add up to selected - skipped.
//   by_destination: people with an `assigned` vacancy, by that vacancy's region and sector,
//     most people first (ties by region, then sector).
//   sector_moves: people whose `assigned` vacancy's sector differs from their own sector.
//   retraining_demand: per qualification Q that is a required missing step of some
//     person's `assigned` match: people = those persons; vacancies = the distinct vacancies
//     among those persons' `assigned` and `alternatives` whose missing steps include Q;
//     regions = those persons' home regions, most first. Ranked (rank 1 first) by people,
//     then vacancies (both descending), then qualification code.
//   total_score: sum of the `assigned` scores.
// Thread safety: pure functions.
#ifndef W2W_ENGINE_REMATCH_SUMMARY_H_
#define W2W_ENGINE_REMATCH_SUMMARY_H_

#include <string>
#include <vector>

#include "w2w/v1/common.pb.h"
#include "w2w/v1/rematch.pb.h"

namespace w2w::rematch {

// One rematched person as the summary sees it. `result` is borrowed.
struct SummaryPerson {
  const v1::PersonResult* result = nullptr;
  v1::Sector home_sector = v1::SECTOR_UNSPECIFIED;  // UNSPECIFIED for unknown candidates.
  std::string home_region;                          // Empty for unknown candidates.
};

// True when `match` needs retraining first: one of its missing steps is required.
bool NeedsRetraining(const v1::VacancyMatch& match);

// Fills the counts, destinations, sector moves, retraining demand and total score of
// `summary` from `people`; leaves selected, skipped, pairs_scored and elapsed as they are.
void FillSummary(const std::vector<SummaryPerson>& people, v1::RematchSummary* summary);

}  // namespace w2w::rematch

#endif  // W2W_ENGINE_REMATCH_SUMMARY_H_
