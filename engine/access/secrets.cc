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
constexpr size_t kPseudonymBytes = 16;

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

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace w2w::access
