// Writing candidate and vacancy records in the import file formats of docs/formats.md:
// JSON Lines (the protobuf JSON mapping, one object per line) and CSV (one header line, one
// record per line, RFC 4180 quoting). record_reader.h reads exactly what this writes; the
// dataset generator and the `w2w` CLI's exports use it.
// Thread safety: pure functions.
#ifndef W2W_FORMATS_RECORD_WRITER_H_
#define W2W_FORMATS_RECORD_WRITER_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/functional/function_ref.h"
#include "google/protobuf/message.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::formats {

// CSV header lines (without the line break), e.g. "id,region,municipality,...".
std::string_view CandidateCsvHeader();
std::string_view VacancyCsvHeader();

// Maps a record's trade (as stored: an ESCO UUID) to the text written for it, e.g. its
// ESCO code; IdentityTradeText writes it as given.
using TradeText = absl::FunctionRef<std::string(const std::string& trade)>;
std::string IdentityTradeText(const std::string& trade);

// Appends one CSV line (with "\n") for a record, columns as the headers above. Trades are
// written "TEXT:YEARS|TEXT:YEARS" with TEXT from `trade_text`, qualifications as "A|B", the
// sector as its code ("ME", formats/enums.h), statuses lower-case without prefix
// ("at_risk"), booleans as "true"/"false", numbers in decimal.
void AppendCandidateCsv(const v1::Candidate& c, TradeText trade_text, std::string* out);
void AppendVacancyCsv(const v1::Vacancy& v, TradeText trade_text, std::string* out);

// Appends the protobuf JSON mapping of `m` (proto field names, enums by name, default
// values omitted) and "\n". Errors: INTERNAL when protobuf cannot print the message.
absl::Status AppendJsonLine(const google::protobuf::Message& m, std::string* out);


}  // namespace w2w::formats

#endif  // W2W_FORMATS_RECORD_WRITER_H_
