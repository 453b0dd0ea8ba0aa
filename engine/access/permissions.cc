#include "engine/access/permissions.h"

#include "absl/strings/str_cat.h"
#include "engine/common/text.h"

namespace w2w::access {
namespace {

struct Rule {
  bool admin, coach, partner;
  const char* needed;  // For the message.
};

Rule RuleOf(Action action) {
  switch (action) {
    case Action::kReadReference: return {true, true, true, "any role"};
    case Action::kReadRecords: return {true, true, true, "any role"};
    case Action::kWriteRecords: return {true, false, true, "admin or partner role"};
    case Action::kMatch: return {true, true, true, "any role"};
    case Action::kRematch: return {true, true, false, "admin or coach role"};
    case Action::kChangeModel: return {true, false, false, "admin role"};
    case Action::kManageAccess: return {true, false, false, "admin role"};
    case Action::kRecordOutcomes: return {true, true, true, "any role"};
    case Action::kReadOutcomes: return {true, true, true, "any role"};
    case Action::kOperate: return {true, false, false, "admin role"};
  }
  return {false, false, false, "admin role"};
}

}  // namespace

absl::Status Require(const Caller& caller, Action action, std::string_view what) {
  const Rule rule = RuleOf(action);
  const bool allowed = (caller.admin() && rule.admin) || (caller.coach() && rule.coach) ||
                       (caller.partner() && rule.partner);
  if (allowed) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(RoleName(caller.role()), " ", QuoteValue(caller.name()),
                                                  " may not call ", std::string(what), " (", rule.needed, " needed)"));
}

}  // namespace w2w::access
