#include "engine/access/token_registry.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/access/secrets.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/storage/keys.h"

namespace w2w::access {
namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kDigestBytes = 32;

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '@' || c == '-';
}

absl::Status CheckName(const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("name: required");
  if (name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat("name: longer than ", kMaxNameBytes, " bytes"));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("name: invalid character at byte ", i, "; allowed are A-Z a-z 0-9 . _ : @ -"));
    }
  }
  return absl::OkStatus();
}

bool Live(const v1::Token& token) { return token.revoked_at().empty(); }

}  // namespace

std::optional<absl::Time> ParseRfc3339(std::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) return std::nullopt;
  return t;
}

std::string FormatRfc3339(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()); }

absl::StatusOr<std::unique_ptr<TokenRegistry>> TokenRegistry::Load(storage::Store* store) {
  std::unique_ptr<TokenRegistry> registry(new TokenRegistry(store));
  absl::Status bad = absl::OkStatus();
  std::vector<std::pair<std::string, v1::Token>> stored;
  absl::StatusOr<uint64_t> visited = store->Scan(
      storage::Family::kTokens, "", "", 0, [&](std::string_view key, std::string_view value) {
        v1::Token token;
        if (key.size() != kDigestBytes || !token.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError("store: a value of tokens does not parse as w2w.v1.Token");
          return false;
        }
        stored.emplace_back(std::string(key), std::move(token));
        return true;
      });
  if (!visited.ok()) return visited.status();
  if (!bad.ok()) return bad;
  {
    absl::MutexLock lock(&registry->mu_);
    for (auto& [digest, token] : stored) registry->Index(std::move(digest), std::move(token));
  }
  return registry;
}

void TokenRegistry::Index(std::string digest, v1::Token token) {
  Entry entry;
  entry.digest = digest;
  if (!token.expires_at().empty()) {
    if (auto t = ParseRfc3339(token.expires_at())) entry.expires = *t;
  }
  digest_by_id_[token.id()] = digest;
  auto caller = std::make_shared<Caller>();
  caller->token = std::move(token);
  entry.caller = std::move(caller);
  by_digest_[std::move(digest)] = std::move(entry);
}

