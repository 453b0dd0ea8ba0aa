#include "service/sync_services.h"

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/method_handler.h"
#include "grpcpp/support/sync_stream.h"
#include "service/candidate_service.h"
#include "service/match_service.h"
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
namespace {

using grpc::ServerContext;
using grpc::Status;

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
int MethodIndex(const char* service, const char* method) {
  const google::protobuf::ServiceDescriptor* s =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  return s->FindMethodByName(method)->index();
}

// A handler for a client-streaming import method of `*service` that reads the stream as
// raw grpc::ByteBuffer messages and calls `handler(context, reader, summary)`. The
// service's constructor installs it with MarkMethodStreamed (protected in grpc::Service),
// which takes ownership.
//
// Why: the generated handler reads with ServerReader<Request>, whose Read returns false
// both at the end of the stream and for a message that does not parse (e.g. a string
// field that is not valid UTF-8), so an import would stop at the first bad item and be
// acknowledged as complete. A grpc::ByteBuffer always "parses"
// (SerializationTraits<ByteBuffer> only takes the bytes), so Read is false only at the
// end of the stream or when the call broke, and DrainImport parses each message itself.
//
// How: grpc::Service lets a subclass replace a sync method's handler only with
// MarkMethodStreamed (MarkMethodRaw/MarkMethodCallback switch the method to the async or
// callback API). MarkMethodStreamed also relabels the method BIDI_STREAMING; for a client
// stream that changes nothing on the server: neither type has its first message read
// before the handler runs, and the handler is the stock ClientStreamingHandler (one
// response message, then the status), only with ByteBuffer as the request type. It must
// be installed in the service's constructor, before the service is registered.
template <typename ServiceType, typename Handler>
grpc::internal::MethodHandler* RawImportHandler(ServiceType* service, Handler handler) {
  return new grpc::internal::ClientStreamingHandler<ServiceType, grpc::ByteBuffer,
                                                    v1::ImportSummary>(
      [handler](ServiceType* /*self*/, ServerContext* context,
                grpc::ServerReader<grpc::ByteBuffer>* reader,
                v1::ImportSummary* summary) { return handler(context, reader, summary); },
      service);
}

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
    MarkMethodStreamed(MethodIndex("w2w.v1.CandidateService", "ImportCandidates"),
                       RawImportHandler(this, [this](ServerContext* context,
                                                     grpc::ServerReader<grpc::ByteBuffer>* reader,
                                                     v1::ImportSummary* summary) {
                         return ImportRaw(context, reader, summary);
                       }));
  }
  W2W_SYNC_UNARY(UpsertCandidate, UpsertCandidateRequest, UpsertCandidateResponse, Upsert)
  W2W_SYNC_UNARY(GetCandidate, GetCandidateRequest, Candidate, Get)
  W2W_SYNC_UNARY(DeleteCandidate, DeleteCandidateRequest, DeleteCandidateResponse, Delete)
  W2W_SYNC_UNARY_CANCELLABLE(ListCandidates, ListCandidatesRequest, ListCandidatesResponse, List)

 private:
  // ImportCandidates, with the stream read raw (see RawImportHandler).
  Status ImportRaw(ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* reader,
                   v1::ImportSummary* summary) {
    W2W_ADMIT_CALL();
    return impl_.Import([context] { return context->IsCancelled(); },
                        [reader](grpc::ByteBuffer* m) { return reader->Read(m); }, summary);
  }

  CandidateService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncVacancyService final : public v1::VacancyService::Service {
 public:
  SyncVacancyService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {
    MarkMethodStreamed(MethodIndex("w2w.v1.VacancyService", "PushVacancies"),
                       RawImportHandler(this, [this](ServerContext* context,
                                                     grpc::ServerReader<grpc::ByteBuffer>* reader,
                                                     v1::ImportSummary* summary) {
                         return PushRaw(context, reader, summary);
                       }));
  }
  W2W_SYNC_UNARY(UpsertVacancy, UpsertVacancyRequest, UpsertVacancyResponse, Upsert)
  W2W_SYNC_UNARY(GetVacancy, GetVacancyRequest, Vacancy, Get)
  W2W_SYNC_UNARY(CloseVacancy, CloseVacancyRequest, Vacancy, Close)
  W2W_SYNC_UNARY(DeleteVacancy, DeleteVacancyRequest, DeleteVacancyResponse, Delete)
  W2W_SYNC_UNARY_CANCELLABLE(ListVacancies, ListVacanciesRequest, ListVacanciesResponse, List)

 private:
  // PushVacancies, with the stream read raw (see RawImportHandler).
  Status PushRaw(ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* reader,
                 v1::ImportSummary* summary) {
    W2W_ADMIT_CALL();
    return impl_.Push([context] { return context->IsCancelled(); },
                      [reader](grpc::ByteBuffer* m) { return reader->Read(m); }, summary);
  }

  VacancyService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncMatchService final : public v1::MatchService::Service {
 public:
  SyncMatchService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {}
  W2W_SYNC_UNARY(Shortlist, ShortlistRequest, ShortlistResponse, Shortlist)
  W2W_SYNC_UNARY(MatchCandidate, MatchCandidateRequest, MatchCandidateResponse, MatchCandidate)
  W2W_SYNC_UNARY(ExplainMatch, ExplainMatchRequest, ExplainMatchResponse, ExplainMatch)

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
