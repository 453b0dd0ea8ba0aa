#include "engine/match/compiled_policy.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace w2w::match {

std::shared_ptr<const CompiledPolicy> CompiledPolicy::Compile(std::shared_ptr<const taxonomy::Taxonomy> tax,
                                            const v1::Policy& p,
                                            std::shared_ptr<const CellMap> cells,
                                            std::shared_ptr<const CellMap> vacancy_cells) {
  auto m = std::make_shared<CompiledPolicy>();
  m->tax = tax;
  m->policy = p;
  m->policy_version = p.version();
  const v1::ComponentWeights& w = p.weights();
  m->weight = {w.trade(), w.sector(), w.qualifications(), w.distance(), w.availability(), w.urgency()};
  m->weight_sum = 0;
  for (double x : m->weight) m->weight_sum += x;
  if (m->weight_sum <= 0) m->weight_sum = 1;

  // Diagonal 1 unless the policy says otherwise; slot 0 (UNSPECIFIED) reads as OTHER.
  double raw[taxonomy::kNumSectorSlots][taxonomy::kNumSectorSlots] = {};
  for (int i = 1; i < taxonomy::kNumSectorSlots; ++i) raw[i][i] = 1;
  for (const v1::SectorMobility& sm : p.sector_mobility()) {
    if (sm.from() >= 1 && sm.from() <= taxonomy::kNumSectors && sm.to() >= 1 &&
        sm.to() <= taxonomy::kNumSectors) {
      raw[sm.from()][sm.to()] = sm.weight();
    }
  }
  for (int i = 0; i < taxonomy::kNumSectorSlots; ++i) {
    for (int j = 0; j < taxonomy::kNumSectorSlots; ++j) {
      const int a = i == 0 ? v1::SECTOR_OTHER : i, b = j == 0 ? v1::SECTOR_OTHER : j;
      m->sector[i][j] = a == b ? raw[a][b] : raw[a][b] * (1 - p.own_sector_preference());
    }
  }
  for (const v1::StatusWeight& s : p.status_weights()) {
    if (s.status() >= 1 && s.status() <= taxonomy::kNumStatuses) m->status_weight[s.status()] = s.weight();
  }
  m->status_weight[v1::CANDIDATE_STATUS_PLACED] = 0;
  m->status_weight[v1::CANDIDATE_STATUS_UNAVAILABLE] = 0;

  const size_t nq = tax->num_qualifications();
  m->qual_weeks.resize(nq);
  m->qual_cost.resize(nq);
  for (size_t q = 0; q < nq; ++q) {
    const taxonomy::QualificationInfo& info = tax->qualification(static_cast<taxonomy::QualId>(q));
    m->qual_weeks[q] = info.weeks;
    m->qual_cost[q] = info.cost_eur;
    m->qual_by_code.emplace(info.code, static_cast<taxonomy::QualId>(q));
  }
  for (const v1::RetrainingWeight& r : p.retraining()) {
    if (auto q = tax->FindQualification(r.qualification())) {
      m->qual_weeks[*q] = r.weeks();
      m->qual_cost[*q] = r.cost_eur();
    }
  }
  m->min_weeks_by_fold.fill(std::numeric_limits<double>::infinity());
  for (size_t q = 0; q < nq; ++q) {
    double& w = m->min_weeks_by_fold[q % QualSet::kFoldBits];
    w = std::min(w, m->qual_weeks[q]);
  }
  for (double& w : m->min_weeks_by_fold) {
    if (w == std::numeric_limits<double>::infinity()) w = 0;
  }

  m->num_regions = tax->num_regions();
  m->num_trades = tax->num_trades();
  m->same_cluster.resize(m->num_regions * m->num_regions);
  for (size_t a = 0; a < m->num_regions; ++a) {
    m->region_by_name.emplace(tax->region(static_cast<taxonomy::RegionId>(a)).name,
                              static_cast<taxonomy::RegionId>(a));
    for (size_t b = 0; b < m->num_regions; ++b) {
      const auto ra = static_cast<taxonomy::RegionId>(a), rb = static_cast<taxonomy::RegionId>(b);
      m->same_cluster[a * m->num_regions + b] = tax->SameCluster(ra, rb) ? 1 : 0;
    }
  }
  for (size_t t = 0; t < m->num_trades; ++t) {
    m->trade_by_id.emplace(tax->trade(static_cast<taxonomy::TradeId>(t)).id,
                           static_cast<taxonomy::TradeId>(t));
  }

  m->min_trade_similarity = p.min_trade_similarity();
  m->experience_full_years = p.experience_full_years();
  m->experience_share = p.experience_share();
  for (unsigned y = 0; y < m->experience_factor.size(); ++y) {
    m->experience_factor[y] = (1 - m->experience_share) +
                              m->experience_share * std::min<double>(y, m->experience_full_years) /
                                  m->experience_full_years;
  }
  m->max_experience_factor = *std::max_element(m->experience_factor.begin(), m->experience_factor.end());
  m->max_retraining_weeks = p.max_retraining_weeks();
  m->hard_to_fill_factor = p.hard_to_fill_retraining_factor();
  m->cost_scale_eur = p.retraining_cost_scale_eur();
  m->cost_share = p.retraining_cost_share();
  m->preferred_bonus_share = p.preferred_bonus_share();
  m->same_cluster_bonus = p.same_cluster_bonus();
  m->default_max_travel_km = p.default_max_travel_km();
  m->horizon_days = p.availability_horizon_days();
  m->urgency_hard = p.urgency_hard_to_fill();
  m->urgency_normal = p.urgency_normal();
  CompilePlaces(m.get(), std::move(cells), std::move(vacancy_cells));
  for (const Language language : {Language::kEnglish, Language::kDutch}) {
    m->reason_texts[static_cast<size_t>(language)] =
        BuildReasonTexts(*tax, m->sector, m->qual_weeks, m->qual_cost, language);
  }
  return m;
}

std::optional<taxonomy::TradeId> CompiledPolicy::FindTrade(std::string_view id) const {
  if (auto it = trade_by_id.find(absl::string_view(id.data(), id.size())); it != trade_by_id.end()) return it->second;
  return tax->FindTrade(id);
}

std::optional<taxonomy::RegionId> CompiledPolicy::FindRegion(std::string_view name) const {
  if (auto it = region_by_name.find(absl::string_view(name.data(), name.size())); it != region_by_name.end()) return it->second;
  return tax->FindRegion(name);
}

std::optional<taxonomy::QualId> CompiledPolicy::FindQualification(std::string_view code) const {
  if (auto it = qual_by_code.find(absl::string_view(code.data(), code.size())); it != qual_by_code.end()) return it->second;
  return tax->FindQualification(code);
}

}  // namespace w2w::match
