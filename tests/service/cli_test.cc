// End-to-end tests of the `w2w` command-line tool: the real binary ($W2W_CLI_BIN) against
// the real server ($W2W_SERVER_BIN, started on a free port by testkit::ServerProcess).
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
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

using CliResult = testkit::BinaryResult;
using testkit::CliBinary;
using testkit::ReadFile;
using testkit::RunBinary;
using testkit::ServerBinary;
using testkit::TempDir;

// Protobuf JSON, one line (the JSON Lines import format).
std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &out, options).ok());
  return out;
}

bool FromJson(const std::string& json, google::protobuf::Message* message) {
  return google::protobuf::util::JsonStringToMessage(json, message).ok();
}

// Runs the w2w binary with `args`.
CliResult RunCli(const std::vector<std::string>& args) {
  static const std::string* const kBinary = new std::string(CliBinary());
  return RunBinary(*kBinary, args);
}

// Every command path of the tool (kept in step with `w2w --help`, checked below).
const std::vector<std::vector<std::string>>& AllCommands() {
  static const auto* const kCommands = new std::vector<std::vector<std::string>>{
      {"import"},           {"get"},
      {"list"},             {"delete"},
      {"close"},            {"upsert"},
      {"shortlist"},        {"matches"},
      {"explain"},          {"rematch"},
      {"rematch", "get"},   {"rematch", "cancel"},
      {"rematch", "list"},  {"policy", "get"},
      {"policy", "set"},    {"taxonomy", "regions"},
      {"taxonomy", "clusters"}, {"taxonomy", "sectors"},
      {"taxonomy", "municipalities"}, {"taxonomy", "trades"},
      {"taxonomy", "qualifications"}, {"taxonomy", "add-qualification"},
      {"info"},             {"ping"},
      {"watch"}};
  return *kCommands;
}

TEST(CliHelpTest, EverySubcommandPrintsItsHelpAndExitsZero) {
  const CliResult overview = RunCli({"--help"});
  ASSERT_EQ(overview.code, 0) << overview.err;
  for (const auto& path : AllCommands()) {
    const std::string name = absl::StrJoin(path, " ");
    EXPECT_THAT(overview.out, HasSubstr("  " + name)) << name;
    std::vector<std::string> args = path;
    args.push_back("--help");
    const CliResult help = RunCli(args);
    EXPECT_EQ(help.code, 0) << name << ": " << help.err;
    EXPECT_THAT(help.out, HasSubstr("Usage: w2w " + name)) << name;
  }
  EXPECT_EQ(RunCli({"no-such-command"}).code, 2);

  // The server's --help lists its own flags (not "No flags matched").
  const CliResult server_help = RunBinary(ServerBinary(), {"--help"});
  EXPECT_THAT(server_help.out + server_help.err,
              AllOf(HasSubstr("--data_dir"), HasSubstr("--threads"), HasSubstr("--sync_writes"),
                    Not(HasSubstr("No flags matched"))));
  EXPECT_EQ(RunCli({"get", "candidate"}).code, 2);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testkit::ServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    dir_ = absl::StrCat(TempDir(), "/w2w-cli-files-", getpid());
    ASSERT_EQ(system(absl::StrCat("mkdir -p '", dir_, "'").c_str()), 0);
  }
  void TearDown() override {
    if (!dir_.empty()) {
      EXPECT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0);
    }
  }

  // Runs the tool against the test server.
  CliResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", server_->address(), "--timeout", "30"});
    return RunCli(args);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream(path) << text;
    return path;
  }

  // A CSV of `n` valid candidates "csv-c<i>" in Twente, welders with VCA-BASIS.
  std::string CandidatesCsv(int n) {
    std::string text =
        "id,region,sector,trades,qualifications,employer_id,status,max_travel_km,"
        "willing_to_retrain,source\n";
    for (int i = 1; i <= n; ++i) {
      absl::StrAppend(&text, "csv-c", i, ",", testkit::kTwente, ",ME,\"", testkit::kWelderCode,
                      ":", i, "\",", testkit::kVcaBasis, ",emp-cli,at_risk,60,true,cli\n");
    }
    return text;
  }

  std::unique_ptr<testkit::ServerProcess> server_;
  std::string dir_;
};

