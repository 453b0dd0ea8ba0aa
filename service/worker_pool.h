// WorkerPool: threads that run calls off gRPC's own callback threads, which must stay
// free to move bytes and to answer the calls that run inline on them (Ping, Get*). The
// server has two (server.cc):
//   - the long-call pool (imports, rematch streams, listings): a long call may block its
//     thread for its whole life (e.g. waiting for the next message of a client stream),
//     so at most `max_threads` run at once and one more is refused (kRefuse): the caller
//     answers RESOURCE_EXHAUSTED at once rather than letting a stream wait unserved;
//   - the work pool (Shortlist, MatchCandidate, writes): short calls that burn CPU or wait
//     for a group commit; past `max_threads` they queue (kQueue), never refused; up to
//     `max_inline` of them at once run on the caller's thread instead (TryEnterInline).
// Each running task has a thread of its own. Threads start on demand and then stay for
// the next task, so there are never more than the peak number of tasks at once, and a
// bound of 1,024 costs nothing until it is used.
//
// Thread safety: all methods may be called concurrently. The destructor waits for the
// running and queued tasks to return; no task may be submitted once it has started.
#ifndef W2W_SERVICE_WORKER_POOL_H_
#define W2W_SERVICE_WORKER_POOL_H_

#include <atomic>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace w2w::service {

class WorkerPool {
 public:
  // What TrySubmit does with a task while max_threads tasks run.
  enum class WhenBusy { kRefuse, kQueue };

  // Precondition: max_threads >= 1, max_inline >= 0.
  WorkerPool(int max_threads, WhenBusy when_busy, int max_inline = 0);
  // Waits until every task has returned, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a pool thread (an idle one, or a new one while fewer than max_threads
  // exist). While max_threads tasks run: kRefuse returns false without running it,
  // kQueue queues it (first in, first out) and returns true.
  [[nodiscard]] bool TrySubmit(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

  int max_threads() const { return max_threads_; }

  // Whether the caller may run its task on its own thread instead: true (and counted
  // until ExitInline) while fewer than max_inline tasks run that way. For the work pool:
  // a lone Shortlist then skips the hand-off to a pool thread and back, while under load
  // gRPC's threads still keep polling, as at most max_inline of them score at once.
  [[nodiscard]] bool TryEnterInline();
  void ExitInline() { inline_running_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  // The loop of one pool thread: runs the task it was started with, then every task it
  // is handed, until the pool is destroyed.
  void Work(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

  // Set at construction.
  const int max_threads_;
  const WhenBusy when_busy_;
  const int max_inline_;

  std::atomic<int> inline_running_{0};  // Tasks admitted by TryEnterInline, not yet exited.

  absl::Mutex mu_;
  int busy_ ABSL_GUARDED_BY(mu_) = 0;  // Tasks running, handed to an idle thread, or queued.
  // Tasks waiting for a thread, each taken by the first thread that is free.
  std::deque<std::function<void()>> waiting_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);  // Every thread started.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_WORKER_POOL_H_
