// MatchCandidate: candidate -> best open vacancies, by bucket upper bounds over
// (vacancy trade, cell) buckets within the candidate's reach, computed lazily trade by
// trade.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/text.h"
#include "engine/common/status_macros.h"
#include "engine/match/best_first.h"
#include "engine/match/matcher_impl.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"

namespace w2w::match {
namespace {

// The vacancy side of BestFirstScan (best_first.h) for one matchable candidate: the
// trades are the vacancy trades the candidate's trades reach, by best trade score.
class VacancySide {
 public:
  using Bucket = VacBucket;
  using Row = VacRow;

  VacancySide(const CompiledPolicy& m, const CandFeatures& f, const QueryFilter& qf, int32_t today)
      : m_(m), f_(f), qf_(qf), today_(today) {
    max_km_ = EffectiveTravelKm(m, f.max_travel_km);
    status_weight_ = m.status_weight[f.status];
    place_ = m.PlaceOf(f.place, f.region);
    km_row_ = m.PlaceKmRow(place_);
    CollectTrades();
    BoundAllButTrade();
    quals_fold_ = f.quals.Fold();
    // The loosest cap any vacancy can have for this query.
    loosest_cap_ = QueryCap(std::max(PolicyCap(m, true), PolicyCap(m, false)), qf.max_weeks) + kWeeksEpsilon;
  }

  // A residue the vacancy's folded requirements have and the candidate's folded
  // qualifications lack is a surely missing qualification: an unwilling candidate cannot
  // take the vacancy, and the least weeks of such residues (CompiledPolicy::
  // min_weeks_by_fold) must fit the loosest cap.
  bool Admit(uint32_t tag) const {
    const uint32_t missing = tag & ~quals_fold_ & ((1u << QualSet::kFoldBits) - 1);
    if (missing == 0) return true;
    if (!f_.willing) return false;
    return QualSet::SumByResidue(missing, m_.min_weeks_by_fold.data()) <= loosest_cap_;
  }

  size_t num_trades() const { return touched_.size(); }
  uint16_t trade(size_t i) const { return touched_[i]; }
  double TradeBound(size_t i) const {
    double c[kNumComponents];
    std::copy(std::begin(rest_), std::end(rest_), c);
    c[kTrade] = tscore_[touched_[i]];
    return Total(m_, c);
  }

  unsigned place() const { return place_; }
  double reach_km() const { return max_km_; }

  std::optional<double> BucketBound(size_t i, unsigned cell, const VacBucket& b) const {
    // The nearest any vacancy of the cell can be.
    const double km = m_.vacancy_cells.MinKm(place_, cell);
    const unsigned r = m_.vacancy_cells.Region(cell);
    if (km > max_km_) return std::nullopt;
    const uint8_t sectors = b.sector_mask.load(std::memory_order_relaxed) & qf_.sector_mask;
    if (sectors == 0) return std::nullopt;
    const bool any_hard = b.any_hard.load(std::memory_order_relaxed) != 0;
    const QualSet required{b.req_lo.load(std::memory_order_relaxed), b.req_hi.load(std::memory_order_relaxed)};
    const QualSet missing = required & ~f_.quals;
    if (!missing.empty() && !f_.willing) return std::nullopt;
    double weeks = 0, cost = 0;
    AddRetraining(m_, missing, &weeks, &cost);
    const double policy_cap = PolicyCap(m_, any_hard);
    if (weeks > QueryCap(policy_cap, qf_.max_weeks) + kWeeksEpsilon) return std::nullopt;
    int32_t start = b.max_start.load(std::memory_order_relaxed);
    if (b.any_no_start.load(std::memory_order_relaxed)) start = std::max(start, today_);
    double c[kNumComponents];
    c[kTrade] = tscore_[touched_[i]];
    c[kSector] = MaxSector(sectors);
    c[kQuals] = std::max(0.0, QualScore(m_, weeks, cost, policy_cap, 1, 1));
    c[kDistance] = DistanceScore(m_, km, max_km_, r != f_.region && m_.SameCluster(f_.region, r));
    c[kAvail] = status_weight_ * DateFactor(m_, f_.available_from, start);
    c[kUrgency] = any_hard ? std::max(m_.urgency_hard, m_.urgency_normal) : m_.urgency_normal;
    return Total(m_, c);
  }

  void EnterBucket(uint16_t trade, unsigned cell) {
    const unsigned region = m_.vacancy_cells.Region(cell);
    cluster_ = region != f_.region && m_.SameCluster(f_.region, region);
    trade_ = tscore_[trade];
  }

