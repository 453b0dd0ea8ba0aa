#include "service/vacancy_service.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "service/internal/import_stream.h"
#include "service/status.h"

namespace w2w::service {

grpc::Status VacancyService::Upsert(const v1::UpsertVacancyRequest& request,
                                    v1::UpsertVacancyResponse* response) {
  absl::StatusOr<Engine::VacancyWrite> written = engine_->UpsertVacancy(request.vacancy());
  if (!written.ok()) return ToGrpcStatus(written.status());
  *response->mutable_vacancy() = std::move(written->vacancy);
  response->set_changed(written->changed);
  return grpc::Status::OK;
}

grpc::Status VacancyService::Get(const v1::GetVacancyRequest& request, v1::Vacancy* response) {
  absl::StatusOr<v1::Vacancy> found = engine_->GetVacancy(request.id());
  if (!found.ok()) return ToGrpcStatus(found.status());
  *response = *std::move(found);
  return grpc::Status::OK;
}

grpc::Status VacancyService::Close(const v1::CloseVacancyRequest& request, v1::Vacancy* response) {
  absl::StatusOr<v1::Vacancy> closed = engine_->CloseVacancy(request);
  if (!closed.ok()) return ToGrpcStatus(closed.status());
  *response = *std::move(closed);
  return grpc::Status::OK;
}

grpc::Status VacancyService::Delete(const v1::DeleteVacancyRequest& request,
                                    v1::DeleteVacancyResponse* response) {
  absl::StatusOr<uint64_t> deleted =
      engine_->DeleteVacancy(request.id(), request.expected_version());
  if (!deleted.ok()) return ToGrpcStatus(deleted.status());
  response->set_deleted_version(*deleted);
  return grpc::Status::OK;
}

grpc::Status VacancyService::List(IsCancelled cancelled, const v1::ListVacanciesRequest& request,
                                  v1::ListVacanciesResponse* response) {
  if (cancelled()) return ToGrpcStatus(absl::CancelledError("ListVacancies cancelled"));
  absl::StatusOr<v1::ListVacanciesResponse> page = engine_->ListVacancies(request);
  if (!page.ok()) return ToGrpcStatus(page.status());
  *response = *std::move(page);
  return grpc::Status::OK;
}

grpc::Status VacancyService::Push(IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                                  v1::ImportSummary* summary) {
  std::unique_ptr<Importer> importer = engine_->NewVacancyImporter();
  return internal::DrainImport<v1::PushVacanciesRequest, v1::Vacancy>(
      *importer, cancelled, next,
      [](Importer& to, uint64_t number, v1::PushVacanciesRequest* m) {
        const bool has_one = m->has_vacancy();  // Before mutable_vacancy() creates it.
        return internal::AddRecords(to, number, has_one, m->mutable_vacancy(), m->mutable_vacancies(),
                                    "vacancy", "vacancies");
      },
      "vacancy", "vacancies", summary);
}

}  // namespace w2w::service
