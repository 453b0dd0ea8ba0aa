// Adapters from the generated sync-API gRPC services (w2w::v1::*Service::Service) to the
// service classes of this layer. They only unpack grpc::ServerContext / ServerReader /
// ServerWriter into the API-neutral call.h references; a callback-API variant would be a
// sibling of this file, reusing the same service classes.
//
// Thread safety: the adapters are stateless and called concurrently by gRPC's sync server
// threads; the services they forward to are thread-safe.
#ifndef W2W_SERVICE_SYNC_SERVICES_H_
#define W2W_SERVICE_SYNC_SERVICES_H_

#include <memory>
#include <vector>

#include "engine/engine.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "service/call_tracker.h"

namespace w2w::service {

// Every w2w.v1 service, as sync-API grpc::Service objects over `engine`. Every call is
// counted in `tracker` and refused with UNAVAILABLE once it drains. Both are borrowed and
// must outlive the returned services and the server they are registered with.
// Register each with grpc::ServerBuilder::RegisterService; they own their service classes.
std::vector<std::unique_ptr<grpc::Service>> MakeSyncServices(Engine* engine, CallTracker* tracker);

}  // namespace w2w::service

#endif  // W2W_SERVICE_SYNC_SERVICES_H_
