#include "engine/access/stored_key.h"

#include <utility>

#include "engine/access/secrets.h"
#include "engine/storage/keys.h"

namespace w2w::access {

absl::StatusOr<std::string> LoadOrCreateKey(storage::Store* store, std::string_view name, size_t bytes) {
  std::string key;
  absl::StatusOr<bool> found = store->GetRaw(storage::Family::kMeta, storage::MetaKey(name), &key);
  if (!found.ok()) return found.status();
  if (*found && key.size() == bytes) return key;
  absl::StatusOr<std::string> fresh = RandomBytes(bytes);
  if (!fresh.ok()) return fresh.status();
  storage::Batch batch;
  batch.PutRaw(storage::Family::kMeta, storage::MetaKey(name), *fresh);
  if (absl::Status s = store->Write(batch); !s.ok()) return s;
  return *std::move(fresh);
}

}  // namespace w2w::access
