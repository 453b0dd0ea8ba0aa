// EngineState: the one state object behind the Engine facade (Engine holds it), shared by
// the engine*.cc files that implement it (engine.cc: open/info; engine_records.cc, engine_list.cc,
// engine_import.cc: records; engine_admin.cc: taxonomy and policy; engine_match.cc:
// queries; engine_rematch.cc: rematch runs; engine_readiness.cc: the readiness report).
// Private to engine/.
//
// Concurrency model:
//   * writer_mu serializes every write (records, taxonomy changes, policy): the
//     read-check-write of a version and the order "store, then index" are atomic with
//     respect to other writers. Readers never take it. Single upserts reach it through
//     a WriteGroup (leader/follower group commit), whose leader holds it per group.
//   * model_mu guards only the two current-model pointers (taxonomy, policy); it is
//     held for a pointer copy, never across I/O, so readers do not wait on writers.
//   * The store and the matcher are thread-safe for reads; the matcher's writes happen
//     under writer_mu only.
#ifndef W2W_ENGINE_INTERNAL_ENGINE_STATE_H_
#define W2W_ENGINE_INTERNAL_ENGINE_STATE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/access/audit_log.h"
#include "engine/access/page_tokens.h"
#include "engine/access/scope.h"
#include "engine/access/token_registry.h"
#include "engine/engine_options.h"
#include "engine/internal/write_group.h"
#include "engine/match/change_feed.h"
#include "engine/match/matcher.h"
#include "engine/outcomes/ledger.h"
#include "engine/readiness/tracker.h"
#include "engine/records/record_store.h"
#include "engine/rematch/manager.h"
#include "engine/storage/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/validate/limits.h"
#include "engine/watch/hub.h"
#include "w2w/v1/policy.pb.h"

namespace w2w {

// Limits of the facade (documented in the proto where callers see them).
inline constexpr uint32_t kDefaultPageSize = 100;
inline constexpr uint32_t kMaxPageSize = 1000;
// Records examined per List call at most; a sparse filter returns a short page and a
// token to continue, so one call never walks a million records.
inline constexpr uint64_t kListScanBudget = 100'000;
using validate::kMaxListedItemErrors;
// Id used for inline (not stored) records given without one in matching requests.
inline constexpr std::string_view kInlineId = "inline";

namespace internal {

// One caller's single-record upsert waiting in a WriteGroup (engine_records.cc).
template <typename Record>
struct PendingUpsert {
  Record record;         // In: canonical record. Out: the record as stored.
  absl::Status status;   // Out: the upsert's error, if any.
  bool changed = false;  // Out: false when the stored record was identical.
  bool source_locked = false;  // In: a partner's write (replaces only its own source's).
};

// Everything the facade's operations need. A namespace-level struct (not nested in
// Engine) so the helpers of the engine*.cc files can take it by reference. Members are
// destroyed in reverse order: the rematch manager (last) before the matcher and the
// store it borrows.
struct EngineState {
  // ---- Set at Open (const afterwards) ------------------------------------------------
  EngineOptions options;
  std::unique_ptr<storage::Store> store;
  // Every read and write of candidates, vacancies, taxonomy changes and policies; borrows
  // `store`. (Rematch runs keep their own records: rematch/run_store.h.)
  std::unique_ptr<records::RecordStore> records;
  // Created once at Open; SetModel swaps its taxonomy and policy. After the rebuild it is
  // an ObservedMatcher (match/change_feed.h) around the index, so that every later index
  // write reaches the change listeners (watch streams, readiness); `observed` is it.
  std::unique_ptr<match::Matcher> matcher;
  match::ObservedMatcher* observed = nullptr;
  // The standing readiness picture (readiness/tracker.h): seeded by RebuildIndex, then a
  // listener of `observed` with its own worker thread. Declared after `matcher` so that it
  // is destroyed (its worker joined) before the matcher and the records it borrows.
  std::unique_ptr<readiness::Tracker> readiness;
  // The tokens, for authentication and scopes; borrows `store`.
  std::unique_ptr<access::TokenRegistry> tokens;
  // Who read which candidate; borrows `store`.
  std::unique_ptr<access::AuditLog> audit;
  // Seals list page tokens (they may name a record the caller cannot see).
  std::unique_ptr<access::PageTokens> page_tokens;
  // The outcome events (placements, tracks, follow-ups, status changes) and their
  // in-memory log for reports; borrows `store`. Written under writer_mu only.
  std::unique_ptr<outcomes::Ledger> outcomes;
  std::chrono::steady_clock::time_point started_at;
  double rebuild_seconds = 0;

