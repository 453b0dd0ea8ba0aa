#include "service/web/stream_slots.h"

#include "absl/strings/str_cat.h"

namespace w2w::service::web {

absl::Status StreamSlots::Acquire(absl::string_view session_id) {
  absl::MutexLock lock(&mu_);
  if (open_ >= max_total_) {
    return absl::UnavailableError(absl::StrCat(
        "streams: the web page has ", max_total_, " streams open, the most it serves; retry later"));
  }
  size_t& mine = per_session_[session_id];
  if (mine >= max_per_session_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "streams: this session has ", mine, " streams open, the most one session may have; "
        "close a tab with live alerts or a running rematch"));
  }
  ++mine;
  ++open_;
  return absl::OkStatus();
}

void StreamSlots::Release(absl::string_view session_id) {
  absl::MutexLock lock(&mu_);
  auto it = per_session_.find(session_id);
  if (it == per_session_.end()) return;
  --open_;
  if (--it->second == 0) per_session_.erase(it);
}

size_t StreamSlots::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

}  // namespace w2w::service::web
