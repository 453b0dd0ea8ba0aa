// Server: the running gRPC server of w2w — every w2w.v1 service over one Engine, plus the
// standard health service (grpc.health.v1) and reflection (grpc.reflection.v1alpha).
//
// Every RPC is served on gRPC's callback API with raw messages (one class per proto
// service, *_service.h): the cheapest calls run inline on gRPC's callback threads, the
// CPU-heavy and blocking short ones (Shortlist, writes) one at a time inline and the rest
// on a work pool, and the long ones
// (imports, rematch streams, listings) on a pool of at most ServerOptions::threads
// threads (worker_pool.h, internal/callback_call.h), so a rematch never delays a Ping
// or a Shortlist.
//
// Transport: TLS when ServerOptions::tls is set (mutual TLS when it names client CAs);
// without TLS only loopback addresses are accepted (listen_address.h), so plaintext never
// leaves the machine. docs/security.md "Transport (TLS)".
//
// Life cycle: Start() -> SetServing(true) -> ... -> Shutdown(grace) -> Wait() -> destroy.
//
// Thread safety: Shutdown() and SetServing() may be called from any thread (e.g. a signal
// thread) while another thread is in Wait().
#ifndef W2W_SERVICE_SERVER_H_
#define W2W_SERVICE_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/access/rate_limiter.h"
#include "engine/engine.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "service/call_tracker.h"
#include "service/service_metrics.h"
#include "service/internal/refusal_delay.h"
#include "service/worker_pool.h"

namespace w2w::service {

// The default bound of long calls at once (threads of the WorkerPool, started on demand):
// far more imports and rematch streams than a deployment runs at once, so that they are
// never refused in practice; the bound only stops a runaway client.
inline constexpr int kDefaultThreads = 1024;
inline constexpr int kDefaultMaxReceiveMessageBytes = 4 << 20;  // gRPC's own default, 4 MiB.
// Per-token rate limit of coach and partner tokens, calls per second: far above what a
// coach's screen or a partner's sync sends, so only a runaway or abusive client meets it.
inline constexpr double kDefaultRateLimitPerToken = 2000;
// Items (records) one import stream may carry: ten times the national dataset.
inline constexpr uint64_t kDefaultMaxStreamItems = 10'000'000;

// TLS on the listening port, as PEM text (main.cc reads the files named by the flags).
struct ServerTlsOptions {
  // The server's certificate, followed by any intermediate CA certificates.
  std::string cert_chain_pem;
  // The certificate's private key, unencrypted.
  std::string private_key_pem;
  // Empty: any client may connect (server-side TLS only). Else mutual TLS: the CA
  // certificates that must have signed a client's certificate; a client without a
  // certificate, or with one these do not verify, fails the handshake (the client sees
  // UNAVAILABLE) before any RPC runs.
  std::string client_ca_pem;
};

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see Server::port()). Without `tls`
  // it must be a loopback address (IsLoopbackAddress in listen_address.h).
  std::string address = "127.0.0.1:50051";
  // TLS on the port; nullopt = plaintext, on loopback only.
  std::optional<ServerTlsOptions> tls;
  // Upper bound on the WorkerPool's threads, i.e. on the long calls (imports, rematch
  // streams, ListCandidates/ListVacancies/ListRematches, GetRematch) that run at once;
  // each holds a thread for its whole life. A long call past the bound is answered at
  // once with RESOURCE_EXHAUSTED "Threadpool exhausted ..."; short calls are not counted
  // and never refused for it. At least 4.
  int threads = kDefaultThreads;
  // Requests above this many bytes are refused by gRPC with RESOURCE_EXHAUSTED before any
  // handler runs.
  int max_receive_message_bytes = kDefaultMaxReceiveMessageBytes;
  // Per-token rate limits (token buckets keyed by token id, engine/access/rate_limiter.h),
  // taken once per call right after authentication, a stream counting as one call: a
  // call over its token's limit is refused with RESOURCE_EXHAUSTED "rate limit: token 'x'
  // is over N calls/s (burst B); retry after T ms" and the trailing metadata
  // `retry-after-ms: T`. A unary call's refusal is answered after about T (at most
  // 250 ms, at most 64 held per token; internal/refusal_delay.h), its T then being what is
  // left, so a flooding client cannot make the server refuse faster than its rate.
  // `rate_limit` applies to coach and partner tokens,
  // `admin_rate_limit` to administrator tokens (operators and tools: imports,
  // benchmarks); calls_per_second 0 = no limit.
  access::RateLimit rate_limit{kDefaultRateLimitPerToken, kDefaultRateLimitPerToken};
  access::RateLimit admin_rate_limit;  // No limit.
  // Items (records, or unreadable items) one ImportCandidates or PushVacancies stream may
  // carry; a message that would go past it ends the stream with RESOURCE_EXHAUSTED
  // naming --max_stream_items (batches committed before stay committed). Every stream
  // message carries at least one item, so this bounds the messages per stream too.
  uint64_t max_stream_items = kDefaultMaxStreamItems;
  // One JSON line per call on stderr (method, code, duration, token name; no personal
  // data): internal/rpc_interceptor.h.
  bool log_calls = false;
  // Count every call in the metrics (the interceptor of internal/rpc_interceptor.h);
  // false only to measure what that costs (bench/metrics_cost.sh). --log_calls needs it.
  bool rpc_metrics = true;
};

