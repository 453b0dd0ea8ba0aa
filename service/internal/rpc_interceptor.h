// The server interceptor that counts every call into ServiceMetrics (method, status code,
// latency, in flight) and, with --log_calls, writes one JSON line per call to stderr:
//   {"ts":"2026-12-07T17:02:03.123Z","method":"w2w.v1.MatchService/Shortlist",
//    "code":"OK","ms":0.412,"token":"coach-twente"}
// The token is named by its name only (never the secret), and nothing of a request or a
// response is logged, so the log carries no personal data (docs/operations.md).
//
// Thread safety: the factory is shared by all calls; each interceptor belongs to one call.
#ifndef W2W_SERVICE_INTERNAL_RPC_INTERCEPTOR_H_
#define W2W_SERVICE_INTERNAL_RPC_INTERCEPTOR_H_

#include "engine/engine.h"
#include "grpcpp/support/server_interceptor.h"
#include "service/service_metrics.h"

namespace w2w::service::internal {

class RpcInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` borrowed; `log_engine` non-null turns on the call log (it names the token).
  RpcInterceptorFactory(ServiceMetrics* metrics, const Engine* log_engine)
      : metrics_(metrics), log_engine_(log_engine) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  ServiceMetrics* const metrics_;
  const Engine* const log_engine_;
};

}  // namespace w2w::service::internal

#endif  // W2W_SERVICE_INTERNAL_RPC_INTERCEPTOR_H_
