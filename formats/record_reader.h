// Reading candidate and vacancy records from import files (CSV or JSON Lines) into the
// public protobuf messages, as defined in docs/formats.md.
//
// CSV: a header row names the columns (any order; unknown or repeated columns are an
// error; `id` is required). Candidates: id, region, municipality, sector, trades
// ("CODE:YEARS|CODE:YEARS"), qualifications ("A|B"), employer_id, status (lower case,
// e.g. "at_risk"), available_from, max_travel_km, willing_to_retrain, source, version.
// Vacancies: id, employer_id, region, municipality, sector, trade,
// required_qualifications, preferred_qualifications, positions, hard_to_fill, status,
// expires_at, starts_at, title, source, version. Sectors are written as "ME", "INST", ...
// A quoted CSV field may span lines (up to kMaxCsvRecordLines); the record is reported
// by its first line. A line break inside it reads as "\n" (the CR of a CRLF line end is
// dropped, as at the end of every line).
// JSON Lines: one protobuf JSON object (Candidate or Vacancy) per line.
// Empty lines are skipped in both formats.
//
// Thread safety: RecordReader is not thread-safe; the free functions are pure.
#ifndef W2W_FORMATS_RECORD_READER_H_
#define W2W_FORMATS_RECORD_READER_H_

#include <deque>
#include <istream>
#include <utility>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::formats {

// The most physical lines one CSV record may span (quoted fields with line breaks).
inline constexpr int kMaxCsvRecordLines = 16;

// Outcome events (w2w.v1.OutcomeEvent) are JSON Lines only (docs/formats.md, outcomes.jsonl).
enum class RecordKind { kCandidate, kVacancy, kEvent };
enum class FileFormat { kCsv, kJsonl };

// Parses "candidates"/"candidate" or "vacancies"/"vacancy" (the record kinds; events are
// imported by `w2w import events`). INVALID_ARGUMENT otherwise.
absl::StatusOr<RecordKind> ParseRecordKind(absl::string_view word);

// The format named by `format_flag` ("csv" or "jsonl"/"json") when not empty, else by the
// extension of `path` (.csv, .jsonl, .ndjson, .json). INVALID_ARGUMENT when neither tells.
absl::StatusOr<FileFormat> DetectFormat(absl::string_view path, absl::string_view format_flag);

// The CSV column names accepted for `kind`, in their documented order.
const std::vector<std::string>& CsvColumns(RecordKind kind);

// Column positions of a CSV file, built from its header row.
class CsvSchema {
 public:
  // Maps `header` (trimmed, case-insensitive names) to fields of `kind`. INVALID_ARGUMENT
  // naming the column for an unknown or repeated column, or when `id` is missing.
  static absl::StatusOr<CsvSchema> FromHeader(RecordKind kind,
                                              const std::vector<std::string>& header);

  RecordKind kind() const { return kind_; }
  // Column names in file order (canonical lower-case).
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  RecordKind kind_ = RecordKind::kCandidate;
  std::vector<std::string> columns_;
};

// Fills `out` (cleared first) from one CSV row laid out as `schema`. INVALID_ARGUMENT
// naming the column for a wrong number of fields or a value that cannot be parsed (an
// unknown sector or status, a non-numeric number, a bad "CODE:YEARS" trade). Semantic
// checks (does the trade exist, ...) are the server's.
absl::Status CandidateFromCsv(const CsvSchema& schema, const std::vector<std::string>& row,
                              w2w::v1::Candidate* out);
absl::Status VacancyFromCsv(const CsvSchema& schema, const std::vector<std::string>& row,
                            w2w::v1::Vacancy* out);

// Fills `out` (cleared first) from protobuf JSON. Unknown fields are an error.
// INVALID_ARGUMENT with the parser's message otherwise.
absl::Status MessageFromJson(absl::string_view json, google::protobuf::Message* out);

// Formats `message` as protobuf JSON (proto field names, defaults omitted); `pretty`
// adds line breaks and indentation.
std::string MessageToJson(const google::protobuf::Message& message, bool pretty);

// One record read from a file: its 1-based line and either the record or why it failed.
struct ReadRecord {
  int line = 0;
  absl::Status status;  // Not OK: the line is malformed and `message` is unspecified.
};

// Reads records of one kind from a stream, line by line, skipping empty lines.
class RecordReader {
 public:
  // Reads the CSV header (first non-empty line) when `format` is kCsv. Errors: the header
  // is missing or invalid (INVALID_ARGUMENT, message starts with "line N: "). `in` is
  // borrowed and must outlive the reader.
  static absl::StatusOr<std::unique_ptr<RecordReader>> Create(std::istream* in,
                                                              FileFormat format,
                                                              RecordKind kind);

  // Reads the next record into `message` (a Candidate, Vacancy or OutcomeEvent per the
  // kind; borrowed; events through OutcomeEventFromJson, formats/outcome_events.h).
  // Returns false at the end of the stream. A malformed line sets `record->status` and
  // the caller continues with the next call.
  bool Next(google::protobuf::Message* message, ReadRecord* record);

 private:
  RecordReader(std::istream* in, FileFormat format, RecordKind kind)
      : in_(in), format_(format), kind_(kind) {}

  // The next physical line and its number, from `pending_` first. False at the end.
  bool NextLine(std::string* line, int* number);

  std::istream* in_;  // Borrowed.
  FileFormat format_;
  RecordKind kind_;
  std::unique_ptr<CsvSchema> schema_;
  int line_ = 0;  // Physical lines read from `in_`.
  std::string buffer_;
  // Lines read ahead while looking for the end of a quoted field that never ended; they
  // are read again as records of their own.
  std::deque<std::pair<int, std::string>> pending_;
};

}  // namespace w2w::formats

#endif  // W2W_FORMATS_RECORD_READER_H_
