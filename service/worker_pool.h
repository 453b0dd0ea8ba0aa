// WorkerPool: the threads that run the server's long calls (streamed imports, rematch
// streams, listings that read pages of records), so that gRPC's own callback threads stay
// free for the short calls (Ping, Get*, Shortlist, upserts), which run inline on them and
// never queue behind a rematch.
//
// The pool is bounded: at most `max_threads` tasks run at once, each on a thread of its
// own (a long call may block its thread for its whole life, e.g. waiting for the next
// message of a client stream). Threads start on demand and then stay for the next task,
// so there are never more than the peak number of long calls at once, and a bound of
// 1,024 costs nothing until it is used. A task offered while every
// thread is busy is refused (TrySubmit returns false): the caller answers
// RESOURCE_EXHAUSTED at once, as gRPC's sync server did past its thread bound, rather
// than letting a stream wait unserved.
//
// Thread safety: all methods may be called concurrently. The destructor waits for the
// running tasks to return; no task may be submitted once it has started.
#ifndef W2W_SERVICE_WORKER_POOL_H_
#define W2W_SERVICE_WORKER_POOL_H_

#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace w2w::service {

class WorkerPool {
 public:
  // Precondition: max_threads >= 1.
  explicit WorkerPool(int max_threads);
  // Waits until every running task has returned, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a pool thread (an idle one, or a new one while fewer than max_threads
  // exist). Returns false, without running it, when max_threads tasks are running already.
  [[nodiscard]] bool TrySubmit(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

  int max_threads() const { return max_threads_; }

 private:
  // The loop of one pool thread: runs the task it was started with, then every task it
  // is handed, until the pool is destroyed.
  void Work(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

  // Set at construction.
  const int max_threads_;

  absl::Mutex mu_;
  int busy_ ABSL_GUARDED_BY(mu_) = 0;  // Threads running a task (or handed one).
  // Tasks handed to idle threads, each taken by the first idle thread that wakes.
  std::vector<std::function<void()>> handed_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);  // Every thread started.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_WORKER_POOL_H_
