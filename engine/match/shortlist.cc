// Shortlist: vacancy -> best candidates, by bucket upper bounds (docs/scoring.md, "Index
// and pruning"), computed lazily trade by trade.
#include <algorithm>
#include <chrono>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "engine/common/dates.h"
#include "engine/common/text.h"
#include "engine/common/status_macros.h"
#include "engine/match/best_first.h"
#include "engine/match/matcher_impl.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"

namespace w2w::match {
namespace {

// A bit per status MatchableStatus() accepts.
constexpr uint8_t kMatchableStatusBits = [] {
  uint8_t bits = 0;
  for (int s = 0; s < taxonomy::kNumStatusSlots; ++s) {
    if (MatchableStatus(s)) bits = static_cast<uint8_t>(bits | (1u << s));
  }
  return bits;
}();
static_assert(kMatchableStatusBits == 0b111110, "EMPLOYED..UNEMPLOYED");

// The best sector score towards vacancy sector `to` over the candidate sectors in `mask`.
double MaxSector(const CompiledPolicy& m, uint8_t mask, unsigned to) {
  double best = 0;
  for (unsigned s = 1; s <= taxonomy::kNumSectors; ++s) {
    if ((mask >> s) & 1) best = std::max(best, m.sector[s][to]);
  }
  return best;
}

double MaxStatusWeight(const CompiledPolicy& m, uint8_t mask) {
  double best = 0;
  for (unsigned s = 1; s <= taxonomy::kNumStatuses; ++s) {
    if ((mask >> s) & 1) best = std::max(best, m.status_weight[s]);
  }
  return best;
}

// The candidate side of BestFirstScan (best_first.h) for one open vacancy: the trades
// are the candidate trades that reach the vacancy's, by similarity.
class CandidateSide {
 public:
  using Bucket = CandBucket;
  using Row = CandRow;

  CandidateSide(const CompiledPolicy& m, const VacFeatures& v, const QueryFilter& qf, int32_t today)
      : m_(m), v_(v), qf_(qf) {
    policy_cap_ = PolicyCap(m, v.hard_to_fill != 0);
    query_cap_ = QueryCap(policy_cap_, qf.max_weeks) + kWeeksEpsilon;
    start_ = v.starts_at == kNoDate ? today : v.starts_at;
    num_pref_ = v.preferred.count();
    urgency_ = v.hard_to_fill ? m.urgency_hard : m.urgency_normal;
    status_filter_ = qf.status_mask & kMatchableStatusBits;
    place_ = m.PlaceOf(v.place, v.region);
    km_row_ = m.PlaceKmRow(place_);
    CollectLinks();
    BoundAllButTrade();
    // Weeks of the required qualifications by fold residue (QualSet::Fold).
    req_fold_ = v.required.Fold();
    v.required.ForEach([&](unsigned q) {
      if (q < m.qual_weeks.size()) req_weeks_by_fold_[q % QualSet::kFoldBits] += m.qual_weeks[q];
    });
  }

  // A required qualification whose residue the candidate's folded set lacks is surely
  // missing: an unwilling candidate cannot match, and the weeks of those alone must fit.
  bool Admit(uint32_t tag) const {
    const uint32_t missing = req_fold_ & ~tag & ((1u << QualSet::kFoldBits) - 1);
    if (missing == 0) return true;
    if (((tag >> kWillingTagBit) & 1) == 0) return false;
    return QualSet::SumByResidue(missing, req_weeks_by_fold_) <= query_cap_;
  }

  size_t num_trades() const { return num_links_; }
  uint16_t trade(size_t i) const { return links_[i].trade; }
  double TradeBound(size_t i) const {
    double c[kNumComponents];
    std::copy(std::begin(rest_), std::end(rest_), c);
    c[kTrade] = links_[i].similarity * m_.max_experience_factor;
    return Total(m_, c);
  }

  unsigned place() const { return place_; }

