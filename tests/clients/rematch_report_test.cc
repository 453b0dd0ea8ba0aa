// The w2w tool's rematch report: summary tables and the per-person CSV.
#include <sstream>

#include "formats/csv.h"
#include "clients/cli/rematch_report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::cli {

using ::w2w::formats::SplitCsvLine;
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RematchReportTest, SummaryTables) {
  w2w::v1::RematchSummary s;
  s.set_selected(10);
  s.set_skipped(1);
  s.set_placeable_now(5);
  s.set_placeable_after_retraining(3);
  s.set_not_placeable(1);
  s.set_sector_moves(2);
  auto* d = s.add_by_destination();
  d->set_region("Twente");
  d->set_sector(w2w::v1::SECTOR_INST);
  d->set_people(4);
  auto* course = s.add_retraining_demand();
  course->set_rank(1);
  course->set_qualification("VCA-VOL");
  course->set_name("VCA VOL");
  course->set_people(3);
  course->set_vacancies(2);
  course->set_weeks(0.4);
  course->set_cost_eur(300);
  course->add_regions("Twente");
  std::ostringstream out;
  PrintRematchSummary(out, s);
  EXPECT_THAT(out.str(),
              AllOf(HasSubstr("10 selected, 1 skipped"), HasSubstr("placeable now          5    56%"),
                    HasSubstr("after retraining       3    33%"),
                    HasSubstr("not placeable          1    11%"),
                    HasSubstr("Twente  INST"), HasSubstr("2 of 8 placeable people"),
                    HasSubstr("3 people need VCA-VOL (VCA VOL) to reach 2 vacancies"),
                    HasSubstr("EUR 300")));
}

TEST(RematchReportTest, CsvRowPerPerson) {
  std::vector<w2w::v1::PersonResult> results(2);
  results[0].set_candidate_id("c-1");
  results[0].set_placement(w2w::v1::PLACEMENT_AFTER_RETRAINING);
  auto* a = results[0].mutable_assigned();
  a->set_vacancy_id("v-1");
  a->set_employer_id("emp-9");
  a->set_region("Twente");
  a->set_sector(w2w::v1::SECTOR_ME);
  a->set_score(0.75);
  a->mutable_explanation()->set_retraining_weeks(1.5);
  auto* step = a->mutable_explanation()->add_missing();
  step->set_qualification("VCA-VOL");
  step->set_required(true);
  a->mutable_explanation()->add_missing()->set_qualification("F-GAS");  // Preferred only.
  auto* alt = results[0].add_alternatives();
  alt->set_vacancy_id("v-2");
  alt->set_score(0.5);
  results[1].set_candidate_id("c-2");
  results[1].set_placement(w2w::v1::PLACEMENT_NOT_PLACEABLE);
  results[1].set_reason("no vacancy within 50 km, sadly");

  std::ostringstream out;
  WriteRematchCsv(out, results);
  std::istringstream lines(out.str());
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(header,
            "candidate_id,placement,vacancy_id,employer_id,region,sector,score,"
            "retraining_weeks,missing_qualifications,alternatives,reason");
  EXPECT_THAT(*SplitCsvLine(first), ElementsAre("c-1", "after_retraining", "v-1", "emp-9",
                                                "Twente", "ME", "0.750000", "1.5", "VCA-VOL",
                                                "v-2:0.500", ""));
  EXPECT_THAT(*SplitCsvLine(second), ElementsAre("c-2", "not_placeable", "", "", "", "", "", "",
                                                 "", "", "no vacancy within 50 km, sadly"));
}

TEST(RematchReportTest, DescribeSelection) {
  w2w::v1::RematchSelection s;
  s.set_employer_id("emp-1");
  EXPECT_EQ(DescribeSelection(s), "employer emp-1");
  s.mutable_candidate_ids()->add_ids("a");
  s.mutable_candidate_ids()->add_ids("b");
  EXPECT_EQ(DescribeSelection(s), "2 listed candidates");
  s.mutable_filter()->add_regions("Twente");
  s.mutable_filter()->add_sectors(w2w::v1::SECTOR_ME);
  s.mutable_filter()->add_statuses(w2w::v1::CANDIDATE_STATUS_AT_RISK);
  EXPECT_EQ(DescribeSelection(s), "regions Twente; sectors ME; statuses at_risk");
}

}  // namespace
}  // namespace w2w::cli
