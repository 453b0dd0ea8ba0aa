// Engine: the facade of w2w's engine layer, and the only thing service/ talks to.
//
// It owns the durable Store, the current Taxonomy and matching Policy, and the in-memory
// matching index, and keeps them consistent: every acknowledged write is first in the
// store's write-ahead log and then applied to the index before the call returns, so the
// very next query sees it (read-your-writes). Queries score against immutable snapshots
// and never wait for writers.
//
// Records cross this API as w2w.v1 protobuf messages (plain data, no gRPC types). Every
// method returns absl::Status codes chosen for the caller:
//   INVALID_ARGUMENT   bad input; the message starts with the field path, e.g.
//                      "candidate.trades[1].code: unknown trade 'x'".
//   NOT_FOUND          unknown id.   ABORTED  stale expected version.
//   RESOURCE_EXHAUSTED over a documented limit, or the disk is short of space.
//   FAILED_PRECONDITION e.g. shortlisting a closed vacancy; a version expected of a
//                      deleted record ("... was deleted at version N").
//   PERMISSION_DENIED  the caller's role may not make the call, or may not change that
//                      record (access/permissions.h has the role table).
//
// Access: every method that reads, matches or changes records takes the authenticated
// `caller` (access/caller.h; access::Caller::System() for in-process use) and checks its
// role and scope next to the data: a record outside the scope is never revealed to
// exist (Get answers NOT_FOUND as for an unknown id; listings and matches leave it out).
// Reference data (taxonomy listings, GetPolicy, Info) is readable by every
// authenticated caller and takes none.
//
// Thread safety: every method is safe to call concurrently. Writes of records are
// serialized internally (one writer at a time); concurrent UpsertCandidate /
// UpsertVacancy calls are group-committed (one atomic store write, so one WAL fsync with
// sync_writes, for all callers waiting at that moment; each returns only after its write
// is durable and indexed). Reads run in parallel with writes.
#ifndef W2W_ENGINE_ENGINE_H_
#define W2W_ENGINE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/access/caller.h"
#include "engine/engine_options.h"
#include "engine/storage/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/access.pb.h"
#include "w2w/v1/admin.pb.h"
#include "w2w/v1/audit.pb.h"
#include "w2w/v1/privacy.pb.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/match.pb.h"
#include "w2w/v1/outcome.pb.h"
#include "w2w/v1/report.pb.h"
#include "w2w/v1/policy.pb.h"
#include "w2w/v1/rematch.pb.h"
#include "w2w/v1/server.pb.h"
#include "w2w/v1/taxonomy.pb.h"
#include "w2w/v1/vacancy.pb.h"
#include "w2w/v1/watch.pb.h"

namespace w2w {
namespace internal {
struct EngineState;  // engine/internal/engine_state.h
}  // namespace internal

// An ImportSummary lists at most validate::kMaxListedItemErrors item errors
// (engine/validate/limits.h); every rejected item is counted in `rejected`.

// Bulk import of one stream (ImportCandidates / PushVacancies / ImportEvents). Feed items with Add();
// batches are validated and committed atomically as they fill; Finish() commits the rest
// and returns the summary. Per-item problems go to the summary, never fail the stream.
// A stream-level error (disk full, I/O) is returned by Add()/Finish(); items committed
// before it stay committed and are counted. Not thread-safe: one stream, one thread.
// What the store says about itself (RocksDB properties), for operators' metrics.
struct StoreHealth {
  uint64_t live_sst_bytes = 0;
  uint64_t total_sst_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;
  uint64_t running_flushes = 0;
  bool compaction_pending = false;
  bool write_stopped = false;       // Writes are stalled until compaction catches up.
  uint64_t delayed_write_rate = 0;  // Bytes/s writes are slowed to; 0 = not slowed.
  bool read_only = false;           // Opened read-only: the disk was full at start.
  uint64_t disk_full_resumes = 0;   // Writes resumed after a full disk without a restart.
  // Estimated keys per column family, by family name.
  std::vector<std::pair<std::string, uint64_t>> estimated_keys;
};

class Importer {
 public:
  virtual ~Importer() = default;
  virtual absl::Status Add(v1::Candidate candidate) = 0;  // Candidate importer only.
  virtual absl::Status Add(v1::Vacancy vacancy) = 0;      // Vacancy importer only.
  virtual absl::Status Add(v1::OutcomeEvent event) = 0;   // Event importer only.
  virtual absl::StatusOr<v1::ImportSummary> Finish() = 0;
  // Summary so far (committed counts include only committed batches).
  virtual const v1::ImportSummary& summary() const = 0;
};

// Sink for a running rematch: called from the run's thread, in order. Returning false
// (e.g. the client went away) cancels the run.
using RematchSink = std::function<bool(const v1::RematchEvent& event)>;

// One live watch (Engine::Watch; proto/w2w/v1/watch.proto, docs/watch.md): the messages
// the hub queued for one watcher. Destroying it ends the watch (its subjects stay
// followed for the retention time, so a resume token finds what happened meanwhile).
// Thread safety: Next and Ended are safe to call from any thread, one reader at a time.
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  // The next message, or nullopt when none is queued: then the `wake` given to Watch is
  // called once when one is, or when the stream ended.
  virtual std::optional<v1::WatchResponse> Next() = 0;
  // OK while the stream goes on. Once Next() returned nullopt on an ended stream: why
  // (UNAVAILABLE at shutdown, RESOURCE_EXHAUSTED when the watcher fell behind), naming
  // the resume token to reconnect with.
  virtual absl::Status Ended() const = 0;
};

