// MatchCandidate: candidate -> best open vacancies, by bucket upper bounds over
// (vacancy trade, region) buckets.
#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/match/matcher_impl.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"

namespace w2w::match {
namespace {

constexpr double kBoundMarginMicro = 1.0;

struct BucketRef {
  double bound;
  const VacBucket* bucket;
  uint32_t size;
  uint16_t trade;
  uint8_t region;
};

}  // namespace

absl::StatusOr<v1::MatchCandidateResponse> MatcherImpl::MatchCandidate(
    const v1::Candidate& candidate, const v1::MatchCandidateRequest& request) const {
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

  thread_local std::vector<BucketRef> refs;
  refs.clear();
  const auto& dir = index->buckets();
  for (uint16_t vt : touched) {
    const auto* trade_row = dir.trade(vt);
    if (trade_row == nullptr) continue;
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
      missing.ForEach([&](unsigned q) {
        if (q < m.qual_weeks.size()) {
          weeks += m.qual_weeks[q];
          cost += m.qual_cost[q];
        }
      });
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
      refs.push_back({bound, b, n, vt, static_cast<uint8_t>(r)});
    }
  }
  std::sort(refs.begin(), refs.end(), [](const BucketRef& a, const BucketRef& b) { return a.bound > b.bound; });

  TopK top(qf.k);
  uint64_t scored = 0;
  const auto& rows = index->rows();
  const double min_score = qf.min_score - 1e-9;
  for (const BucketRef& ref : refs) {
    if (top.full() && ref.bound * kMicro + kBoundMarginMicro < static_cast<double>(top.threshold())) break;
    const double km = m.Distance(f.region, ref.region);
    const bool cluster = ref.region != f.region && m.SameCluster(f.region, ref.region);
    const double dist = std::max(0.0, DistanceScore(m, km, max_km, cluster));
    const double trade = tscore[ref.trade];
    ref.bucket->rows.ForEach(ref.size, [&](uint32_t o) {
      const VacRow& row = rows[o];
      if (!row.VisibleAt(o, snap)) return;
      const VacFeatures& v = row.f;
      if (v.expires_at < today || !((qf.sector_mask >> v.sector) & 1)) return;
      const QualSet missing = v.required & ~f.quals;
      double weeks = 0, cost = 0;
      const double policy_cap = PolicyCap(m, v.hard_to_fill != 0);
      if (!missing.empty()) {
        if (!f.willing) return;
        missing.ForEach([&](unsigned q) {
          if (q < m.qual_weeks.size()) {
            weeks += m.qual_weeks[q];
            cost += m.qual_cost[q];
          }
        });
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

  for (const Scored& s : std::move(top).Sorted()) {
    const VacRow& row = rows[s.ordinal];
    v1::VacancyMatch* match = resp.add_matches();
    match->set_vacancy_id(std::string(s.id));
    match->set_score(static_cast<double>(s.micro) / kMicro);
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
    return absl::InvalidArgumentError(absl::StrCat("vacancy.trade: unknown trade '", vacancy.trade(), "'"));
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
