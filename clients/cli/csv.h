// CSV splitting for the `w2w` command-line tool: one physical line is one record.
//
// Fields are separated by commas; a field may be quoted with double quotes, and a quote
// inside a quoted field is written twice (""). A quoted field cannot span lines: the
// import formats (docs/formats.md) keep every record on one line so that a malformed line
// is reported by its number and the next line parses independently.
//
// Thread safety: pure functions.
#ifndef W2W_CLIENTS_CLI_CSV_H_
#define W2W_CLIENTS_CLI_CSV_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace w2w::cli {

// Splits one CSV line (without its line terminator; a trailing '\r' is ignored) into its
// fields, unquoting quoted ones. Leading and trailing spaces of unquoted fields are kept.
// Returns INVALID_ARGUMENT naming the 1-based column for an unterminated quoted field, a
// quote inside an unquoted field, or text after a closing quote.
absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line);

// Quotes `field` for CSV output when it holds a comma, quote, CR or LF; else returns it.
std::string CsvEscape(absl::string_view field);

// True when `line` holds nothing but spaces, tabs and a trailing '\r'.
bool IsBlankLine(absl::string_view line);

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_CSV_H_
