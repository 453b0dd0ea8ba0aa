#include "formats/csv_file.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "formats/csv.h"

namespace w2w::formats {

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
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    absl::StatusOr<std::vector<std::string>> split = SplitCsvLine(absl::string_view(line.data(), line.size()));
    if (!split.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.path_, ":", line_no, ": ", split.status().message()));
    }
    std::vector<std::string>& fields = *split;
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
  return absl::InvalidArgumentError(absl::StrCat(path_, ": missing column '", absl::string_view(name.data(), name.size()), "'"));
}

absl::Status CsvFile::RowError(const Row& row, std::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(path_, ":", row.line, ": ", absl::string_view(message.data(), message.size())));
}

}  // namespace w2w::formats
