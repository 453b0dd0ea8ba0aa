// Bearer tokens for w2w clients (the CLI, the load generator, the tests' harness): a
// channel whose every call carries the metadata `authorization: Bearer <token>`, over any
// channel credentials (plaintext on loopback, or TLS), and the reading of a token file.
//
// The metadata is added by a client interceptor, so it is sent on plaintext channels too
// (gRPC's call credentials are sent only over TLS); the server accepts plaintext only on
// loopback addresses (docs/security.md).
//
// Thread safety: the channel is thread-safe; the functions are pure.
#ifndef W2W_CLIENTS_AUTH_BEARER_H_
#define W2W_CLIENTS_AUTH_BEARER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace w2w::clients {

// A channel to `target` whose calls carry `token` (none when it is empty).
std::shared_ptr<grpc::Channel> CreateBearerChannel(const std::string& target,
                                                   const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                                   const grpc::ChannelArguments& args, const std::string& token);

// The token in file `path`: its first line, without surrounding white space.
// NOT_FOUND / PERMISSION_DENIED naming the path when it cannot be read;
// INVALID_ARGUMENT when it holds no token.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

}  // namespace w2w::clients

#endif  // W2W_CLIENTS_AUTH_BEARER_H_
