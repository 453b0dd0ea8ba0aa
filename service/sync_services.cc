#include "service/sync_services.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/impl/call_op_set.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "service/call.h"
#include "service/candidate_service.h"
#include "service/match_service.h"
#include "service/message_parse.h"
#include "service/policy_service.h"
#include "service/rematch_service.h"
#include "service/server_info_service.h"
#include "service/status.h"
#include "service/taxonomy_service.h"
#include "service/vacancy_service.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/match.grpc.pb.h"
#include "w2w/v1/policy.grpc.pb.h"
#include "w2w/v1/rematch.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"
#include "w2w/v1/taxonomy.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w::service {
// The tag type of the import handler below: the ServiceType parameter of gRPC's
// ClientStreamingHandler template, carrying the type of the handler's body.
struct RawImport {
  using Body = std::function<grpc::Status(IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                                          v1::ImportSummary* summary)>;
};
// The tag type of the unary handler below, likewise.
template <typename Request, typename Response>
struct ParsedUnary {
  using Body = std::function<grpc::Status(const Request& request, Response* response)>;
};
}  // namespace w2w::service

namespace grpc::internal {

// The handler of a client-streaming import method: reads the stream as raw
// grpc::ByteBuffer messages and runs `body(cancelled, next, summary)`, then sends the
// summary (when the status is OK) and the status, as the primary template does. A
// service's constructor installs it with MarkMethodStreamed, which takes ownership.
//
// Why not the generated handler: it reads with ServerReader<Request>, whose Read returns
// false both at the end of the stream and for a message that does not parse (e.g. a
// string field that is not valid UTF-8), so an import stopped at the first bad item and
// was acknowledged as complete. A grpc::ByteBuffer always "parses"
// (SerializationTraits<ByteBuffer> only takes the bytes) and DrainImport parses each
// message itself.
//
// Why not the primary template with ByteBuffer and the stock ServerReader either: its
// Read also folds "the call broke" (e.g. a message over --max_message_mb, refused by gRPC
// with RESOURCE_EXHAUSTED) into the same false as a clean end of stream, and
// ServerContext::IsCancelled() learns of the broken call only asynchronously, so when
// the oversized message was the last one the unfinished batch was committed although
// the client got no summary. Reading here with AllowNoMessage, the completion's `ok`
// tells them apart: a clean half-close completes OK without a message, a broken call
// completes not OK, and `cancelled` then says so at once (as for a cancel: the
// unfinished batch is dropped).
//
// Why a specialisation of gRPC's template (for our own tag type RawImport) rather than a
// MethodHandler of our own: reading and answering need CompletionQueue::Pluck and
// ServerContext's metadata, which gRPC keeps private to its handler templates (friends);
// a specialisation is such a friend. It uses nothing the primary template does not.
//
// How it is installed: grpc::Service lets a subclass replace a sync method's handler only
// with MarkMethodStreamed (MarkMethodRaw/MarkMethodCallback switch the method to the
// async or callback API). That also relabels the method BIDI_STREAMING, which for a
// client stream changes nothing on the server: neither type has its first message read
// before the handler runs. It must happen in the service's constructor, before the
// service is registered.
template <>
class ClientStreamingHandler<w2w::service::RawImport, ByteBuffer, w2w::v1::ImportSummary> final
    : public MethodHandler {
 public:
  explicit ClientStreamingHandler(w2w::service::RawImport::Body body) : body_(std::move(body)) {}

  void RunHandler(const HandlerParameter& param) override {
    auto* context = static_cast<grpc::ServerContext*>(param.server_context);
    bool broken = false;  // A read completed not OK: the call failed mid-stream.
    const auto next = [&param, &broken](ByteBuffer* out) {
      bool got_message = false;
      if (!Read(param, out, &got_message)) broken = true;
      return got_message;
    };
    const auto cancelled = [context, &broken] { return broken || context->IsCancelled(); };
    w2w::v1::ImportSummary summary;
    const grpc::Status status = body_(cancelled, next, &summary);
    Respond(param, status, summary);
  }

  // Sends `response` (only when `status` is OK) and `status` to the client of the call in
  // `param`, with the initial metadata if not sent yet, and waits until they are sent: the
  // end of gRPC's own ClientStreamingHandler::RunHandler. Shared with the ParsedUnary
  // handler below.
  template <typename Response>
  static void Respond(const HandlerParameter& param, grpc::Status status,
                      const Response& response) {
    CallOpSet<CallOpSendInitialMetadata, CallOpSendMessage, CallOpServerSendStatus> ops;
    if (!param.server_context->sent_initial_metadata_) {
      ops.SendInitialMetadata(&param.server_context->initial_metadata_,
                              param.server_context->initial_metadata_flags());
      if (param.server_context->compression_level_set()) {
        ops.set_compression_level(param.server_context->compression_level());
      }
    }
    if (status.ok()) status = ops.SendMessagePtr(&response);
    ops.ServerSendStatus(&param.server_context->trailing_metadata_, status);
    param.call->PerformOps(&ops);
    param.call->cq()->Pluck(&ops);
  }

  // Reads the next message of the call in `param` into `*out`. Returns true with
  // `*got_message` true for a message or false at the end of the stream (then, as in
  // gRPC's own readers, the context is marked cancelled when the call failed before a
  // message came); false when the read failed (the call broke, e.g. a message over the
  // size limit).
  static bool Read(const HandlerParameter& param, ByteBuffer* out, bool* got_message) {
    CallOpSet<CallOpRecvMessage<ByteBuffer>> ops;
    ops.RecvMessage(out);
    ops.AllowNoMessage();  // The end of the stream completes OK, without a message.
    param.call->PerformOps(&ops);
    if (!param.call->cq()->Pluck(&ops)) return false;
    *got_message = ops.got_message;
    if (!ops.got_message) param.server_context->MaybeMarkCancelledOnRead();
    return true;
  }

 private:
  const w2w::service::RawImport::Body body_;
};

// The handler of a unary record RPC (UpsertCandidate, UpsertVacancy, the match RPCs that
// take inline records): reads the request as raw bytes and parses it with ParseMessage,
// so that a request that does not parse is INVALID_ARGUMENT naming the field
// ("candidate.region: not valid UTF-8") instead of gRPC's INTERNAL with an empty
// message; then runs `body(request, response)` and answers as a unary call. Installed
// with MarkMethodStreamed like the import handler (the method is then served as a stream
// of one message each way, as gRPC's own "streamed unary" methods are).
template <typename Request, typename Response>
class ClientStreamingHandler<w2w::service::ParsedUnary<Request, Response>, ByteBuffer, Response>
    final : public MethodHandler {
 public:
  using Friend =
      ClientStreamingHandler<w2w::service::RawImport, ByteBuffer, w2w::v1::ImportSummary>;
  explicit ClientStreamingHandler(typename w2w::service::ParsedUnary<Request, Response>::Body body)
      : body_(std::move(body)) {}

  void RunHandler(const HandlerParameter& param) override {
    ByteBuffer bytes;
    bool got_message = false;
    Request request;
    Response response;
    grpc::Status status;
    if (!Friend::Read(param, &bytes, &got_message) || !got_message) {
      status = grpc::Status(grpc::StatusCode::INTERNAL, "no request message");
    } else if (absl::Status parsed = w2w::service::ParseMessage(&bytes, &request); !parsed.ok()) {
      status = w2w::service::ToGrpcStatus(parsed);
    } else {
      status = body_(request, &response);
    }
    Friend::Respond(param, status, response);
  }

 private:
  const typename w2w::service::ParsedUnary<Request, Response>::Body body_;
};

}  // namespace grpc::internal

