// Histogram: a log-linear latency histogram (HdrHistogram-like, ~1.6% relative precision)
// for the load generator. Values are nanoseconds, 1 ns .. ~9e18 ns.
//
// Thread safety: none. Each worker thread records into its own Histogram; Merge() them
// on one thread when the run is over.
#ifndef W2W_BENCH_LOADGEN_HISTOGRAM_H_
#define W2W_BENCH_LOADGEN_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace w2w::bench {

class Histogram {
 public:
  Histogram();

  // Records one value in nanoseconds. Negative values count as 0.
  void Record(int64_t nanos);
  // Adds every value recorded in `other`.
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The value at quantile q in [0, 1] (upper edge of its bucket, clamped to max()).
  // Returns 0 when empty.
  int64_t Quantile(double q) const;

 private:
  static int BucketOf(uint64_t value);
  static uint64_t UpperEdge(int bucket);

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  __int128 sum_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
};

}  // namespace w2w::bench

#endif  // W2W_BENCH_LOADGEN_HISTOGRAM_H_
