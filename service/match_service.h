// MatchService: w2w.v1.MatchService (shortlists, candidate matches and explanations) on
// gRPC's callback API, forwarded to the Engine; scoring lives in engine/match. All three
// may carry inline records, so their raw requests are parsed here (a request that does
// not parse is INVALID_ARGUMENT naming the field). They run inline on gRPC's callback
// thread: a Shortlist is a fraction of a millisecond and must not queue behind the long
// calls on the WorkerPool.
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_MATCH_SERVICE_H_
#define W2W_SERVICE_MATCH_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/match.grpc.pb.h"

namespace w2w::service {

class MatchService final
    : public internal::RawMethods<v1::MatchService::Service,
                                  v1::MatchService::WithRawCallbackMethod_Shortlist,
                                  v1::MatchService::WithRawCallbackMethod_MatchCandidate,
                                  v1::MatchService::WithRawCallbackMethod_ExplainMatch>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit MatchService(const internal::CallResources& resources) : resources_(resources) {}

  // Each answers OK with the response, or the engine's status code for code
  // (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION for a closed vacancy, ...);
  // UNAVAILABLE while the server drains; CANCELLED when cancelled before it ran.
  grpc::ServerUnaryReactor* Shortlist(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* MatchCandidate(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ExplainMatch(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_MATCH_SERVICE_H_
