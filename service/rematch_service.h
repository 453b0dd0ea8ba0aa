// RematchService: w2w.v1.RematchService (rematching a whole workforce) on gRPC's callback
// API, forwarded to the Engine. StartRematch runs the engine's rematch on a WorkerPool
// thread and relays its events to the client stream; when the client cancels, its
// deadline passes or the server shuts down past its grace, the stream's sink answers
// false and the engine cancels the run. GetRematch (pages of results) and ListRematches
// run on the pool too, CancelRematch inline (internal/callback_call.h).
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_REMATCH_SERVICE_H_
#define W2W_SERVICE_REMATCH_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/rematch.grpc.pb.h"

namespace w2w::service {

class RematchService final
    : public internal::RawMethods<v1::RematchService::Service,
                                  v1::RematchService::WithRawCallbackMethod_StartRematch,
                                  v1::RematchService::WithRawCallbackMethod_GetRematch,
                                  v1::RematchService::WithRawCallbackMethod_CancelRematch,
                                  v1::RematchService::WithRawCallbackMethod_ListRematches>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit RematchService(const internal::CallResources& resources) : resources_(resources) {}

  // Runs the rematch to completion on a pool thread, writing every event (one write in
  // flight at a time). CANCELLED when the client cancelled, its deadline passed or a
  // write failed (the engine cancels the run); INVALID_ARGUMENT naming the field for a
  // request that does not parse; RESOURCE_EXHAUSTED when every pool thread is busy;
  // other errors as the engine reports them.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StartRematch(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  // NOT_FOUND for an unknown run id.
  grpc::ServerUnaryReactor* GetRematch(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* CancelRematch(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListRematches(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_REMATCH_SERVICE_H_