  // ---- Writers --------------------------------------------------------------------------
  mutable absl::Mutex writer_mu;
  // One backup at a time (engine_backup.cc); never held with writer_mu.
  mutable absl::Mutex backup_mu;
  // Concurrent single upserts are committed in groups: one store write (and one WAL
  // fsync with sync_writes) per group; the leader takes writer_mu for the group.
  WriteGroup<PendingUpsert<v1::Candidate>> candidate_upserts;
  WriteGroup<PendingUpsert<v1::Vacancy>> vacancy_upserts;

  // ---- Current model (pointer copies under model_mu) -----------------------------------
  mutable absl::Mutex model_mu;
  std::shared_ptr<const taxonomy::Taxonomy> taxonomy_ ABSL_GUARDED_BY(model_mu);
  std::shared_ptr<const v1::Policy> policy_ ABSL_GUARDED_BY(model_mu);

  std::shared_ptr<const taxonomy::Taxonomy> taxonomy() const ABSL_LOCKS_EXCLUDED(model_mu) {
    absl::ReaderMutexLock lock(&model_mu);
    return taxonomy_;
  }
  std::shared_ptr<const v1::Policy> policy() const ABSL_LOCKS_EXCLUDED(model_mu) {
    absl::ReaderMutexLock lock(&model_mu);
    return policy_;
  }
  // The caller's scope under the current taxonomy (cached per token and version).
  std::shared_ptr<const access::Scope> ScopeOf(const access::Caller& caller) const {
    return tokens->ScopeOf(caller, taxonomy());
  }
  // Records that `caller` read `candidate_ids` through `rpc` (for a vacancy or a run).
  // Nothing is recorded when no candidate was read.
  template <typename Ids>
  void RecordAccess(const access::Caller& caller, std::string_view rpc, const Ids& candidate_ids,
                    std::string_view vacancy_id = {}, std::string_view run_id = {}) const {
    if (!options.audit_reads) return;
    access::AccessRecord record;
    for (const auto& id : candidate_ids) record.candidate_ids.emplace_back(id);
    if (record.candidate_ids.empty()) return;
    record.token_id = caller.token.id();
    record.token_name = caller.name();
    record.role = caller.role();
    record.rpc = rpc;
    record.vacancy_id = vacancy_id;
    record.run_id = run_id;
    audit->Record(std::move(record));
  }

  // The reach of a candidate without max_travel_km under the current policy.
  double DefaultTravelKm() const { return policy()->default_max_travel_km(); }

  // Publishes a new model to readers and to the matcher. Caller holds writer_mu.
  void SetModelLocked(std::shared_ptr<const taxonomy::Taxonomy> taxonomy,
                      std::shared_ptr<const v1::Policy> policy)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu) ABSL_LOCKS_EXCLUDED(model_mu);

  // ---- Open-time steps (engine.cc) -------------------------------------------------------
  // Loads the shipped taxonomy and replays the stored changes in order.
  absl::Status LoadTaxonomy();
  // Loads the newest stored policy, or stores the default as version 1.
  absl::Status LoadPolicy();
  // Creates the matcher and feeds it every stored record; sets rebuild_seconds.
  absl::Status RebuildIndex();
  // Creates `rematch`; called last in Open, after the index is built (it marks the runs
  // a previous process left RUNNING as INCOMPLETE). engine_rematch.cc.
  absl::Status OpenRematch();

  // ---- Rematch (set at Open, last: it borrows store, records and matcher) -------------
  // Runs, the shared pool and the live-run registry.
  std::unique_ptr<rematch::RematchManager> rematch;

  // ---- Watch streams (set at Open after the rebuild; a listener of `observed`) --------
  // Declared after `matcher`, so it is destroyed (its thread joined) before the matcher.
  std::unique_ptr<watch::Hub> watch;
};

}  // namespace internal
}  // namespace w2w

#endif  // W2W_ENGINE_INTERNAL_ENGINE_STATE_H_
