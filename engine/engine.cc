// Engine facade: opening (store, taxonomy with its stored changes, policy, index rebuild),
// operator information and shutdown. Records, lists, imports, taxonomy/policy changes,
// queries and rematch live in the engine_*.cc files next to this one.
#include "engine/engine.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/memory.h"
#include "engine/common/status_macros.h"
#include "engine/internal/engine_state.h"
#include "engine/match/policy.h"
#include "engine/records/record_store.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Applies one stored taxonomy change to `tax`; the change's error when it could not be read.
absl::StatusOr<std::shared_ptr<const taxonomy::Taxonomy>> ApplyChange(
    const taxonomy::Taxonomy& tax, const records::TaxonomyChange& change) {
  RETURN_IF_ERROR(change.value.status());
  struct Apply {
    const taxonomy::Taxonomy& tax;
    auto operator()(const v1::Qualification& q) const { return tax.WithQualification(q); }
    auto operator()(const v1::Cluster& c) const { return tax.WithCluster(c); }
    auto operator()(const v1::Municipality& m) const { return tax.WithMunicipality(m); }
    auto operator()(const v1::UpdateRegionAnchorRequest& r) const { return tax.WithRegionAnchor(r); }
  };
  return std::visit(Apply{tax}, *change.value);
}

}  // namespace

void internal::EngineState::SetModelLocked(std::shared_ptr<const taxonomy::Taxonomy> new_taxonomy,
                                  std::shared_ptr<const v1::Policy> new_policy) {
  {
    absl::MutexLock lock(&model_mu);
    taxonomy_ = new_taxonomy;
    policy_ = new_policy;
  }
  if (matcher) matcher->SetModel(std::move(new_taxonomy), *new_policy);
}

absl::Status internal::EngineState::LoadTaxonomy() {
  ASSIGN_OR_RETURN(std::shared_ptr<const taxonomy::Taxonomy> tax,
                   taxonomy::Taxonomy::LoadFromDir(options.reference_dir));
  absl::Status replay_error;
  RETURN_IF_ERROR(records->ScanTaxonomyChanges([&](const records::TaxonomyChange& change) {
    auto next = ApplyChange(*tax, change);
    if (!next.ok()) {
      // Every stored change applied once; if it no longer does (changed reference
      // data, damaged value) the versions would shift: refuse to start instead.
      replay_error = absl::FailedPreconditionError(absl::StrCat(
          "taxonomy change ", change.seq, " (", std::string(change.kind),
          ") no longer applies to the reference data in ", options.reference_dir, ": ",
          next.status().message()));
      return false;
    }
    tax = *std::move(next);
    return true;
  }));
  RETURN_IF_ERROR(replay_error);
  absl::MutexLock lock(&model_mu);
  taxonomy_ = std::move(tax);
  return absl::OkStatus();
}

absl::Status internal::EngineState::LoadPolicy() {
  ASSIGN_OR_RETURN(std::optional<v1::Policy> latest, records->LatestPolicy());
  auto policy = std::make_shared<v1::Policy>();
  if (latest.has_value()) {
    *policy = *std::move(latest);
  } else {
    ASSIGN_OR_RETURN(*policy, match::CompletePolicy(match::DefaultPolicy(), *taxonomy()));
    policy->set_version(1);
    policy->set_note("built-in default");
    policy->set_created_at(NowRfc3339());
    records::WriteSet writes;
    writes.PutPolicy(*policy);
    RETURN_IF_ERROR(records->Commit(writes));
  }
  absl::MutexLock lock(&model_mu);
  policy_ = std::move(policy);
  return absl::OkStatus();
}

absl::Status internal::EngineState::RebuildIndex() {
  const auto start = std::chrono::steady_clock::now();
  matcher = match::Matcher::Create(taxonomy(), *policy());
  if (matcher == nullptr) return absl::InternalError("matcher: Create returned nothing");
  match::Matcher& m = *matcher;
  RETURN_IF_ERROR(records
                      ->Scan<v1::Candidate>("", 0,
                                            [&](v1::Candidate& c) {
                                              m.UpsertCandidate(c);
                                              if (readiness != nullptr) readiness->Seed(c);
                                              return true;
                                            })
                      .status());
  RETURN_IF_ERROR(records
                      ->Scan<v1::Vacancy>("", 0,
                                          [&](v1::Vacancy& v) {
                                            m.UpsertVacancy(v);
                                            return true;
                                          })
                      .status());
  rebuild_seconds = SecondsSince(start);
  // From here on every index write is reported to the change listeners.
  auto observed_matcher = std::make_unique<match::ObservedMatcher>(std::move(matcher));
  observed = observed_matcher.get();
  matcher = std::move(observed_matcher);
  return absl::OkStatus();
}

