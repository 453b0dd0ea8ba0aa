#include "engine/access/page_tokens.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "engine/access/secrets.h"
#include "engine/access/stored_key.h"

namespace w2w::access {
namespace {

constexpr std::string_view kKeyName = "page_token_key";
constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

absl::Status NotAToken() {
  return absl::InvalidArgumentError("page_token: not a next_page_token of this listing");
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// One AES-256-GCM pass. Sealing: `in` is the plain text, `out` gets the cipher text and
// `tag` is written. Opening: `in` is the cipher text and `tag` is checked. False on any
// failure (for opening: an altered or foreign token).
bool Gcm(bool seal, std::string_view key, std::string_view nonce, std::string_view in, std::string* out,
         std::string* tag) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (ctx == nullptr) return false;
  out->resize(in.size());
  int len = 0;
  const int init = seal ? EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce))
                        : EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce));
  if (init != 1) return false;
  const int update = seal ? EVP_EncryptUpdate(ctx.get(), Bytes(*out), &len, Bytes(in), static_cast<int>(in.size()))
                          : EVP_DecryptUpdate(ctx.get(), Bytes(*out), &len, Bytes(in), static_cast<int>(in.size()));
  if (update != 1) return false;
  if (seal) {
    int tail = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), Bytes(*out) + len, &tail) != 1) return false;
    tag->resize(kTagBytes);
    return EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag->data()) == 1;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag->data()) != 1) return false;
  int tail = 0;
  return EVP_DecryptFinal_ex(ctx.get(), Bytes(*out) + len, &tail) == 1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PageTokens>> PageTokens::Open(storage::Store* store) {
  absl::StatusOr<std::string> key = LoadOrCreateKey(store, kKeyName, kKeyBytes);
  if (!key.ok()) return key.status();
  return std::make_unique<PageTokens>(*std::move(key));
}

PageTokens::PageTokens(std::string key) : key_(std::move(key)) {}

std::string PageTokens::Seal(std::string_view position) const {
  // A fresh random nonce per token; getrandom failing leaves a zero nonce, still sealed.
  std::string nonce = RandomBytes(kNonceBytes).value_or(std::string(kNonceBytes, '\0'));
  std::string sealed, tag;
  if (!Gcm(/*seal=*/true, key_, nonce, position, &sealed, &tag)) return "";
  const std::string token = nonce + sealed + tag;
  return absl::WebSafeBase64Escape(absl::string_view(token.data(), token.size()));
}

absl::StatusOr<std::string> PageTokens::Open(std::string_view token) const {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw) ||
      raw.size() <= kNonceBytes + kTagBytes) {
    return NotAToken();
  }
  const std::string_view all(raw);
  const std::string_view nonce = all.substr(0, kNonceBytes);
  const std::string_view sealed = all.substr(kNonceBytes, raw.size() - kNonceBytes - kTagBytes);
  std::string tag(all.substr(raw.size() - kTagBytes));
  std::string position;
  if (!Gcm(/*seal=*/false, key_, nonce, sealed, &position, &tag) || position.empty()) return NotAToken();
  return position;
}

}  // namespace w2w::access
