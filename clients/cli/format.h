// Readable renderings of candidates and vacancies shared by several commands.
//
// Thread safety: pure functions, except that `labels` performs lookups (see labels.h).
#ifndef W2W_CLIENTS_CLI_FORMAT_H_
#define W2W_CLIENTS_CLI_FORMAT_H_

#include <ostream>
#include <string>

#include "clients/cli/labels.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::cli {

// "lasser (7212.1...) 12 yrs; ..." for a candidate's trades.
std::string TradesText(const w2w::v1::Candidate& candidate, TradeLabels* labels);

// Prints every field of a record as aligned "label: value" lines. `labels` is borrowed.
void PrintCandidate(std::ostream& out, const w2w::v1::Candidate& c, TradeLabels* labels);
void PrintVacancy(std::ostream& out, const w2w::v1::Vacancy& v, TradeLabels* labels);

// "" for empty, else the text; for optional cells.
std::string OrDash(const std::string& text);

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_FORMAT_H_
