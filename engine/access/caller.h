// Caller: who is making a call into the engine, as the token registry authenticated it
// (or the in-process system caller). Every Engine method that reads or changes records
// takes one and checks the caller's role and scope next to the data (docs/security.md).
//
// Thread safety: immutable after construction; shared between threads by shared_ptr.
#ifndef W2W_ENGINE_ACCESS_CALLER_H_
#define W2W_ENGINE_ACCESS_CALLER_H_

#include <string>

#include "w2w/v1/access.pb.h"

namespace w2w::access {

struct Caller {
  // The token as stored (id, name, role, scope, expiry). The secret is never held.
  v1::Token token;

  const std::string& name() const { return token.name(); }
  v1::Role role() const { return token.role(); }
  bool admin() const { return token.role() == v1::ROLE_ADMIN; }
  bool coach() const { return token.role() == v1::ROLE_COACH; }
  bool partner() const { return token.role() == v1::ROLE_PARTNER; }

  // The in-process caller ("system", administrator rights): Engine::Open's own work, tests
  // and tools that own the engine. Never reached from the network: the service layer
  // authenticates every call to a token's Caller.
  static const Caller& System();
};

// "admin", "coach", "partner" (lower case), or "unspecified".
const char* RoleName(v1::Role role);

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_CALLER_H_
