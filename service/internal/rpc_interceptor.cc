#include "service/internal/rpc_interceptor.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"

namespace w2w::service::internal {
namespace {

using grpc::experimental::InterceptionHookPoints;

// JSON string content: our method and token names are plain, but escape anyway.
std::string JsonEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out;
}

class RpcInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcInterceptor(ServiceMetrics* metrics, ServiceMetrics::Method* method,
                 grpc::experimental::ServerRpcInfo* info, const Engine* log_engine)
      : metrics_(metrics), method_(method), info_(info), log_engine_(log_engine),
        start_(absl::Now()) {
    metrics_->CallStarted(method_);
  }
  // A call that ends without a status (cancelled before it was sent) counts as CANCELLED.
  ~RpcInterceptor() override {
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !recorded_) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    const absl::Duration elapsed = absl::Now() - start_;
    metrics_->CallFinished(method_, static_cast<int>(code), elapsed);
    if (log_engine_ != nullptr) Log(code, elapsed);
  }

  void Log(grpc::StatusCode code, absl::Duration elapsed) {
    std::string token = "-";
    const auto& metadata = info_->server_context()->client_metadata();
    auto it = metadata.find("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (it != metadata.end()) {
      const std::string_view value(it->second.data(), it->second.size());
      token = "?";  // Sent but not a known token.
      if (value.substr(0, kBearer.size()) == kBearer) {
        auto caller = log_engine_->Authenticate(value.substr(kBearer.size()));
        if (caller.ok()) token = (*caller)->name();
      }
    }
    const std::string line = absl::StrCat(
        "{\"ts\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
        "\",\"method\":\"", JsonEscape(method_->name == "other" ? info_->method() : method_->name),
        "\",\"code\":\"", absl::StatusCodeToString(static_cast<absl::StatusCode>(code)),
        "\",\"ms\":", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(elapsed)),
        ",\"token\":\"", JsonEscape(token), "\"}\n");
    std::fwrite(line.data(), 1, line.size(), stderr);  // One write per line: not interleaved.
  }

  ServiceMetrics* const metrics_;
  ServiceMetrics::Method* const method_;
  grpc::experimental::ServerRpcInfo* const info_;
  const Engine* const log_engine_;
  const absl::Time start_;
  bool recorded_ = false;
};

}  // namespace

grpc::experimental::Interceptor* RpcInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcInterceptor(metrics_, metrics_->ForMethod(info->method()), info, log_engine_);
}

}  // namespace w2w::service::internal
