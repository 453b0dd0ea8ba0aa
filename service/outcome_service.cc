#include "service/outcome_service.h"

#include <memory>

#include "service/internal/import_reactor.h"
#include "service/internal/import_stream.h"

namespace w2w::service {

using internal::Assign;

// Serves a unary outcome call on `pool` by calling `method` of the Engine.
#define W2W_OUTCOME_CALL(Service, Rpc, Request, Response, pool)                                              \
  grpc::ServerUnaryReactor* Service::Rpc(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request, \
                                         grpc::ByteBuffer* response) {                                        \
    return internal::ServeUnaryOnPool<v1::Request, v1::Response>(                                             \
        resources_, resources_.pool, #Rpc, context, request, response,                                        \
        [engine = resources_.engine](const access::Caller& caller, const v1::Request& r, v1::Response* out) { \
          return Assign(engine->Rpc(caller, r), out);                                                         \
        });                                                                                                   \
  }

W2W_OUTCOME_CALL(OutcomeService, RecordPlacement, RecordPlacementRequest, RecordPlacementResponse, work)
W2W_OUTCOME_CALL(OutcomeService, RecordTrack, RecordTrackRequest, RecordEventResponse, work)
W2W_OUTCOME_CALL(OutcomeService, RecordFollowUp, RecordFollowUpRequest, RecordEventResponse, work)
W2W_OUTCOME_CALL(OutcomeService, CancelEvent, CancelEventRequest, RecordEventResponse, work)
W2W_OUTCOME_CALL(OutcomeService, ListEvents, ListEventsRequest, ListEventsResponse, long_calls)
W2W_OUTCOME_CALL(ReportService, GetReport, GetReportRequest, GetReportResponse, long_calls)
W2W_OUTCOME_CALL(ReportService, GetPlanRealised, GetPlanRealisedRequest, GetPlanRealisedResponse, long_calls)
W2W_OUTCOME_CALL(ReportService, GetReadiness, GetReadinessRequest, GetReadinessResponse, long_calls)

#undef W2W_OUTCOME_CALL

grpc::ServerReadReactor<grpc::ByteBuffer>* OutcomeService::ImportEvents(grpc::CallbackServerContext* context,
                                                                        grpc::ByteBuffer* response) {
  return internal::ImportReactor::Start(
      resources_, "events", context, response,
      [engine = resources_.engine, max_items = resources_.limits.max_stream_items](
          const access::Caller& caller, IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
          v1::ImportSummary* summary) {
        std::unique_ptr<Importer> importer = engine->NewEventImporter(caller);
        return internal::DrainImport<v1::ImportEventsRequest, v1::OutcomeEvent>(
            *importer, cancelled, next,
            [](Importer& to, uint64_t number, v1::ImportEventsRequest* m) {
              const bool has_one = m->has_event();  // Before mutable_event() creates it.
              return internal::AddRecords(to, number, has_one, m->mutable_event(), m->mutable_events(), "event",
                                          "events");
            },
            "event", "events", max_items, summary);
      });
}

}  // namespace w2w::service