// Checks `options` without starting anything, so that main can refuse bad ones before
// it opens the store. Server::Start checks them too. Errors: INVALID_ARGUMENT naming the
// option: threads, max_message_mb, rate limits (negative), max_stream_items (0), address (not host:port, or not loopback without TLS),
// an empty TLS certificate or key. Whether the PEM parses is gRPC's to say (Start).
absl::Status CheckServerOptions(const ServerOptions& options);

// The credentials of the port: TLS from `tls` (mutual TLS when it names client CAs), else
// plaintext.
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const std::optional<ServerTlsOptions>& tls);

// UNAVAILABLE naming the address (and the TLS pair when there is one): gRPC could not
// listen as `options` asks.
absl::Status CannotListen(const ServerOptions& options);
// "host:port" of `options.address` with the port gRPC bound.
std::string BoundAddress(const ServerOptions& options, int port);

// The full names of the w2w services the server serves (health reports each by name).
const std::vector<std::string>& ServedServiceNames();

class Server {
 public:
  // Builds and starts the server over `engine` (borrowed; must outlive the Server).
  // Health starts NOT_SERVING: call SetServing(true) when ready.
  // Errors: INVALID_ARGUMENT for bad options (CheckServerOptions); UNAVAILABLE when the
  // address cannot be bound (in use, bad host) or gRPC refuses the TLS certificate and key
  // (e.g. a key that does not belong to the certificate).
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                                       Engine* engine);
  // Shuts down immediately if Shutdown() was not called, then waits for the server.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port actually bound, and "host:port" with it (e.g. "127.0.0.1:43121").
  int port() const { return port_; }
  const std::string& address() const { return address_; }

  // The metrics of every call, rematch and import, and the engine's gauges, for /metrics.
  const metrics::Registry& metrics() const { return metrics_->registry(); }

  // A channel to this server inside the process (no socket, no TLS): the HTTP edge
  // calls the w2w services through it, so its calls meet the same authentication,
  // scopes, limits and audit as any client's.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Sets the health status of the server ("") and every w2w service.
  void SetServing(bool serving);

  // What Shutdown did.
  struct ShutdownReport {
    bool drained = true;        // Every call finished within the grace period.
    int rematches_stopped = 0;  // Rematch runs stopped at its end (kept INCOMPLETE).
  };
  // Health NOT_SERVING; new calls are refused with UNAVAILABLE; in-flight calls may
  // finish for up to `grace`. Then the streams still open are told and end on their own
  // (up to kStopStreamsWait): a running rematch is stopped and kept INCOMPLETE, an import
  // stream stops with its committed batches kept, each answering UNAVAILABLE with a
  // message that says so; what still runs after that is cancelled (handlers see
  // IsCancelled(), streams OnCancel) and client connections are closed. Returns as soon as
  // all handlers have returned (not after the whole grace period when nothing runs).
  // Idempotent (a second call reports nothing stopped).
  ShutdownReport Shutdown(absl::Duration grace);
  // How long streams told to stop at the end of the grace period may take to answer.
  static constexpr absl::Duration kStopStreamsWait = absl::Seconds(2);

  // Blocks until Shutdown() completed.
  void Wait();

 private:
  Server(Engine* engine, std::unique_ptr<ServiceMetrics> metrics, std::unique_ptr<CallTracker> tracker, std::unique_ptr<access::RateLimiter> limiter,
         std::unique_ptr<internal::RefusalDelay> delay,
         std::unique_ptr<WorkerPool> long_calls, std::unique_ptr<WorkerPool> work,
         std::vector<std::unique_ptr<grpc::Service>> services,
         std::unique_ptr<grpc::Server> server, int port, std::string address);

  // The tracker, the pools and the services must outlive server_, so they are declared
  // first (the pools' destructors join their threads after server_ is gone and every
  // call is done). They are allocated so that their addresses are stable before the Server
  // exists.
  Engine* const engine_;  // Borrowed.
  std::unique_ptr<ServiceMetrics> metrics_;
  std::unique_ptr<CallTracker> tracker_;
  std::unique_ptr<access::RateLimiter> limiter_;  // Per-token buckets of every call.
  std::unique_ptr<internal::RefusalDelay> delay_;  // Holds unary rate-limit refusals.
  std::unique_ptr<WorkerPool> long_calls_;  // Imports, rematch streams, listings.
  std::unique_ptr<WorkerPool> work_;        // Shortlist, MatchCandidate, writes.
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  const int port_;
  const std::string address_;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_SERVER_H_
