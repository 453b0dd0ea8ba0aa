#include "service/worker_pool.h"

#include <utility>

namespace w2w::service {

WorkerPool::WorkerPool(int max_threads, WhenBusy when_busy, int max_inline)
    : max_threads_(max_threads), when_busy_(when_busy), max_inline_(max_inline) {}

bool WorkerPool::TryEnterInline() {
  if (inline_running_.fetch_add(1, std::memory_order_relaxed) < max_inline_) return true;
  inline_running_.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

WorkerPool::~WorkerPool() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    threads = std::move(threads_);
  }
  for (std::thread& thread : threads) thread.join();
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  if (busy_ >= max_threads_ && when_busy_ == WhenBusy::kRefuse) return false;
  ++busy_;
  if (static_cast<int>(threads_.size()) < busy_ &&
      static_cast<int>(threads_.size()) < max_threads_) {
    // No thread is idle: every started one runs a task or was handed one already.
    threads_.emplace_back([this, first = std::move(task)]() mutable { Work(std::move(first)); });
  } else {
    waiting_.push_back(std::move(task));
  }
  return true;
}

void WorkerPool::Work(std::function<void()> task) {
  while (true) {
    task();
    task = nullptr;  // Release what the task captured before waiting for the next one.
    absl::MutexLock lock(&mu_);
    --busy_;
    auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || !waiting_.empty();
    };
    mu_.Await(absl::Condition(&has_work));
    if (waiting_.empty()) return;  // Stopping, and nothing left to run.
    task = std::move(waiting_.front());
    waiting_.pop_front();
  }
}

}  // namespace w2w::service
