// Subscription: the bounded queue between the watch hub (hub.h), which fills it from its
// thread, and one watcher's stream, which empties it from the RPC's threads.
//
// The hub never waits for a watcher: Push only appends. A watcher that lets `queue_limit`
// events pile up falls behind: later events are counted, not queued; once it has read
// what was queued it gets a FELL_BEHIND notice (with the resume token of the last event
// it read) and the stream ends RESOURCE_EXHAUSTED, so it can reconnect and replay the
// kept events. End() (server shutdown) ends the stream UNAVAILABLE after the queue.
//
// Wake-ups: when Next() found nothing, the next Push/End calls `wake` once (from the
// hub's thread, outside the queue's lock); the reader then calls Next() again. After
// Detach() `wake` is never called again and never running, so its target may go.
//
// Thread safety: all methods are safe to call concurrently.
#ifndef W2W_ENGINE_WATCH_SUBSCRIPTION_H_
#define W2W_ENGINE_WATCH_SUBSCRIPTION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "w2w/v1/watch.pb.h"

namespace w2w::watch {

class Subscription {
 public:
  Subscription(uint64_t id, size_t queue_limit, size_t max_events_per_message,
               std::function<void()> wake);

  uint64_t id() const { return id_; }

  // ---- The reader (the watcher's stream) ----------------------------------------------
  // The next message: a notice, or up to max_events_per_message events in order; nullopt
  // when nothing is queued (then `wake` follows once something is, or the stream ended).
  std::optional<v1::WatchResponse> Next() ABSL_LOCKS_EXCLUDED(mu_);
  // OK while the stream goes on; after Next() returned nullopt on an ended stream, why it
  // ended: UNAVAILABLE (server shutdown) or RESOURCE_EXHAUSTED (fell behind), each naming
  // the resume token to reconnect with.
  absl::Status Ended() const ABSL_LOCKS_EXCLUDED(mu_);
  // The reader is gone: `wake` is not called from now on (waits for a call in progress).
  void Detach() ABSL_LOCKS_EXCLUDED(wake_mu_);
  bool detached() const ABSL_LOCKS_EXCLUDED(wake_mu_);

  // ---- The hub --------------------------------------------------------------------------
  // Queues `event` (its resume_token set), or counts it as missed once behind.
  void Push(v1::WatchEvent event) ABSL_LOCKS_EXCLUDED(mu_);
  void PushNotice(v1::WatchNotice notice) ABSL_LOCKS_EXCLUDED(mu_);
  // Ends the stream with `why` once the queue is read; its message gets ", reconnect with
  // resume_token '<last token read>'" appended.
  void End(absl::Status why) ABSL_LOCKS_EXCLUDED(mu_);
  // Calls `wake` when the reader waits for something that is now there.
  void WakeIfWaiting() ABSL_LOCKS_EXCLUDED(mu_, wake_mu_);
  // Fell behind or ended: the hub stops delivering to it.
  bool finished() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t queued() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Item {
    bool is_notice = false;
    v1::WatchNotice notice;
    v1::WatchEvent event;
  };

  const uint64_t id_;
  const size_t queue_limit_;
  const size_t max_events_per_message_;

  mutable absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_events_ ABSL_GUARDED_BY(mu_) = 0;
  bool reader_waiting_ ABSL_GUARDED_BY(mu_) = false;
  bool behind_ ABSL_GUARDED_BY(mu_) = false;
  bool behind_told_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t missed_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;      // Next() has returned everything.
  std::string last_token_ ABSL_GUARDED_BY(mu_);  // Of the last event or notice read.

  mutable absl::Mutex wake_mu_;  // Held while `wake_` runs; taken before mu_, never after.
  std::function<void()> wake_ ABSL_GUARDED_BY(wake_mu_);
  bool detached_ ABSL_GUARDED_BY(wake_mu_) = false;
};

}  // namespace w2w::watch

#endif  // W2W_ENGINE_WATCH_SUBSCRIPTION_H_