class Engine {
 public:
  // Opens the store, loads reference data plus stored taxonomy changes and the latest
  // policy, rebuilds the index from the store, marks interrupted rematch runs INCOMPLETE.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  // Restores backup `backup_id` (0 = the newest) of the backup folder `backup_dir` into
  // the data folder `data_dir`, which must be missing or empty; then Open it as usual.
  // Errors: FAILED_PRECONDITION (folder not empty), NOT_FOUND (no such backup),
  // DATA_LOSS (a file fails its checksum), INTERNAL (I/O). engine_backup.cc.
  static absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                                    const std::string& data_dir);
  ~Engine();

  // ---- Candidates --------------------------------------------------------------------
  // Validates, canonicalises (ESCO UUIDs, region name from municipality) and stores.
  // `changed` is false when the stored record was identical (no write, version kept).
  struct CandidateWrite { v1::Candidate candidate; bool changed = false; };
  absl::StatusOr<CandidateWrite> UpsertCandidate(const access::Caller& caller, v1::Candidate candidate);
  absl::StatusOr<v1::Candidate> GetCandidate(const access::Caller& caller, std::string_view id) const;
  // Returns the version that was deleted, which a tombstone keeps (docs/storage.md,
  // "Tombstones"): a record created again under `id` continues at that version + 1.
  // NOT_FOUND for an unknown or deleted id; with `expected_version` != 0, ABORTED when it
  // is not the stored version and FAILED_PRECONDITION when the record was deleted.
  absl::StatusOr<uint64_t> DeleteCandidate(const access::Caller& caller, std::string_view id, uint64_t expected_version);
  absl::StatusOr<v1::ListCandidatesResponse> ListCandidates(const access::Caller& caller, const v1::ListCandidatesRequest& request) const;
  std::unique_ptr<Importer> NewCandidateImporter(const access::Caller& caller);

  // ---- Vacancies ---------------------------------------------------------------------
  struct VacancyWrite { v1::Vacancy vacancy; bool changed = false; };
  absl::StatusOr<VacancyWrite> UpsertVacancy(const access::Caller& caller, v1::Vacancy vacancy);
  absl::StatusOr<v1::Vacancy> GetVacancy(const access::Caller& caller, std::string_view id) const;
  absl::StatusOr<v1::Vacancy> CloseVacancy(const access::Caller& caller, const v1::CloseVacancyRequest& request);
  absl::StatusOr<uint64_t> DeleteVacancy(const access::Caller& caller, std::string_view id, uint64_t expected_version);
  absl::StatusOr<v1::ListVacanciesResponse> ListVacancies(const access::Caller& caller, const v1::ListVacanciesRequest& request) const;
  std::unique_ptr<Importer> NewVacancyImporter(const access::Caller& caller);

  // ---- Taxonomy ----------------------------------------------------------------------
  std::shared_ptr<const taxonomy::Taxonomy> taxonomy() const;
  // The listings of TaxonomyService (engine_taxonomy.cc). Each reads one snapshot of the
  // current taxonomy, so a concurrent change never mixes two versions in one response,
  // and sets the response's taxonomy_version (ListSectors: the fixed sector list).
  v1::ListRegionsResponse ListRegions() const;
  // Clusters that still have regions, each with its regions' names.
  v1::ListClustersResponse ListClusters() const;
  // All municipalities, or those of `request.region()`; INVALID_ARGUMENT "region: ..." for
  // an unknown region.
  absl::StatusOr<v1::ListMunicipalitiesResponse> ListMunicipalities(
      const v1::ListMunicipalitiesRequest& request) const;
  v1::ListSectorsResponse ListSectors() const;
  // Trades in taxonomy order whose label (en/nl), ESCO code or id contains `query`
  // (case-insensitive) and whose ISCO group starts with `isco_group`; pages of
  // `page_size` (0 = 100, at most 1,000), continued with `next_page_token`.
  // INVALID_ARGUMENT "page_size: ..." above 1,000, "page_token: ..." for a foreign token.
  absl::StatusOr<v1::ListTradesResponse> ListTrades(const v1::ListTradesRequest& request) const;
  v1::ListQualificationsResponse ListQualifications() const;
  // Each stores the change and returns the new taxonomy version. UpsertMunicipality moves
  // the stored records of a municipality mapped onto another region in the same atomic
  // write (their region, version + 1; docs/storage.md).
  absl::StatusOr<uint64_t> UpsertQualification(const access::Caller& caller, const v1::Qualification& q);
  absl::StatusOr<uint64_t> UpsertCluster(const access::Caller& caller, const v1::Cluster& c);
  absl::StatusOr<uint64_t> UpsertMunicipality(const access::Caller& caller, const v1::Municipality& m);
  absl::StatusOr<uint64_t> UpdateRegionAnchor(const access::Caller& caller, const v1::UpdateRegionAnchorRequest& r);

  // ---- Policy ------------------------------------------------------------------------
  // version 0 = current. NOT_FOUND for an unknown version.
  absl::StatusOr<v1::Policy> GetPolicy(uint64_t version) const;
  // Validates (INVALID_ARGUMENT naming "policy.<field>"), fills defaults, stores as the
  // next version and applies it to the next query. ABORTED when expected_version is
  // non-zero and not the current version.
  absl::StatusOr<v1::Policy> SetPolicy(const access::Caller& caller, const v1::Policy& policy, uint64_t expected_version);

  // ---- Matching ----------------------------------------------------------------------
  absl::StatusOr<v1::ShortlistResponse> Shortlist(const access::Caller& caller, const v1::ShortlistRequest& request) const;
  absl::StatusOr<v1::MatchCandidateResponse> MatchCandidate(const access::Caller& caller, const v1::MatchCandidateRequest& request) const;
  absl::StatusOr<v1::ExplainMatchResponse> ExplainMatch(const access::Caller& caller, const v1::ExplainMatchRequest& request) const;

  // ---- Rematch -----------------------------------------------------------------------
  // Runs a rematch to completion on the bounded pool, streaming events to `sink`.
  // Returns CANCELLED when cancelled (by CancelRematch or the sink returning false),
  // UNAVAILABLE when stopped by StopRematchesForShutdown (the run is kept INCOMPLETE).
  absl::Status StartRematch(const access::Caller& caller, const v1::StartRematchRequest& request, const RematchSink& sink);
  absl::StatusOr<v1::RematchRun> GetRematch(const access::Caller& caller, const v1::GetRematchRequest& request) const;
  absl::StatusOr<v1::RematchRun> CancelRematch(const access::Caller& caller, std::string_view run_id);
  absl::StatusOr<v1::ListRematchesResponse> ListRematches(const access::Caller& caller, const v1::ListRematchesRequest& request) const;
  // The server's drain, past its grace period: stops every running rematch (each stored
  // INCOMPLETE, its StartRematch answering UNAVAILABLE with how far it got) without
  // waiting. Returns how many runs were stopped. No caller: the process itself shuts down.
  int StopRematchesForShutdown();

  // ---- Watch streams (engine_watch.cc; proto/w2w/v1/watch.proto, docs/watch.md) --------
  // Starts a watch for `caller` (the match permission; each id stored and in its scope,
  // else NOT_FOUND "vacancy_ids[i]: ..." as for an absent one). INVALID_ARGUMENT naming
  // the field for an empty request, too many ids, k over 100 or a foreign resume token.
  // `wake` is called from the hub's thread, never while Next runs on its behalf.
  absl::StatusOr<std::unique_ptr<WatchStream>> Watch(const access::Caller& caller,
                                                     const v1::WatchRequest& request,
                                                     std::function<void()> wake);
  // The server's shutdown: every watch ends UNAVAILABLE (after what was queued for it),
  // naming its resume token; later watches end at once. No caller: the process decides.
  void StopWatches();
  // Watchers connected now.
  size_t watchers() const;

  // ---- Access (engine_access.cc) ---------------------------------------------------------
  // The caller holding the bearer `secret`; UNAUTHENTICATED for an unknown, revoked or
  // expired one.
  absl::StatusOr<std::shared_ptr<const access::Caller>> Authenticate(std::string_view secret) const;
  // Administrator only. CreateToken validates (INVALID_ARGUMENT naming the field,
  // ALREADY_EXISTS "name: ..." for the name of a live token) and returns the secret once.
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(const access::Caller& caller,
                                                      const v1::CreateTokenRequest& request);
  absl::StatusOr<v1::ListTokensResponse> ListTokens(const access::Caller& caller,
                                                    const v1::ListTokensRequest& request) const;
  // NOT_FOUND for an unknown token; FAILED_PRECONDITION for the caller's own token or one
  // revoked before.
  absl::StatusOr<v1::RevokeTokenResponse> RevokeToken(const access::Caller& caller,
                                                      const v1::RevokeTokenRequest& request);
  v1::WhoAmIResponse WhoAmI(const access::Caller& caller) const;
  // Live administrator tokens (for the server's first start).
  size_t LiveAdminTokens() const;

  // ---- Audit and privacy (engine_privacy.cc) ------------------------------------------
  // Administrator only. Who read which candidate (access/audit_log.h).
  absl::StatusOr<v1::ListAccessResponse> ListAccess(const access::Caller& caller,
                                                    const v1::ListAccessRequest& request) const;
  // Removes the person everywhere in one atomic write (privacy.proto). NOT_FOUND for an
  // unknown id; FAILED_PRECONDITION while a rematch run is running.
  absl::StatusOr<v1::EraseCandidateResponse> EraseCandidate(const access::Caller& caller,
                                                            const v1::EraseCandidateRequest& request);
  // Everything held about the person as JSON, including who saw the profile.
  absl::StatusOr<v1::ExportCandidateResponse> ExportCandidate(const access::Caller& caller,
                                                              const v1::ExportCandidateRequest& request) const;

  // ---- Outcomes (engine_outcomes.cc; proto/w2w/v1/outcome.proto) ---------------------
  // Each records one event in one atomic write with the record changes it causes, or
  // refuses it (the codes of outcome.proto) and changes nothing. An idempotent repeat of
  // an event id answers with the stored event and `created` false.
  absl::StatusOr<v1::RecordPlacementResponse> RecordPlacement(const access::Caller& caller,
                                                              const v1::RecordPlacementRequest& request);
  absl::StatusOr<v1::RecordEventResponse> RecordTrack(const access::Caller& caller,
                                                      const v1::RecordTrackRequest& request);
  absl::StatusOr<v1::RecordEventResponse> RecordFollowUp(const access::Caller& caller,
                                                         const v1::RecordFollowUpRequest& request);
  absl::StatusOr<v1::RecordEventResponse> CancelEvent(const access::Caller& caller,
                                                      const v1::CancelEventRequest& request);
  absl::StatusOr<v1::ListEventsResponse> ListEvents(const access::Caller& caller,
                                                    const v1::ListEventsRequest& request) const;
  // ImportEvents: batches of import_batch_size events are checked in order (an event
  // sees the earlier ones of its batch) and committed atomically as they fill.
  std::unique_ptr<Importer> NewEventImporter(const access::Caller& caller);

  // ---- Reports (engine_reports.cc; proto/w2w/v1/report.proto, docs/outcomes.md) -------
  absl::StatusOr<v1::GetReportResponse> GetReport(const access::Caller& caller,
                                                  const v1::GetReportRequest& request) const;
  absl::StatusOr<v1::GetPlanRealisedResponse> GetPlanRealised(const access::Caller& caller,
                                                              const v1::GetPlanRealisedRequest& request) const;
  // The standing readiness of employers' workforces (engine_readiness.cc;
  // docs/readiness.md): computed in the background within
  // EngineOptions::readiness_budget_per_second, read here without waiting for it (people
  // not computed yet are counted as pending). Role as GetReport; people and vacancies
  // outside the caller's scope are left out, an employer none of whose people the caller
  // sees is NOT_FOUND. INVALID_ARGUMENT naming the field (group_by, region, sector,
  // page_size, page_token, top).
  absl::StatusOr<v1::GetReadinessResponse> GetReadiness(const access::Caller& caller,
                                                        const v1::GetReadinessRequest& request) const;

  // ---- Operations --------------------------------------------------------------------
  // Backups of the whole store while serving (AdminService; engine_backup.cc).
  absl::StatusOr<v1::CreateBackupResponse> CreateBackup(const access::Caller& caller,
                                                        const v1::CreateBackupRequest& request);
  absl::StatusOr<v1::ListBackupsResponse> ListBackups(const access::Caller& caller,
                                                      const v1::ListBackupsRequest& request) const;
  v1::ServerInfo Info() const;
  // The store's health for operators' metrics (/metrics): RocksDB properties, read now.
  StoreHealth ReadStoreHealth() const;
  // Flushes the store; called on graceful shutdown after the server drained.
  absl::Status Flush();

 private:
  explicit Engine(std::unique_ptr<internal::EngineState> state);
  std::unique_ptr<internal::EngineState> state_;
};

}  // namespace w2w

#endif  // W2W_ENGINE_ENGINE_H_
