// ReferenceScorer: a deliberately simple, independent brute-force implementation of
// docs/scoring.md, used by the tests to check the matching engine. It works on the v1
// protos, the Taxonomy and a complete Policy, shares no scoring code with engine/match,
// and ranks by a full sort. Slow on purpose; records are resolved to taxonomy ids once
// when added so that brute force over 20,000 candidates stays affordable.
//
// Thread safety: not thread-safe; one per test.
#ifndef W2W_TESTS_ENGINE_REFERENCE_SCORER_H_
#define W2W_TESTS_ENGINE_REFERENCE_SCORER_H_

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/dates.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/match.pb.h"
#include "w2w/v1/policy.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::testing {

struct RefMatch {
  std::string id;
  double score = 0;
};

class ReferenceScorer {
 public:
  // `policy` must be complete (match::CompletePolicy). `today` is a day number.
  ReferenceScorer(const taxonomy::Taxonomy* tax, v1::Policy policy, int32_t today)
      : tax_(tax), policy_(std::move(policy)), today_(today) {}

  void SetPolicy(v1::Policy policy) { policy_ = std::move(policy); }

  // Resolved forms of the records (public so tests can build worlds directly).
  struct Cand {
    std::string id;
    int region = -1;
    taxonomy::GeoPoint point;  // The municipality's centroid, else the region's anchor.
    int sector = 6;
    int status = 0;
    std::vector<std::pair<int, int>> trades;  // (trade id, years)
    std::set<int> quals;
    std::optional<int32_t> available_from;
    double max_travel_km = 0;
    bool willing = false;
  };
  struct Vac {
    std::string id;
    int region = -1;
    taxonomy::GeoPoint point;
    int sector = 6;
    int trade = -1;
    std::set<int> required, preferred;
    bool hard = false;
    bool open = true;
    std::optional<int32_t> starts_at, expires_at;
  };

  // Where a record is: its municipality's centroid when it names one with a centroid,
  // else its region's anchor.
  taxonomy::GeoPoint Point(const std::string& municipality, int region) const {
    if (auto ref = tax_->LookupMunicipality(municipality); ref && ref->centroid) return *ref->centroid;
    return region >= 0 ? tax_->RegionAnchor(static_cast<taxonomy::RegionId>(region)) : taxonomy::GeoPoint{};
  }

  Cand Resolve(const v1::Candidate& c) const {
    Cand r;
    r.id = c.id();
    if (auto x = tax_->FindRegion(c.region())) r.region = *x;
    else if (auto y = tax_->FindMunicipality(c.municipality())) r.region = *y;
    r.point = Point(c.municipality(), r.region);
    r.sector = (c.sector() >= 1 && c.sector() <= 6) ? c.sector() : 6;
    r.status = c.status();
    for (const auto& t : c.trades()) {
      if (r.trades.size() == 8) break;
      if (auto id = tax_->FindTrade(t.code())) r.trades.emplace_back(*id, static_cast<int>(t.years()));
    }
    for (const auto& q : c.qualifications()) {
      if (auto id = tax_->FindQualification(q)) r.quals.insert(*id);
    }
    if (!c.available_from().empty()) r.available_from = ParseIsoDate(c.available_from());
    r.max_travel_km = c.max_travel_km();
    r.willing = c.willing_to_retrain();
    return r;
  }

  Vac Resolve(const v1::Vacancy& v) const {
    Vac r;
    r.id = v.id();
    if (auto x = tax_->FindRegion(v.region())) r.region = *x;
    else if (auto y = tax_->FindMunicipality(v.municipality())) r.region = *y;
    r.point = Point(v.municipality(), r.region);
    r.sector = (v.sector() >= 1 && v.sector() <= 6) ? v.sector() : 6;
    if (auto t = tax_->FindTrade(v.trade())) r.trade = *t;
    for (const auto& q : v.required_qualifications()) {
      if (auto id = tax_->FindQualification(q)) r.required.insert(*id);
    }
    for (const auto& q : v.preferred_qualifications()) {
      if (auto id = tax_->FindQualification(q)) r.preferred.insert(*id);
    }
    r.hard = v.hard_to_fill();
    r.open = v.status() == v1::VACANCY_STATUS_OPEN || v.status() == v1::VACANCY_STATUS_UNSPECIFIED;
    if (!v.starts_at().empty()) r.starts_at = ParseIsoDate(v.starts_at());
    if (!v.expires_at().empty()) r.expires_at = ParseIsoDate(v.expires_at());
    return r;
  }

