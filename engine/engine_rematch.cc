// Engine facade: batch rematching (issue 4). The work is done by rematch::RematchManager
// (engine/rematch/manager.h, docs/rematch.md); this file only passes the calls through.
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <utility>

#include "absl/status/status.h"
#include "engine/common/status_macros.h"
#include "engine/access/permissions.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/common/dates.h"
#include "engine/outcomes/report.h"
#include "engine/rematch/manager.h"

namespace w2w {

absl::Status internal::EngineState::OpenRematch() {
  // Marks the runs a previous process left RUNNING as INCOMPLETE before any run starts.
  ASSIGN_OR_RETURN(rematch, rematch::RematchManager::Create(
                                store.get(), records.get(), matcher.get(),
                                [this] { return taxonomy(); }, options.rematch_threads,
                                options.release_memory_after_rematch));
  return absl::OkStatus();
}

namespace {

// The caller's access to runs: an administrator rematches anyone and sees every run; a
// coach rematches the candidates in its scope against the vacancies in its scope and
// sees its own runs.
rematch::RunAccess AccessOf(const internal::EngineState& state, const access::Caller& caller) {
  rematch::RunAccess access;
  access.token_id = caller.token.id();
  access.token_name = caller.name();
  if (caller.admin()) return access;
  std::shared_ptr<const access::Scope> scope = state.ScopeOf(caller);
  const double default_travel_km = state.DefaultTravelKm();
  access.sees_candidate = [scope, default_travel_km](const v1::Candidate& c) {
    return scope->SeesCandidate(c, default_travel_km);
  };
  if (scope->coach()) access.vacancies.vacancy_regions = &scope->regions();  // `scope` is held above.
  if (scope->partner()) access.vacancies.source = scope->source();
  access.all_runs = false;
  return access;
}

}  // namespace

absl::Status Engine::StartRematch(const access::Caller& caller, const v1::StartRematchRequest& request,
                                  const RematchSink& sink) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kRematch, "StartRematch"));
  // The people whose results the stream showed are audited once the run ends.
  std::vector<std::string> shown;
  std::string run_id;
  absl::Status status = state_->rematch->Start(
      request,
      [&](const v1::RematchEvent& event) {
        if (event.has_started()) run_id = event.started().run_id();
        if (event.has_result()) shown.push_back(event.result().candidate_id());
        return sink(event);
      },
      AccessOf(*state_, caller));
  state_->RecordAccess(caller, "StartRematch", shown, {}, run_id);
  return status;
}

absl::StatusOr<v1::RematchRun> Engine::GetRematch(const access::Caller& caller,
                                                  const v1::GetRematchRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kRematch, "GetRematch"));
  ASSIGN_OR_RETURN(v1::RematchRun run, state_->rematch->Get(request, AccessOf(*state_, caller)));
  std::vector<std::string_view> ids;
  for (const v1::PersonResult& r : run.results()) ids.push_back(r.candidate_id());
  state_->RecordAccess(caller, "GetRematch", ids, {}, run.run_id());
  return run;
}

absl::StatusOr<v1::RematchRun> Engine::CancelRematch(const access::Caller& caller, std::string_view run_id) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kRematch, "CancelRematch"));
  return state_->rematch->Cancel(run_id, AccessOf(*state_, caller));
}

absl::StatusOr<v1::ListRematchesResponse> Engine::ListRematches(const access::Caller& caller,
                                                                const v1::ListRematchesRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kRematch, "ListRematches"));
  return state_->rematch->List(request, AccessOf(*state_, caller));
}

}  // namespace w2w

namespace w2w {

absl::StatusOr<v1::GetPlanRealisedResponse> Engine::GetPlanRealised(const access::Caller& caller,
                                                                    const v1::GetPlanRealisedRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kRematch, "GetPlanRealised"));
  RETURN_IF_ERROR(access::Require(caller, access::Action::kReadOutcomes, "GetPlanRealised"));
  if (request.run_id().empty()) return absl::InvalidArgumentError("run_id: required");
  // The run's whole plan, page by page, as the caller may see it.
  v1::GetRematchRequest page;
  page.set_run_id(request.run_id());
  page.set_include_results(true);
  page.set_results_page_size(1000);
  v1::RematchRun run;
  std::vector<v1::PersonResult> results;
  for (;;) {
    ASSIGN_OR_RETURN(v1::RematchRun part, state_->rematch->Get(page, AccessOf(*state_, caller)));
    for (v1::PersonResult& r : *part.mutable_results()) results.push_back(std::move(r));
    part.clear_results();
    const std::string next = part.next_results_page_token();
    run = std::move(part);
    if (next.empty()) break;
    page.set_results_page_token(next);
  }
  // The placements (not cancelled) of each person, any date.
  std::vector<std::vector<v1::OutcomeEvent>> placements(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, state_->outcomes->SeqsOfPerson(results[i].candidate_id()));
    for (uint64_t seq : seqs) {
      ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> event, state_->outcomes->EventAt(seq));
      if (!event.has_value() || !event->has_placement()) continue;
      ASSIGN_OR_RETURN(std::optional<uint64_t> cancelled, state_->outcomes->CancellationSeq(event->event_id()));
      if (!cancelled.has_value()) placements[i].push_back(std::move(*event));
    }
  }
  // created_at is RFC 3339; its first ten characters are the UTC day.
  const int32_t started_day = ParseIsoDate(std::string_view(run.created_at()).substr(0, 10)).value_or(0);
  return outcomes::ComputePlanRealised(run, started_day, results, placements);
}

int Engine::StopRematchesForShutdown() { return state_->rematch->StopAllForShutdown(); }

}  // namespace w2w
