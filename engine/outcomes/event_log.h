// EventLog: every outcome event in memory, as compact immutable rows in recording order,
// for the reports (report.h) to scan. The store (event_store.h) is the durable truth; the
// log is rebuilt from it at open and appended to after each commit.
//
// A row never changes once published. A cancellation is a row of its own that names the
// row it cancels (`link`), so a reader working on the first n rows decides what is
// cancelled from those rows alone. An erasure changes only the person's id in the person
// dictionary, never a row: the counts stay.
//
// Thread safety: one writer at a time (the engine's writer lock) calls Append / Intern*;
// any number of readers call size(), row(i) and the lookups concurrently. A reader that
// took n = size() sees rows [0, n) complete (release/acquire on the size).
#ifndef W2W_ENGINE_OUTCOMES_EVENT_LOG_H_
#define W2W_ENGINE_OUTCOMES_EVENT_LOG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace w2w::outcomes {

// What a row records. A track is two rows at most: its start and its end.
enum class Kind : uint8_t {
  kStatusChange = 1,  // status = the new w2w.v1.CandidateStatus.
  kPlacement = 2,     // status = the status before; job_* set; flags kRetrained, kHardToFill.
  kTrackStart = 3,    // cost_eur. A track given with its end at once is two rows.
  kTrackEnd = 4,      // status = w2w.v1.TrackResult; link = the start's row.
  kFollowUp = 5,      // status = months (6 or 12); link = the placement's row; flag kInWork.
  kCancellation = 6,  // link = the cancelled row.
};

// Row flags.
inline constexpr uint8_t kRetrained = 1;   // Placement with retrained qualifications.
inline constexpr uint8_t kHardToFill = 2;  // Placement into a hard-to-fill job.
inline constexpr uint8_t kInWork = 4;      // Follow-up: still in work.
inline constexpr uint8_t kViaRun = 8;      // Placement naming a rematch run (link = run slot).
inline constexpr uint8_t kCreation = 16;   // Status change the server recorded at the candidate's creation.

inline constexpr uint32_t kNoLink = 0xffffffffu;
// A source number no row has (a partner scope whose source has no events yet).
inline constexpr uint16_t kNoSuchSource = 0xfffe;

// One event (32 bytes). Dimensions are the candidate's when the event was recorded
// (region number 1..35, 0 = unknown; v1::Sector; source number, 0 = none).
struct EventRow {
  uint32_t person = 0;     // Person slot (EventLog::PersonId).
  int32_t day = 0;         // The event's date, days since 1970-01-01.
  Kind kind = Kind::kStatusChange;
  uint8_t status = 0;      // See Kind.
  uint8_t region = 0;
  uint8_t sector = 0;
  uint8_t job_region = 0;  // Placement: region of the job.
  uint8_t job_sector = 0;  // Placement: sector of the job.
  uint8_t flags = 0;
  uint8_t reserved = 0;
  uint16_t source = 0;
  uint16_t reserved2 = 0;
  uint32_t cost_eur = 0;   // Track start: its cost.
  uint32_t link = kNoLink; // See Kind; for a placement with kViaRun, the run slot.
  uint32_t reserved3 = 0;
};
static_assert(sizeof(EventRow) == 32);

class EventLog {
 public:
  EventLog();
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // ---- Writer ------------------------------------------------------------------------
  // Appends `row` as row size() (its seq is size()+1) and publishes it.
  uint32_t Append(const EventRow& row);
  // The slot of a person / source / rematch run, assigned when new.
  uint32_t InternPerson(std::string_view candidate_id) ABSL_LOCKS_EXCLUDED(mu_);
  uint16_t InternSource(std::string_view source) ABSL_LOCKS_EXCLUDED(mu_);
  uint32_t InternRun(std::string_view run_id) ABSL_LOCKS_EXCLUDED(mu_);
  // Erasure: the person's slot now answers to `erased_id` (and no longer to the old id).
  void RenamePerson(std::string_view candidate_id, std::string_view erased_id) ABSL_LOCKS_EXCLUDED(mu_);

  // ---- Readers -----------------------------------------------------------------------
  uint32_t size() const { return size_.load(std::memory_order_acquire); }
  // Row i < size().
  const EventRow& row(uint32_t i) const {
    return chunks_[i >> kChunkBits].load(std::memory_order_acquire)[i & (kChunkSize - 1)];
  }
  std::optional<uint32_t> FindPerson(std::string_view candidate_id) const ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<uint16_t> FindSource(std::string_view source) const ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<uint32_t> FindRun(std::string_view run_id) const ABSL_LOCKS_EXCLUDED(mu_);
  // Name of source number `source` ("" for 0 or unknown).
  std::string SourceName(uint16_t source) const ABSL_LOCKS_EXCLUDED(mu_);
  uint32_t num_persons() const ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t MemoryBytes() const;

 private:
  static constexpr int kChunkBits = 16;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kMaxChunks = 1u << 14;  // 2^30 rows.

  std::unique_ptr<std::atomic<EventRow*>[]> chunks_;
  uint32_t num_chunks_ = 0;  // Writer.
  std::atomic<uint32_t> size_{0};

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint32_t> persons_ ABSL_GUARDED_BY(mu_);
  uint32_t next_person_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, uint16_t> sources_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> source_names_ ABSL_GUARDED_BY(mu_);  // [0] = "".
  absl::flat_hash_map<std::string, uint32_t> runs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace w2w::outcomes

#endif  // W2W_ENGINE_OUTCOMES_EVENT_LOG_H_
