#include "engine/taxonomy/csv.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/taxonomy/text_util.h"

namespace w2w::taxonomy {
namespace {

// Splits one line into fields. Returns false on an unterminated quoted field.
bool SplitLine(std::string_view line, std::vector<std::string>* fields) {
  fields->clear();
  size_t i = 0;
  while (true) {
    std::string field;
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
          ++i;
          closed = true;
          break;
        }
        field.push_back(line[i++]);
      }
      if (!closed) return false;
      // Anything between the closing quote and the next comma is kept verbatim.
      while (i < line.size() && line[i] != ',') field.push_back(line[i++]);
    } else {
      const size_t comma = line.find(',', i);
      const size_t end = comma == std::string_view::npos ? line.size() : comma;
      field.assign(line.substr(i, end - i));
      i = end;
    }
    fields->push_back(std::move(field));
    if (i >= line.size()) break;
    ++i;  // Skip the comma; a trailing comma yields a final empty field.
    if (i == line.size()) {
      fields->emplace_back();
      break;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<CsvFile> CsvFile::Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

absl::StatusOr<CsvFile> CsvFile::Parse(std::string_view text, std::string path) {
  CsvFile file;
  file.path_ = std::move(path);
  int line_no = 0;
  bool have_header = false;
  std::vector<std::string> fields;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (!SplitLine(line, &fields)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.path_, ":", line_no, ": unterminated quoted field"));
    }
    if (!have_header) {
      file.header_ = fields;
      have_header = true;
      continue;
    }
    if (fields.size() != file.header_.size()) {
      return absl::InvalidArgumentError(absl::StrCat(file.path_, ":", line_no, ": ",
                                                     fields.size(), " fields, header has ",
                                                     file.header_.size()));
    }
    file.rows_.push_back(Row{line_no, std::move(fields)});
  }
  if (!have_header) {
    return absl::InvalidArgumentError(absl::StrCat(file.path_, ": no header line"));
  }
  return file;
}

absl::StatusOr<size_t> CsvFile::Column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return absl::InvalidArgumentError(absl::StrCat(path_, ": missing column '", ToAbsl(name), "'"));
}

absl::Status CsvFile::RowError(const Row& row, std::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(path_, ":", row.line, ": ", ToAbsl(message)));
}

}  // namespace w2w::taxonomy
