// RateLimiter (engine/access/rate_limiter.h): token buckets per key, driven by an injected
// clock (the `now` of each Admit), so every expectation is exact.
#include "engine/access/rate_limiter.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::access {
namespace {

using ::testing::HasSubstr;

// A fake clock: starts at a fixed instant, moves only when told.
class FakeClock {
 public:
  absl::Time Now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

// How many of `n` calls of `key` at the clock's current time are admitted.
int AdmitN(RateLimiter& limiter, const std::string& key, const RateLimit& limit,
           const FakeClock& clock, int n) {
  int admitted = 0;
  for (int i = 0; i < n; ++i) admitted += limiter.Admit(key, limit, clock.Now()).admitted ? 1 : 0;
  return admitted;
}

TEST(RateLimiterTest, AdmitsTheBurstThenRefusesWithTheTimeUntilTheNextCall) {
  RateLimiter limiter;
  FakeClock clock;
  const RateLimit limit{/*calls_per_second=*/10, /*burst=*/5};
  EXPECT_EQ(AdmitN(limiter, "tok-a", limit, clock, 5), 5);
  const RateLimiter::Decision refused = limiter.Admit("tok-a", limit, clock.Now());
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(100));  // One call refills in 1/10 s.
  EXPECT_EQ(RetryAfterMs(refused.retry_after), 100);

