// BestFirstScan: the one best-first bucket scan behind both directions of matching
// (Shortlist: vacancy -> candidates; MatchCandidate: candidate -> vacancies). Internal
// to engine/match; docs/scoring.md, "Index and pruning".
//
// The index files its rows into (trade, cell) buckets (cells.h) whose maxima bound every
// score a row in the bucket can reach. A query ranks the trades it can match by
// similarity, lists the cells that can hold a match nearest first (CellsInReach: in a
// region the filter allows, no further than the farthest reach), and the scan then
//   1. opens a trade only once the trade's own bound could beat the best entry already
//      waiting: it pushes the trade's cursor (PushCursor) at its nearest cell onto a heap;
//   2. pops the entry with the best bound and stops when even that one cannot beat the
//      k-th score found (or min_score); a cursor bounds the trade's bucket in its cell,
//      pushes it and moves on to the next cell (OpenCell), so far cells are only opened
//      when a row there could still make the list;
//   3. scores each visible row of the popped buckets (ScoreBatch, a few buckets at a time
//      so that row fetches overlap) and offers it to the TopK.
// What the direction decides (which trades, the bounds, the row scorer) comes from a
// `Side`, a small class with these members:
//
//   using Bucket = ...;                       // CandBucket or VacBucket
//   using Row = ...;                          // CandRow or VacRow
//   size_t num_trades() const;                // trades to consider, best TradeBound first
//   uint16_t trade(size_t i) const;           // the index's trade id of the i-th
//   double TradeBound(size_t i) const;        // no bucket of trade i bounds above this;
//                                             // non-increasing in i
//   // The bound of one bucket of trade i in `cell`, or nullopt when no row of it can
//   // match the query at all (filters, travel, retraining cap).
//   std::optional<double> BucketBound(size_t i, unsigned cell, const Bucket& b) const;
//   void EnterBucket(uint16_t trade, unsigned cell);  // before its rows are scored
//   // False when a row whose posting carries `tag` (index.h Posting) cannot match: a
//   // cheap test before the row is fetched; true when in doubt.
//   bool Admit(uint32_t tag) const;
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
#include <utility>
#include <vector>

#include "engine/match/compiled_policy.h"
#include "engine/match/index.h"
#include "engine/match/scan.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {

// Where a query scans: its min_score, the place it measures from, the regions its filter
// allows, and the farthest any row of the other side may travel (or the query's own
// reach). BestFirstScan turns it into ScanLimits over the index's cells.
struct ScanQuery {
  double min_score = 0;
  unsigned place = 0;
  const bool* region_ok = nullptr;  // By region id.
  double reach_km = 0;
  // When set: only rows whose source number (the index's sources()) is `source`.
  std::optional<uint16_t> source;
};

// What bounds a query's scan besides the scores.
struct ScanLimits {
  double min_score = 0;  // The filter's min_score.
  // The cells worth opening a bucket in, nearest the query's place first (CellsInReach),
  // the km from the query's place to each cell (by cell id), and the farthest any row
  // may travel.
  const uint8_t* cells = nullptr;
  size_t num_cells = 0;
  const float* cell_km = nullptr;
  double reach_km = 0;
};

// The cells a query from `place` can find a match in, nearest first: in a region
// `region_ok` (by region id) allows and no further than `reach_km` (the farthest any
// row of the other side may travel, or the query's own reach). Fills *out.
inline void CellsInReach(const CellTable& cells, unsigned place, const bool* region_ok, double reach_km,
                         std::vector<uint8_t>* out) {
  out->clear();
  const uint8_t* order = cells.ByKm(place);
  const float* km = cells.KmRow(place);
  for (size_t j = 0; j < cells.num_cells; ++j) {
    const unsigned c = order[j];
    if (km[c] > reach_km) break;  // Nearest first: the rest lie further.
    if (region_ok[cells.Region(c)]) out->push_back(static_cast<uint8_t>(c));
  }
}

