// Secrets: the random parts of access control. New token secrets and ids from the
// kernel's random source, and the SHA-256 digest under which a secret is stored (the
// secret itself is never stored).
//
// A secret is "w2w_" followed by 64 lower-case hex digits (256 random bits). An id is
// "tok-" followed by 16 hex digits (64 random bits); it is public.
//
// Thread safety: pure functions (the random source is thread-safe).
#ifndef W2W_ENGINE_ACCESS_SECRETS_H_
#define W2W_ENGINE_ACCESS_SECRETS_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace w2w::access {

// UNAVAILABLE when the kernel's random source fails (it does not, in practice).
absl::StatusOr<std::string> NewSecret();
absl::StatusOr<std::string> NewTokenId();
// `n` random bytes (raw). For keys, e.g. the audit pseudonym key.
absl::StatusOr<std::string> RandomBytes(size_t n);

// The 32-byte SHA-256 digest of `secret` (raw bytes).
std::string DigestOfSecret(std::string_view secret);

// HMAC-SHA256 of `message` under `key`, truncated to 16 bytes and hex-encoded (32 chars):
// a keyed pseudonym of a value (e.g. an erased candidate's id in the audit).
std::string KeyedPseudonym(std::string_view key, std::string_view message);

// Bytes of a keyed pseudonym (before hex encoding).
inline constexpr size_t kPseudonymBytes = 16;

// KeyedPseudonym under one fixed key with the key's inner and outer SHA-256 states
// computed once (RFC 2104): the same values for a fraction of the cost (the one-shot
// HMAC() fetches the digest and derives both pads on every call): ~130 ns a short id on
// our VM, about what a hash-map probe of a cache of them cost.
//
// Thread safety: the methods only read the precomputed states; safe to call concurrently.
class Pseudonymizer {
 public:
  explicit Pseudonymizer(std::string_view key);
  ~Pseudonymizer();
  Pseudonymizer(const Pseudonymizer&) = delete;
  Pseudonymizer& operator=(const Pseudonymizer&) = delete;

  // The first kPseudonymBytes of HMAC-SHA256(key, message), raw, into `out`.
  void Raw(std::string_view message, char* out) const;
  // KeyedPseudonym(key, message): the same bytes hex-encoded (32 chars).
  std::string Hex(std::string_view message) const;
  // The same 32 hex chars (lower case) into out[0..31], without allocating.
  void HexInto(std::string_view message, char* out) const;

 private:
  struct State;  // The precomputed SHA-256 states.
  std::unique_ptr<State> state_;
};

// Compares two byte strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_SECRETS_H_
