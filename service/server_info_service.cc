#include "service/server_info_service.h"

namespace w2w::service {

grpc::Status ServerInfoService::Ping(const v1::PingRequest& /*request*/,
                                     v1::PingResponse* /*response*/) {
  return grpc::Status::OK;
}

grpc::Status ServerInfoService::GetServerInfo(const v1::GetServerInfoRequest& /*request*/,
                                              v1::ServerInfo* response) {
  *response = engine_->Info();
  return grpc::Status::OK;
}

}  // namespace w2w::service
