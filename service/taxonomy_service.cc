#include "service/taxonomy_service.h"

#include <cstdint>

namespace w2w::service {
namespace {

using internal::Assign;

// The response of an administrator change: the new taxonomy version.
absl::Status Change(const absl::StatusOr<uint64_t>& version, v1::TaxonomyChange* out) {
  if (!version.ok()) return version.status();
  out->set_taxonomy_version(*version);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* TaxonomyService::ListRegions(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ListRegionsRequest, v1::ListRegionsResponse>(
      resources_, "ListRegions", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::ListRegionsRequest& /*r*/,
                                   v1::ListRegionsResponse* out) {
        *out = engine->ListRegions();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TaxonomyService::ListClusters(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ListClustersRequest, v1::ListClustersResponse>(
      resources_, "ListClusters", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::ListClustersRequest& /*r*/,
                                   v1::ListClustersResponse* out) {
        *out = engine->ListClusters();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TaxonomyService::ListMunicipalities(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ListMunicipalitiesRequest, v1::ListMunicipalitiesResponse>(
      resources_, "ListMunicipalities", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::ListMunicipalitiesRequest& r,
                                   v1::ListMunicipalitiesResponse* out) {
        return Assign(engine->ListMunicipalities(r), out);
      });
}

grpc::ServerUnaryReactor* TaxonomyService::ListSectors(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ListSectorsRequest, v1::ListSectorsResponse>(
      resources_, "ListSectors", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::ListSectorsRequest& /*r*/,
                                   v1::ListSectorsResponse* out) {
        *out = engine->ListSectors();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TaxonomyService::ListTrades(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ListTradesRequest, v1::ListTradesResponse>(
      resources_, "ListTrades", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::ListTradesRequest& r, v1::ListTradesResponse* out) {
        return Assign(engine->ListTrades(r), out);
      });
}

grpc::ServerUnaryReactor* TaxonomyService::ListQualifications(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ListQualificationsRequest, v1::ListQualificationsResponse>(
      resources_, "ListQualifications", context, request, response,
      [engine = resources_.engine](const access::Caller& /*caller*/, const v1::ListQualificationsRequest& /*r*/,
                                   v1::ListQualificationsResponse* out) {
        *out = engine->ListQualifications();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TaxonomyService::UpsertQualification(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::UpsertQualificationRequest, v1::TaxonomyChange>(
      resources_, resources_.work, "UpsertQualification", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::UpsertQualificationRequest& r,
                                   v1::TaxonomyChange* out) {
        return Change(engine->UpsertQualification(caller, r.qualification()), out);
      });
}

grpc::ServerUnaryReactor* TaxonomyService::UpsertCluster(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::UpsertClusterRequest, v1::TaxonomyChange>(
      resources_, resources_.work, "UpsertCluster", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::UpsertClusterRequest& r, v1::TaxonomyChange* out) {
        return Change(engine->UpsertCluster(caller, r.cluster()), out);
      });
}

grpc::ServerUnaryReactor* TaxonomyService::UpsertMunicipality(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::UpsertMunicipalityRequest, v1::TaxonomyChange>(
      resources_, resources_.work, "UpsertMunicipality", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::UpsertMunicipalityRequest& r,
                                   v1::TaxonomyChange* out) {
        return Change(engine->UpsertMunicipality(caller, r.municipality()), out);
      });
}

grpc::ServerUnaryReactor* TaxonomyService::UpdateRegionAnchor(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::UpdateRegionAnchorRequest, v1::TaxonomyChange>(
      resources_, resources_.work, "UpdateRegionAnchor", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::UpdateRegionAnchorRequest& r,
                                   v1::TaxonomyChange* out) {
        return Change(engine->UpdateRegionAnchor(caller, r), out);
      });
}

}  // namespace w2w::service
