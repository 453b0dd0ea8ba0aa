#include "clients/cli/report_table.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/table.h"
#include "formats/csv.h"
#include "formats/enums.h"

namespace w2w::cli {
namespace {

using w2w::v1::ReportRow;

std::string Pct(double share) { return absl::StrFormat("%.1f%%", 100 * share); }
// A rate, or "-" when it rests on nothing.
std::string Pct(double share, uint64_t denominator) { return denominator == 0 ? "-" : Pct(share); }
std::string Num(double value) { return absl::StrFormat("%.0f", value); }
std::string Dec(double value) { return absl::StrFormat("%.6g", value); }

std::vector<std::string> CsvFields(const ReportRow& r, const std::string& group, const std::string& label) {
  auto n = [](uint64_t v) { return absl::StrCat(v); };
  return {group,
          label,
          n(r.events()),
          n(r.entered()),
          n(r.entered_placed()),
          Dec(r.placement_rate()),
          n(r.placements()),
          Dec(r.median_days_to_placement()),
          Dec(r.p90_days_to_placement()),
          n(r.placements_with_signal()),
          n(r.placed_before_unemployment()),
          Dec(r.work_to_work_share()),
          n(r.placements_with_retraining()),
          n(r.placements_without_retraining()),
          n(r.hard_to_fill_filled()),
          n(r.tracks_started()),
          n(r.tracks_completed()),
          n(r.tracks_dropped()),
          Dec(r.completion_rate()),
          n(r.retraining_cost_eur()),
          Dec(r.retraining_cost_per_placement_eur()),
          n(r.sector_changes()),
          Dec(r.stays_technical_share()),
          n(r.followed_up_6m()),
          n(r.retained_6m()),
          Dec(r.retention_6m()),
          n(r.followed_up_12m()),
          n(r.retained_12m()),
          Dec(r.retention_12m()),
          n(r.open_seats()),
          n(r.available_candidates()),
          Dec(r.tension()),
          SectorMovesText(r)};
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) absl::StrAppend(&line, i > 0 ? "," : "", formats::CsvEscape(fields[i]));
  return line;
}

// The total's placements by (candidate's sector, job's sector) as a from x to matrix.
void PrintSectorMoves(std::ostream& out, const ReportRow& total) {
  if (total.sector_moves().empty()) return;
  std::set<int> from, to;
  std::map<std::pair<int, int>, uint64_t> cells;
  for (const w2w::v1::SectorMove& m : total.sector_moves()) {
    from.insert(m.from());
    to.insert(m.to());
    cells[{m.from(), m.to()}] += m.placements();
  }
  std::vector<std::string> header = {"from \\ to"};
  for (int s : to) header.push_back(formats::SectorCode(static_cast<w2w::v1::Sector>(s)));
  Table table(header);
  for (size_t c = 1; c < header.size(); ++c) table.AlignRight(c);
  for (int f : from) {
    std::vector<std::string> row = {formats::SectorCode(static_cast<w2w::v1::Sector>(f))};
    for (int s : to) {
      auto it = cells.find({f, s});
      row.push_back(it == cells.end() ? "" : Thousands(it->second));
    }
    table.AddRow(std::move(row));
  }
  out << "\nSector moves of the placements (candidate's sector -> job's sector):\n";
  table.Print(out);
}

}  // namespace

std::string SectorMovesText(const ReportRow& row) {
  std::vector<std::string> parts;
  for (const w2w::v1::SectorMove& m : row.sector_moves()) {
    parts.push_back(absl::StrCat(formats::SectorCode(m.from()), ">", formats::SectorCode(m.to()), ":", m.placements()));
  }
  return absl::StrJoin(parts, "|");
}

const std::vector<std::string>& ReportCsvHeader() {
  static const auto* const kHeader = new std::vector<std::string>{
      "group", "label", "events", "entered", "entered_placed", "placement_rate", "placements",
      "median_days_to_placement", "p90_days_to_placement", "placements_with_signal", "placed_before_unemployment",
      "work_to_work_share", "placements_with_retraining", "placements_without_retraining", "hard_to_fill_filled",
      "tracks_started", "tracks_completed", "tracks_dropped", "completion_rate", "retraining_cost_eur",
      "retraining_cost_per_placement_eur", "sector_changes", "stays_technical_share", "followed_up_6m",
      "retained_6m", "retention_6m", "followed_up_12m", "retained_12m", "retention_12m", "open_seats",
      "available_candidates", "tension", "sector_moves"};
  return *kHeader;
}

void WriteReportCsv(std::ostream& out, const w2w::v1::GetReportResponse& report) {
  out << CsvLine(ReportCsvHeader()) << "\n";
  for (const ReportRow& row : report.rows()) out << CsvLine(CsvFields(row, row.group(), row.label())) << "\n";
  out << CsvLine(CsvFields(report.total(), "(total)", report.total().label())) << "\n";
}

void PrintReportTable(std::ostream& out, const w2w::v1::GetReportResponse& report) {
  out << "Outcomes " << report.from_date() << " .. " << report.to_date() << " (scope: " << report.scope()
      << "; definitions: " << report.definitions() << ")\n";
  Table table({"group", "entered", "placed", "rate", "days p50", "p90", "w2w", "retrained", "tracks", "done",
               "EUR/placement", "to other sector", "kept 6m", "kept 12m", "open seats", "tension", "events"});
  for (size_t c = 1; c < 17; ++c) table.AlignRight(c);
  auto add = [&](const ReportRow& r, const std::string& group) {
    const bool with_signal = r.placements_with_signal() > 0;
    table.AddRow({group, Thousands(r.entered()), Thousands(r.placements()), Pct(r.placement_rate(), r.entered()),
                  with_signal ? Num(r.median_days_to_placement()) : "-",
                  with_signal ? Num(r.p90_days_to_placement()) : "-",
                  Pct(r.work_to_work_share(), r.placements_with_signal()),
                  Thousands(r.placements_with_retraining()), Thousands(r.tracks_started()),
                  Pct(r.completion_rate(), r.tracks_completed() + r.tracks_dropped()),
                  r.placements() == 0 ? "-" : Thousands(static_cast<uint64_t>(r.retraining_cost_per_placement_eur() + 0.5)),
                  Thousands(r.sector_changes()), Pct(r.retention_6m(), r.followed_up_6m()),
                  Pct(r.retention_12m(), r.followed_up_12m()), Thousands(r.open_seats()),
                  r.available_candidates() == 0 ? "-" : absl::StrFormat("%.2f", r.tension()),
                  Thousands(r.events())});
  };
  for (const ReportRow& row : report.rows()) add(row, row.group().empty() ? "(none)" : row.group());
  add(report.total(), "total");
  table.Print(out);
  PrintSectorMoves(out, report.total());
  out << absl::StrFormat("\n%s events examined in %.1f ms\n", Thousands(report.events_examined()), report.elapsed_ms());
}

}  // namespace w2w::cli
