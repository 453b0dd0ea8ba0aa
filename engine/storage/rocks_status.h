// Translation of rocksdb::Status into absl::Status, private to engine/storage/. Nothing
// outside storage sees RocksDB types (STYLE.md: translate only inside storage).
//
// Codes are chosen by what the caller should do:
//   corruption                         -> DATA_LOSS
//   out of space                       -> RESOURCE_EXHAUSTED
//   lock held / busy at open           -> FAILED_PRECONDITION "data folder is in use ..."
//   incompatible store (bad options,
//   unsupported format, missing store) -> FAILED_PRECONDITION
//   busy, try again, timed out,
//   shutdown in progress               -> UNAVAILABLE (retry later)
//   other I/O errors                   -> INTERNAL
// Thread safety: pure functions.
#ifndef W2W_ENGINE_STORAGE_ROCKS_STATUS_H_
#define W2W_ENGINE_STORAGE_ROCKS_STATUS_H_

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace w2w::storage::internal {

// Where a RocksDB status came from: opening treats lock and format problems as a
// precondition of the data folder; reads and writes treat contention as transient.
enum class Context { kOpen, kRead, kWrite };

// Returns OK for an OK status; otherwise a status whose message starts with
// "store: <what>: " followed by RocksDB's own text.
absl::Status FromRocks(const rocksdb::Status& status, Context context, std::string_view what);

}  // namespace w2w::storage::internal

#endif  // W2W_ENGINE_STORAGE_ROCKS_STATUS_H_
