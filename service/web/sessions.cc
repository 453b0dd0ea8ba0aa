#include "service/web/sessions.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/escaping.h"

namespace w2w::service::web {
namespace {

constexpr int kIdBytes = 32;

std::string RandomId() {
  unsigned char bytes[kIdBytes];
  if (RAND_bytes(bytes, kIdBytes) != 1) std::abort();  // No entropy: never hand out a guessable id.
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), kIdBytes));
}

}  // namespace

std::string SessionStore::Create(Session session, absl::Time now) {
  session.expires = now + ttl_;
  std::string id = RandomId();
  absl::MutexLock lock(&mu_);
  if (sessions_.size() >= max_) {
    // Expired ones first; if none, the one closest to expiry.
    absl::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires <= now; });
    if (sessions_.size() >= max_) {
      auto oldest = sessions_.begin();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (it->second.expires < oldest->second.expires) oldest = it;
      }
      sessions_.erase(oldest);
    }
  }
  sessions_.emplace(id, std::move(session));
  return id;
}

std::optional<Session> SessionStore::Find(absl::string_view id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(absl::string_view(id.data(), id.size()));
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SessionStore::Remove(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(std::string(id));
}

}  // namespace w2w::service::web
