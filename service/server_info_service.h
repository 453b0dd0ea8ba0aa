// ServerInfoService: Ping (the RPC floor: does nothing) and GetServerInfo (operator
// figures from Engine::Info()) on gRPC's callback API, inline on its callback thread.
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_SERVER_INFO_SERVICE_H_
#define W2W_SERVICE_SERVER_INFO_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/server.grpc.pb.h"

namespace w2w::service {

class ServerInfoService final
    : public internal::RawMethods<v1::ServerInfoService::Service,
                                  v1::ServerInfoService::WithRawCallbackMethod_Ping,
                                  v1::ServerInfoService::WithRawCallbackMethod_GetServerInfo>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit ServerInfoService(const internal::CallResources& resources) : resources_(resources) {}

  // OK (UNAVAILABLE while the server drains, INVALID_ARGUMENT for bytes that are no
  // PingRequest); touches nothing.
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* request,
                                 grpc::ByteBuffer* response) override;
  // OK, as Ping.
  grpc::ServerUnaryReactor* GetServerInfo(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_SERVER_INFO_SERVICE_H_
