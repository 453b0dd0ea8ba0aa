#include "service/call_tracker.h"

namespace w2w::service {

bool CallTracker::Enter() {
  absl::MutexLock lock(&mu_);
  if (draining_) return false;
  ++running_;
  return true;
}

void CallTracker::Exit() {
  absl::MutexLock lock(&mu_);
  --running_;
}

void CallTracker::StartDraining() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
}

bool CallTracker::WaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return running_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

}  // namespace w2w::service
