#include "clients/cli/cli.h"

#include <algorithm>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/auth/bearer.h"
#include "clients/cli/env.h"

namespace w2w::cli {
namespace {

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* const kFlags = new std::vector<FlagSpec>{
      {"server", "", "HOST:PORT",
       "Server address (default $W2W_SERVER, else 127.0.0.1:50051)"},
      {"token_file", "", "FILE",
       "File holding the bearer token (default: the token in $W2W_TOKEN)"},
      {"ca_file", "", "FILE",
       "Connect with TLS, verifying the server against this PEM CA certificate (default "
       "$W2W_CA_FILE; none: plaintext)"},
      {"cert_file", "", "FILE",
       "Client certificate (PEM) for mutual TLS, with --key_file and --ca_file (default "
       "$W2W_CERT_FILE)"},
      {"key_file", "", "FILE", "Private key (PEM) of --cert_file (default $W2W_KEY_FILE)"},
      {"timeout", "", "SECONDS",
       "Deadline of each call (default 30 for single calls, none for streams)"},
      {"json", "", "", "Print the raw protobuf JSON responses instead of tables"},
      {"lang", "", "nl|en",
       "Language of the server's reasons and trade labels (default nl; table headings stay "
       "English)"},
      {"help", "h", "", "Show help for the command"},
  };
  return *kFlags;
}

const std::vector<Command>& AllCommands() {
  static const auto* const kCommands = [] {
    auto* all = new std::vector<Command>;
    for (auto group : {ImportCommands, RecordCommands, MatchCommands, RematchCommands,
                       AdminCommands, AccessCommands, OutcomeCommands, ReportCommands,
                       WatchCommands}) {
      for (Command& c : group()) all->push_back(std::move(c));
    }
    return all;
  }();
  return *kCommands;
}

bool IsPrefixOfSomePath(const std::vector<std::string>& words) {
  for (const Command& c : AllCommands()) {
    if (c.spec.path.size() >= words.size() &&
        std::equal(words.begin(), words.end(), c.spec.path.begin())) {
      return true;
    }
  }
  return false;
}

const Command* FindCommand(const std::vector<std::string>& words) {
  for (const Command& c : AllCommands()) {
    if (c.spec.path == words) return &c;
  }
  return nullptr;
}

// Lists the commands whose path starts with `prefix` (all when empty).
void PrintOverview(std::ostream& out, const std::vector<std::string>& prefix) {
  out << "w2w: the command-line tool of the w2w work-to-work matching service.\n\n"
      << "Usage: w2w [global flags] COMMAND [flags] [arguments]\n\nCommands:\n";
  size_t width = 0;
  std::vector<std::pair<std::string, std::string>> lines;
  for (const Command& c : AllCommands()) {
    if (c.spec.path.size() < prefix.size() ||
        !std::equal(prefix.begin(), prefix.end(), c.spec.path.begin())) {
      continue;
    }
    std::string synopsis = absl::StrJoin(c.spec.path, " ");
    if (!c.spec.usage.empty()) absl::StrAppend(&synopsis, " ", c.spec.usage);
    width = std::max(width, synopsis.size());
    lines.emplace_back(synopsis, c.spec.summary);
  }
  for (const auto& [synopsis, summary] : lines) {
    out << "  " << synopsis << std::string(width - synopsis.size() + 2, ' ') << summary << "\n";
  }
  out << "\nGlobal flags:\n"
      << "  --server HOST:PORT  Server address (default $W2W_SERVER, else 127.0.0.1:50051)\n"
      << "  --token_file FILE   File holding the access token (default: $W2W_TOKEN)\n"
      << "  --ca_file FILE      TLS: verify the server against this CA (default $W2W_CA_FILE;\n"
      << "                      without it the connection is plaintext)\n"
      << "  --cert_file FILE    Mutual TLS: the client certificate (default $W2W_CERT_FILE)\n"
      << "  --key_file FILE     Its private key (default $W2W_KEY_FILE)\n"
      << "  --timeout SECONDS   Deadline of each call\n"
      << "  --json              Print raw protobuf JSON instead of tables\n"
      << "\nRun 'w2w COMMAND --help' for a command's flags and examples.\n"
      << "Exit codes: 0 ok, 1 RPC or operation error, 2 usage error.\n";
}

bool IsGlobalValueFlag(const std::string& arg) {
  for (const FlagSpec& f : GlobalFlags()) {
    if (!f.value_name.empty() && arg == absl::StrCat("--", f.name)) return true;
  }
  return false;
}
bool IsGlobalFlag(const std::string& arg) {
  for (const FlagSpec& f : GlobalFlags()) {
    const std::string long_form = absl::StrCat("--", f.name);
    if (arg == long_form || arg.rfind(long_form + "=", 0) == 0) return true;
    if (!f.short_name.empty() && arg == absl::StrCat("-", f.short_name)) return true;
  }
  return false;
}

// Reads the PEM file given to --`flag` into `pem`; it must hold a "-----BEGIN ...`label`"
// line. Returns kExitOk, else prints the error and returns kExitError.
int ReadPem(const Env& env, absl::string_view flag, const std::string& path,
            absl::string_view label, std::string* pem) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return env.Error(
        absl::StrCat("--", flag, ": cannot read '", path, "': ", std::strerror(errno)));
  }
  *pem = text.str();
  if (!absl::StrContains(*pem, "-----BEGIN ") ||
      !absl::StrContains(*pem, absl::StrCat(label, "-----"))) {
    return env.Error(absl::StrCat("--", flag, ": '", path, "' is not a PEM file with a ",
                                  label, " block"));
  }
  return kExitOk;
}

