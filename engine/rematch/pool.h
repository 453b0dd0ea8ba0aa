// WorkerPool: the bounded set of worker threads shared by every rematch run of an Engine.
//
// A run submits a Batch of `count` independent items; idle workers take small chunks of
// items from the active batches in turn (round-robin), so two runs progress side by side
// instead of one waiting for the other. The workers run at a lowered CPU priority (nice
// kWorkerNice, set per thread with setpriority on its thread id), so interactive queries
// (shortlists from coaches, served by gRPC threads at normal priority) keep answering
// while a large run keeps the cores busy. Keep the thread count at most the core count.
//
// Thread safety: all methods are safe from any thread. Items run on the workers; a Batch's
// function must be safe to call concurrently for different items.
#ifndef W2W_ENGINE_REMATCH_POOL_H_
#define W2W_ENGINE_REMATCH_POOL_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace w2w::rematch {

// Nice value of the worker threads (0 = normal, 19 = lowest).
inline constexpr int kWorkerNice = 10;

class WorkerPool {
 public:
  // One unit of submitted work; shared by the submitter and the pool.
  class Batch {
   public:
    size_t count() const { return count_; }
    // Items finished (or skipped after Cancel()).
    size_t done() const { return done_.load(std::memory_order_acquire); }
    // Waits until every item finished or `timeout` passed; returns true when finished.
    bool WaitFor(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
    // Items not started yet are skipped; items running finish. Idempotent.
    void Cancel() { cancelled_.store(true, std::memory_order_release); }
    bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

   private:
    friend class WorkerPool;
    Batch(size_t count, std::function<void(size_t)> fn) : count_(count), fn_(std::move(fn)) {}
    void AddDone(size_t n) ABSL_LOCKS_EXCLUDED(mu_);

    const size_t count_;
    const std::function<void(size_t)> fn_;
    std::atomic<size_t> next_{0};  // Next item to hand out.
    std::atomic<size_t> done_{0};
    std::atomic<bool> cancelled_{false};
    absl::Mutex mu_;  // Only for waiting on done_.
  };

  // Starts `threads` workers (clamped to 1..hardware concurrency).
  explicit WorkerPool(int threads);
  // Cancels nothing: waits for the batches in the queue to drain, then joins the workers.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `count` items; fn(i) will be called exactly once for every i in [0, count)
  // unless the batch is cancelled first. Returns the batch to wait on. `fn` is copied.
  std::shared_ptr<Batch> Submit(size_t count, std::function<void(size_t)> fn)
      ABSL_LOCKS_EXCLUDED(mu_);

  int threads() const { return static_cast<int>(workers_.size()); }

 private:
  void WorkerLoop() ABSL_LOCKS_EXCLUDED(mu_);
  // Picks the next batch with items left (round-robin), dropping finished ones.
  std::shared_ptr<Batch> NextBatchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::deque<std::shared_ptr<Batch>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;  // Set at construction.
};

}  // namespace w2w::rematch

#endif  // W2W_ENGINE_REMATCH_POOL_H_
