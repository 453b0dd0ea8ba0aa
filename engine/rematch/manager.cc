#include "engine/rematch/manager.h"

#include <random>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/common/dates.h"
#include "engine/common/memory.h"
#include "engine/common/status_macros.h"
#include "engine/rematch/run_store.h"
#include "engine/rematch/selection.h"

namespace w2w::rematch {

absl::StatusOr<std::unique_ptr<RematchManager>> RematchManager::Create(
    storage::Store* store, const records::RecordStore* records, const match::Matcher* matcher,
    TaxonomySource taxonomy, int threads, bool release_memory) {
  ASSIGN_OR_RETURN(uint64_t marked, MarkInterruptedRuns(*store));
  (void)marked;
  return std::unique_ptr<RematchManager>(new RematchManager(
      store, records, matcher, std::move(taxonomy), threads, release_memory));
}

RematchManager::RematchManager(storage::Store* store, const records::RecordStore* records,
                               const match::Matcher* matcher, TaxonomySource taxonomy, int threads,
                               bool release_memory)
    : store_(store),
      records_(records),
      matcher_(matcher),
      taxonomy_(std::move(taxonomy)),
      release_memory_(release_memory),
      pool_(threads) {}

RematchManager::~RematchManager() {
  (void)StopAllForShutdown();
  absl::MutexLock lock(&mu_);
  auto none = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return active_.empty(); };
  mu_.Await(absl::Condition(&none));
}

namespace {

// A run the caller may not see answers as an unknown one.
bool Sees(const RunAccess& access, const v1::RematchRun& run) {
  return access.all_runs || run.started_by_token() == access.token_id;
}

absl::Status UnknownRun(const std::string& run_id) {
  return absl::NotFoundError(absl::StrCat(
      "run_id: unknown rematch run ",
      run_id.size() <= 64 ? absl::StrCat("'", run_id, "'") : absl::StrCat("(", run_id.size(), " bytes)")));
}

}  // namespace

absl::Status RematchManager::Start(const v1::StartRematchRequest& request, const EventSink& sink,
                                   const RunAccess& access) {
  std::shared_ptr<const taxonomy::Taxonomy> tax = taxonomy_();
  RETURN_IF_ERROR(ValidateRequest(request, *tax));
  ASSIGN_OR_RETURN(Selection selection,
                   Select(request.selection(), *records_, *matcher_, *tax, access.sees_candidate));

  v1::RematchRun run;
  auto active = std::make_shared<ActiveRun>();
  {
    absl::MutexLock lock(&mu_);
    thread_local std::mt19937 rng(std::random_device{}());
    do {
      run.set_run_id(NewRunId(absl::Now(), static_cast<uint32_t>(rng())));
    } while (active_.contains(run.run_id()));
    active_[run.run_id()] = active;
  }
  *run.mutable_selection() = request.selection();
  *run.mutable_options() = request.options();
  run.set_policy_version(matcher_->policy_version());
  run.set_created_at(NowRfc3339());
  run.set_started_by(access.token_name);
  run.set_started_by_token(access.token_id);
  run.set_state(v1::REMATCH_STATE_RUNNING);
  run.mutable_progress()->set_total(selection.people.size());
  run.mutable_progress()->set_phase("scoring");
  const std::string run_id = run.run_id();

  absl::Status status = PutRun(*store_, run);
  if (status.ok()) {
    RunEnv env{store_, records_, matcher_, &pool_, &access.vacancies};
    status = ExecuteRun(env, std::move(run), std::move(selection), *active, sink);
  }
  bool last = false;
  {
    absl::MutexLock lock(&mu_);
    active_.erase(run_id);
    last = active_.empty();
  }
  // The run's option lists and results (hundreds of MB for a large group run) are freed
  // now; give them back to the system, so the server's RSS falls back to about its level
  // before the run (bench/rematch_memory.sh). Not while other runs go: they reuse it.
  if (last && release_memory_) memory::ReleaseFreeMemory();
  return status;
}

int RematchManager::StopAllForShutdown() {
  absl::MutexLock lock(&mu_);
  int told = 0;
  for (auto& [id, run] : active_) {
    if (run->cancel.load(std::memory_order_acquire)) continue;  // Already stopping.
    run->shutdown.store(true, std::memory_order_release);
    run->cancel.store(true, std::memory_order_release);
    ++told;
  }
  return told;
}

bool RematchManager::AnyRunning() const {
  absl::MutexLock lock(&mu_);
  return !active_.empty();
}

void RematchManager::OverlayLive(v1::RematchRun& run) const {
  std::shared_ptr<ActiveRun> active;
  {
    absl::MutexLock lock(&mu_);
    auto it = active_.find(run.run_id());
    if (it == active_.end()) return;
    active = it->second;
  }
  absl::MutexLock lock(&active->mu);
  if (run.state() == v1::REMATCH_STATE_RUNNING && active->progress.total() > 0) {
    *run.mutable_progress() = active->progress;
  }
}

