// Text helpers for messages that echo what a client sent: UTF-8 validity, control
// characters, and quoting a value with a length bound so that an error about an 8 KB
// value is not itself 8 KB (gRPC carries the status message in a header whose size is
// limited; a too long message turns into RESOURCE_EXHAUSTED on the client).
//
// Thread safety: pure functions.
#ifndef W2W_ENGINE_COMMON_TEXT_H_
#define W2W_ENGINE_COMMON_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace w2w {

// Values longer than this are cut in QuoteValue.
inline constexpr size_t kMaxQuotedBytes = 64;

// Returns `value` in single quotes for an error message. A value longer than
// kMaxQuotedBytes is cut to at most that many bytes (never inside a UTF-8 sequence)
// followed by "…" and the full length: 'aaaa…' (8000 bytes).
std::string QuoteValue(std::string_view value);

// The byte offset of the first byte of `text` that does not start or continue a valid
// UTF-8 sequence (overlong forms, surrogates and code points above U+10FFFF are invalid),
// or nullopt when all of `text` is valid UTF-8. Header-only so that the CLI can check
// its input without linking the engine.
inline std::optional<size_t> FirstInvalidUtf8Byte(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra = 0;
    unsigned char min_second = 0x80, max_second = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) min_second = 0xA0;  // Overlong.
      if (c == 0xED) max_second = 0x9F;  // Surrogates.
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) min_second = 0x90;  // Overlong.
      if (c == 0xF4) max_second = 0x8F;  // Above U+10FFFF.
    } else {
      return i;
    }
    if (i + extra >= text.size()) return i;  // Truncated sequence.
    if (byte(i + 1) < min_second || byte(i + 1) > max_second) return i;
    for (size_t k = 2; k <= extra; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    }
    i += extra + 1;
  }
  return std::nullopt;
}

// The byte offset of the first C0 control character (U+0000..U+001F) or DEL (U+007F) in
// `text`, or nullopt. Free text (titles, labels) must not carry them: they break logs,
// CSV exports and terminals.
inline std::optional<size_t> FirstControlChar(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return i;
  }
  return std::nullopt;
}

}  // namespace w2w

#endif  // W2W_ENGINE_COMMON_TEXT_H_
