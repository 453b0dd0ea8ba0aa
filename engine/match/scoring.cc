#include "engine/match/scoring.h"

#include <string>
#include <string_view>

#include "engine/common/dates.h"
#include "engine/match/reasons.h"

namespace w2w::match {
namespace {

// Reasons most explanations carry (trade, sector, distance, qualifications, status).
constexpr int kUsualReasons = 6;

// How a place reads in a sentence: the municipality, or the region for an anchor.
std::string PlaceLabel(const CompiledPolicy& m, unsigned place, unsigned region) {
  return m.place_is_centroid[place] ? m.place_name[place] : m.tax->region(region).name;
}

void FillPlace(const CompiledPolicy& m, unsigned place, unsigned region, v1::Place* out) {
  out->set_basis(m.place_is_centroid[place] ? v1::LOCATION_BASIS_MUNICIPALITY
                                            : v1::LOCATION_BASIS_REGION_ANCHOR);
  out->set_name(m.place_name[place]);
  out->set_region(m.tax->region(region).name);
  out->set_lat(m.place_point[place].lat);
  out->set_lon(m.place_point[place].lon);
}

// "Losser -> Hellendoorn 39 km, same region", "Rijnmond, same region", "Drechtsteden ->
// Rijnmond 18 km, same SPT cluster".
std::string DistanceReason(const CompiledPolicy& m, unsigned cand_region, unsigned vac_region,
                           const PairDetail& d, Language language) {
  const ReasonTexts& texts = m.reasons(language);
  if (d.cand_place == d.vac_place) {
    if (m.place_is_centroid[d.cand_place]) return SameMunicipalityReason(m.place_name[d.cand_place], language);
    return cand_region < texts.same_region.size() ? texts.same_region[cand_region]
                                                  : SameRegionReason(m.tax->region(cand_region).name, language);
  }
  return TravelReason(PlaceLabel(m, d.cand_place, cand_region), PlaceLabel(m, d.vac_place, vac_region), d.km,
                      cand_region == vac_region, d.same_cluster, language);
}

// Says that a side's distance runs from its region's anchor.
std::string AnchorReasonOf(const CompiledPolicy& m, bool candidate, unsigned region, Language language) {
  const taxonomy::RegionInfo& info = m.tax->region(region);
  return AnchorReason(candidate, info.name, info.anchor_city, language);
}

}  // namespace

Exclusion EvaluatePair(const CompiledPolicy& m, const CandFeatures& c, const VacFeatures& v, int32_t today,
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
  AddRetraining(m, d->missing, &d->weeks, &d->cost);
  d->preferred_held = v.preferred & c.quals;
  d->cap = PolicyCap(m, v.hard_to_fill != 0);
  d->c[kQuals] = std::max(0.0, QualScore(m, d->weeks, d->cost, d->cap, d->preferred_held.count(),
                                         v.preferred.count()));

  d->cand_place = m.PlaceOf(c.place, c.region);
  d->vac_place = m.PlaceOf(v.place, v.region);
  d->km = m.PlaceKm(d->cand_place, d->vac_place);
  d->max_km = EffectiveTravelKm(m, c.max_travel_km);
  d->same_cluster = c.region != v.region && m.SameCluster(c.region, v.region);
  d->c[kDistance] = std::max(0.0, DistanceScore(m, d->km, d->max_km, d->same_cluster));

  const int32_t start = v.starts_at == kNoDate ? today : v.starts_at;
  d->c[kAvail] = m.status_weight[c.status < taxonomy::kNumStatusSlots ? c.status : 0] * DateFactor(m, c.available_from, start);
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

std::string ExclusionReason(const CompiledPolicy& m, const CandFeatures& c, const VacFeatures& v,
                            int32_t today, const PairDetail& d, Exclusion e, Language language) {
  switch (e) {
    case Exclusion::kNone: return "";
    case Exclusion::kCandidateStatus: return CandidateStatusExclusion(c.status, language);
    case Exclusion::kVacancyStatus: return VacancyNotOpenExclusion(language);
    case Exclusion::kVacancyExpired: return VacancyExpiredExclusion(FormatIsoDate(v.expires_at), language);
    case Exclusion::kTrade:
      return TradeExclusion(m.min_trade_similarity,
                            v.trade == kNoTrade ? std::string_view() : m.tax->trade(v.trade).Label(language),
                            language);
    case Exclusion::kDistance: return DistanceExclusion(d.km, d.max_km, language);
    case Exclusion::kUnwilling: return UnwillingExclusion(language);
    case Exclusion::kRetraining: return RetrainingExclusion(d.weeks, d.cap, language);
  }
  return "";
}

void FillExplanation(const CompiledPolicy& m, const CandFeatures& c, const VacFeatures& v, int32_t today,
                     const PairDetail& d, Language language, v1::Explanation* out) {
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
  const ReasonTexts& texts = m.reasons(language);
  out->mutable_reasons()->Reserve(kUsualReasons);

  if (d.slot >= 0) {
    const unsigned years = c.years[d.slot];
    const taxonomy::TradeInfo& matched = tax.trade(c.trade[d.slot]);
    out->set_matched_trade(matched.id);
    out->set_trade_similarity(d.sim);
    out->set_years_experience(years);
    if (c.trade[d.slot] == v.trade) {
      out->add_reasons(SameTradeReason(years, language));
    } else {
      out->add_reasons(
          RelatedTradeReason(matched.Label(language), d.sim, tax.trade(v.trade).Label(language), years, language));
    }
  }

  // Features always carry a sector value (1..6).
  if (c.sector == v.sector) {
    out->add_reasons(texts.same_sector[v.sector]);
  } else {
    out->add_reasons(texts.sector_move[c.sector][v.sector]);
  }

  out->set_distance_km(d.km);
  out->set_same_cluster(d.same_cluster);
  FillPlace(m, d.cand_place, c.region, out->mutable_candidate_place());
  FillPlace(m, d.vac_place, v.region, out->mutable_vacancy_place());
  out->add_reasons(DistanceReason(m, c.region, v.region, d, language));
  if (!m.place_is_centroid[d.cand_place]) out->add_reasons(AnchorReasonOf(m, /*candidate=*/true, c.region, language));
  if (!m.place_is_centroid[d.vac_place]) out->add_reasons(AnchorReasonOf(m, /*candidate=*/false, v.region, language));

  d.missing.ForEach([&](unsigned q) {
    if (q >= m.qual_weeks.size()) return;
    const taxonomy::QualificationInfo& info = tax.qualification(static_cast<taxonomy::QualId>(q));
    v1::RetrainingStep* step = out->add_missing();
    step->set_qualification(info.code);
    step->set_name(info.name);
    step->set_weeks(m.qual_weeks[q]);
    step->set_cost_eur(m.qual_cost[q]);
    step->set_required(true);
    out->add_reasons(texts.needs[q]);
  });
  out->set_retraining_weeks(d.weeks);
  out->set_retraining_cost_eur(d.cost);
  if (d.missing.empty() && !v.required.empty()) out->add_reasons(AllRequiredHeldReason(language));
  d.preferred_held.ForEach([&](unsigned q) {
    if (q >= m.qual_weeks.size()) return;
    out->add_preferred_held(tax.qualification(static_cast<taxonomy::QualId>(q)).code);
    out->add_reasons(texts.preferred[q]);
  });

  const int32_t start = v.starts_at == kNoDate ? today : v.starts_at;
  if (c.available_from != kImmediately && c.available_from > start) {
    out->add_reasons(LaterAvailabilityReason(c.status, FormatIsoDate(c.available_from),
                                             static_cast<int64_t>(c.available_from) - start, language));
  } else {
    out->add_reasons(std::string(StatusText(c.status, language)));
  }
  if (v.hard_to_fill) out->add_reasons(HardToFillReason(language));
}

}  // namespace w2w::match
