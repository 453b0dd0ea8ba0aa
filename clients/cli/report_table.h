// Readable forms of an outcome report (ReportService.GetReport, docs/outcomes.md): a table
// of the main figures per row with the total and the scope, and CSV with every figure.
//
// Thread safety: pure functions.
#ifndef W2W_CLIENTS_CLI_REPORT_TABLE_H_
#define W2W_CLIENTS_CLI_REPORT_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "w2w/v1/report.pb.h"

namespace w2w::cli {

// "ME>INST:3|ME>ME:12": the row's sector moves, "FROM>TO:placements" joined by '|'.
std::string SectorMovesText(const w2w::v1::ReportRow& row);

// The CSV columns: every field of ReportRow in the proto's order, sector_moves last as
// SectorMovesText.
const std::vector<std::string>& ReportCsvHeader();

// Writes the header, one line per row and the total (group "(total)"). Rates and days as
// plain decimals (0.4375, 38.5), counts as integers.
void WriteReportCsv(std::ostream& out, const w2w::v1::GetReportResponse& report);

// Prints the period and scope line, a table of the main figures (entered, placements,
// placement rate, days to placement, work-to-work share, retraining, tracks and their
// completion, cost per placement, sector changes, retention, open seats, tension,
// events) per row and the total, counts grouped by thousands ("12,345"); then the
// total's sector moves as a from x to matrix, and what the report examined. A rate
// without a denominator is "-".
void PrintReportTable(std::ostream& out, const w2w::v1::GetReportResponse& report);

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_REPORT_TABLE_H_