  std::optional<double> BucketBound(size_t i, unsigned cell, const CandBucket& b) const {
    // The nearest any candidate of the cell can be.
    const double km = m_.candidate_cells.MinKm(place_, cell);
    const unsigned r = m_.candidate_cells.Region(cell);
    double max_km = b.max_travel_km.load(std::memory_order_relaxed);
    if (b.any_default_travel.load(std::memory_order_relaxed)) max_km = std::max(max_km, m_.default_max_travel_km);
    if (km > max_km) return std::nullopt;
    const uint8_t sectors = b.sector_mask.load(std::memory_order_relaxed) & qf_.sector_mask;
    const uint8_t statuses = b.status_mask.load(std::memory_order_relaxed) & status_filter_;
    if (sectors == 0 || statuses == 0) return std::nullopt;
    const QualSet held{b.quals_lo.load(std::memory_order_relaxed), b.quals_hi.load(std::memory_order_relaxed)};
    const QualSet missing = v_.required & ~held;
    if (!missing.empty() && !b.any_willing.load(std::memory_order_relaxed)) return std::nullopt;
    double weeks = 0, cost = 0;
    AddRetraining(m_, missing, &weeks, &cost);
    if (weeks > query_cap_) return std::nullopt;
    double c[kNumComponents];
    c[kTrade] = links_[i].similarity * ExperienceFactor(m_, b.max_years.load(std::memory_order_relaxed));
    c[kSector] = MaxSector(m_, sectors, v_.sector);
    c[kQuals] = std::max(0.0, QualScore(m_, weeks, cost, policy_cap_, (v_.preferred & held).count(), num_pref_));
    c[kDistance] = DistanceScore(m_, km, max_km, r != v_.region && m_.SameCluster(r, v_.region));
    c[kAvail] = MaxStatusWeight(m_, statuses) * DateFactor(m_, b.min_available.load(std::memory_order_relaxed), start_);
    c[kUrgency] = urgency_;
    return Total(m_, c);
  }

  void EnterBucket(uint16_t trade, unsigned cell) {
    const unsigned region = m_.candidate_cells.Region(cell);
    bucket_trade_ = trade;
    cluster_ = region != v_.region && m_.SameCluster(region, v_.region);
  }

  std::optional<int64_t> ScoreRow(const CandRow& row) const {
    const CandFeatures& f = row.f;
    if (!((qf_.status_mask >> f.status) & 1) || !((qf_.sector_mask >> f.sector) & 1)) return std::nullopt;
    // Cheapest rejections first.
    const double max_km = EffectiveTravelKm(m_, f.max_travel_km);
    const double km = km_row_[m_.PlaceOf(f.place, f.region)];
    if (km > max_km) return std::nullopt;
    const QualSet missing = v_.required & ~f.quals;
    double weeks = 0, cost = 0;
    if (!missing.empty()) {
      if (!f.willing) return std::nullopt;
      AddRetraining(m_, missing, &weeks, &cost);
      if (weeks > query_cap_) return std::nullopt;
    }
    // The candidate's best trade towards the vacancy; the row counts from that trade's
    // bucket only.
    double best = -1;
    int slot = -1;
    for (int i = 0; i < f.num_trades; ++i) {
      const double s = sim_[f.trade[i]];
      if (s <= 0) continue;
      const double ts = s * ExperienceFactor(m_, f.years[i]);
      if (ts > best) {
        best = ts;
        slot = i;
      }
    }
    if (slot < 0 || f.trade[slot] != bucket_trade_) return std::nullopt;
    double c[kNumComponents];
    c[kTrade] = best;
    c[kSector] = m_.sector[f.sector][v_.sector];
    c[kQuals] = std::max(0.0, QualScore(m_, weeks, cost, policy_cap_, (v_.preferred & f.quals).count(), num_pref_));
    c[kDistance] = std::max(0.0, DistanceScore(m_, km, max_km, cluster_));
    c[kAvail] = m_.status_weight[f.status] * DateFactor(m_, f.available_from, start_);
    c[kUrgency] = urgency_;
    return ToMicro(Total(m_, c));
  }

 private:
  // Similarity of every candidate trade to the vacancy's (0 below the minimum). The links
  // come best first, so the qualifying ones are a prefix.
  void CollectLinks() {
    links_ = m_.tax->TradesReaching(v_.trade);
    num_links_ = 0;
    sim_.assign(taxonomy::kMaxTrades, 0.0f);
    for (const taxonomy::TradeLink& link : links_) {
      if (link.similarity <= 0 || link.similarity < m_.min_trade_similarity) break;
      if (link.trade < sim_.size()) sim_[link.trade] = link.similarity;
      ++num_links_;
    }
  }

