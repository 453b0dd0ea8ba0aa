// CsvFile: a small reader for the reference data files in data/ (fields as in csv.h, no
// line breaks inside fields). Lines starting with '#' are
// comments and blank lines are skipped; the first other line is the header. Used by the
// taxonomy loader and the dataset generator; not a general-purpose CSV library.
//
// Thread safety: a CsvFile is immutable after Read(); const methods are thread-safe.
#ifndef W2W_FORMATS_CSV_FILE_H_
#define W2W_FORMATS_CSV_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace w2w::formats {

class CsvFile {
 public:
  struct Row {
    int line = 0;  // 1-based line number in the file, for error messages.
    std::vector<std::string> fields;
  };

  // Reads and parses `path`. Errors: NOT_FOUND when the file cannot be opened,
  // INVALID_ARGUMENT ("path:line: reason") for an unterminated quote or a row whose field
  // count differs from the header's.
  static absl::StatusOr<CsvFile> Read(const std::string& path);
  // Parses CSV text; `path` is used in error messages only. Errors as Read().
  static absl::StatusOr<CsvFile> Parse(std::string_view text, std::string path);

  // Index of the header column `name`; INVALID_ARGUMENT "path: missing column 'name'".
  absl::StatusOr<size_t> Column(std::string_view name) const;

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<Row>& rows() const { return rows_; }

  // INVALID_ARGUMENT "path:line: message" for a problem with `row`.
  absl::Status RowError(const Row& row, std::string_view message) const;

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::vector<Row> rows_;
};

}  // namespace w2w::formats

#endif  // W2W_FORMATS_CSV_FILE_H_
