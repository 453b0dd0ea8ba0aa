#include "service/candidate_service.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "service/internal/import_stream.h"
#include "service/status.h"

namespace w2w::service {

grpc::Status CandidateService::Upsert(const v1::UpsertCandidateRequest& request,
                                      v1::UpsertCandidateResponse* response) {
  absl::StatusOr<Engine::CandidateWrite> written = engine_->UpsertCandidate(request.candidate());
  if (!written.ok()) return ToGrpcStatus(written.status());
  *response->mutable_candidate() = std::move(written->candidate);
  response->set_changed(written->changed);
  return grpc::Status::OK;
}

grpc::Status CandidateService::Get(const v1::GetCandidateRequest& request,
                                   v1::Candidate* response) {
  absl::StatusOr<v1::Candidate> found = engine_->GetCandidate(request.id());
  if (!found.ok()) return ToGrpcStatus(found.status());
  *response = *std::move(found);
  return grpc::Status::OK;
}

grpc::Status CandidateService::Delete(const v1::DeleteCandidateRequest& request,
                                      v1::DeleteCandidateResponse* response) {
  absl::StatusOr<uint64_t> deleted =
      engine_->DeleteCandidate(request.id(), request.expected_version());
  if (!deleted.ok()) return ToGrpcStatus(deleted.status());
  response->set_deleted_version(*deleted);
  return grpc::Status::OK;
}

grpc::Status CandidateService::List(IsCancelled cancelled, const v1::ListCandidatesRequest& request,
                                    v1::ListCandidatesResponse* response) {
  if (cancelled()) return ToGrpcStatus(absl::CancelledError("ListCandidates cancelled"));
  absl::StatusOr<v1::ListCandidatesResponse> page = engine_->ListCandidates(request);
  if (!page.ok()) return ToGrpcStatus(page.status());
  *response = *std::move(page);
  return grpc::Status::OK;
}

grpc::Status CandidateService::Import(IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                                      v1::ImportSummary* summary) {
  std::unique_ptr<Importer> importer = engine_->NewCandidateImporter();
  return internal::DrainImport<v1::ImportCandidatesRequest, v1::Candidate>(
      *importer, cancelled, next,
      [](Importer& to, uint64_t number, v1::ImportCandidatesRequest* m) {
        const bool has_one = m->has_candidate();  // Before mutable_candidate() creates it.
        return internal::AddRecords(to, number, has_one, m->mutable_candidate(), m->mutable_candidates(),
                                    "candidate", "candidates");
      },
      "candidate", "candidates", summary);
}

}  // namespace w2w::service
