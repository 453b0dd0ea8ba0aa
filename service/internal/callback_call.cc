#include "service/internal/callback_call.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace w2w::service::internal {

absl::Status Draining() {
  return absl::UnavailableError("server is shutting down; retry on another");
}

absl::Status PoolExhausted(const WorkerPool& pool) {
  // "Threadpool exhausted" is the wording gRPC's sync server used for the same refusal.
  return absl::ResourceExhaustedError(absl::StrCat(
      "Threadpool exhausted: all ", pool.max_threads(),
      " worker threads (--threads) run long calls (imports, rematch streams, listings); "
      "retry later"));
}

absl::Status CancelledBeforeStart(absl::string_view method) {
  return absl::CancelledError(absl::StrCat(
      method, " cancelled before it ran (client cancelled or deadline passed)"));
}

namespace {

// A call over its token's rate limit.
struct OverLimit {
  std::string key;  // The token's bucket.
  std::string name;
  access::RateLimit limit;
  absl::Duration retry_after;
};

// Authenticates the call and takes it from its token's bucket. Returns the caller, or
// UNAUTHENTICATED; when the bucket is empty, returns no caller and an OK status with
// `*over` filled in.
absl::StatusOr<std::shared_ptr<const access::Caller>> AuthenticateAndLimit(
    const CallResources& resources, grpc::ServerContextBase* context, OverLimit* over) {
  absl::StatusOr<std::shared_ptr<const access::Caller>> caller = Authenticate(*resources.engine, *context);
  const CallLimits& limits = resources.limits;
  if (!caller.ok() || limits.limiter == nullptr) return caller;
  const access::Caller& who = **caller;
  const access::RateLimit& limit = who.admin() ? limits.admin_rate_limit : limits.rate_limit;
  if (limit.unlimited()) return caller;  // Skips the clock too.
  const std::string& key = who.token.id().empty() ? who.name() : who.token.id();
  const access::RateLimiter::Decision decision = limits.limiter->Admit(key, limit, absl::Now());
  if (decision.admitted) return caller;
  *over = OverLimit{key, who.name(), limit, decision.retry_after};
  return std::shared_ptr<const access::Caller>();
}

// The refusal of `over` after `held` of its wait has passed: the trailing hint and the
// message say what is left of it.
absl::Status Refuse(const OverLimit& over, absl::Duration held, grpc::ServerContextBase* context) {
  const absl::Duration left = over.retry_after - held;
  context->AddTrailingMetadata(kRetryAfterMetadata, absl::StrCat(access::RetryAfterMs(left)));
  return access::RateLimitExceeded(over.name, over.limit, left);
}

// The latest a refusal of the call may be answered: before its deadline, so that the
// client sees the refusal, not a timeout. Zero when there is no time for a hold.
absl::Duration TimeToAnswer(const grpc::CallbackServerContext& context) {
  // Room for a late wake-up of the delay's thread and the answer's way back.
  constexpr absl::Duration kDeadlineMargin = absl::Milliseconds(25);
  // deadline() is the far future without one; subtracting now cannot overflow.
  const absl::Duration to_deadline =
      absl::FromChrono(context.deadline() - std::chrono::system_clock::now());
  return std::max(absl::ZeroDuration(), to_deadline - kDeadlineMargin);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const access::Caller>> AdmitCaller(const CallResources& resources,
                                                                  grpc::ServerContextBase* context) {
  OverLimit over;
  absl::StatusOr<std::shared_ptr<const access::Caller>> caller =
      AuthenticateAndLimit(resources, context, &over);
  if (caller.ok() && *caller == nullptr) return Refuse(over, absl::ZeroDuration(), context);
  return caller;
}

std::shared_ptr<const access::Caller> AdmitUnaryOrFinish(const CallResources& resources,
                                                         grpc::CallbackServerContext* context,
                                                         grpc::ServerUnaryReactor* reactor) {
  OverLimit over;
  absl::StatusOr<std::shared_ptr<const access::Caller>> caller =
      AuthenticateAndLimit(resources, context, &over);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return nullptr;
  }
  if (*caller != nullptr) return *std::move(caller);
  RefusalDelay* delay = resources.limits.delay;
  const absl::Duration time_left = TimeToAnswer(*context);
  if (delay != nullptr && time_left > absl::ZeroDuration()) {
    const absl::Time now = absl::Now();
    const absl::Duration spacing = absl::Seconds(1.0 / over.limit.calls_per_second);
    // The context and reactor stay valid until Finish; a cancelled call is finished too.
    const bool held = delay->Hold(over.key, now + over.retry_after, spacing, now + time_left,
                                  [over, context, reactor](absl::Duration held) {
                                    reactor->Finish(ToGrpcStatus(Refuse(over, held, context)));
                                  });
    if (held) return nullptr;  // Else too many are held: answer now.
  }
  reactor->Finish(ToGrpcStatus(Refuse(over, absl::ZeroDuration(), context)));
  return nullptr;
}

absl::Status Serialize(const google::protobuf::Message& message, grpc::ByteBuffer* out) {
  out->Clear();  // gRPC's serializer writes into an empty buffer only.
  bool own_buffer = false;
  const grpc::Status status =
      grpc::SerializationTraits<google::protobuf::Message>::Serialize(message, out, &own_buffer);
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("cannot serialize the response ", message.GetTypeName(), ": ",
                   status.error_message()));
}

}  // namespace w2w::service::internal
