#include "formats/record_reader.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "formats/csv.h"
#include "formats/enums.h"
#include "formats/outcome_events.h"
#include "google/protobuf/util/json_util.h"

namespace w2w::formats {
namespace {

using w2w::v1::Candidate;
using w2w::v1::Vacancy;

absl::Status ColumnError(absl::string_view column, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("column ", column, ": ", message));
}

absl::StatusOr<uint64_t> ParseUint(absl::string_view column, absl::string_view text) {
  uint64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return ColumnError(column, absl::StrCat("\"", text, "\" is not a whole number >= 0"));
  }
  return value;
}

absl::StatusOr<uint32_t> ParseUint32(absl::string_view column, absl::string_view text) {
  uint32_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return ColumnError(column, absl::StrCat("\"", text, "\" is not a whole number >= 0"));
  }
  return value;
}

absl::StatusOr<bool> ParseBool(absl::string_view column, absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "y" || lower == "ja") {
    return true;
  }
  if (lower == "false" || lower == "0" || lower == "no" || lower == "n" || lower == "nee") {
    return false;
  }
  return ColumnError(column, absl::StrCat("\"", text, "\" is not true or false"));
}

// "A|B|C" -> {"A","B","C"}, trimming each part and dropping empty ones.
std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, '|')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

absl::Status WithColumn(absl::string_view column, absl::Status status) {
  if (status.ok()) return status;
  return ColumnError(column, status.message());
}

absl::Status SetCandidateField(absl::string_view column, absl::string_view value,
                               Candidate* c) {
  if (column == "id") {
    c->set_id(std::string(value));
  } else if (column == "region") {
    c->set_region(std::string(value));
  } else if (column == "municipality") {
    c->set_municipality(std::string(value));
  } else if (column == "sector") {
    if (value.empty()) return absl::OkStatus();
    auto sector = ParseSector(value);
    if (!sector.ok()) return WithColumn(column, sector.status());
    c->set_sector(*sector);
  } else if (column == "trades") {
    for (const std::string& part : SplitList(value)) {
      auto* trade = c->add_trades();
      const size_t colon = part.rfind(':');
      if (colon == std::string::npos) {
        trade->set_code(part);
        continue;
      }
      trade->set_code(std::string(absl::StripAsciiWhitespace(part.substr(0, colon))));
      const std::string years(absl::StripAsciiWhitespace(part.substr(colon + 1)));
      if (trade->code().empty()) {
        return ColumnError(column, absl::StrCat("\"", part, "\" has no trade code"));
      }
      uint32_t parsed = 0;
      if (!years.empty() && !absl::SimpleAtoi(years, &parsed)) {
        return ColumnError(column, absl::StrCat("\"", part,
                                                "\": years after ':' must be a whole number"));
      }
      trade->set_years(parsed);
    }
  } else if (column == "qualifications") {
    for (std::string& q : SplitList(value)) c->add_qualifications(std::move(q));
  } else if (column == "employer_id") {
    c->set_employer_id(std::string(value));
  } else if (column == "status") {
    if (value.empty()) return absl::OkStatus();
    auto status = ParseCandidateStatus(value);
    if (!status.ok()) return WithColumn(column, status.status());
    c->set_status(*status);
  } else if (column == "available_from") {
    c->set_available_from(std::string(value));
  } else if (column == "max_travel_km") {
    if (value.empty()) return absl::OkStatus();
    auto km = ParseUint32(column, value);
    if (!km.ok()) return km.status();
    c->set_max_travel_km(*km);
  } else if (column == "willing_to_retrain") {
    if (value.empty()) return absl::OkStatus();
    auto b = ParseBool(column, value);
    if (!b.ok()) return b.status();
    c->set_willing_to_retrain(*b);
  } else if (column == "source") {
    c->set_source(std::string(value));
  } else if (column == "version") {
    if (value.empty()) return absl::OkStatus();
    auto v = ParseUint(column, value);
    if (!v.ok()) return v.status();
    c->set_version(*v);
  } else {
    return ColumnError(column, "unknown column");
  }
  return absl::OkStatus();
}

