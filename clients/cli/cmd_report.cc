// Report commands: `w2w report` (ReportService.GetReport: the outcome figures of
// docs/outcomes.md per cluster, region, sector, source or month, as a table or CSV) and
// `w2w plan RUN_ID` (GetPlanRealised: a rematch run's plan against what followed).
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/env.h"
#include "clients/cli/table.h"
#include "formats/csv.h"
#include "formats/enums.h"
#include "formats/record_reader.h"
#include "w2w/v1/report.grpc.pb.h"

namespace w2w::cli {
namespace {

using ::w2w::formats::MessageToJson;
using w2w::v1::ReportRow;

std::string Pct(double share) { return absl::StrFormat("%.1f%%", 100 * share); }
// A rate, or "-" when it rests on nothing.
std::string Pct(double share, uint64_t denominator) { return denominator == 0 ? "-" : Pct(share); }
std::string Num(double value) { return absl::StrFormat("%.0f", value); }

std::string MovesText(const ReportRow& row) {
  std::vector<std::string> parts;
  for (const w2w::v1::SectorMove& m : row.sector_moves()) {
    parts.push_back(absl::StrCat(formats::SectorCode(m.from()), ">", formats::SectorCode(m.to()), ":", m.placements()));
  }
  return absl::StrJoin(parts, "|");
}

// Every field of a row, in the proto's order, for CSV.
const std::vector<std::string>& CsvHeader() {
  static const auto* const kHeader = new std::vector<std::string>{
      "group", "events", "entered", "entered_placed", "placement_rate", "placements", "median_days_to_placement",
      "p90_days_to_placement", "placements_with_signal", "placed_before_unemployment", "work_to_work_share",
      "placements_with_retraining", "placements_without_retraining", "hard_to_fill_filled", "tracks_started",
      "tracks_completed", "tracks_dropped", "completion_rate", "retraining_cost_eur",
      "retraining_cost_per_placement_eur", "sector_changes", "stays_technical_share", "followed_up_6m",
      "retained_6m", "retention_6m", "followed_up_12m", "retained_12m", "retention_12m", "open_seats",
      "available_candidates", "tension", "sector_moves"};
  return *kHeader;
}

std::vector<std::string> CsvFields(const ReportRow& r, const std::string& group) {
  auto d = [](double v) { return absl::StrFormat("%.6g", v); };
  return {group, absl::StrCat(r.events()), absl::StrCat(r.entered()), absl::StrCat(r.entered_placed()),
          d(r.placement_rate()), absl::StrCat(r.placements()), d(r.median_days_to_placement()),
          d(r.p90_days_to_placement()), absl::StrCat(r.placements_with_signal()),
          absl::StrCat(r.placed_before_unemployment()), d(r.work_to_work_share()),
          absl::StrCat(r.placements_with_retraining()), absl::StrCat(r.placements_without_retraining()),
          absl::StrCat(r.hard_to_fill_filled()), absl::StrCat(r.tracks_started()), absl::StrCat(r.tracks_completed()),
          absl::StrCat(r.tracks_dropped()), d(r.completion_rate()), absl::StrCat(r.retraining_cost_eur()),
          d(r.retraining_cost_per_placement_eur()), absl::StrCat(r.sector_changes()), d(r.stays_technical_share()),
          absl::StrCat(r.followed_up_6m()), absl::StrCat(r.retained_6m()), d(r.retention_6m()),
          absl::StrCat(r.followed_up_12m()), absl::StrCat(r.retained_12m()), d(r.retention_12m()),
          absl::StrCat(r.open_seats()), absl::StrCat(r.available_candidates()), d(r.tension()), MovesText(r)};
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) absl::StrAppend(&line, i > 0 ? "," : "", formats::CsvEscape(fields[i]));
  return line;
}

void PrintCsv(std::ostream& out, const w2w::v1::GetReportResponse& report) {
  out << CsvLine(CsvHeader()) << "\n";
  for (const ReportRow& row : report.rows()) out << CsvLine(CsvFields(row, row.group())) << "\n";
  out << CsvLine(CsvFields(report.total(), "(total)")) << "\n";
}

void PrintTable(std::ostream& out, const w2w::v1::GetReportResponse& report) {
  out << "Outcomes " << report.from_date() << " .. " << report.to_date() << " (" << report.scope()
      << "; definitions: " << report.definitions() << ")\n";
  Table table({"group", "entered", "placed", "rate", "days p50", "p90", "w2w", "retrained", "tracks", "done",
               "EUR/placement", "to other sector", "kept 6m", "kept 12m", "open seats", "tension", "events"});
  for (size_t c = 1; c < 17; ++c) table.AlignRight(c);
  auto add = [&](const ReportRow& r, const std::string& group) {
    const bool with_signal = r.placements_with_signal() > 0;
    table.AddRow({group, absl::StrCat(r.entered()), absl::StrCat(r.placements()), Pct(r.placement_rate(), r.entered()),
                  with_signal ? Num(r.median_days_to_placement()) : "-", with_signal ? Num(r.p90_days_to_placement()) : "-",
                  Pct(r.work_to_work_share(), r.placements_with_signal()),
                  absl::StrCat(r.placements_with_retraining()), absl::StrCat(r.tracks_started()),
                  Pct(r.completion_rate(), r.tracks_completed() + r.tracks_dropped()),
                  Num(r.retraining_cost_per_placement_eur()), absl::StrCat(r.sector_changes()),
                  Pct(r.retention_6m(), r.followed_up_6m()), Pct(r.retention_12m(), r.followed_up_12m()),
                  absl::StrCat(r.open_seats()), absl::StrFormat("%.2f", r.tension()), absl::StrCat(r.events())});
  };
  for (const ReportRow& row : report.rows()) add(row, row.group());
  add(report.total(), "total");
  table.Print(out);
  out << absl::StrFormat("%d events examined in %.1f ms\n", report.events_examined(), report.elapsed_ms());
}

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
    PrintCsv(env.out(), response);
  } else {
    PrintTable(env.out(), response);
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
  return commands;
}

}  // namespace w2w::cli
