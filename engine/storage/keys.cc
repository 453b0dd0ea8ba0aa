// Key encodings and family names shared by the store and its callers.
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/storage/store.h"

namespace w2w::storage {

std::string_view FamilyName(Family family) {
  switch (family) {
    case Family::kCandidates: return "candidates";
    case Family::kVacancies: return "vacancies";
    case Family::kPolicies: return "policies";
    case Family::kTaxonomy: return "taxonomy";
    case Family::kRematchRuns: return "rematch_runs";
    case Family::kRematchResults: return "rematch_results";
    case Family::kMeta: return "meta";
  }
  return "unknown";
}

std::string EncodeUint64Key(uint64_t value) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return key;
}

uint64_t DecodeUint64Key(std::string_view key) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(key[i]);
  return value;
}

}  // namespace w2w::storage