TEST_F(CliTest, ImportCsvThenGetAndList) {
  const std::string path = WriteFile("people.csv", CandidatesCsv(3));
  const CliResult import = Cli({"import", "candidates", path});
  ASSERT_EQ(import.code, 0) << import.out << import.err;
  EXPECT_THAT(import.out, HasSubstr("3 committed"));
  EXPECT_THAT(import.out, HasSubstr("0 rejected"));

  const CliResult get = Cli({"get", "candidate", "csv-c2"});
  ASSERT_EQ(get.code, 0) << get.err;
  EXPECT_THAT(get.out, AllOf(HasSubstr("csv-c2"), HasSubstr("Twente"), HasSubstr("at_risk"),
                             HasSubstr(testkit::kVcaBasis), HasSubstr("2 yrs"),
                             HasSubstr("emp-cli")));

  const CliResult list = Cli({"list", "candidates", "--employer", "emp-cli"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, AllOf(HasSubstr("csv-c1"), HasSubstr("csv-c2"), HasSubstr("csv-c3"),
                              HasSubstr("3 candidates")));

  // Pages of one record each, cut at --limit: the count says more exist.
  const CliResult paged =
      Cli({"list", "candidates", "--employer", "emp-cli", "--limit", "2", "--page-size", "1"});
  ASSERT_EQ(paged.code, 0) << paged.err;
  EXPECT_THAT(paged.out, AllOf(HasSubstr("csv-c1"), HasSubstr("csv-c2"), Not(HasSubstr("csv-c3")),
                               HasSubstr("2 candidates shown (more exist: raise --limit)")));
  // --json: one JSON object per line, paged the same way.
  const CliResult json_list =
      Cli({"--json", "list", "candidates", "--employer", "emp-cli", "--page-size", "2"});
  ASSERT_EQ(json_list.code, 0) << json_list.err;
  EXPECT_EQ(std::count(json_list.out.begin(), json_list.out.end(), '\n'), 3) << json_list.out;
  // --limit 0 is every record (an export), however small the pages.
  const CliResult all = Cli({"--json", "list", "candidates", "--employer", "emp-cli", "--limit",
                             "0", "--page-size", "1"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 3) << all.out;
  EXPECT_EQ(Cli({"list", "candidates", "--status", "retired"}).code, 2);

  // --json prints protobuf JSON that parses back into the record.
  const CliResult json = Cli({"--json", "get", "candidate", "csv-c3"});
  ASSERT_EQ(json.code, 0) << json.err;
  v1::Candidate c;
  ASSERT_TRUE(FromJson(json.out, &c)) << json.out;
  EXPECT_EQ(c.id(), "csv-c3");
  EXPECT_EQ(c.trades(0).years(), 3u);

  // Importing the same file again changes nothing.
  const CliResult again = Cli({"import", "candidates", path});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("3 unchanged"));
}

TEST_F(CliTest, ImportJsonlVacanciesThenGetListCloseDelete) {
  std::string text;
  for (int i = 0; i < 4; ++i) {
    absl::StrAppend(&text, ToJson(testkit::MakeVacancy(absl::StrCat("jl-v", i), i)),
                    "\n");
    if (i == 1) text += "\n";  // Empty lines are skipped.
  }
  const std::string path = WriteFile("vacancies.jsonl", text);
  const CliResult import = Cli({"import", "vacancies", path, "--chunk", "2"});
  ASSERT_EQ(import.code, 0) << import.out << import.err;
  EXPECT_THAT(import.out, HasSubstr("4 committed"));

  const CliResult get = Cli({"get", "vacancy", "jl-v2"});
  ASSERT_EQ(get.code, 0) << get.err;
  EXPECT_THAT(get.out, AllOf(HasSubstr("jl-v2"), HasSubstr("Vacature 2"), HasSubstr("open")));

  const CliResult list = Cli({"list", "vacancies"});
  ASSERT_EQ(list.code, 0) << list.err;
  for (int i = 0; i < 4; ++i) EXPECT_THAT(list.out, HasSubstr(absl::StrCat("jl-v", i)));

  const CliResult close = Cli({"close", "vacancy", "jl-v1", "--filled"});
  ASSERT_EQ(close.code, 0) << close.err;
  EXPECT_THAT(close.out, HasSubstr("filled"));

  const CliResult del = Cli({"delete", "vacancy", "jl-v3"});
  ASSERT_EQ(del.code, 0) << del.err;
  const CliResult gone = Cli({"get", "vacancy", "jl-v3"});
  EXPECT_EQ(gone.code, 1);
  EXPECT_THAT(gone.err, HasSubstr("NOT_FOUND"));
}

TEST_F(CliTest, BadFileReportsLineNumbersAndImportsTheRest) {
  std::string text = CandidatesCsv(2);                       // Lines 1-3.
  text += "csv-bad1,\"Twente,ME,x:1,,e,at_risk,50,true,cli\n";  // Line 4: open quote.
  text += "\n";                                               // Line 5: empty.
  absl::StrAppend(&text, "csv-bad2,Twente,ME,9999.9:3,,e,at_risk,50,true,cli\n");  // 6: trade.
  absl::StrAppend(&text, "csv-bad3,Twente,STEEL,", testkit::kWelderCode,
                  ":3,,e,at_risk,50,true,cli\n");            // Line 7: sector.
  absl::StrAppend(&text, "csv-ok3,Twente,ME,", testkit::kWelderCode,
                  ":3,,e,unemployed,50,true,cli\n");         // Line 8: fine.
  const std::string path = WriteFile("bad.csv", text);
  const CliResult import = Cli({"import", "candidates", path});
  EXPECT_EQ(import.code, 1);
  EXPECT_THAT(import.out, AllOf(HasSubstr("3 committed"), HasSubstr("3 rejected")));
  EXPECT_THAT(import.err, AllOf(HasSubstr("bad.csv:4:"), HasSubstr("unterminated"),
                                HasSubstr("bad.csv:6:"), HasSubstr("trades[0]"),
                                HasSubstr("bad.csv:7:"), HasSubstr("column sector")));
  EXPECT_THAT(import.err, Not(HasSubstr("bad.csv:8:")));
  EXPECT_EQ(Cli({"get", "candidate", "csv-ok3"}).code, 0);

  const std::string header = WriteFile("header.csv", "id,region,shoe_size\nx,Twente,44\n");
  const CliResult bad_header = Cli({"import", "candidates", header});
  EXPECT_EQ(bad_header.code, 1);
  EXPECT_THAT(bad_header.err, AllOf(HasSubstr("line 1"), HasSubstr("shoe_size")));
}

TEST_F(CliTest, DuplicateIdsInOneFileAreReportedWithBothLinesAndFailTheExitCode) {
  std::string text = CandidatesCsv(3);  // Lines 2-4: csv-c1..csv-c3.
  absl::StrAppend(&text, "csv-c2,", testkit::kRijnmond, ",ME,", testkit::kWelderCode,
                  ":9,,emp-cli,unemployed,60,true,cli\n");  // Line 5: csv-c2 again.
  const std::string path = WriteFile("dup.csv", text);
  const CliResult import = Cli({"import", "candidates", path});
  EXPECT_EQ(import.code, 1);
  EXPECT_THAT(import.out, AllOf(HasSubstr("4 lines read"), HasSubstr("1 duplicate ids")));
  EXPECT_THAT(import.err, HasSubstr("dup.csv:5: duplicate id csv-c2: also on line 3"));
  // The later line won, as the message says.
  const CliResult got = Cli({"get", "candidate", "csv-c2"});
  EXPECT_EQ(got.code, 0);
  EXPECT_THAT(got.out, HasSubstr(testkit::kRijnmond));
  // The same lines in two files are no duplicate within a file.
  const CliResult clean = Cli({"import", "candidates", WriteFile("a.csv", CandidatesCsv(2)),
                               WriteFile("b.csv", CandidatesCsv(2))});
  EXPECT_EQ(clean.code, 0) << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("0 duplicate ids"));
}

