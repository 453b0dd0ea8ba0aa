// The machinery every service class of this layer shares to serve its RPCs on gRPC's
// callback API with raw messages (grpc::ByteBuffer): admitting a call (CallTracker),
// parsing the request ourselves (message_parse.h, so a request that does not parse is
// INVALID_ARGUMENT naming the field), running the handler inline or on the WorkerPool,
// translating its absl::Status to grpc::Status (ToGrpcStatus, the one place) and
// finishing. The stream reactors are in internal/streams.h. Not part of the layer's API.
//
// Where a handler runs: the cheapest calls (Ping, Get*, taxonomy listings, ExplainMatch)
// run inline on gRPC's callback thread, which saves the hand-off to another thread; the
// short calls that burn CPU or wait for a group commit (Shortlist, MatchCandidate, the
// writes) inline while no other of them runs inline, else on the work pool, so that
// gRPC's few callback threads keep polling (inline
// Shortlists cut throughput at 8 and 64 calls in flight to 0.7-0.8x the sync server's,
// docs/server_api_choice.md); long ones (listings, imports, rematch streams) on the
// long-call pool, so that they never hold a thread the short calls need.
//
// Thread safety: the functions are stateless; CallResources only borrows thread-safe
// objects.
#ifndef W2W_SERVICE_INTERNAL_CALLBACK_CALL_H_
#define W2W_SERVICE_INTERNAL_CALLBACK_CALL_H_

#include <cstdint>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/access/rate_limiter.h"
#include "engine/engine.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/call_tracker.h"
#include "service/internal/auth.h"
#include "service/internal/refusal_delay.h"
#include "service/message_parse.h"
#include "service/service_metrics.h"
#include "service/status.h"
#include "service/worker_pool.h"

