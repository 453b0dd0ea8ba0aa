// `w2w import` with text that is not UTF-8 (a Latin-1 / Windows-1252 export): the tool
// reports each such line as malformed, with its line number, the field and how to convert
// the file, imports every other line, and exits 1. The real binaries ($W2W_CLI_BIN,
// $W2W_SERVER_BIN) are used.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"

namespace w2w {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

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

// $W2W_CLI_BIN, else <build>/clients/w2w (this test runs from <build>/tests/).
std::string CliBinary() {
  if (const char* bin = std::getenv("W2W_CLI_BIN"); bin != nullptr && *bin != '\0') return bin;
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return "";
  std::string path(self, static_cast<size_t>(n));
  path = path.substr(0, path.rfind('/'));
  path = path.substr(0, path.rfind('/'));
  return path + "/clients/w2w";
}

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

CliResult RunCli(const std::vector<std::string>& args) {
  const std::string binary = CliBinary();
  CliResult result;
  if (access(binary.c_str(), X_OK) != 0) {
    ADD_FAILURE() << "no w2w binary at \"" << binary << "\" (set W2W_CLI_BIN)";
    return result;
  }
  const std::string base = absl::StrCat(TempDir(), "/w2w-cli-utf8-", getpid());
  const std::string out_path = base + ".out", err_path = base + ".err";
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDOUT_FILENO);
    dup2(open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
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

TEST(CliImportUtf8Test, Latin1LinesAreMalformedWithAHintAndTheRestIsImported) {
  auto server = testkit::ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  std::string csv =
      "id,region,sector,trades,qualifications,employer_id,status,max_travel_km,"
      "willing_to_retrain,source\n";
  for (int i = 1; i <= 5; ++i) {
    // Line i + 1; lines 3 and 5 carry Latin-1 text ("Twent\xe9", "Frysl\xe2n").
    const std::string region = i == 2 ? "Twent\xe9" : i == 4 ? "Frysl\xe2n" : testkit::kTwente;
    absl::StrAppend(&csv, "utf-c", i, ",", region, ",ME,", testkit::kWelderCode, ":", i, ",",
                    testkit::kVcaBasis, ",emp-cli,at_risk,60,true,cli\n");
  }
  const std::string path = absl::StrCat(TempDir(), "/w2w-cli-utf8-", getpid(), ".csv");
  std::ofstream(path) << csv;
  for (const std::string per_message : {"1", "200"}) {
    const CliResult import = RunCli({"--server", (*server)->address(), "--timeout", "30", "import",
                                     "candidates", path, "--records_per_message", per_message});
    EXPECT_EQ(import.code, 1) << import.err;
    EXPECT_THAT(import.out, AllOf(HasSubstr("5 lines read"), HasSubstr("2 malformed")));
    EXPECT_THAT(import.err, AllOf(HasSubstr(".csv:3: malformed line: region: not valid UTF-8"),
                                  HasSubstr(".csv:5: malformed line: region: not valid UTF-8"),
                                  HasSubstr("iconv")));
    EXPECT_THAT(import.err, Not(HasSubstr("NOT imported")));
  }
  unlink(path.c_str());
  for (int i = 1; i <= 5; ++i) {
    const CliResult get =
        RunCli({"--server", (*server)->address(), "get", "candidate", absl::StrCat("utf-c", i)});
    EXPECT_EQ(get.code, i == 2 || i == 4 ? 1 : 0) << i << ": " << get.err;
  }
}

}  // namespace
}  // namespace w2w
