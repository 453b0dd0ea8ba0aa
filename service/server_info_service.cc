#include "service/server_info_service.h"

namespace w2w::service {

grpc::ServerUnaryReactor* ServerInfoService::Ping(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::PingRequest, v1::PingResponse>(
      resources_, "Ping", context, request, response,
      [](const access::Caller& /*caller*/, const v1::PingRequest& /*r*/, v1::PingResponse* /*out*/) { return absl::OkStatus(); });
}

grpc::ServerUnaryReactor* ServerInfoService::GetServerInfo(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::GetServerInfoRequest, v1::ServerInfo>(
      resources_, "GetServerInfo", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::GetServerInfoRequest& /*r*/, v1::ServerInfo* out) {
        *out = engine->Info();
        return absl::OkStatus();
      });
}

}  // namespace w2w::service