  // The rounded score of a pair, or nullopt when excluded. `filter_weeks` is the query's
  // max_retraining_weeks (0 = none).
  std::optional<double> Score(const Cand& c, const Vac& v, double filter_weeks = 0) const {
    const v1::Policy& p = policy_;
    if (c.status < 1 || c.status > 5) return std::nullopt;
    if (!v.open) return std::nullopt;
    if (v.expires_at && *v.expires_at < today_) return std::nullopt;
    if (v.trade < 0 || c.region < 0 || v.region < 0) return std::nullopt;

    // Trade.
    double trade = -1;
    for (const auto& [t, years] : c.trades) {
      const double sim = tax_->TradeSimilarity(static_cast<taxonomy::TradeId>(t),
                                               static_cast<taxonomy::TradeId>(v.trade));
      if (sim <= 0 || sim < p.min_trade_similarity()) continue;
      const double full = p.experience_full_years();
      const double y = std::min<double>(std::min(years, 255), full);
      const double value = sim * ((1 - p.experience_share()) + p.experience_share() * y / full);
      trade = std::max(trade, value);
    }
    if (trade < 0) return std::nullopt;

    // Distance.
    // Great-circle km between the two points, held as float like the engine's tables.
    const double km = static_cast<float>(taxonomy::GreatCircleKm(c.point, v.point));
    const double max_km = c.max_travel_km > 0 ? c.max_travel_km : p.default_max_travel_km();
    if (km > max_km) return std::nullopt;
    double distance = 1 - km / max_km;
    if (c.region != v.region && tax_->SameCluster(static_cast<taxonomy::RegionId>(c.region),
                                                  static_cast<taxonomy::RegionId>(v.region))) {
      distance += p.same_cluster_bonus();
    }
    distance = std::min(1.0, distance);

    // Qualifications (missing ones in catalogue order).
    double weeks = 0, cost = 0;
    int missing = 0;
    for (int q : v.required) {
      if (c.quals.count(q)) continue;
      ++missing;
      const auto [w, e] = Retraining(q);
      weeks += w;
      cost += e;
    }
    if (missing > 0 && !c.willing) return std::nullopt;
    const double cap = p.max_retraining_weeks() * (v.hard ? p.hard_to_fill_retraining_factor() : 1.0);
    const double query_cap = filter_weeks > 0 ? std::min(filter_weeks, cap) : cap;
    if (weeks > query_cap + 1e-9) return std::nullopt;
    const double penalty = (1 - p.retraining_cost_share()) * weeks / cap +
                           p.retraining_cost_share() * std::min(1.0, cost / p.retraining_cost_scale_eur());
    int held_pref = 0;
    for (int q : v.preferred) held_pref += c.quals.count(q) ? 1 : 0;
    const double pref = v.preferred.empty() ? 1.0 : static_cast<double>(held_pref) / v.preferred.size();
    const double quals = std::max(0.0, (1 - p.preferred_bonus_share()) * (1 - penalty) +
                                           p.preferred_bonus_share() * pref);

    // Sector.
    double sector = SectorWeight(c.sector, v.sector);
    if (c.sector != v.sector) sector *= 1 - p.own_sector_preference();

    // Availability.
    const int32_t start = v.starts_at ? *v.starts_at : today_;
    double factor = 1;
    if (c.available_from && *c.available_from > start) {
      factor = std::max(0.0, 1 - static_cast<double>(*c.available_from - start) / p.availability_horizon_days());
    }
    const double availability = StatusWeight(c.status) * factor;

    const double urgency = v.hard ? p.urgency_hard_to_fill() : p.urgency_normal();

    const auto& w = p.weights();
    const double sum = w.trade() + w.sector() + w.qualifications() + w.distance() + w.availability() + w.urgency();
    const double total = (w.trade() * trade + w.sector() * sector + w.qualifications() * quals +
                          w.distance() * distance + w.availability() * availability + w.urgency() * urgency) /
                         sum;
    return std::round(total * 1e6) / 1e6;
  }