namespace {

// Results pages (GetRematchRequest): people per page, and the bytes a page stays within
// (after its first person) so that a stock client's 4 MiB receive limit always holds.
constexpr uint32_t kDefaultResultsPage = 500;
constexpr uint32_t kMaxResultsPage = 1000;
constexpr size_t kMaxResultsPageBytes = 2 << 20;
// A results page token: this prefix and the decimal index of the next result.
constexpr absl::string_view kResultsTokenPrefix = "next:";

absl::StatusOr<uint64_t> ParseResultsToken(absl::string_view token) {
  uint64_t index = 0;
  if (token.empty()) return index;
  if (!absl::ConsumePrefix(&token, kResultsTokenPrefix) || !absl::SimpleAtoi(token, &index)) {
    return absl::InvalidArgumentError(
        "results_page_token: not a next_results_page_token of this run");
  }
  return index;
}

}  // namespace

absl::StatusOr<v1::RematchRun> RematchManager::Get(const v1::GetRematchRequest& request,
                                                   const RunAccess& access) const {
  if (request.run_id().empty()) return absl::InvalidArgumentError("run_id: required");
  if (request.results_page_size() > kMaxResultsPage) {
    return absl::InvalidArgumentError(absl::StrCat(
        "results_page_size: ", request.results_page_size(), " is over ", kMaxResultsPage));
  }
  ASSIGN_OR_RETURN(const uint64_t first, ParseResultsToken(request.results_page_token()));
  ASSIGN_OR_RETURN(std::optional<v1::RematchRun> run, GetRun(*store_, request.run_id()));
  if (!run.has_value() || !Sees(access, *run)) return UnknownRun(request.run_id());
  OverlayLive(*run);
  if (request.include_results()) {
    const uint32_t page =
        request.results_page_size() == 0 ? kDefaultResultsPage : request.results_page_size();
    ASSIGN_OR_RETURN(std::optional<uint64_t> next,
                     ReadResults(*store_, run->run_id(), first, page, kMaxResultsPageBytes,
                                 &*run));
    if (next.has_value()) {
      run->set_next_results_page_token(absl::StrCat(kResultsTokenPrefix, *next));
    }
  }
  return *std::move(run);
}

absl::StatusOr<v1::RematchRun> RematchManager::Cancel(std::string_view run_id_view, const RunAccess& access) {
  const std::string run_id(run_id_view);  // Our Abseil's string_view is not std's.
  {
    // Only the caller's own runs (or any, for an administrator) can be cancelled.
    ASSIGN_OR_RETURN(std::optional<v1::RematchRun> before, GetRun(*store_, run_id));
    if (!before.has_value() || !Sees(access, *before)) return UnknownRun(run_id);
  }
  std::shared_ptr<ActiveRun> active;
  {
    absl::MutexLock lock(&mu_);
    auto it = active_.find(run_id);
    if (it != active_.end()) {
      active = it->second;
      active->cancel.store(true, std::memory_order_release);
      auto gone = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !active_.contains(run_id); };
      mu_.AwaitWithTimeout(absl::Condition(&gone), kCancelWait);
    }
  }
  ASSIGN_OR_RETURN(std::optional<v1::RematchRun> run, GetRun(*store_, run_id));
  if (!run.has_value()) {
    return absl::NotFoundError(absl::StrCat("run_id: unknown rematch run '", run_id, "'"));
  }
  if (active == nullptr && run->state() != v1::REMATCH_STATE_CANCELLED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "run_id: rematch run '", run_id, "' is not running (", v1::RematchState_Name(run->state()), ")"));
  }
  OverlayLive(*run);
  return *std::move(run);
}

absl::StatusOr<v1::ListRematchesResponse> RematchManager::List(const v1::ListRematchesRequest& request,
                                                               const RunAccess& access) const {
  if (request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request.page_size(), " is over ", kMaxPageSize));
  }
  if (!request.page_token().empty() && !IsRunId(request.page_token())) {
    return absl::InvalidArgumentError("page_token: not a next_page_token of ListRematches");
  }
  const size_t page = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  v1::ListRematchesResponse response;
  // A page holds up to `page` runs the caller sees, and its token is the last of them
  // when another one it sees follows: a token never names a run the caller may not see
  // (it used to be the page's last stored run, so a coach's token could be another
  // coach's run id). Runs are few (one per rematch a person started), so a coach's page
  // may read past many runs of others.
  std::string before = request.page_token();
  while (true) {
    ASSIGN_OR_RETURN(std::vector<v1::RematchRun> runs, ListRuns(*store_, before, page + 1));
    const bool more_stored = runs.size() > page;
    if (more_stored) before = runs.back().run_id();
    for (v1::RematchRun& run : runs) {
      if (!Sees(access, run)) continue;
      if (static_cast<size_t>(response.runs_size()) == page) {
        response.set_next_page_token(response.runs(response.runs_size() - 1).run_id());
        return response;
      }
      OverlayLive(run);
      *response.add_runs() = std::move(run);
    }
    if (!more_stored) return response;
  }
}

}  // namespace w2w::rematch
