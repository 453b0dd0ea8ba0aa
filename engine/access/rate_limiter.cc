#include "engine/access/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/common/text.h"

namespace w2w::access {
namespace {

constexpr double kNanosPerSecond = 1e9;
constexpr absl::Duration kMinRetryAfter = absl::Milliseconds(1);
// The shard is picked from high bits of the key's hash: the hash map inside a shard uses
// the low ones, which would otherwise be the same for every key of the shard.
constexpr int kShardHashShift = 40;
// Refills are summed in floating point: ten refills of 0.1 call must make a call.
constexpr double kRoundingSlack = 1e-9;

double BurstOf(const RateLimit& limit) { return std::max(1.0, limit.burst); }

}  // namespace

RateLimiter::RateLimiter(size_t max_buckets, size_t shards)
    : shard_count_(std::max<size_t>(1, shards)),
      max_per_shard_(std::max<size_t>(1, max_buckets / shard_count_)),
      shards_(new Shard[shard_count_]) {}

RateLimiter::Decision RateLimiter::Admit(std::string_view key, const RateLimit& limit,
                                         absl::Time now) {
  if (limit.unlimited()) return {};
  const double burst = BurstOf(limit);
  const double rate = limit.calls_per_second;
  const int64_t now_ns = absl::ToUnixNanos(now);
  // Our Abseil's string_view is its own type: the map's heterogeneous lookup needs it.
  const absl::string_view name(key.data(), key.size());
  const uint64_t hash = absl::Hash<absl::string_view>{}(name);
  Shard& shard = shards_[static_cast<size_t>(hash >> kShardHashShift) % shard_count_];

  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(name);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) EvictLocked(shard, now_ns);
    it = shard.buckets.emplace(std::string(key), Bucket{burst, now_ns, burst, rate}).first;
  }
  Bucket& bucket = it->second;
  if (now_ns > bucket.last_ns) {
    bucket.calls += static_cast<double>(now_ns - bucket.last_ns) / kNanosPerSecond * rate;
    bucket.last_ns = now_ns;
  }
  bucket.calls = std::min(bucket.calls, burst);  // Also when the burst was lowered.
  bucket.burst = burst;
  bucket.calls_per_second = rate;
  if (bucket.calls >= 1 - kRoundingSlack) {
    bucket.calls -= 1;
    return {};
  }
  const absl::Duration wait = absl::Seconds((1 - bucket.calls) / rate);
  return {false, std::max(wait, kMinRetryAfter)};
}

void RateLimiter::EvictLocked(Shard& shard, int64_t now_ns) {
  // Full buckets first: dropping one loses nothing, a new bucket starts full.
  auto last_used = shard.buckets.end();
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    const Bucket& b = it->second;
    const double elapsed_s =
        static_cast<double>(std::max<int64_t>(0, now_ns - b.last_ns)) / kNanosPerSecond;
    if (b.calls + elapsed_s * b.calls_per_second >= b.burst) {
      shard.buckets.erase(it++);
      continue;
    }
    if (last_used == shard.buckets.end() || b.last_ns < last_used->second.last_ns) last_used = it;
    ++it;
  }
  if (shard.buckets.size() < max_per_shard_) return;
  // Every bucket is in use: more keys called within one refill time than the bound. The
  // least recently used one starts over (full) if its key calls again.
  if (last_used != shard.buckets.end()) shard.buckets.erase(last_used);
}

size_t RateLimiter::buckets() const {
  size_t total = 0;
  for (size_t i = 0; i < shard_count_; ++i) {
    absl::MutexLock lock(&shards_[i].mu);
    total += shards_[i].buckets.size();
  }
  return total;
}

int64_t RetryAfterMs(absl::Duration retry_after) {
  return std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(retry_after, absl::Milliseconds(1))));
}

absl::Status RateLimitExceeded(std::string_view token_name, const RateLimit& limit,
                               absl::Duration retry_after) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "rate limit: token ", QuoteValue(token_name), " is over ", limit.calls_per_second,
      " calls/s (burst ", BurstOf(limit), "); retry after ", RetryAfterMs(retry_after), " ms"));
}

}  // namespace w2w::access
