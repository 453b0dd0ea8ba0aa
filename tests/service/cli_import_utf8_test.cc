// `w2w import` with text that is not UTF-8 (a Latin-1 / Windows-1252 export): the tool
// reports each such line as malformed, with its line number, the field and how to convert
// the file, imports every other line, and exits 1. The real binaries ($W2W_CLI_BIN,
// $W2W_SERVER_BIN) are used.
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"

namespace w2w {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

using testkit::ReadFile;
using testkit::TempDir;

testkit::BinaryResult RunCli(const std::vector<std::string>& args) {
  return testkit::RunBinary(testkit::CliBinary(), args);
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
    const testkit::BinaryResult import = RunCli({"--server", (*server)->address(), "--timeout", "30", "import",
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
    const testkit::BinaryResult get =
        RunCli({"--server", (*server)->address(), "get", "candidate", absl::StrCat("utf-c", i)});
    EXPECT_EQ(get.code, i == 2 || i == 4 ? 1 : 0) << i << ": " << get.err;
  }
}

}  // namespace
}  // namespace w2w
