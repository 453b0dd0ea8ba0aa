#include "service/vacancy_service.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "service/internal/import_reactor.h"
#include "service/internal/import_stream.h"

namespace w2w::service {

using internal::Assign;

grpc::ServerUnaryReactor* VacancyService::UpsertVacancy(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::UpsertVacancyRequest, v1::UpsertVacancyResponse>(
      resources_, resources_.work, "UpsertVacancy", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::UpsertVacancyRequest& r,
                                   v1::UpsertVacancyResponse* out) {
        absl::StatusOr<Engine::VacancyWrite> written = engine->UpsertVacancy(caller, r.vacancy());
        if (!written.ok()) return written.status();
        *out->mutable_vacancy() = std::move(written->vacancy);
        out->set_changed(written->changed);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* VacancyService::GetVacancy(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::GetVacancyRequest, v1::Vacancy>(
      resources_, "GetVacancy", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::GetVacancyRequest& r, v1::Vacancy* out) {
        return Assign(engine->GetVacancy(caller, r.id()), out);
      });
}

grpc::ServerUnaryReactor* VacancyService::CloseVacancy(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::CloseVacancyRequest, v1::Vacancy>(
      resources_, resources_.work, "CloseVacancy", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::CloseVacancyRequest& r, v1::Vacancy* out) {
        return Assign(engine->CloseVacancy(caller, r), out);
      });
}

grpc::ServerUnaryReactor* VacancyService::DeleteVacancy(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::DeleteVacancyRequest, v1::DeleteVacancyResponse>(
      resources_, resources_.work, "DeleteVacancy", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::DeleteVacancyRequest& r,
                                   v1::DeleteVacancyResponse* out) {
        absl::StatusOr<uint64_t> deleted = engine->DeleteVacancy(caller, r.id(), r.expected_version());
        if (!deleted.ok()) return deleted.status();
        out->set_deleted_version(*deleted);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* VacancyService::ListVacancies(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::ListVacanciesRequest, v1::ListVacanciesResponse>(
      resources_, resources_.long_calls, "ListVacancies", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ListVacanciesRequest& r,
                                   v1::ListVacanciesResponse* out) {
        return Assign(engine->ListVacancies(caller, r), out);
      });
}

grpc::ServerReadReactor<grpc::ByteBuffer>* VacancyService::PushVacancies(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  return internal::ImportReactor::Start(
      resources_, "vacancies", context, response,
      [engine = resources_.engine, max_items = resources_.limits.max_stream_items](
          const access::Caller& caller, IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
          v1::ImportSummary* summary) {
        std::unique_ptr<Importer> importer = engine->NewVacancyImporter(caller);
        return internal::DrainImport<v1::PushVacanciesRequest, v1::Vacancy>(
            *importer, cancelled, next,
            [](Importer& to, uint64_t number, v1::PushVacanciesRequest* m) {
              const bool has_one = m->has_vacancy();  // Before mutable_vacancy() creates it.
              return internal::AddRecords(to, number, has_one, m->mutable_vacancy(),
                                          m->mutable_vacancies(), "vacancy", "vacancies");
            },
            "vacancy", "vacancies", max_items, summary);
      });
}

}  // namespace w2w::service
