// VacancyService: w2w.v1.VacancyService (vacancies pushed by partner systems) on gRPC's
// callback API, as thin translations into Engine calls (raw requests parsed here, so a
// request that does not parse is INVALID_ARGUMENT naming the field). UpsertVacancy,
// GetVacancy, CloseVacancy and DeleteVacancy run inline on gRPC's callback thread;
// ListVacancies and the PushVacancies stream on the WorkerPool
// (internal/callback_call.h).
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_VACANCY_SERVICE_H_
#define W2W_SERVICE_VACANCY_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w::service {

class VacancyService final
    : public internal::RawMethods<v1::VacancyService::Service,
                                  v1::VacancyService::WithRawCallbackMethod_UpsertVacancy,
                                  v1::VacancyService::WithRawCallbackMethod_GetVacancy,
                                  v1::VacancyService::WithRawCallbackMethod_CloseVacancy,
                                  v1::VacancyService::WithRawCallbackMethod_DeleteVacancy,
                                  v1::VacancyService::WithRawCallbackMethod_ListVacancies,
                                  v1::VacancyService::WithRawCallbackMethod_PushVacancies>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit VacancyService(const internal::CallResources& resources) : resources_(resources) {}

  // Each answers OK with the response, or the engine's status code for code
  // (INVALID_ARGUMENT naming the field, NOT_FOUND, ABORTED, RESOURCE_EXHAUSTED, ...);
  // UNAVAILABLE while the server drains; CANCELLED when cancelled before it ran.
  grpc::ServerUnaryReactor* UpsertVacancy(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetVacancy(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* CloseVacancy(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteVacancy(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  // On the pool: RESOURCE_EXHAUSTED when all --threads pool threads are busy.
  grpc::ServerUnaryReactor* ListVacancies(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  // Streams the client stream (raw PushVacanciesRequest messages) into the engine's
  // importer on a pool thread, as CandidateService::ImportCandidates.
  grpc::ServerReadReactor<grpc::ByteBuffer>* PushVacancies(grpc::CallbackServerContext* context,
                                                           grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_VACANCY_SERVICE_H_
