#include "service/rematch_service.h"

#include <utility>

#include "service/status.h"

namespace w2w::service {

grpc::Status RematchService::StartRematch(IsCancelled cancelled,
                                          const v1::StartRematchRequest& request,
                                          WriteNext<v1::RematchEvent> write) {
  // The sink runs on the engine's run thread while this handler thread waits inside
  // StartRematch, so borrowing `cancelled` and `write` is safe for the sink's lifetime.
  absl::Status status = engine_->StartRematch(request, [&](const v1::RematchEvent& event) {
    if (cancelled()) return false;
    return write(event);
  });
  return ToGrpcStatus(status);
}

grpc::Status RematchService::GetRematch(const v1::GetRematchRequest& request,
                                        v1::RematchRun* response) {
  absl::StatusOr<v1::RematchRun> run = engine_->GetRematch(request);
  if (!run.ok()) return ToGrpcStatus(run.status());
  *response = *std::move(run);
  return grpc::Status::OK;
}

grpc::Status RematchService::CancelRematch(const v1::CancelRematchRequest& request,
                                           v1::RematchRun* response) {
  absl::StatusOr<v1::RematchRun> run = engine_->CancelRematch(request.run_id());
  if (!run.ok()) return ToGrpcStatus(run.status());
  *response = *std::move(run);
  return grpc::Status::OK;
}

grpc::Status RematchService::ListRematches(IsCancelled cancelled,
                                           const v1::ListRematchesRequest& request,
                                           v1::ListRematchesResponse* response) {
  if (cancelled()) return ToGrpcStatus(absl::CancelledError("ListRematches cancelled"));
  absl::StatusOr<v1::ListRematchesResponse> page = engine_->ListRematches(request);
  if (!page.ok()) return ToGrpcStatus(page.status());
  *response = *std::move(page);
  return grpc::Status::OK;
}

}  // namespace w2w::service
