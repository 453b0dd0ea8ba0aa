#include "engine/common/text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace w2w {

std::string QuoteValue(std::string_view value) {
  const absl::string_view v(value.data(), value.size());
  if (v.size() <= kMaxQuotedBytes) return absl::StrCat("'", v, "'");
  size_t cut = kMaxQuotedBytes;
  // Back off over continuation bytes so that a multi-byte character is not split.
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("'", v.substr(0, cut), "\xE2\x80\xA6' (", v.size(), " bytes)");
}

}  // namespace w2w
