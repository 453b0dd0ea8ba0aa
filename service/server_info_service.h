// ServerInfoService: Ping (the RPC floor: does nothing) and GetServerInfo (operator
// figures from Engine::Info()).
//
// Thread safety: stateless apart from the borrowed, thread-safe Engine.
#ifndef W2W_SERVICE_SERVER_INFO_SERVICE_H_
#define W2W_SERVICE_SERVER_INFO_SERVICE_H_

#include "engine/engine.h"
#include "grpcpp/support/status.h"
#include "w2w/v1/server.pb.h"

namespace w2w::service {

class ServerInfoService {
 public:
  // `engine` is borrowed and must outlive this object.
  explicit ServerInfoService(Engine* engine) : engine_(engine) {}

  // Always OK; touches nothing.
  grpc::Status Ping(const v1::PingRequest& request, v1::PingResponse* response);
  // Always OK.
  grpc::Status GetServerInfo(const v1::GetServerInfoRequest& request, v1::ServerInfo* response);

 private:
  Engine* const engine_;  // Borrowed.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_SERVER_INFO_SERVICE_H_
