// Tombstones of deleted candidates and vacancies, as the facade's writers use them
// (docs/storage.md, "Tombstones"): the name a record's tombstone is kept under, and the
// answer to a write that names a record which is not stored. Private to engine/.
//
// A delete (and an erasure) keeps the record's last version in a tombstone, in the same
// atomic write; a record created again under that id starts at that version + 1, and
// its tombstone goes in the creating write. A write that expects a version (N > 0) of a
// record that was deleted is refused with FAILED_PRECONDITION "deleted at version M":
// it was made against a record that is gone, and retrying cannot help; only a write
// with version 0 creates the record again.
//
// Thread safety: the helpers read the store and the audit's key; callers that act on
// the answer hold EngineState::writer_mu.
#ifndef W2W_ENGINE_INTERNAL_TOMBSTONES_H_
#define W2W_ENGINE_INTERNAL_TOMBSTONES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_ops.h"
#include "engine/storage/tombstone.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::internal {

// The name the tombstone of record `id` is kept under: a vacancy's id; a candidate's
// keyed pseudonym (the audit's, so that an erased person's id is kept nowhere).
template <typename Record>
std::string TombstoneName(const EngineState& state, std::string_view id) {
  if constexpr (std::is_same_v<Record, v1::Candidate>) {
    return state.audit->Pseudonym(id);
  } else {
    return std::string(id);
  }
}

// The tombstone of a record deleted now at `version`.
inline storage::Tombstone TombstoneNow(uint64_t version) {
  return storage::Tombstone{version, absl::ToUnixMicros(absl::Now())};
}

// FAILED_PRECONDITION "<field>: expected version N, but <kind> 'id' was deleted at
// version M; write with version 0 to create it again".
inline absl::Status DeletedAt(std::string_view field, std::string_view kind, std::string_view id,
                              uint64_t expected, uint64_t deleted_version) {
  return absl::FailedPreconditionError(absl::StrCat(
      std::string(field), ": expected version ", expected, ", but ", std::string(kind), " ",
      QuoteValue(id), " was deleted at version ", deleted_version,
      "; write with version 0 to create it again"));
}

// The live tombstone of record `id`, or nullopt.
template <typename Record>
absl::StatusOr<std::optional<storage::Tombstone>> GetTombstone(const EngineState& state,
                                                               std::string_view id) {
  const std::string name = TombstoneName<Record>(state, id);
  std::vector<std::optional<storage::Tombstone>> found;
  const std::string_view names[] = {name};
  RETURN_IF_ERROR(state.records->MultiGetTombstones<Record>(names, &found));
  return found[0];
}

// The error of a write of record `id` that is not stored, made with `expected_version`
// (0 = none) in the request field `field`: FAILED_PRECONDITION (DeletedAt) when a version
// is expected and the record was deleted, else NOT_FOUND as for an unknown id.
template <typename Record>
absl::Status MissingRecord(const EngineState& state, std::string_view id, uint64_t expected_version,
                           std::string_view field) {
  const std::string_view kind = RecordTraits<Record>::kName;
  if (expected_version == 0) return NotFound(kind, id);
  ASSIGN_OR_RETURN(std::optional<storage::Tombstone> tombstone, GetTombstone<Record>(state, id));
  if (!tombstone.has_value()) return NotFound(kind, id);
  return DeletedAt(field, kind, id, expected_version, tombstone->version);
}

}  // namespace w2w::internal

#endif  // W2W_ENGINE_INTERNAL_TOMBSTONES_H_