  // Top-k candidates for `v` under `request` (k and filter), by full sort.
  // `cands` is any range of Cand, or of (id, Cand) pairs.
  template <typename Range>
  std::vector<RefMatch> Shortlist(const Vac& v, const Range& cands,
                                  const v1::ShortlistRequest& request) const {
    const v1::MatchFilter& f = request.filter();
    const std::set<int> regions = Regions(f);
    std::vector<RefMatch> all;
    for (const auto& item : cands) {
      const Cand& c = Get(item);
      if ((!regions.empty() && !regions.count(c.region)) || !SectorPasses(f, c.sector)) continue;
      if (f.statuses_size() > 0 &&
          std::find(f.statuses().begin(), f.statuses().end(), c.status) == f.statuses().end()) {
        continue;
      }
      auto s = Score(c, v, f.max_retraining_weeks());
      if (s && *s >= f.min_score() - 1e-9) all.push_back({c.id, *s});
    }
    return TopK(std::move(all), request.k());
  }

  template <typename Range>
  std::vector<RefMatch> MatchCandidate(const Cand& c, const Range& vacs,
                                       const v1::MatchCandidateRequest& request) const {
    const v1::MatchFilter& f = request.filter();
    const std::set<int> regions = Regions(f);
    std::vector<RefMatch> all;
    for (const auto& item : vacs) {
      const Vac& v = Get(item);
      if ((!regions.empty() && !regions.count(v.region)) || !SectorPasses(f, v.sector)) continue;
      auto s = Score(c, v, f.max_retraining_weeks());
      if (s && *s >= f.min_score() - 1e-9) all.push_back({v.id, *s});
    }
    return TopK(std::move(all), request.k());
  }

 private:
  static const Cand& Get(const Cand& c) { return c; }
  static const Vac& Get(const Vac& v) { return v; }
  template <typename T>
  static const T& Get(const std::pair<const std::string, T>& p) { return p.second; }

  std::pair<double, double> Retraining(int q) const {
    for (const auto& r : policy_.retraining()) {
      auto id = tax_->FindQualification(r.qualification());
      if (id && *id == q) return {r.weeks(), r.cost_eur()};
    }
    const auto& info = tax_->qualification(static_cast<taxonomy::QualId>(q));
    return {info.weeks, info.cost_eur};
  }
  double SectorWeight(int from, int to) const {
    for (const auto& m : policy_.sector_mobility()) {
      if (m.from() == from && m.to() == to) return m.weight();
    }
    return from == to ? 1.0 : 0.0;
  }
  double StatusWeight(int status) const {
    if (status == v1::CANDIDATE_STATUS_PLACED || status == v1::CANDIDATE_STATUS_UNAVAILABLE) return 0;
    for (const auto& s : policy_.status_weights()) {
      if (s.status() == status) return s.weight();
    }
    return 0;
  }
  std::set<int> Regions(const v1::MatchFilter& f) const {
    std::set<int> out;
    for (const auto& r : f.regions()) {
      if (auto id = tax_->FindRegion(r)) out.insert(*id);
    }
    return out;
  }
  static bool SectorPasses(const v1::MatchFilter& f, int sector) {
    return f.sectors_size() == 0 || std::find(f.sectors().begin(), f.sectors().end(), sector) != f.sectors().end();
  }
  static std::vector<RefMatch> TopK(std::vector<RefMatch> all, uint32_t k) {
    if (k == 0) k = 20;
    std::sort(all.begin(), all.end(), [](const RefMatch& a, const RefMatch& b) {
      return a.score != b.score ? a.score > b.score : a.id < b.id;
    });
    if (all.size() > k) all.resize(k);
    return all;
  }

  const taxonomy::Taxonomy* tax_;
  v1::Policy policy_;
  int32_t today_;
};

}  // namespace w2w::testing

#endif  // W2W_TESTS_ENGINE_REFERENCE_SCORER_H_