  clock.Advance(absl::Milliseconds(40));
  const RateLimiter::Decision still = limiter.Admit("tok-a", limit, clock.Now());
  EXPECT_FALSE(still.admitted);
  EXPECT_EQ(RetryAfterMs(still.retry_after), 60);  // The hint counts down.
  clock.Advance(absl::Milliseconds(60));
  EXPECT_TRUE(limiter.Admit("tok-a", limit, clock.Now()).admitted);
  EXPECT_FALSE(limiter.Admit("tok-a", limit, clock.Now()).admitted);
}

TEST(RateLimiterTest, RefillsAtTheRateUpToTheBurst) {
  RateLimiter limiter;
  FakeClock clock;
  const RateLimit limit{100, 20};
  EXPECT_EQ(AdmitN(limiter, "k", limit, clock, 50), 20);
  clock.Advance(absl::Milliseconds(100));  // 10 calls back.
  EXPECT_EQ(AdmitN(limiter, "k", limit, clock, 50), 10);
  clock.Advance(absl::Hours(1));  // Never more than the burst.
  EXPECT_EQ(AdmitN(limiter, "k", limit, clock, 50), 20);
  // Over a long steady run, the admitted calls are rate x time (plus the burst).
  int admitted = 0;
  for (int ms = 0; ms < 10'000; ++ms) {
    clock.Advance(absl::Milliseconds(1));
    admitted += AdmitN(limiter, "k", limit, clock, 3);
  }
  EXPECT_EQ(admitted, 1000);
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter;
  FakeClock clock;
  const RateLimit limit{1, 3};
  EXPECT_EQ(AdmitN(limiter, "flood", limit, clock, 1000), 3);
  EXPECT_EQ(AdmitN(limiter, "quiet", limit, clock, 3), 3);
  EXPECT_FALSE(limiter.Admit("flood", limit, clock.Now()).admitted);
  EXPECT_EQ(limiter.buckets(), 2u);
}

TEST(RateLimiterTest, UnlimitedAdmitsWithoutABucket) {
  RateLimiter limiter;
  FakeClock clock;
  EXPECT_EQ(AdmitN(limiter, "admin", RateLimit{0, 0}, clock, 10'000), 10'000);
  EXPECT_EQ(limiter.buckets(), 0u);
}

TEST(RateLimiterTest, BurstBelowOneCountsAsOne) {
  RateLimiter limiter;
  FakeClock clock;
  const RateLimit limit{2, 0};
  EXPECT_EQ(AdmitN(limiter, "k", limit, clock, 5), 1);
  clock.Advance(absl::Milliseconds(500));
  EXPECT_EQ(AdmitN(limiter, "k", limit, clock, 5), 1);
}

TEST(RateLimiterTest, SlowRatesGiveLongHints) {
  RateLimiter limiter;
  FakeClock clock;
  const RateLimit limit{0.5, 1};  // One call every two seconds.
  EXPECT_TRUE(limiter.Admit("k", limit, clock.Now()).admitted);
  EXPECT_EQ(RetryAfterMs(limiter.Admit("k", limit, clock.Now()).retry_after), 2000);
}

TEST(RateLimiterTest, TimeRunningBackwardsRefillsNothing) {
  RateLimiter limiter;
  FakeClock clock;
  const RateLimit limit{10, 2};
  EXPECT_EQ(AdmitN(limiter, "k", limit, clock, 2), 2);
  clock.Advance(-absl::Minutes(5));  // The wall clock was set back.
  EXPECT_FALSE(limiter.Admit("k", limit, clock.Now()).admitted);
  // Refilling resumes from the latest time seen, not from the earlier one.
  clock.Advance(absl::Minutes(5) + absl::Milliseconds(100));
  EXPECT_EQ(AdmitN(limiter, "k", limit, clock, 5), 1);
}

TEST(RateLimiterTest, MemoryIsBoundedAndFullBucketsGoFirst) {
  RateLimiter limiter(/*max_buckets=*/4, /*shards=*/1);
  FakeClock clock;
  const RateLimit slow{0.001, 2};  // Refills one call in 1,000 s.
  // "busy" drained its bucket; it must survive the churn of idle keys.
  EXPECT_EQ(AdmitN(limiter, "busy", slow, clock, 2), 2);
  for (int i = 0; i < 100; ++i) {
    // Each idle key's bucket is full again a second after its one call.
    ASSERT_TRUE(limiter.Admit(absl::StrCat("idle-", i), RateLimit{1, 1}, clock.Now()).admitted);
    EXPECT_LE(limiter.buckets(), 4u);
    clock.Advance(absl::Seconds(1));
  }
  // Not evicted (an evicted bucket would start full and admit).
  EXPECT_FALSE(limiter.Admit("busy", slow, clock.Now()).admitted);
}

TEST(RateLimiterTest, WhenEveryBucketIsInUseTheLeastRecentlyUsedGoes) {
  RateLimiter limiter(/*max_buckets=*/2, /*shards=*/1);
  FakeClock clock;
  const RateLimit limit{1, 1};
  EXPECT_TRUE(limiter.Admit("a", limit, clock.Now()).admitted);
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(limiter.Admit("b", limit, clock.Now()).admitted);
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(limiter.Admit("c", limit, clock.Now()).admitted);  // Evicts "a".
  EXPECT_EQ(limiter.buckets(), 2u);
  EXPECT_FALSE(limiter.Admit("b", limit, clock.Now()).admitted);
  EXPECT_FALSE(limiter.Admit("c", limit, clock.Now()).admitted);
}

TEST(RateLimiterTest, ConcurrentCallersShareOneBucketExactly) {
  RateLimiter limiter;
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  const RateLimit limit{1, 1000};
  std::vector<std::thread> threads;
  std::vector<int> admitted(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) admitted[t] += limiter.Admit("shared", limit, now).admitted ? 1 : 0;
    });
  }
  for (std::thread& thread : threads) thread.join();
  int total = 0;
  for (int a : admitted) total += a;
  EXPECT_EQ(total, 1000);  // The burst, not one more, at one instant.
}

TEST(RateLimiterTest, RefusalNamesTheTokenTheLimitAndTheHint) {
  const absl::Status status =
      RateLimitExceeded("uwv-sync", RateLimit{2000, 4000}, absl::Microseconds(1500));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(),
            "rate limit: token 'uwv-sync' is over 2000 calls/s (burst 4000); retry after 2 ms");
  EXPECT_THAT(RateLimitExceeded("x", RateLimit{0.5, 0}, absl::Seconds(2)).message(),
              HasSubstr("over 0.5 calls/s (burst 1); retry after 2000 ms"));
}

}  // namespace
}  // namespace w2w::access
