// PageTokens: opaque list page tokens. A listing that stops at its scan budget continues
// after the last record it examined, which may be one the caller may not see; a token that
// carried that id readably would reveal that the record exists (docs/security.md). Tokens
// are sealed with AES-256-GCM under a key kept in the store's meta family (created at the
// first start), so they stay valid across restarts, cannot be read, and cannot be forged
// to start a listing anywhere else.
//
// Thread safety: const methods may be called concurrently.
#ifndef W2W_ENGINE_ACCESS_PAGE_TOKENS_H_
#define W2W_ENGINE_ACCESS_PAGE_TOKENS_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/storage/store.h"

namespace w2w::access {

class PageTokens {
 public:
  // Loads the key from `store` (borrowed only during the call), creating it when absent.
  static absl::StatusOr<std::unique_ptr<PageTokens>> Open(storage::Store* store);
  // For tests: a fixed 32-byte key.
  explicit PageTokens(std::string key);

  // The sealed, web-safe token of `position` (e.g. the last id examined).
  std::string Seal(std::string_view position) const;
  // The position sealed in `token`; INVALID_ARGUMENT naming page_token for anything this
  // server did not seal (other key, altered, truncated).
  absl::StatusOr<std::string> Open(std::string_view token) const;

 private:
  std::string key_;
};

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_PAGE_TOKENS_H_