  // Bounds of every component but the trade's, over all buckets the filter allows.
  void BoundAllButTrade() {
    rest_[kTrade] = 0;
    rest_[kSector] = MaxSector(m_, qf_.sector_mask, v_.sector);
    rest_[kQuals] = std::max(0.0, QualScore(m_, 0, 0, policy_cap_, num_pref_, num_pref_));
    rest_[kDistance] = 1;                                    // DistanceScore() is capped at 1.
    rest_[kAvail] = MaxStatusWeight(m_, status_filter_);  // DateFactor() is at most 1.
    rest_[kUrgency] = urgency_;
  }

  const CompiledPolicy& m_;
  const VacFeatures& v_;
  const QueryFilter& qf_;
  double policy_cap_ = 0, query_cap_ = 0, urgency_ = 0;
  int32_t start_ = 0;
  int num_pref_ = 0;
  uint8_t status_filter_ = 0;
  absl::Span<const taxonomy::TradeLink> links_;
  size_t num_links_ = 0;
  // Per thread: reused by every query of the thread (kMaxTrades floats).
  static thread_local std::vector<float> sim_;
  double rest_[kNumComponents] = {};
  uint32_t req_fold_ = 0;
  double req_weeks_by_fold_[QualSet::kFoldBits] = {};
  unsigned place_ = 0;             // The vacancy's place ...
  const float* km_row_ = nullptr;  // ... and its km to every place.
  // The bucket being scored.
  uint16_t bucket_trade_ = 0;
  bool cluster_ = false;
};

thread_local std::vector<float> CandidateSide::sim_;

}  // namespace

absl::StatusOr<v1::ShortlistResponse> MatcherImpl::Shortlist(const v1::Vacancy& vacancy,
                                                             const v1::ShortlistRequest& request,
                                                             const Restriction& restriction) const {
  const auto t0 = std::chrono::steady_clock::now();
  const std::shared_ptr<const CompiledPolicy> model = model_.load();
  const std::shared_ptr<CandidateIndex> index = cands_.load();
  const CompiledPolicy& m = *model;
  ASSIGN_OR_RETURN(const QueryFilter qf, ParseFilter(m, request.k(), request.filter()));
  ASSIGN_OR_RETURN(const Language language, taxonomy::ParseLanguage(request.language(), "language"));
  const VacFeatures v = VacancyFeatures(m, vacancy);
  if (v.trade == kNoTrade) {
    return absl::InvalidArgumentError(absl::StrCat("vacancy.trade: unknown trade ", QuoteValue(vacancy.trade())));
  }
  v1::ShortlistResponse resp;
  resp.set_policy_version(m.policy_version);
  resp.set_language(taxonomy::LanguageProto(language));
  const int32_t today = TodayUtc();
  bool nothing_visible = false;
  const std::optional<uint16_t> source = SourceCondition(sources_, restriction, &nothing_visible);
  if (!OpenOn(v, today) || nothing_visible) return resp;
  // The snapshot: every write that returned before this point, nothing later.
  const uint32_t snap = index->rows().size();

  CandidateSide side(m, v, qf, today);
  // No candidate visible at the snapshot travels further than this.
  double reach_km = index->max_travel_km();
  if (index->any_default_travel()) reach_km = std::max(reach_km, m.default_max_travel_km);
  TopK top(qf.k);
  const uint64_t scored = BestFirstScan(side, *index, m, m.candidate_cells, snap,
                                        ScanQuery{qf.min_score, side.place(), qf.region_ok, reach_km, source}, &top);
  const auto& rows = index->rows();

  const std::vector<Scored> best = std::move(top).Sorted();
  resp.mutable_matches()->Reserve(static_cast<int>(best.size()));
  for (const Scored& s : best) {
    const CandRow& row = rows[s.ordinal];
    v1::CandidateMatch* match = resp.add_matches();
    match->set_candidate_id(std::string(s.id));
    match->set_score(static_cast<double>(s.micro) / kMicro);
    match->set_region(m.tax->region(row.f.region).name);
    match->set_sector(static_cast<v1::Sector>(row.f.sector));
    match->set_status(static_cast<v1::CandidateStatus>(row.f.status));
    PairDetail detail;
    (void)EvaluatePair(m, row.f, v, today, qf.max_weeks, &detail);
    FillExplanation(m, row.f, v, today, detail, language, match->mutable_explanation());
  }
  resp.set_candidates_scored(scored);
  resp.set_elapsed_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return resp;
}

}  // namespace w2w::match