namespace best_first {

// True when a bound (a total in [0, 1]) can no longer reach min_score, or can no longer
// beat the k-th score kept in `top`. The margins cover the rounding to micro-points.
inline bool BelowMin(double bound, double min_score) {
  return bound + 2 * kBoundMarginMicro / kMicro < min_score;
}
inline bool CannotBeatTop(double bound, const TopK& top) {
  return top.full() && bound * kMicro + kBoundMarginMicro < static_cast<double>(top.threshold());
}

// The most the distance component can be for a row at least `km` from the query's place
// when no row's reach exceeds `reach_km` (DistanceScore, with the cluster bonus).
inline double DistanceCap(const CompiledPolicy& m, double km, double reach_km) {
  if (reach_km <= 0) return 1.0;
  return std::max(0.0, DistanceScore(m, km, reach_km, /*cluster_bonus=*/m.same_cluster_bonus > 0));
}

// Step 1: a trade's cursor at the first cell from position j of the query's cells where
// the trade has a bucket: a heap entry without a bucket whose bound covers every bucket
// of trade i from that cell on (the cells lie ever further away, so the distance
// component is capped by that cell's distance). Pushed only when it can reach min_score.
template <typename Side, typename TradeRow, typename Bucket>
void PushCursor(const Side& side, const CompiledPolicy& m, const TradeRow& trade_row, size_t i, size_t j,
                const ScanLimits& limits, std::vector<BucketRef<Bucket>>* heap) {
  while (j < limits.num_cells && !trade_row.Occupied(limits.cells[j])) ++j;  // Skip empty cells.
  if (j >= limits.num_cells) return;
  const unsigned c = limits.cells[j];
  const double cap = DistanceCap(m, limits.cell_km[c], limits.reach_km);
  const double bound = side.TradeBound(i) - m.weight[kDistance] * (1 - cap) / m.weight_sum;
  if (BelowMin(bound, limits.min_score)) return;
  heap->push_back({bound, nullptr, 0, static_cast<uint32_t>(i * kMaxCells + j), side.trade(i),
                   static_cast<uint8_t>(c)});
  std::push_heap(heap->begin(), heap->end(), WorseRef<Bucket>);
}

// Step 2 for a cursor: bounds the trade's buckets in the cursor's cell (one per slot of
// the cell), pushes those that can reach min_score, and moves the cursor to the next cell.
template <typename Side, typename Dir>
void OpenCell(const Side& side, const Dir& dir, const CompiledPolicy& m, const BucketRef<typename Side::Bucket>& cursor,
              const ScanLimits& limits, std::vector<BucketRef<typename Side::Bucket>>* heap) {
  using Bucket = typename Side::Bucket;
  const size_t i = cursor.seq / kMaxCells, j = cursor.seq % kMaxCells;
  const auto* trade_row = dir.trade(cursor.trade);
  if (trade_row == nullptr) return;
  constexpr size_t kSlots = Dir::kSlotsPerCell;
  if (j + 1 < limits.num_cells) {
    // The next cell's buckets are likely opened next: start fetching them.
    for (size_t s = 0; s < kSlots; ++s) {
      if (const Bucket* nb = trade_row->slot[limits.cells[j + 1] * kSlots + s].load(std::memory_order_acquire)) {
        __builtin_prefetch(reinterpret_cast<const char*>(nb));
        __builtin_prefetch(reinterpret_cast<const char*>(nb) + sizeof(Bucket) - kCacheLine);
      }
    }
  }
  for (size_t s = 0; s < kSlots; ++s) {
    const Bucket* b = trade_row->slot[cursor.cell * kSlots + s].load(std::memory_order_acquire);
    if (b == nullptr) continue;
    const uint32_t n = b->rows.size();  // Acquire: the bucket's maxima cover these rows.
    if (n == 0) continue;
    const std::optional<double> bound = side.BucketBound(i, cursor.cell, *b);
    if (bound.has_value() && !BelowMin(*bound, limits.min_score)) {
      b->rows.Prefetch(n);  // Likely scanned soon: overlap the fetch of its postings.
      heap->push_back({*bound, b, n, cursor.seq, cursor.trade, cursor.cell});
      std::push_heap(heap->begin(), heap->end(), WorseRef<Bucket>);
    }
  }
  PushCursor(side, m, *trade_row, i, j + 1, limits, heap);
}

// Step 3: scores the rows of the popped buckets `batch` that are visible at `snap`, as
// one stream (ScanBuckets).
template <typename Side, typename Rows>
void ScoreBatch(Side& side, const std::vector<BucketRef<typename Side::Bucket>>& batch, const Rows& rows,
                const ChunkedRows<uint16_t>& sources, const ScanQuery& query, uint32_t snap, TopK* top,
                uint64_t* scored) {
  const double min_score = query.min_score;
  ScanBuckets(
      batch.size(), [&](size_t k) { return std::pair{&batch[k].bucket->rows, batch[k].size}; }, rows, snap,
      [&](uint32_t tag) { return side.Admit(tag); },
      [&](size_t k) { side.EnterBucket(batch[k].trade, batch[k].cell); },
      [&](uint32_t o) {
        const auto& row = rows[o];
        if (!row.VisibleAt(o, snap)) return;
        if (query.source.has_value() && sources[o] != *query.source) return;  // Out of scope.
        const std::optional<int64_t> micro = side.ScoreRow(row);
        if (!micro.has_value()) return;
        ++*scored;
        if (static_cast<double>(*micro) / kMicro < min_score - 1e-9) return;
        top->Offer({*micro, o, row.id_view()});
      });
}

}  // namespace best_first

