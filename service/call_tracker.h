// CallTracker: counts the calls the service layer is running, so that a graceful
// shutdown can wait exactly until they are done (and refuse new ones meanwhile) instead
// of always waiting out its grace period: gRPC's own Server::Shutdown(deadline) also
// waits for idle client connections to go away, which well-behaved clients that keep a
// channel open never do.
//
// Thread safety: all methods are safe to call concurrently.
#ifndef W2W_SERVICE_CALL_TRACKER_H_
#define W2W_SERVICE_CALL_TRACKER_H_

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace w2w::service {

class CallTracker {
 public:
  // Admits a call: true (and counted) unless draining has started.
  bool Enter() ABSL_LOCKS_EXCLUDED(mu_);
  // Ends a call admitted by Enter().
  void Exit() ABSL_LOCKS_EXCLUDED(mu_);
  // From now on Enter() refuses.
  void StartDraining() ABSL_LOCKS_EXCLUDED(mu_);
  // Blocks until no admitted call runs or `deadline` passes; true when none runs.
  bool WaitIdle(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);
  // The drain's grace period is over: streams still open stop at their next look (import
  // streams poll streams_stopping()) and answer UNAVAILABLE saying what was kept.
  void StopStreams() { streams_stopping_.store(true, std::memory_order_release); }
  bool streams_stopping() const { return streams_stopping_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> streams_stopping_{false};
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

// Holds one admitted call for a scope. `tracker` is borrowed.
class ScopedCall {
 public:
  explicit ScopedCall(CallTracker* tracker) : tracker_(tracker), admitted_(tracker->Enter()) {}
  ~ScopedCall() {
    if (admitted_) tracker_->Exit();
  }
  ScopedCall(const ScopedCall&) = delete;
  ScopedCall& operator=(const ScopedCall&) = delete;
  // False when the server is draining: the handler must answer UNAVAILABLE at once.
  bool admitted() const { return admitted_; }

 private:
  CallTracker* const tracker_;
  const bool admitted_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_CALL_TRACKER_H_
