// The w2w tool's argument parser, tables, help texts and exit codes, run in-process
// (no server needed: only commands that fail before any RPC, or reach a closed port).
#include <sstream>

#include "clients/cli/args.h"
#include "clients/cli/cli.h"
#include "clients/cli/table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

CommandSpec TestSpec() {
  CommandSpec spec;
  spec.path = {"shortlist"};
  spec.usage = "VACANCY_ID";
  spec.summary = "Rank.";
  spec.flags = {{"k", "k", "N", "How many"},
                {"region", "", "R", "Regions"},
                {"explain", "", "", "Explain"},
                {"min-score", "", "S", "Floor"}};
  spec.min_positional = 1;
  spec.max_positional = 1;
  return spec;
}

TEST(ParseArgsTest, SpellingsOfFlagsAndPositionals) {
  auto parsed = ParseArgs(TestSpec(), {}, {"-k", "5", "v-1", "--region=Twente", "--region",
                                           "Rijnmond,Haaglanden", "--explain", "--min-score",
                                           "0.5"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->positional(), ElementsAre("v-1"));
  EXPECT_EQ(**parsed->GetUint("k"), 5u);
  EXPECT_DOUBLE_EQ(**parsed->GetDouble("min-score"), 0.5);
  EXPECT_TRUE(parsed->Has("explain"));
  EXPECT_THAT(parsed->GetList("region"), ElementsAre("Twente", "Rijnmond", "Haaglanden"));
  EXPECT_FALSE(parsed->Has("missing"));
  EXPECT_FALSE(parsed->GetUint("missing")->has_value());

  auto dashes = ParseArgs(TestSpec(), {}, {"--", "--odd-id"});
  ASSERT_TRUE(dashes.ok());
  EXPECT_THAT(dashes->positional(), ElementsAre("--odd-id"));
}

TEST(ParseArgsTest, Errors) {
  EXPECT_THAT(ParseArgs(TestSpec(), {}, {"v", "--colour", "red"}).status().message(),
              HasSubstr("unknown flag --colour"));
  EXPECT_THAT(ParseArgs(TestSpec(), {}, {"v", "-k"}).status().message(),
              HasSubstr("needs a value"));
  EXPECT_THAT(ParseArgs(TestSpec(), {}, {}).status().message(), HasSubstr("VACANCY_ID"));
  EXPECT_THAT(ParseArgs(TestSpec(), {}, {"a", "b"}).status().message(), HasSubstr("\"b\""));
  EXPECT_FALSE(ParseArgs(TestSpec(), {}, {"v", "--explain=sure"}).ok());
  auto bad_number = ParseArgs(TestSpec(), {}, {"v", "-k", "five"});
  ASSERT_TRUE(bad_number.ok());
  EXPECT_THAT(bad_number->GetUint("k").status().message(), HasSubstr("--k"));
  // --help is accepted even when positionals are missing.
  const std::vector<FlagSpec> globals = {{"help", "h", "", "Help"}};
  EXPECT_TRUE(ParseArgs(TestSpec(), globals, {"-h"}).ok());
}

TEST(HelpTextTest, ListsFlagsAndGlobals) {
  const std::string help = HelpText(TestSpec(), {{"server", "", "HOST:PORT", "Where"}});
  EXPECT_THAT(help, HasSubstr("Usage: w2w shortlist [flags] VACANCY_ID"));
  EXPECT_THAT(help, HasSubstr("-k, --k N"));
  EXPECT_THAT(help, HasSubstr("--min-score S"));
  EXPECT_THAT(help, HasSubstr("--server HOST:PORT"));
}

TEST(TableTest, AlignsColumnsAndCountsUtf8) {
  Table t({"ID", "NAME", "SCORE"});
  t.AlignRight(2);
  t.AddRow({"c-1", "Ren\xC3\xA9", "0.5"});
  t.AddRow({"c-10", "Jo", "0.125"});
  std::ostringstream out;
  t.Print(out);
  EXPECT_EQ(out.str(),
            "ID    NAME  SCORE\n"
            "----  ----  -----\n"
            "c-1   Ren\xC3\xA9    0.5\n"
            "c-10  Jo    0.125\n");
  EXPECT_EQ(DisplayWidth("Ren\xC3\xA9"), 4u);
  EXPECT_EQ(Fixed(0.8125, 3), "0.812");
}

TEST(TableTest, LimitWidthTruncates) {
  Table t({"REASONS"});
  t.LimitWidth(0, 8);
  t.AddRow({"same region; needs VCA"});
  std::ostringstream out;
  t.Print(out);
  EXPECT_THAT(out.str(), HasSubstr("same ...\n"));
}

struct ToolRun {
  int code;
  std::string out, err;
};

ToolRun RunTool(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = RunCli(args, out, err, "127.0.0.1:1", false);
  return {code, out.str(), err.str()};
}

TEST(RunCliTest, EveryCommandHasHelpAndExitsZero) {
  const auto paths = CommandPaths();
  EXPECT_GE(paths.size(), 20u);
  for (const auto& path : paths) {
    std::vector<std::string> args = path;
    args.push_back("--help");
    const ToolRun run = RunTool(args);
    EXPECT_EQ(run.code, 0) << path[0];
    EXPECT_THAT(run.out, HasSubstr("Usage: w2w " + path[0])) << path[0];
    EXPECT_THAT(run.out, HasSubstr("--server")) << path[0];
  }
  EXPECT_EQ(RunTool({"--help"}).code, 0);
  EXPECT_EQ(RunTool({"help", "rematch", "get"}).code, 0);
  EXPECT_THAT(RunTool({"help", "rematch", "get"}).out, HasSubstr("RUN_ID"));
  EXPECT_EQ(RunTool({"taxonomy", "--help"}).code, 0);
}

TEST(RunCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunTool({}).code, 2);
  EXPECT_EQ(RunTool({"--server", "h:1"}).code, 2);
  EXPECT_EQ(RunTool({"frobnicate"}).code, 2);
  EXPECT_EQ(RunTool({"taxonomy"}).code, 2);
  EXPECT_EQ(RunTool({"get", "candidate"}).code, 2);
  EXPECT_EQ(RunTool({"get", "employer", "x"}).code, 2);
  EXPECT_EQ(RunTool({"list", "candidates", "--sector", "STEEL"}).code, 2);
  EXPECT_EQ(RunTool({"shortlist", "v-1", "-k", "many"}).code, 2);
  EXPECT_EQ(RunTool({"import", "candidates", "x.txt"}).code, 2);
  EXPECT_EQ(RunTool({"rematch"}).code, 2);
  EXPECT_EQ(RunTool({"rematch", "--employer", "e", "--candidates", "a,b"}).code, 2);
  EXPECT_EQ(RunTool({"ping", "--timeout", "soon"}).code, 2);
  const ToolRun run = RunTool({"get", "candidate", "--bogus"});
  EXPECT_THAT(run.err, HasSubstr("unknown flag --bogus"));
  EXPECT_THAT(run.err, HasSubstr("w2w get --help"));
}

TEST(RunCliTest, UnreachableServerIsAnRpcErrorWithTheCode) {
  // Port 1 on loopback is closed: the call fails fast with UNAVAILABLE.
  const ToolRun run = RunTool({"--timeout", "5", "ping"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(run.err, HasSubstr("127.0.0.1:1"));
}

}  // namespace
}  // namespace w2w::cli
