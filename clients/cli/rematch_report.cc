#include "clients/cli/rematch_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "formats/csv.h"
#include "formats/enums.h"
#include "clients/cli/table.h"

namespace w2w::cli {

using ::w2w::formats::SectorCode;
using ::w2w::formats::CandidateStatusName;
using ::w2w::formats::PlacementName;
using ::w2w::formats::CsvEscape;

using w2w::v1::PersonResult;
using w2w::v1::RematchSummary;

namespace {

std::string Percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-" : absl::StrFormat("%.0f%%", 100.0 * part / whole);
}

}  // namespace

std::string DescribeSelection(const w2w::v1::RematchSelection& s) {
  switch (s.selection_case()) {
    case w2w::v1::RematchSelection::kEmployerId:
      return absl::StrCat("employer ", s.employer_id());
    case w2w::v1::RematchSelection::kCandidateIds:
      return absl::StrCat(s.candidate_ids().ids_size(), " listed candidates");
    case w2w::v1::RematchSelection::kFilter: {
      std::vector<std::string> parts;
      if (!s.filter().regions().empty()) {
        parts.push_back(absl::StrCat("regions ", absl::StrJoin(s.filter().regions(), ",")));
      }
      std::vector<std::string> words;
      for (int sector : s.filter().sectors()) {
        words.push_back(SectorCode(static_cast<w2w::v1::Sector>(sector)));
      }
      if (!words.empty()) parts.push_back(absl::StrCat("sectors ", absl::StrJoin(words, ",")));
      words.clear();
      for (int st : s.filter().statuses()) {
        words.push_back(CandidateStatusName(static_cast<w2w::v1::CandidateStatus>(st)));
      }
      if (!words.empty()) parts.push_back(absl::StrCat("statuses ", absl::StrJoin(words, ",")));
      return parts.empty() ? "every candidate" : absl::StrJoin(parts, "; ");
    }
    default:
      return "-";
  }
}

void PrintRematchSummary(std::ostream& out, const RematchSummary& s) {
  out << absl::StrFormat(
      "%d selected, %d skipped (placed or unavailable), %d pairs scored in %.2f s, "
      "total score %.3f\n\n",
      s.selected(), s.skipped(), s.pairs_scored(), s.elapsed_seconds(), s.total_score());
  const uint64_t people = s.placeable_now() + s.placeable_after_retraining() + s.not_placeable();
  Table placement({"PLACEMENT", "PEOPLE", "SHARE"});
  placement.AlignRight(1);
  placement.AlignRight(2);
  placement.AddRow({"placeable now", absl::StrCat(s.placeable_now()),
                    Percent(s.placeable_now(), people)});
  placement.AddRow({"after retraining", absl::StrCat(s.placeable_after_retraining()),
                    Percent(s.placeable_after_retraining(), people)});
  placement.AddRow({"not placeable", absl::StrCat(s.not_placeable()),
                    Percent(s.not_placeable(), people)});
  placement.Print(out);

  const uint64_t placed = s.placeable_now() + s.placeable_after_retraining();
  if (!s.by_destination().empty()) {
    out << "\nBy destination (region and sector of the vacancy):\n";
    Table dest({"REGION", "SECTOR", "PEOPLE", "SHARE"});
    dest.AlignRight(2);
    dest.AlignRight(3);
    for (const auto& d : s.by_destination()) {
      dest.AddRow({d.region(), SectorCode(d.sector()), absl::StrCat(d.people()),
                   Percent(d.people(), placed)});
    }
    dest.Print(out);
  }
  out << absl::StrFormat("\nSector moves: %d of %d placeable people move to another sector (%s)\n",
                         s.sector_moves(), placed, Percent(s.sector_moves(), placed));
  if (!s.retraining_demand().empty()) {
    out << "\nSuggested group courses (retraining demand):\n";
    Table demand({"RANK", "COURSE", "WEEKS", "COST EACH", "REGIONS"});
    demand.AlignRight(0);
    demand.AlignRight(2);
    demand.AlignRight(3);
    demand.LimitWidth(4, 40);
    for (const auto& d : s.retraining_demand()) {
      const std::string q =
          d.name().empty() ? d.qualification() : absl::StrCat(d.qualification(), " (", d.name(), ")");
      demand.AddRow({absl::StrCat(d.rank()),
                     absl::StrFormat("%d %s %s to reach %d %s", d.people(),
                                     d.people() == 1 ? "person needs" : "people need", q,
                                     d.vacancies(),
                                     d.vacancies() == 1 ? "vacancy" : "vacancies"),
                     absl::StrFormat("%.1f", d.weeks()), absl::StrFormat("EUR %.0f", d.cost_eur()),
                     absl::StrJoin(d.regions(), ", ")});
    }
    demand.Print(out);
  }
}

void WriteRematchCsv(std::ostream& out, const std::vector<PersonResult>& results) {
  out << "candidate_id,placement,vacancy_id,employer_id,region,sector,score,retraining_weeks,"
         "missing_qualifications,alternatives,reason\n";
  for (const PersonResult& p : results) {
    const bool has = p.has_assigned();
    std::vector<std::string> missing;
    for (const auto& step : p.assigned().explanation().missing()) {
      if (step.required()) missing.push_back(step.qualification());
    }
    std::vector<std::string> alternatives;
    for (const auto& a : p.alternatives()) {
      alternatives.push_back(absl::StrFormat("%s:%.3f", a.vacancy_id(), a.score()));
    }
    const std::vector<std::string> row = {
        p.candidate_id(),
        PlacementName(p.placement()),
        has ? p.assigned().vacancy_id() : "",
        has ? p.assigned().employer_id() : "",
        has ? p.assigned().region() : "",
        has ? SectorCode(p.assigned().sector()) : "",
        has ? absl::StrFormat("%.6f", p.assigned().score()) : "",
        has ? absl::StrFormat("%.1f", p.assigned().explanation().retraining_weeks()) : "",
        absl::StrJoin(missing, "|"),
        absl::StrJoin(alternatives, "|"),
        p.reason()};
    std::vector<std::string> escaped;
    for (const std::string& cell : row) escaped.push_back(CsvEscape(cell));
    out << absl::StrJoin(escaped, ",") << "\n";
  }
}

}  // namespace w2w::cli
