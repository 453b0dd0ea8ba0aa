// WriteGroup (engine/internal/write_group.h): leader/follower group commit. The
// interleaving is controlled: the first leader is held inside its commit until the other
// writers are known to be queued, so the second group must hold all of them.
#include "engine/internal/write_group.h"

#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

struct Item {
  int id = 0;
  bool committed = false;  // Set by the commit; read by the item's thread after Run.
};

TEST(WriteGroupTest, ALoneWriterIsAGroupOfOne) {
  WriteGroup<Item> group;
  Item item{7};
  std::vector<int> seen;
  group.Run(&item, [&](absl::Span<Item* const> items) {
    for (Item* i : items) {
      seen.push_back(i->id);
      i->committed = true;
    }
  });
  EXPECT_TRUE(item.committed);
  EXPECT_THAT(seen, ElementsAre(7));
  EXPECT_EQ(group.groups(), 1u);
  EXPECT_EQ(group.waiting(), 0u);
}

TEST(WriteGroupTest, WritersArrivingDuringACommitShareTheNextOne) {
  constexpr int kFollowers = 5;
  WriteGroup<Item> group;
  absl::Notification first_commit_started, release_first_commit;
  absl::Mutex mu;
  std::vector<std::vector<int>> groups;  // Guarded by mu.
  bool overlapping = false;              // Guarded by mu.
  int in_commit = 0;                     // Guarded by mu.
  auto commit = [&](absl::Span<Item* const> items) {
    {
      absl::MutexLock lock(&mu);
      if (++in_commit > 1) overlapping = true;
      groups.emplace_back();
      for (Item* i : items) groups.back().push_back(i->id);
    }
    if (!first_commit_started.HasBeenNotified()) {
      first_commit_started.Notify();
      release_first_commit.WaitForNotification();
    }
    for (Item* i : items) i->committed = true;
    absl::MutexLock lock(&mu);
    --in_commit;
  };

  std::vector<Item> items(kFollowers + 1);
  for (int i = 0; i <= kFollowers; ++i) items[i].id = i;
  std::vector<bool> committed_on_return(kFollowers + 1, false);
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    group.Run(&items[0], commit);
    committed_on_return[0] = items[0].committed;
  });
  first_commit_started.WaitForNotification();
  for (int i = 1; i <= kFollowers; ++i) {
    threads.emplace_back([&, i] {
      group.Run(&items[i], commit);
      committed_on_return[i] = items[i].committed;
    });
  }
  // The followers queue behind the busy leader (a state to wait for, not a race).
  while (group.waiting() < static_cast<size_t>(kFollowers)) absl::SleepFor(absl::Milliseconds(1));
  release_first_commit.Notify();
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(group.groups(), 2u);
  absl::MutexLock lock(&mu);
  EXPECT_FALSE(overlapping);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_THAT(groups[0], ElementsAre(0));
  EXPECT_THAT(groups[1], UnorderedElementsAre(1, 2, 3, 4, 5));
  for (int i = 0; i <= kFollowers; ++i) EXPECT_TRUE(committed_on_return[i]) << i;
}

TEST(WriteGroupTest, ManyWritersEachCommittedExactlyOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  WriteGroup<Item> group;
  absl::Mutex mu;
  std::vector<int> count(kThreads * kPerThread, 0);  // Guarded by mu.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        Item item{t * kPerThread + k};
        group.Run(&item, [&](absl::Span<Item* const> items) {
          absl::MutexLock lock(&mu);
          for (Item* i : items) {
            ++count[i->id];
            i->committed = true;
          }
        });
        EXPECT_TRUE(item.committed);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::MutexLock lock(&mu);
  for (size_t i = 0; i < count.size(); ++i) EXPECT_EQ(count[i], 1) << i;
  EXPECT_LE(group.groups(), count.size());
}

}  // namespace
}  // namespace w2w::internal
