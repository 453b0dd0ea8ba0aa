#include "service/worker_pool.h"

#include <utility>

namespace w2w::service {

WorkerPool::WorkerPool(int max_threads) : max_threads_(max_threads) {}

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
  if (stopping_ || busy_ >= max_threads_) return false;
  ++busy_;
  if (static_cast<int>(threads_.size()) < busy_) {
    // No thread is idle: every started one runs a task or was handed one already.
    threads_.emplace_back([this, first = std::move(task)]() mutable { Work(std::move(first)); });
  } else {
    handed_.push_back(std::move(task));
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
      return stopping_ || !handed_.empty();
    };
    mu_.Await(absl::Condition(&has_work));
    if (handed_.empty()) return;  // Stopping, and nothing left to run.
    task = std::move(handed_.back());
    handed_.pop_back();
  }
}

}  // namespace w2w::service
