#include "engine/match/reasons.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "w2w/v1/candidate.pb.h"

namespace w2w::match {
namespace {

// Beyond this an integer conversion could lose digits; "%.0f" handles it.
constexpr double kMaxFastRounded = 1e15;

bool Dutch(Language language) { return language == Language::kDutch; }

absl::string_view View(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A number printed the English way, with a Dutch decimal comma when asked.
std::string Localised(std::string text, Language language) {
  if (Dutch(language)) std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

}  // namespace

std::string Num(double x, Language language) { return Localised(absl::StrFormat("%g", x), language); }

std::string Rounded(double x) {
  // nearbyint rounds ties to even in the default rounding mode, as glibc's printf does
  // with the exact binary value; -0 and non-finite values keep printf's own spelling.
  if (x >= 0 && x < kMaxFastRounded) return absl::StrCat(static_cast<int64_t>(std::nearbyint(x)));
  return absl::StrFormat("%.0f", x);
}

std::string Weeks(double w, Language language) {
  if (Dutch(language)) return absl::StrCat(Num(w, language), w == 1 ? " week" : " weken");
  return absl::StrCat(Num(w), w == 1 ? " week" : " weeks");
}

std::string Km(double km) { return absl::StrCat(Rounded(km), " km"); }

const char* StatusText(int status, Language language) {
  const bool nl = Dutch(language);
  switch (status) {
    case v1::CANDIDATE_STATUS_EMPLOYED: return nl ? "in dienst, staat open voor een overstap" : "employed, open to a move";
    case v1::CANDIDATE_STATUS_AT_RISK: return nl ? "baan in gevaar" : "job at risk";
    case v1::CANDIDATE_STATUS_NOTICE_GIVEN: return nl ? "ontslag aangezegd" : "notice given";
    case v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER: return nl ? "werkgever failliet" : "employer bankrupt";
    case v1::CANDIDATE_STATUS_UNEMPLOYED: return nl ? "werkloos" : "unemployed";
    case v1::CANDIDATE_STATUS_PLACED: return nl ? "geplaatst" : "placed";
    case v1::CANDIDATE_STATUS_UNAVAILABLE: return nl ? "niet beschikbaar" : "unavailable";
    default: return nl ? "status onbekend" : "status unknown";
  }
}

ReasonTexts BuildReasonTexts(
    const taxonomy::Taxonomy& tax,
    const double (&sector)[taxonomy::kNumSectorSlots][taxonomy::kNumSectorSlots],
    const std::vector<double>& qual_weeks, const std::vector<double>& qual_cost, Language language) {
  const bool nl = Dutch(language);
  ReasonTexts t;
  for (int a = 0; a < taxonomy::kNumSectorSlots; ++a) {
    const std::string from(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(a)));
    t.same_sector[a] = absl::StrCat(nl ? "zelfde sector " : "same sector ", from);
    for (int b = 0; b < taxonomy::kNumSectorSlots; ++b) {
      const std::string to(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(b)));
      t.sector_move[a][b] =
          nl ? Localised(absl::StrFormat("sectorwissel %s -> %s (%.2f)", from, to, sector[a][b]), language)
             : absl::StrFormat("sector move %s -> %s (%.2f)", from, to, sector[a][b]);
    }
  }
  t.same_region.resize(tax.num_regions());
  for (size_t r = 0; r < t.same_region.size(); ++r) {
    t.same_region[r] = SameRegionReason(tax.region(static_cast<taxonomy::RegionId>(r)).name, language);
  }
  const size_t nq = std::min(qual_weeks.size(), qual_cost.size());
  t.needs.resize(nq);
  t.preferred.resize(nq);
  for (size_t q = 0; q < nq; ++q) {
    const std::string& code = tax.qualification(static_cast<taxonomy::QualId>(q)).code;
    const std::string cost = absl::StrFormat("%.0f", qual_cost[q]);
    if (nl) {
      t.needs[q] = absl::StrCat("heeft ", code, " nodig: ", Weeks(qual_weeks[q], language), ", EUR ", cost);
      t.preferred[q] = absl::StrCat("heeft gewenste ", code);
    } else {
      t.needs[q] = absl::StrCat("needs ", code, ": ", Weeks(qual_weeks[q]), ", EUR ", cost);
      t.preferred[q] = absl::StrCat("holds preferred ", code);
    }
  }
  return t;
}

std::string SameTradeReason(unsigned years, Language language) {
  if (Dutch(language)) return absl::StrCat("zelfde beroep, ", years, " jaar");
  return absl::StrCat("same trade, ", years, years == 1 ? " year" : " years");
}

std::string RelatedTradeReason(std::string_view matched, double similarity, std::string_view target,
                               unsigned years, Language language) {
  const std::string pct = Rounded(similarity * 100);
  if (Dutch(language)) {
    return absl::StrCat("verwant beroep ", View(matched), " dekt ", pct, "% van ", View(target), ", ", years,
                        " jaar");
  }
  return absl::StrCat("related trade ", View(matched), " covers ", pct, "% of ", View(target), ", ", years,
                      years == 1 ? " year" : " years");
}

std::string SameMunicipalityReason(std::string_view municipality, Language language) {
  return absl::StrCat(View(municipality), Dutch(language) ? ", zelfde gemeente" : ", same municipality");
}

std::string SameRegionReason(std::string_view region, Language language) {
  return absl::StrCat(View(region), Dutch(language) ? ", zelfde regio" : ", same region");
}

std::string TravelReason(std::string_view from, std::string_view to, double km, bool same_region,
                         bool same_cluster, Language language) {
  const bool nl = Dutch(language);
  return absl::StrCat(View(from), " -> ", View(to), " ", Km(km),
                      same_region ? (nl ? ", zelfde regio" : ", same region") : "",
                      same_cluster ? (nl ? ", zelfde SPT-cluster" : ", same SPT cluster") : "");
}

std::string AnchorReason(bool candidate, std::string_view region, std::string_view anchor_city,
                         Language language) {
  if (Dutch(language)) {
    return absl::StrCat("geen gemeente bekend voor de ", candidate ? "kandidaat" : "vacature", ": afstand vanaf ",
                        View(anchor_city), ", het ankerpunt van ", View(region));
  }
  return absl::StrCat("no municipality known for the ", candidate ? "candidate" : "vacancy",
                      ": distance from ", View(region), "'s anchor ", View(anchor_city));
}

const char* AllRequiredHeldReason(Language language) {
  return Dutch(language) ? "heeft alle vereiste kwalificaties" : "holds all required qualifications";
}

std::string LaterAvailabilityReason(int status, std::string_view available_from, int64_t days_after_start,
                                    Language language) {
  if (Dutch(language)) {
    return absl::StrCat(StatusText(status, language), ", beschikbaar vanaf ", View(available_from), ", ",
                        days_after_start, days_after_start == 1 ? " dag" : " dagen", " na de start");
  }
  return absl::StrCat(StatusText(status), ", available ", View(available_from), ", ", days_after_start,
                      " days after the start");
}

const char* HardToFillReason(Language language) {
  return Dutch(language) ? "moeilijk vervulbaar" : "hard to fill";
}

std::string CandidateStatusExclusion(int status, Language language) {
  if (Dutch(language)) return absl::StrCat("kandidaat is ", StatusText(status, language), " en wordt niet gematcht");
  return absl::StrCat("candidate is ", StatusText(status), " and is not matched");
}

const char* VacancyNotOpenExclusion(Language language) {
  return Dutch(language) ? "vacature is niet open" : "vacancy is not open";
}

std::string VacancyExpiredExclusion(std::string_view expires_at, Language language) {
  return absl::StrCat(Dutch(language) ? "vacature is verlopen op " : "vacancy expired on ", View(expires_at));
}

std::string TradeExclusion(double min_similarity, std::string_view target, Language language) {
  if (Dutch(language)) {
    return absl::StrCat("geen beroep van de kandidaat dekt minstens ", Num(min_similarity, language),
                        " van de vaardigheden van ",
                        target.empty() ? absl::string_view("het beroep van de vacature") : View(target));
  }
  return absl::StrCat("no trade of the candidate covers at least ", Num(min_similarity),
                      " of the skills of ", target.empty() ? absl::string_view("the vacancy's trade") : View(target));
}

std::string DistanceExclusion(double km, double max_km, Language language) {
  // One decimal when whole kilometres would print the two as equal (50.2 vs 50).
  const std::string shown =
      Km(km) == Km(max_km) ? Localised(absl::StrFormat("%.1f km", km), language) : Km(km);
  if (Dutch(language)) return absl::StrCat("afstand ", shown, " is meer dan max_travel_km ", Num(max_km, language));
  return absl::StrCat("distance ", shown, " exceeds max_travel_km ", Num(max_km));
}

const char* UnwillingExclusion(Language language) {
  return Dutch(language) ? "kandidaat wil niet omscholen en mist een vereiste kwalificatie"
                         : "candidate is not willing to retrain and lacks a required qualification";
}

std::string RetrainingExclusion(double weeks, double cap, Language language) {
  if (Dutch(language)) {
    return absl::StrCat("omscholing duurt ", Weeks(weeks, language), ", meer dan het maximum van ",
                        Num(cap, language), " weken");
  }
  return absl::StrCat("retraining needs ", Weeks(weeks), ", over the cap of ", Num(cap), " weeks");
}

}  // namespace w2w::match
