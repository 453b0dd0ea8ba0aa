// TaxonomyService: w2w.v1.TaxonomyService on gRPC's callback API. Listings come from the
// Engine (Engine::ListRegions ... ListQualifications, which filter and page one immutable
// taxonomy snapshot per call); administrator changes are forwarded to the Engine, which
// validates, stores and versions them. Every RPC is short and runs inline on gRPC's
// callback thread (internal/callback_call.h).
//
// Thread safety: stateless apart from what it borrows, all thread-safe.
#ifndef W2W_SERVICE_TAXONOMY_SERVICE_H_
#define W2W_SERVICE_TAXONOMY_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/taxonomy.grpc.pb.h"

namespace w2w::service {

class TaxonomyService final
    : public internal::RawMethods<
          v1::TaxonomyService::Service, v1::TaxonomyService::WithRawCallbackMethod_ListRegions,
          v1::TaxonomyService::WithRawCallbackMethod_ListClusters,
          v1::TaxonomyService::WithRawCallbackMethod_ListMunicipalities,
          v1::TaxonomyService::WithRawCallbackMethod_ListSectors,
          v1::TaxonomyService::WithRawCallbackMethod_ListTrades,
          v1::TaxonomyService::WithRawCallbackMethod_ListQualifications,
          v1::TaxonomyService::WithRawCallbackMethod_UpsertQualification,
          v1::TaxonomyService::WithRawCallbackMethod_UpsertCluster,
          v1::TaxonomyService::WithRawCallbackMethod_UpsertMunicipality,
          v1::TaxonomyService::WithRawCallbackMethod_UpdateRegionAnchor>::type {
 public:
  // Everything in `resources` is borrowed and must outlive the gRPC server.
  explicit TaxonomyService(const internal::CallResources& resources) : resources_(resources) {}

  // Listings: OK, except ListMunicipalities (INVALID_ARGUMENT "region: ..." for an unknown
  // region) and ListTrades (INVALID_ARGUMENT "page_size: ..." above 1,000, "page_token:
  // ..." for a foreign token); see engine.h.
  grpc::ServerUnaryReactor* ListRegions(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListClusters(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListMunicipalities(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListSectors(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListTrades(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListQualifications(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;

  // Administrator changes: OK with the new taxonomy version, or the engine's status
  // (INVALID_ARGUMENT naming the field, RESOURCE_EXHAUSTED past 128 qualifications, ...).
  grpc::ServerUnaryReactor* UpsertQualification(grpc::CallbackServerContext* context,
                                                const grpc::ByteBuffer* request,
                                                grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpsertCluster(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpsertMunicipality(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpdateRegionAnchor(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;

 private:
  const internal::CallResources resources_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_TAXONOMY_SERVICE_H_
