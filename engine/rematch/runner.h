// The execution of one rematch run (docs/rematch.md): score every selected person on the
// shared WorkerPool, assign (independent: each person's best; group: the exact assignment
// of engine/rematch/assignment.h), stream the per-person results, summarise, and keep the
// run's record in the store up to date (RUNNING at start, FINISHED / CANCELLED / FAILED at
// the end). A rematch only reads: it places nobody and changes no candidate or vacancy.
//
// Thread safety: ExecuteRun runs on the caller's thread (which also calls the sink, in
// order) and fans the scoring out to the pool. ActiveRun is shared with Cancel/Get callers.
#ifndef W2W_ENGINE_REMATCH_RUNNER_H_
#define W2W_ENGINE_REMATCH_RUNNER_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/match/matcher.h"
#include "engine/records/record_store.h"
#include "engine/rematch/pool.h"
#include "engine/rematch/selection.h"
#include "engine/storage/store.h"
#include "w2w/v1/rematch.pb.h"

namespace w2w::rematch {

// Same signature as w2w::RematchSink (engine/engine.h).
using EventSink = std::function<bool(const v1::RematchEvent& event)>;

// Progress events are sent at least this often (the contract says every 0.5 s).
inline constexpr absl::Duration kProgressInterval = absl::Milliseconds(400);
// Group mode: first list length per person, and the matcher's largest k.
inline constexpr uint32_t kGroupInitialList = 32;
inline constexpr uint32_t kMaxList = 1000;

// The live state of a run, shared between its thread and Cancel/Get/List callers.
struct ActiveRun {
  std::atomic<bool> cancel{false};
  // Set (before `cancel`) when the run is stopped because the server shuts down: the run
  // is then stored INCOMPLETE and returns UNAVAILABLE, not CANCELLED.
  std::atomic<bool> shutdown{false};
  absl::Mutex mu;
  v1::RematchProgress progress ABSL_GUARDED_BY(mu);
};

// Borrowed collaborators; all must outlive the call.
struct RunEnv {
  storage::Store* store = nullptr;  // The run's own records (run_store.h).
  const records::RecordStore* records = nullptr;  // Vacancies of the lists.
  const match::Matcher* matcher = nullptr;
  WorkerPool* pool = nullptr;
  // What the run's matching may find (the starter's scope); nullptr = everything.
  const match::Restriction* vacancies = nullptr;
};

// Runs `run` (id, selection, options, policy_version and created_at set; state RUNNING,
// already stored) over `selection`. Sends `started`, progress, one result per person and
// the summary to `sink`. Returns OK when FINISHED; CANCELLED when `active.cancel` was set
// or the sink returned false (state CANCELLED stored); UNAVAILABLE when `active.shutdown`
// was set (state INCOMPLETE stored; the message says how far the run got and that it must
// be started again); any other error leaves the run FAILED (stored when the store still
// accepts writes).
absl::Status ExecuteRun(const RunEnv& env, v1::RematchRun run, Selection selection,
                        ActiveRun& active, const EventSink& sink);

}  // namespace w2w::rematch

#endif  // W2W_ENGINE_REMATCH_RUNNER_H_