TEST_F(CliTest, ARecordTooLargeForAMessageIsRefusedAloneAndTheRestLands) {
  // A candidate whose `source` is 5 MB, between six small ones (JSON Lines, line 4).
  const std::string jsonl_path = WriteFile("big.jsonl", absl::StrCat(
      "{\"id\":\"big-1\",\"region\":\"Twente\",\"sector\":\"SECTOR_ME\",\"status\":\"CANDIDATE_STATUS_AT_RISK\","
      "\"trades\":[{\"code\":\"", testkit::kWelderCode, "\",\"years\":3}],\"source\":\"",
      std::string(5 << 20, 'x'), "\"}\n"));
  std::string lines[2];
  for (int i = 1; i <= 6; ++i) {
    absl::StrAppend(&lines[i > 3], "{\"id\":\"small-", i, "\",\"region\":\"Twente\",\"sector\":\"SECTOR_ME\","
                    "\"status\":\"CANDIDATE_STATUS_AT_RISK\",\"trades\":[{\"code\":\"", testkit::kWelderCode,
                    "\",\"years\":3}]}\n");
  }
  std::string big;
  {
    std::ifstream in(jsonl_path);
    std::getline(in, big);
  }
  const std::string path = WriteFile("mixed.jsonl", absl::StrCat(lines[0], big, "\n", lines[1]));
  const CliResult import = Cli({"import", "candidates", path});
  EXPECT_EQ(import.code, 1);
  EXPECT_THAT(import.out, AllOf(HasSubstr("7 lines read"), HasSubstr("6 committed"), HasSubstr("1 rejected"),
                                HasSubstr("0 duplicate ids")));
  EXPECT_THAT(import.err, AllOf(HasSubstr("mixed.jsonl:4: record of"), HasSubstr("message limit of 4 MiB")));
  EXPECT_THAT(import.err, Not(HasSubstr("RESOURCE_EXHAUSTED: Received message larger")));
  EXPECT_EQ(Cli({"get", "candidate", "small-3"}).code, 0);
  EXPECT_EQ(Cli({"get", "candidate", "small-4"}).code, 0);
  EXPECT_NE(Cli({"get", "candidate", "big-1"}).code, 0);
  // Told the server takes 8 MiB messages, the CLI sends it; the server's own 4 MiB limit
  // then refuses that one stream with a clear status, naming the limit.
  const CliResult forced = Cli({"import", "candidates", jsonl_path, "--max_message_mb", "8"});
  EXPECT_EQ(forced.code, 1);
  EXPECT_THAT(forced.err, HasSubstr("RESOURCE_EXHAUSTED"));
}

