// Shape checks of incoming outcome events: everything that can be judged without the
// stored state (ids, dates, enums, codes), canonicalising in place (qualification codes
// to the catalogue's spelling, trades to ESCO UUIDs, regions to their names) and clearing
// the output fields. Errors are INVALID_ARGUMENT with the field path, e.g.
// "placement.start_date: ...". The stateful rules (unknown ids, a placed candidate, a
// second end of a track) are the facade's (engine/internal/outcome_txn.h).
// Thread safety: pure functions.
#ifndef W2W_ENGINE_OUTCOMES_CHECKS_H_
#define W2W_ENGINE_OUTCOMES_CHECKS_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/outcome.pb.h"

namespace w2w::outcomes {

inline constexpr uint32_t kMaxTrackCostEur = 1'000'000;
inline constexpr int kMaxRetrainedQualifications = 32;
inline constexpr size_t kMaxProviderBytes = 256;
inline constexpr size_t kMaxReasonBytes = 256;

// A client-chosen event id: the id rules, and not the server's "status:" prefix.
absl::Status CheckEventId(std::string_view event_id, std::string_view path = "event_id");

// Checks and canonicalises the body of `event` (exactly one body; history status changes
// only when `allow_status_change`), keeps only event_id and the body.
absl::Status CheckEventShape(const taxonomy::Taxonomy& tax, v1::OutcomeEvent* event,
                             bool allow_status_change);

// Day number of a required date field, or INVALID_ARGUMENT "<path>: ...".
absl::StatusOr<int32_t> RequiredDate(std::string_view text, std::string_view path);

// True when the bodies of `a` and `b` (as canonicalised) are the same event: outputs are
// not compared.
bool SameEvent(const v1::OutcomeEvent& a, const v1::OutcomeEvent& b);

}  // namespace w2w::outcomes

#endif  // W2W_ENGINE_OUTCOMES_CHECKS_H_
