// PolicyService: the w2w.v1.PolicyService RPCs (the versioned matching policy), forwarded
// to the Engine, which validates, stores and applies policies.
//
// Thread safety: stateless apart from the borrowed, thread-safe Engine.
#ifndef W2W_SERVICE_POLICY_SERVICE_H_
#define W2W_SERVICE_POLICY_SERVICE_H_

#include "engine/engine.h"
#include "grpcpp/support/status.h"
#include "w2w/v1/policy.pb.h"

namespace w2w::service {

class PolicyService {
 public:
  // `engine` is borrowed and must outlive this object.
  explicit PolicyService(Engine* engine) : engine_(engine) {}

  // NOT_FOUND for an unknown version; version 0 is the current policy.
  grpc::Status GetPolicy(const v1::GetPolicyRequest& request, v1::Policy* response);
  // INVALID_ARGUMENT naming "policy.<field>"; ABORTED for a stale expected_version.
  grpc::Status SetPolicy(const v1::SetPolicyRequest& request, v1::Policy* response);

 private:
  Engine* const engine_;  // Borrowed.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_POLICY_SERVICE_H_