  std::optional<int64_t> ScoreRow(const VacRow& row) const {
    const VacFeatures& v = row.f;
    if (!OpenOn(v, today_) || !((qf_.sector_mask >> v.sector) & 1)) return std::nullopt;
    const double km = km_row_[m_.PlaceOf(v.place, v.region)];
    if (km > max_km_) return std::nullopt;
    const QualSet missing = v.required & ~f_.quals;
    double weeks = 0, cost = 0;
    const double policy_cap = PolicyCap(m_, v.hard_to_fill != 0);
    if (!missing.empty()) {
      if (!f_.willing) return std::nullopt;
      AddRetraining(m_, missing, &weeks, &cost);
      if (weeks > QueryCap(policy_cap, qf_.max_weeks) + kWeeksEpsilon) return std::nullopt;
    }
    const int32_t start = v.starts_at == kNoDate ? today_ : v.starts_at;
    double c[kNumComponents];
    c[kTrade] = trade_;
    c[kSector] = m_.sector[f_.sector][v.sector];
    c[kQuals] = std::max(0.0, QualScore(m_, weeks, cost, policy_cap, (v.preferred & f_.quals).count(),
                                        v.preferred.count()));
    c[kDistance] = std::max(0.0, DistanceScore(m_, km, max_km_, cluster_));
    c[kAvail] = status_weight_ * DateFactor(m_, f_.available_from, start);
    c[kUrgency] = v.hard_to_fill ? m_.urgency_hard : m_.urgency_normal;
    return ToMicro(Total(m_, c));
  }

 private:
  // The best sector score from the candidate's sector over the vacancy sectors in `mask`.
  double MaxSector(uint8_t mask) const {
    double best = 0;
    for (unsigned s = 1; s <= taxonomy::kNumSectors; ++s) {
      if ((mask >> s) & 1) best = std::max(best, m_.sector[f_.sector][s]);
    }
    return best;
  }

  // Best trade score per vacancy trade (slots in order, strictly better wins), and the
  // touched trades best first (ties by id).
  void CollectTrades() {
    tscore_.assign(taxonomy::kMaxTrades, -1.0);
    touched_.clear();
    for (int i = 0; i < f_.num_trades; ++i) {
      for (const taxonomy::TradeLink& link : m_.tax->TradesReachableFrom(f_.trade[i])) {
        const double s = link.similarity;
        if (s <= 0 || s < m_.min_trade_similarity || link.trade >= tscore_.size()) continue;
        const double ts = s * ExperienceFactor(m_, f_.years[i]);
        if (ts > tscore_[link.trade]) {
          if (tscore_[link.trade] < 0) touched_.push_back(link.trade);
          tscore_[link.trade] = ts;
        }
      }
    }
    std::sort(touched_.begin(), touched_.end(), [&](uint16_t a, uint16_t b) {
      return tscore_[a] != tscore_[b] ? tscore_[a] > tscore_[b] : a < b;
    });
  }

  // Bounds of every component but the trade's over all buckets: a trade's buckets never
  // bound above TradeBound(its trade score).
  void BoundAllButTrade() {
    rest_[kTrade] = 0;
    rest_[kSector] = MaxSector(qf_.sector_mask);
    // No missing qualification and every preferred one held; without retraining the cap
    // does not enter the score.
    rest_[kQuals] = std::max(0.0, QualScore(m_, 0, 0, PolicyCap(m_, false), 1, 1));
    rest_[kDistance] = 1;             // DistanceScore() is capped at 1.
    rest_[kAvail] = status_weight_;  // DateFactor() is at most 1.
    rest_[kUrgency] = std::max(m_.urgency_hard, m_.urgency_normal);
  }

