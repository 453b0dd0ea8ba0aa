#include "service/policy_service.h"

#include <utility>

#include "service/status.h"

namespace w2w::service {

grpc::Status PolicyService::GetPolicy(const v1::GetPolicyRequest& request, v1::Policy* response) {
  absl::StatusOr<v1::Policy> policy = engine_->GetPolicy(request.version());
  if (!policy.ok()) return ToGrpcStatus(policy.status());
  *response = *std::move(policy);
  return grpc::Status::OK;
}

grpc::Status PolicyService::SetPolicy(const v1::SetPolicyRequest& request, v1::Policy* response) {
  absl::StatusOr<v1::Policy> policy =
      engine_->SetPolicy(request.policy(), request.expected_version());
  if (!policy.ok()) return ToGrpcStatus(policy.status());
  *response = *std::move(policy);
  return grpc::Status::OK;
}

}  // namespace w2w::service
