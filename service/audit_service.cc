#include "service/audit_service.h"

namespace w2w::service {

using internal::Assign;

grpc::ServerUnaryReactor* AuditService::ListAccess(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::ListAccessRequest, v1::ListAccessResponse>(
      resources_, resources_.long_calls, "ListAccess", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ListAccessRequest& r,
                                   v1::ListAccessResponse* out) { return Assign(engine->ListAccess(caller, r), out); });
}

grpc::ServerUnaryReactor* PrivacyService::EraseCandidate(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::EraseCandidateRequest, v1::EraseCandidateResponse>(
      resources_, resources_.work, "EraseCandidate", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::EraseCandidateRequest& r,
                                   v1::EraseCandidateResponse* out) {
        return Assign(engine->EraseCandidate(caller, r), out);
      });
}

grpc::ServerUnaryReactor* PrivacyService::ExportCandidate(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::ExportCandidateRequest, v1::ExportCandidateResponse>(
      resources_, resources_.long_calls, "ExportCandidate", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ExportCandidateRequest& r,
                                   v1::ExportCandidateResponse* out) {
        return Assign(engine->ExportCandidate(caller, r), out);
      });
}

}  // namespace w2w::service
