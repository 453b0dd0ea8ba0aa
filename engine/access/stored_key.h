// A random server key kept in the store's meta family: the audit's pseudonym key and the
// page-token key are created at the first start and read at every later one.
#ifndef W2W_ENGINE_ACCESS_STORED_KEY_H_
#define W2W_ENGINE_ACCESS_STORED_KEY_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/storage/store.h"

namespace w2w::access {

// The `bytes`-long key stored under meta key `name`; a fresh random one is written (and
// returned) when none of that length is stored. Store errors as Store::GetRaw / Write.
absl::StatusOr<std::string> LoadOrCreateKey(storage::Store* store, std::string_view name, size_t bytes);

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_STORED_KEY_H_
