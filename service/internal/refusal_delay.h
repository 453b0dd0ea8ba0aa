// RefusalDelay: holds the answer to a call refused by its token's rate limit until about
// when the token could call again (at most `max_delay`), instead of answering at once.
//
// Why: a client that floods without waiting for the retry hint makes the server parse,
// authenticate and refuse every call, and on a small machine that work alone takes the
// CPU from other tokens' calls (docs/security.md, "Overload and abuse"). Held, a flooding
// client's calls in flight finish only as fast as its rate allows, so a closed-loop flood
// costs the server about `max_held_per_key` refusals per `max_delay`. A well-behaved
// client loses nothing: it would have waited for the hint anyway, and the hint it gets is
// what is left of it after the hold.
//
// Bounded: at most `max_held_per_key` answers per token and `max_held` in all; past either
// Hold() says no and the caller answers at once, so an open-loop flood with thousands of
// calls in flight is refused as before, without memory growing.
//
// A held answer is a closure (finishing the call); it runs on the delay's own thread at
// its time, or at once in Stop() (the server's drain) and the destructor. A token's held
// answers leave spaced by its call interval, so a closed-loop flood with many calls in
// flight is answered at about the token's rate, not each after one interval.
//
// Thread safety: every method may be called concurrently.
#ifndef W2W_SERVICE_INTERNAL_REFUSAL_DELAY_H_
#define W2W_SERVICE_INTERNAL_REFUSAL_DELAY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace w2w::service::internal {

struct RefusalDelayOptions {
  absl::Duration max_delay = absl::Milliseconds(250);  // Longest hold of one answer.
  size_t max_held_per_key = 64;   // Answers held at once for one token.
  size_t max_held = 4096;         // Answers held at once in all.
};

class RefusalDelay {
 public:
  explicit RefusalDelay(RefusalDelayOptions options = {});
  // Stop(), then joins the thread.
  ~RefusalDelay();
  RefusalDelay(const RefusalDelay&) = delete;
  RefusalDelay& operator=(const RefusalDelay&) = delete;

  const RefusalDelayOptions& options() const { return options_; }

  // Holds `answer` and returns true; or returns false without running it when `key`
  // already has max_held_per_key answers held, max_held are held in all, or the delay is
  // stopped: the caller then answers at once. A held answer runs, on the delay's thread,
  // at `earliest` or `spacing` after the key's previous held answer, whichever is later,
  // but by `latest` and by max_delay from now at the latest; it is passed how long it was
  // held (for the hint it gives). With `spacing` the token's call interval, a flood's
  // answers leave at about the token's rate until the hold reaches max_delay.
  [[nodiscard]] bool Hold(const std::string& key, absl::Time earliest, absl::Duration spacing,
                          absl::Time latest, std::function<void(absl::Duration held)> answer)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Runs every held answer now (oldest due first) and refuses later Holds. Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // Answers held now (for tests and diagnostics).
  size_t held() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Held {
    absl::Time due;
    uint64_t seq;  // Ties on `due` run in arrival order.
    absl::Time since;  // When it was held.
    std::string key;
    std::function<void(absl::Duration held)> answer;
  };
  struct PerKey {
    size_t held = 0;
    absl::Time last_due;  // Of the latest held answer.
  };
  struct Later {  // Min-heap order: the earliest due on top.
    bool operator()(const Held& a, const Held& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };

  void Loop() ABSL_LOCKS_EXCLUDED(mu_);
  // Takes the held answers due by `now` (all when stopped) off the heap.
  std::vector<Held> TakeDueLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RefusalDelayOptions options_;
  mutable absl::Mutex mu_;
  std::vector<Held> heap_ ABSL_GUARDED_BY(mu_);  // A heap under Later.
  absl::flat_hash_map<std::string, PerKey> per_key_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool exit_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace w2w::service::internal

#endif  // W2W_SERVICE_INTERNAL_REFUSAL_DELAY_H_