TEST_F(CliTest, RpcErrorsPrintTheCodeAndTheField) {
  const std::string path = WriteFile(
      "c.json", R"({"id":"js-1","region":"Atlantis","sector":"SECTOR_ME",)"
                R"("trades":[{"code":"7212.3","years":2}],"status":"CANDIDATE_STATUS_AT_RISK"})");
  const CliResult upsert = Cli({"upsert", "candidate", "--file", path});
  EXPECT_EQ(upsert.code, 1);
  EXPECT_THAT(upsert.err, AllOf(HasSubstr("INVALID_ARGUMENT"), HasSubstr("region")));

  const CliResult missing = Cli({"get", "candidate", "nobody"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

TEST_F(CliTest, ServerInfoPingTaxonomyAndPolicy) {
  const CliResult ping = Cli({"ping"});
  ASSERT_EQ(ping.code, 0) << ping.err;
  EXPECT_THAT(ping.out, HasSubstr("pong"));

  const CliResult info = Cli({"info"});
  ASSERT_EQ(info.code, 0) << info.err;
  EXPECT_THAT(info.out, AllOf(HasSubstr("candidates"), HasSubstr("policy version")));

  const CliResult regions = Cli({"taxonomy", "regions"});
  ASSERT_EQ(regions.code, 0) << regions.err;
  EXPECT_THAT(regions.out, AllOf(HasSubstr("Twente"), HasSubstr("35 regions")));

  const CliResult trades = Cli({"taxonomy", "trades", "--query", testkit::kWelderCode});
  ASSERT_EQ(trades.code, 0) << trades.err;
  EXPECT_THAT(trades.out, HasSubstr(testkit::kWelderId));

  const CliResult quals = Cli({"taxonomy", "qualifications"});
  ASSERT_EQ(quals.code, 0) << quals.err;
  EXPECT_THAT(quals.out, HasSubstr(testkit::kVcaVol));

  const CliResult policy = Cli({"policy", "get"});
  ASSERT_EQ(policy.code, 0) << policy.err;
  EXPECT_THAT(policy.out, HasSubstr("Component weights"));
}

TEST_F(CliTest, WatchPrintsTheCurrentTopKAndStopsAfterCount) {
  ASSERT_EQ(Cli({"import", "candidates", WriteFile("p.csv", CandidatesCsv(3))}).code, 0);
  v1::Vacancy v = testkit::MakeVacancy("w-v1", 0);
  v.set_region(testkit::kTwente);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(testkit::kWelderCode);
  v.clear_required_qualifications();
  ASSERT_EQ(Cli({"upsert", "vacancy", "--file", WriteFile("v.json", ToJson(v))}).code, 0);
  const CliResult watch = Cli({"watch", "--vacancy", "w-v1", "-k", "2", "--count", "2"});
  ASSERT_EQ(watch.code, 0) << watch.err;
  EXPECT_THAT(watch.out, AllOf(HasSubstr("in top k  #1"), HasSubstr("in top k  #2"), HasSubstr("vacancy w-v1"),
                               HasSubstr("candidate csv-c")));
  EXPECT_THAT(watch.err, AllOf(HasSubstr("watching"), HasSubstr("--resume w1.")));
  // Nothing to watch, or an unknown vacancy.
  EXPECT_EQ(Cli({"watch"}).code, 2);
  const CliResult unknown = Cli({"watch", "--vacancy", "nope"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND"));
}

TEST_F(CliTest, ShortlistMatchesExplainAndRematch) {
  ASSERT_EQ(Cli({"import", "candidates", WriteFile("p.csv", CandidatesCsv(5))}).code, 0);
  v1::Vacancy v = testkit::MakeVacancy("sl-v1", 0);
  v.set_region(testkit::kTwente);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(testkit::kWelderCode);
  v.clear_required_qualifications();
  v.add_required_qualifications(testkit::kVcaBasis);
  const std::string vpath = WriteFile("v.json", ToJson(v));
  const CliResult upsert = Cli({"upsert", "vacancy", "--file", vpath});
  ASSERT_EQ(upsert.code, 0) << upsert.err;

  const CliResult shortlist = Cli({"shortlist", "sl-v1", "-k", "3"});
  ASSERT_EQ(shortlist.code, 0) << shortlist.err;
  EXPECT_THAT(shortlist.out, AllOf(HasSubstr("Shortlist for vacancy sl-v1"), HasSubstr("csv-c"),
                                   HasSubstr("SCORE")));

  const CliResult matches = Cli({"matches", "csv-c5"});
  ASSERT_EQ(matches.code, 0) << matches.err;
  EXPECT_THAT(matches.out, HasSubstr("sl-v1"));

  const CliResult explain = Cli({"explain", "csv-c5", "sl-v1"});
  ASSERT_EQ(explain.code, 0) << explain.err;
  EXPECT_THAT(explain.out, AllOf(HasSubstr("trade"), HasSubstr(" x "), HasSubstr("km"),
                                 HasSubstr("total score")));

  // Rematch: the summary as tables and one CSV row per person.
  const std::string csv = absl::StrCat(dir_, "/rematch.csv");
  const CliResult rematch = Cli({"rematch", "--employer", "emp-cli", "--csv", csv});
  ASSERT_EQ(rematch.code, 0) << rematch.out << rematch.err;
  EXPECT_THAT(rematch.out, AllOf(HasSubstr("placeable now"), HasSubstr("not placeable")));
  const std::string rows = ReadFile(csv);
  EXPECT_THAT(rows, AllOf(HasSubstr("candidate_id,placement"), HasSubstr("csv-c1,")));

  // The run is a record: `rematch get --csv` pages its results into the same rows.
  const size_t at = rematch.out.find("r-20");
  ASSERT_NE(at, std::string::npos) << rematch.out;
  const std::string run_id = rematch.out.substr(at, 26);
  const std::string again = absl::StrCat(dir_, "/again.csv");
  const CliResult get = Cli({"rematch", "get", run_id, "--csv", again});
  ASSERT_EQ(get.code, 0) << get.out << get.err;
  EXPECT_THAT(get.out, AllOf(HasSubstr(run_id), HasSubstr("finished")));
  EXPECT_EQ(ReadFile(again), rows);
}

// --lang: the tool asks for Dutch texts unless --lang en (the same ranking either way);
// trade labels follow it; anything else is a usage error.
TEST_F(CliTest, LangChoosesTheLanguageOfReasonsAndLabels) {
  ASSERT_EQ(Cli({"import", "candidates", WriteFile("p.csv", CandidatesCsv(3))}).code, 0);
  v1::Vacancy v = testkit::MakeVacancy("lang-v1", 0);
  v.set_region(testkit::kTwente);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(testkit::kWelderCode);
  v.clear_required_qualifications();
  v.add_required_qualifications(testkit::kVcaVol);
  v.set_hard_to_fill(true);
  ASSERT_EQ(Cli({"upsert", "vacancy", "--file", WriteFile("v.json", ToJson(v))}).code, 0);

  const CliResult dutch = Cli({"shortlist", "lang-v1", "--json"});
  const CliResult nl = Cli({"--lang", "nl", "shortlist", "lang-v1", "--json"});
  const CliResult english = Cli({"shortlist", "lang-v1", "--json", "--lang", "en"});
  ASSERT_EQ(dutch.code, 0) << dutch.err;
  ASSERT_EQ(english.code, 0) << english.err;
  v1::ShortlistResponse d, n, e;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(dutch.out, &d).ok()) << dutch.out;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(nl.out, &n).ok()) << nl.out;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(english.out, &e).ok()) << english.out;
  EXPECT_EQ(d.language(), v1::LANGUAGE_NL) << "Dutch is the tool's default";
  EXPECT_EQ(n.language(), v1::LANGUAGE_NL);
  EXPECT_EQ(e.language(), v1::LANGUAGE_EN);
  ASSERT_EQ(d.matches_size(), 3);
  ASSERT_EQ(e.matches_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(d.matches(i).candidate_id(), e.matches(i).candidate_id());
    EXPECT_EQ(d.matches(i).score(), e.matches(i).score());
    EXPECT_THAT(absl::StrJoin(d.matches(i).explanation().reasons(), "|"),
                AllOf(HasSubstr("zelfde beroep"), HasSubstr("heeft VCA-VOL nodig: 0,4 weken"),
                      HasSubstr("moeilijk vervulbaar")));
    EXPECT_THAT(absl::StrJoin(e.matches(i).explanation().reasons(), "|"),
                AllOf(HasSubstr("same trade"), HasSubstr("needs VCA-VOL: 0.4 weeks"), HasSubstr("hard to fill")));
  }

  // The tables: reasons and the explained trade label in the chosen language.
  const CliResult table = Cli({"explain", "csv-c3", "lang-v1"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, AllOf(HasSubstr("  - zelfde beroep, 3 jaar"), HasSubstr("lasser [")));
  const CliResult english_table = Cli({"--lang", "en", "explain", "csv-c3", "lang-v1"});
  ASSERT_EQ(english_table.code, 0) << english_table.err;
  EXPECT_THAT(english_table.out, AllOf(HasSubstr("  - same trade, 3 years"), HasSubstr("welder [")));
  EXPECT_THAT(english_table.out, Not(HasSubstr("zelfde")));
  const CliResult matches = Cli({"matches", "csv-c1", "--lang", "en"});
  ASSERT_EQ(matches.code, 0) << matches.err;
  EXPECT_THAT(matches.out, AllOf(HasSubstr("lang-v1"), HasSubstr("same trade")));

  // A rematch started with --lang en keeps English texts; the default run Dutch ones.
  const std::string csv = absl::StrCat(dir_, "/lang.csv");
  ASSERT_EQ(Cli({"rematch", "--candidates", "csv-c1,nobody", "--csv", csv}).code, 0);
  EXPECT_THAT(ReadFile(csv), HasSubstr("onbekende kandidaat"));
  ASSERT_EQ(Cli({"--lang", "en", "rematch", "--candidates", "csv-c1,nobody", "--csv", csv}).code, 0);
  EXPECT_THAT(ReadFile(csv), HasSubstr("unknown candidate"));

  const CliResult bad = Cli({"--lang", "fr", "shortlist", "lang-v1"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--lang expects nl or en, got \"fr\""));
}

}  // namespace
}  // namespace w2w
