#include "formats/csv.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace w2w::formats {

absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> fields;
  std::string field;
  size_t i = 0;
  while (true) {
    const size_t column = fields.size() + 1;
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (!closed) {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", column, ": unterminated quoted field"));
      }
      if (i < line.size() && line[i] != ',') {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", column, ": unexpected text after a closing quote"));
      }
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"') {
          return absl::InvalidArgumentError(absl::StrCat(
              "column ", column, ": quote inside an unquoted field (quote the whole field)"));
        }
        field.push_back(line[i++]);
      }
    }
    fields.push_back(field);
    if (i >= line.size()) break;
    ++i;  // The comma; a trailing comma yields one more empty field.
    if (i == line.size()) {
      fields.emplace_back();
      break;
    }
  }
  return fields;
}

void AppendCsvField(absl::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(field.data(), field.size());
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string CsvEscape(absl::string_view field) {
  std::string out;
  AppendCsvField(field, &out);
  return out;
}

bool EndsInsideQuotes(absl::string_view text) {
  // In well-formed CSV every quote opens, closes or is doubled inside a quoted field, so
  // an odd number of quotes means a quoted field is still open. A stray quote in an
  // unquoted field also counts as open; the reader then gives up after a few lines.
  size_t quotes = 0;
  for (char c : text) quotes += c == '"' ? 1 : 0;
  return quotes % 2 == 1;
}

bool IsBlankLine(absl::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace w2w::formats
