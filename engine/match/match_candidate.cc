// MatchCandidate: candidate -> best open vacancies, by bucket upper bounds over
// (vacancy trade, region) buckets, computed lazily trade by trade.
#include <algorithm>
#include <chrono>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/text.h"
#include "engine/common/status_macros.h"
#include "engine/match/matcher_impl.h"
#include "engine/match/scan.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"

namespace w2w::match {
namespace {

using Ref = BucketRef<VacBucket>;

}  // namespace

absl::StatusOr<v1::MatchCandidateResponse> MatcherImpl::MatchCandidate(
    const v1::Candidate& candidate, const v1::MatchCandidateRequest& request) const {
  return MatchCandidateHead(candidate, request, SIZE_MAX);
}

absl::StatusOr<v1::MatchCandidateResponse> MatcherImpl::MatchCandidateHead(
    const v1::Candidate& candidate, const v1::MatchCandidateRequest& request,
    size_t detailed) const {
  const auto t0 = std::chrono::steady_clock::now();
  const std::shared_ptr<const Model> model = model_.load();
  const std::shared_ptr<VacancyIndex> index = vacs_.load();
  const Model& m = *model;
  ASSIGN_OR_RETURN(const QueryFilter qf, ParseFilter(m, request.k(), request.filter()));
  const CandFeatures f = CandidateFeatures(m, candidate);
  v1::MatchCandidateResponse resp;
  resp.set_policy_version(m.policy_version);
  if (!MatchableStatus(f.status)) return resp;
  // The snapshot: every write that returned before this point, nothing later.
  const uint32_t snap = index->rows().size();
  const int32_t today = TodayUtc();
  const double max_km = EffectiveTravelKm(m, f.max_travel_km);
  const double status_weight = m.status_weight[f.status];

  // Best trade score per vacancy trade (slots in order, strictly better wins).
  thread_local std::vector<double> tscore;
  thread_local std::vector<uint16_t> touched;
  tscore.assign(taxonomy::kMaxTrades, -1.0);
  touched.clear();
  for (int i = 0; i < f.num_trades; ++i) {
    for (const taxonomy::TradeLink& link : m.tax->TradesReachableFrom(f.trade[i])) {
      const double s = link.similarity;
      if (s <= 0 || s < m.min_trade_similarity || link.trade >= tscore.size()) continue;
      const double ts = s * ExperienceFactor(m, f.years[i]);
      if (ts > tscore[link.trade]) {
        if (tscore[link.trade] < 0) touched.push_back(link.trade);
        tscore[link.trade] = ts;
      }
    }
  }

  // Touched trades best trade score first (ties by id), and the bounds of every component
  // but the trade's over all buckets: a trade's buckets never bound above
  // TradeBound(its trade score).
  std::sort(touched.begin(), touched.end(), [&](uint16_t a, uint16_t b) {
    return tscore[a] != tscore[b] ? tscore[a] > tscore[b] : a < b;
  });
  double rest[kNumComponents];
  rest[kTrade] = 0;
  rest[kSector] = 0;
  for (unsigned s = 1; s <= 6; ++s) {
    if ((qf.sector_mask >> s) & 1) rest[kSector] = std::max(rest[kSector], m.sector[f.sector][s]);
  }
  // No missing qualification and every preferred one held; without retraining the cap
  // does not enter the score.
  rest[kQuals] = std::max(0.0, QualScore(m, 0, 0, PolicyCap(m, false), 1, 1));
  rest[kDistance] = 1;  // DistanceScore() is capped at 1.
  rest[kAvail] = status_weight;  // DateFactor() is at most 1.
  rest[kUrgency] = std::max(m.urgency_hard, m.urgency_normal);
  auto trade_bound = [&](double trade_score) {
    double c[kNumComponents];
    std::copy(std::begin(rest), std::end(rest), c);
    c[kTrade] = trade_score;
    return Total(m, c);
  };

  // Pushes the buckets of touched[i] that can reach min_score onto the heap.
  thread_local std::vector<Ref> heap;
  heap.clear();
  const auto& dir = index->buckets();
  auto expand = [&](size_t i) {
    const uint16_t vt = touched[i];
    const auto* trade_row = dir.trade(vt);
    if (trade_row == nullptr) return;
    // The buckets are scattered on the heap: fetch all of this trade's first.
    PrefetchBuckets(*trade_row, m.num_regions);
    for (unsigned r = 0; r < m.num_regions; ++r) {
      if (!qf.region_ok[r]) continue;
      const VacBucket* b = trade_row->region[r].load(std::memory_order_acquire);
      if (b == nullptr) continue;
      const uint32_t n = b->rows.size();
      if (n == 0) continue;
      const double km = m.Distance(f.region, r);
      if (km > max_km) continue;
      const uint8_t sectors = b->sector_mask.load(std::memory_order_relaxed) & qf.sector_mask;
      if (sectors == 0) continue;
      const bool any_hard = b->any_hard.load(std::memory_order_relaxed) != 0;
      const QualSet required{b->req_lo.load(std::memory_order_relaxed), b->req_hi.load(std::memory_order_relaxed)};
      const QualSet missing = required & ~f.quals;
      if (!missing.empty() && !f.willing) continue;
      double weeks = 0, cost = 0;
      AddRetraining(m, missing, &weeks, &cost);
      const double policy_cap = PolicyCap(m, any_hard);
      if (weeks > QueryCap(policy_cap, qf.max_weeks) + kWeeksEpsilon) continue;
      int32_t start = b->max_start.load(std::memory_order_relaxed);
      if (b->any_no_start.load(std::memory_order_relaxed)) start = std::max(start, today);
      double c[kNumComponents];
      c[kTrade] = tscore[vt];
      c[kSector] = 0;
      for (unsigned s = 1; s <= 6; ++s) {
        if ((sectors >> s) & 1) c[kSector] = std::max(c[kSector], m.sector[f.sector][s]);
      }
      c[kQuals] = std::max(0.0, QualScore(m, weeks, cost, policy_cap, 1, 1));
      c[kDistance] = DistanceScore(m, km, max_km, r != f.region && m.SameCluster(f.region, r));
      c[kAvail] = status_weight * DateFactor(m, f.available_from, start);
      c[kUrgency] = any_hard ? std::max(m.urgency_hard, m.urgency_normal) : m.urgency_normal;
      const double bound = Total(m, c);
      if (bound + 2 * kBoundMarginMicro / kMicro < qf.min_score) continue;
      heap.push_back({bound, b, n, static_cast<uint32_t>(i * taxonomy::kMaxRegions + r), vt,
                      static_cast<uint8_t>(r)});
      std::push_heap(heap.begin(), heap.end(), WorseRef<VacBucket>);
    }
  };

  TopK top(qf.k);
  uint64_t scored = 0;
  const auto& rows = index->rows();
  const double min_score = qf.min_score - 1e-9;
  // Best bound first; a trade's buckets are computed only once its TradeBound could beat
  // the best bucket waiting (and the k-th score).
  size_t next = 0;
  for (;;) {
    while (next < touched.size()) {
      const double tb = trade_bound(tscore[touched[next]]);
      if (tb + 2 * kBoundMarginMicro / kMicro < qf.min_score ||
          (top.full() && tb * kMicro + kBoundMarginMicro < static_cast<double>(top.threshold()))) {
        next = touched.size();  // Trade scores only fall from here: no later trade can matter.
        break;
      }
      if (!heap.empty() && tb < heap.front().bound) break;
      expand(next++);
    }
    if (heap.empty()) break;
    std::pop_heap(heap.begin(), heap.end(), WorseRef<VacBucket>);
    const Ref ref = heap.back();
    heap.pop_back();
    if (top.full() && ref.bound * kMicro + kBoundMarginMicro < static_cast<double>(top.threshold())) break;
    const double km = m.Distance(f.region, ref.region);
    const bool cluster = ref.region != f.region && m.SameCluster(f.region, ref.region);
    const double dist = std::max(0.0, DistanceScore(m, km, max_km, cluster));
    const double trade = tscore[ref.trade];
    ScanBucket(ref.bucket->rows, ref.size, rows, snap, [&](uint32_t o) {
      const VacRow& row = rows[o];
      if (!row.VisibleAt(o, snap)) return;
      const VacFeatures& v = row.f;
      if (v.expires_at < today || !((qf.sector_mask >> v.sector) & 1)) return;
      const QualSet missing = v.required & ~f.quals;
      double weeks = 0, cost = 0;
      const double policy_cap = PolicyCap(m, v.hard_to_fill != 0);
      if (!missing.empty()) {
        if (!f.willing) return;
        AddRetraining(m, missing, &weeks, &cost);
        if (weeks > QueryCap(policy_cap, qf.max_weeks) + kWeeksEpsilon) return;
      }
      const int32_t start = v.starts_at == kNoDate ? today : v.starts_at;
      double c[kNumComponents];
      c[kTrade] = trade;
      c[kSector] = m.sector[f.sector][v.sector];
      c[kQuals] = std::max(0.0, QualScore(m, weeks, cost, policy_cap, (v.preferred & f.quals).count(),
                                          v.preferred.count()));
      c[kDistance] = dist;
      c[kAvail] = status_weight * DateFactor(m, f.available_from, start);
      c[kUrgency] = v.hard_to_fill ? m.urgency_hard : m.urgency_normal;
      const int64_t micro = ToMicro(Total(m, c));
      ++scored;
      if (static_cast<double>(micro) / kMicro < min_score) return;
      top.Offer({micro, o, row.id_view()});
    });
  }

  const std::vector<Scored> best = std::move(top).Sorted();
  resp.mutable_matches()->Reserve(static_cast<int>(best.size()));
  for (const Scored& s : best) {
    const VacRow& row = rows[s.ordinal];
    v1::VacancyMatch* match = resp.add_matches();
    match->set_vacancy_id(std::string(s.id));
    match->set_score(static_cast<double>(s.micro) / kMicro);
    if (static_cast<size_t>(resp.matches_size()) > detailed) continue;
    match->set_employer_id(std::string(row.employer, row.employer_len));
    match->set_region(m.tax->region(row.f.region).name);
    match->set_sector(static_cast<v1::Sector>(row.f.sector));
    match->set_trade(m.tax->trade(row.f.trade).id);
    match->set_title(std::string(row.title, row.title_len));
    match->set_hard_to_fill(row.f.hard_to_fill != 0);
    PairDetail detail;
    (void)EvaluatePair(m, f, row.f, today, qf.max_weeks, &detail);
    FillExplanation(m, f, row.f, today, detail, match->mutable_explanation());
  }
  resp.set_vacancies_scored(scored);
  resp.set_elapsed_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return resp;
}

absl::StatusOr<v1::ExplainMatchResponse> MatcherImpl::Explain(const v1::Candidate& candidate,
                                                             const v1::Vacancy& vacancy) const {
  const std::shared_ptr<const Model> model = model_.load();
  const Model& m = *model;
  const CandFeatures f = CandidateFeatures(m, candidate);
  const VacFeatures v = VacancyFeatures(m, vacancy);
  if (v.trade == kNoTrade) {
    return absl::InvalidArgumentError(absl::StrCat("vacancy.trade: unknown trade ", QuoteValue(vacancy.trade())));
  }
  const int32_t today = TodayUtc();
  PairDetail d;
  const Exclusion e = EvaluatePair(m, f, v, today, 0, &d);
  v1::ExplainMatchResponse resp;
  resp.set_policy_version(m.policy_version);
  resp.set_excluded(e != Exclusion::kNone);
  resp.set_score(static_cast<double>(d.micro) / kMicro);
  resp.set_exclusion_reason(ExclusionReason(m, f, v, today, d, e));
  FillExplanation(m, f, v, today, d, resp.mutable_explanation());
  return resp;
}

}  // namespace w2w::match
