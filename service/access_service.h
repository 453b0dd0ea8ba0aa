// AccessService: w2w.v1.AccessService (tokens) on gRPC's callback API, forwarded to the
// Engine, which checks the administrator role (WhoAmI: any token) and keeps the tokens.
// CreateToken and RevokeToken write to the store and run like the other short writes
// (internal/callback_call.h); ListTokens and WhoAmI inline.
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_ACCESS_SERVICE_H_
#define W2W_SERVICE_ACCESS_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/access.grpc.pb.h"

namespace w2w::service {

class AccessService final
    : public internal::RawMethods<v1::AccessService::Service,
                                  v1::AccessService::WithRawCallbackMethod_CreateToken,
                                  v1::AccessService::WithRawCallbackMethod_ListTokens,
                                  v1::AccessService::WithRawCallbackMethod_RevokeToken,
                                  v1::AccessService::WithRawCallbackMethod_WhoAmI>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit AccessService(const internal::CallResources& resources) : resources_(resources) {}

  // Each answers UNAUTHENTICATED without a valid token, PERMISSION_DENIED for a token
  // that is not an administrator's (WhoAmI excepted), else the engine's status.
  grpc::ServerUnaryReactor* CreateToken(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_ACCESS_SERVICE_H_
