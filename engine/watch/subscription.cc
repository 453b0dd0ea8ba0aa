#include "engine/watch/subscription.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace w2w::watch {

Subscription::Subscription(uint64_t id, size_t queue_limit, size_t max_events_per_message,
                           std::function<void()> wake)
    : id_(id), queue_limit_(queue_limit), max_events_per_message_(max_events_per_message),
      wake_(std::move(wake)) {}

std::optional<v1::WatchResponse> Subscription::Next() {
  absl::MutexLock lock(&mu_);
  if (!queue_.empty()) {
    v1::WatchResponse response;
    if (queue_.front().is_notice) {
      *response.mutable_notice() = std::move(queue_.front().notice);
      if (!response.notice().resume_token().empty()) last_token_ = response.notice().resume_token();
      queue_.pop_front();
      return response;
    }
    while (!queue_.empty() && !queue_.front().is_notice &&
           static_cast<size_t>(response.events_size()) < max_events_per_message_) {
      v1::WatchEvent* event = response.add_events();
      *event = std::move(queue_.front().event);
      last_token_ = event->resume_token();
      queue_.pop_front();
      --queued_events_;
    }
    return response;
  }
  if (behind_ && !behind_told_) {
    behind_told_ = true;
    v1::WatchResponse response;
    v1::WatchNotice* notice = response.mutable_notice();
    notice->set_kind(v1::WatchNotice::FELL_BEHIND);
    notice->set_missed(missed_);
    notice->set_resume_token(last_token_);
    notice->set_message(absl::StrCat("this watcher read too slowly: ", missed_, " events after resume_token '",
                                     last_token_, "' were not queued (at most ", queue_limit_,
                                     " wait for one watcher); reconnect with it to replay the kept events"));
    return response;
  }
  if (behind_ || end_.has_value()) {
    ended_ = true;
    return std::nullopt;
  }
  reader_waiting_ = true;
  return std::nullopt;
}

absl::Status Subscription::Ended() const {
  absl::MutexLock lock(&mu_);
  if (!ended_) return absl::OkStatus();
  if (behind_) {
    return absl::ResourceExhaustedError(absl::StrCat("watcher fell behind by ", missed_,
                                                     " events; reconnect with resume_token '", last_token_, "'"));
  }
  return absl::Status(end_->code(),
                      absl::StrCat(end_->message(), "; reconnect with resume_token '", last_token_, "'"));
}

void Subscription::Detach() {
  absl::MutexLock lock(&wake_mu_);
  detached_ = true;
  wake_ = nullptr;
}

bool Subscription::detached() const {
  absl::MutexLock lock(&wake_mu_);
  return detached_;
}

void Subscription::Push(v1::WatchEvent event) {
  absl::MutexLock lock(&mu_);
  if (end_.has_value()) return;
  if (behind_ || queued_events_ >= queue_limit_) {
    behind_ = true;
    ++missed_;
    return;
  }
  Item item;
  item.event = std::move(event);
  queue_.push_back(std::move(item));
  ++queued_events_;
}

void Subscription::PushNotice(v1::WatchNotice notice) {
  absl::MutexLock lock(&mu_);
  if (end_.has_value() || behind_) return;
  Item item;
  item.is_notice = true;
  item.notice = std::move(notice);
  queue_.push_back(std::move(item));
}

void Subscription::End(absl::Status why) {
  absl::MutexLock lock(&mu_);
  if (!end_.has_value()) end_ = std::move(why);
}

void Subscription::WakeIfWaiting() {
  {
    absl::MutexLock lock(&mu_);
    const bool something = !queue_.empty() || behind_ || end_.has_value();
    if (!reader_waiting_ || !something) return;
    reader_waiting_ = false;
  }
  absl::MutexLock lock(&wake_mu_);
  if (!detached_ && wake_) wake_();
}

bool Subscription::finished() const {
  absl::MutexLock lock(&mu_);
  return behind_ || end_.has_value();
}

size_t Subscription::queued() const {
  absl::MutexLock lock(&mu_);
  return queued_events_;
}

}  // namespace w2w::watch
