// The one place where absl::Status becomes grpc::Status.
//
// Every handler of the service layer returns ToGrpcStatus(...) of what the engine said;
// nothing else in service/ builds a grpc::Status from an absl::Status. The translation is
// code for code (the two enums share their numbering and meaning) and keeps the message,
// which for INVALID_ARGUMENT starts with the offending field path.
//
// Thread safety: a pure function.
#ifndef W2W_SERVICE_STATUS_H_
#define W2W_SERVICE_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace w2w::service {

// Returns the grpc::Status with the same code and message as `status`. OK maps to
// grpc::Status::OK. A code unknown to gRPC (impossible with today's enums) becomes UNKNOWN,
// never INTERNAL.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace w2w::service

#endif  // W2W_SERVICE_STATUS_H_
