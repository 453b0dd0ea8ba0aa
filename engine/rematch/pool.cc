#include "engine/rematch/pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace w2w::rematch {
namespace {

// Items a worker takes at once: small enough for fair interleaving between runs and
// prompt cancellation, large enough to keep the queue lock cold.
constexpr size_t kChunk = 4;

void LowerThisThreadsPriority() {
  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  // Best effort: without permission to change it the worker simply runs at normal priority.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(tid), kWorkerNice);
}

}  // namespace

bool WorkerPool::Batch::WaitFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto finished = [this] { return done_.load(std::memory_order_acquire) >= count_; };
  mu_.AwaitWithTimeout(absl::Condition(&finished), timeout);
  return finished();
}

void WorkerPool::Batch::AddDone(size_t n) {
  absl::MutexLock lock(&mu_);  // Wakes WaitFor through the mutex's condition re-check.
  done_.fetch_add(n, std::memory_order_acq_rel);
}

WorkerPool::WorkerPool(int threads) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  threads = std::clamp(threads, 1, cores);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
}

std::shared_ptr<WorkerPool::Batch> WorkerPool::Submit(size_t count,
                                                      std::function<void(size_t)> fn) {
  std::shared_ptr<Batch> batch(new Batch(count, std::move(fn)));
  if (count == 0) return batch;
  absl::MutexLock lock(&mu_);
  queue_.push_back(batch);
  return batch;
}

std::shared_ptr<WorkerPool::Batch> WorkerPool::NextBatchLocked() {
  while (!queue_.empty()) {
    std::shared_ptr<Batch> front = std::move(queue_.front());
    queue_.pop_front();
    if (front->next_.load(std::memory_order_acquire) >= front->count_) continue;
    queue_.push_back(front);  // Round-robin: the next worker serves the next batch.
    return front;
  }
  return nullptr;
}

void WorkerPool::WorkerLoop() {
  LowerThisThreadsPriority();
  while (true) {
    std::shared_ptr<Batch> batch;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !queue_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      batch = NextBatchLocked();
      if (batch == nullptr) {
        if (stopping_) return;
        continue;
      }
    }
    const size_t begin = batch->next_.fetch_add(kChunk, std::memory_order_acq_rel);
    if (begin >= batch->count_) continue;
    const size_t end = std::min(begin + kChunk, batch->count_);
    for (size_t i = begin; i < end; ++i) {
      if (!batch->cancelled()) batch->fn_(i);
    }
    batch->AddDone(end - begin);
  }
}

}  // namespace w2w::rematch
