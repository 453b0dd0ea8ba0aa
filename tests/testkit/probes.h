// Probes of the standard gRPC services every w2w-server exposes: grpc.health.v1 and
// grpc.reflection.v1alpha. The test build has no generated code for their protos, so the
// few fields needed are encoded and decoded by hand (field numbers from
// /usr/share/grpc-proto/grpc/{health,reflection}/...).
//
// Thread safety: free functions; safe to call concurrently.
#ifndef W2W_TESTS_TESTKIT_PROBES_H_
#define W2W_TESTS_TESTKIT_PROBES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace w2w::testkit {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
enum class HealthStatus { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// Calls grpc.health.v1.Health/Check for `service` ("" = the whole server).
// Errors: the RPC's status (e.g. UNAVAILABLE when nobody listens, NOT_FOUND for an
// unknown service name).
absl::StatusOr<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service = "",
                                         absl::Duration timeout = absl::Seconds(5));

// Lists the services the server announces through reflection (list_services).
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout = absl::Seconds(5));

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_PROBES_H_
