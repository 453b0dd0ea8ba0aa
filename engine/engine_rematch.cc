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
#include "engine/rematch/manager.h"

namespace w2w {

absl::Status internal::EngineState::OpenRematch() {
  // Marks the runs a previous process left RUNNING as INCOMPLETE before any run starts.
  ASSIGN_OR_RETURN(rematch, rematch::RematchManager::Create(
                                store.get(), records.get(), matcher.get(),
                                [this] { return taxonomy(); }, options.rematch_threads));
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