Engine::Engine(std::unique_ptr<internal::EngineState> state) : state_(std::move(state)) {}
Engine::~Engine() = default;

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (options.import_batch_size < 1) {
    return absl::InvalidArgumentError("import_batch_size: must be at least 1");
  }
  auto state = std::make_unique<internal::EngineState>();
  state->options = options;
  state->started_at = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(state->store, storage::Store::Open(options.store));
  state->records = std::make_unique<records::RecordStore>(state->store.get());
  RETURN_IF_ERROR(state->LoadTaxonomy());
  RETURN_IF_ERROR(state->LoadPolicy());
  ASSIGN_OR_RETURN(state->tokens, access::TokenRegistry::Load(state->store.get()));
  if (options.audit_retention_days < 1) return absl::InvalidArgumentError("audit_retention_days: must be at least 1");
  access::AuditOptions audit;
  audit.retention = absl::Hours(24) * options.audit_retention_days;
  ASSIGN_OR_RETURN(state->audit, access::AuditLog::Open(state->store.get(), audit));
  ASSIGN_OR_RETURN(state->page_tokens, access::PageTokens::Open(state->store.get()));
  ASSIGN_OR_RETURN(state->outcomes, outcomes::Ledger::Open(state->store.get(), *state->taxonomy()));
  readiness::TrackerOptions readiness_options;
  readiness_options.budget_per_second = options.readiness_budget_per_second;
  state->readiness = std::make_unique<readiness::Tracker>(state->records.get(), readiness_options);
  RETURN_IF_ERROR(state->RebuildIndex());
  // After the rebuild: from here every index write reaches the tracker.
  state->observed->AddListener(state->readiness.get());
  state->readiness->Start(state->matcher.get());
  RETURN_IF_ERROR(state->OpenRematch());
  if (options.watch_retention_seconds < 1) return absl::InvalidArgumentError("watch_retention_seconds: must be at least 1");
  if (options.watch_queue_limit < 1) return absl::InvalidArgumentError("watch_queue_limit: must be at least 1");
  watch::HubOptions watch;
  watch.retention = absl::Seconds(options.watch_retention_seconds);
  watch.queue_limit = static_cast<size_t>(options.watch_queue_limit);
  watch.progress_interval = absl::Seconds(std::max(1, options.watch_progress_seconds));
  internal::EngineState* raw = state.get();
  state->watch = std::make_unique<watch::Hub>(
      state->matcher.get(), [raw] { return raw->taxonomy(); },
      [raw] { return raw->policy(); }, watch);
  state->observed->AddListener(state->watch.get());
  return std::unique_ptr<Engine>(new Engine(std::move(state)));
}

std::shared_ptr<const taxonomy::Taxonomy> Engine::taxonomy() const { return state_->taxonomy(); }

v1::ServerInfo Engine::Info() const {
  v1::ServerInfo info;
  info.set_version(W2W_VERSION);
  const match::Matcher& m = *state_->matcher;
  info.set_candidates(m.num_candidates());
  info.set_vacancies(m.num_vacancies());
  info.set_open_vacancies(m.num_open_vacancies());
  info.set_policy_version(state_->policy()->version());
  info.set_taxonomy_version(state_->taxonomy()->version());
  info.set_uptime_seconds(SecondsSince(state_->started_at));
  info.set_data_dir(state_->store->options().path);
  info.set_disk_free_bytes(state_->store->DiskFreeBytes());
  info.set_disk_reserve_bytes(state_->store->options().disk_reserve_bytes);
  info.set_sync_writes(state_->store->syncs_writes());
  info.set_index_bytes(m.MemoryBytes());
  info.set_startup_rebuild_seconds(state_->rebuild_seconds);
  info.set_outcome_events(state_->outcomes->log().size());
  info.set_outcome_log_bytes(state_->outcomes->log().MemoryBytes());
  info.set_outcome_rebuild_seconds(state_->outcomes->rebuild_seconds());
  const storage::StoreStats stats = state_->store->Stats();
  info.set_resident_bytes(memory::ResidentBytes());
  info.set_allocated_bytes(memory::AllocatedBytes());
  info.set_memtable_bytes(stats.memtable_bytes);
  info.set_block_cache_bytes(stats.block_cache_bytes);
  info.set_pinned_memtable_bytes(stats.pinned_memtable_bytes);
  info.set_table_reader_bytes(stats.table_reader_bytes);
  return info;
}

StoreHealth Engine::ReadStoreHealth() const {
  const storage::StoreStats stats = state_->store->Stats();
  StoreHealth health;
  health.live_sst_bytes = stats.live_sst_bytes;
  health.total_sst_bytes = stats.total_sst_bytes;
  health.memtable_bytes = stats.memtable_bytes;
  health.pending_compaction_bytes = stats.pending_compaction_bytes;
  health.running_compactions = stats.running_compactions;
  health.running_flushes = stats.running_flushes;
  health.compaction_pending = stats.compaction_pending;
  health.write_stopped = stats.write_stopped;
  health.delayed_write_rate = stats.delayed_write_rate;
  health.read_only = stats.read_only;
  health.disk_full_resumes = stats.disk_full_resumes;
  for (int i = 0; i < storage::kNumFamilies; ++i) {  // Family values are 0..kNumFamilies-1.
    health.estimated_keys.emplace_back(
        std::string(storage::FamilyName(static_cast<storage::Family>(i))),
        stats.estimated_keys[i]);
  }
  return health;
}

absl::Status Engine::Flush() {
  // Writers finish their batch first, so the flush captures a consistent state.
  // Below the disk reserve the audit's queue cannot be written (it stays queued, see
  // docs/security.md); that must not fail the shutdown of a server that kept serving.
  absl::Status audit = state_->audit->Flush();
  if (audit.code() == absl::StatusCode::kResourceExhausted) audit = absl::OkStatus();
  absl::MutexLock lock(&state_->writer_mu);
  absl::Status store = state_->store->Flush();
  return audit.ok() ? store : audit;
}

}  // namespace w2w
