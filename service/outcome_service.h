// OutcomeService and ReportService: w2w.v1.OutcomeService (RecordPlacement, RecordTrack,
// RecordFollowUp, CancelEvent, ListEvents, ImportEvents) and w2w.v1.ReportService
// (GetReport, GetPlanRealised, GetReadiness) on gRPC's callback API, forwarded to the Engine, which
// checks roles and scopes. Records are short writes on the work pool; listings, reports
// and the plan scan and run on the long-call pool; ImportEvents drains its stream on the
// work pool like the record imports (internal/import_stream.h).
//
// Thread safety: stateless apart from what they borrow, all thread-safe.
#ifndef W2W_SERVICE_OUTCOME_SERVICE_H_
#define W2W_SERVICE_OUTCOME_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/outcome.grpc.pb.h"
#include "w2w/v1/report.grpc.pb.h"

namespace w2w::service {

class OutcomeService final
    : public internal::RawMethods<
          v1::OutcomeService::Service, v1::OutcomeService::WithRawCallbackMethod_RecordPlacement,
          v1::OutcomeService::WithRawCallbackMethod_RecordTrack, v1::OutcomeService::WithRawCallbackMethod_RecordFollowUp,
          v1::OutcomeService::WithRawCallbackMethod_CancelEvent, v1::OutcomeService::WithRawCallbackMethod_ListEvents,
          v1::OutcomeService::WithRawCallbackMethod_ImportEvents>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit OutcomeService(const internal::CallResources& resources) : resources_(resources) {}
  grpc::ServerUnaryReactor* RecordPlacement(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                            grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RecordTrack(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RecordFollowUp(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* CancelEvent(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* ImportEvents(grpc::CallbackServerContext* context,
                                                          grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

class ReportService final
    : public internal::RawMethods<v1::ReportService::Service, v1::ReportService::WithRawCallbackMethod_GetReport,
                                  v1::ReportService::WithRawCallbackMethod_GetPlanRealised,
                                  v1::ReportService::WithRawCallbackMethod_GetReadiness>::type {
 public:
  explicit ReportService(const internal::CallResources& resources) : resources_(resources) {}
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetPlanRealised(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                            grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetReadiness(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_OUTCOME_SERVICE_H_
