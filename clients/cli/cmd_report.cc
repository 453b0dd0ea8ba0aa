// Report commands: `w2w report` (ReportService.GetReport: the outcome figures of
// docs/outcomes.md per cluster, region, sector, source or month, as a table or CSV) and
// `w2w plan RUN_ID` (GetPlanRealised: a rematch run's plan against what followed) and
// `w2w readiness` (GetReadiness: how placeable each employer's workforce would be,
// docs/readiness.md).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/env.h"
#include "clients/cli/readiness_table.h"
#include "clients/cli/report_table.h"
#include "clients/cli/table.h"
#include "formats/enums.h"
#include "formats/record_reader.h"
#include "w2w/v1/report.grpc.pb.h"

namespace w2w::cli {
namespace {

using ::w2w::formats::MessageToJson;

std::string Pct(double share) { return absl::StrFormat("%.1f%%", 100 * share); }
std::string Num(double value) { return absl::StrFormat("%.0f", value); }

int RunReport(const ParsedArgs& args, Env& env) {
  w2w::v1::GetReportRequest request;
  const std::string by = absl::AsciiStrToLower(args.Get("by", "none"));
  if (by == "cluster") {
    request.set_group_by(w2w::v1::REPORT_GROUPING_CLUSTER);
  } else if (by == "region") {
    request.set_group_by(w2w::v1::REPORT_GROUPING_REGION);
  } else if (by == "sector") {
    request.set_group_by(w2w::v1::REPORT_GROUPING_SECTOR);
  } else if (by == "source") {
    request.set_group_by(w2w::v1::REPORT_GROUPING_SOURCE);
  } else if (by == "month") {
    request.set_group_by(w2w::v1::REPORT_GROUPING_MONTH);
  } else if (by != "none") {
    return env.Usage("--by must be cluster, region, sector, source, month or none");
  }
  request.set_from_date(args.Get("from"));
  request.set_to_date(args.Get("to"));
  request.set_region(args.Get("region"));
  if (args.Has("sector")) {
    auto sector = formats::ParseSector(args.Get("sector"));
    if (!sector.ok()) return env.Usage(absl::StrCat("--sector: ", sector.status().message()));
    request.set_sector(*sector);
  }
  request.set_source(args.Get("source"));
  const std::string format = absl::AsciiStrToLower(args.Get("format", "table"));
  if (format != "table" && format != "csv") return env.Usage("--format must be table or csv");
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::GetReportResponse response;
  auto status = w2w::v1::ReportService::NewStub(env.channel())->GetReport(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "report");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
  } else if (format == "csv") {
    WriteReportCsv(env.out(), response);
  } else {
    PrintReportTable(env.out(), response);
  }
  return kExitOk;
}

int RunPlan(const ParsedArgs& args, Env& env) {
  w2w::v1::GetPlanRealisedRequest request;
  request.set_run_id(args.positional()[0]);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::GetPlanRealisedResponse r;
  auto status = w2w::v1::ReportService::NewStub(env.channel())->GetPlanRealised(&context, request, &r);
  if (!status.ok()) return env.RpcError(status, "plan");
  if (env.json) {
    env.out() << MessageToJson(r, true) << "\n";
    return kExitOk;
  }
  PrintFields(env.out(), {{"run", r.run_id()},
                          {"started", r.started_at()},
                          {"people", absl::StrCat(r.people())},
                          {"proposed", absl::StrCat(r.proposed())},
                          {"placed since", absl::StrCat(r.placed())},
                          {"as proposed", absl::StrCat(r.placed_as_proposed(), " (", Pct(r.conversion()), " of proposed)")},
                          {"in the assigned seat", absl::StrCat(r.placed_in_assigned())},
                          {"naming the run", absl::StrCat(r.placed_through_run())},
                          {"days to placement", absl::StrCat("median ", Num(r.median_days_to_placement()), ", p90 ",
                                                             Num(r.p90_days_to_placement()))},
                          {"not placeable", absl::StrCat(r.not_placeable(), " (", r.not_placeable_placed(), " placed anyway)")}});
  return kExitOk;
}

int RunReadiness(const ParsedArgs& args, Env& env) {
  w2w::v1::GetReadinessRequest request;
  const std::string by = absl::AsciiStrToLower(args.Get("by", "employer"));
  if (by == "employer") {
    request.set_group_by(w2w::v1::READINESS_GROUPING_EMPLOYER);
  } else if (by == "region") {
    request.set_group_by(w2w::v1::READINESS_GROUPING_REGION);
  } else if (by == "cluster") {
    request.set_group_by(w2w::v1::READINESS_GROUPING_CLUSTER);
  } else if (by == "sector") {
    request.set_group_by(w2w::v1::READINESS_GROUPING_SECTOR);
  } else {
    return env.Usage("--by must be employer, region, cluster or sector");
  }
  request.set_employer_id(args.Get("employer"));
  request.set_region(args.Get("region"));
  if (args.Has("sector")) {
    auto sector = formats::ParseSector(args.Get("sector"));
    if (!sector.ok()) return env.Usage(absl::StrCat("--sector: ", sector.status().message()));
    request.set_sector(*sector);
  }
  for (const auto& [flag, setter] : {std::pair<const char*, void (w2w::v1::GetReadinessRequest::*)(uint32_t)>{
                                         "page_size", &w2w::v1::GetReadinessRequest::set_page_size},
                                     {"top", &w2w::v1::GetReadinessRequest::set_top}}) {
    if (!args.Has(flag)) continue;
    uint32_t value = 0;
    if (!absl::SimpleAtoi(args.Get(flag), &value)) return env.Usage(absl::StrCat("--", flag, " must be a number"));
    (request.*setter)(value);
  }
  request.set_page_token(args.Get("page_token"));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::GetReadinessResponse response;
  auto status = w2w::v1::ReportService::NewStub(env.channel())->GetReadiness(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "readiness");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
  } else {
    PrintReadinessTable(env.out(), response, env.language);
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> ReportCommands() {
  std::vector<Command> commands;
  commands.push_back(MakeCommand(
      {"report"}, "", 0, "Outcome figures per cluster, region, sector, source or month (docs/outcomes.md).",
      "People entering the work-to-work pool, placements and the placement rate, days from the\n"
      "first signal to placement, the work-to-work share, retraining, sector moves, retention\n"
      "and the present tension. The period defaults to the 365 days up to today.\n\n"
      "Examples:\n  w2w report --by region\n  w2w report --by month --from 2026-01-01 --to 2026-12-31 --format csv > months.csv\n"
      "  w2w report --by cluster --sector ME",
      RunReport,
      {{"by", "", "GROUPING", "cluster, region, sector, source, month, or none (default: one total row)"},
       {"from", "", "DATE", "First day of the period (default: 364 days before --to)"},
       {"to", "", "DATE", "Last day of the period (default: today)"},
       {"region", "", "REGION", "Only events of this region"},
       {"sector", "", "SECTOR", "Only events of this sector (ME, INST, PROC, BOUW, MVT, OTHER)"},
       {"source", "", "SOURCE", "Only events of this partner system"},
       {"format", "", "table|csv", "Output: a readable table (default) or CSV with every figure"}}));
  commands.push_back(MakeCommand({"plan"}, "RUN_ID", 1, "A rematch run's plan against the placements that followed.",
                                 "Example:\n  w2w plan r-20261207093000123-4f2a9c", RunPlan));
  commands.push_back(MakeCommand(
      {"readiness"}, "", 0, "How placeable each employer's workforce would be now (docs/readiness.md).",
      "A standing dry run of rematching every employer's workforce (EMPLOYED, AT_RISK,\n"
      "NOTICE_GIVEN, BANKRUPT_EMPLOYER): the shares placeable now within reach, after at most\n"
      "4 / 13 / 26 weeks of retraining and not at all; the qualifications that would unlock the\n"
      "most people and the vacancies that would absorb them; when it was computed. Kept up to\n"
      "date by the server in the background.\n\n"
      "Examples:\n  w2w readiness\n  w2w readiness --employer emp-001\n  w2w readiness --by region --lang en",
      RunReadiness,
      {{"by", "", "GROUPING", "employer (default), region, cluster or sector"},
       {"employer", "", "ID", "Only this employer's workforce"},
       {"region", "", "REGION", "Only people living in this region"},
       {"sector", "", "SECTOR", "Only people of this sector (ME, INST, PROC, BOUW, MVT, OTHER)"},
       {"top", "", "N", "Qualifications and vacancies listed (1..50; default 5)"},
       {"page_size", "", "N", "Groups per page (1..1000; default 100)"},
       {"page_token", "", "TOKEN", "The next page, as the previous page said"}}));
  return commands;
}

}  // namespace w2w::cli
