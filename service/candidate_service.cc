#include "service/candidate_service.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "service/internal/import_reactor.h"
#include "service/internal/import_stream.h"

namespace w2w::service {

using internal::Assign;

grpc::ServerUnaryReactor* CandidateService::UpsertCandidate(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::UpsertCandidateRequest, v1::UpsertCandidateResponse>(
      resources_, resources_.work, "UpsertCandidate", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::UpsertCandidateRequest& r,
                                   v1::UpsertCandidateResponse* out) {
        absl::StatusOr<Engine::CandidateWrite> written = engine->UpsertCandidate(caller, r.candidate());
        if (!written.ok()) return written.status();
        *out->mutable_candidate() = std::move(written->candidate);
        out->set_changed(written->changed);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CandidateService::GetCandidate(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::GetCandidateRequest, v1::Candidate>(
      resources_, "GetCandidate", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::GetCandidateRequest& r, v1::Candidate* out) {
        return Assign(engine->GetCandidate(caller, r.id()), out);
      });
}

grpc::ServerUnaryReactor* CandidateService::DeleteCandidate(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::DeleteCandidateRequest, v1::DeleteCandidateResponse>(
      resources_, resources_.work, "DeleteCandidate", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::DeleteCandidateRequest& r,
                                   v1::DeleteCandidateResponse* out) {
        absl::StatusOr<uint64_t> deleted = engine->DeleteCandidate(caller, r.id(), r.expected_version());
        if (!deleted.ok()) return deleted.status();
        out->set_deleted_version(*deleted);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CandidateService::ListCandidates(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request,
                                                           grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::ListCandidatesRequest, v1::ListCandidatesResponse>(
      resources_, resources_.long_calls, "ListCandidates", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ListCandidatesRequest& r,
                                   v1::ListCandidatesResponse* out) {
        return Assign(engine->ListCandidates(caller, r), out);
      });
}

grpc::ServerReadReactor<grpc::ByteBuffer>* CandidateService::ImportCandidates(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  return internal::ImportReactor::Start(
      resources_, "candidates", context, response,
      [engine = resources_.engine, max_items = resources_.limits.max_stream_items](
          const access::Caller& caller, IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
          v1::ImportSummary* summary) {
        std::unique_ptr<Importer> importer = engine->NewCandidateImporter(caller);
        return internal::DrainImport<v1::ImportCandidatesRequest, v1::Candidate>(
            *importer, cancelled, next,
            [](Importer& to, uint64_t number, v1::ImportCandidatesRequest* m) {
              const bool has_one = m->has_candidate();  // Before mutable_candidate() creates it.
              return internal::AddRecords(to, number, has_one, m->mutable_candidate(),
                                          m->mutable_candidates(), "candidate", "candidates");
            },
            "candidate", "candidates", max_items, summary);
      });
}

}  // namespace w2w::service
