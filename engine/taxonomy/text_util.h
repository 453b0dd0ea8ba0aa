// Small text helpers for the taxonomy and the model layer. Our Abseil's absl::string_view is
// its own type (not std::string_view), so conversions at the boundary are explicit here.
// Thread safety: pure functions.
#ifndef W2W_ENGINE_TAXONOMY_TEXT_UTIL_H_
#define W2W_ENGINE_TAXONOMY_TEXT_UTIL_H_

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace w2w::taxonomy {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// `s` without leading and trailing ASCII whitespace.
inline std::string_view StripBlanks(std::string_view s) {
  return ToStd(absl::StripAsciiWhitespace(ToAbsl(s)));
}

// The look-up key of a name: stripped and lower-cased, ASCII and the Latin-1 capitals
// of UTF-8 (U+00C0..U+00DE except U+00D7, e.g. "SÚDWEST FRYSLÂN" -> "súdwest fryslân"),
// which covers the letters of Dutch and Frisian place names.
inline std::string NameKey(std::string_view s) {
  std::string key = absl::AsciiStrToLower(ToAbsl(StripBlanks(s)));
  for (size_t i = 0; i + 1 < key.size(); ++i) {
    const unsigned char lead = static_cast<unsigned char>(key[i]);
    const unsigned char next = static_cast<unsigned char>(key[i + 1]);
    if (lead == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97) {
      key[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
  return key;
}

// ASCII case-insensitive equality.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace w2w::taxonomy

#endif  // W2W_ENGINE_TAXONOMY_TEXT_UTIL_H_
