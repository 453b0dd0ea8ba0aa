// Gateway: JSON in, JSON out, over the server's own gRPC services. A request names a
// w2w.v1 method ("w2w.v1.MatchService/Shortlist") and carries the request message in
// protobuf's JSON mapping; the gateway parses it against the method's descriptor, calls
// the method through the in-process channel with the caller's token as
// `authorization: Bearer` metadata, and prints the answer in the JSON mapping
// (lowerCamelCase names, enums by name, 64-bit integers as strings, default values
// included so a page never has to guess a missing field).
//
// So the web page goes through exactly the same authentication, scope checks, rate
// limits and audit as any gRPC client, and the gRPC services need nothing for it.
//
// Thread safety: every method may be called concurrently.
#ifndef W2W_SERVICE_WEB_GATEWAY_H_
#define W2W_SERVICE_WEB_GATEWAY_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace w2w::service::web {

// While a server stream waits for its next message: `on_idle` is called about every
// `interval`; a status other than OK from it cancels the call, and ServerStream returns
// that status. So a caller can write keep-alive lines (and learn that its reader went
// away) and end a stream whose session ended, even when the stream is quiet for hours.
struct StreamIdle {
  absl::Duration interval = absl::Seconds(1);
  std::function<absl::Status()> on_idle;  // Empty: never called.
};

class Gateway {
 public:
  explicit Gateway(std::shared_ptr<grpc::Channel> channel) : channel_(std::move(channel)) {}

  // Calls the unary method `method` ("w2w.v1.Service/Method") with the JSON request
  // `json` ("" = the empty message). Errors: INVALID_ARGUMENT "method: ..." for a method
  // that is not a unary w2w.v1 method, INVALID_ARGUMENT "request: ..." for JSON that does
  // not parse as the request; else the method's own status (code and message as gRPC
  // sent them).
  absl::StatusOr<std::string> Unary(absl::string_view method, absl::string_view json,
                                    absl::string_view token, absl::Duration timeout) const;

  // Calls the server-streaming method `method` and hands each message to `on_message`
  // as one line of JSON (no newline); `on_message` returning false cancels the call
  // (returns CANCELLED). Returns the stream's final status.
  absl::Status ServerStream(absl::string_view method, absl::string_view json,
                            absl::string_view token, absl::Duration timeout,
                            const std::function<bool(const std::string& json)>& on_message,
                            const StreamIdle& idle = {}) const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace w2w::service::web

#endif  // W2W_SERVICE_WEB_GATEWAY_H_
