#include "service/internal/refusal_delay.h"

#include <algorithm>
#include <utility>

namespace w2w::service::internal {

RefusalDelay::RefusalDelay(RefusalDelayOptions options)
    : options_(options), thread_([this] { Loop(); }) {}

RefusalDelay::~RefusalDelay() {
  Stop();
  {
    absl::MutexLock lock(&mu_);
    exit_ = true;
  }
  thread_.join();
}

bool RefusalDelay::Hold(const std::string& key, absl::Time earliest, absl::Duration spacing,
                        absl::Time latest, std::function<void(absl::Duration held)> answer) {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  if (stopped_ || heap_.size() >= options_.max_held) return false;
  PerKey& k = per_key_[key];
  if (k.held >= options_.max_held_per_key) return false;
  absl::Time due = earliest;
  if (k.held > 0) due = std::max(due, k.last_due + spacing);
  due = std::min({due, latest, now + options_.max_delay});
  ++k.held;
  k.last_due = k.held > 1 ? std::max(k.last_due, due) : due;
  heap_.push_back(Held{due, next_seq_++, now, key, std::move(answer)});
  std::push_heap(heap_.begin(), heap_.end(), Later());
  return true;
}

std::vector<RefusalDelay::Held> RefusalDelay::TakeDueLocked(absl::Time now) {
  std::vector<Held> due;
  while (!heap_.empty() && (stopped_ || heap_.front().due <= now)) {
    std::pop_heap(heap_.begin(), heap_.end(), Later());
    Held held = std::move(heap_.back());
    heap_.pop_back();
    if (auto it = per_key_.find(held.key); it != per_key_.end() && --it->second.held == 0) {
      per_key_.erase(it);
    }
    due.push_back(std::move(held));
  }
  return due;
}

void RefusalDelay::Stop() {
  std::vector<Held> all;
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    all = TakeDueLocked(absl::InfiniteFuture());
  }
  const absl::Time now = absl::Now();
  for (Held& held : all) held.answer(now - held.since);
}

size_t RefusalDelay::held() const {
  absl::MutexLock lock(&mu_);
  return heap_.size();
}

void RefusalDelay::Loop() {
  for (;;) {
    std::vector<Held> due;
    {
      absl::MutexLock lock(&mu_);
      // Wake for exit, for a held answer coming due, or for a new one that may be due
      // earlier than the earliest so far (the heap's size changes).
      const size_t size = heap_.size();
      const absl::Time until = heap_.empty() ? absl::InfiniteFuture() : heap_.front().due;
      auto wake = [this, size]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return exit_ || heap_.size() != size;
      };
      mu_.AwaitWithDeadline(absl::Condition(&wake), until);
      if (exit_ && heap_.empty()) return;
      due = TakeDueLocked(absl::Now());
    }
    // Answer outside the lock: finishing a call may take gRPC's locks.
    const absl::Time now = absl::Now();
    for (Held& held : due) held.answer(now - held.since);
  }
}

}  // namespace w2w::service::internal
