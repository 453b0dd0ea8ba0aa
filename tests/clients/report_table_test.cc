// Tests of the renderings of `w2w report` (clients/cli/report_table.h): the table's rows,
// total, human numbers and sector-move matrix, and a CSV with every field of ReportRow.
#include "clients/cli/report_table.h"

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "clients/cli/table.h"
#include "formats/csv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::cli {
namespace {

using ::testing::HasSubstr;

w2w::v1::GetReportResponse Sample() {
  w2w::v1::GetReportResponse r;
  r.set_group_by(w2w::v1::REPORT_GROUPING_REGION);
  r.set_from_date("2025-12-02");
  r.set_to_date("2026-12-01");
  r.set_scope("all");
  r.set_definitions("docs/outcomes.md");
  r.set_events_examined(1234567);
  w2w::v1::ReportRow* twente = r.add_rows();
  twente->set_group("Twente");
  twente->set_label("Twente");
  twente->set_events(23456);
  twente->set_entered(12000);
  twente->set_entered_placed(6000);
  twente->set_placement_rate(0.5);
  twente->set_placements(6100);
  twente->set_placements_with_signal(6000);
  twente->set_median_days_to_placement(61);
  twente->set_work_to_work_share(0.625);
  twente->set_retraining_cost_per_placement_eur(1234.4);
  twente->set_available_candidates(10);
  twente->set_tension(0.25);
  w2w::v1::SectorMove* move = twente->add_sector_moves();
  move->set_from(w2w::v1::SECTOR_ME);
  move->set_to(w2w::v1::SECTOR_INST);
  move->set_placements(1500);
  w2w::v1::ReportRow* empty = r.add_rows();
  empty->set_group("Zeeland");
  *r.mutable_total() = *twente;
  r.mutable_total()->set_group("");
  return r;
}

TEST(ReportTableTest, Thousands) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
}

TEST(ReportTableTest, TableHasRowsATotalAndHumanNumbers) {
  std::ostringstream out;
  PrintReportTable(out, Sample());
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("Outcomes 2025-12-02 .. 2026-12-01 (scope: all; definitions: docs/outcomes.md)"));
  EXPECT_THAT(text, HasSubstr("Twente"));
  EXPECT_THAT(text, HasSubstr("12,000"));
  EXPECT_THAT(text, HasSubstr("50.0%"));
  EXPECT_THAT(text, HasSubstr("62.5%"));
  EXPECT_THAT(text, HasSubstr("1,234"));  // EUR per placement, rounded.
  EXPECT_THAT(text, HasSubstr("1,234,567 events examined"));
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  bool total = false, zeeland_dashes = false;
  for (const std::string& line : lines) {
    if (line.rfind("total", 0) == 0) total = true;
    if (line.rfind("Zeeland", 0) == 0) zeeland_dashes = line.find(" - ") != std::string::npos;
  }
  EXPECT_TRUE(total);
  EXPECT_TRUE(zeeland_dashes) << "rates resting on nothing are -";
  EXPECT_THAT(text, HasSubstr("Sector moves"));
  EXPECT_THAT(text, HasSubstr("1,500"));
}

TEST(ReportTableTest, CsvHasEveryFieldOfTheRow) {
  const std::vector<std::string>& columns = ReportCsvHeader();
  const google::protobuf::Descriptor& d = *w2w::v1::ReportRow::descriptor();
  ASSERT_EQ(columns.size(), static_cast<size_t>(d.field_count()));
  const std::set<std::string> names(columns.begin(), columns.end());
  for (int i = 0; i < d.field_count(); ++i) EXPECT_TRUE(names.contains(d.field(i)->name())) << d.field(i)->name();
  std::ostringstream out;
  WriteReportCsv(out, Sample());
  const std::vector<std::string> lines = absl::StrSplit(out.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);  // Header, two groups, total.
  auto header = formats::SplitCsvLine(lines[0]);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*header, columns);
  auto twente = formats::SplitCsvLine(lines[1]);
  ASSERT_TRUE(twente.ok());
  ASSERT_EQ(twente->size(), columns.size());
  auto cell = [&](const std::vector<std::string>& row, const std::string& name) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return row[i];
    }
    return std::string("?");
  };
  EXPECT_EQ(cell(*twente, "group"), "Twente");
  EXPECT_EQ(cell(*twente, "entered"), "12000");
  EXPECT_EQ(cell(*twente, "placement_rate"), "0.5");
  EXPECT_EQ(cell(*twente, "sector_moves"), "ME>INST:1500");
  EXPECT_EQ(cell(*twente, "tension"), "0.25");
  auto total = formats::SplitCsvLine(lines[3]);
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(cell(*total, "group"), "(total)");
  EXPECT_EQ(cell(*twente, "events"), "23456");  // No grouping by thousands in CSV.
}

}  // namespace
}  // namespace w2w::cli
