// Rematch commands: start a rematch with a progress bar and summary tables; get, cancel
// and list runs; write one CSV row per person.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "formats/csv.h"
#include "formats/enums.h"
#include "clients/cli/env.h"
#include "clients/cli/format.h"
#include "formats/record_reader.h"
#include "clients/cli/rematch_report.h"
#include "clients/cli/table.h"
#include "w2w/v1/rematch.grpc.pb.h"

namespace w2w::cli {

using ::w2w::formats::ParseSector;
using ::w2w::formats::ParseCandidateStatus;
using ::w2w::formats::ParseRematchMode;
using ::w2w::formats::RematchStateName;
using ::w2w::formats::MessageToJson;
namespace {

using w2w::v1::PersonResult;
using w2w::v1::RematchRun;
using w2w::v1::RematchSummary;

constexpr int kBarWidth = 30;
constexpr absl::Duration kPlainProgressEvery = absl::Seconds(2);
constexpr uint64_t kDefaultListLimit = 20;

// Writes one row per person to `path`. Returns false (with a message on err) on failure.
bool WriteCsv(const std::string& path, const std::vector<PersonResult>& results, Env& env) {
  std::ofstream out(path);
  if (!out) {
    env.Error(absl::StrCat(path, ": cannot write the file"));
    return false;
  }
  WriteRematchCsv(out, results);
  out.close();
  if (!out) {
    env.Error(absl::StrCat(path, ": write failed"));
    return false;
  }
  env.err() << "wrote " << results.size() << " rows to " << path << "\n";
  return true;
}

absl::Status BuildStart(const ParsedArgs& args, const Env& env, w2w::v1::StartRematchRequest* request) {
  auto* selection = request->mutable_selection();
  int ways = 0;
  if (args.Has("employer")) {
    ++ways;
    selection->set_employer_id(args.Get("employer"));
  }
  if (args.Has("candidates")) {
    ++ways;
    for (const std::string& id : args.GetList("candidates")) {
      selection->mutable_candidate_ids()->add_ids(id);
    }
  }
  if (args.Has("region") || args.Has("sector") || args.Has("status")) {
    ++ways;
    auto* filter = selection->mutable_filter();
    for (const std::string& r : args.GetList("region")) filter->add_regions(r);
    for (const std::string& s : args.GetList("sector")) {
      auto sector = ParseSector(s);
      if (!sector.ok()) return sector.status();
      filter->add_sectors(*sector);
    }
    for (const std::string& s : args.GetList("status")) {
      auto status = ParseCandidateStatus(s);
      if (!status.ok()) return status.status();
      filter->add_statuses(*status);
    }
  }
  if (ways != 1) {
    return absl::InvalidArgumentError(
        "select people with exactly one of --employer, --candidates, or "
        "--region/--sector/--status");
  }
  auto* options = request->mutable_options();
  auto k = args.GetUint("k");
  if (!k.ok()) return k.status();
  options->set_k(static_cast<uint32_t>(k->value_or(0)));
  auto weeks = args.GetDouble("max-weeks");
  if (!weeks.ok()) return weeks.status();
  options->set_max_retraining_weeks(weeks->value_or(0));
  auto min_score = args.GetDouble("min-score");
  if (!min_score.ok()) return min_score.status();
  options->set_min_score(min_score->value_or(0));
  if (args.Has("mode")) {
    auto mode = ParseRematchMode(args.Get("mode"));
    if (!mode.ok()) return mode.status();
    options->set_mode(*mode);
  }
  options->set_label(args.Get("label"));
  options->set_language(env.language);
  return absl::OkStatus();
}

void DrawProgress(Env& env, const w2w::v1::RematchProgress& p, absl::Time* last) {
  const absl::Time now = absl::Now();
  if (!env.progress && now - *last < kPlainProgressEvery) return;
  *last = now;
  const double share = p.total() == 0 ? 0.0 : static_cast<double>(p.done()) / p.total();
  const int filled = static_cast<int>(share * kBarWidth);
  const std::string line = absl::StrFormat(
      "[%s%s] %d/%d %3.0f%% %s %.1f s", std::string(filled, '#'),
      std::string(kBarWidth - filled, '-'), p.done(), p.total(), 100 * share, p.phase(),
      p.elapsed_seconds());
  if (env.progress) {
    env.err() << "\r" << line << "\x1b[K" << std::flush;
  } else {
    env.err() << line << "\n";
  }
}

int RunStart(const ParsedArgs& args, Env& env) {
  w2w::v1::StartRematchRequest request;
  if (auto s = BuildStart(args, env, &request); !s.ok()) return env.Usage(s.message());
  grpc::ClientContext context;
  env.SetDeadline(&context, /*streaming=*/true);
  auto stub = w2w::v1::RematchService::NewStub(env.channel());
  auto reader = stub->StartRematch(&context, request);
  w2w::v1::RematchEvent event;
  std::string run_id;
  std::vector<PersonResult> results;
  RematchSummary summary;
  bool have_summary = false;
  absl::Time last = absl::InfinitePast();
  const absl::Time start = absl::Now();
  while (reader->Read(&event)) {
    switch (event.event_case()) {
      case w2w::v1::RematchEvent::kStarted:
        run_id = event.started().run_id();
        env.err() << "rematch " << run_id << " started: " << DescribeSelection(request.selection())
                  << " (policy v" << event.started().policy_version() << ")\n";
        break;
      case w2w::v1::RematchEvent::kProgress:
        DrawProgress(env, event.progress(), &last);
        break;
      case w2w::v1::RematchEvent::kResult:
        results.push_back(event.result());
        break;
      case w2w::v1::RematchEvent::kSummary:
        summary = event.summary();
        have_summary = true;
        break;
      default:
        break;
    }
  }
  const grpc::Status status = reader->Finish();
  if (env.progress) env.err() << "\n";
  if (!status.ok()) {
    if (args.Has("csv") && !results.empty()) {
      env.err() << "writing the " << results.size() << " results received so far\n";
      WriteCsv(args.Get("csv"), results, env);
    }
    return env.RpcError(status, run_id.empty() ? "rematch" : absl::StrCat("rematch ", run_id));
  }
  if (env.json) {
    RematchRun run;
    run.set_run_id(run_id);
    *run.mutable_selection() = request.selection();
    *run.mutable_options() = request.options();
    for (const auto& r : results) *run.add_results() = r;
    *run.mutable_summary() = summary;
    env.out() << MessageToJson(run, true) << "\n";
  } else {
    env.out() << "Rematch " << OrDash(run_id);
    if (!request.options().label().empty()) env.out() << " \"" << request.options().label() << "\"";
    env.out() << absl::StrFormat(": %s, mode %s, %.1f s\n", DescribeSelection(request.selection()),
                                 request.options().mode() == w2w::v1::REMATCH_MODE_GROUP
                                     ? "group"
                                     : "independent",
                                 absl::ToDoubleSeconds(absl::Now() - start));
    if (have_summary) {
      PrintRematchSummary(env.out(), summary);
    } else {
      env.out() << "(the server sent no summary)\n";
    }
  }
  if (args.Has("csv") && !WriteCsv(args.Get("csv"), results, env)) return kExitError;
  return kExitOk;
}

void PrintRun(std::ostream& out, const RematchRun& run) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"run", run.run_id()},
      {"state", RematchStateName(run.state())},
      {"label", OrDash(run.options().label())},
      {"selection", DescribeSelection(run.selection())},
      {"mode", run.options().mode() == w2w::v1::REMATCH_MODE_GROUP ? "group" : "independent"},
      {"policy version", absl::StrCat(run.policy_version())},
      {"created at", OrDash(run.created_at())},
      {"finished at", OrDash(run.finished_at())},
      {"progress", absl::StrFormat("%d/%d %s %.1f s", run.progress().done(),
                                   run.progress().total(), run.progress().phase(),
                                   run.progress().elapsed_seconds())},
  };
  PrintFields(out, fields);
  if (run.has_summary()) {
    out << "\n";
    PrintRematchSummary(out, run.summary());
  }
}

