#include "engine/match/reasons.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "w2w/v1/candidate.pb.h"

namespace w2w::match {
namespace {

// Beyond this an integer conversion could lose digits; "%.0f" handles it.
constexpr double kMaxFastRounded = 1e15;

}  // namespace

std::string Num(double x) { return absl::StrFormat("%g", x); }

std::string Rounded(double x) {
  // nearbyint rounds ties to even in the default rounding mode, as glibc's printf does
  // with the exact binary value; -0 and non-finite values keep printf's own spelling.
  if (x >= 0 && x < kMaxFastRounded) return absl::StrCat(static_cast<int64_t>(std::nearbyint(x)));
  return absl::StrFormat("%.0f", x);
}

std::string Weeks(double w) { return absl::StrCat(Num(w), w == 1 ? " week" : " weeks"); }

std::string Km(double km) { return absl::StrCat(Rounded(km), " km"); }

const char* StatusText(int status) {
  switch (status) {
    case v1::CANDIDATE_STATUS_EMPLOYED: return "employed, open to a move";
    case v1::CANDIDATE_STATUS_AT_RISK: return "job at risk";
    case v1::CANDIDATE_STATUS_NOTICE_GIVEN: return "notice given";
    case v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER: return "employer bankrupt";
    case v1::CANDIDATE_STATUS_UNEMPLOYED: return "unemployed";
    case v1::CANDIDATE_STATUS_PLACED: return "placed";
    case v1::CANDIDATE_STATUS_UNAVAILABLE: return "unavailable";
    default: return "status unknown";
  }
}

ReasonTexts BuildReasonTexts(
    const taxonomy::Taxonomy& tax,
    const double (&sector)[taxonomy::kNumSectorSlots][taxonomy::kNumSectorSlots],
    const std::vector<double>& qual_weeks, const std::vector<double>& qual_cost) {
  ReasonTexts t;
  for (int a = 0; a < taxonomy::kNumSectorSlots; ++a) {
    const std::string from(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(a)));
    t.same_sector[a] = absl::StrCat("same sector ", from);
    for (int b = 0; b < taxonomy::kNumSectorSlots; ++b) {
      const std::string to(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(b)));
      t.sector_move[a][b] = absl::StrFormat("sector move %s -> %s (%.2f)", from, to, sector[a][b]);
    }
  }
  t.same_region.resize(tax.num_regions());
  for (size_t r = 0; r < t.same_region.size(); ++r) {
    t.same_region[r] = absl::StrCat(tax.region(static_cast<taxonomy::RegionId>(r)).name, ", same region");
  }
  const size_t nq = std::min(qual_weeks.size(), qual_cost.size());
  t.needs.resize(nq);
  t.preferred.resize(nq);
  for (size_t q = 0; q < nq; ++q) {
    const std::string& code = tax.qualification(static_cast<taxonomy::QualId>(q)).code;
    t.needs[q] = absl::StrCat("needs ", code, ": ", Weeks(qual_weeks[q]), ", EUR ",
                              absl::StrFormat("%.0f", qual_cost[q]));
    t.preferred[q] = absl::StrCat("holds preferred ", code);
  }
  return t;
}

}  // namespace w2w::match
