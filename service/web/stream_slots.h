// StreamSlots: how many server streams the web edge keeps open at once, in all and per
// session. Each open stream (a rematch, a watch of the alerts page) holds one of
// httplib's worker threads for as long as it runs, and a watch runs as long as its page
// is open, so without a bound a few open tabs would leave no thread for anyone's page.
//
// Thread safety: every method may be called concurrently.
#ifndef W2W_SERVICE_WEB_STREAM_SLOTS_H_
#define W2W_SERVICE_WEB_STREAM_SLOTS_H_

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace w2w::service::web {

class StreamSlots {
 public:
  StreamSlots(size_t max_total, size_t max_per_session)
      : max_total_(max_total), max_per_session_(max_per_session) {}

  // Takes a slot for a stream of session `session_id`. RESOURCE_EXHAUSTED "streams: ..."
  // when the session already has max_per_session open, or all max_total are taken
  // (UNAVAILABLE then: the edge is busy, retry later). Every OK is paired with Release.
  absl::Status Acquire(absl::string_view session_id) ABSL_LOCKS_EXCLUDED(mu_);
  void Release(absl::string_view session_id) ABSL_LOCKS_EXCLUDED(mu_);

  size_t open() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const size_t max_total_;
  const size_t max_per_session_;
  mutable absl::Mutex mu_;
  size_t open_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, size_t> per_session_ ABSL_GUARDED_BY(mu_);
};

}  // namespace w2w::service::web

#endif  // W2W_SERVICE_WEB_STREAM_SLOTS_H_