int RunGet(const ParsedArgs& args, Env& env) {
  w2w::v1::GetRematchRequest request;
  request.set_run_id(args.positional()[0]);
  request.set_include_results(args.Has("csv"));
  auto stub = w2w::v1::RematchService::NewStub(env.channel());
  RematchRun run;
  std::vector<PersonResult> results;
  // With --csv the results come in pages (the server bounds each response's size).
  while (true) {
    grpc::ClientContext context;
    env.SetDeadline(&context, false);
    RematchRun page;
    auto status = stub->GetRematch(&context, request, &page);
    if (!status.ok()) return env.RpcError(status, absl::StrCat("rematch get ", request.run_id()));
    for (PersonResult& r : *page.mutable_results()) results.push_back(std::move(r));
    page.clear_results();
    const std::string next = page.next_results_page_token();
    page.clear_next_results_page_token();
    if (request.results_page_token().empty()) run = std::move(page);
    if (next.empty()) break;
    request.set_results_page_token(next);
  }
  if (env.json) {
    env.out() << MessageToJson(run, true) << "\n";
  } else {
    PrintRun(env.out(), run);
  }
  if (args.Has("csv") && !WriteCsv(args.Get("csv"), results, env)) return kExitError;
  return kExitOk;
}

int RunCancel(const ParsedArgs& args, Env& env) {
  w2w::v1::CancelRematchRequest request;
  request.set_run_id(args.positional()[0]);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  RematchRun run;
  auto status =
      w2w::v1::RematchService::NewStub(env.channel())->CancelRematch(&context, request, &run);
  if (!status.ok()) {
    return env.RpcError(status, absl::StrCat("rematch cancel ", request.run_id()));
  }
  if (env.json) {
    env.out() << MessageToJson(run, true) << "\n";
  } else {
    env.out() << "rematch " << run.run_id() << " is " << RematchStateName(run.state()) << "\n";
  }
  return kExitOk;
}

