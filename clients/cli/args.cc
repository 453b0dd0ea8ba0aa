#include "clients/cli/args.h"

#include <algorithm>
#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace w2w::cli {
namespace {

const FlagSpec* FindFlag(const CommandSpec& spec, const std::vector<FlagSpec>& globals,
                         absl::string_view name, bool short_form) {
  for (const auto* list : {&spec.flags, &globals}) {
    for (const FlagSpec& f : *list) {
      if (short_form ? f.short_name == name : f.name == name) return &f;
    }
  }
  return nullptr;
}

std::string FlagSynopsis(const FlagSpec& f) {
  std::string s = f.short_name.empty() ? "    " : absl::StrCat("-", f.short_name, ", ");
  absl::StrAppend(&s, "--", f.name);
  if (!f.value_name.empty()) absl::StrAppend(&s, " ", f.value_name);
  return s;
}

void AppendFlags(std::string* out, const std::vector<FlagSpec>& flags) {
  size_t width = 0;
  for (const FlagSpec& f : flags) width = std::max(width, FlagSynopsis(f).size());
  for (const FlagSpec& f : flags) {
    const std::string synopsis = FlagSynopsis(f);
    absl::StrAppend(out, "  ", synopsis, std::string(width - synopsis.size() + 2, ' '), f.help,
                    "\n");
  }
}

}  // namespace

std::string ParsedArgs::Get(absl::string_view flag, absl::string_view fallback) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetList(absl::string_view flag) const {
  std::vector<std::string> out;
  auto it = values_.find(flag);
  if (it == values_.end()) return out;
  for (const std::string& value : it->second) {
    for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      out.emplace_back(absl::StripAsciiWhitespace(part));
    }
  }
  return out;
}

absl::StatusOr<std::optional<uint64_t>> ParsedArgs::GetUint(absl::string_view flag) const {
  if (!Has(flag)) return std::nullopt;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(Get(flag), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " expects a whole number >= 0, got \"", Get(flag), "\""));
  }
  return value;
}

absl::StatusOr<std::optional<double>> ParsedArgs::GetDouble(absl::string_view flag) const {
  if (!Has(flag)) return std::nullopt;
  double value = 0;
  if (!absl::SimpleAtod(Get(flag), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " expects a number, got \"", Get(flag), "\""));
  }
  return value;
}

absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec,
                                     const std::vector<FlagSpec>& globals,
                                     const std::vector<std::string>& args) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-' ||
        (arg.size() > 1 && (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.'))) {
      parsed.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    const bool long_form = absl::StartsWith(arg, "--");
    absl::string_view body = absl::string_view(arg).substr(long_form ? 2 : 1);
    std::optional<std::string> inline_value;
    if (const size_t eq = body.find('='); eq != absl::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const FlagSpec* flag = FindFlag(spec, globals, body, !long_form);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    }
    std::string value = "true";
    if (!flag->value_name.empty()) {
      if (inline_value.has_value()) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", flag->name, " needs a value (", flag->value_name, ")"));
      }
    } else if (inline_value.has_value()) {
      value = *inline_value;
      if (value != "true" && value != "false") {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", flag->name, " takes no value (or =true/=false)"));
      }
    }
    if (value == "false" && flag->value_name.empty()) {
      parsed.values_.erase(flag->name);
    } else {
      parsed.values_[flag->name].push_back(std::move(value));
    }
  }
  if (parsed.Has("help")) return parsed;
  const int n = static_cast<int>(parsed.positional_.size());
  if (n < spec.min_positional) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing arguments: expected ", spec.usage));
  }
  if (spec.max_positional >= 0 && n > spec.max_positional) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unexpected argument \"", parsed.positional_[spec.max_positional], "\""));
  }
  return parsed;
}

std::string HelpText(const CommandSpec& spec, const std::vector<FlagSpec>& globals) {
  std::string out = absl::StrCat("Usage: w2w ", absl::StrJoin(spec.path, " "));
  if (!spec.flags.empty()) absl::StrAppend(&out, " [flags]");
  if (!spec.usage.empty()) absl::StrAppend(&out, " ", spec.usage);
  absl::StrAppend(&out, "\n\n", spec.summary, "\n");
  if (!spec.flags.empty()) {
    absl::StrAppend(&out, "\nFlags:\n");
    AppendFlags(&out, spec.flags);
  }
  absl::StrAppend(&out, "\nGlobal flags:\n");
  AppendFlags(&out, globals);
  if (!spec.details.empty()) absl::StrAppend(&out, "\n", spec.details, "\n");
  return out;
}

}  // namespace w2w::cli
