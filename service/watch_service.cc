#include "service/watch_service.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "service/message_parse.h"
#include "service/status.h"

namespace w2w::service {
namespace {

// One Watch call. Pump() writes the next queued message when no write is in flight, or
// finishes the call once the stream ended or the client went away; it runs on gRPC's
// threads (start, write done, cancel) and on the hub's (the stream's wake-up). Deletes
// itself in OnDone, after detaching from the hub (which then never wakes it again).
//
// Thread safety: the state is behind mu_; StartWrite and Finish are called outside it.
class WatchReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  WatchReactor(const internal::CallResources& resources, grpc::CallbackServerContext* context)
      : resources_(resources), context_(context) {}

  void Start(const grpc::ByteBuffer* raw_request) {
    admitted_ = resources_.tracker->Enter();
    if (!admitted_) return FinishOnce(ToGrpcStatus(internal::Draining()));
    absl::StatusOr<std::shared_ptr<const access::Caller>> caller = internal::AdmitCaller(resources_, context_);
    if (!caller.ok()) return FinishOnce(ToGrpcStatus(caller.status()));
    grpc::ByteBuffer bytes(*raw_request);
    v1::WatchRequest request;
    if (absl::Status parsed = ParseMessage(&bytes, &request); !parsed.ok()) return FinishOnce(ToGrpcStatus(parsed));
    absl::StatusOr<std::unique_ptr<WatchStream>> stream =
        resources_.engine->Watch(**caller, request, [this] { Pump(); });
    if (!stream.ok()) return FinishOnce(ToGrpcStatus(stream.status()));
    {
      absl::MutexLock lock(&mu_);
      stream_ = *std::move(stream);
    }
    Pump();
  }

  void OnWriteDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) broken_ = true;  // The client is gone; the cancel follows.
    }
    Pump();
  }
  void OnCancel() override ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
    }
    Pump();
  }
  void OnDone() override ABSL_LOCKS_EXCLUDED(mu_) {
    std::unique_ptr<WatchStream> stream;
    {
      absl::MutexLock lock(&mu_);
      stream = std::move(stream_);
    }
    stream.reset();  // Detaches: waits for a wake-up in progress, which finds no stream.
    if (admitted_) resources_.tracker->Exit();
    delete this;
  }

 private:
  void Pump() ABSL_LOCKS_EXCLUDED(mu_) {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      if (stream_ == nullptr || writing_ || finished_) return;
      if (cancelled_ || broken_) {
        finish = grpc::Status(grpc::StatusCode::CANCELLED, "Watch: cancelled by the client or its deadline");
      } else if (std::optional<v1::WatchResponse> next = stream_->Next(); next.has_value()) {
        if (absl::Status s = internal::Serialize(*next, &pending_); !s.ok()) {
          finish = ToGrpcStatus(s);
        } else {
          writing_ = true;
        }
      } else if (absl::Status ended = stream_->Ended(); !ended.ok()) {
        finish = ToGrpcStatus(ended);
      }
      if (finish.has_value()) finished_ = true;
      if (!finish.has_value() && !writing_) return;  // Nothing queued: the wake-up follows.
    }
    if (finish.has_value()) {
      Finish(*finish);
    } else {
      StartWrite(&pending_);
    }
  }

  void FinishOnce(const grpc::Status& status) ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(status);
  }

  const internal::CallResources& resources_;
  grpc::CallbackServerContext* const context_;
  bool admitted_ = false;  // Set in Start, before any other method runs.

  absl::Mutex mu_;
  std::unique_ptr<WatchStream> stream_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer pending_;  // The message in flight; written only while !writing_.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchService::Watch(grpc::CallbackServerContext* context,
                                                                const grpc::ByteBuffer* request) {
  auto* reactor = new WatchReactor(resources_, context);
  reactor->Start(request);
  return reactor;
}

}  // namespace w2w::service
