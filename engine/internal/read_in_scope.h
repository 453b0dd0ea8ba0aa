// ReadInScope: a stored record read on behalf of a caller, the one rule for it: the caller
// may read records (access::Action::kReadRecords), the id is valid, and the record exists
// and is in the caller's scope — an out-of-scope record answers NOT_FOUND exactly as an
// absent one. Used by Get*, and by the queries on a stored record (MatchCandidate,
// ExplainMatch), which record their own access. Private to engine/.
//
// Thread safety: as the EngineState it reads.
#ifndef W2W_ENGINE_INTERNAL_READ_IN_SCOPE_H_
#define W2W_ENGINE_INTERNAL_READ_IN_SCOPE_H_

#include <optional>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "engine/access/caller.h"
#include "engine/access/permissions.h"
#include "engine/common/status_macros.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_ops.h"
#include "engine/validate/validate.h"

namespace w2w::internal {

template <typename Record>
absl::StatusOr<Record> ReadInScope(const EngineState& state, const access::Caller& caller, std::string_view id,
                                   std::string_view what) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kReadRecords, what));
  RETURN_IF_ERROR(validate::ValidateId(id, "id"));
  ASSIGN_OR_RETURN(std::optional<Record> stored, state.records->Get<Record>(id));
  if (!stored.has_value() || !Sees(*state.ScopeOf(caller), *stored, state.DefaultTravelKm())) {
    return NotFound(RecordTraits<Record>::kName, id);
  }
  return *std::move(stored);
}

}  // namespace w2w::internal

#endif  // W2W_ENGINE_INTERNAL_READ_IN_SCOPE_H_
