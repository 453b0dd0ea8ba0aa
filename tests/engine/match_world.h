// RandomWorld: seeded random candidates, vacancies and policies over the shipped taxonomy,
// for the property tests of the matcher. Header-only test helper.
#ifndef W2W_TESTS_ENGINE_MATCH_WORLD_H_
#define W2W_TESTS_ENGINE_MATCH_WORLD_H_

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/common/dates.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/policy.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::testing {

class RandomWorld {
 public:
  RandomWorld(const taxonomy::Taxonomy& tax, uint64_t seed) : tax_(tax), rng_(seed) {
    // A pool of trades with related neighbours, so that related trades actually meet.
    for (int i = 0; i < 25; ++i) {
      const auto t = static_cast<taxonomy::TradeId>(Uniform(0, static_cast<int>(tax.num_trades()) - 1));
      trades_.push_back(t);
      int added = 0;
      for (const auto& link : tax.TradesReaching(t)) {
        if (link.trade == t) continue;
        trades_.push_back(link.trade);
        if (++added == 3) break;
      }
    }
    for (int i = 0; i < 8; ++i) hot_regions_.push_back(Uniform(0, static_cast<int>(tax.num_regions()) - 1));
    municipalities_.resize(tax.num_regions());
    for (const taxonomy::MunicipalityInfo& m : tax.municipalities()) municipalities_[m.region].push_back(m.name);
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double Real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool Chance(double p) { return Real(0, 1) < p; }

  std::string Region() {
    const int r = Chance(0.6) ? hot_regions_[Uniform(0, static_cast<int>(hot_regions_.size()) - 1)]
                              : Uniform(0, static_cast<int>(tax_.num_regions()) - 1);
    return tax_.region(static_cast<taxonomy::RegionId>(r)).name;
  }
  // A region and, most of the time, one of its municipalities (empty: the region only).
  template <typename Record>
  void SetPlace(Record* r) {
    const std::string region = Region();
    r->set_region(region);
    const auto& names = municipalities_[*tax_.FindRegion(region)];
    if (!names.empty() && Chance(0.7)) r->set_municipality(names[Uniform(0, static_cast<int>(names.size()) - 1)]);
  }
  std::string Trade() { return tax_.trade(trades_[Uniform(0, static_cast<int>(trades_.size()) - 1)]).id; }
  std::string Qual() {
    return tax_.qualification(static_cast<taxonomy::QualId>(Uniform(0, static_cast<int>(tax_.num_qualifications()) - 1))).code;
  }
  std::string Date(int lo, int hi) { return FormatIsoDate(TodayUtc() + Uniform(lo, hi)); }

  v1::Candidate Candidate(const std::string& id) {
    v1::Candidate c;
    c.set_id(id);
    SetPlace(&c);
    c.set_sector(static_cast<v1::Sector>(Uniform(1, 6)));
    const int nt = Uniform(1, Chance(0.1) ? 8 : 3);
    std::vector<std::string> seen;
    for (int i = 0; i < nt; ++i) {
      const std::string t = Trade();
      if (std::find(seen.begin(), seen.end(), t) != seen.end()) continue;
      seen.push_back(t);
      auto* te = c.add_trades();
      te->set_code(t);
      te->set_years(static_cast<uint32_t>(Uniform(0, 30)));
    }
    const int nq = Uniform(0, 8);
    for (int i = 0; i < nq; ++i) c.add_qualifications(Qual());
    c.set_employer_id("emp" + std::to_string(Uniform(0, 300)));
    const int st = Uniform(0, 20);
    c.set_status(static_cast<v1::CandidateStatus>(st < 18 ? 1 + st % 5 : (st == 18 ? 6 : 7)));
    if (Chance(0.4)) c.set_available_from(Date(-100, 300));
    if (Chance(0.7)) c.set_max_travel_km(static_cast<uint32_t>(Uniform(5, 200)));
    c.set_willing_to_retrain(Chance(0.75));
    return c;
  }

  v1::Vacancy Vacancy(const std::string& id) {
    v1::Vacancy v;
    v.set_id(id);
    v.set_employer_id("vemp" + std::to_string(Uniform(0, 100)));
    SetPlace(&v);
    v.set_sector(static_cast<v1::Sector>(Uniform(1, 6)));
    v.set_trade(Trade());
    const int nr = Uniform(0, 3), np = Uniform(0, 3);
    for (int i = 0; i < nr; ++i) v.add_required_qualifications(Qual());
    for (int i = 0; i < np; ++i) v.add_preferred_qualifications(Qual());
    v.set_hard_to_fill(Chance(0.3));
    const int st = Uniform(0, 10);
    v.set_status(st < 8 ? v1::VACANCY_STATUS_OPEN : (st == 8 ? v1::VACANCY_STATUS_FILLED : v1::VACANCY_STATUS_CLOSED));
    if (Chance(0.3)) v.set_expires_at(Date(-30, 200));
    if (Chance(0.5)) v.set_starts_at(Date(-10, 200));
    v.set_title("vacature " + id);
    return v;
  }

  // A random (incomplete) policy; CompletePolicy fills the rest.
  v1::Policy Policy() {
    v1::Policy p;
    if (Chance(0.2)) return p;
    auto* w = p.mutable_weights();
    w->set_trade(Real(0, 1));
    w->set_sector(Real(0, 1));
    w->set_qualifications(Real(0, 1));
    w->set_distance(Real(0, 1));
    w->set_availability(Real(0, 1));
    w->set_urgency(Real(0, 1));
    p.set_own_sector_preference(Chance(0.5) ? 0 : Real(0, 1));
    p.set_min_trade_similarity(Real(0.1, 0.7));
    p.set_experience_full_years(Real(1, 20));
    p.set_experience_share(Real(0.01, 0.6));
    p.set_max_retraining_weeks(Real(1, 30));
    p.set_hard_to_fill_retraining_factor(Real(1, 3));
    p.set_retraining_cost_scale_eur(Real(500, 10000));
    p.set_retraining_cost_share(Real(0.01, 1));
    p.set_preferred_bonus_share(Real(0.01, 0.6));
    p.set_same_cluster_bonus(Real(0.01, 0.5));
    p.set_default_max_travel_km(Real(10, 150));
    p.set_availability_horizon_days(Real(20, 400));
    p.set_urgency_hard_to_fill(Real(0.01, 1));
    p.set_urgency_normal(Real(0.01, 1));
    for (int i = 0; i < 5; ++i) {
      auto* m = p.add_sector_mobility();
      m->set_from(static_cast<v1::Sector>(1 + i));
      m->set_to(static_cast<v1::Sector>(Uniform(1, 6)));
      m->set_weight(Real(0, 1));
    }
    for (int i = 0; i < 4; ++i) {
      const std::string q = Qual();
      bool dup = false;
      for (const auto& r : p.retraining()) dup |= r.qualification() == q;
      if (dup) continue;
      auto* r = p.add_retraining();
      r->set_qualification(q);
      r->set_weeks(Real(0, 15));
      r->set_cost_eur(Real(0, 8000));
    }
    auto* s = p.add_status_weights();
    s->set_status(static_cast<v1::CandidateStatus>(Uniform(1, 5)));
    s->set_weight(Real(0, 1));
    return p;
  }

  // A random filter; `statuses` only for Shortlist.
  v1::MatchFilter Filter(bool statuses) {
    v1::MatchFilter f;
    if (Chance(0.2)) f.set_min_score(Real(0, 0.8));
    if (Chance(0.2)) {
      const int n = Uniform(1, 6);
      for (int i = 0; i < n; ++i) f.add_regions(Chance(0.5) ? Region() : std::to_string(Uniform(1, 35)));
    }
    if (Chance(0.2)) {
      const int n = Uniform(1, 3);
      for (int i = 0; i < n; ++i) f.add_sectors(static_cast<v1::Sector>(Uniform(1, 6)));
    }
    if (statuses && Chance(0.2)) {
      const int n = Uniform(1, 3);
      for (int i = 0; i < n; ++i) f.add_statuses(static_cast<v1::CandidateStatus>(Uniform(1, 7)));
    }
    if (Chance(0.2)) f.set_max_retraining_weeks(Real(0.1, 20));
    return f;
  }

  uint32_t K() {
    const int r = Uniform(0, 9);
    return r == 0 ? 0 : (r == 1 ? static_cast<uint32_t>(Uniform(100, 1000)) : static_cast<uint32_t>(Uniform(1, 50)));
  }

 private:
  const taxonomy::Taxonomy& tax_;
  std::mt19937_64 rng_;
  std::vector<taxonomy::TradeId> trades_;
  std::vector<int> hot_regions_;
  std::vector<std::vector<std::string>> municipalities_;  // By region id.
};

}  // namespace w2w::testing

#endif  // W2W_TESTS_ENGINE_MATCH_WORLD_H_
