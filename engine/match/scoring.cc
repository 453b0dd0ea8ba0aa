#include "engine/match/scoring.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/common/dates.h"

namespace w2w::match {
namespace {

std::string StatusText(int status) {
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

std::string Num(double x) { return absl::StrFormat("%g", x); }

std::string Weeks(double w) { return absl::StrCat(Num(w), w == 1 ? " week" : " weeks"); }

std::string Km(double km) { return absl::StrFormat("%.0f km", km); }

}  // namespace

Exclusion EvaluatePair(const Model& m, const CandFeatures& c, const VacFeatures& v, int32_t today,
                       double filter_weeks, PairDetail* d) {
  *d = PairDetail{};
  // Trade: the candidate's best trade.
  double best = -1;
  if (v.trade != kNoTrade) {
    for (int i = 0; i < c.num_trades; ++i) {
      const double sim = m.tax->TradeSimilarity(c.trade[i], v.trade);
      if (sim <= 0 || sim < m.min_trade_similarity) continue;
      const double ts = sim * ExperienceFactor(m, c.years[i]);
      if (ts > best) {
        best = ts;
        d->slot = i;
        d->sim = sim;
      }
    }
  }
  d->c[kTrade] = best < 0 ? 0 : best;
  d->c[kSector] = m.sector[c.sector][v.sector];

  d->missing = v.required & ~c.quals;
  d->missing.ForEach([&](unsigned q) {
    if (q < m.qual_weeks.size()) {
      d->weeks += m.qual_weeks[q];
      d->cost += m.qual_cost[q];
    }
  });
  d->preferred_held = v.preferred & c.quals;
  d->cap = PolicyCap(m, v.hard_to_fill != 0);
  d->c[kQuals] = std::max(0.0, QualScore(m, d->weeks, d->cost, d->cap, d->preferred_held.count(),
                                         v.preferred.count()));

  d->km = m.Distance(c.region, v.region);
  d->max_km = EffectiveTravelKm(m, c.max_travel_km);
  d->same_cluster = c.region != v.region && m.SameCluster(c.region, v.region);
  d->c[kDistance] = std::max(0.0, DistanceScore(m, d->km, d->max_km, d->same_cluster));

  const int32_t start = v.starts_at == kNoDate ? today : v.starts_at;
  d->c[kAvail] = m.status_weight[c.status < 8 ? c.status : 0] * DateFactor(m, c.available_from, start);
  d->c[kUrgency] = v.hard_to_fill ? m.urgency_hard : m.urgency_normal;

  Exclusion e = Exclusion::kNone;
  if (!MatchableStatus(c.status)) {
    e = Exclusion::kCandidateStatus;
  } else if (!v.open) {
    e = Exclusion::kVacancyStatus;
  } else if (v.expires_at < today) {
    e = Exclusion::kVacancyExpired;
  } else if (best < 0) {
    e = Exclusion::kTrade;
  } else if (d->km > d->max_km) {
    e = Exclusion::kDistance;
  } else if (!c.willing && !d->missing.empty()) {
    e = Exclusion::kUnwilling;
  } else if (d->weeks > QueryCap(d->cap, filter_weeks) + kWeeksEpsilon) {
    e = Exclusion::kRetraining;
  }
  d->micro = e == Exclusion::kNone ? ToMicro(Total(m, d->c.data())) : 0;
  return e;
}

std::string ExclusionReason(const Model& m, const CandFeatures& c, const VacFeatures& v,
                            int32_t today, const PairDetail& d, Exclusion e) {
  switch (e) {
    case Exclusion::kNone: return "";
    case Exclusion::kCandidateStatus:
      return absl::StrCat("candidate is ", StatusText(c.status), " and is not matched");
    case Exclusion::kVacancyStatus: return "vacancy is not open";
    case Exclusion::kVacancyExpired:
      return absl::StrCat("vacancy expired on ", FormatIsoDate(v.expires_at));
    case Exclusion::kTrade:
      return absl::StrCat("no trade of the candidate covers at least ",
                          Num(m.min_trade_similarity), " of the skills of ",
                          v.trade == kNoTrade ? std::string("the vacancy's trade")
                                              : m.tax->trade(v.trade).label_en);
    case Exclusion::kDistance:
      return absl::StrCat("distance ", Km(d.km), " exceeds max_travel_km ", Num(d.max_km));
    case Exclusion::kUnwilling:
      return "candidate is not willing to retrain and lacks a required qualification";
    case Exclusion::kRetraining:
      return absl::StrCat("retraining needs ", Weeks(d.weeks), ", over the cap of ", Num(d.cap),
                          " weeks");
  }
  return "";
}

void FillExplanation(const Model& m, const CandFeatures& c, const VacFeatures& v, int32_t today,
                     const PairDetail& d, v1::Explanation* out) {
  v1::Component* comps[kNumComponents] = {out->mutable_trade(), out->mutable_sector(),
                                          out->mutable_qualifications(), out->mutable_distance(),
                                          out->mutable_availability(), out->mutable_urgency()};
  for (int i = 0; i < kNumComponents; ++i) {
    const double w = m.weight[i] / m.weight_sum;
    comps[i]->set_value(d.c[i]);
    comps[i]->set_weight(w);
    comps[i]->set_contribution(d.c[i] * w);
  }
  const taxonomy::Taxonomy& tax = *m.tax;


  if (d.slot >= 0) {
    const unsigned years = c.years[d.slot];
    out->set_matched_trade(tax.trade(c.trade[d.slot]).id);
    out->set_trade_similarity(d.sim);
    out->set_years_experience(years);
    if (c.trade[d.slot] == v.trade) {
      out->add_reasons(absl::StrCat("same trade, ", years, years == 1 ? " year" : " years"));
    } else {
      out->add_reasons(absl::StrFormat("related trade %s covers %.0f%% of %s, %u %s",
                                  tax.trade(c.trade[d.slot]).label_en, d.sim * 100,
                                  tax.trade(v.trade).label_en, years, years == 1 ? "year" : "years"));
    }
  }

  if (c.sector == v.sector) {
    out->add_reasons(absl::StrCat("same sector ", std::string(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(v.sector)))));
  } else {
    out->add_reasons(absl::StrFormat(
        "sector move %s -> %s (%.2f)",
        std::string(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(c.sector))),
        std::string(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(v.sector))), d.c[kSector]));
  }

  out->set_distance_km(d.km);
  out->set_same_cluster(d.same_cluster);
  if (c.region == v.region) {
    out->add_reasons(absl::StrCat(tax.region(c.region).name, ", same region"));
  } else {
    out->add_reasons(absl::StrCat(tax.region(c.region).name, " -> ", tax.region(v.region).name, " ",
                             Km(d.km), d.same_cluster ? ", same SPT cluster" : ""));
  }

  d.missing.ForEach([&](unsigned q) {
    if (q >= m.qual_weeks.size()) return;
    const taxonomy::QualificationInfo& info = tax.qualification(static_cast<taxonomy::QualId>(q));
    v1::RetrainingStep* step = out->add_missing();
    step->set_qualification(info.code);
    step->set_name(info.name);
    step->set_weeks(m.qual_weeks[q]);
    step->set_cost_eur(m.qual_cost[q]);
    step->set_required(true);
    out->add_reasons(absl::StrCat("needs ", info.code, ": ", Weeks(m.qual_weeks[q]), ", EUR ",
                             absl::StrFormat("%.0f", m.qual_cost[q])));
  });
  out->set_retraining_weeks(d.weeks);
  out->set_retraining_cost_eur(d.cost);
  if (d.missing.empty() && !v.required.empty()) out->add_reasons("holds all required qualifications");
  d.preferred_held.ForEach([&](unsigned q) {
    if (q >= m.qual_weeks.size()) return;
    const std::string& code = tax.qualification(static_cast<taxonomy::QualId>(q)).code;
    out->add_preferred_held(code);
    out->add_reasons(absl::StrCat("holds preferred ", code));
  });

  std::string avail = StatusText(c.status);
  const int32_t start = v.starts_at == kNoDate ? today : v.starts_at;
  if (c.available_from != kImmediately && c.available_from > start) {
    absl::StrAppend(&avail, ", available ", FormatIsoDate(c.available_from), ", ",
                    c.available_from - start, " days after the start");
  }
  out->add_reasons(avail);
  if (v.hard_to_fill) out->add_reasons("hard to fill");
}

}  // namespace w2w::match
