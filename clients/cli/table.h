// Aligned text tables for terminal output.
//
//   Table t({"ID", "SCORE"});
//   t.AlignRight(1);
//   t.AddRow({"c-1", "0.812"});
//   t.Print(std::cout);
//
// Widths count UTF-8 code points, so Dutch labels with accents line up.
// Thread safety: not thread-safe.
#ifndef W2W_CLIENTS_CLI_TABLE_H_
#define W2W_CLIENTS_CLI_TABLE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

namespace w2w::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // Right-aligns column `column` (numbers). Out-of-range columns are ignored.
  void AlignRight(size_t column);
  // Cuts cells of `column` longer than `width` code points, ending them with "...".
  void LimitWidth(size_t column, size_t width);
  // Adds a row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> row);
  size_t rows() const { return rows_.size(); }

  // Writes the header, a rule and every row, columns separated by two spaces.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<size_t> limit_;
  std::vector<std::vector<std::string>> rows_;
};

// Number of UTF-8 code points in `text`.
size_t DisplayWidth(absl::string_view text);

// Fixed-point number with `decimals` digits, e.g. Fixed(0.8125, 3) == "0.813".
std::string Fixed(double value, int decimals);

// `value` in decimal with its digits grouped by thousands: Thousands(1234567) == "1,234,567".
std::string Thousands(uint64_t value);

// Prints "label: value" lines with the labels padded to one width.
void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_TABLE_H_
