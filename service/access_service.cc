#include "service/access_service.h"

namespace w2w::service {

using internal::Assign;

grpc::ServerUnaryReactor* AccessService::CreateToken(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::CreateTokenRequest, v1::CreateTokenResponse>(
      resources_, resources_.work, "CreateToken", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::CreateTokenRequest& r,
                                   v1::CreateTokenResponse* out) { return Assign(engine->CreateToken(caller, r), out); });
}

grpc::ServerUnaryReactor* AccessService::ListTokens(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ListTokensRequest, v1::ListTokensResponse>(
      resources_, "ListTokens", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ListTokensRequest& r,
                                   v1::ListTokensResponse* out) { return Assign(engine->ListTokens(caller, r), out); });
}

grpc::ServerUnaryReactor* AccessService::RevokeToken(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::RevokeTokenRequest, v1::RevokeTokenResponse>(
      resources_, resources_.work, "RevokeToken", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::RevokeTokenRequest& r,
                                   v1::RevokeTokenResponse* out) { return Assign(engine->RevokeToken(caller, r), out); });
}

grpc::ServerUnaryReactor* AccessService::WhoAmI(grpc::CallbackServerContext* context,
                                                const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::WhoAmIRequest, v1::WhoAmIResponse>(
      resources_, "WhoAmI", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::WhoAmIRequest& /*r*/,
                                   v1::WhoAmIResponse* out) {
        *out = engine->WhoAmI(caller);
        return absl::OkStatus();
      });
}

}  // namespace w2w::service
