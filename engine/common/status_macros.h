// Small helpers for absl::Status plumbing. Our Abseil (20220623) predates the official
// RETURN_IF_ERROR / ASSIGN_OR_RETURN macros, so we carry minimal local versions.
// Thread safety: stateless macros.
#ifndef W2W_ENGINE_COMMON_STATUS_MACROS_H_
#define W2W_ENGINE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define W2W_CONCAT_INNER_(a, b) a##b
#define W2W_CONCAT_(a, b) W2W_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                         \
  do {                                                \
    ::absl::Status w2w_status_ = (expr);              \
    if (!w2w_status_.ok()) return w2w_status_;        \
  } while (0)

// `lhs = value of expr` when OK, else returns its status. `lhs` may declare a variable:
//   ASSIGN_OR_RETURN(auto store, Store::Open(options));
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(W2W_CONCAT_(w2w_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()

#endif  // W2W_ENGINE_COMMON_STATUS_MACROS_H_
