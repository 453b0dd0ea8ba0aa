// RateLimiter: per-token token buckets, so that one token's flood of calls cannot take the
// server from the others (docs/security.md, "Overload and abuse"). Each key (a token id)
// has a bucket of at most `burst` calls that refills at `calls_per_second`; a call takes
// one from its key's bucket or is refused with the time until one is back. Buckets are
// independent: a key over its rate never delays or refuses another key.
//
// The limit is given with every Admit (the service picks it by the token's role), and the
// time too (`now`), so the limiter is deterministic under test. A bucket is created on a
// key's first call. Memory is bounded: at most `max_buckets` buckets; when a shard is full,
// buckets that have refilled completely are dropped first (losslessly: a full bucket is
// what a new one would be), then the least recently used one.
//
// Cost on the hot path: one hash of the key, one short critical section of one of kShards
// mutexes (a hash-map probe and a few floating-point operations), no allocation except on
// a key's first call.
//
// Thread safety: every method may be called concurrently.
#ifndef W2W_ENGINE_ACCESS_RATE_LIMITER_H_
#define W2W_ENGINE_ACCESS_RATE_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace w2w::access {

// A token bucket's shape.
struct RateLimit {
  // Refill rate in calls per second; 0 (or less) = no limit.
  double calls_per_second = 0;
  // Bucket size: calls a key may make at once after being idle. Below 1 counts as 1.
  double burst = 1;

  bool unlimited() const { return calls_per_second <= 0; }
};

class RateLimiter {
 public:
  static constexpr size_t kDefaultShards = 16;
  // Far more tokens than a deployment holds (each bucket is about 64 bytes plus its key).
  static constexpr size_t kDefaultMaxBuckets = 1 << 16;

  struct Decision {
    bool admitted = true;
    // When refused: how long until the key's bucket holds a call again (at least 1 ms).
    absl::Duration retry_after = absl::ZeroDuration();
  };

  // At most `max_buckets` buckets (at least one per shard) in `shards` shards (at least 1).
  explicit RateLimiter(size_t max_buckets = kDefaultMaxBuckets, size_t shards = kDefaultShards);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one call from the bucket of `key` under `limit` at time `now`: admitted, or
  // refused with the time until the bucket holds one call again. An unlimited `limit`
  // admits without touching any bucket. Time that runs backwards (a wall clock set back)
  // refills nothing.
  Decision Admit(std::string_view key, const RateLimit& limit, absl::Time now);

  // Buckets held now (for tests and diagnostics).
  size_t buckets() const;

 private:
  struct Bucket {
    double calls = 0;        // Calls available, 0..burst.
    int64_t last_ns = 0;     // When `calls` was last brought up to date (Unix ns).
    double burst = 1;        // The limit it was last used under, to tell when it is full.
    double calls_per_second = 0;
  };
  struct alignas(64) Shard {  // One cache line of its own per mutex.
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  // Makes room for one more bucket in a full `shard`.
  void EvictLocked(Shard& shard, int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const size_t shard_count_;
  const size_t max_per_shard_;
  const std::unique_ptr<Shard[]> shards_;
};

// The RESOURCE_EXHAUSTED answer for a refused call of the token named `token_name`:
// "rate limit: token 'x' is over N calls/s (burst B); retry after T ms".
absl::Status RateLimitExceeded(std::string_view token_name, const RateLimit& limit,
                               absl::Duration retry_after);

// `retry_after` in whole milliseconds, rounded up (what the message and the retry hint say).
int64_t RetryAfterMs(absl::Duration retry_after);

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_RATE_LIMITER_H_