  const CompiledPolicy& m_;
  const CandFeatures& f_;
  const QueryFilter& qf_;
  int32_t today_;
  double max_km_ = 0, status_weight_ = 0;
  // Per thread: reused by every query of the thread.
  static thread_local std::vector<double> tscore_;
  static thread_local std::vector<uint16_t> touched_;
  double rest_[kNumComponents] = {};
  uint32_t quals_fold_ = 0;
  double loosest_cap_ = 0;
  unsigned place_ = 0;             // The candidate's place ...
  const float* km_row_ = nullptr;  // ... and its km to every place.
  // The bucket being scored.
  double trade_ = 0;
  bool cluster_ = false;
};

thread_local std::vector<double> VacancySide::tscore_;
thread_local std::vector<uint16_t> VacancySide::touched_;

}  // namespace

absl::StatusOr<v1::MatchCandidateResponse> MatcherImpl::MatchCandidate(const v1::Candidate& candidate,
                                                                       const v1::MatchCandidateRequest& request,
                                                                       const Restriction& restriction) const {
  return MatchCandidateHead(candidate, request, SIZE_MAX, restriction);
}

absl::StatusOr<v1::MatchCandidateResponse> MatcherImpl::MatchCandidateHead(
    const v1::Candidate& candidate, const v1::MatchCandidateRequest& request, size_t detailed,
    const Restriction& restriction) const {
  const auto t0 = std::chrono::steady_clock::now();
  const std::shared_ptr<const CompiledPolicy> model = model_.load();
  const std::shared_ptr<VacancyIndex> index = vacs_.load();
  const CompiledPolicy& m = *model;
  ASSIGN_OR_RETURN(QueryFilter qf, ParseFilter(m, request.k(), request.filter()));
  ASSIGN_OR_RETURN(const Language language, taxonomy::ParseLanguage(request.language(), "language"));
  if (restriction.vacancy_regions != nullptr) {
    for (size_t r = 0; r < taxonomy::kMaxRegions; ++r) qf.region_ok[r] = qf.region_ok[r] && (*restriction.vacancy_regions)[r];
  }
  const CandFeatures f = CandidateFeatures(m, candidate);
  v1::MatchCandidateResponse resp;
  resp.set_policy_version(m.policy_version);
  resp.set_language(taxonomy::LanguageProto(language));
  bool nothing_visible = false;
  const std::optional<uint16_t> source = SourceCondition(sources_, restriction, &nothing_visible);
  if (!MatchableStatus(f.status) || nothing_visible) return resp;
  // The snapshot: every write that returned before this point, nothing later.
  const uint32_t snap = index->rows().size();
  const int32_t today = TodayUtc();

  VacancySide side(m, f, qf, today);
  TopK top(qf.k);
  const uint64_t scored =
      BestFirstScan(side, *index, m, m.vacancy_cells, snap,
                    ScanQuery{qf.min_score, side.place(), qf.region_ok, side.reach_km(), source}, &top);
  const auto& rows = index->rows();

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
    FillExplanation(m, f, row.f, today, detail, language, match->mutable_explanation());
  }
  resp.set_vacancies_scored(scored);
  resp.set_elapsed_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return resp;
}

absl::StatusOr<v1::ExplainMatchResponse> MatcherImpl::Explain(const v1::Candidate& candidate,
                                                             const v1::Vacancy& vacancy,
                                                             Language language) const {
  const std::shared_ptr<const CompiledPolicy> model = model_.load();
  const CompiledPolicy& m = *model;
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
  resp.set_language(taxonomy::LanguageProto(language));
  resp.set_excluded(e != Exclusion::kNone);
  resp.set_score(static_cast<double>(d.micro) / kMicro);
  resp.set_exclusion_reason(ExclusionReason(m, f, v, today, d, e, language));
  FillExplanation(m, f, v, today, d, language, resp.mutable_explanation());
  return resp;
}

std::optional<int64_t> MatcherImpl::ScorePair(const v1::Candidate& candidate,
                                              const v1::Vacancy& vacancy) const {
  const std::shared_ptr<const CompiledPolicy> model = model_.load();
  const CompiledPolicy& m = *model;
  const VacFeatures v = VacancyFeatures(m, vacancy);
  if (v.trade == kNoTrade) return std::nullopt;
  const CandFeatures f = CandidateFeatures(m, candidate);
  PairDetail d;
  if (EvaluatePair(m, f, v, TodayUtc(), 0, &d) != Exclusion::kNone) return std::nullopt;
  return static_cast<int64_t>(d.micro);
}

namespace {

// A record and its features under one model (Matcher::Prepare).
template <typename Record, typename Features>
struct PreparedRecord final : Matcher::Prepared {
  std::shared_ptr<const CompiledPolicy> model;
  Record record;
  Features features;
};
using PreparedCandidate = PreparedRecord<v1::Candidate, CandFeatures>;
using PreparedVacancy = PreparedRecord<v1::Vacancy, VacFeatures>;

}  // namespace

std::shared_ptr<const Matcher::Prepared> MatcherImpl::Prepare(const v1::Candidate& candidate) const {
  auto p = std::make_shared<PreparedCandidate>();
  p->model = model_.load();
  p->record = candidate;
  p->features = CandidateFeatures(*p->model, p->record);
  return p;
}

std::shared_ptr<const Matcher::Prepared> MatcherImpl::Prepare(const v1::Vacancy& vacancy) const {
  auto p = std::make_shared<PreparedVacancy>();
  p->model = model_.load();
  p->record = vacancy;
  p->features = VacancyFeatures(*p->model, p->record);
  return p;
}

std::optional<int64_t> MatcherImpl::ScorePrepared(const Prepared& candidate, const Prepared& vacancy) const {
  const auto& c = static_cast<const PreparedCandidate&>(candidate);
  const auto& v = static_cast<const PreparedVacancy&>(vacancy);
  const std::shared_ptr<const CompiledPolicy> model = model_.load();
  if (c.model != model || v.model != model) return ScorePair(c.record, v.record);
  if (v.features.trade == kNoTrade) return std::nullopt;
  PairDetail d;
  if (EvaluatePair(*model, c.features, v.features, TodayUtc(), 0, &d) != Exclusion::kNone) return std::nullopt;
  return static_cast<int64_t>(d.micro);
}

}  // namespace w2w::match