// Runs the scan of `side` over `index` (whose bucket cells `cells` describes under the
// policy `m`) at snapshot `snap`, offering every matching row to `top`. Returns the
// number of rows scored.
template <typename Side, typename Index>
uint64_t BestFirstScan(Side& side, const Index& index, const CompiledPolicy& m, const CellTable& cells,
                       uint32_t snap, const ScanQuery& query, TopK* top) {
  using Ref = BucketRef<typename Side::Bucket>;
  thread_local std::vector<uint8_t> in_reach;
  CellsInReach(cells, query.place, query.region_ok, query.reach_km, &in_reach);
  const ScanLimits limits{query.min_score, in_reach.data(), in_reach.size(), cells.KmRow(query.place),
                          query.reach_km};
  thread_local std::vector<Ref> heap;
  thread_local std::vector<Ref> batch;  // Popped buckets not yet scored.
  heap.clear();
  batch.clear();
  uint32_t batch_rows = 0;
  uint64_t scored = 0;
  const size_t num_trades = side.num_trades();
  size_t next = 0;
  for (;;) {
    // Open trades while the next one could beat the best entry waiting. (A threshold
    // that lags behind the batch not yet scored only prunes less: never wrongly.)
    while (next < num_trades) {
      const double tb = side.TradeBound(next);
      if (best_first::BelowMin(tb, limits.min_score) || best_first::CannotBeatTop(tb, *top)) {
        next = num_trades;  // Trade bounds only fall from here: no later trade can matter.
        break;
      }
      if (!heap.empty() && tb < heap.front().bound) break;
      if (const auto* trade_row = index.buckets().trade(side.trade(next))) {
        best_first::PushCursor(side, m, *trade_row, next, 0, limits, &heap);
      }
      ++next;
    }
    if (heap.empty()) break;
    // Step 2: the best entry, unless even it cannot beat the k-th score: a cursor opens
    // its next cell, a bucket joins the batch, which is scored once it holds
    // kScanBatchRows rows or nothing is left to pop.
    std::pop_heap(heap.begin(), heap.end(), WorseRef<typename Side::Bucket>);
    const Ref ref = heap.back();
    heap.pop_back();
    if (best_first::CannotBeatTop(ref.bound, *top)) break;
    if (ref.bucket == nullptr) {
      best_first::OpenCell(side, index.buckets(), m, ref, limits, &heap);
      continue;
    }
    batch.push_back(ref);
    batch_rows += ref.size;
    if (batch_rows < kScanBatchRows && !heap.empty()) continue;
    best_first::ScoreBatch(side, batch, index.rows(), index.sources(), query, snap, top, &scored);
    batch.clear();
    batch_rows = 0;
  }
  if (!batch.empty()) best_first::ScoreBatch(side, batch, index.rows(), index.sources(), query, snap, top, &scored);
  return scored;
}

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_BEST_FIRST_H_