// Sets env->tls from --ca_file, --cert_file and --key_file, else `defaults`. Returns
// kExitOk, else the exit code after printing why.
int SetTls(const ParsedArgs& parsed, const TlsFileDefaults& defaults, Env* env) {
  const std::string ca = parsed.Get("ca_file", defaults.ca_file);
  const std::string cert = parsed.Get("cert_file", defaults.cert_file);
  const std::string key = parsed.Get("key_file", defaults.key_file);
  if (cert.empty() != key.empty()) {
    return env->Usage("--cert_file and --key_file go together (mutual TLS)");
  }
  if (ca.empty()) {
    if (!cert.empty()) return env->Usage("--cert_file needs --ca_file (mutual TLS is TLS)");
    return kExitOk;
  }
  grpc::SslCredentialsOptions tls;
  if (int code = ReadPem(*env, "ca_file", ca, "CERTIFICATE", &tls.pem_root_certs); code != 0) {
    return code;
  }
  if (!cert.empty()) {
    if (int code = ReadPem(*env, "cert_file", cert, "CERTIFICATE", &tls.pem_cert_chain);
        code != 0) {
      return code;
    }
    if (int code = ReadPem(*env, "key_file", key, "PRIVATE KEY", &tls.pem_private_key);
        code != 0) {
      return code;
    }
  }
  env->tls = std::move(tls);
  return kExitOk;
}

}  // namespace

std::vector<std::vector<std::string>> CommandPaths() {
  std::vector<std::vector<std::string>> paths;
  for (const Command& c : AllCommands()) paths.push_back(c.spec.path);
  return paths;
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const std::string& default_server, bool err_is_terminal,
           const TlsFileDefaults& tls_defaults) {
  // Leading global flags and the command words; everything else goes to the command.
  std::vector<std::string> words;
  std::vector<std::string> rest;
  size_t i = 0;
  bool help = false;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.empty() && arg[0] == '-') {
      if (!IsGlobalFlag(arg)) break;
      if (arg == "--help" || arg == "-h") help = true;
      rest.push_back(arg);
      if (IsGlobalValueFlag(arg) && i + 1 < args.size()) rest.push_back(args[++i]);
      continue;
    }
    words.push_back(arg);
    if (!IsPrefixOfSomePath(words)) {
      words.pop_back();
      break;
    }
  }
  rest.insert(rest.end(), args.begin() + i, args.end());

  if (words.empty()) {
    if (i < args.size() && args[i] == "help") {
      std::vector<std::string> topic(args.begin() + i + 1, args.end());
      if (const Command* c = FindCommand(topic)) {
        out << HelpText(c->spec, GlobalFlags());
        return kExitOk;
      }
      PrintOverview(out, topic);
      return kExitOk;
    }
    if (i < args.size() && (args[i] == "--version" || args[i] == "version")) {
      out << "w2w " << W2W_VERSION << "\n";
      return kExitOk;
    }
    if (help || i >= args.size()) {
      PrintOverview(help ? out : err, {});
      return help ? kExitOk : kExitUsage;
    }
    err << "usage error: unknown command \"" << args[i] << "\"\n"
        << "Run 'w2w --help' for the list of commands.\n";
    return kExitUsage;
  }
  const Command* command = FindCommand(words);
  if (command == nullptr) {
    // A group word such as "taxonomy" or "policy" without its subcommand.
    bool asked = help;
    for (const std::string& a : rest) asked = asked || a == "--help" || a == "-h";
    PrintOverview(asked ? out : err, words);
    if (!asked) {
      err << "usage error: \"w2w " << absl::StrJoin(words, " ")
          << "\" needs a subcommand (see above)\n";
    }
    return asked ? kExitOk : kExitUsage;
  }

  Env env(&out, &err);
  env.command = absl::StrJoin(words, " ");
  env.progress = err_is_terminal;
  auto parsed = ParseArgs(command->spec, GlobalFlags(), rest);
  if (!parsed.ok()) return env.Usage(parsed.status().message());
  if (parsed->Has("help")) {
    out << HelpText(command->spec, GlobalFlags());
    return kExitOk;
  }
  env.server = parsed->Get("server", default_server.empty() ? "127.0.0.1:50051" : default_server);
  env.json = parsed->Has("json");
  if (parsed->Has("lang")) {
    const std::string lang = absl::AsciiStrToLower(parsed->Get("lang"));
    if (lang == "nl") {
      env.language = w2w::v1::LANGUAGE_NL;
    } else if (lang == "en") {
      env.language = w2w::v1::LANGUAGE_EN;
    } else {
      return env.Usage(absl::StrCat("--lang expects nl or en, got \"", parsed->Get("lang"), "\""));
    }
  }
  if (int code = SetTls(*parsed, tls_defaults, &env); code != kExitOk) return code;
  if (parsed->Has("token_file")) {
    absl::StatusOr<std::string> token = clients::ReadTokenFile(parsed->Get("token_file"));
    if (!token.ok()) return env.Error(token.status().message());
    env.token = *std::move(token);
  } else if (const char* token = std::getenv("W2W_TOKEN"); token != nullptr) {
    env.token = token;
  }
  if (parsed->Has("timeout")) {
    double seconds = 0;
    if (!absl::SimpleAtod(parsed->Get("timeout"), &seconds) || seconds <= 0) {
      return env.Usage(absl::StrCat("--timeout expects seconds > 0, got \"",
                                    parsed->Get("timeout"), "\""));
    }
    env.timeout = absl::Seconds(seconds);
  }
  return command->run(*parsed, env);
}

}  // namespace w2w::cli
