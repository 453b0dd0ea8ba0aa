// PolicyService: w2w.v1.PolicyService (the versioned matching policy) on gRPC's callback
// API, forwarded to the Engine, which validates, stores and applies policies. Both RPCs
// are short and run inline on gRPC's callback thread (internal/callback_call.h).
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_POLICY_SERVICE_H_
#define W2W_SERVICE_POLICY_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/policy.grpc.pb.h"

namespace w2w::service {

class PolicyService final
    : public internal::RawMethods<v1::PolicyService::Service,
                                  v1::PolicyService::WithRawCallbackMethod_GetPolicy,
                                  v1::PolicyService::WithRawCallbackMethod_SetPolicy>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit PolicyService(const internal::CallResources& resources) : resources_(resources) {}

  // NOT_FOUND for an unknown version; version 0 is the current policy.
  grpc::ServerUnaryReactor* GetPolicy(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  // INVALID_ARGUMENT naming "policy.<field>"; ABORTED for a stale expected_version.
  grpc::ServerUnaryReactor* SetPolicy(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_POLICY_SERVICE_H_