// OK when `entry`'s token is neither revoked nor expired at `now`; else UNAUTHENTICATED
// saying which and when. The one rule for Authenticate and CheckLive.
absl::Status TokenRegistry::LiveAt(const Entry& entry, absl::Time now) {
  if (!Live(entry.caller->token)) {
    return absl::UnauthenticatedError(absl::StrCat("token ", QuoteValue(entry.caller->name()), " was revoked at ",
                                                   entry.caller->token.revoked_at()));
  }
  if (now >= entry.expires) {
    return absl::UnauthenticatedError(absl::StrCat("token ", QuoteValue(entry.caller->name()), " expired at ",
                                                   entry.caller->token.expires_at()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Caller>> TokenRegistry::Authenticate(std::string_view secret,
                                                                          absl::Time now) const {
  const std::string digest = DigestOfSecret(secret);
  absl::ReaderMutexLock lock(&mu_);
  auto it = by_digest_.find(digest);
  if (it == by_digest_.end()) return absl::UnauthenticatedError("unknown token");
  const Entry& entry = it->second;
  RETURN_IF_ERROR(LiveAt(entry, now));
  return entry.caller;
}

absl::Status TokenRegistry::CheckLive(std::string_view token_id, absl::Time now) const {
  absl::ReaderMutexLock lock(&mu_);
  auto id = digest_by_id_.find(absl::string_view(token_id.data(), token_id.size()));
  if (id == digest_by_id_.end()) return absl::UnauthenticatedError("unknown token");
  auto it = by_digest_.find(id->second);
  if (it == by_digest_.end()) return absl::UnauthenticatedError("unknown token");
  const Entry& entry = it->second;
  return LiveAt(entry, now);
}

std::shared_ptr<const Scope> TokenRegistry::ScopeOf(const Caller& caller,
                                                    std::shared_ptr<const taxonomy::Taxonomy> tax) const {
  const uint64_t version = tax->version();
  {
    absl::MutexLock lock(&scope_mu_);
    auto it = scopes_.find(caller.token.id());
    if (it != scopes_.end() && it->second.taxonomy_version == version) return it->second.scope;
  }
  auto scope = std::make_shared<const Scope>(Scope::Of(caller, std::move(tax)));
  absl::MutexLock lock(&scope_mu_);
  scopes_[caller.token.id()] = CachedScope{version, scope};
  return scope;
}

absl::Status TokenRegistry::Put(const std::string& digest, const v1::Token& token) {
  storage::Batch batch;
  batch.Put(storage::Family::kTokens, storage::TokenKey(digest), token);
  return store_->Write(batch);
}

absl::StatusOr<v1::CreateTokenResponse> TokenRegistry::Create(const v1::CreateTokenRequest& request,
                                                              const Caller& by, const taxonomy::Taxonomy& tax,
                                                              absl::Time now) {
  if (absl::Status s = CheckName(request.name()); !s.ok()) return s;
  if (request.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(request.role())) {
    return absl::InvalidArgumentError("role: required: ROLE_ADMIN, ROLE_COACH or ROLE_PARTNER");
  }
  v1::Token token;
  token.set_name(request.name());
  token.set_role(request.role());
  *token.mutable_scope() = request.scope();
  if (absl::Status s = CanonicalizeScope(request.role(), tax, token.mutable_scope()); !s.ok()) return s;
  if (!request.expires_at().empty() && !request.expires_in().empty()) {
    return absl::InvalidArgumentError("expires_in: give expires_at or expires_in, not both");
  }
  if (!request.expires_at().empty()) {
    auto t = ParseRfc3339(request.expires_at());
    if (!t) {
      return absl::InvalidArgumentError(absl::StrCat("expires_at: ", QuoteValue(request.expires_at()),
                                                     " is not an RFC 3339 time like 2027-01-31T00:00:00Z"));
    }
    if (*t <= now) return absl::InvalidArgumentError("expires_at: must be in the future");
    token.set_expires_at(FormatRfc3339(*t));
  }
  if (!request.expires_in().empty()) {
    absl::Duration d;
    if (!absl::ParseDuration(request.expires_in(), &d) || d <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("expires_in: ", QuoteValue(request.expires_in()),
                                                     " is not a positive duration like 720h"));
    }
    token.set_expires_at(FormatRfc3339(now + d));
  }
  token.set_created_at(FormatRfc3339(now));
  token.set_created_by(by.name());

  absl::MutexLock write(&write_mu_);
  {
    absl::ReaderMutexLock lock(&mu_);
    // Live = neither revoked nor expired (as LiveAdmins counts): an expired token's name
    // may be given to a new one.
    for (const auto& [digest, entry] : by_digest_) {
      if (Live(entry.caller->token) && now < entry.expires && entry.caller->name() == request.name()) {
        return absl::AlreadyExistsError(absl::StrCat("name: a live token is already called ", QuoteValue(request.name())));
      }
    }
  }
  absl::StatusOr<std::string> id = NewTokenId();
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> secret = NewSecret();
  if (!secret.ok()) return secret.status();
  token.set_id(*id);
  std::string digest = DigestOfSecret(*secret);
  if (absl::Status s = Put(digest, token); !s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    Index(std::move(digest), token);
  }
  v1::CreateTokenResponse response;
  *response.mutable_token() = std::move(token);
  response.set_secret(*std::move(secret));
  return response;
}

std::vector<v1::Token> TokenRegistry::List(bool include_revoked) const {
  std::vector<v1::Token> out;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [digest, entry] : by_digest_) {
      if (include_revoked || Live(entry.caller->token)) out.push_back(entry.caller->token);
    }
  }
  std::sort(out.begin(), out.end(), [](const v1::Token& a, const v1::Token& b) {
    return std::tie(a.created_at(), a.id()) < std::tie(b.created_at(), b.id());
  });
  return out;
}

absl::StatusOr<v1::Token> TokenRegistry::Revoke(std::string_view id_or_name, const Caller& by, absl::Time now) {
  absl::MutexLock write(&write_mu_);
  std::string digest;
  v1::Token token;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto by_id = digest_by_id_.find(absl::string_view(id_or_name.data(), id_or_name.size()));
    if (by_id != digest_by_id_.end()) {
      digest = by_id->second;
    } else {
      // By name: the live token of that name; else one that expired unrevoked (a name
      // can have one live token and, after expiry, earlier ones).
      std::string expired;
      for (const auto& [d, entry] : by_digest_) {
        if (!Live(entry.caller->token) || entry.caller->name() != id_or_name) continue;
        (now < entry.expires ? digest : expired) = d;
      }
      if (digest.empty()) digest = std::move(expired);
    }
    if (digest.empty()) return absl::NotFoundError(absl::StrCat("id: no token ", QuoteValue(id_or_name)));
    token = by_digest_.at(digest).caller->token;
  }
  if (!Live(token)) return absl::FailedPreconditionError(absl::StrCat("id: token ", QuoteValue(token.id()), " was already revoked"));
  if (token.id() == by.token.id()) {
    return absl::FailedPreconditionError("id: a token cannot revoke itself (use another admin token)");
  }
  token.set_revoked_at(FormatRfc3339(now));
  if (absl::Status s = Put(digest, token); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  Index(std::move(digest), token);
  return token;
}

size_t TokenRegistry::LiveAdmins(absl::Time now) const {
  absl::ReaderMutexLock lock(&mu_);
  return std::count_if(by_digest_.begin(), by_digest_.end(), [&](const auto& kv) {
    const Entry& e = kv.second;
    return e.caller->admin() && Live(e.caller->token) && now < e.expires;
  });
}

}  // namespace w2w::access
