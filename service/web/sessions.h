// Sessions of the web page: a browser logs in once with its API token (/login) and then
// carries only a random session id in an HttpOnly, SameSite=Strict cookie; the token
// stays on the server. Sessions live in memory (a restart logs everyone out), expire
// after a fixed time from login, and end at logout. The token is still checked on every
// call (the gateway sends it with each RPC), so a revoked token ends its sessions'
// access at the next call.
//
// Thread safety: every method may be called concurrently.
#ifndef W2W_SERVICE_WEB_SESSIONS_H_
#define W2W_SERVICE_WEB_SESSIONS_H_

#include <cstddef>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace w2w::service::web {

struct Session {
  std::string token;  // The API token's secret.
  std::string name;   // The token's name, for the page header.
  std::string role;   // "ADMIN", "COACH", "PARTNER" (from WhoAmI).
  absl::Time expires;
};

class SessionStore {
 public:
  // At most `max_sessions` live at once: past it, the one closest to expiry goes.
  SessionStore(absl::Duration ttl, size_t max_sessions) : ttl_(ttl), max_(max_sessions) {}

  // A new session for `session` (its `expires` is set here); returns its id: 32 random
  // bytes from OpenSSL, hex.
  std::string Create(Session session, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  // The live session `id`, or nullopt (unknown, or expired: then removed).
  std::optional<Session> Find(absl::string_view id, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  void Remove(absl::string_view id) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Duration ttl() const { return ttl_; }

 private:
  const absl::Duration ttl_;
  const size_t max_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace w2w::service::web

#endif  // W2W_SERVICE_WEB_SESSIONS_H_
