#include "service/internal/callback_call.h"

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

absl::StatusOr<std::shared_ptr<const access::Caller>> AdmitCaller(const CallResources& resources,
                                                                  grpc::ServerContextBase* context) {
  absl::StatusOr<std::shared_ptr<const access::Caller>> caller = Authenticate(*resources.engine, *context);
  const CallLimits& limits = resources.limits;
  if (!caller.ok() || limits.limiter == nullptr) return caller;
  const access::Caller& who = **caller;
  const access::RateLimit& limit = who.admin() ? limits.admin_rate_limit : limits.rate_limit;
  if (limit.unlimited()) return caller;  // Skips the clock too.
  const std::string& key = who.token.id().empty() ? who.name() : who.token.id();
  const access::RateLimiter::Decision decision = limits.limiter->Admit(key, limit, absl::Now());
  if (decision.admitted) return caller;
  context->AddTrailingMetadata(kRetryAfterMetadata,
                               absl::StrCat(access::RetryAfterMs(decision.retry_after)));
  return access::RateLimitExceeded(who.name(), limit, decision.retry_after);
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
