// A small command-line parser for the `w2w` tool: each command declares its flags and
// positional arguments, and gets its own --help text from that declaration.
//
// Accepted spellings: `--name=value`, `--name value`, `-k value`, `--flag` (booleans),
// and `--` to end flag parsing. Flags and positional arguments may be mixed.
//
// Thread safety: pure data and functions.
#ifndef W2W_CLIENTS_CLI_ARGS_H_
#define W2W_CLIENTS_CLI_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace w2w::cli {

struct FlagSpec {
  std::string name;        // Without dashes, e.g. "min-score".
  std::string short_name;  // One letter without the dash (e.g. "k"), or empty.
  std::string value_name;  // E.g. "N"; empty for a boolean flag.
  std::string help;
};

// A command's declaration. `path` are the words that select it (e.g. {"rematch", "get"}).
struct CommandSpec {
  std::vector<std::string> path;
  std::string usage;    // Positional part of the synopsis, e.g. "candidates|vacancies FILE...".
  std::string summary;  // One line.
  std::string details;  // Further paragraphs and examples; may be empty.
  std::vector<FlagSpec> flags;
  int min_positional = 0;
  int max_positional = 0;  // -1 = unlimited.
};

// The result of parsing one command's arguments.
class ParsedArgs {
 public:
  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(absl::string_view flag) const { return values_.contains(flag); }
  // The last value given for `flag`, or `fallback` when absent.
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const;
  // Every value given for `flag` (repeated flags), each split at commas, empty parts dropped.
  std::vector<std::string> GetList(absl::string_view flag) const;
  // The flag as a number; nullopt when absent; INVALID_ARGUMENT naming the flag when the
  // value is not a number of that kind.
  absl::StatusOr<std::optional<uint64_t>> GetUint(absl::string_view flag) const;
  absl::StatusOr<std::optional<double>> GetDouble(absl::string_view flag) const;

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec,
                                              const std::vector<FlagSpec>& globals,
                                              const std::vector<std::string>& args);
  std::vector<std::string> positional_;
  absl::flat_hash_map<std::string, std::vector<std::string>> values_;
};

// Parses `args` (the words after the command path) against the command's flags plus the
// `globals`. Boolean flags are stored with the value "true". INVALID_ARGUMENT for an
// unknown flag, a missing value, or a wrong number of positional arguments (unless
// --help is given, which is always accepted).
absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec,
                                     const std::vector<FlagSpec>& globals,
                                     const std::vector<std::string>& args);

// The --help text of a command: synopsis, summary, flags (then the global flags), details.
std::string HelpText(const CommandSpec& spec, const std::vector<FlagSpec>& globals);

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_ARGS_H_
