#include "formats/enums.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"

namespace w2w::formats {
namespace {

using google::protobuf::EnumDescriptor;

// The enum value named `prefix + upper(text)` or `upper(text)`, never the UNSPECIFIED one.
absl::StatusOr<int> ParseEnum(const EnumDescriptor* descriptor, absl::string_view prefix,
                              absl::string_view what, absl::string_view text) {
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  for (char& c : upper) {
    if (c == '-' || c == ' ') c = '_';
  }
  const google::protobuf::EnumValueDescriptor* value = nullptr;
  if (!upper.empty()) {
    value = descriptor->FindValueByName(absl::StrCat(prefix, upper));
    if (value == nullptr && absl::StartsWith(upper, prefix)) {
      value = descriptor->FindValueByName(upper);
    }
  }
  if (value == nullptr || value->number() == 0) {
    std::vector<std::string> words;
    for (int i = 0; i < descriptor->value_count(); ++i) {
      if (descriptor->value(i)->number() == 0) continue;
      std::string name = descriptor->value(i)->name().substr(prefix.size());
      words.push_back(what == "sector" ? name : absl::AsciiStrToLower(name));
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown ", what, " \"", text,
                                                   "\" (one of ", absl::StrJoin(words, ", "),
                                                   ")"));
  }
  return value->number();
}

std::string EnumWord(const EnumDescriptor* descriptor, absl::string_view prefix, int number,
                     bool lower) {
  if (number == 0) return "";
  const auto* value = descriptor->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  std::string name = value->name().substr(prefix.size());
  return lower ? absl::AsciiStrToLower(name) : name;
}

}  // namespace

absl::StatusOr<w2w::v1::Sector> ParseSector(absl::string_view text) {
  auto value = ParseEnum(w2w::v1::Sector_descriptor(), "SECTOR_", "sector", text);
  if (!value.ok()) return value.status();
  return static_cast<w2w::v1::Sector>(*value);
}

absl::StatusOr<w2w::v1::CandidateStatus> ParseCandidateStatus(absl::string_view text) {
  auto value = ParseEnum(w2w::v1::CandidateStatus_descriptor(), "CANDIDATE_STATUS_",
                         "candidate status", text);
  if (!value.ok()) return value.status();
  return static_cast<w2w::v1::CandidateStatus>(*value);
}

absl::StatusOr<w2w::v1::VacancyStatus> ParseVacancyStatus(absl::string_view text) {
  auto value = ParseEnum(w2w::v1::VacancyStatus_descriptor(), "VACANCY_STATUS_",
                         "vacancy status", text);
  if (!value.ok()) return value.status();
  return static_cast<w2w::v1::VacancyStatus>(*value);
}

absl::StatusOr<w2w::v1::QualificationKind> ParseQualificationKind(absl::string_view text) {
  auto value = ParseEnum(w2w::v1::QualificationKind_descriptor(), "QUALIFICATION_KIND_",
                         "qualification kind", text);
  if (!value.ok()) return value.status();
  return static_cast<w2w::v1::QualificationKind>(*value);
}

absl::StatusOr<w2w::v1::RematchMode> ParseRematchMode(absl::string_view text) {
  auto value =
      ParseEnum(w2w::v1::RematchMode_descriptor(), "REMATCH_MODE_", "rematch mode", text);
  if (!value.ok()) return value.status();
  return static_cast<w2w::v1::RematchMode>(*value);
}

std::string SectorCode(w2w::v1::Sector sector) {
  return EnumWord(w2w::v1::Sector_descriptor(), "SECTOR_", sector, false);
}
std::string CandidateStatusName(w2w::v1::CandidateStatus status) {
  return EnumWord(w2w::v1::CandidateStatus_descriptor(), "CANDIDATE_STATUS_", status, true);
}
std::string VacancyStatusName(w2w::v1::VacancyStatus status) {
  return EnumWord(w2w::v1::VacancyStatus_descriptor(), "VACANCY_STATUS_", status, true);
}
std::string QualificationKindName(w2w::v1::QualificationKind kind) {
  return EnumWord(w2w::v1::QualificationKind_descriptor(), "QUALIFICATION_KIND_", kind, true);
}
std::string PlacementName(w2w::v1::Placement placement) {
  return EnumWord(w2w::v1::Placement_descriptor(), "PLACEMENT_", placement, true);
}
std::string RematchStateName(w2w::v1::RematchState state) {
  return EnumWord(w2w::v1::RematchState_descriptor(), "REMATCH_STATE_", state, true);
}

}  // namespace w2w::formats
