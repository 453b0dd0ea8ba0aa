#include "bench/loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace w2w::bench {
namespace {
// Each power of two is split into 2^kSubBits linear sub-buckets.
constexpr int kSubBits = 6;
constexpr int kSub = 1 << kSubBits;
constexpr int kNumBuckets = (64 - kSubBits + 1) * kSub;
}  // namespace

Histogram::Histogram() : buckets_(kNumBuckets, 0) {}

int Histogram::BucketOf(uint64_t value) {
  if (value < kSub) return static_cast<int>(value);
  const int msb = 63 - std::countl_zero(value);  // >= kSubBits
  const int shift = msb - kSubBits;
  const int sub = static_cast<int>((value >> shift) & (kSub - 1));
  return (shift + 1) * kSub + sub;
}

uint64_t Histogram::UpperEdge(int bucket) {
  if (bucket < kSub) return static_cast<uint64_t>(bucket);
  const int shift = bucket / kSub - 1;
  const uint64_t sub = static_cast<uint64_t>(bucket % kSub);
  return ((kSub + sub + 1) << shift) - 1;
}

void Histogram::Record(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  const uint64_t v = static_cast<uint64_t>(nanos);
  ++buckets_[BucketOf(v)];
  if (count_ == 0 || nanos < min_) min_ = nanos;
  if (nanos > max_) max_ = nanos;
  ++count_;
  sum_ += nanos;
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

int64_t Histogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * count_)));
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return std::min<int64_t>(static_cast<int64_t>(UpperEdge(static_cast<int>(i))), max_);
    }
  }
  return max_;
}

}  // namespace w2w::bench
