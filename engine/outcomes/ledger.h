// Ledger: the outcome events as durable records (the store's `outcomes` family, keys in
// storage/keys.h "Outcomes") and as the in-memory EventLog the reports scan.
//
// The ledger knows how events are stored and looked up, and how a stored event becomes
// log rows; it does not decide whether an event is valid (that is checks.h) nor touch
// candidates and vacancies (the facade does, in the same atomic write). Writers stage
// events into a storage::Batch (assigning the next seqs), commit the batch themselves,
// then Publish() the staged events to the log, or Abandon() them when the commit failed.
//
// Rows: one per event, except a track recorded with its end at once (a start row and an
// end row). A row's `link` is the row of the event it refers to (refers_to_seq).
//
// Thread safety: readers (Find*, Scan*, log()) are safe concurrently with one writer;
// writers (Stage*, Publish, Abandon, the Erase rewrite) are serialized by the caller
// (the engine's writer lock), which also makes "look up, then stage" atomic.
#ifndef W2W_ENGINE_OUTCOMES_LEDGER_H_
#define W2W_ENGINE_OUTCOMES_LEDGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/outcomes/event_log.h"
#include "engine/storage/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/outcome.pb.h"

namespace w2w::outcomes {

// Event ids the server makes for the status changes it records start with this.
inline constexpr std::string_view kStatusEventPrefix = "status:";

// A track's lookup: the seqs of its start and (when ended) its end.
struct TrackRef {
  uint64_t start_seq = 0;
  uint64_t end_seq = 0;  // 0 = running.
};

class Ledger {
 public:
  // Opens over `store` (borrowed) and rebuilds the log from the stored events, resolving
  // regions with `tax`. DATA_LOSS for an unreadable event.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(storage::Store* store,
                                                      const taxonomy::Taxonomy& tax);

  const EventLog& log() const { return log_; }
  uint64_t num_events() const { return next_seq_ - 1; }
  double rebuild_seconds() const { return rebuild_seconds_; }

  // ---- Look-ups ----------------------------------------------------------------------
  absl::StatusOr<std::optional<uint64_t>> SeqOfId(std::string_view event_id) const;
  // SeqOfId of many ids in one pass (RocksDB MultiGet); out->size() == ids.size().
  absl::Status SeqsOfIds(absl::Span<const std::string_view> event_ids,
                         std::vector<std::optional<uint64_t>>* out) const;
  absl::StatusOr<std::optional<v1::OutcomeEvent>> EventAt(uint64_t seq) const;
  absl::StatusOr<std::optional<v1::OutcomeEvent>> FindEvent(std::string_view event_id) const;
  absl::StatusOr<std::optional<TrackRef>> FindTrack(std::string_view track_id) const;
  absl::StatusOr<std::optional<uint64_t>> FollowUpSeq(std::string_view placement_event_id,
                                                      uint32_t months) const;
  // The seq of the cancellation of `event_id`, when it was cancelled.
  absl::StatusOr<std::optional<uint64_t>> CancellationSeq(std::string_view event_id) const;
  // Seqs of the events of one person in recording order (by the id in the events).
  absl::StatusOr<std::vector<uint64_t>> SeqsOfPerson(std::string_view candidate_id) const;
  // Calls visit(event) for the stored events with seq >= `from_seq`, in order, until it
  // returns false or `limit` were visited (0 = no limit). Returns how many were visited.
  absl::StatusOr<uint64_t> Scan(uint64_t from_seq, uint64_t limit,
                                const std::function<bool(v1::OutcomeEvent&)>& visit) const;

  // ---- Writes (caller serializes) ------------------------------------------------------
  // Gives `event` the next seq (after those staged and not yet published) and adds its
  // writes to `batch`: the event, its id (not for the server's status changes), the
  // person key. Lookups that change are separate calls below.
  void Stage(v1::OutcomeEvent* event, storage::Batch* batch);
  void StageTrack(std::string_view track_id, const TrackRef& ref, storage::Batch* batch);
  void StageUnTrack(std::string_view track_id, storage::Batch* batch);
  void StageFollowUp(std::string_view placement_event_id, uint32_t months, uint64_t seq,
                     storage::Batch* batch);
  void StageUnFollowUp(std::string_view placement_event_id, uint32_t months, storage::Batch* batch);
  void StageCancellation(std::string_view cancelled_event_id, uint64_t seq, storage::Batch* batch);
  // After the batch was committed: appends the staged events' rows to the log, in order.
  void Publish(const std::vector<const v1::OutcomeEvent*>& staged, const taxonomy::Taxonomy& tax);
  // After the batch failed: forgets the staged seqs.
  void Abandon() { pending_seq_ = next_seq_; }

  // For an erasure: adds to `batch` the rewrite of every event of `candidate_id` with the
  // id replaced by `replacement` (and the person keys moved). Returns how many events.
  // Call ErasedPublished after the commit.
  absl::StatusOr<uint64_t> StageErase(std::string_view candidate_id, std::string_view replacement,
                                      storage::Batch* batch) const;
  void ErasedPublished(std::string_view candidate_id, std::string_view replacement) {
    log_.RenamePerson(candidate_id, replacement);
  }

 private:
  explicit Ledger(storage::Store* store) : store_(store) {}
  // Appends the rows of stored `event` to the log and records its first row.
  void AppendRows(const v1::OutcomeEvent& event, const taxonomy::Taxonomy& tax);

  storage::Store* const store_;
  EventLog log_;
  uint64_t next_seq_ = 1;     // Writer: the seq after the last published event.
  uint64_t pending_seq_ = 1;  // Writer: the seq after the last staged event.
  std::vector<uint32_t> row_of_seq_;  // Writer: first row of seq s at [s - 1].
  double rebuild_seconds_ = 0;
};

// The candidate an event is about (the body's candidate_id, or the output for those whose
// body does not name one).
std::string_view CandidateOf(const v1::OutcomeEvent& event);
// The kind's name as ListEventsRequest.kind spells it: "placement", ...
std::string_view KindName(const v1::OutcomeEvent& event);

}  // namespace w2w::outcomes

#endif  // W2W_ENGINE_OUTCOMES_LEDGER_H_
