// The low-level SHA-256 functions (deprecated in OpenSSL 3 in favour of EVP, still
// shipped): a context is a plain struct, so the HMAC's precomputed states are copied by
// assignment, where EVP_MD_CTX_copy_ex allocates; half the cost of a pseudonym.
#define OPENSSL_SUPPRESS_DEPRECATED
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
  SHA256_CTX inner;  // SHA-256 after (key ^ ipad).
  SHA256_CTX outer;  // SHA-256 after (key ^ opad).
  ~State() {
    OPENSSL_cleanse(&inner, sizeof(inner));
    OPENSSL_cleanse(&outer, sizeof(outer));
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
  SHA256_Init(&state_->inner);
  SHA256_Update(&state_->inner, pad, sizeof(pad));
  for (size_t i = 0; i < kShaBlockBytes; ++i) pad[i] = block[i] ^ kOuterPad;
  SHA256_Init(&state_->outer);
  SHA256_Update(&state_->outer, pad, sizeof(pad));
  OPENSSL_cleanse(block, sizeof(block));
  OPENSSL_cleanse(pad, sizeof(pad));
}

Pseudonymizer::~Pseudonymizer() = default;

void Pseudonymizer::Raw(std::string_view message, char* out) const {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx = state_->inner;
  SHA256_Update(&ctx, message.data(), message.size());
  SHA256_Final(digest, &ctx);
  ctx = state_->outer;
  SHA256_Update(&ctx, digest, sizeof(digest));
  SHA256_Final(digest, &ctx);
  std::memcpy(out, digest, kPseudonymBytes);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
}

void Pseudonymizer::HexInto(std::string_view message, char* out) const {
  static constexpr char kHex[] = "0123456789abcdef";
  char raw[kPseudonymBytes];
  Raw(message, raw);
  for (size_t i = 0; i < kPseudonymBytes; ++i) {
    const auto byte = static_cast<unsigned char>(raw[i]);
    out[2 * i] = kHex[byte >> 4];
    out[2 * i + 1] = kHex[byte & 0xf];
  }
}

std::string Pseudonymizer::Hex(std::string_view message) const {
  std::string hex(2 * kPseudonymBytes, '\0');
  HexInto(message, hex.data());
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace w2w::access