absl::Status SetVacancyField(absl::string_view column, absl::string_view value, Vacancy* v) {
  if (column == "id") {
    v->set_id(std::string(value));
  } else if (column == "employer_id") {
    v->set_employer_id(std::string(value));
  } else if (column == "region") {
    v->set_region(std::string(value));
  } else if (column == "municipality") {
    v->set_municipality(std::string(value));
  } else if (column == "sector") {
    if (value.empty()) return absl::OkStatus();
    auto sector = ParseSector(value);
    if (!sector.ok()) return WithColumn(column, sector.status());
    v->set_sector(*sector);
  } else if (column == "trade") {
    v->set_trade(std::string(value));
  } else if (column == "required_qualifications") {
    for (std::string& q : SplitList(value)) v->add_required_qualifications(std::move(q));
  } else if (column == "preferred_qualifications") {
    for (std::string& q : SplitList(value)) v->add_preferred_qualifications(std::move(q));
  } else if (column == "positions") {
    if (value.empty()) return absl::OkStatus();
    auto n = ParseUint32(column, value);
    if (!n.ok()) return n.status();
    v->set_positions(*n);
  } else if (column == "hard_to_fill") {
    if (value.empty()) return absl::OkStatus();
    auto b = ParseBool(column, value);
    if (!b.ok()) return b.status();
    v->set_hard_to_fill(*b);
  } else if (column == "status") {
    if (value.empty()) return absl::OkStatus();
    auto status = ParseVacancyStatus(value);
    if (!status.ok()) return WithColumn(column, status.status());
    v->set_status(*status);
  } else if (column == "expires_at") {
    v->set_expires_at(std::string(value));
  } else if (column == "starts_at") {
    v->set_starts_at(std::string(value));
  } else if (column == "title") {
    v->set_title(std::string(value));
  } else if (column == "source") {
    v->set_source(std::string(value));
  } else if (column == "version") {
    if (value.empty()) return absl::OkStatus();
    auto n = ParseUint(column, value);
    if (!n.ok()) return n.status();
    v->set_version(*n);
  } else {
    return ColumnError(column, "unknown column");
  }
  return absl::OkStatus();
}

absl::Status CheckRowWidth(const CsvSchema& schema, const std::vector<std::string>& row) {
  if (row.size() != schema.columns().size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", schema.columns().size(),
                                                   " fields as in the header, found ",
                                                   row.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RecordKind> ParseRecordKind(absl::string_view word) {
  if (word == "candidates" || word == "candidate") return RecordKind::kCandidate;
  if (word == "vacancies" || word == "vacancy") return RecordKind::kVacancy;
  return absl::InvalidArgumentError(
      absl::StrCat("expected \"candidates\" or \"vacancies\", got \"", word, "\""));
}

absl::StatusOr<FileFormat> DetectFormat(absl::string_view path, absl::string_view format_flag) {
  const std::string flag = absl::AsciiStrToLower(format_flag);
  if (flag == "csv") return FileFormat::kCsv;
  if (flag == "jsonl" || flag == "json" || flag == "ndjson") return FileFormat::kJsonl;
  if (!flag.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--format must be csv or jsonl, got \"", format_flag, "\""));
  }
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".csv")) return FileFormat::kCsv;
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson") ||
      absl::EndsWith(lower, ".json")) {
    return FileFormat::kJsonl;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": cannot tell the format from the file name; use --format csv|jsonl"));
}

const std::vector<std::string>& CsvColumns(RecordKind kind) {
  static const auto* const kCandidateColumns = new std::vector<std::string>{
      "id",     "region",         "municipality",  "sector",
      "trades", "qualifications", "employer_id",   "status",
      "available_from", "max_travel_km", "willing_to_retrain", "source", "version"};
  static const auto* const kVacancyColumns = new std::vector<std::string>{
      "id",         "employer_id", "region",     "municipality",
      "sector",     "trade",       "required_qualifications",
      "preferred_qualifications",  "positions",  "hard_to_fill",
      "status",     "expires_at",  "starts_at",  "title",
      "source",     "version"};
  return kind == RecordKind::kCandidate ? *kCandidateColumns : *kVacancyColumns;
}

absl::StatusOr<CsvSchema> CsvSchema::FromHeader(RecordKind kind,
                                                const std::vector<std::string>& header) {
  const std::vector<std::string>& known = CsvColumns(kind);
  CsvSchema schema;
  schema.kind_ = kind;
  bool has_id = false;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header[i]));
    if (i == 0 && absl::StartsWith(name, "\xEF\xBB\xBF")) name = name.substr(3);  // BOM.
    bool found = false;
    for (const std::string& k : known) found = found || k == name;
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat(
          "header column ", i + 1, ": unknown column \"", header[i], "\" for ",
          kind == RecordKind::kCandidate ? "candidates" : "vacancies"));
    }
    for (const std::string& seen : schema.columns_) {
      if (seen == name) {
        return absl::InvalidArgumentError(
            absl::StrCat("header column ", i + 1, ": column \"", name, "\" appears twice"));
      }
    }
    has_id = has_id || name == "id";
    schema.columns_.push_back(std::move(name));
  }
  if (!has_id) return absl::InvalidArgumentError("header has no \"id\" column");
  return schema;
}

