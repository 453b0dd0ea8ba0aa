// CandidateService: w2w.v1.CandidateService (candidate profiles) on gRPC's callback API.
// Each RPC parses its raw request (so a request that does not parse is INVALID_ARGUMENT
// naming the field), calls the Engine and answers with ToGrpcStatus of the Engine's
// status; it knows nothing of storage or validation. UpsertCandidate, GetCandidate and
// DeleteCandidate run inline on gRPC's callback thread; ListCandidates and the
// ImportCandidates stream run on the WorkerPool (see internal/callback_call.h).
//
// Thread safety: stateless apart from what it borrows, all thread-safe; gRPC calls the
// methods concurrently.
#ifndef W2W_SERVICE_CANDIDATE_SERVICE_H_
#define W2W_SERVICE_CANDIDATE_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/candidate.grpc.pb.h"

namespace w2w::service {

class CandidateService final
    : public internal::RawMethods<v1::CandidateService::Service,
                                  v1::CandidateService::WithRawCallbackMethod_UpsertCandidate,
                                  v1::CandidateService::WithRawCallbackMethod_GetCandidate,
                                  v1::CandidateService::WithRawCallbackMethod_DeleteCandidate,
                                  v1::CandidateService::WithRawCallbackMethod_ListCandidates,
                                  v1::CandidateService::WithRawCallbackMethod_ImportCandidates>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit CandidateService(const internal::CallResources& resources) : resources_(resources) {}

  // Each answers OK with the response, or the engine's status code for code
  // (INVALID_ARGUMENT naming the field, NOT_FOUND, ABORTED, RESOURCE_EXHAUSTED, ...);
  // UNAVAILABLE while the server drains; CANCELLED when cancelled before it ran.
  grpc::ServerUnaryReactor* UpsertCandidate(grpc::CallbackServerContext* context,
                                            const grpc::ByteBuffer* request,
                                            grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetCandidate(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteCandidate(grpc::CallbackServerContext* context,
                                            const grpc::ByteBuffer* request,
                                            grpc::ByteBuffer* response) override;
  // On the pool: RESOURCE_EXHAUSTED when all --threads pool threads are busy.
  grpc::ServerUnaryReactor* ListCandidates(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  // Streams the whole client stream (raw ImportCandidatesRequest messages, parsed one by
  // one so that one that does not parse is a per-item error) into the engine's importer
  // on a pool thread; see DrainImport (internal/import_stream.h) for the cancellation
  // contract and ImportReactor (internal/import_reactor.h) for the stream's end.
  grpc::ServerReadReactor<grpc::ByteBuffer>* ImportCandidates(
      grpc::CallbackServerContext* context, grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_CANDIDATE_SERVICE_H_
