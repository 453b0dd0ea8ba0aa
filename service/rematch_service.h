// RematchService: the w2w.v1.RematchService RPCs (rematching a whole workforce),
// forwarded to the Engine. StartRematch relays the engine's events to the client stream
// and cancels the run when the client goes away.
//
// Thread safety: stateless apart from the borrowed, thread-safe Engine.
#ifndef W2W_SERVICE_REMATCH_SERVICE_H_
#define W2W_SERVICE_REMATCH_SERVICE_H_

#include "engine/engine.h"
#include "grpcpp/support/status.h"
#include "service/call.h"
#include "w2w/v1/rematch.pb.h"

namespace w2w::service {

class RematchService {
 public:
  // `engine` is borrowed and must outlive this object.
  explicit RematchService(Engine* engine) : engine_(engine) {}

  // Runs the rematch to completion, writing every event with `write`. When the client
  // cancels (or its deadline passes) or a write fails, the sink answers false and the
  // engine cancels the run: returns CANCELLED. Other errors as the engine reports them.
  grpc::Status StartRematch(IsCancelled cancelled, const v1::StartRematchRequest& request,
                            WriteNext<v1::RematchEvent> write);
  // NOT_FOUND for an unknown run id.
  grpc::Status GetRematch(const v1::GetRematchRequest& request, v1::RematchRun* response);
  grpc::Status CancelRematch(const v1::CancelRematchRequest& request, v1::RematchRun* response);
  grpc::Status ListRematches(IsCancelled cancelled, const v1::ListRematchesRequest& request,
                             v1::ListRematchesResponse* response);

 private:
  Engine* const engine_;  // Borrowed.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_REMATCH_SERVICE_H_
