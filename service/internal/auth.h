// Authentication at the edge: the bearer token of a call's `authorization` metadata,
// turned into the engine's Caller (Engine::Authenticate). Every RPC of the w2w services
// runs it before anything else (the call helpers of callback_call.h, the stream
// reactors); the gRPC health and reflection services are not ours and need none.
//
// The role and scope checks themselves are the engine's (engine/access): this layer only
// says who is calling.
//
// Thread safety: stateless.
#ifndef W2W_SERVICE_INTERNAL_AUTH_H_
#define W2W_SERVICE_INTERNAL_AUTH_H_

#include <memory>

#include "absl/status/statusor.h"
#include "engine/access/caller.h"
#include "engine/engine.h"
#include "grpcpp/server_context.h"

namespace w2w::service::internal {

// The caller of the call `context`: UNAUTHENTICATED "authorization: ..." when the metadata
// is missing or is not "Bearer <token>", or the engine's UNAUTHENTICATED for an unknown,
// revoked or expired token.
absl::StatusOr<std::shared_ptr<const access::Caller>> Authenticate(const Engine& engine,
                                                                   const grpc::ServerContextBase& context);

}  // namespace w2w::service::internal

#endif  // W2W_SERVICE_INTERNAL_AUTH_H_
