// The `w2w` command-line tool: see clients/README.md and `w2w --help`.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "clients/cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* server = std::getenv("W2W_SERVER");
  const int code = w2w::cli::RunCli(args, std::cout, std::cerr, server ? server : "",
                                    isatty(STDERR_FILENO) == 1);
  std::cout.flush();
  return code;
}
