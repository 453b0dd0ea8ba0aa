#include "clients/cli/readiness_table.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "clients/cli/table.h"

namespace w2w::cli {
namespace {

using w2w::v1::ReadinessGroup;

struct Words {
  const char* title;
  const char* group;
  const char* people;
  const char* now;
  const char* w4;
  const char* w13;
  const char* w26;
  const char* none;
  const char* pending;
  const char* computed;
  const char* total;
  const char* unlocking;
  const char* qualification;
  const char* weeks;
  const char* unlocks;
  const char* absorbing;
  const char* vacancy;
  const char* employer;
  const char* region;
  const char* seats;
  const char* fits;
  const char* fits_now;
  // The footer's words between its figures: tracked, dirty, pending people, pending
  // employers, milliseconds.
  const char* tracked;
  const char* dirty;
  const char* never;
  const char* employers;
};

constexpr Words kDutch = {
    "Inzetbaarheid van het personeel", "groep", "mensen", "nu", "<=4 wk", "<=13 wk", "<=26 wk", "niet",
    "wacht", "berekend", "totaal", "Kwalificaties die de meeste mensen nu plaatsbaar maken",
    "kwalificatie", "weken", "mensen", "Vacatures die hen zouden opnemen", "vacature", "werkgever", "regio",
    "plaatsen", "past bij", "zonder scholing", " mensen gevolgd, ", " nog te (her)berekenen, ",
    " nooit berekend (", " werkgevers); "};
constexpr Words kEnglish = {
    "Readiness of the workforce", "group", "people", "now", "<=4 wk", "<=13 wk", "<=26 wk", "none",
    "pending", "computed", "total", "Qualifications that would make the most people placeable now",
    "qualification", "weeks", "people", "Vacancies that would absorb them", "vacancy", "employer", "region",
    "seats", "fits", "without retraining", " people tracked, ", " to be (re)computed, ", " never computed (",
    " employers); "};

std::string Pct(double share, bool dutch) {
  std::string s = absl::StrFormat("%.1f%%", 100 * share);
  return dutch ? absl::StrReplaceAll(s, {{".", ","}}) : s;
}

std::string Weeks(double weeks, bool dutch) {
  std::string s = absl::StrFormat("%.1f", weeks);
  return dutch ? absl::StrReplaceAll(s, {{".", ","}}) : s;
}

// "2026-12-08T03:04:05.123Z" -> "2026-12-08 03:04:05 UTC".
std::string When(const std::string& rfc3339) {
  if (rfc3339.size() < 19) return "-";
  return absl::StrCat(rfc3339.substr(0, 10), " ", rfc3339.substr(11, 8), " UTC");
}

std::vector<std::string> Row(const std::string& name, const ReadinessGroup& g, bool dutch) {
  const auto& s = g.shares();
  return {name,
          Thousands(g.people()),
          Pct(s.now(), dutch),
          Pct(s.within_4_weeks(), dutch),
          Pct(s.within_13_weeks(), dutch),
          Pct(s.within_26_weeks(), dutch),
          Pct(s.not_placeable(), dutch),
          Thousands(g.pending()),
          When(g.computed_at())};
}

void PrintDetails(std::ostream& out, const ReadinessGroup& g, const Words& w, bool dutch) {
  if (!g.unlocking().empty()) {
    out << "\n" << w.unlocking << ":\n";
    Table table({w.qualification, "", w.weeks, w.unlocks});
    table.AlignRight(2);
    table.AlignRight(3);
    table.LimitWidth(1, 40);
    for (const auto& q : g.unlocking()) {
      table.AddRow({q.qualification(), q.name(), Weeks(q.weeks(), dutch), Thousands(q.people())});
    }
    table.Print(out);
  }
  if (!g.absorbing().empty()) {
    out << "\n" << w.absorbing << ":\n";
    Table table({w.vacancy, "", w.employer, w.region, w.seats, w.fits, w.fits_now});
    for (size_t c = 4; c < 7; ++c) table.AlignRight(c);
    table.LimitWidth(1, 32);
    for (const auto& v : g.absorbing()) {
      table.AddRow({v.vacancy_id(), v.title(), v.employer_id(), v.region(), absl::StrCat(v.positions()),
                    Thousands(v.fits()), Thousands(v.fits_now())});
    }
    table.Print(out);
  }
}

}  // namespace

void PrintReadinessTable(std::ostream& out, const w2w::v1::GetReadinessResponse& r, w2w::v1::Language language) {
  const bool dutch = language == w2w::v1::LANGUAGE_NL;
  const Words& w = dutch ? kDutch : kEnglish;
  out << w.title << " (scope: " << r.scope() << ")\n\n";
  Table table({w.group, w.people, w.now, w.w4, w.w13, w.w26, w.none, w.pending, w.computed});
  for (size_t c = 1; c < 8; ++c) table.AlignRight(c);
  table.LimitWidth(0, 32);
  for (const ReadinessGroup& g : r.groups()) table.AddRow(Row(g.label(), g, dutch));
  table.AddRow(Row(absl::StrCat("(", w.total, ")"), r.total(), dutch));
  table.Print(out);
  // One employer: its own lists; several groups: the total's.
  PrintDetails(out, r.groups_size() == 1 ? r.groups(0) : r.total(), w, dutch);
  if (!r.next_page_token().empty()) out << "\n(--page_token " << r.next_page_token() << ")\n";
  out << "\n"
      << absl::StrCat(Thousands(r.tracked_people()), w.tracked, Thousands(r.dirty_people()), w.dirty,
                      Thousands(r.pending_people()), w.never, Thousands(r.pending_employers()), w.employers,
                      absl::StrFormat("%.0f ms", r.elapsed_ms()), "\n");
}

}  // namespace w2w::cli
