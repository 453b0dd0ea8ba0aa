#include "service/server.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpc/impl/codegen/grpc_types.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "service/access_service.h"
#include "service/admin_service.h"
#include "service/audit_service.h"
#include "service/outcome_service.h"
#include "service/candidate_service.h"
#include "service/internal/callback_call.h"
#include "service/internal/rpc_interceptor.h"
#include "service/listen_address.h"
#include "service/match_service.h"
#include "service/policy_service.h"
#include "service/rematch_service.h"
#include "service/server_info_service.h"
#include "service/taxonomy_service.h"
#include "service/vacancy_service.h"
#include "service/watch_service.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/match.grpc.pb.h"
#include "w2w/v1/policy.grpc.pb.h"
#include "w2w/v1/rematch.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"
#include "w2w/v1/taxonomy.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w::service {
namespace {

// The smallest --threads accepted (kept from the sync server, whose pool needed a few
// threads of its own to poll).
constexpr int kMinThreads = 4;
// Threads of the work pool (Shortlist, MatchCandidate, writes), started on demand; past
// this many calls at once they queue. As many as the sync server allowed: scoring is
// CPU-bound, so more threads than cores buy nothing (4 threads measured no faster than
// 1,024, docs/server_api_choice.md), but idle ones cost nothing, and concurrent writes
// waiting on one group commit each hold one, so more of them share a commit.
constexpr int kWorkThreads = kDefaultThreads;
// How many work-pool calls may run inline on gRPC's callback threads at once: one, so a
// lone Shortlist skips the hand-off, and under load all but one of gRPC's few threads
// keep polling (docs/server_api_choice.md).
constexpr int kInlineWorkCalls = 1;
// A unary handler leaves the CallTracker when it calls Finish, before gRPC has sent the
// response: give the last responses this long to reach the wire before the forced
// shutdown cancels whatever is still open.
constexpr absl::Duration kResponseFlushMargin = absl::Milliseconds(300);

// The host part of "host:port" ("[::1]:0" -> "[::1]"), to print the bound address.
std::string HostOf(const std::string& address) {
  const size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const std::optional<ServerTlsOptions>& maybe_tls) {
  if (!maybe_tls.has_value()) return grpc::InsecureServerCredentials();
  const ServerTlsOptions& tls = *maybe_tls;
  grpc::SslServerCredentialsOptions ssl(
      tls.client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = tls.client_ca_pem;
  ssl.pem_key_cert_pairs.push_back({tls.private_key_pem, tls.cert_chain_pem});
  return grpc::SslServerCredentials(ssl);
}

absl::Status CannotListen(const ServerOptions& options) {
  return absl::UnavailableError(absl::StrCat(
      "address: cannot listen on '", options.address, "' (in use or not a local address",
      options.tls.has_value()
          ? ", or gRPC refused the TLS certificate and key: is the key the certificate's?"
          : "",
      ")"));
}

std::string BoundAddress(const ServerOptions& options, int port) {
  return absl::StrCat(HostOf(options.address), ":", port);
}

const std::vector<std::string>& ServedServiceNames() {
  static const auto* const names = new std::vector<std::string>{
      v1::CandidateService::service_full_name(), v1::VacancyService::service_full_name(),
      v1::MatchService::service_full_name(),     v1::RematchService::service_full_name(),
      v1::PolicyService::service_full_name(),    v1::TaxonomyService::service_full_name(),
      v1::ServerInfoService::service_full_name(), v1::AccessService::service_full_name(),
      v1::AuditService::service_full_name(),     v1::PrivacyService::service_full_name(),
      v1::OutcomeService::service_full_name(),   v1::ReportService::service_full_name(),
      v1::AdminService::service_full_name(),     v1::WatchService::service_full_name()};
  return *names;
}

absl::Status CheckServerOptions(const ServerOptions& options) {
  if (options.threads < kMinThreads) {
    return absl::InvalidArgumentError(
        absl::StrCat("threads: ", options.threads, " is below the minimum of ", kMinThreads));
  }
  if (options.max_receive_message_bytes <= 0) {
    return absl::InvalidArgumentError("max_message_mb: must be positive");
  }
  for (const auto& [name, limit] : {std::pair{"rate_limit_per_token", options.rate_limit},
                                     std::pair{"admin_rate_limit_per_token", options.admin_rate_limit}}) {
    if (limit.calls_per_second < 0 || limit.burst < 0) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": rate and burst must be >= 0 (0 = no limit)"));
    }
  }
  if (options.max_stream_items == 0) {
    return absl::InvalidArgumentError("max_stream_items: must be positive");
  }
  if (options.address.empty() || options.address.rfind(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("address: '", options.address, "' is not host:port"));
  }
  if (!options.tls.has_value()) {
    if (!IsLoopbackAddress(options.address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "address: '", options.address,
          "' is not a loopback address, and without TLS the server listens on loopback only "
          "(127.0.0.0/8, [::1], localhost); set --tls_cert_file and --tls_key_file to serve "
          "other hosts"));
    }
    return absl::OkStatus();
  }
  if (options.tls->cert_chain_pem.empty()) {
    return absl::InvalidArgumentError("tls_cert_file: the certificate is empty");
  }
  if (options.tls->private_key_pem.empty()) {
    return absl::InvalidArgumentError("tls_key_file: the private key is empty");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                                      Engine* engine) {
  if (absl::Status checked = CheckServerOptions(options); !checked.ok()) return checked;

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.address, ServerCredentialsFor(options.tls), &port);
  // gRPC sets SO_REUSEPORT by default: a second server on a busy port would start and
  // share it silently. Refuse instead, so "address in use" is a clear start-up error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);

  auto metrics = std::make_unique<ServiceMetrics>(engine);
  if (options.rpc_metrics || options.log_calls) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
    interceptors.push_back(std::make_unique<internal::RpcInterceptorFactory>(
        metrics.get(), options.log_calls ? engine : nullptr));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }

  auto tracker = std::make_unique<CallTracker>();
  auto limiter = std::make_unique<access::RateLimiter>();
  auto delay = std::make_unique<internal::RefusalDelay>();
  auto long_calls = std::make_unique<WorkerPool>(options.threads, WorkerPool::WhenBusy::kRefuse);
  auto work = std::make_unique<WorkerPool>(kWorkThreads, WorkerPool::WhenBusy::kQueue,
                                          kInlineWorkCalls);
  internal::CallResources resources{engine, tracker.get(), long_calls.get(), work.get()};
  resources.metrics = metrics.get();
  resources.limits = {limiter.get(), options.rate_limit, options.admin_rate_limit,
                      options.max_stream_items, delay.get()};
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<CandidateService>(resources));
  services.push_back(std::make_unique<VacancyService>(resources));
  services.push_back(std::make_unique<MatchService>(resources));
  services.push_back(std::make_unique<RematchService>(resources));
  services.push_back(std::make_unique<PolicyService>(resources));
  services.push_back(std::make_unique<TaxonomyService>(resources));
  services.push_back(std::make_unique<ServerInfoService>(resources));
  services.push_back(std::make_unique<AccessService>(resources));
  services.push_back(std::make_unique<AuditService>(resources));
  services.push_back(std::make_unique<PrivacyService>(resources));
  services.push_back(std::make_unique<OutcomeService>(resources));
  services.push_back(std::make_unique<ReportService>(resources));
  services.push_back(std::make_unique<AdminService>(resources));
  services.push_back(std::make_unique<WatchService>(resources));
  for (const auto& service : services) builder.RegisterService(service.get());

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) return CannotListen(options);
  std::string address = BoundAddress(options, port);
  auto result = std::unique_ptr<Server>(new Server(engine, std::move(metrics), std::move(tracker), std::move(limiter),
                                                   std::move(delay),
                                                   std::move(long_calls),
                                                   std::move(work),
                                                   std::move(services), std::move(server), port,
                                                   std::move(address)));
  result->SetServing(false);
  return result;
}

