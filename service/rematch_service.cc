#include "service/rematch_service.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/message_parse.h"
#include "service/status.h"

namespace w2w::service {
namespace {

using internal::Assign;

// One StartRematch call: parses the request, runs Engine::StartRematch on a pool thread
// and writes each event the engine hands its sink, waiting for each write to complete
// (the callback API allows one write in flight). Deletes itself when the call is done.
//
// Thread safety: gRPC calls the On* methods on its threads, the sink runs on the engine's
// run thread and Run on a pool thread; the shared state is behind mu_.
class RematchStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  RematchStream(const internal::CallResources& resources, grpc::CallbackServerContext* context)
      : engine_(resources.engine), tracker_(resources.tracker), metrics_(resources.metrics),
        context_(context) {}

  // Starts serving the call with the raw request `raw_request` (gRPC's, valid until the
  // call is done) on `resources`' long-call pool. The stream is one call of its token's
  // rate limit.
  void Start(const internal::CallResources& resources, const grpc::ByteBuffer* raw_request) {
    WorkerPool* pool = resources.long_calls;
    admitted_ = tracker_->Enter();
    if (!admitted_) {
      Finish(ToGrpcStatus(internal::Draining()));
      return;
    }
    absl::StatusOr<std::shared_ptr<const access::Caller>> caller = internal::AdmitCaller(resources, context_);
    if (!caller.ok()) {
      Finish(ToGrpcStatus(caller.status()));
      return;
    }
    caller_ = *std::move(caller);
    grpc::ByteBuffer bytes(*raw_request);
    if (absl::Status parsed = ParseMessage(&bytes, &request_); !parsed.ok()) {
      Finish(ToGrpcStatus(parsed));
      return;
    }
    if (!pool->TrySubmit([this] { Run(); })) Finish(ToGrpcStatus(internal::PoolExhausted(*pool)));
  }

  void OnWriteDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    write_ok_ = ok;
    writing_ = false;
  }
  void OnCancel() override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  void OnDone() override {
    if (admitted_) tracker_->Exit();
    delete this;
  }

 private:
  void Run() {
    absl::Status status;
    if (context_->IsCancelled()) {
      status = internal::CancelledBeforeStart("StartRematch");
    } else {
      // The sink runs on the engine's run thread while this thread waits inside
      // StartRematch, so it may borrow `this`.
      const absl::Time start = absl::Now();
      status = engine_->StartRematch(*caller_, request_,
                                     [this](const v1::RematchEvent& event) { return Write(event); });
      if (metrics_ != nullptr) metrics_->RematchFinished(status, absl::Now() - start);
    }
    Finish(ToGrpcStatus(status));  // The last touch of `this`: OnDone may delete it.
  }

  // The engine's sink: writes `event` and waits until it is sent. False (the engine then
  // cancels the run) once the call is cancelled or a write failed.
  bool Write(const v1::RematchEvent& event) ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_ || !write_ok_) return false;
    }
    if (context_->IsCancelled()) return false;
    // pending_ is free: the previous write completed (or the call is cancelled and no
    // write follows). It lives until OnDone, so a write still in flight at a cancel has
    // its bytes.
    if (!internal::Serialize(event, &pending_).ok()) return false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = true;
    }
    StartWrite(&pending_);
    absl::MutexLock lock(&mu_);
    auto settled = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !writing_ || cancelled_; };
    mu_.Await(absl::Condition(&settled));
    if (cancelled_) write_ok_ = false;  // Never start another write after a cancel.
    return write_ok_;
  }

  // Set at construction or in Start (before any operation of the call runs).
  Engine* const engine_;                        // Borrowed.
  CallTracker* const tracker_;                  // Borrowed.
  ServiceMetrics* const metrics_;               // Borrowed; may be null.
  grpc::CallbackServerContext* const context_;  // gRPC's.
  bool admitted_ = false;                       // Counted in tracker_.
  std::shared_ptr<const access::Caller> caller_;  // Authenticated in Start.
  v1::StartRematchRequest request_;
  grpc::ByteBuffer pending_;  // The event being written; only the sink touches it.

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;   // A write is in flight.
  bool write_ok_ ABSL_GUARDED_BY(mu_) = true;   // No write failed so far.
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;  // OnCancel ran.
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* RematchService::StartRematch(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  auto* stream = new RematchStream(resources_, context);
  stream->Start(resources_, request);
  return stream;
}

grpc::ServerUnaryReactor* RematchService::GetRematch(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::GetRematchRequest, v1::RematchRun>(
      resources_, resources_.long_calls, "GetRematch", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::GetRematchRequest& r, v1::RematchRun* out) {
        return Assign(engine->GetRematch(caller, r), out);
      });
}

grpc::ServerUnaryReactor* RematchService::CancelRematch(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::CancelRematchRequest, v1::RematchRun>(
      resources_, "CancelRematch", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::CancelRematchRequest& r, v1::RematchRun* out) {
        return Assign(engine->CancelRematch(caller, r.run_id()), out);
      });
}

grpc::ServerUnaryReactor* RematchService::ListRematches(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::ListRematchesRequest, v1::ListRematchesResponse>(
      resources_, resources_.long_calls, "ListRematches", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ListRematchesRequest& r,
                                   v1::ListRematchesResponse* out) {
        return Assign(engine->ListRematches(caller, r), out);
      });
}

}  // namespace w2w::service
