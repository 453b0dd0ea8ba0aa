// TaxonomyService: the w2w.v1.TaxonomyService RPCs. Listings read the Engine's current
// immutable Taxonomy snapshot (filtering and paging of trades happen here, on that
// snapshot); administrator changes are forwarded to the Engine, which validates, stores
// and versions them.
//
// Thread safety: stateless apart from the borrowed, thread-safe Engine; each call works on
// one snapshot, so a concurrent change never mixes two versions in one response.
#ifndef W2W_SERVICE_TAXONOMY_SERVICE_H_
#define W2W_SERVICE_TAXONOMY_SERVICE_H_

#include <cstdint>

#include "engine/engine.h"
#include "grpcpp/support/status.h"
#include "w2w/v1/taxonomy.pb.h"

namespace w2w::service {

// Page size limits of ListTrades (as for every paged listing of the API).
inline constexpr uint32_t kDefaultTradePageSize = 100;
inline constexpr uint32_t kMaxTradePageSize = 1000;

class TaxonomyService {
 public:
  // `engine` is borrowed and must outlive this object.
  explicit TaxonomyService(Engine* engine) : engine_(engine) {}

  // Listings: always OK except where noted.
  grpc::Status ListRegions(const v1::ListRegionsRequest& request,
                           v1::ListRegionsResponse* response);
  grpc::Status ListClusters(const v1::ListClustersRequest& request,
                            v1::ListClustersResponse* response);
  // INVALID_ARGUMENT "region: ..." for an unknown region filter.
  grpc::Status ListMunicipalities(const v1::ListMunicipalitiesRequest& request,
                                  v1::ListMunicipalitiesResponse* response);
  grpc::Status ListSectors(const v1::ListSectorsRequest& request,
                           v1::ListSectorsResponse* response);
  // Trades in taxonomy order whose label (en/nl), ESCO code or id contains `query`
  // (case-insensitive) and whose ISCO group starts with `isco_group`; paged.
  // INVALID_ARGUMENT "page_size: ..." above 1000, "page_token: ..." for a foreign token.
  grpc::Status ListTrades(const v1::ListTradesRequest& request, v1::ListTradesResponse* response);
  grpc::Status ListQualifications(const v1::ListQualificationsRequest& request,
                                  v1::ListQualificationsResponse* response);

  // Administrator changes: OK with the new taxonomy version, or the engine's status
  // (INVALID_ARGUMENT naming the field, RESOURCE_EXHAUSTED past 128 qualifications, ...).
  grpc::Status UpsertQualification(const v1::UpsertQualificationRequest& request,
                                   v1::TaxonomyChange* response);
  grpc::Status UpsertCluster(const v1::UpsertClusterRequest& request, v1::TaxonomyChange* response);
  grpc::Status UpsertMunicipality(const v1::UpsertMunicipalityRequest& request,
                                  v1::TaxonomyChange* response);
  grpc::Status UpdateRegionAnchor(const v1::UpdateRegionAnchorRequest& request,
                                  v1::TaxonomyChange* response);

 private:
  Engine* const engine_;  // Borrowed.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_TAXONOMY_SERVICE_H_
