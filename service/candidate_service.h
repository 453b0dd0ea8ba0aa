// CandidateService: the w2w.v1.CandidateService RPCs (candidate profiles), as thin
// translations of requests into Engine calls. Knows nothing of storage, validation or the
// gRPC server API (see call.h); sync_services.cc adapts it to the generated service.
//
// Thread safety: stateless apart from the borrowed Engine, which is thread-safe; every
// method may be called concurrently.
#ifndef W2W_SERVICE_CANDIDATE_SERVICE_H_
#define W2W_SERVICE_CANDIDATE_SERVICE_H_

#include "engine/engine.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"
#include "service/call.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/common.pb.h"

namespace w2w::service {

class CandidateService {
 public:
  // `engine` is borrowed and must outlive this object.
  explicit CandidateService(Engine* engine) : engine_(engine) {}

  // Each returns OK with `*response` filled, or the engine's status translated code for
  // code (INVALID_ARGUMENT naming the field, NOT_FOUND, ABORTED, RESOURCE_EXHAUSTED, ...).
  grpc::Status Upsert(const v1::UpsertCandidateRequest& request,
                      v1::UpsertCandidateResponse* response);
  grpc::Status Get(const v1::GetCandidateRequest& request, v1::Candidate* response);
  grpc::Status Delete(const v1::DeleteCandidateRequest& request,
                      v1::DeleteCandidateResponse* response);
  // CANCELLED when the call was cancelled before the page was read.
  grpc::Status List(IsCancelled cancelled, const v1::ListCandidatesRequest& request,
                    v1::ListCandidatesResponse* response);
  // Streams the whole client stream (raw ImportCandidatesRequest messages, parsed here so
  // that one that does not parse is a per-item error) into the engine's importer; see
  // DrainImport in internal/import_stream.h for the cancellation contract.
  grpc::Status Import(IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                      v1::ImportSummary* summary);

 private:
  Engine* const engine_;  // Borrowed.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_CANDIDATE_SERVICE_H_
