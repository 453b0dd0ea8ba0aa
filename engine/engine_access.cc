// Engine facade: tokens (AccessService). Authentication runs on every call the service
// layer admits; the rest is administrator work.
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/clock.h"
#include "engine/access/permissions.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"

namespace w2w {

absl::StatusOr<std::shared_ptr<const access::Caller>> Engine::Authenticate(std::string_view secret) const {
  return state_->tokens->Authenticate(secret, absl::Now());
}

absl::StatusOr<v1::CreateTokenResponse> Engine::CreateToken(const access::Caller& caller,
                                                            const v1::CreateTokenRequest& request) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kManageAccess, "CreateToken"));
  return state_->tokens->Create(request, caller, *state_->taxonomy(), absl::Now());
}

absl::StatusOr<v1::ListTokensResponse> Engine::ListTokens(const access::Caller& caller,
                                                          const v1::ListTokensRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kManageAccess, "ListTokens"));
  v1::ListTokensResponse response;
  for (v1::Token& token : state_->tokens->List(request.include_revoked())) {
    *response.add_tokens() = std::move(token);
  }
  return response;
}

absl::StatusOr<v1::RevokeTokenResponse> Engine::RevokeToken(const access::Caller& caller,
                                                            const v1::RevokeTokenRequest& request) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kManageAccess, "RevokeToken"));
  if (request.id().empty()) return absl::InvalidArgumentError("id: required");
  ASSIGN_OR_RETURN(v1::Token token, state_->tokens->Revoke(request.id(), caller, absl::Now()));
  v1::RevokeTokenResponse response;
  *response.mutable_token() = std::move(token);
  return response;
}

v1::WhoAmIResponse Engine::WhoAmI(const access::Caller& caller) const {
  v1::WhoAmIResponse response;
  *response.mutable_token() = caller.token;
  if (caller.coach()) {
    const std::shared_ptr<const taxonomy::Taxonomy> tax = state_->taxonomy();
    const std::shared_ptr<const access::Scope> scope = state_->ScopeOf(caller);
    for (size_t r = 0; r < tax->num_regions(); ++r) {
      if (scope->HasRegion(static_cast<taxonomy::RegionId>(r))) {
        response.add_regions(tax->region(static_cast<taxonomy::RegionId>(r)).name);
      }
    }
  }
  return response;
}

size_t Engine::LiveAdminTokens() const { return state_->tokens->LiveAdmins(absl::Now()); }

}  // namespace w2w
