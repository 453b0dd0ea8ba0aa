// CSV fields of the import and export files (RFC 4180, docs/formats.md), read by the
// `w2w` CLI (record_reader.h) and the reference-data loader, written by record_writer.h.
//
// Fields are separated by commas; a field may be quoted with double quotes, and a quote
// inside a quoted field is written twice (""). A quoted field may contain line breaks:
// the reader joins the following lines (see EndsInsideQuotes) for a bounded number of
// lines, so that a stray quote cannot swallow the rest of a file.
//
// Thread safety: pure functions.
#ifndef W2W_FORMATS_CSV_H_
#define W2W_FORMATS_CSV_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace w2w::formats {

// Splits one CSV record (without its final line terminator; a trailing '\r' is ignored;
// quoted fields may hold line breaks) into its
// fields, unquoting quoted ones. Leading and trailing spaces of unquoted fields are kept.
// Returns INVALID_ARGUMENT naming the 1-based column for an unterminated quoted field, a
// quote inside an unquoted field, or text after a closing quote.
absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line);

// True when `text` ends inside a quoted field (an opening quote with no closing quote
// yet), i.e. the record continues on the next line.
bool EndsInsideQuotes(absl::string_view text);

// Quotes `field` for CSV output when it holds a comma, quote, CR or LF; else returns it.
std::string CsvEscape(absl::string_view field);
// Appends `field` to `*out`, quoted as CsvEscape() does.
void AppendCsvField(absl::string_view field, std::string* out);

// True when `line` holds nothing but spaces, tabs and a trailing '\r'.
bool IsBlankLine(absl::string_view line);

}  // namespace w2w::formats

#endif  // W2W_FORMATS_CSV_H_
