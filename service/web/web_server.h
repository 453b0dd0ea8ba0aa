// WebServer: the HTTP edge of w2w-server, beside the gRPC port (--http_address): the
// coach's web page, its JSON API, and /metrics for Prometheus (docs/web.md).
//
//   GET  /login, POST /login (form field `token`), POST /logout     the session
//   GET  /, /vacatures/ID, /kandidaten/ID, /rematch, /rapportages, /inzetbaarheid,
//        /meldingen                                                                the pages (one app)
//   POST /api/w2w.v1.Service/Method          a unary RPC, JSON in and out (gateway.h)
//   POST /api/stream/w2w.v1.Service/Method   a server stream, one JSON line per message
//                                            (keep-alive lines while quiet; a watch
//                                            ends with its session, docs/web.md)
//   GET  /assets/...                         the page's files, compiled into the binary
//   GET  /metrics                            Prometheus text format, no session needed
//
// Every page and API call needs a live session (sessions.h), and every API call goes to
// the w2w services through the in-process channel with the session's token, so the page
// sees exactly what the token may see, and its reads are audited like any other client's.
// API calls must send `Content-Type: application/json` (a cross-site form cannot), on top
// of the SameSite=Strict cookie. The same TLS as the gRPC port (cert, key, client CAs);
// without TLS only loopback addresses are accepted.
//
// Thread safety: Start and Stop from one thread; requests are served on httplib's pool.
#ifndef W2W_SERVICE_WEB_WEB_SERVER_H_
#define W2W_SERVICE_WEB_WEB_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/common/metrics.h"
#include "grpcpp/channel.h"
#include "service/server.h"

namespace httplib {
class Server;
}

namespace w2w::service::web {

struct WebOptions {
  // host:port; port 0 picks a free one. Loopback only without `tls`.
  std::string address = "127.0.0.1:8080";
  std::optional<ServerTlsOptions> tls;
  // A session ends this long after login (or when its token expires, if sooner).
  absl::Duration session_ttl = absl::Hours(8);
  // Deadline of one API call made for the page; a rematch stream gets `stream_timeout`.
  absl::Duration call_timeout = absl::Seconds(30);
  absl::Duration stream_timeout = absl::Hours(1);
  // A watch (WatchService.Watch) never ends by itself: the edge ends it when the
  // session ends (logout or expiry, noticed within `keepalive_interval`), or after
  // `watch_timeout` if that is sooner (DEADLINE_EXCEEDED). The page opens it again with
  // its last resume token on any end but a logout.
  absl::Duration watch_timeout = absl::InfiniteDuration();
  // A stream with nothing to send writes a keep-alive line this often: the page learns
  // the connection is alive, and the edge learns that a page went away (the write
  // fails) and ends the call, instead of holding its thread until the next event.
  absl::Duration keepalive_interval = absl::Seconds(10);
};

// Checks `options` without starting anything (main calls it before opening the store).
// Errors as WebServer::Start's INVALID_ARGUMENT.
absl::Status CheckWebOptions(const WebOptions& options);

class Gateway;
class SessionStore;
class StreamSlots;

class WebServer {
 public:
  // Starts serving on a thread of its own. `channel` reaches the w2w services (the
  // Server's InProcessChannel); `metrics` (borrowed, outlives this) is rendered at /metrics.
  // Errors: INVALID_ARGUMENT "http_address: ..." (not host:port, not loopback without
  // TLS); UNAVAILABLE when the address cannot be bound or TLS setup fails.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const WebOptions& options,
                                                          std::shared_ptr<grpc::Channel> channel,
                                                          const metrics::Registry* metrics);
  ~WebServer();  // Stop().
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  int port() const { return port_; }
  const std::string& address() const { return address_; }  // host:port as bound.
  // "http://host:port" or "https://...".
  std::string url() const;

  // Stops accepting, waits for the requests being served, joins the thread. Idempotent.
  void Stop();

 private:
  WebServer() = default;

  WebOptions options_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<StreamSlots> stream_slots_;
  const metrics::Registry* metrics_ = nullptr;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
  std::string address_;
};

}  // namespace w2w::service::web

#endif  // W2W_SERVICE_WEB_WEB_SERVER_H_
