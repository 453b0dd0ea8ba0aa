// Unit tests of service/internal/refusal_delay.h: held answers run at their time, a key's
// answers leave spaced by its interval and never later than max_delay or `latest`, the
// caps per key and in all refuse to hold (the caller answers at once), and Stop() answers
// everything held at once and refuses later holds.
#include "service/internal/refusal_delay.h"

#include <atomic>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace w2w::service::internal {
namespace {

// What each held answer saw: its order and how long it was held.
class Answers {
 public:
  std::function<void(absl::Duration)> Next(int id) {
    return [this, id](absl::Duration held) {
      absl::MutexLock lock(&mu_);
      ids_.push_back(id);
      held_.push_back(held);
      at_.push_back(absl::Now());
    };
  }
  void WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ids_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
  }
  std::vector<int> ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }
  std::vector<absl::Duration> held() {
    absl::MutexLock lock(&mu_);
    return held_;
  }
  std::vector<absl::Time> at() {
    absl::MutexLock lock(&mu_);
    return at_;
  }

 private:
  absl::Mutex mu_;
  std::vector<int> ids_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Duration> held_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Time> at_ ABSL_GUARDED_BY(mu_);
};

TEST(RefusalDelayTest, AnswersRunAtTheirTimeInOrder) {
  RefusalDelay delay;
  Answers answers;
  const absl::Time now = absl::Now();
  const absl::Time latest = now + absl::Seconds(10);
  ASSERT_TRUE(delay.Hold("a", now + absl::Milliseconds(60), absl::ZeroDuration(), latest, answers.Next(2)));
  ASSERT_TRUE(delay.Hold("b", now + absl::Milliseconds(20), absl::ZeroDuration(), latest, answers.Next(1)));
  EXPECT_EQ(delay.held(), 2u);
  answers.WaitFor(2);
  EXPECT_EQ(answers.ids(), (std::vector<int>{1, 2}));
  const std::vector<absl::Time> at = answers.at();
  EXPECT_GE(at[0], now + absl::Milliseconds(20));
  EXPECT_GE(at[1], now + absl::Milliseconds(60));
  EXPECT_GE(answers.held()[1], absl::Milliseconds(55));
  EXPECT_EQ(delay.held(), 0u);
}

TEST(RefusalDelayTest, AKeysAnswersLeaveSpacedAndNoLaterThanTheMaxDelayOrLatest) {
  RefusalDelay delay({.max_delay = absl::Milliseconds(100), .max_held_per_key = 64, .max_held = 4096});
  Answers answers;
  const absl::Time now = absl::Now();
  const absl::Time far = now + absl::Seconds(10);
  // Five answers due at once, spaced 30 ms: 0, 30, 60, 90, then 100 (the max delay).
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(delay.Hold("k", now, absl::Milliseconds(30), far, answers.Next(i)));
  }
  // Another key is not spaced behind them; `latest` brings an answer forward.
  ASSERT_TRUE(delay.Hold("other", now, absl::Milliseconds(30), far, answers.Next(10)));
  ASSERT_TRUE(delay.Hold("k", now + absl::Seconds(5), absl::Milliseconds(30), now + absl::Milliseconds(10),
                         answers.Next(11)));
  answers.WaitFor(7);
  const std::vector<int> ids = answers.ids();
  const std::vector<absl::Time> at = answers.at();
  ASSERT_EQ(ids.size(), 7u);
  // Order: k0 and "other" at once, k11 by 10 ms (its `latest`), then k1..k4.
  EXPECT_EQ((std::vector<int>(ids.begin() + 2, ids.end())), (std::vector<int>{11, 1, 2, 3, 4}));
  for (size_t i = 0; i < ids.size(); ++i) {
    const absl::Duration after = at[i] - now;
    if (ids[i] >= 1 && ids[i] <= 3) {
      EXPECT_GE(after, absl::Milliseconds(30 * ids[i])) << ids[i];
    }
    if (ids[i] == 4) {
      EXPECT_GE(after, absl::Milliseconds(95));
    }
    EXPECT_LT(after, absl::Seconds(2)) << ids[i] << ": never past the max delay (plus scheduling)";
  }
}

TEST(RefusalDelayTest, CapsPerKeyAndInAllRefuseToHold) {
  RefusalDelay delay({.max_delay = absl::Seconds(5), .max_held_per_key = 2, .max_held = 3});
  std::atomic<int> ran{0};
  auto answer = [&ran](absl::Duration) { ++ran; };
  const absl::Time due = absl::Now() + absl::Seconds(5);
  EXPECT_TRUE(delay.Hold("a", due, absl::ZeroDuration(), due, answer));
  EXPECT_TRUE(delay.Hold("a", due, absl::ZeroDuration(), due, answer));
  EXPECT_FALSE(delay.Hold("a", due, absl::ZeroDuration(), due, answer)) << "per key";
  EXPECT_TRUE(delay.Hold("b", due, absl::ZeroDuration(), due, answer));
  EXPECT_FALSE(delay.Hold("c", due, absl::ZeroDuration(), due, answer)) << "in all";
  EXPECT_EQ(delay.held(), 3u);
  EXPECT_EQ(ran.load(), 0) << "a refused hold does not run its answer";
  // Stop answers everything now, and later holds are refused.
  const absl::Time before = absl::Now();
  delay.Stop();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_LT(absl::Now() - before, absl::Seconds(1));
  EXPECT_EQ(delay.held(), 0u);
  EXPECT_FALSE(delay.Hold("a", due, absl::ZeroDuration(), due, answer));
}

TEST(RefusalDelayTest, TheDestructorAnswersWhatIsHeld) {
  std::atomic<int> ran{0};
  {
    RefusalDelay delay;
    const absl::Time due = absl::Now() + absl::Seconds(60);
    ASSERT_TRUE(delay.Hold("a", due, absl::ZeroDuration(), due, [&ran](absl::Duration) { ++ran; }));
  }
  EXPECT_EQ(ran.load(), 1);
}

}  // namespace
}  // namespace w2w::service::internal
