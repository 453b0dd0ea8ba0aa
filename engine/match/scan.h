// Scan: visiting the rows of a bucket's posting list with the row fetches overlapped,
// and prefetching a trade's buckets before their bounds are computed. Internal to
// engine/match.
//
// A posting list holds row ordinals in insertion order, so the rows it names are
// scattered over the row chunks and nearly every visit is a cache miss. The scan copies
// the ordinals into a per-thread buffer first (a sequential read of a few segments) and
// then prefetches the row kScanPrefetchAhead entries ahead over the whole list, across
// segment boundaries.
//
// Thread safety: a reader-side helper; the buffer is per thread.
#ifndef W2W_ENGINE_MATCH_SCAN_H_
#define W2W_ENGINE_MATCH_SCAN_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/match/index.h"

namespace w2w::match {

// Margin (in micro-points) between a bound and a rounded score: rounding adds up to 0.5.
inline constexpr double kBoundMarginMicro = 1.0;

// A bucket waiting in a query's heap of buckets to scan, best bound first. `Bucket` is
// the index's bucket type (candidate or vacancy buckets).
template <typename Bucket>
struct BucketRef {
  double bound;          // No row of the bucket can score above it.
  const Bucket* bucket;
  uint32_t size;         // Entries of its posting list seen by this query's snapshot.
  uint32_t seq;          // Order among equal bounds: trade rank, then region.
  uint16_t trade;
  uint8_t region;
};

// Heap order of BucketRefs: a is visited after b (lower bound, or later among equals).
template <typename Bucket>
bool WorseRef(const BucketRef<Bucket>& a, const BucketRef<Bucket>& b) {
  return a.bound != b.bound ? a.bound < b.bound : a.seq > b.seq;
}

// How many entries ahead a scan fetches rows: enough to cover a memory access at the
// per-row cost of the scoring loops.
inline constexpr uint32_t kScanPrefetchAhead = 12;
inline constexpr size_t kCacheLine = 64;

// Calls visit(ordinal) for the first `n` entries of `list` (n <= list.size(), as read by
// the caller with acquire), in list order. Rows at or past `snap` are not prefetched
// (their chunk may not be published); `visit` still sees them and must check visibility.
// `rows` is the index's row store. Not reentrant within one thread (the buffer is
// shared): `visit` must not start another scan.
template <typename Row, typename Fn>
void ScanBucket(const PostingList& list, uint32_t n, const ChunkedRows<Row>& rows, uint32_t snap,
                Fn&& visit) {
  thread_local std::vector<uint32_t> entries;
  entries.clear();
  list.ForEachSpan(n, [&](const uint32_t* e, uint32_t count) { entries.insert(entries.end(), e, e + count); });
  const uint32_t* const e = entries.data();
  const uint32_t first = std::min(n, kScanPrefetchAhead);
  for (uint32_t j = 0; j < first; ++j) {
    if (e[j] < snap) __builtin_prefetch(&rows[e[j]]);
  }
  for (uint32_t j = 0; j < n; ++j) {
    if (j + kScanPrefetchAhead < n && e[j + kScanPrefetchAhead] < snap) {
      __builtin_prefetch(&rows[e[j + kScanPrefetchAhead]]);
    }
    visit(e[j]);
  }
}

// Prefetches the first `num_regions` buckets of a trade row (index.h BucketDir): the
// start of each bucket (its posting list's size) and its last 64 bytes (the maxima),
// so that computing the bounds overlaps the misses.
template <typename TradeRow>
void PrefetchBuckets(const TradeRow& row, size_t num_regions) {
  for (size_t r = 0; r < num_regions; ++r) {
    const auto* b = row.region[r].load(std::memory_order_acquire);
    if (b == nullptr) continue;
    const char* const p = reinterpret_cast<const char*>(b);
    __builtin_prefetch(p);
    __builtin_prefetch(p + sizeof(*b) - kCacheLine);
    __builtin_prefetch(p + sizeof(*b) - 1);
  }
}

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_SCAN_H_
