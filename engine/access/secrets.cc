#include "engine/access/secrets.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "openssl/sha.h"

namespace w2w::access {
namespace {

constexpr size_t kSecretBytes = 32;  // 256 bits.
constexpr size_t kIdBytes = 8;
constexpr size_t kShaBlockBytes = 64;  // SHA-256's block, HMAC's pad length.
constexpr unsigned char kInnerPad = 0x36;
constexpr unsigned char kOuterPad = 0x5c;

}  // namespace

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t filled = 0;
  while (filled < n) {
    const ssize_t got = getrandom(out.data() + filled, n - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("random source: ", std::strerror(errno)));
    }
    filled += static_cast<size_t>(got);
  }
  return out;
}

absl::StatusOr<std::string> NewSecret() {
  absl::StatusOr<std::string> bytes = RandomBytes(kSecretBytes);
  if (!bytes.ok()) return bytes.status();
  return absl::StrCat("w2w_", absl::BytesToHexString(*bytes));
}

absl::StatusOr<std::string> NewTokenId() {
  absl::StatusOr<std::string> bytes = RandomBytes(kIdBytes);
  if (!bytes.ok()) return bytes.status();
  return absl::StrCat("tok-", absl::BytesToHexString(*bytes));
}

std::string DigestOfSecret(std::string_view secret) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string KeyedPseudonym(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac), std::min<size_t>(mac_len, kPseudonymBytes)));
}

struct Pseudonymizer::State {
  EVP_MD_CTX* inner = EVP_MD_CTX_new();  // SHA-256 after (key ^ ipad).
  EVP_MD_CTX* outer = EVP_MD_CTX_new();  // SHA-256 after (key ^ opad).
  EVP_MD_CTX* scratch = EVP_MD_CTX_new();
  ~State() {
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
    EVP_MD_CTX_free(scratch);
  }
};

Pseudonymizer::Pseudonymizer(std::string_view key) : state_(std::make_unique<State>()) {
  unsigned char block[kShaBlockBytes] = {};
  if (key.size() > kShaBlockBytes) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[kShaBlockBytes];
  for (size_t i = 0; i < kShaBlockBytes; ++i) pad[i] = block[i] ^ kInnerPad;
  EVP_DigestInit_ex(state_->inner, EVP_sha256(), nullptr);
  EVP_DigestUpdate(state_->inner, pad, sizeof(pad));
  for (size_t i = 0; i < kShaBlockBytes; ++i) pad[i] = block[i] ^ kOuterPad;
  EVP_DigestInit_ex(state_->outer, EVP_sha256(), nullptr);
  EVP_DigestUpdate(state_->outer, pad, sizeof(pad));
  OPENSSL_cleanse(block, sizeof(block));
  OPENSSL_cleanse(pad, sizeof(pad));
}

Pseudonymizer::~Pseudonymizer() = default;

void Pseudonymizer::Raw(std::string_view message, char* out) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int len = 0;
  EVP_MD_CTX_copy_ex(state_->scratch, state_->inner);
  EVP_DigestUpdate(state_->scratch, message.data(), message.size());
  EVP_DigestFinal_ex(state_->scratch, digest, &len);
  EVP_MD_CTX_copy_ex(state_->scratch, state_->outer);
  EVP_DigestUpdate(state_->scratch, digest, len);
  EVP_DigestFinal_ex(state_->scratch, digest, &len);
  std::memcpy(out, digest, kPseudonymBytes);
}

std::string Pseudonymizer::Hex(std::string_view message) {
  char raw[kPseudonymBytes];
  Raw(message, raw);
  return absl::BytesToHexString(absl::string_view(raw, sizeof(raw)));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace w2w::access
