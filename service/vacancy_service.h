// VacancyService: the w2w.v1.VacancyService RPCs (vacancies pushed by partner systems),
// as thin translations into Engine calls. Knows nothing of storage, validation or the
// gRPC server API (see call.h).
//
// Thread safety: stateless apart from the borrowed, thread-safe Engine.
#ifndef W2W_SERVICE_VACANCY_SERVICE_H_
#define W2W_SERVICE_VACANCY_SERVICE_H_

#include "engine/engine.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"
#include "service/call.h"
#include "w2w/v1/common.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::service {

class VacancyService {
 public:
  // `engine` is borrowed and must outlive this object.
  explicit VacancyService(Engine* engine) : engine_(engine) {}

  // Each returns OK with `*response` filled, or the engine's status translated code for
  // code (INVALID_ARGUMENT naming the field, NOT_FOUND, ABORTED, RESOURCE_EXHAUSTED, ...).
  grpc::Status Upsert(const v1::UpsertVacancyRequest& request, v1::UpsertVacancyResponse* response);
  grpc::Status Get(const v1::GetVacancyRequest& request, v1::Vacancy* response);
  grpc::Status Close(const v1::CloseVacancyRequest& request, v1::Vacancy* response);
  grpc::Status Delete(const v1::DeleteVacancyRequest& request, v1::DeleteVacancyResponse* response);
  // CANCELLED when the call was cancelled before the page was read.
  grpc::Status List(IsCancelled cancelled, const v1::ListVacanciesRequest& request,
                    v1::ListVacanciesResponse* response);
  // Streams the whole client stream (raw PushVacanciesRequest messages) into the engine's
  // importer (see DrainImport).
  grpc::Status Push(IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                    v1::ImportSummary* summary);

 private:
  Engine* const engine_;  // Borrowed.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_VACANCY_SERVICE_H_
