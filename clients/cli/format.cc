#include "clients/cli/format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/enums.h"
#include "clients/cli/table.h"

namespace w2w::cli {

using ::w2w::formats::SectorCode;
using ::w2w::formats::CandidateStatusName;
using ::w2w::formats::VacancyStatusName;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string TradesText(const w2w::v1::Candidate& candidate, TradeLabels* labels) {
  std::vector<std::string> parts;
  for (const auto& t : candidate.trades()) {
    const std::string label = labels->Label(t.code());
    parts.push_back(label == t.code()
                        ? absl::StrCat(t.code(), " ", t.years(), " yrs")
                        : absl::StrCat(label, " [", t.code(), "] ", t.years(), " yrs"));
  }
  return absl::StrJoin(parts, "; ");
}

void PrintCandidate(std::ostream& out, const w2w::v1::Candidate& c, TradeLabels* labels) {
  PrintFields(out, {
      {"candidate", c.id()},
      {"region", OrDash(c.region())},
      {"municipality", OrDash(c.municipality())},
      {"sector", OrDash(SectorCode(c.sector()))},
      {"trades", OrDash(TradesText(c, labels))},
      {"qualifications", OrDash(absl::StrJoin(c.qualifications(), ", "))},
      {"employer", OrDash(c.employer_id())},
      {"status", OrDash(CandidateStatusName(c.status()))},
      {"available from", c.available_from().empty() ? "immediately" : c.available_from()},
      {"max travel", c.max_travel_km() == 0 ? "default"
                                            : absl::StrCat(c.max_travel_km(), " km")},
      {"willing to retrain", c.willing_to_retrain() ? "yes" : "no"},
      {"source", OrDash(c.source())},
      {"version", absl::StrCat(c.version())},
      {"updated at", OrDash(c.updated_at())},
  });
}

void PrintVacancy(std::ostream& out, const w2w::v1::Vacancy& v, TradeLabels* labels) {
  const std::string label = labels->Label(v.trade());
  PrintFields(out, {
      {"vacancy", v.id()},
      {"title", OrDash(v.title())},
      {"employer", OrDash(v.employer_id())},
      {"region", OrDash(v.region())},
      {"municipality", OrDash(v.municipality())},
      {"sector", OrDash(SectorCode(v.sector()))},
      {"trade", label == v.trade() ? OrDash(v.trade())
                                   : absl::StrCat(label, " [", v.trade(), "]")},
      {"required", OrDash(absl::StrJoin(v.required_qualifications(), ", "))},
      {"preferred", OrDash(absl::StrJoin(v.preferred_qualifications(), ", "))},
      {"positions", absl::StrCat(v.positions() == 0 ? 1 : v.positions())},
      {"hard to fill", v.hard_to_fill() ? "yes" : "no"},
      {"status", OrDash(VacancyStatusName(v.status()))},
      {"starts at", v.starts_at().empty() ? "as soon as possible" : v.starts_at()},
      {"expires at", v.expires_at().empty() ? "no end" : v.expires_at()},
      {"source", OrDash(v.source())},
      {"version", absl::StrCat(v.version())},
      {"updated at", OrDash(v.updated_at())},
  });
}

}  // namespace w2w::cli
