#include "service/admin_service.h"

namespace w2w::service {

using internal::Assign;

grpc::ServerUnaryReactor* AdminService::CreateBackup(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::CreateBackupRequest, v1::CreateBackupResponse>(
      resources_, resources_.long_calls, "CreateBackup", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::CreateBackupRequest& r,
                                   v1::CreateBackupResponse* out) { return Assign(engine->CreateBackup(caller, r), out); });
}

grpc::ServerUnaryReactor* AdminService::ListBackups(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::ListBackupsRequest, v1::ListBackupsResponse>(
      resources_, resources_.long_calls, "ListBackups", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ListBackupsRequest& r,
                                   v1::ListBackupsResponse* out) { return Assign(engine->ListBackups(caller, r), out); });
}

}  // namespace w2w::service
