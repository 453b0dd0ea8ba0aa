#include "service/policy_service.h"

namespace w2w::service {

using internal::Assign;

grpc::ServerUnaryReactor* PolicyService::GetPolicy(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::GetPolicyRequest, v1::Policy>(
      resources_, "GetPolicy", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::GetPolicyRequest& r, v1::Policy* out) {
        return Assign(engine->GetPolicy(r.version()), out);
      });
}

grpc::ServerUnaryReactor* PolicyService::SetPolicy(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::SetPolicyRequest, v1::Policy>(
      resources_, resources_.work, "SetPolicy", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::SetPolicyRequest& r, v1::Policy* out) {
        return Assign(engine->SetPolicy(caller, r.policy(), r.expected_version()), out);
      });
}

}  // namespace w2w::service