namespace w2w::service::internal {

// The per-token and per-stream limits of the calls (ServerOptions says what each means).
struct CallLimits {
  access::RateLimiter* limiter = nullptr;  // Borrowed; nullptr = no rate limits.
  access::RateLimit rate_limit;            // Of coach and partner tokens.
  access::RateLimit admin_rate_limit;      // Of administrator tokens.
  uint64_t max_stream_items = UINT64_MAX;  // Items per import stream (--max_stream_items).
  // Holds unary rate-limit refusals until about when the token may call again
  // (refusal_delay.h); borrowed; nullptr = answer them at once.
  RefusalDelay* delay = nullptr;
};

// What every call needs besides its request, all borrowed (owned by the Server) and
// outliving the gRPC server the services are registered with.
struct CallResources {
  Engine* engine = nullptr;
  CallTracker* tracker = nullptr;  // Counts running calls for graceful shutdown.
  WorkerPool* long_calls = nullptr;  // Runs the long calls; refuses past its bound.
  WorkerPool* work = nullptr;        // Runs CPU-heavy and blocking short calls; queues.
  CallLimits limits;
  ServiceMetrics* metrics = nullptr;  // Rematch runs and import counts; null in tests.
};

// The trailing metadata key of a rate-limit refusal: milliseconds until the token's next
// call would be admitted.
inline constexpr char kRetryAfterMetadata[] = "retry-after-ms";

// The generated service class `Base` with the methods `Raw...` switched to the raw
// callback API, e.g. RawMethods<v1::X::Service, v1::X::WithRawCallbackMethod_A,
// v1::X::WithRawCallbackMethod_B>::type: the generated mixins nested, A outermost. A
// method of the proto left out stays on the sync API.
template <class Base, template <class> class... Raw>
struct RawMethods {
  using type = Base;
};
template <class Base, template <class> class First, template <class> class... Rest>
struct RawMethods<Base, First, Rest...> {
  using type = First<typename RawMethods<Base, Rest...>::type>;
};

// UNAVAILABLE for a call that arrives while the server drains for shutdown.
absl::Status Draining();
// RESOURCE_EXHAUSTED for a long call that finds every WorkerPool thread busy.
absl::Status PoolExhausted(const WorkerPool& pool);
// CANCELLED for a call whose client cancelled or whose deadline passed before it ran.
absl::Status CancelledBeforeStart(absl::string_view method);

// Authenticates the call `context` (auth.h) and takes it from its token's rate limit
// (resources.limits), once per call: a stream is one call. Returns the caller, or
// UNAUTHENTICATED, or RESOURCE_EXHAUSTED "rate limit: token 'x' is over N calls/s (burst
// B); retry after T ms" after adding the trailing metadata `retry-after-ms: T` to
// `context` (so the caller's Finish sends it).
absl::StatusOr<std::shared_ptr<const access::Caller>> AdmitCaller(const CallResources& resources,
                                                                  grpc::ServerContextBase* context);

// AdmitCaller for a unary call: returns the caller, or finishes the call (through
// `reactor`) and returns nullptr. A rate-limit refusal is held by resources.limits.delay
// until about when the token may call again (at most its max_delay, ending before the
// call's deadline), its hint and message then saying what is left of the wait; it is
// answered at once when the delay holds too many. Streams use AdmitCaller: a stream is
// one call, and holding it would hold a long-call thread.
std::shared_ptr<const access::Caller> AdmitUnaryOrFinish(const CallResources& resources,
                                                         grpc::CallbackServerContext* context,
                                                         grpc::ServerUnaryReactor* reactor);

// Serializes `message` into `*out` (replacing its contents). Precondition: out != nullptr.
absl::Status Serialize(const google::protobuf::Message& message, grpc::ByteBuffer* out);

// Moves the value of `result` into `*out`, or returns its error. For handler bodies.
template <typename T>
absl::Status Assign(absl::StatusOr<T> result, T* out) {
  if (!result.ok()) return result.status();
  *out = *std::move(result);
  return absl::OkStatus();
}

// Parses `raw_request` as a Request, runs `body(caller, request, &response)` (returning
// absl::Status) and serializes the response into `*raw_response`. INVALID_ARGUMENT naming
// the field when the request does not parse; CANCELLED when the call was cancelled before.
template <typename Request, typename Response, typename Body>
absl::Status RunUnary(absl::string_view method, const access::Caller& caller,
                      grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
                      grpc::ByteBuffer* raw_response, Body& body) {
  if (context->IsCancelled()) return CancelledBeforeStart(method);
  grpc::ByteBuffer bytes(*raw_request);  // Shares the slices; parsing reads them.
  Request request;
  if (absl::Status parsed = ParseMessage(&bytes, &request); !parsed.ok()) return parsed;
  Response response;
  if (absl::Status done = body(caller, request, &response); !done.ok()) return done;
  return Serialize(response, raw_response);
}

// Serves a unary call inline on the calling (gRPC callback) thread: admits it,
// authenticates its caller (UNAUTHENTICATED before anything else) and takes the call from
// its rate limit (AdmitUnaryOrFinish; RESOURCE_EXHAUSTED with a retry hint), runs RunUnary and
// finishes the call with the translated status. `body` is
// absl::Status(const access::Caller&, const Request&, Response*). Returns the reactor.
template <typename Request, typename Response, typename Body>
grpc::ServerUnaryReactor* ServeUnary(const CallResources& resources, absl::string_view method,
                                     grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* raw_request,
                                     grpc::ByteBuffer* raw_response, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ScopedCall call(resources.tracker);
  if (!call.admitted()) {
    reactor->Finish(ToGrpcStatus(Draining()));
    return reactor;
  }
  std::shared_ptr<const access::Caller> caller = AdmitUnaryOrFinish(resources, context, reactor);
  if (caller == nullptr) return reactor;
  reactor->Finish(ToGrpcStatus(
      RunUnary<Request, Response>(method, *caller, context, raw_request, raw_response, body)));
  return reactor;
}

// As ServeUnary, but runs the call on `pool` (resources.long_calls or resources.work), or
// inline when the pool allows it (WorkerPool::TryEnterInline); RESOURCE_EXHAUSTED at once
// when the pool refuses it (every long-call thread busy).
template <typename Request, typename Response, typename Body>
grpc::ServerUnaryReactor* ServeUnaryOnPool(const CallResources& resources, WorkerPool* pool,
                                           absl::string_view method,
                                           grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* raw_request,
                                           grpc::ByteBuffer* raw_response, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  CallTracker* tracker = resources.tracker;
  if (!tracker->Enter()) {
    reactor->Finish(ToGrpcStatus(Draining()));
    return reactor;
  }
  std::shared_ptr<const access::Caller> caller = AdmitUnaryOrFinish(resources, context, reactor);
  if (caller == nullptr) {
    tracker->Exit();
    return reactor;
  }
  if (pool->TryEnterInline()) {  // Few such calls run: no hand-off (see worker_pool.h).
    const absl::Status status =
        RunUnary<Request, Response>(method, *caller, context, raw_request, raw_response, body);
    // Before Finish: the client's next call may arrive while Finish still sends.
    pool->ExitInline();
    reactor->Finish(ToGrpcStatus(status));
    tracker->Exit();
    return reactor;
  }
  // The call's objects stay valid until Finish; the task touches none of them after it.
  const bool submitted = pool->TrySubmit(
      [method, caller, context, raw_request, raw_response, reactor, tracker, body]() mutable {
        reactor->Finish(ToGrpcStatus(
            RunUnary<Request, Response>(method, *caller, context, raw_request, raw_response, body)));
        tracker->Exit();
      });
  if (!submitted) {
    reactor->Finish(ToGrpcStatus(PoolExhausted(*pool)));
    tracker->Exit();
  }
  return reactor;
}

}  // namespace w2w::service::internal

#endif  // W2W_SERVICE_INTERNAL_CALLBACK_CALL_H_
