// Scan: visiting the rows of a bucket's posting list with the row fetches overlapped,
// and prefetching a trade's buckets before their bounds are computed. Internal to
// engine/match.
//
// A posting list holds row ordinals in insertion order, so the rows it names are
// scattered over the row chunks and nearly every visit is a cache miss. The scan copies
// the ordinals of a batch of buckets into a per-thread buffer first (a sequential read
// of a few segments) and then prefetches the row kScanPrefetchAhead entries ahead over
// the whole batch, across segment and bucket boundaries.
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
  uint32_t seq;          // Order among equal bounds: trade rank, then nearer cell.
  uint16_t trade;
  uint8_t cell;
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

// Rows a scan gathers from consecutive buckets before it scores them, so that the row
// fetches overlap across small buckets too.
inline constexpr uint32_t kScanBatchRows = 32;

// Calls enter(k) and then visit(ordinal) for the first sizes[k] entries of lists[k], for
// k = 0..num_lists-1 in order, skipping the entries whose tag (index.h Posting)
// admit(tag) rules out (without fetching their rows): one stream whose rows are
// prefetched kScanPrefetchAhead entries ahead across the lists. Rows at or past `snap` are not prefetched (their chunk
// may not be published); `visit` still sees them and must check visibility. `rows` is
// the index's row store. Not reentrant within one thread (the buffers are shared):
// `visit` must not start another scan.
template <typename Row, typename ListAt, typename Admit, typename Enter, typename Fn>
void ScanBuckets(size_t num_lists, ListAt&& list_at, const ChunkedRows<Row>& rows, uint32_t snap,
                 Admit&& admit, Enter&& enter, Fn&& visit) {
  thread_local std::vector<uint32_t> entries;
  thread_local std::vector<uint32_t> ends;  // Where list k's entries end.
  entries.clear();
  ends.clear();
  for (size_t k = 0; k < num_lists; ++k) {
    const auto [list, size] = list_at(k);
    list->ForEachSpan(size, [&](const Posting* e, uint32_t count) {
      for (uint32_t i = 0; i < count; ++i) {
        if (admit(e[i].tag)) entries.push_back(e[i].ordinal);
      }
    });
    ends.push_back(static_cast<uint32_t>(entries.size()));
  }
  const uint32_t n = static_cast<uint32_t>(entries.size());
  const uint32_t* const e = entries.data();
  const uint32_t first = std::min(n, kScanPrefetchAhead);
  for (uint32_t j = 0; j < first; ++j) {
    if (e[j] < snap) __builtin_prefetch(&rows[e[j]]);
  }
  size_t k = 0;
  if (num_lists > 0) enter(0);
  for (uint32_t j = 0; j < n; ++j) {
    while (j == ends[k]) enter(++k);
    if (j + kScanPrefetchAhead < n && e[j + kScanPrefetchAhead] < snap) {
      __builtin_prefetch(&rows[e[j + kScanPrefetchAhead]]);
    }
    visit(e[j]);
  }
}

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_SCAN_H_