absl::Status CandidateFromCsv(const CsvSchema& schema, const std::vector<std::string>& row,
                              Candidate* out) {
  out->Clear();
  if (absl::Status s = CheckRowWidth(schema, row); !s.ok()) return s;
  for (size_t i = 0; i < row.size(); ++i) {
    const absl::string_view value = absl::StripAsciiWhitespace(row[i]);
    if (absl::Status s = SetCandidateField(schema.columns()[i], value, out); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status VacancyFromCsv(const CsvSchema& schema, const std::vector<std::string>& row,
                            Vacancy* out) {
  out->Clear();
  if (absl::Status s = CheckRowWidth(schema, row); !s.ok()) return s;
  for (size_t i = 0; i < row.size(); ++i) {
    // Titles keep their inner spacing; only the ends are trimmed.
    const absl::string_view value = absl::StripAsciiWhitespace(row[i]);
    if (absl::Status s = SetVacancyField(schema.columns()[i], value, out); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status MessageFromJson(absl::string_view json, google::protobuf::Message* out) {
  out->Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), out, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(std::string(status.message()));
  }
  return absl::OkStatus();
}

std::string MessageToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = true;
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::StrCat("{\"error\": \"", status.ToString(), "\"}");
  return out;
}

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Create(std::istream* in,
                                                                   FileFormat format,
                                                                   RecordKind kind) {
  std::unique_ptr<RecordReader> reader(new RecordReader(in, format, kind));
  if (format != FileFormat::kCsv) return reader;
  if (kind == RecordKind::kEvent) {
    return absl::InvalidArgumentError("outcome events are read from JSON Lines only (outcomes.jsonl)");
  }
  std::string line;
  while (std::getline(*in, line)) {
    ++reader->line_;
    if (IsBlankLine(line)) continue;
    auto header = SplitCsvLine(line);
    if (!header.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", reader->line_, ": header: ", header.status().message()));
    }
    auto schema = CsvSchema::FromHeader(kind, *header);
    if (!schema.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", reader->line_, ": ", schema.status().message()));
    }
    reader->schema_ = std::make_unique<CsvSchema>(*std::move(schema));
    return reader;
  }
  return absl::InvalidArgumentError("the file is empty: a CSV file needs a header row");
}

bool RecordReader::NextLine(std::string* line, int* number) {
  if (!pending_.empty()) {
    *number = pending_.front().first;
    *line = std::move(pending_.front().second);
    pending_.pop_front();
    return true;
  }
  if (!std::getline(*in_, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  *number = ++line_;
  return true;
}

bool RecordReader::Next(google::protobuf::Message* message, ReadRecord* record) {
  int number = 0;
  while (NextLine(&buffer_, &number)) {
    if (IsBlankLine(buffer_)) continue;
    record->line = number;
    if (format_ == FileFormat::kJsonl) {
      record->status = kind_ == RecordKind::kEvent
                           ? OutcomeEventFromJson(buffer_, static_cast<w2w::v1::OutcomeEvent*>(message))
                           : MessageFromJson(buffer_, message);
      return true;
    }
    if (EndsInsideQuotes(buffer_)) {
      // Join the following lines until the quoted field closes, within a bound; when it
      // never closes, the extra lines are read again as records of their own.
      std::vector<std::pair<int, std::string>> extra;
      std::string joined = buffer_;
      std::string next;
      int next_number = 0;
      bool closed = false;
      while (static_cast<int>(extra.size()) + 1 < kMaxCsvRecordLines &&
             NextLine(&next, &next_number)) {
        absl::StrAppend(&joined, "\n", next);
        extra.emplace_back(next_number, std::move(next));
        if (!EndsInsideQuotes(joined)) {
          closed = true;
          break;
        }
      }
      if (closed) {
        buffer_ = std::move(joined);
      } else {
        for (auto it = extra.rbegin(); it != extra.rend(); ++it) {
          pending_.push_front(std::move(*it));
        }
      }
    }
    auto row = SplitCsvLine(buffer_);
    if (!row.ok()) {
      record->status = row.status();
      return true;
    }
    if (kind_ == RecordKind::kCandidate) {
      record->status =
          CandidateFromCsv(*schema_, *row, static_cast<w2w::v1::Candidate*>(message));
    } else {
      record->status = VacancyFromCsv(*schema_, *row, static_cast<w2w::v1::Vacancy*>(message));
    }
    return true;
  }
  return false;
}

}  // namespace w2w::formats
