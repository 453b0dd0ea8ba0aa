// Entry point of the `w2w` command-line tool, separate from main() so that tests can run
// commands in-process.
//
// Thread safety: RunCli may run concurrently with itself when given distinct streams.
#ifndef W2W_CLIENTS_CLI_CLI_H_
#define W2W_CLIENTS_CLI_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace w2w::cli {

// What the TLS flags --ca_file, --cert_file and --key_file are when absent (main passes
// $W2W_CA_FILE, $W2W_CERT_FILE and $W2W_KEY_FILE); empty = none.
struct TlsFileDefaults {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// Runs `w2w` with `args` (without the program name), writing results to `out` and
// progress and errors to `err`. Returns the exit code: 0 ok, 1 RPC or operation error,
// 2 usage error. `default_server` is used when --server is absent (main passes
// $W2W_SERVER when set), `tls_defaults` when the TLS flags are. `err_is_terminal` enables
// in-place progress lines.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const std::string& default_server, bool err_is_terminal,
           const TlsFileDefaults& tls_defaults = {});

// The command paths, e.g. {"import"}, {"rematch", "get"}: for help and tests.
std::vector<std::vector<std::string>> CommandPaths();

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_CLI_H_
