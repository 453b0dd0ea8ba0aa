// WatchService: w2w.v1.WatchService (live alerts, docs/watch.md) on gRPC's callback API.
// A Watch call holds no thread: the engine's watch hub queues messages for it and wakes
// it, and the reactor writes them one at a time (the callback API allows one write in
// flight), so a thousand watchers cost a thousand small queues, not a thousand threads.
// The stream ends when the client cancels or its deadline passes (CANCELLED), when the
// watcher fell behind (RESOURCE_EXHAUSTED) or the server shuts down (UNAVAILABLE), the
// last two naming the resume token to reconnect with.
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_WATCH_SERVICE_H_
#define W2W_SERVICE_WATCH_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/watch.grpc.pb.h"

namespace w2w::service {

class WatchService final
    : public internal::RawMethods<v1::WatchService::Service, v1::WatchService::WithRawCallbackMethod_Watch>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit WatchService(const internal::CallResources& resources) : resources_(resources) {}

  // INVALID_ARGUMENT / NOT_FOUND / PERMISSION_DENIED as the engine's Watch says, before
  // the first message; UNAVAILABLE while the server drains.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_WATCH_SERVICE_H_
