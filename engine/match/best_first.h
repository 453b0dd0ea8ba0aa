// BestFirstScan: the one best-first bucket scan behind both directions of matching
// (Shortlist: vacancy -> candidates; MatchCandidate: candidate -> vacancies). Internal
// to engine/match; docs/scoring.md, "Index and pruning".
//
// The index files its rows into (trade, region) buckets whose maxima bound every score a
// row in the bucket can reach. A query ranks the trades it can match by similarity, and
// the scan then
//   1. opens a trade (OpenTrade) only once the trade's own bound could beat the best
//      bucket already waiting: the buckets of a trade are bounded and pushed onto a heap;
//   2. pops the bucket with the best bound and stops when even that one cannot beat the
//      k-th score found (or min_score);
//   3. scores each visible row of the bucket (ScoreBucket) and offers it to the TopK.
// What the direction decides (which trades, the bounds, the row scorer) comes from a
// `Side`, a small class with these members:
//
//   using Bucket = ...;                       // CandBucket or VacBucket
//   using Row = ...;                          // CandRow or VacRow
//   size_t num_trades() const;                // trades to consider, best TradeBound first
//   uint16_t trade(size_t i) const;           // the index's trade id of the i-th
//   double TradeBound(size_t i) const;        // no bucket of trade i bounds above this;
//                                             // non-increasing in i
//   // The bound of one bucket of trade i in `region`, or nullopt when no row of it can
//   // match the query at all (filters, travel, retraining cap).
//   std::optional<double> BucketBound(size_t i, unsigned region, const Bucket& b) const;
//   void EnterBucket(uint16_t trade, unsigned region);  // before its rows are scored
//   // The row's total in micro-points, or nullopt when it does not match (or belongs to
//   // another bucket of the same row). Rows reach it visible at the snapshot.
//   std::optional<int64_t> ScoreRow(const Row& row);
//
// Thread safety: one scan per thread at a time (per-thread buffers); the index is read
// lock-free at the snapshot `snap` (index.h).
#ifndef W2W_ENGINE_MATCH_BEST_FIRST_H_
#define W2W_ENGINE_MATCH_BEST_FIRST_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/match/index.h"
#include "engine/match/scan.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {

// A query's position in the scan and its outcome.
struct ScanLimits {
  double min_score = 0;  // The filter's min_score.
  size_t num_regions = 0;
  const bool* region_ok = nullptr;  // By region id; the filter's regions.
};

namespace best_first {

// True when a bound (a total in [0, 1]) can no longer reach min_score, or can no longer
// beat the k-th score kept in `top`. The margins cover the rounding to micro-points.
inline bool BelowMin(double bound, double min_score) {
  return bound + 2 * kBoundMarginMicro / kMicro < min_score;
}
inline bool CannotBeatTop(double bound, const TopK& top) {
  return top.full() && bound * kMicro + kBoundMarginMicro < static_cast<double>(top.threshold());
}

// Step 1: bounds every bucket of the side's i-th trade (in an allowed region) and pushes
// those that can reach min_score onto `heap`.
template <typename Side, typename Dir>
void OpenTrade(const Side& side, const Dir& dir, size_t i, const ScanLimits& limits,
               std::vector<BucketRef<typename Side::Bucket>>* heap) {
  using Bucket = typename Side::Bucket;
  const uint16_t t = side.trade(i);
  const auto* trade_row = dir.trade(t);
  if (trade_row == nullptr) return;
  // The buckets are scattered on the heap: fetch all of this trade's first.
  PrefetchBuckets(*trade_row, limits.num_regions);
  for (unsigned r = 0; r < limits.num_regions; ++r) {
    if (!limits.region_ok[r]) continue;
    const Bucket* b = trade_row->region[r].load(std::memory_order_acquire);
    if (b == nullptr) continue;
    const uint32_t n = b->rows.size();  // Acquire: the bucket's maxima cover these rows.
    if (n == 0) continue;
    const std::optional<double> bound = side.BucketBound(i, r, *b);
    if (!bound.has_value() || BelowMin(*bound, limits.min_score)) continue;
    heap->push_back({*bound, b, n, static_cast<uint32_t>(i * taxonomy::kMaxRegions + r), t,
                     static_cast<uint8_t>(r)});
    std::push_heap(heap->begin(), heap->end(), WorseRef<Bucket>);
  }
}

// Step 3: scores the rows of one popped bucket that are visible at `snap`.
template <typename Side, typename Rows>
void ScoreBucket(Side& side, const BucketRef<typename Side::Bucket>& ref, const Rows& rows,
                 uint32_t snap, double min_score, TopK* top, uint64_t* scored) {
  side.EnterBucket(ref.trade, ref.region);
  ScanBucket(ref.bucket->rows, ref.size, rows, snap, [&](uint32_t o) {
    const auto& row = rows[o];
    if (!row.VisibleAt(o, snap)) return;
    const std::optional<int64_t> micro = side.ScoreRow(row);
    if (!micro.has_value()) return;
    ++*scored;
    if (static_cast<double>(*micro) / kMicro < min_score - 1e-9) return;
    top->Offer({*micro, o, row.id_view()});
  });
}

}  // namespace best_first

// Runs the scan of `side` over `index` at snapshot `snap`, offering every matching row
// to `top`. Returns the number of rows scored.
template <typename Side, typename Index>
uint64_t BestFirstScan(Side& side, const Index& index, uint32_t snap, const ScanLimits& limits,
                       TopK* top) {
  using Ref = BucketRef<typename Side::Bucket>;
  thread_local std::vector<Ref> heap;
  heap.clear();
  uint64_t scored = 0;
  const size_t num_trades = side.num_trades();
  size_t next = 0;
  for (;;) {
    // Open trades while the next one could beat the best bucket waiting.
    while (next < num_trades) {
      const double tb = side.TradeBound(next);
      if (best_first::BelowMin(tb, limits.min_score) || best_first::CannotBeatTop(tb, *top)) {
        next = num_trades;  // Trade bounds only fall from here: no later trade can matter.
        break;
      }
      if (!heap.empty() && tb < heap.front().bound) break;
      best_first::OpenTrade(side, index.buckets(), next++, limits, &heap);
    }
    if (heap.empty()) break;
    // Step 2: the best bucket, unless even it cannot beat the k-th score.
    std::pop_heap(heap.begin(), heap.end(), WorseRef<typename Side::Bucket>);
    const Ref ref = heap.back();
    heap.pop_back();
    if (best_first::CannotBeatTop(ref.bound, *top)) break;
    best_first::ScoreBucket(side, ref, index.rows(), snap, limits.min_score, top, &scored);
  }
  return scored;
}

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_BEST_FIRST_H_
