// Text formats of generated records, as documented in docs/formats.md: JSON Lines (the
// protobuf JSON mapping, one object per line) and CSV (one header line, one record per
// line, RFC 4180 quoting). The `w2w` CLI imports exactly these formats.
// Thread safety: pure functions; the Taxonomy is only read.
#ifndef W2W_ENGINE_DATAGEN_RECORD_FORMAT_H_
#define W2W_ENGINE_DATAGEN_RECORD_FORMAT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/taxonomy/taxonomy.h"
#include "google/protobuf/message.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::datagen {

// CSV header lines (without the line break), e.g. "id,region,municipality,...".
std::string_view CandidateCsvHeader();
std::string_view VacancyCsvHeader();

// Appends one CSV line (with "\n") for a canonical record. Trades are written as ESCO codes
// "CODE:YEARS|CODE:YEARS" (a trade unknown to `tax` is written as given), qualifications as
// "A|B", the sector as its code ("ME"), statuses lower-case without prefix ("at_risk"),
// booleans as "true"/"false", numbers in decimal.
void AppendCandidateCsv(const taxonomy::Taxonomy& tax, const v1::Candidate& c, std::string* out);
void AppendVacancyCsv(const taxonomy::Taxonomy& tax, const v1::Vacancy& v, std::string* out);

// Appends the protobuf JSON mapping of `m` (proto field names, enums by name, default
// values omitted) and "\n". Errors: INTERNAL when protobuf cannot print the message.
absl::Status AppendJsonLine(const google::protobuf::Message& m, std::string* out);

// Lower-case status name without prefix: CANDIDATE_STATUS_AT_RISK -> "at_risk".
std::string StatusName(v1::CandidateStatus s);
std::string StatusName(v1::VacancyStatus s);

}  // namespace w2w::datagen

#endif  // W2W_ENGINE_DATAGEN_RECORD_FORMAT_H_
