// AuditLog: the append-only record of who read which candidate (w2w.v1.AccessEntry), in
// the store's `audit` family (keys: storage/keys.h), with an index by candidate pseudonym
// so that "who saw this person" is one prefix scan. docs/security.md, "Audit".
//
// Writing costs a query almost nothing: Record() stamps the read (time, sequence) and
// moves it onto the queue under one short lock; a writer thread builds the entries and
// their index keys and commits the queue every `flush_interval` (one atomic store write
// through the WAL). Entries still queued when
// the process is killed are lost: at most `flush_interval` of reads (graceful shutdown
// and Flush() write them). The same thread enforces the retention: entries older than
// `retention` are deleted, with their index keys, at start and then hourly.
//
// Candidates are indexed under a keyed pseudonym (HMAC-SHA256 with a random key kept in
// the meta family, computed from precomputed HMAC states, ~130 ns an id), so an erased
// person's entries can still be found by the id they had
// while the entries themselves then hold only "erased:<pseudonym>" (ScrubCandidate).
//
// Thread safety: every method is safe to call concurrently.
#ifndef W2W_ENGINE_ACCESS_AUDIT_LOG_H_
#define W2W_ENGINE_ACCESS_AUDIT_LOG_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/access/secrets.h"
#include "engine/storage/store.h"
#include "w2w/v1/audit.pb.h"

namespace w2w::access {

struct AuditOptions {
  absl::Duration retention = absl::Hours(24 * 365);  // Entries older than this go.
  absl::Duration flush_interval = absl::Milliseconds(20);
  absl::Duration retention_interval = absl::Hours(1);
};

// One read of candidates, as Record() takes it: the fields of a w2w.v1.AccessEntry but
// `at`, which the log sets. Plain strings so that the caller's thread only moves them.
struct AccessRecord {
  std::string token_id;
  std::string token_name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string rpc;
  std::vector<std::string> candidate_ids;
  std::string vacancy_id;
  std::string run_id;
};

// Limits of ListAccess.
inline constexpr uint32_t kDefaultAuditPage = 100;
inline constexpr uint32_t kMaxAuditPage = 1000;
inline constexpr uint64_t kAuditScanBudget = 100'000;  // Keys examined per call at most.

class AuditLog {
 public:
  // Opens the log over `store` (borrowed; outlives the log), creating the pseudonym key
  // on first use, runs the retention once and starts the writer thread.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(storage::Store* store, AuditOptions options);
  // Writes what is queued and stops the writer thread.
  ~AuditLog();

  // Queues `record`, stamped now. Never fails (a failed write is retried with the next
  // flush and reported by Flush()). Costs the caller one short lock and a move.
  void Record(AccessRecord record) ABSL_LOCKS_EXCLUDED(mu_);
  // Writes every queued entry now.
  absl::Status Flush() ABSL_LOCKS_EXCLUDED(mu_, write_mu_);

  // The keyed pseudonym of a candidate id (32 hex digits).
  std::string Pseudonym(std::string_view candidate_id) const;

  // Entries oldest first, filtered as the request says. INVALID_ARGUMENT naming the field.
  absl::StatusOr<v1::ListAccessResponse> List(const v1::ListAccessRequest& request) const;

  // For an erasure: flushes the queue, then adds to `batch` the rewrite of every stored
  // entry naming `candidate_id` with the id replaced by "erased:<pseudonym>", and makes
  // entries queued later (by reads that began before the erasure) carry the pseudonym
  // too. Returns the number of entries rewritten. Call with the engine's writer lock held
  // and commit `batch` before releasing it.
  absl::StatusOr<uint64_t> ScrubCandidate(std::string_view candidate_id, storage::Batch* batch)
      ABSL_LOCKS_EXCLUDED(mu_, write_mu_);

  // Deletes the entries older than `now - retention` and their index keys. Returns how
  // many entries went.
  absl::StatusOr<uint64_t> EnforceRetention(absl::Time now) ABSL_LOCKS_EXCLUDED(write_mu_);

 private:
  struct Queued {
    uint64_t micros;
    uint64_t seq;
    AccessRecord record;
  };

  AuditLog(storage::Store* store, AuditOptions options, std::string key);
  void WriterLoop() ABSL_LOCKS_EXCLUDED(mu_);
  // Writes `entries` with their index keys in one store write.
  absl::Status WriteEntries(const std::vector<Queued>& entries) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The pseudonym an id is indexed under (an erased id's own one). Valid until the next
  // call.
  std::string_view IndexPseudonymLocked(std::string_view id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status FlushLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_LOCKS_EXCLUDED(mu_);

  storage::Store* const store_;
  const AuditOptions options_;
  const std::string key_;  // The pseudonym key (raw bytes).

  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // One writer of the family at a time.
  const Pseudonymizer pseudonymizer_;
  std::array<char, 2 * kPseudonymBytes> pseudonym_ ABSL_GUARDED_BY(write_mu_);  // Scratch.

  mutable absl::Mutex mu_;
  std::vector<Queued> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t seq_ ABSL_GUARDED_BY(mu_) = 0;
  // Ids erased lately -> their "erased:<pseudonym>", with when; entries written later carry
  // the latter. Kept for a minute.
  absl::flat_hash_map<std::string, std::pair<std::string, absl::Time>> erased_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  std::thread writer_;
};

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_AUDIT_LOG_H_
