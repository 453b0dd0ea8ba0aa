#include "engine/storage/rocks_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace w2w::storage::internal {
namespace {

// RocksDB reports a held LOCK file as a plain IOError; its text is the only signal.
bool IsLockError(const rocksdb::Status& status) {
  const std::string text = status.ToString();
  return absl::StrContains(text, "lock ") || absl::StrContains(text, "LOCK") ||
         absl::StrContains(text, "Resource temporarily unavailable") ||
         absl::StrContains(text, "No locks available");
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& status, Context context,
                       std::string_view what_view) {
  if (status.ok()) return absl::OkStatus();
  const std::string what(what_view);
  const std::string message = absl::StrCat("store: ", what, ": ", status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNoSpace() || status.IsMemoryLimit()) return absl::ResourceExhaustedError(message);
  if (context == Context::kOpen) {
    if (status.IsBusy() || (status.IsIOError() && IsLockError(status))) {
      return absl::FailedPreconditionError(
          absl::StrCat("store: data folder is in use by another process (", what,
                       "): ", status.ToString()));
    }
    if (status.IsInvalidArgument() || status.IsNotSupported()) {
      return absl::FailedPreconditionError(
          absl::StrCat("store: ", what, " is not a compatible w2w store: ", status.ToString()));
    }
  }
  if (status.IsBusy() || status.IsTryAgain() || status.IsTimedOut() ||
      status.IsShutdownInProgress() || status.IsIncomplete()) {
    return absl::UnavailableError(message);
  }
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (status.IsAborted()) return absl::AbortedError(message);
  return absl::InternalError(message);
}

}  // namespace w2w::storage::internal
