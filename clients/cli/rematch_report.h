// Readable reports of a rematch: the summary tables and the per-person CSV.
//
// Thread safety: pure functions.
#ifndef W2W_CLIENTS_CLI_REMATCH_REPORT_H_
#define W2W_CLIENTS_CLI_REMATCH_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "w2w/v1/rematch.pb.h"

namespace w2w::cli {

// "employer emp-1", "3 listed candidates", "regions Twente; sectors ME; statuses at_risk".
std::string DescribeSelection(const w2w::v1::RematchSelection& selection);

// Prints the summary as tables: placeable now / after retraining / not placeable (with
// shares), placed people by destination region and sector, sector moves, and the
// retraining demand as ranked group courses ("N people need Q to reach M vacancies").
void PrintRematchSummary(std::ostream& out, const w2w::v1::RematchSummary& summary);

// Writes a header and one CSV row per person: candidate_id, placement, vacancy_id,
// employer_id, region, sector, score, retraining_weeks, missing_qualifications (required
// ones, '|'-separated), alternatives ("id:score|..."), reason.
void WriteRematchCsv(std::ostream& out, const std::vector<w2w::v1::PersonResult>& results);

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_REMATCH_REPORT_H_
