// AdminService: w2w.v1.AdminService (CreateBackup, ListBackups) on gRPC's callback API,
// forwarded to the Engine, which checks the administrator role. A backup copies files
// for seconds to minutes: both run on the long-call pool, never on the threads of short
// calls.
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_ADMIN_SERVICE_H_
#define W2W_SERVICE_ADMIN_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/admin.grpc.pb.h"

namespace w2w::service {

class AdminService final
    : public internal::RawMethods<v1::AdminService::Service, v1::AdminService::WithRawCallbackMethod_CreateBackup,
                                  v1::AdminService::WithRawCallbackMethod_ListBackups>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit AdminService(const internal::CallResources& resources) : resources_(resources) {}
  grpc::ServerUnaryReactor* CreateBackup(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListBackups(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_ADMIN_SERVICE_H_
