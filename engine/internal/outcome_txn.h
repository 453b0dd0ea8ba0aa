// OutcomeTxn: one atomic write of outcome events and the record changes they cause
// (engine_outcomes.cc). A single RecordPlacement is a transaction of one event; an
// ImportEvents batch one of up to import_batch_size. Events are checked in order against
// the stored state plus what the earlier events of the same transaction staged (a
// placement and its follow-up may come in one batch; a second placement of the person is
// refused). A refused event stages nothing. Commit writes everything in one atomic store
// write, then indexes the changed candidates and vacancies and publishes the rows.
//
// The stateful rules (proto/w2w/v1/outcome.proto): NOT_FOUND for unknown or out-of-scope
// candidates, vacancies, runs, tracks and events; FAILED_PRECONDITION for a placed
// candidate, a vacancy without a seat, a second end of a track, a second follow-up, an
// event cancelled already, a placement with follow-ups still counting; INVALID_ARGUMENT
// for dates in the wrong order and an end that contradicts its track's start;
// ALREADY_EXISTS for an event id recorded with other content.
//
// Thread safety: the caller holds EngineState::writer_mu from construction to Commit.
#ifndef W2W_ENGINE_INTERNAL_OUTCOME_TXN_H_
#define W2W_ENGINE_INTERNAL_OUTCOME_TXN_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/access/caller.h"
#include "engine/access/scope.h"
#include "engine/internal/engine_state.h"
#include "engine/outcomes/ledger.h"
#include "engine/records/record_store.h"
#include "w2w/v1/outcome.pb.h"

namespace w2w::internal {

class OutcomeTxn {
 public:
  OutcomeTxn(EngineState& state, const access::Caller& caller);

  struct Added {
    const v1::OutcomeEvent* event = nullptr;  // As stored (valid until the txn ends).
    bool created = false;                     // False for an idempotent repeat.
  };
  // Checks `event` (shape-checked: outcomes::CheckEventShape) and stages it. On an error
  // nothing of it is staged.
  absl::StatusOr<Added> Add(v1::OutcomeEvent event);
  // Reads what `events` will look up (their candidates, vacancies and event ids) in a few
  // batched reads before they are added one by one. Only a speed-up: Add reads whatever
  // was not prefetched. Call before the first Add.
  absl::Status Prefetch(absl::Span<const v1::OutcomeEvent* const> events);
  // Writes what was staged (nothing when nothing was). Errors as RecordStore::Commit; then
  // nothing was written.
  absl::Status Commit();

  // The state of a record after the staged changes (nullptr when unknown / not read).
  const v1::Candidate* candidate(std::string_view id) const;
  const v1::Vacancy* vacancy(std::string_view id) const;
  size_t staged() const { return staged_.size(); }

 private:
  template <typename Record>
  struct Slot {
    std::optional<Record> record;
    bool dirty = false;
  };

  absl::Status AddStatusChange(v1::OutcomeEvent* event);
  absl::Status AddPlacement(v1::OutcomeEvent* event);
  absl::Status AddTrack(v1::OutcomeEvent* event);
  absl::Status AddFollowUp(v1::OutcomeEvent* event);
  absl::Status AddCancellation(v1::OutcomeEvent* event);

  // Reads through the overlay.
  absl::StatusOr<Slot<v1::Candidate>*> CandidateSlot(const std::string& id);
  absl::StatusOr<Slot<v1::Vacancy>*> VacancySlot(const std::string& id);
  absl::StatusOr<std::optional<v1::OutcomeEvent>> EventById(const std::string& event_id) const;
  absl::StatusOr<std::optional<v1::OutcomeEvent>> EventAt(uint64_t seq) const;
  absl::StatusOr<std::optional<outcomes::TrackRef>> Track(const std::string& track_id) const;
  absl::StatusOr<std::optional<uint64_t>> FollowUp(const std::string& placement_event_id, uint32_t months) const;
  absl::StatusOr<bool> Cancelled(const std::string& event_id) const;

  // The stored candidate `id` the caller may record outcomes of; NOT_FOUND at `path`.
  absl::StatusOr<Slot<v1::Candidate>*> RecordableCandidate(const std::string& id, std::string_view path);
  // Whether the caller may record about the person of stored `event` (its dimensions).
  bool MayRecordAbout(const v1::OutcomeEvent& event) const;
  // Sets the outputs every event has: candidate, date, recorded_at/by, dimensions.
  void SetOutputs(v1::OutcomeEvent* event, std::string_view candidate_id, std::string_view date) const;
  void CopyDimensions(const v1::Candidate& candidate, v1::OutcomeEvent* event) const;
  void CopyDimensions(const v1::OutcomeEvent& from, v1::OutcomeEvent* event) const;
  // Stages `event` (seq given) and remembers it.
  const v1::OutcomeEvent* StageEvent(v1::OutcomeEvent event);

  EngineState& state_;
  const access::Caller& caller_;
  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  std::shared_ptr<const access::Scope> scope_;
  double default_travel_km_;
  std::string today_;
  std::string now_;

  records::WriteSet writes_;
  absl::flat_hash_map<std::string, Slot<v1::Candidate>> candidates_;
  absl::flat_hash_map<std::string, Slot<v1::Vacancy>> vacancies_;
  std::deque<v1::OutcomeEvent> staged_;  // In seq order; stable addresses.
  uint64_t first_seq_ = 0;               // Seq of staged_[0].
  absl::flat_hash_map<std::string, const v1::OutcomeEvent*> staged_ids_;
  // Prefetched event ids: their stored seq, nullopt when none was stored.
  absl::flat_hash_map<std::string, std::optional<uint64_t>> stored_ids_;
  absl::flat_hash_map<std::string, std::optional<outcomes::TrackRef>> tracks_;
  absl::flat_hash_map<std::string, std::optional<uint64_t>> follow_ups_;  // key: id + '\0' + months
  absl::flat_hash_map<std::string, uint64_t> cancellations_;
  std::deque<v1::OutcomeEvent> repeats_;  // Stored events an idempotent repeat answers with.
};

}  // namespace w2w::internal

#endif  // W2W_ENGINE_INTERNAL_OUTCOME_TXN_H_
