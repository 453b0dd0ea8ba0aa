// AuditService and PrivacyService: w2w.v1.AuditService (ListAccess) and
// w2w.v1.PrivacyService (EraseCandidate, ExportCandidate) on gRPC's callback API,
// forwarded to the Engine, which checks the administrator role. ListAccess and
// ExportCandidate scan the audit: they run on the long-call pool; EraseCandidate is a
// write and runs like the other short writes (internal/callback_call.h).
//
// Thread safety: stateless apart from what they borrow, all thread-safe.
#ifndef W2W_SERVICE_AUDIT_SERVICE_H_
#define W2W_SERVICE_AUDIT_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/audit.grpc.pb.h"
#include "w2w/v1/privacy.grpc.pb.h"

namespace w2w::service {

class AuditService final
    : public internal::RawMethods<v1::AuditService::Service, v1::AuditService::WithRawCallbackMethod_ListAccess>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit AuditService(const internal::CallResources& resources) : resources_(resources) {}
  grpc::ServerUnaryReactor* ListAccess(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

class PrivacyService final
    : public internal::RawMethods<v1::PrivacyService::Service, v1::PrivacyService::WithRawCallbackMethod_EraseCandidate,
                                  v1::PrivacyService::WithRawCallbackMethod_ExportCandidate>::type {
 public:
  explicit PrivacyService(const internal::CallResources& resources) : resources_(resources) {}
  grpc::ServerUnaryReactor* EraseCandidate(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ExportCandidate(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                            grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_AUDIT_SERVICE_H_