Server::Server(Engine* engine, std::unique_ptr<ServiceMetrics> metrics, std::unique_ptr<CallTracker> tracker, std::unique_ptr<access::RateLimiter> limiter,
               std::unique_ptr<internal::RefusalDelay> delay, std::unique_ptr<WorkerPool> long_calls, std::unique_ptr<WorkerPool> work,
               std::vector<std::unique_ptr<grpc::Service>> services,
               std::unique_ptr<grpc::Server> server, int port, std::string address)
    : engine_(engine),
      metrics_(std::move(metrics)),
      tracker_(std::move(tracker)),
      limiter_(std::move(limiter)),
      delay_(std::move(delay)),
      long_calls_(std::move(long_calls)),
      work_(std::move(work)),
      services_(std::move(services)),
      server_(std::move(server)),
      port_(port),
      address_(std::move(address)) {}

Server::~Server() {
  (void)Shutdown(absl::ZeroDuration());  // Normally a no-op: main shut down already.
  server_->Wait();
}

std::shared_ptr<grpc::Channel> Server::InProcessChannel() {
  grpc::ChannelArguments args;
  // The HTTP edge's answers (a shortlist of 1,000 with explanations) may pass 4 MiB.
  args.SetMaxReceiveMessageSize(-1);
  return server_->InProcessChannel(args);
}

void Server::SetServing(bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  // The server as a whole ("") and each w2w service by name, so load balancers and
  // Kubernetes probes may check either.
  for (const std::string& name : ServedServiceNames()) health->SetServingStatus(name, serving);
  health->SetServingStatus(serving);
}

Server::ShutdownReport Server::Shutdown(absl::Duration grace) {
  SetServing(false);
  tracker_->StartDraining();
  // Watches never end by themselves: they end now (UNAVAILABLE, naming each one's resume
  // token) instead of holding the drain for its whole grace period.
  engine_->StopWatches();
  delay_->Stop();  // Held refusals are answered now; later ones at once.
  ShutdownReport report;
  report.drained = tracker_->WaitIdle(absl::Now() + grace);
  bool idle = report.drained;
  if (!idle) {
    // Out of grace: tell the streams, which then answer with what they kept.
    tracker_->StopStreams();
    report.rematches_stopped = engine_->StopRematchesForShutdown();
    idle = tracker_->WaitIdle(absl::Now() + kStopStreamsWait);
  }
  // Our calls are done (or out of time). grpc::Server::Shutdown with a deadline would
  // also wait for idle client connections to close, so the deadline is short: the flush
  // margin when the handlers finished (their responses may still be on the way out), now
  // when some still run. It is idempotent.
  const absl::Duration margin = idle ? kResponseFlushMargin : absl::ZeroDuration();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + margin));
  return report;
}

void Server::Wait() { server_->Wait(); }

}  // namespace w2w::service
