// Engine facade: batch rematching (issue 4). Not built yet: every rematch call answers
// UNIMPLEMENTED naming the missing capability, so the service can expose the RPCs now.
#include "absl/status/status.h"
#include "engine/engine.h"
#include "engine/internal/engine_impl.h"

namespace w2w {
namespace {

absl::Status NotBuilt() {
  return absl::UnimplementedError("rematch (issue 4: batch rematching) is not built yet");
}

}  // namespace

absl::Status Engine::Impl::OpenRematch() { return absl::OkStatus(); }

absl::Status Engine::StartRematch(const v1::StartRematchRequest&, const RematchSink&) {
  return NotBuilt();
}

absl::StatusOr<v1::RematchRun> Engine::GetRematch(const v1::GetRematchRequest&) const {
  return NotBuilt();
}

absl::StatusOr<v1::RematchRun> Engine::CancelRematch(std::string_view) { return NotBuilt(); }

absl::StatusOr<v1::ListRematchesResponse> Engine::ListRematches(
    const v1::ListRematchesRequest&) const {
  return NotBuilt();
}

}  // namespace w2w
