// WriteGroup: leader/follower group commit for concurrent writers (as in LevelDB's
// DBImpl::Write and RocksDB's WriteThread). Each caller queues its item and waits; one
// waiting caller at a time becomes the leader, takes every item queued at that moment
// (in arrival order, its own included) and commits them together with one call of
// `commit`, e.g. one atomic store write and one WAL fsync; then every caller of that
// group returns. While a leader commits, new arrivals queue up for the next group, so
// the group size adapts to the load: one writer alone is a group of one.
//
// Thread safety: Run() is safe to call concurrently; `commit` calls never overlap.
#ifndef W2W_ENGINE_INTERNAL_WRITE_GROUP_H_
#define W2W_ENGINE_INTERNAL_WRITE_GROUP_H_

#include <cstddef>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace w2w::internal {

template <typename Item>
class WriteGroup {
 public:
  // Queues `item` (borrowed until Run returns) and returns once a `commit` call (on this
  // thread or another caller's) has handled it. `commit(absl::Span<Item* const>)` gets a
  // group in arrival order and must record every item's outcome in the item itself; it
  // runs without this object's lock held, never concurrently with another commit.
  template <typename Commit>
  void Run(Item* item, Commit&& commit) ABSL_LOCKS_EXCLUDED(mu_) {
    Waiter me{item};
    mu_.Lock();
    queue_.push_back(&me);
    while (true) {
      // The lambda reads guarded state; Await evaluates it with mu_ held.
      auto ready = [this, &me]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return me.done || !leader_active_;
      };
      mu_.Await(absl::Condition(&ready));
      if (me.done) break;
      // Leader: `me` is still queued (nobody else took it), so it is in this group.
      leader_active_ = true;
      std::vector<Waiter*> group;
      group.swap(queue_);
      mu_.Unlock();
      std::vector<Item*> items;
      items.reserve(group.size());
      for (Waiter* waiter : group) items.push_back(waiter->item);
      commit(absl::Span<Item* const>(items));
      mu_.Lock();
      for (Waiter* waiter : group) waiter->done = true;
      leader_active_ = false;
      ++groups_;
    }
    mu_.Unlock();
  }

  // Groups committed so far (for tests and statistics).
  size_t groups() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return groups_;
  }
  // Items queued and not yet taken by a leader (for tests).
  size_t waiting() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return queue_.size();
  }

 private:
  struct Waiter {
    Item* item;
    bool done = false;  // Guarded by mu_.
  };

  mutable absl::Mutex mu_;
  std::vector<Waiter*> queue_ ABSL_GUARDED_BY(mu_);  // Waiting, not yet taken by a leader.
  bool leader_active_ ABSL_GUARDED_BY(mu_) = false;
  size_t groups_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace w2w::internal

#endif  // W2W_ENGINE_INTERNAL_WRITE_GROUP_H_
