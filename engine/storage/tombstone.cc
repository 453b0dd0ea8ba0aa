// The value encoding and expiry of tombstones (tombstone.h).
#include "engine/storage/tombstone.h"

#include <string>
#include <string_view>

#include "engine/storage/keys.h"

namespace w2w::storage {
namespace {

constexpr size_t kUint64Bytes = 8;
constexpr size_t kTombstoneBytes = 2 * kUint64Bytes;

}  // namespace

std::string EncodeTombstone(const Tombstone& tombstone) {
  return EncodeUint64Key(tombstone.version) +
         EncodeUint64Key(static_cast<uint64_t>(tombstone.deleted_at_micros));
}

std::optional<Tombstone> DecodeTombstone(std::string_view value) {
  if (value.size() != kTombstoneBytes) return std::nullopt;
  Tombstone tombstone;
  tombstone.version = DecodeUint64Key(value);
  tombstone.deleted_at_micros = static_cast<int64_t>(DecodeUint64Key(value.substr(kUint64Bytes)));
  return tombstone;
}

bool TombstoneExpired(const Tombstone& tombstone, absl::Time now, absl::Duration retention) {
  return absl::FromUnixMicros(tombstone.deleted_at_micros) + retention < now;
}

}  // namespace w2w::storage
