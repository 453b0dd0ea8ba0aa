// Engine facade: batch rematching (issue 4). The work is done by rematch::RematchManager
// (engine/rematch/manager.h, docs/rematch.md); this file only passes the calls through.
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "engine/common/status_macros.h"
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

absl::Status Engine::StartRematch(const v1::StartRematchRequest& request,
                                  const RematchSink& sink) {
  return state_->rematch->Start(request, sink);
}

absl::StatusOr<v1::RematchRun> Engine::GetRematch(const v1::GetRematchRequest& request) const {
  return state_->rematch->Get(request);
}

absl::StatusOr<v1::RematchRun> Engine::CancelRematch(std::string_view run_id) {
  return state_->rematch->Cancel(run_id);
}

absl::StatusOr<v1::ListRematchesResponse> Engine::ListRematches(
    const v1::ListRematchesRequest& request) const {
  return state_->rematch->List(request);
}

}  // namespace w2w