namespace w2w::service {
namespace {

using grpc::ServerContext;
using grpc::Status;
// The import handler (see above); owned by the grpc::Service it is installed in.
using RawImportHandler =
    grpc::internal::ClientStreamingHandler<RawImport, grpc::ByteBuffer, v1::ImportSummary>;

// The answer to a call that arrives while the server drains for shutdown.
Status Draining() {
  return ToGrpcStatus(absl::UnavailableError("server is shutting down; retry on another"));
}

// Counts the call in tracker_ for the rest of the handler, or refuses it while draining.
#define W2W_ADMIT_CALL()          \
  ScopedCall w2w_call_(tracker_); \
  if (!w2w_call_.admitted()) return Draining()

// The index gRPC's generated Service gives method `method` of `service` (its position in
// the .proto), looked up rather than hard-coded so that a new method cannot shift it.
// A name that is not in the generated pool is a programming error found at start-up: it
// stops the server with the name rather than serving a wrong method.
int MethodIndex(const char* service, const char* method) {
  const google::protobuf::ServiceDescriptor* s =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  const google::protobuf::MethodDescriptor* m = s == nullptr ? nullptr : s->FindMethodByName(method);
  if (m == nullptr) {
    std::fprintf(stderr, "w2w-server: no method %s/%s in the generated protos\n", service, method);
    std::abort();
  }
  return m->index();
}

// In a service's constructor: serves unary RPC `Rpc` with the ParsedUnary handler,
// forwarding to `impl_.Method`. The generated virtual `Rpc` is then never called.
#define W2W_PARSED_UNARY(ServiceName, Rpc, Request, Response, Method)                    \
  MarkMethodStreamed(                                                                    \
      MethodIndex("w2w.v1." #ServiceName, #Rpc),                                         \
      new grpc::internal::ClientStreamingHandler<ParsedUnary<v1::Request, v1::Response>, \
                                                 grpc::ByteBuffer, v1::Response>(        \
          [this](const v1::Request& request, v1::Response* response) -> Status {         \
            W2W_ADMIT_CALL();                                                            \
            return impl_.Method(request, response);                                      \
          }))

// Forwards one unary RPC to the method of the same meaning on `impl_`.
#define W2W_SYNC_UNARY(Rpc, Request, Response, Method)                                       \
  Status Rpc(ServerContext* /*context*/, const v1::Request* request, v1::Response* response) \
      override {                                                                             \
    W2W_ADMIT_CALL();                                                                        \
    return impl_.Method(*request, response);                                                 \
  }

// As W2W_SYNC_UNARY, for methods that poll for cancellation.
#define W2W_SYNC_UNARY_CANCELLABLE(Rpc, Request, Response, Method)                         \
  Status Rpc(ServerContext* context, const v1::Request* request, v1::Response* response)   \
      override {                                                                           \
    W2W_ADMIT_CALL();                                                                      \
    return impl_.Method([context] { return context->IsCancelled(); }, *request, response); \
  }

class SyncCandidateService final : public v1::CandidateService::Service {
 public:
  SyncCandidateService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {
    MarkMethodStreamed(
        MethodIndex("w2w.v1.CandidateService", "ImportCandidates"),
        new RawImportHandler([this](IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                                    v1::ImportSummary* summary) {
          W2W_ADMIT_CALL();
          return impl_.Import(cancelled, next, summary);
        }));
    W2W_PARSED_UNARY(CandidateService, UpsertCandidate, UpsertCandidateRequest,
                     UpsertCandidateResponse, Upsert);
  }
  W2W_SYNC_UNARY(GetCandidate, GetCandidateRequest, Candidate, Get)
  W2W_SYNC_UNARY(DeleteCandidate, DeleteCandidateRequest, DeleteCandidateResponse, Delete)
  W2W_SYNC_UNARY_CANCELLABLE(ListCandidates, ListCandidatesRequest, ListCandidatesResponse, List)

 private:
  CandidateService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncVacancyService final : public v1::VacancyService::Service {
 public:
  SyncVacancyService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {
    MarkMethodStreamed(
        MethodIndex("w2w.v1.VacancyService", "PushVacancies"),
        new RawImportHandler([this](IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                                    v1::ImportSummary* summary) {
          W2W_ADMIT_CALL();
          return impl_.Push(cancelled, next, summary);
        }));
    W2W_PARSED_UNARY(VacancyService, UpsertVacancy, UpsertVacancyRequest, UpsertVacancyResponse,
                     Upsert);
  }
  W2W_SYNC_UNARY(GetVacancy, GetVacancyRequest, Vacancy, Get)
  W2W_SYNC_UNARY(CloseVacancy, CloseVacancyRequest, Vacancy, Close)
  W2W_SYNC_UNARY(DeleteVacancy, DeleteVacancyRequest, DeleteVacancyResponse, Delete)
  W2W_SYNC_UNARY_CANCELLABLE(ListVacancies, ListVacanciesRequest, ListVacanciesResponse, List)

 private:
  VacancyService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncMatchService final : public v1::MatchService::Service {
 public:
  // All three may carry inline records (see ParsedUnary).
  SyncMatchService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {
    W2W_PARSED_UNARY(MatchService, Shortlist, ShortlistRequest, ShortlistResponse, Shortlist);
    W2W_PARSED_UNARY(MatchService, MatchCandidate, MatchCandidateRequest, MatchCandidateResponse,
                     MatchCandidate);
    W2W_PARSED_UNARY(MatchService, ExplainMatch, ExplainMatchRequest, ExplainMatchResponse,
                     ExplainMatch);
  }

 private:
  MatchService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncRematchService final : public v1::RematchService::Service {
 public:
  SyncRematchService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {}
  Status StartRematch(ServerContext* context, const v1::StartRematchRequest* request,
                      grpc::ServerWriter<v1::RematchEvent>* writer) override {
    W2W_ADMIT_CALL();
    return impl_.StartRematch([context] { return context->IsCancelled(); }, *request,
                              [writer](const v1::RematchEvent& e) { return writer->Write(e); });
  }
  W2W_SYNC_UNARY(GetRematch, GetRematchRequest, RematchRun, GetRematch)
  W2W_SYNC_UNARY(CancelRematch, CancelRematchRequest, RematchRun, CancelRematch)
  W2W_SYNC_UNARY_CANCELLABLE(ListRematches, ListRematchesRequest, ListRematchesResponse,
                             ListRematches)

 private:
  RematchService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncPolicyService final : public v1::PolicyService::Service {
 public:
  SyncPolicyService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {}
  W2W_SYNC_UNARY(GetPolicy, GetPolicyRequest, Policy, GetPolicy)
  W2W_SYNC_UNARY(SetPolicy, SetPolicyRequest, Policy, SetPolicy)

 private:
  PolicyService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncTaxonomyService final : public v1::TaxonomyService::Service {
 public:
  SyncTaxonomyService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {}
  W2W_SYNC_UNARY(ListRegions, ListRegionsRequest, ListRegionsResponse, ListRegions)
  W2W_SYNC_UNARY(ListClusters, ListClustersRequest, ListClustersResponse, ListClusters)
  W2W_SYNC_UNARY(ListMunicipalities, ListMunicipalitiesRequest, ListMunicipalitiesResponse,
                 ListMunicipalities)
  W2W_SYNC_UNARY(ListSectors, ListSectorsRequest, ListSectorsResponse, ListSectors)
  W2W_SYNC_UNARY(ListTrades, ListTradesRequest, ListTradesResponse, ListTrades)
  W2W_SYNC_UNARY(ListQualifications, ListQualificationsRequest, ListQualificationsResponse,
                 ListQualifications)
  W2W_SYNC_UNARY(UpsertQualification, UpsertQualificationRequest, TaxonomyChange,
                 UpsertQualification)
  W2W_SYNC_UNARY(UpsertCluster, UpsertClusterRequest, TaxonomyChange, UpsertCluster)
  W2W_SYNC_UNARY(UpsertMunicipality, UpsertMunicipalityRequest, TaxonomyChange, UpsertMunicipality)
  W2W_SYNC_UNARY(UpdateRegionAnchor, UpdateRegionAnchorRequest, TaxonomyChange, UpdateRegionAnchor)

 private:
  TaxonomyService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncServerInfoService final : public v1::ServerInfoService::Service {
 public:
  SyncServerInfoService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {}
  W2W_SYNC_UNARY(Ping, PingRequest, PingResponse, Ping)
  W2W_SYNC_UNARY(GetServerInfo, GetServerInfoRequest, ServerInfo, GetServerInfo)

 private:
  ServerInfoService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

#undef W2W_SYNC_UNARY
#undef W2W_PARSED_UNARY
#undef W2W_SYNC_UNARY_CANCELLABLE
#undef W2W_ADMIT_CALL

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeSyncServices(Engine* engine, CallTracker* tracker) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<SyncCandidateService>(engine, tracker));
  services.push_back(std::make_unique<SyncVacancyService>(engine, tracker));
  services.push_back(std::make_unique<SyncMatchService>(engine, tracker));
  services.push_back(std::make_unique<SyncRematchService>(engine, tracker));
  services.push_back(std::make_unique<SyncPolicyService>(engine, tracker));
  services.push_back(std::make_unique<SyncTaxonomyService>(engine, tracker));
  services.push_back(std::make_unique<SyncServerInfoService>(engine, tracker));
  return services;
}

}  // namespace w2w::service
