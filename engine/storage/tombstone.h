// Tombstone: what the store keeps of a deleted candidate or vacancy, so that a record
// created again under the same id continues its version sequence (docs/storage.md,
// "Tombstones"). It holds the last version and the time of the deletion, nothing of the
// record's content; the key (keys.h, TombstoneKey) names the record, a candidate by the
// pseudonym of its id. A tombstone older than the store's retention
// (StoreOptions::tombstone_retention) is expired: readers treat it as absent, and the
// tombstones family's compaction filter drops it.
//
// The value is 16 bytes: the version and the deletion time in microseconds since the
// epoch, each 8 bytes big-endian.
//
// Thread safety: plain data and pure functions.
#ifndef W2W_ENGINE_STORAGE_TOMBSTONE_H_
#define W2W_ENGINE_STORAGE_TOMBSTONE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace w2w::storage {

struct Tombstone {
  uint64_t version = 0;           // The version the record had when it was deleted.
  int64_t deleted_at_micros = 0;  // When, in microseconds since the Unix epoch.
};

// The stored value of `tombstone` (16 bytes).
std::string EncodeTombstone(const Tombstone& tombstone);
// The tombstone a stored value holds; nullopt for a value that is not 16 bytes.
std::optional<Tombstone> DecodeTombstone(std::string_view value);

// True when `tombstone` is older than `retention` at `now` (then it no longer counts).
bool TombstoneExpired(const Tombstone& tombstone, absl::Time now, absl::Duration retention);

}  // namespace w2w::storage

#endif  // W2W_ENGINE_STORAGE_TOMBSTONE_H_
