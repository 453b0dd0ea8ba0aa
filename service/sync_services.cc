#include "service/sync_services.h"

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
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
  SyncCandidateService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {}
  W2W_SYNC_UNARY(UpsertCandidate, UpsertCandidateRequest, UpsertCandidateResponse, Upsert)
  W2W_SYNC_UNARY(GetCandidate, GetCandidateRequest, Candidate, Get)
  W2W_SYNC_UNARY(DeleteCandidate, DeleteCandidateRequest, DeleteCandidateResponse, Delete)
  W2W_SYNC_UNARY_CANCELLABLE(ListCandidates, ListCandidatesRequest, ListCandidatesResponse, List)
  Status ImportCandidates(ServerContext* context,
                          grpc::ServerReader<v1::ImportCandidatesRequest>* reader,
                          v1::ImportSummary* summary) override {
    W2W_ADMIT_CALL();
    return impl_.Import([context] { return context->IsCancelled(); },
                        [reader](v1::ImportCandidatesRequest* m) { return reader->Read(m); },
                        summary);
  }

 private:
  CandidateService impl_;
  CallTracker* const tracker_;  // Borrowed.
};

class SyncVacancyService final : public v1::VacancyService::Service {
 public:
  SyncVacancyService(Engine* engine, CallTracker* tracker) : impl_(engine), tracker_(tracker) {}
  W2W_SYNC_UNARY(UpsertVacancy, UpsertVacancyRequest, UpsertVacancyResponse, Upsert)
  W2W_SYNC_UNARY(GetVacancy, GetVacancyRequest, Vacancy, Get)
  W2W_SYNC_UNARY(CloseVacancy, CloseVacancyRequest, Vacancy, Close)
  W2W_SYNC_UNARY(DeleteVacancy, DeleteVacancyRequest, DeleteVacancyResponse, Delete)
  W2W_SYNC_UNARY_CANCELLABLE(ListVacancies, ListVacanciesRequest, ListVacanciesResponse, List)
  Status PushVacancies(ServerContext* context, grpc::ServerReader<v1::PushVacanciesRequest>* reader,
                       v1::ImportSummary* summary) override {
    W2W_ADMIT_CALL();
    return impl_.Push([context] { return context->IsCancelled(); },
                      [reader](v1::PushVacanciesRequest* m) { return reader->Read(m); }, summary);
  }

 private:
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
