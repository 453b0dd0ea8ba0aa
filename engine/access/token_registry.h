// TokenRegistry: the tokens w2w knows, held in memory for authentication on every call
// and stored durably in the store's `tokens` family (key: SHA-256 of the secret, value:
// w2w.v1.Token). The secret itself is never stored or logged: it exists only in the
// CreateToken answer and in the holder's hands.
//
// Authenticate is one SHA-256 and one hash-map probe under a reader lock; Revoke takes
// effect on the next Authenticate. Coach scopes are resolved once per token and taxonomy
// version (ScopeOf).
//
// Errors: UNAUTHENTICATED for an unknown, revoked or expired secret ("unknown token" gives
// nothing away about other tokens); INVALID_ARGUMENT naming the field for a bad
// CreateToken request; NOT_FOUND for revoking an unknown token; FAILED_PRECONDITION for
// revoking one's own token; the store's errors for writes (nothing changes in memory
// when the write fails).
//
// Thread safety: every method is safe to call concurrently; writes are serialized.
#ifndef W2W_ENGINE_ACCESS_TOKEN_REGISTRY_H_
#define W2W_ENGINE_ACCESS_TOKEN_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/access/caller.h"
#include "engine/access/scope.h"
#include "engine/storage/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/access.pb.h"

namespace w2w::access {

class TokenRegistry {
 public:
  // Loads every stored token of `store` (borrowed; outlives the registry).
  static absl::StatusOr<std::unique_ptr<TokenRegistry>> Load(storage::Store* store);

  // The caller holding `secret` at time `now`.
  absl::StatusOr<std::shared_ptr<const Caller>> Authenticate(std::string_view secret, absl::Time now) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // The caller's scope under `tax`, cached per token and taxonomy version.
  std::shared_ptr<const Scope> ScopeOf(const Caller& caller, std::shared_ptr<const taxonomy::Taxonomy> tax) const
      ABSL_LOCKS_EXCLUDED(scope_mu_);

  // Creates a token from `request` (validated here; the scope canonicalised against
  // `tax`), made by `by`, and returns it with its secret.
  absl::StatusOr<v1::CreateTokenResponse> Create(const v1::CreateTokenRequest& request, const Caller& by,
                                                 const taxonomy::Taxonomy& tax, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Tokens by creation time; revoked ones only when asked.
  std::vector<v1::Token> List(bool include_revoked) const ABSL_LOCKS_EXCLUDED(mu_);
  // Revokes the token with id (or name) `id_or_name`; by name, the live one (not revoked,
  // not expired at `now`), else one of that name that expired unrevoked. Names are unique
  // among live tokens only: Create gives the name of an expired token to a new one.
  absl::StatusOr<v1::Token> Revoke(std::string_view id_or_name, const Caller& by, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);
  // OK while the token with id `token_id` is live at `now`; UNAUTHENTICATED naming it once
  // it was revoked or expired (as Authenticate says), or when no token has that id. For
  // long calls (watch streams), which authenticated once at their start.
  absl::Status CheckLive(std::string_view token_id, absl::Time now) const ABSL_LOCKS_EXCLUDED(mu_);
  // Number of live (not revoked, not expired at `now`) administrator tokens.
  size_t LiveAdmins(absl::Time now) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    std::string digest;                    // Key in the store.
    std::shared_ptr<const Caller> caller;  // Replaced (never changed) on revocation.
    absl::Time expires = absl::InfiniteFuture();
  };
  explicit TokenRegistry(storage::Store* store) : store_(store) {}
  static absl::Status LiveAt(const Entry& entry, absl::Time now);
  absl::Status Put(const std::string& digest, const v1::Token& token) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void Index(std::string digest, v1::Token token) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::Store* const store_;
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // Serializes Create and Revoke.
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> by_digest_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> digest_by_id_ ABSL_GUARDED_BY(mu_);

  struct CachedScope {
    uint64_t taxonomy_version = 0;
    std::shared_ptr<const Scope> scope;
  };
  mutable absl::Mutex scope_mu_;
  mutable absl::flat_hash_map<std::string, CachedScope> scopes_ ABSL_GUARDED_BY(scope_mu_);
};

// Parses an RFC 3339 time ("2026-12-31T23:59:59Z"); nullopt when it is not one.
std::optional<absl::Time> ParseRfc3339(std::string_view text);
std::string FormatRfc3339(absl::Time t);

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_TOKEN_REGISTRY_H_
