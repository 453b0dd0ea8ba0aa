#include "engine/access/caller.h"

namespace w2w::access {

const Caller& Caller::System() {
  static const Caller* const system = [] {
    auto* c = new Caller;
    c->token.set_id("system");
    c->token.set_name("system");
    c->token.set_role(v1::ROLE_ADMIN);
    c->token.set_created_by("server");
    return c;
  }();
  return *system;
}

const char* RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN: return "admin";
    case v1::ROLE_COACH: return "coach";
    case v1::ROLE_PARTNER: return "partner";
    default: return "unspecified";
  }
}

}  // namespace w2w::access
