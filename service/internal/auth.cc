#include "service/internal/auth.h"

#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace w2w::service::internal {
namespace {

constexpr std::string_view kScheme = "bearer ";

}  // namespace

absl::StatusOr<std::shared_ptr<const access::Caller>> Authenticate(const Engine& engine,
                                                                   const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "authorization: missing; send the metadata 'authorization: Bearer <token>' (see docs/security.md)");
  }
  const std::string_view value(it->second.data(), it->second.size());
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(absl::string_view(value.data(), kScheme.size()),
                              absl::string_view(kScheme.data(), kScheme.size()))) {
    return absl::UnauthenticatedError("authorization: not 'Bearer <token>'");
  }
  std::string_view secret = value.substr(kScheme.size());
  while (!secret.empty() && secret.front() == ' ') secret.remove_prefix(1);
  while (!secret.empty() && secret.back() == ' ') secret.remove_suffix(1);
  return engine.Authenticate(secret);
}

}  // namespace w2w::service::internal
