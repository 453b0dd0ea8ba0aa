// What a handler of the service layer may ask of the gRPC call it serves, without knowing
// which server API (sync, callback) carries it.
//
// The service classes (candidate_service.h, ...) take these small function references
// instead of grpc::ServerContext / ServerReader / ServerWriter, so that the sync adapters
// in sync_services.cc and a later callback-API variant can share them unchanged.
//
// Thread safety: a FunctionRef borrows the callable; it is valid only during the handler
// call that received it and is used from that handler's thread only.
#ifndef W2W_SERVICE_CALL_H_
#define W2W_SERVICE_CALL_H_

#include "absl/functional/function_ref.h"

namespace w2w::service {

// True once the client cancelled the call, its deadline passed, or the server is shutting
// down past its grace period. Long handlers poll it and stop early.
using IsCancelled = absl::FunctionRef<bool()>;

// Reads the next message of a client stream into `*out`. False at the end of the stream
// (the client half-closed) or when the call broke; the caller then checks IsCancelled.
template <typename Message>
using ReadNext = absl::FunctionRef<bool(Message* out)>;

// Writes one message of a server stream. False when the stream is broken (client gone).
template <typename Message>
using WriteNext = absl::FunctionRef<bool(const Message& message)>;

}  // namespace w2w::service

#endif  // W2W_SERVICE_CALL_H_
