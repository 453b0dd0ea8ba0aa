// Running the project's command-line binaries (w2w, w2w-server) from a test: where to find
// them, and one run with its output and exit code captured.
//
// Thread safety: RunBinary forks; call it from the test's main thread.
#ifndef W2W_TESTS_TESTKIT_RUN_BINARY_H_
#define W2W_TESTS_TESTKIT_RUN_BINARY_H_

#include <string>
#include <vector>

namespace w2w::testkit {

// What one run of a binary printed, and how it ended.
struct BinaryResult {
  int code = -1;    // Exit code; 128 + signal when killed; -1 when it could not run.
  std::string out;  // Standard output.
  std::string err;  // Standard error.
};

// $W2W_CLI_BIN, else <build>/clients/w2w of the build tree this test binary runs from
// (tests live in <build>/tests/).
std::string CliBinary();

// $W2W_SERVER_BIN, else <build>/service/w2w-server.
std::string ServerBinary();

// $TMPDIR, else /tmp.
std::string TempDir();

// The whole content of the file at `path` ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// Runs `binary` with `args` and waits for it. W2W_SERVER and the CLI's TLS variables
// (W2W_CA_FILE, W2W_CERT_FILE, W2W_KEY_FILE) are unset in its environment, so only flags
// choose the server and how to reach it; then each "NAME=value" of `env` is set. Adds a
// test failure and returns code -1 when `binary` is not executable.
BinaryResult RunBinary(const std::string& binary, const std::vector<std::string>& args,
                       const std::vector<std::string>& env = {});

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_RUN_BINARY_H_
