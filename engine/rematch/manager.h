// RematchManager: everything the Engine facade needs for RematchService — starts runs on
// the shared WorkerPool, tracks the live ones for CancelRematch / GetRematch, and reads
// finished ones back from the store (docs/rematch.md).
//
// Thread safety: all methods are safe to call concurrently. Start() blocks its caller for
// the whole run (that thread also calls the sink); any number of runs may go at once and
// share the pool's workers round-robin.
#ifndef W2W_ENGINE_REMATCH_MANAGER_H_
#define W2W_ENGINE_REMATCH_MANAGER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/match/matcher.h"
#include "engine/records/record_store.h"
#include "engine/rematch/pool.h"
#include "engine/rematch/runner.h"
#include "engine/storage/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/rematch.pb.h"

namespace w2w::rematch {

// How long CancelRematch waits for the run to stop before answering.
inline constexpr absl::Duration kCancelWait = absl::Seconds(10);
inline constexpr uint32_t kDefaultPageSize = 20;
inline constexpr uint32_t kMaxPageSize = 100;

// Who starts or reads runs, as the facade resolved it from the caller's scope.
struct RunAccess {
  // The candidates the caller may rematch; empty = every one. Others in a selection are
  // left out as if they did not exist.
  std::function<bool(const v1::Candidate&)> sees_candidate;
  // What the runs' matching may find (the caller's vacancies).
  match::Restriction vacancies;
  // The caller's token (id, name): recorded on the runs it starts.
  std::string token_id, token_name;
  // False: Get, Cancel and List see only the runs started with `token_id` (others answer
  // NOT_FOUND, as unknown runs do).
  bool all_runs = true;
};

class RematchManager {
 public:
  using TaxonomySource = std::function<std::shared_ptr<const taxonomy::Taxonomy>()>;

  // Marks the runs a previous process left RUNNING as INCOMPLETE (so call it once, when
  // the engine opens, before any run can start) and starts the pool of `threads` workers.
  // `store` (the runs' records), `records` (the candidates and vacancies, over the same
  // store) and `matcher` are borrowed and must outlive the manager; `taxonomy` returns
  // the current taxonomy. `release_memory`: after a run ends and none is running, give
  // the freed heap back to the system (engine/common/memory.h). Errors: those of the store.
  static absl::StatusOr<std::unique_ptr<RematchManager>> Create(
      storage::Store* store, const records::RecordStore* records, const match::Matcher* matcher,
      TaxonomySource taxonomy, int threads, bool release_memory = true);
  // Stops the live runs as StopAllForShutdown does and waits for them to return.
  ~RematchManager();

  // Engine::StartRematch. Errors before the run exists (no record is written):
  // INVALID_ARGUMENT, NOT_FOUND (employer without candidates), RESOURCE_EXHAUSTED (too
  // many candidates). Then the run's outcome: OK (FINISHED), CANCELLED, other (FAILED).
  absl::Status Start(const v1::StartRematchRequest& request, const EventSink& sink, const RunAccess& access)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Engine::GetRematch: the stored run (live progress while it runs), with its results
  // when asked. NOT_FOUND for an unknown id.
  absl::StatusOr<v1::RematchRun> Get(const v1::GetRematchRequest& request, const RunAccess& access) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Engine::CancelRematch: asks a live run to stop and waits (up to kCancelWait) until it
  // did; returns the run. Cancelling a run that is already CANCELLED returns it unchanged;
  // FAILED_PRECONDITION for a run that is FINISHED, INCOMPLETE or FAILED; NOT_FOUND for
  // an unknown id.
  absl::StatusOr<v1::RematchRun> Cancel(std::string_view run_id, const RunAccess& access)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Stops every live run because the server shuts down: each is stored INCOMPLETE and its
  // Start returns UNAVAILABLE saying so (runner.h). Does not wait; returns how many runs
  // were told.
  int StopAllForShutdown() ABSL_LOCKS_EXCLUDED(mu_);
  // Whether any run is running now (an erasure waits for none).
  bool AnyRunning() const ABSL_LOCKS_EXCLUDED(mu_);
  // Engine::ListRematches: newest first, without results. The page token is the last run
  // id of the previous page. INVALID_ARGUMENT for page_size over kMaxPageSize.
  // Runs the caller may not see are left out; a page holds page_size runs the caller sees
  // (fewer only at the end) and its token is the last of them, never another's run.
  absl::StatusOr<v1::ListRematchesResponse> List(const v1::ListRematchesRequest& request,
                                                 const RunAccess& access) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  RematchManager(storage::Store* store, const records::RecordStore* records,
                 const match::Matcher* matcher, TaxonomySource taxonomy, int threads,
                 bool release_memory);
  // Overlays the live progress of a running run on its stored record.
  void OverlayLive(v1::RematchRun& run) const ABSL_LOCKS_EXCLUDED(mu_);

  // Set at construction.
  storage::Store* const store_;           // Borrowed.
  const records::RecordStore* const records_;  // Borrowed.
  const match::Matcher* const matcher_;  // Borrowed.
  const TaxonomySource taxonomy_;
  const bool release_memory_;
  WorkerPool pool_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<ActiveRun>> active_ ABSL_GUARDED_BY(mu_);
};

}  // namespace w2w::rematch

#endif  // W2W_ENGINE_REMATCH_MANAGER_H_
