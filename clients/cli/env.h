// What every `w2w` command is given: output streams, the global flags and a lazily
// created gRPC channel to the server, plus helpers to report errors with the tool's exit
// codes (0 ok, 1 RPC or operation error, 2 usage error).
//
// Thread safety: an Env is used by one command on one thread.
#ifndef W2W_CLIENTS_CLI_ENV_H_
#define W2W_CLIENTS_CLI_ENV_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/cli/args.h"
#include "grpcpp/grpcpp.h"
#include "w2w/v1/common.pb.h"

namespace w2w::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

// Deadline of unary calls when --timeout is not given.
inline constexpr absl::Duration kDefaultTimeout = absl::Seconds(30);

class Env {
 public:
  // `out` and `err` are borrowed and must outlive the Env.
  Env(std::ostream* out, std::ostream* err) : out_(out), err_(err) {}

  std::ostream& out() const { return *out_; }
  std::ostream& err() const { return *err_; }

  // Global flags, set by RunCli before the command runs.
  std::string server = "127.0.0.1:50051";
  std::optional<absl::Duration> timeout;  // Set only when --timeout was given.
  bool json = false;
  bool progress = false;  // Redraw progress lines in place (stderr is a terminal).
  std::string command;    // E.g. "rematch get", for error hints.
  std::string token;      // Bearer token sent with every call (--token_file or $W2W_TOKEN).
  // The language of the server's texts (reasons, trade labels) from --lang: Dutch unless
  // --lang en, since the coaches who use the tool read Dutch.
  w2w::v1::Language language = w2w::v1::LANGUAGE_NL;
  // TLS from --ca_file (pem_root_certs, the CA that must have signed the server's
  // certificate) and, for mutual TLS, --cert_file/--key_file; nullopt = plaintext.
  std::optional<grpc::SslCredentialsOptions> tls;

  // The channel to `server`, created on first use: TLS verifying the server against
  // `tls->pem_root_certs` when `tls` is set, else plaintext (a server without TLS listens
  // on loopback only). Every call carries `token`.
  std::shared_ptr<grpc::Channel> channel();

  // Sets the deadline of a call: --timeout when given, else kDefaultTimeout for unary
  // calls and none for streaming calls (which report their own progress).
  void SetDeadline(grpc::ClientContext* context, bool streaming) const;

  // Prints "error: CODE: message" for a failed RPC (with a hint for UNAVAILABLE and
  // UNIMPLEMENTED) and returns kExitError.
  int RpcError(const grpc::Status& status, absl::string_view what) const;
  // Prints "error: message" and returns kExitError.
  int Error(absl::string_view message) const;
  // Prints "usage error: message" and a pointer to --help; returns kExitUsage.
  int Usage(absl::string_view message) const;

 private:
  std::ostream* out_;
  std::ostream* err_;
  std::shared_ptr<grpc::Channel> channel_;
};

// The canonical name of a gRPC status code, e.g. "INVALID_ARGUMENT".
std::string StatusCodeName(grpc::StatusCode code);

// A runnable command: its declaration and its handler, which returns the exit code.
struct Command {
  CommandSpec spec;
  std::function<int(const ParsedArgs&, Env&)> run;
};

// A command taking exactly `positional` arguments.
Command MakeCommand(std::vector<std::string> path, std::string usage, int positional, std::string summary,
                    std::string details, std::function<int(const ParsedArgs&, Env&)> run,
                    std::vector<FlagSpec> flags = {});

// The command groups, each defined in its own cmd_*.cc file.
std::vector<Command> ImportCommands();
std::vector<Command> RecordCommands();
std::vector<Command> MatchCommands();
std::vector<Command> RematchCommands();
std::vector<Command> AdminCommands();
std::vector<Command> AccessCommands();
std::vector<Command> OutcomeCommands();
std::vector<Command> ReportCommands();
std::vector<Command> WatchCommands();

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_ENV_H_
