// CommitRecordsLocked: the one write path of candidate and vacancy upserts, shared by
// streamed imports (engine_import.cc, a batch of up to import_batch_size items) and
// single upserts (engine_records.cc, a group of concurrent callers; see write_group.h).
//
// The records are committed as if upserted one after another, with one store read
// (RecordStore::MultiGet of the distinct ids, then MultiGetTombstones of those not
// stored) and one atomic RecordStore::Commit: each is checked against the
// state left by the earlier ones (a later record with the same id supersedes an earlier
// one, and its version check sees the earlier one's version), unchanged records are
// dropped, the final state of every touched id is written in one WriteSet, and only then is
// it applied to the index. A record created under the id of a deleted one continues its
// version sequence from the tombstone, which goes in the same write (tombstones.h).
// Private to engine/.
//
// Thread safety: the caller holds EngineState::writer_mu (read-check-write atomicity and
// index order).
#ifndef W2W_ENGINE_INTERNAL_RECORD_COMMIT_H_
#define W2W_ENGINE_INTERNAL_RECORD_COMMIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_ops.h"
#include "engine/internal/tombstones.h"
#include "engine/records/record_store.h"
#include "w2w/v1/outcome.pb.h"

namespace w2w::internal {

// What became of one record of CommitRecordsLocked.
enum class CommitOutcome : uint8_t {
  kChanged,    // Written with the next version; the record now holds it and updated_at.
  kUnchanged,  // Same content as the state before it: not written, version kept.
  kRejected,   // Version check failed (NOT_FOUND / ABORTED in `status`, or
               // FAILED_PRECONDITION for a version of a deleted record), or the record
               // belongs to another source (PERMISSION_DENIED); not written.
};

// The status-change event the server records for `candidate` (as stored, with its new
// version) whose status was `from` (UNSPECIFIED for a new candidate); `now` RFC 3339.
v1::OutcomeEvent StatusChangeEvent(const v1::Candidate& candidate, v1::CandidateStatus from,
                                   const std::string& now);

template <typename Record>
struct CommitResult {
  CommitOutcome outcome = CommitOutcome::kChanged;
  absl::Status status;  // kRejected only. The field path is "version" for NOT_FOUND.
};

// True when `record` has the content of `stored`, whose stored encoding is
// `stored_bytes`: `record` is serialized as it would be stored unchanged (with the
// stored version and updated_at, which it takes on) and compared byte for byte, much
// cheaper than a field-by-field comparison. Equal bytes are equal content. Our writes
// serialize canonically, so different bytes of a different size are different content;
// an equal size falls back to the field-by-field SameContent. `scratch` is a reusable
// buffer.
template <typename Record>
bool SameAsStored(Record* record, const Record& stored, std::string_view stored_bytes,
                  std::string* scratch) {
  record->set_version(stored.version());
  record->set_updated_at(stored.updated_at());
  scratch->clear();
  if (!record->AppendToString(scratch)) return SameContent(*record, stored);
  if (*scratch == stored_bytes) return true;
  return scratch->size() == stored_bytes.size() && SameContent(*record, stored);
}

// Commits `records` (canonical, validated; borrowed, and modified in place: version and
// updated_at of the changed ones) in order, as the file comment says. On OK,
// results->size() == records.size(); `on_unchanged(i, current)` is called for each
// unchanged record i with the state it matched (valid only during the call).
// `source_locked[i]` (when not empty; one per record) marks a partner's write: record i
// may replace only a state of its own `source`, else it is rejected with
// PERMISSION_DENIED "<kind>.id: ... belongs to another source".
// Errors (nothing of the records was written or indexed): DATA_LOSS for a stored value
// that does not parse; the store's errors (RESOURCE_EXHAUSTED below the disk reserve,
// INTERNAL for I/O).
template <typename Record, typename OnUnchanged>
absl::Status CommitRecordsLocked(EngineState& state, absl::Span<Record* const> records,
                                 std::vector<CommitResult<Record>>* results,
                                 OnUnchanged on_unchanged, const std::vector<bool>& source_locked = {})
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.writer_mu) {
  using Traits = RecordTraits<Record>;
  results->assign(records.size(), CommitResult<Record>());
  // Distinct ids in order of first appearance, as views of the first record's id (ids are
  // not modified here), read in one MultiGet.
  absl::flat_hash_map<std::string_view, uint32_t> slot_of;
  slot_of.reserve(records.size());
  std::vector<std::string_view> ids;
  ids.reserve(records.size());
  std::vector<uint32_t> slot_of_record(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    auto [it, inserted] = slot_of.try_emplace(records[i]->id(), static_cast<uint32_t>(ids.size()));
    if (inserted) ids.push_back(records[i]->id());
    slot_of_record[i] = it->second;
  }
  // stored[slot]: the stored record of that id, with its bytes, or nullopt. current[slot]:
  // the state of that id after the earlier records (the stored record, or the record that
  // last changed it); nullptr = not stored. Points into `stored` (not resized after the
  // read, so stable) or into `records`.
  std::vector<std::optional<records::Stored<Record>>> stored;
  RETURN_IF_ERROR(state.records->MultiGet<Record>(ids, &stored));
  std::vector<const Record*> current(ids.size(), nullptr);
  for (size_t slot = 0; slot < ids.size(); ++slot) {
    if (stored[slot].has_value()) current[slot] = &stored[slot]->record;
  }
  // The ids not stored may have been deleted: their tombstones, read in one pass.
  // tombstone_names[slot] is empty for a stored id; deleted_version[slot] is 0 without a
  // live tombstone.
  std::vector<std::string> tombstone_names(ids.size());
  std::vector<uint64_t> deleted_version(ids.size(), 0);
  {
    std::vector<uint32_t> absent;
    std::vector<std::string_view> names;
    for (uint32_t slot = 0; slot < ids.size(); ++slot) {
      if (stored[slot].has_value()) continue;
      tombstone_names[slot] = TombstoneName<Record>(state, ids[slot]);
      absent.push_back(slot);
    }
    names.reserve(absent.size());
    for (uint32_t slot : absent) names.push_back(tombstone_names[slot]);
    std::vector<std::optional<storage::Tombstone>> tombstones;
    RETURN_IF_ERROR(state.records->MultiGetTombstones<Record>(names, &tombstones));
    for (size_t i = 0; i < absent.size(); ++i) {
      if (tombstones[i].has_value()) deleted_version[absent[i]] = tombstones[i]->version;
    }
  }

  std::vector<uint32_t> dirty;  // Slots to write, in order of their first change.
  std::vector<bool> is_dirty(ids.size(), false);
  const std::string now = NowRfc3339();
  std::string scratch;  // Reused serialization buffer for SameAsStored.
  for (size_t i = 0; i < records.size(); ++i) {
    Record& record = *records[i];
    CommitResult<Record>& result = (*results)[i];
    const uint32_t slot = slot_of_record[i];
    const Record* before = current[slot];
    const uint64_t given = record.version();
    if (before != nullptr && !source_locked.empty() && source_locked[i] && before->source() != record.source()) {
      result.outcome = CommitOutcome::kRejected;
      result.status = absl::PermissionDeniedError(absl::StrCat(
          std::string(Traits::kName), ".id: ", QuoteValue(record.id()), " belongs to another source than ",
          QuoteValue(record.source()), "; a partner writes only records of its own source"));
      continue;
    }
    if (given != 0 && before == nullptr) {
      result.outcome = CommitOutcome::kRejected;
      result.status = deleted_version[slot] != 0
                          ? DeletedAt(std::string(Traits::kName) + ".version", Traits::kName,
                                      record.id(), given, deleted_version[slot])
                          : NotFound(Traits::kName, record.id());
      continue;
    }
    if (given != 0 && before->version() != given) {
      result.outcome = CommitOutcome::kRejected;
      result.status = Stale(std::string(Traits::kName) + ".version", given, before->version());
      continue;
    }
    // Seats taken by placements are the outcome ledger's, never the writer's.
    if constexpr (std::is_same_v<Record, v1::Vacancy>) {
      record.set_filled_positions(before != nullptr ? before->filled_positions() : 0);
    }
    const bool same =
        before != nullptr &&
        (stored[slot].has_value() && before == &stored[slot]->record
             ? SameAsStored(&record, *before, stored[slot]->bytes, &scratch)
             : SameContent(record, *before));
    if (same) {
      result.outcome = CommitOutcome::kUnchanged;
      on_unchanged(i, *before);
      continue;
    }
    // A new record continues the sequence of a deleted one (0 + 1 = 1 for a new id).
    record.set_version(before != nullptr ? before->version() + 1 : deleted_version[slot] + 1);
    record.set_updated_at(now);
    current[slot] = &record;
    if (!is_dirty[slot]) {
      is_dirty[slot] = true;
      dirty.push_back(slot);
    }
  }

  records::WriteSet writes;
  for (uint32_t slot : dirty) {
    writes.Put(*current[slot]);
    // Created again: its tombstone has served.
    if (deleted_version[slot] != 0) writes.DeleteTombstone<Record>(tombstone_names[slot]);
  }
  // A candidate whose status changed (or that is new) gets its status-change event in the
  // same atomic write (docs/outcomes.md): one per candidate and commit, the net change.
  std::vector<v1::OutcomeEvent> status_events;
  if constexpr (std::is_same_v<Record, v1::Candidate>) {
    for (uint32_t slot : dirty) {
      const v1::CandidateStatus from =
          stored[slot].has_value() ? stored[slot]->record.status() : v1::CANDIDATE_STATUS_UNSPECIFIED;
      if (from == current[slot]->status()) continue;
      status_events.push_back(StatusChangeEvent(*current[slot], from, now));
      state.outcomes->Stage(&status_events.back(), writes.mutable_batch());
    }
  }
  if (absl::Status s = state.records->Commit(writes); !s.ok()) {
    state.outcomes->Abandon();
    return s;
  }
  for (uint32_t slot : dirty) Traits::Index(*state.matcher, *current[slot]);
  if (!status_events.empty()) {
    std::vector<const v1::OutcomeEvent*> published;
    published.reserve(status_events.size());
    for (const v1::OutcomeEvent& event : status_events) published.push_back(&event);
    state.outcomes->Publish(published, *state.taxonomy());
  }
  return absl::OkStatus();
}

}  // namespace w2w::internal

#endif  // W2W_ENGINE_INTERNAL_RECORD_COMMIT_H_
