// The first administrator token: at start the server makes sure an administrator can get
// in. When the admin token file does not exist, it creates a new administrator token and
// writes its secret there (mode 0600, created exclusively, fsynced) — never to a log. An
// existing file is left alone (its token may since have been revoked; delete the file
// and restart to get a new one).
//
// The token is stored before the file is written: a crash in between leaves an unused
// token (listed by ListTokens, revocable) and no file, and the next start makes another.
//
// Thread safety: call once, at start, before serving.
#ifndef W2W_SERVICE_ADMIN_TOKEN_H_
#define W2W_SERVICE_ADMIN_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/engine.h"

namespace w2w::service {

// Returns true when a new token was written to `path`, false when the file existed.
// Errors: the engine's (storage) or the file system's (FAILED_PRECONDITION naming the
// path, e.g. a missing folder or no permission).
absl::StatusOr<bool> EnsureAdminTokenFile(Engine& engine, const std::string& path);

}  // namespace w2w::service

#endif  // W2W_SERVICE_ADMIN_TOKEN_H_
