// ImportReactor: serves one client-streaming import call (ImportCandidates,
// PushVacancies) on gRPC's callback API. The stream is drained on a WorkerPool thread by
// a blocking body (DrainImport in import_stream.h), for which this reactor turns the
// callback API's reads into a blocking "read next" and its cancellation into a poll.
// Not part of the layer's API.
//
// End of stream or broken call: the callback API reports both a clean half-close and a
// read that failed because the call broke (e.g. a message over --max_message_mb, which
// gRPC refuses with RESOURCE_EXHAUSTED before we see it) as OnReadDone(false). Only the
// broken call is also cancelled, and gRPC may report that (OnCancel) just after the failed
// read. So after a read that returns no message the reactor waits up to
// kBrokenCallSettle for OnCancel before it calls the stream complete; a broken import
// then ends like a cancelled one (the unfinished batch is not committed), as it did on
// the sync API, and a clean import is acknowledged that much later.
//
// Thread safety: gRPC calls the On* methods on its threads; the body runs on one pool
// thread; the shared state is behind mu_.
#ifndef W2W_SERVICE_INTERNAL_IMPORT_REACTOR_H_
#define W2W_SERVICE_INTERNAL_IMPORT_REACTOR_H_

#include <functional>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/call.h"
#include "service/internal/callback_call.h"
#include "w2w/v1/common.pb.h"

namespace w2w::service::internal {

class ImportReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  // How long a stream that ended without a message waits for gRPC to report a broken call.
  static constexpr absl::Duration kBrokenCallSettle = absl::Milliseconds(5);
  // How often a read that waits for the client looks whether the drain stopped the streams.
  static constexpr absl::Duration kStopPoll = absl::Milliseconds(50);

  // Drains the whole stream with `body(cancelled, next, &summary)` and answers OK with
  // the summary, or the body's status. The body polls `cancelled` (client cancelled,
  // deadline passed, the call broke, or the drain stopped the streams at the end of its
  // grace period: then the call answers UNAVAILABLE with what was committed).
  using Body = std::function<absl::Status(const access::Caller& caller, IsCancelled cancelled,
                                          ReadNext<grpc::ByteBuffer> next, v1::ImportSummary* summary)>;

  // Serves the call: UNAVAILABLE while draining, UNAUTHENTICATED without a valid token,
  // RESOURCE_EXHAUSTED over the token's rate limit (the whole stream is one call; with
  // `retry-after-ms` trailing metadata) or when the pool is full, else sends the initial metadata at once (so a client can tell an admitted
  // stream, ClientWriter::WaitForInitialMetadata) and runs `body` on the pool. The reactor deletes itself when the call is done.
  // `context` and `response` are gRPC's, valid until then. `kind` ("candidates",
  // "vacancies", "events") names the stream's items in the metrics.
  static grpc::ServerReadReactor<grpc::ByteBuffer>* Start(const CallResources& resources,
                                                          std::string_view kind,
                                                          grpc::CallbackServerContext* context,
                                                          grpc::ByteBuffer* response, Body body);

  void OnReadDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnCancel() override ABSL_LOCKS_EXCLUDED(mu_);
  void OnDone() override;

 private:
  ImportReactor(const CallResources& resources, std::string_view kind,
                grpc::CallbackServerContext* context, grpc::ByteBuffer* response, Body body);
  // The pool thread's work: the body, then Finish.
  void Run();
  // Blocking read of the next message into `*out`; false at the end or when broken.
  bool Next(grpc::ByteBuffer* out) ABSL_LOCKS_EXCLUDED(mu_);
  bool Cancelled() ABSL_LOCKS_EXCLUDED(mu_);

  // Set at construction.
  CallTracker* const tracker_;               // Borrowed.
  ServiceMetrics* const metrics_;            // Borrowed; may be null.
  const std::string_view kind_;              // A literal.
  std::shared_ptr<const access::Caller> caller_;  // Set by Start before the body runs.
  WorkerPool* const pool_;                   // Borrowed.
  grpc::CallbackServerContext* const context_;  // gRPC's.
  grpc::ByteBuffer* const response_;         // gRPC's.
  const Body body_;
  // Whether the call was counted in tracker_ (then OnDone ends it there). Set by Start
  // before any operation of the call begins.
  bool admitted_ = false;

  absl::Mutex mu_;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;  // A read is outstanding.
  bool read_ok_ ABSL_GUARDED_BY(mu_) = false;  // The last read brought a message.
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;  // OnCancel ran.
};

}  // namespace w2w::service::internal

#endif  // W2W_SERVICE_INTERNAL_IMPORT_REACTOR_H_
