// The `w2w` command-line tool: see clients/README.md and `w2w --help`.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "clients/cli/cli.h"

namespace {

// The environment variable `name`, or "" when unset.
std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const w2w::cli::TlsFileDefaults tls{EnvOrEmpty("W2W_CA_FILE"), EnvOrEmpty("W2W_CERT_FILE"),
                                      EnvOrEmpty("W2W_KEY_FILE")};
  const int code = w2w::cli::RunCli(args, std::cout, std::cerr, EnvOrEmpty("W2W_SERVER"),
                                    isatty(STDERR_FILENO) == 1, tls);
  std::cout.flush();
  return code;
}
