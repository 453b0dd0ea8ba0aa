// The small function references the blocking import body (internal/import_stream.h)
// takes from its reactor (internal/import_reactor.h): is the call cancelled, read the
// next message. They keep DrainImport free of reactor details and testable on its own.
//
// Thread safety: a FunctionRef borrows the callable; it is valid only during the call
// that received it and is used from that call's thread only.
#ifndef W2W_SERVICE_CALL_H_
#define W2W_SERVICE_CALL_H_

#include "absl/functional/function_ref.h"

namespace w2w::service {

// True once the client cancelled the call, its deadline passed, the call broke, or the
// server is shutting down past its grace period. Long handlers poll it and stop early.
using IsCancelled = absl::FunctionRef<bool()>;

// Reads the next message of a client stream into `*out`, blocking until it arrives. False
// at the end of the stream (the client half-closed) or when the call broke; the caller
// then checks IsCancelled.
template <typename Message>
using ReadNext = absl::FunctionRef<bool(Message* out)>;

}  // namespace w2w::service

#endif  // W2W_SERVICE_CALL_H_
