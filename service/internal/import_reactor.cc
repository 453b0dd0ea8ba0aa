#include "service/internal/import_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"

#include "service/status.h"

namespace w2w::service::internal {

grpc::ServerReadReactor<grpc::ByteBuffer>* ImportReactor::Start(
    const CallResources& resources, std::string_view kind, grpc::CallbackServerContext* context,
    grpc::ByteBuffer* response, Body body) {
  auto* reactor = new ImportReactor(resources, kind, context, response, std::move(body));
  reactor->admitted_ = reactor->tracker_->Enter();
  if (!reactor->admitted_) {
    reactor->Finish(ToGrpcStatus(Draining()));
    return reactor;
  }
  absl::StatusOr<std::shared_ptr<const access::Caller>> caller = AdmitCaller(resources, context);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  reactor->caller_ = *std::move(caller);
  if (!reactor->pool_->TrySubmit([reactor] { reactor->Run(); })) {
    reactor->Finish(ToGrpcStatus(PoolExhausted(*reactor->pool_)));
  } else {
    // Tells the client at once that the stream was admitted (it may wait for the initial
    // metadata); a refusal above tells it with the status.
    reactor->StartSendInitialMetadata();
  }
  return reactor;
}

ImportReactor::ImportReactor(const CallResources& resources, std::string_view kind,
                             grpc::CallbackServerContext* context, grpc::ByteBuffer* response,
                             Body body)
    : tracker_(resources.tracker),
      metrics_(resources.metrics),
      kind_(kind),
      pool_(resources.long_calls),
      context_(context),
      response_(response),
      body_(std::move(body)) {}

void ImportReactor::Run() {
  v1::ImportSummary summary;
  absl::Status status = body_(*caller_, [this] { return Cancelled(); },
                              [this](grpc::ByteBuffer* out) { return Next(out); }, &summary);
  if (metrics_ != nullptr) metrics_->ImportFinished(kind_, summary);
  if (status.code() == absl::StatusCode::kCancelled && tracker_->streams_stopping()) {
    // Stopped by the drain, not by the client: say so, and what stays (a retryable code).
    status = absl::UnavailableError(absl::StrCat(
        "the server is shutting down and stopped this stream at the end of its grace period: ",
        status.message(), "; send the rest again when the server is back"));
  }
  if (status.ok()) status = Serialize(summary, response_);
  Finish(ToGrpcStatus(status));  // The last touch of `this`: OnDone may delete it.
}

bool ImportReactor::Next(grpc::ByteBuffer* out) {
  {
    absl::MutexLock lock(&mu_);
    reading_ = true;
  }
  StartRead(out);  // gRPC always answers with OnReadDone, also when the call is cancelled.
  absl::MutexLock lock(&mu_);
  auto read_done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !reading_; };
  // A client that stalls mid-stream holds the read open: look at the drain meanwhile, and
  // leave the read outstanding when it stops the streams (Finish then ends the call, and
  // gRPC completes the read as failed before OnDone).
  while (!mu_.AwaitWithTimeout(absl::Condition(&read_done), kStopPoll)) {
    if (tracker_->streams_stopping()) return false;
  }
  if (read_ok_) return true;
  // End of stream or a broken call: give gRPC a moment to report the latter (see the
  // header); Cancelled() then says which.
  auto cancelled = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return cancelled_; };
  mu_.AwaitWithTimeout(absl::Condition(&cancelled), kBrokenCallSettle);
  return false;
}

bool ImportReactor::Cancelled() {
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return true;
  }
  return tracker_->streams_stopping() || context_->IsCancelled();
}

void ImportReactor::OnReadDone(bool ok) {
  absl::MutexLock lock(&mu_);
  read_ok_ = ok;
  reading_ = false;
}

void ImportReactor::OnCancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
}

void ImportReactor::OnDone() {
  if (admitted_) tracker_->Exit();
  delete this;
}

}  // namespace w2w::service::internal
