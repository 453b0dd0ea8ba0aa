// Shortlist: vacancy -> best candidates, by bucket upper bounds (docs/scoring.md, "Index
// and pruning"), computed lazily trade by trade.
#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "engine/common/dates.h"
#include "engine/common/text.h"
#include "engine/common/status_macros.h"
#include "engine/match/matcher_impl.h"
#include "engine/match/scan.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"

namespace w2w::match {
namespace {

constexpr uint8_t kMatchableStatusBits = 0b111110;  // EMPLOYED..UNEMPLOYED.

using Ref = BucketRef<CandBucket>;

double MaxSector(const Model& m, uint8_t mask, unsigned to) {
  double best = 0;
  for (unsigned s = 1; s <= 6; ++s) {
    if ((mask >> s) & 1) best = std::max(best, m.sector[s][to]);
  }
  return best;
}

double MaxStatusWeight(const Model& m, uint8_t mask) {
  double best = 0;
  for (unsigned s = 1; s <= 7; ++s) {
    if ((mask >> s) & 1) best = std::max(best, m.status_weight[s]);
  }
  return best;
}

}  // namespace

absl::StatusOr<v1::ShortlistResponse> MatcherImpl::Shortlist(const v1::Vacancy& vacancy,
                                                             const v1::ShortlistRequest& request) const {
  const auto t0 = std::chrono::steady_clock::now();
  const std::shared_ptr<const Model> model = model_.load();
  const std::shared_ptr<CandidateIndex> index = cands_.load();
  const Model& m = *model;
  ASSIGN_OR_RETURN(const QueryFilter qf, ParseFilter(m, request.k(), request.filter()));
  const VacFeatures v = VacancyFeatures(m, vacancy);
  if (v.trade == kNoTrade) {
    return absl::InvalidArgumentError(absl::StrCat("vacancy.trade: unknown trade ", QuoteValue(vacancy.trade())));
  }
  v1::ShortlistResponse resp;
  resp.set_policy_version(m.policy_version);
  const int32_t today = TodayUtc();
  if (!v.open || v.expires_at < today) return resp;
  // The snapshot: every write that returned before this point, nothing later.
  const uint32_t snap = index->rows().size();

  const double policy_cap = PolicyCap(m, v.hard_to_fill != 0);
  const double query_cap = QueryCap(policy_cap, qf.max_weeks) + kWeeksEpsilon;
  const int32_t start = v.starts_at == kNoDate ? today : v.starts_at;
  const int num_pref = v.preferred.count();
  const double urgency = v.hard_to_fill ? m.urgency_hard : m.urgency_normal;

  // Similarity of every candidate trade to the vacancy's (0 below the minimum). The links
  // come best first, so the qualifying ones are a prefix.
  const absl::Span<const taxonomy::TradeLink> all_links = m.tax->TradesReaching(v.trade);
  size_t num_links = 0;
  thread_local std::vector<float> sim;
  sim.assign(taxonomy::kMaxTrades, 0.0f);
  for (const taxonomy::TradeLink& link : all_links) {
    if (link.similarity <= 0 || link.similarity < m.min_trade_similarity) break;
    if (link.trade < sim.size()) sim[link.trade] = link.similarity;
    ++num_links;
  }

  // Bounds of every component but the trade's, over all buckets the filter allows: a
  // trade's buckets never bound above TradeBound(its similarity).
  const uint8_t status_filter = qf.status_mask & kMatchableStatusBits;
  double rest[kNumComponents];
  rest[kTrade] = 0;
  rest[kSector] = MaxSector(m, qf.sector_mask, v.sector);
  rest[kQuals] = std::max(0.0, QualScore(m, 0, 0, policy_cap, num_pref, num_pref));
  rest[kDistance] = 1;  // DistanceScore() is capped at 1.
  rest[kAvail] = MaxStatusWeight(m, status_filter);  // DateFactor() is at most 1.
  rest[kUrgency] = urgency;
  auto trade_bound = [&](double s) {
    double c[kNumComponents];
    std::copy(std::begin(rest), std::end(rest), c);
    c[kTrade] = s * m.max_experience_factor;
    return Total(m, c);
  };

  // Pushes the buckets of link `i` that can reach min_score onto the heap.
  thread_local std::vector<Ref> heap;
  heap.clear();
  const auto& dir = index->buckets();
  auto expand = [&](size_t i) {
    const taxonomy::TradeLink& link = all_links[i];
    const double s = link.similarity;
    const auto* trade_row = dir.trade(link.trade);
    if (trade_row == nullptr) return;
    // The buckets are scattered on the heap: fetch all of this trade's first.
    PrefetchBuckets(*trade_row, m.num_regions);
    for (unsigned r = 0; r < m.num_regions; ++r) {
      if (!qf.region_ok[r]) continue;
      const CandBucket* b = trade_row->region[r].load(std::memory_order_acquire);
      if (b == nullptr) continue;
      const uint32_t n = b->rows.size();  // Acquire: the maxima below cover these rows.
      if (n == 0) continue;
      const double km = m.Distance(r, v.region);
      double max_km = b->max_travel_km.load(std::memory_order_relaxed);
      if (b->any_default_travel.load(std::memory_order_relaxed)) max_km = std::max(max_km, m.default_max_travel_km);
      if (km > max_km) continue;
      const uint8_t sectors = b->sector_mask.load(std::memory_order_relaxed) & qf.sector_mask;
      const uint8_t statuses = b->status_mask.load(std::memory_order_relaxed) & status_filter;
      if (sectors == 0 || statuses == 0) continue;
      const QualSet held{b->quals_lo.load(std::memory_order_relaxed), b->quals_hi.load(std::memory_order_relaxed)};
      const QualSet missing = v.required & ~held;
      if (!missing.empty() && !b->any_willing.load(std::memory_order_relaxed)) continue;
      double weeks = 0, cost = 0;
      AddRetraining(m, missing, &weeks, &cost);
      if (weeks > query_cap) continue;
      double c[kNumComponents];
      c[kTrade] = s * ExperienceFactor(m, b->max_years.load(std::memory_order_relaxed));
      c[kSector] = MaxSector(m, sectors, v.sector);
      c[kQuals] = std::max(0.0, QualScore(m, weeks, cost, policy_cap, (v.preferred & held).count(), num_pref));
      c[kDistance] = DistanceScore(m, km, max_km, r != v.region && m.SameCluster(r, v.region));
      c[kAvail] = MaxStatusWeight(m, statuses) *
                  DateFactor(m, b->min_available.load(std::memory_order_relaxed), start);
      c[kUrgency] = urgency;
      const double bound = Total(m, c);
      if (bound + 2 * kBoundMarginMicro / kMicro < qf.min_score) continue;
      heap.push_back({bound, b, n, static_cast<uint32_t>(i * taxonomy::kMaxRegions + r), link.trade,
                      static_cast<uint8_t>(r)});
      std::push_heap(heap.begin(), heap.end(), WorseRef<CandBucket>);
    }
  };

  TopK top(qf.k);
  uint64_t scored = 0;
  const auto& rows = index->rows();
  const double min_score = qf.min_score - 1e-9;
  // Best bound first. A trade's buckets are computed only once its TradeBound could beat
  // the best bucket waiting (and the k-th score): for a common trade most related
  // trades are never looked at.
  size_t next = 0;
  for (;;) {
    while (next < num_links) {
      const double tb = trade_bound(all_links[next].similarity);
      if (tb + 2 * kBoundMarginMicro / kMicro < qf.min_score ||
          (top.full() && tb * kMicro + kBoundMarginMicro < static_cast<double>(top.threshold()))) {
        next = num_links;  // Similarities only fall from here: no later trade can matter.
        break;
      }
      if (!heap.empty() && tb < heap.front().bound) break;
      expand(next++);
    }
    if (heap.empty()) break;
    std::pop_heap(heap.begin(), heap.end(), WorseRef<CandBucket>);
    const Ref ref = heap.back();
    heap.pop_back();
    if (top.full() && ref.bound * kMicro + kBoundMarginMicro < static_cast<double>(top.threshold())) break;
    const double km = m.Distance(ref.region, v.region);
    const bool cluster = ref.region != v.region && m.SameCluster(ref.region, v.region);
    auto visit = [&](uint32_t o) {
      const CandRow& row = rows[o];
      if (!row.VisibleAt(o, snap)) return;
      const CandFeatures& f = row.f;
      if (!((qf.status_mask >> f.status) & 1) || !((qf.sector_mask >> f.sector) & 1)) return;
      // Cheapest rejections first.
      const double max_km = EffectiveTravelKm(m, f.max_travel_km);
      if (km > max_km) return;
      const QualSet missing = v.required & ~f.quals;
      double weeks = 0, cost = 0;
      if (!missing.empty()) {
        if (!f.willing) return;
        AddRetraining(m, missing, &weeks, &cost);
        if (weeks > query_cap) return;
      }
      double best = -1;
      int slot = -1;
      for (int i = 0; i < f.num_trades; ++i) {
        const double s = sim[f.trade[i]];
        if (s <= 0) continue;
        const double ts = s * ExperienceFactor(m, f.years[i]);
        if (ts > best) {
          best = ts;
          slot = i;
        }
      }
      if (slot < 0 || f.trade[slot] != ref.trade) return;  // Counted from its best trade's bucket.
      double c[kNumComponents];
      c[kTrade] = best;
      c[kSector] = m.sector[f.sector][v.sector];
      c[kQuals] = std::max(0.0, QualScore(m, weeks, cost, policy_cap, (v.preferred & f.quals).count(), num_pref));
      c[kDistance] = std::max(0.0, DistanceScore(m, km, max_km, cluster));
      c[kAvail] = m.status_weight[f.status] * DateFactor(m, f.available_from, start);
      c[kUrgency] = urgency;
      const int64_t micro = ToMicro(Total(m, c));
      ++scored;
      if (static_cast<double>(micro) / kMicro < min_score) return;
      top.Offer({micro, o, row.id_view()});
    };
    ScanBucket(ref.bucket->rows, ref.size, rows, snap, visit);
  }

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
    FillExplanation(m, row.f, v, today, detail, match->mutable_explanation());
  }
  resp.set_candidates_scored(scored);
  resp.set_elapsed_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return resp;
}

}  // namespace w2w::match
