// Who a rematch run is about: validates a StartRematchRequest and resolves its selection
// to candidate records (docs/rematch.md, "Selection").
//   employer_id:   Matcher::CandidatesOfEmployer (sorted ids); NOT_FOUND when none.
//   candidate_ids: 1..kMaxSelected ids in the given order, duplicates dropped. Unknown ids
//                  stay in the run and are reported as not placeable, reason
//                  "unknown candidate" (one typo must not sink a list of 2,000).
//   filter:        a scan of the stored candidates; every given list must match
//                  (regions by name or number, sectors, statuses). Sorted by id.
// PLACED and UNAVAILABLE candidates are skipped (counted, no result). More than
// kMaxSelected selected candidates is RESOURCE_EXHAUSTED.
// Thread safety: pure functions over thread-safe inputs.
#ifndef W2W_ENGINE_REMATCH_SELECTION_H_
#define W2W_ENGINE_REMATCH_SELECTION_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/match/matcher.h"
#include "engine/records/record_store.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/rematch.pb.h"

namespace w2w::rematch {

inline constexpr size_t kMaxSelected = 20'000;
inline constexpr uint32_t kDefaultK = 5;
inline constexpr uint32_t kMaxK = 50;
inline constexpr size_t kMaxLabelBytes = 256;

struct SelectedPerson {
  std::string id;
  std::optional<v1::Candidate> candidate;  // nullopt: unknown id.
};

struct Selection {
  std::vector<SelectedPerson> people;  // To rematch, in result order.
  uint64_t selected = 0;               // people.size() + skipped.
  uint64_t skipped = 0;                // PLACED or UNAVAILABLE.
};

// INVALID_ARGUMENT naming the field ("options.k", "selection.filter.regions[0]", ...) for
// a bad request; `taxonomy` resolves region names.
absl::Status ValidateRequest(const v1::StartRematchRequest& request,
                             const taxonomy::Taxonomy& taxonomy);

// Resolves the (validated) selection. Errors: NOT_FOUND for an employer without
// candidates, RESOURCE_EXHAUSTED above kMaxSelected, storage errors as the store reports.
// `records` is where the selected candidates are read. With `sees` set, a candidate it
// refuses is treated as absent (left out of an employer's or a filter's selection, an
// unknown id in a list of ids); an employer none of whose candidates it sees is NOT_FOUND
// as one without candidates.
absl::StatusOr<Selection> Select(const v1::RematchSelection& selection,
                                 const records::RecordStore& records,
                                 const match::Matcher& matcher,
                                 const taxonomy::Taxonomy& taxonomy,
                                 const std::function<bool(const v1::Candidate&)>& sees = {});

}  // namespace w2w::rematch

#endif  // W2W_ENGINE_REMATCH_SELECTION_H_
