#include "tests/testkit/run_binary.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace w2w::testkit {

std::string CliBinary() {
  if (const char* bin = std::getenv("W2W_CLI_BIN"); bin != nullptr && *bin != '\0') return bin;
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return "";
  std::string path(self, static_cast<size_t>(n));
  path = path.substr(0, path.rfind('/'));  // <build>/tests
  path = path.substr(0, path.rfind('/'));  // <build>
  return path + "/clients/w2w";
}

std::string ServerBinary() {
  if (const char* bin = std::getenv("W2W_SERVER_BIN"); bin != nullptr && *bin != '\0') return bin;
  const std::string cli = CliBinary();
  return cli.substr(0, cli.rfind("/clients/")) + "/service/w2w-server";
}

std::string TempDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

BinaryResult RunBinary(const std::string& binary, const std::vector<std::string>& args,
                       const std::vector<std::string>& env) {
  const char* bin = binary.c_str();
  BinaryResult result;
  if (access(bin, X_OK) != 0) {
    ADD_FAILURE() << "no binary at \"" << binary << "\" (set W2W_CLI_BIN / W2W_SERVER_BIN)";
    return result;
  }
  const std::string base = absl::StrCat(TempDir(), "/w2w-run-", getpid());
  const std::string out_path = base + ".out", err_path = base + ".err";
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(bin));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const char* name : {"W2W_SERVER", "W2W_CA_FILE", "W2W_CERT_FILE", "W2W_KEY_FILE"}) {
      unsetenv(name);
    }
    for (const std::string& assignment : env) putenv(const_cast<char*>(assignment.c_str()));
    execv(bin, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return result;
}

}  // namespace w2w::testkit
