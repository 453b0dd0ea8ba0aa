// The readable form of ReportService.GetReadiness (docs/readiness.md): one line per group
// with its people and the shares placeable now / within 4, 13, 26 weeks / not at all, the
// total, and for the total (or the one employer asked for) the qualifications that would
// unlock the most people and the vacancies that would absorb them; then when it was
// computed and how much is still pending. Dutch (the CLI's default) or English headings.
//
// Thread safety: pure functions.
#ifndef W2W_CLIENTS_CLI_READINESS_TABLE_H_
#define W2W_CLIENTS_CLI_READINESS_TABLE_H_

#include <ostream>

#include "w2w/v1/common.pb.h"
#include "w2w/v1/report.pb.h"

namespace w2w::cli {

// Prints `readiness` in `language` (LANGUAGE_NL: Dutch words and decimal commas; anything
// else English).
void PrintReadinessTable(std::ostream& out, const w2w::v1::GetReadinessResponse& readiness,
                         w2w::v1::Language language);

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_READINESS_TABLE_H_
