// Readable names of the public API's enums, as people type and read them: sectors as
// "ME", "INST", ...; statuses in lower case ("at_risk", "open"). Parsing also accepts the
// full protobuf names ("SECTOR_ME", "CANDIDATE_STATUS_AT_RISK"), case-insensitively.
//
// Thread safety: pure functions.
#ifndef W2W_FORMATS_ENUMS_H_
#define W2W_FORMATS_ENUMS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "w2w/v1/common.pb.h"
#include "w2w/v1/rematch.pb.h"
#include "w2w/v1/taxonomy.pb.h"

namespace w2w::formats {

// INVALID_ARGUMENT listing the accepted words when `text` names no value. An empty text
// is an error too (callers decide whether empty means "unset").
absl::StatusOr<w2w::v1::Sector> ParseSector(absl::string_view text);
absl::StatusOr<w2w::v1::CandidateStatus> ParseCandidateStatus(absl::string_view text);
absl::StatusOr<w2w::v1::VacancyStatus> ParseVacancyStatus(absl::string_view text);
absl::StatusOr<w2w::v1::QualificationKind> ParseQualificationKind(absl::string_view text);
absl::StatusOr<w2w::v1::RematchMode> ParseRematchMode(absl::string_view text);

// "ME", "INST", ...; "" for UNSPECIFIED.
std::string SectorCode(w2w::v1::Sector sector);
// "at_risk", "open", "certificate", "now", "running", ...; "" for UNSPECIFIED.
std::string CandidateStatusName(w2w::v1::CandidateStatus status);
std::string VacancyStatusName(w2w::v1::VacancyStatus status);
std::string QualificationKindName(w2w::v1::QualificationKind kind);
std::string PlacementName(w2w::v1::Placement placement);
std::string RematchStateName(w2w::v1::RematchState state);

}  // namespace w2w::formats

#endif  // W2W_FORMATS_ENUMS_H_