int RunList(const ParsedArgs& args, Env& env) {
  auto limit = args.GetUint("limit");
  if (!limit.ok()) return env.Usage(limit.status().message());
  const uint64_t max_runs = limit->value_or(kDefaultListLimit);
  auto stub = w2w::v1::RematchService::NewStub(env.channel());
  w2w::v1::ListRematchesRequest request;
  request.set_page_size(static_cast<uint32_t>(std::min<uint64_t>(std::max<uint64_t>(max_runs, 1), 100)));
  Table table({"RUN", "STATE", "CREATED", "LABEL", "SELECTION", "SELECTED", "NOW", "RETRAIN",
               "NOT PLACEABLE"});
  for (size_t c = 5; c <= 8; ++c) table.AlignRight(c);
  table.LimitWidth(3, 30);
  table.LimitWidth(4, 30);
  uint64_t shown = 0;
  while (shown < max_runs) {
    grpc::ClientContext context;
    env.SetDeadline(&context, false);
    w2w::v1::ListRematchesResponse response;
    auto status = stub->ListRematches(&context, request, &response);
    if (!status.ok()) return env.RpcError(status, "rematch list");
    for (const RematchRun& run : response.runs()) {
      if (shown++ >= max_runs) break;
      if (env.json) {
        env.out() << MessageToJson(run, false) << "\n";
        continue;
      }
      const auto& s = run.summary();
      const bool done = run.has_summary();
      table.AddRow({run.run_id(), RematchStateName(run.state()), run.created_at(),
                    OrDash(run.options().label()), DescribeSelection(run.selection()),
                    done ? absl::StrCat(s.selected()) : "", done ? absl::StrCat(s.placeable_now()) : "",
                    done ? absl::StrCat(s.placeable_after_retraining()) : "",
                    done ? absl::StrCat(s.not_placeable()) : ""});
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (!env.json) table.Print(env.out());
  return kExitOk;
}

}  // namespace

std::vector<Command> RematchCommands() {
  std::vector<Command> commands;
  commands.push_back(
      {{{"rematch"},
        "",
        "Rematch a whole workforce (reorganisation, bankruptcy) and summarise the outcome.",
        "Select the people with --employer, --candidates, or --region/--sector/--status.\n"
        "A progress bar runs on stderr; the summary (placeable now / after retraining /\n"
        "not placeable, destinations, sector moves, suggested group courses) is printed\n"
        "as tables. --csv writes one row per person. A rematch proposes; it places nobody.\n\n"
        "Examples:\n"
        "  w2w rematch --employer emp-metaalbouw-twente --mode group --label \"Faillissement\"\n"
        "  w2w rematch --candidates c-1,c-2,c-3 -k 3 --csv out.csv\n"
        "  w2w rematch --region Twente --sector ME --status at_risk --max-weeks 6\n\n"
        "Subcommands: w2w rematch get|cancel RUN_ID, w2w rematch list",
        {{"employer", "", "ID", "Every candidate of this employer"},
         {"candidates", "", "ID,ID,...", "These candidates (repeatable)"},
         {"region", "", "R[,R...]", "Candidates living in these regions"},
         {"sector", "", "S[,S...]", "Candidates of these sectors"},
         {"status", "", "ST[,ST...]", "Candidates with these statuses"},
         {"mode", "", "independent|group",
          "group: people compete for seats (default independent)"},
         {"k", "k", "N", "Alternatives per person, 1..50 (default 5)"},
         {"max-weeks", "", "W", "At most W weeks of retraining (default: policy cap)"},
         {"min-score", "", "S", "Ignore pairs scoring below S"},
         {"label", "", "TEXT", "A name for the run, e.g. the company and event"},
         {"csv", "", "OUT.csv", "Write one row per person to OUT.csv"}},
        0, 0},
       RunStart});
  commands.push_back({{{"rematch", "get"}, "RUN_ID", "Show a rematch run and its summary.",
                       "Example:\n  w2w rematch get r-17 --csv r-17.csv",
                       {{"csv", "", "OUT.csv", "Fetch the per-person results into OUT.csv"}},
                       1, 1},
                      RunGet});
  commands.push_back({{{"rematch", "cancel"}, "RUN_ID", "Cancel a running rematch.",
                       "Example:\n  w2w rematch cancel r-17", {}, 1, 1},
                      RunCancel});
  commands.push_back({{{"rematch", "list"}, "", "List rematch runs, newest first.",
                       "Example:\n  w2w rematch list --limit 5",
                       {{"limit", "", "N", "Show at most N runs (default 20)"}}, 0, 0},
                      RunList});
  return commands;
}

}  // namespace w2w::cli
