#include "service/web/web_server.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <utility>

#include "absl/strings/string_view.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "service/listen_address.h"
#include "service/web/assets.h"
#include "service/web/gateway.h"
#include "service/web/sessions.h"
#include "service/web/stream_slots.h"
#include "w2w/v1/access.grpc.pb.h"

namespace w2w::service::web {
namespace {

constexpr char kCookie[] = "w2w_session";
constexpr size_t kMaxSessions = 10'000;
constexpr size_t kMaxBodyBytes = 4 << 20;  // As the gRPC port's default message limit.
// httplib's worker threads. An open stream holds one for as long as it runs, so the
// streams get at most kMaxStreams of them and the pages' short calls the rest.
constexpr size_t kHttpThreads = 64;
constexpr size_t kMaxStreams = 48;
// A coach with a few tabs open (alerts, a vacancy's live panel, a rematch), plus the
// streams of pages just left, which end at their next keep-alive write.
constexpr size_t kMaxStreamsPerSession = 8;
constexpr char kWatchMethod[] = "w2w.v1.WatchService/Watch";
// What a quiet stream writes every keepalive_interval; no w2w.v1 response has the field.
constexpr char kKeepAliveLine[] = "{\"keepalive\":{}}\n";
constexpr char kSessionEnded[] = "session: ended (logged out or expired); log in at /login";

// HTTP status for a gRPC code, so the page (and curl) can tell a refusal from a failure.
int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// {"code":"NOT_FOUND","message":"..."}: the error body of every API answer.
std::string ErrorJson(const absl::Status& status) {
  return absl::StrCat("{\"code\":", JsonString(absl::StatusCodeToString(status.code())),
                      ",\"message\":", JsonString(status.message()), "}");
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Headers every answer carries: nothing from elsewhere, no framing, no sniffing.
void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
}

std::optional<std::string> CookieValue(const httplib::Request& req, absl::string_view name) {
  for (size_t i = 0, n = req.get_header_value_count("Cookie"); i < n; ++i) {
    for (absl::string_view part : absl::StrSplit(req.get_header_value("Cookie", i), ';')) {
      part = absl::StripAsciiWhitespace(part);
      if (absl::ConsumePrefix(&part, name) && absl::ConsumePrefix(&part, "=")) {
        return std::string(part);
      }
    }
  }
  return std::nullopt;
}

// Only paths of our own pages may be a login's `next` (no open redirect).
std::string SafeNext(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    return "/";
  }
  return next;
}

// The page's HTML shell: the app (assets/app.js) renders the page for the path.
std::string AppShell() {
  return "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>w2w - van werk naar werk</title>"
         "<link rel=\"stylesheet\" href=\"/assets/app.css\">"
         "<script src=\"/assets/chart.min.js\" defer></script>"
         "<script src=\"/assets/app.js\" defer></script></head>"
         "<body><a class=\"skip\" href=\"#main\">Naar de inhoud</a>"
         "<header id=\"top\"></header><main id=\"main\" tabindex=\"-1\">"
         "<p>Laden...</p></main></body></html>\n";
}

std::string LoginPage(absl::string_view next, absl::string_view error) {
  return absl::StrCat(
      "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Inloggen - w2w</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head>"
      "<body><main id=\"main\" class=\"login\"><h1>w2w: van werk naar werk</h1>",
      error.empty() ? "" : absl::StrCat("<p class=\"error\" role=\"alert\">", HtmlEscape(error), "</p>"),
      "<form method=\"post\" action=\"/login\">"
      "<label for=\"token\">API-token</label>"
      "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required autofocus>"
      "<input type=\"hidden\" name=\"next\" value=\"", HtmlEscape(next), "\">"
      "<button type=\"submit\">Inloggen</button></form>"
      "<p class=\"hint\">Het token staat bij een demo in <code>var/w2w-data/admin.token</code>; "
      "een beheerder maakt tokens met <code>w2w token create</code>.</p></main></body></html>\n");
}

std::string MessagePage(absl::string_view title, absl::string_view text) {
  return absl::StrCat(
      "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>", HtmlEscape(title),
      " - w2w</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body>"
      "<main id=\"main\" class=\"login\"><h1>", HtmlEscape(title), "</h1><p>", HtmlEscape(text),
      "</p><p><a href=\"/\">Naar de vacatures</a></p></main></body></html>\n");
}

// host and port of "host:port" / "[v6]:port".
absl::StatusOr<std::pair<std::string, int>> SplitAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("http_address: '", address, "' is not host:port"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  return std::make_pair(host, port);
}

// Loads the PEM certificate chain, key and client CAs into the TLS context.
bool SetUpTls(SSL_CTX& ctx, const ServerTlsOptions& tls) {
  BIO* chain = BIO_new_mem_buf(tls.cert_chain_pem.data(), static_cast<int>(tls.cert_chain_pem.size()));
  X509* leaf = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr);
  bool ok = leaf != nullptr && SSL_CTX_use_certificate(&ctx, leaf) == 1;
  X509_free(leaf);
  while (ok) {
    X509* extra = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr);
    if (extra == nullptr) break;
    if (SSL_CTX_add_extra_chain_cert(&ctx, extra) != 1) {  // Takes ownership when it succeeds.
      X509_free(extra);
      ok = false;
    }
  }
  BIO_free(chain);
  BIO* key_bio = BIO_new_mem_buf(tls.private_key_pem.data(), static_cast<int>(tls.private_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  ok = ok && key != nullptr && SSL_CTX_use_PrivateKey(&ctx, key) == 1 &&
       SSL_CTX_check_private_key(&ctx) == 1;
  EVP_PKEY_free(key);
  BIO_free(key_bio);
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  if (ok && !tls.client_ca_pem.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(&ctx);
    BIO* cas = BIO_new_mem_buf(tls.client_ca_pem.data(), static_cast<int>(tls.client_ca_pem.size()));
    int added = 0;
    while (X509* ca = PEM_read_bio_X509(cas, nullptr, nullptr, nullptr)) {
      added += X509_STORE_add_cert(store, ca) == 1;
      X509_free(ca);
    }
    BIO_free(cas);
    ok = added > 0;
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return ok;
}

// Expiry of a token as WhoAmI gives it ("" = never).
std::optional<absl::Time> ParseExpiry(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  if (rfc3339.empty() || !absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) {
    return std::nullopt;
  }
  return t;
}

}  // namespace

absl::Status CheckWebOptions(const WebOptions& options) {
  absl::StatusOr<std::pair<std::string, int>> host_port = SplitAddress(options.address);
  if (!host_port.ok()) return host_port.status();
  if (!options.tls.has_value() && !IsLoopbackAddress(options.address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "http_address: '", options.address,
        "' is not a loopback address, and without TLS the web page listens on loopback only; "
        "set --tls_cert_file and --tls_key_file to serve other hosts"));
  }
  if (options.session_ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("session_hours: must be positive");
  }
  if (options.watch_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("web_watch_seconds: must be positive (or unset)");
  }
  if (options.keepalive_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("keepalive_interval: must be positive");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const WebOptions& options,
                                                            std::shared_ptr<grpc::Channel> channel,
                                                            const metrics::Registry* metrics) {
  if (absl::Status checked = CheckWebOptions(options); !checked.ok()) return checked;
  absl::StatusOr<std::pair<std::string, int>> host_port = SplitAddress(options.address);
  if (!host_port.ok()) return host_port.status();
  std::unique_ptr<WebServer> web(new WebServer());
  web->options_ = options;
  web->gateway_ = std::make_unique<Gateway>(channel);
  web->sessions_ = std::make_unique<SessionStore>(options.session_ttl, kMaxSessions);
  web->stream_slots_ = std::make_unique<StreamSlots>(kMaxStreams, kMaxStreamsPerSession);
  web->metrics_ = metrics;
  if (options.tls.has_value()) {
    const ServerTlsOptions tls = *options.tls;
    auto server = std::make_unique<httplib::SSLServer>(
        [tls](SSL_CTX& ctx) { return SetUpTls(ctx, tls); });
    if (!server->is_valid()) {
      return absl::UnavailableError(
          "http_address: the TLS certificate and key could not be set up for the web page");
    }
    web->http_ = std::move(server);
  } else {
    web->http_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *web->http_;
  http.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  http.set_payload_max_length(kMaxBodyBytes);
  http.set_keep_alive_timeout(5);  // Also bounds how long Stop waits for idle keep-alive connections.
  http.set_read_timeout(30);
  http.set_write_timeout(30);

  WebServer* self = web.get();
  Gateway* gateway = web->gateway_.get();
  SessionStore* sessions = web->sessions_.get();
  StreamSlots* slots = web->stream_slots_.get();
  const bool secure = options.tls.has_value();

  // The live session of a request, or nullopt.
  auto session_of = [sessions](const httplib::Request& req) -> std::optional<Session> {
    std::optional<std::string> id = CookieValue(req, kCookie);
    if (!id.has_value()) return std::nullopt;
    return sessions->Find(*id, absl::Now());
  };
  auto to_login = [](const httplib::Request& req, httplib::Response& res) {
    res.status = 303;
    res.set_header("Location", absl::StrCat("/login?next=", httplib::detail::encode_query_param(req.path)));
  };

  http.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    SecurityHeaders(res);
    if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  });

  http.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });

  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  http.Get("/login", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(LoginPage(SafeNext(req.get_param_value("next")), ""), "text/html; charset=utf-8");
  });
  http.Post("/login", [channel, sessions, secure](const httplib::Request& req, httplib::Response& res) {
    const std::string token = std::string(absl::StripAsciiWhitespace(req.get_param_value("token")));
    const std::string next = SafeNext(req.get_param_value("next"));
    v1::WhoAmIResponse who;
    grpc::Status status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no token given");
    if (!token.empty()) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
      status = v1::AccessService::NewStub(channel)->WhoAmI(&context, v1::WhoAmIRequest(), &who);
    }
    if (!status.ok()) {
      res.status = status.error_code() == grpc::StatusCode::UNAUTHENTICATED ? 401 : 503;
      res.set_content(LoginPage(next, status.error_code() == grpc::StatusCode::UNAUTHENTICATED
                                          ? "Dit token is onbekend, verlopen of ingetrokken."
                                          : absl::StrCat("Inloggen lukt nu niet: ",
                                                         status.error_message())),
                      "text/html; charset=utf-8");
      return;
    }
    Session session;
    session.token = token;
    session.name = who.token().name();
    session.role = v1::Role_Name(who.token().role());
    const absl::Time now = absl::Now();
    std::string id = sessions->Create(session, now);
    absl::Duration max_age = sessions->ttl();
    if (std::optional<absl::Time> expiry = ParseExpiry(who.token().expires_at())) {
      max_age = std::min(max_age, *expiry - now);
    }
    res.status = 303;
    res.set_header("Location", next);
    res.set_header("Set-Cookie",
                   absl::StrCat(kCookie, "=", id, "; Path=/; HttpOnly; SameSite=Strict; Max-Age=",
                                std::max<int64_t>(1, absl::ToInt64Seconds(max_age)),
                                secure ? "; Secure" : ""));
  });
  http.Post("/logout", [sessions](const httplib::Request& req, httplib::Response& res) {
    if (std::optional<std::string> id = CookieValue(req, kCookie)) sessions->Remove(*id);
    res.status = 303;
    res.set_header("Location", "/login");
    res.set_header("Set-Cookie",
                   absl::StrCat(kCookie, "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
  });

  http.Get(R"(/assets/([A-Za-z0-9._-]+))", [](const httplib::Request& req, httplib::Response& res) {
    const Asset* asset = FindAsset(req.matches[1].str());
    if (asset == nullptr) {
      res.status = 404;
      return;
    }
    const std::string etag = "\"" + std::string(asset->etag) + "\"";
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "no-cache");  // Revalidate: a new binary has new files.
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    res.set_content(std::string(asset->body), std::string(asset->content_type));
  });

  // The pages. One whose record the token may not see is refused here, with the
  // status the API gave (403 outside the scope, 404 unknown).
  auto page = [session_of, to_login, gateway, self](const httplib::Request& req,
                                                   httplib::Response& res, absl::string_view method,
                                                   absl::string_view id_field) {
    std::optional<Session> session = session_of(req);
    if (!session.has_value()) return to_login(req, res);
    if (!method.empty()) {
      const std::string id = req.matches[1].str();
      absl::StatusOr<std::string> got = gateway->Unary(
          method, absl::StrCat("{", JsonString(id_field), ":", JsonString(id), "}"),
          session->token, self->options_.call_timeout);
      if (!got.ok()) {
        res.status = HttpStatus(got.status().code());
        if (got.status().code() == absl::StatusCode::kUnauthenticated) return to_login(req, res);
        // A record outside the token's scope is NOT_FOUND like an unknown id (the API
        // never says who is registered, docs/security.md), so the page says both.
        res.set_content(
            MessagePage(res.status == 403   ? "Geen toegang"
                        : res.status == 404 ? "Niet gevonden of buiten uw bereik"
                                            : "Fout",
                        got.status().message()),
            "text/html; charset=utf-8");
        return;
      }
    }
    res.set_content(AppShell(), "text/html; charset=utf-8");
  };
  for (const char* path :
       {"/", "/rematch", "/rapportages", "/inzetbaarheid", "/meldingen", "/kandidaten", "/vacatures"}) {
    http.Get(path, [page](const httplib::Request& req, httplib::Response& res) {
      page(req, res, "", "");
    });
  }
  http.Get(R"(/vacatures/([^/]+))", [page](const httplib::Request& req, httplib::Response& res) {
    page(req, res, "w2w.v1.VacancyService/GetVacancy", "id");
  });
  http.Get(R"(/kandidaten/([^/]+))", [page](const httplib::Request& req, httplib::Response& res) {
    page(req, res, "w2w.v1.CandidateService/GetCandidate", "id");
  });

  // The JSON API. The session's token rides along; the gateway's answer is passed on.
  auto api_session = [session_of](const httplib::Request& req,
                                  httplib::Response& res) -> std::optional<Session> {
    if (!absl::StartsWith(req.get_header_value("Content-Type"), "application/json")) {
      res.status = 415;
      res.set_content(ErrorJson(absl::InvalidArgumentError(
                          "Content-Type: API calls send application/json")),
                      "application/json");
      return std::nullopt;
    }
    std::optional<Session> session = session_of(req);
    if (!session.has_value()) {
      res.status = 401;
      res.set_content(ErrorJson(absl::UnauthenticatedError("session: log in at /login")),
                      "application/json");
    }
    return session;
  };
  http.Post(R"(/api/(w2w\.v1\.[A-Za-z]+/[A-Za-z]+))",
            [api_session, gateway, self](const httplib::Request& req, httplib::Response& res) {
              std::optional<Session> session = api_session(req, res);
              if (!session.has_value()) return;
              absl::StatusOr<std::string> answer = gateway->Unary(
                  req.matches[1].str(), req.body, session->token, self->options_.call_timeout);
              if (!answer.ok()) {
                res.status = HttpStatus(answer.status().code());
                res.set_content(ErrorJson(answer.status()), "application/json");
                return;
              }
              res.set_content(*answer, "application/json");
            });
  http.Post(
      R"(/api/stream/(w2w\.v1\.[A-Za-z]+/[A-Za-z]+))",
      [api_session, gateway, sessions, slots, self](const httplib::Request& req,
                                                    httplib::Response& res) {
        std::optional<Session> session = api_session(req, res);
        if (!session.has_value()) return;
        const std::string session_id = CookieValue(req, kCookie).value_or("");
        if (absl::Status slot = slots->Acquire(session_id); !slot.ok()) {
          res.status = HttpStatus(slot.code());
          res.set_content(ErrorJson(slot), "application/json");
          return;
        }
        const std::string method = req.matches[1].str();
        const WebOptions& options = self->options_;
        const absl::Duration timeout =
            method == kWatchMethod
                ? std::min(options.watch_timeout, session->expires - absl::Now())
                : options.stream_timeout;
        // Lines of JSON as the messages come: the page shows progress as it goes. The last
        // line is {"status":{"code":..,"message":..}}, so an error after the first
        // message still reaches the page.
        res.set_chunked_content_provider(
            "application/x-ndjson",
            [gateway, sessions, method, timeout, every = options.keepalive_interval,
             body = req.body, token = session->token,
             session_id](size_t, httplib::DataSink& sink) {
              absl::Time last_write = absl::Now();
              absl::Time last_check = last_write;
              auto write = [&sink, &last_write](absl::string_view line) {
                last_write = absl::Now();
                return sink.is_writable() && sink.write(line.data(), line.size());
              };
              // A session that ended (logout, expiry) ends its streams within `every`.
              auto session_live = [&] {
                const absl::Time now = absl::Now();
                if (now - last_check < every) return true;
                last_check = now;
                return sessions->Find(session_id, now).has_value();
              };
              bool session_ended = false;
              StreamIdle idle;
              idle.interval = every;
              idle.on_idle = [&]() -> absl::Status {
                if (!session_live()) return absl::UnauthenticatedError(kSessionEnded);
                // A write to a page that went away fails (at the latest the second one
                // after it closed), and that ends the call and frees the thread.
                if (absl::Now() - last_write >= every && !write(kKeepAliveLine)) {
                  return absl::CancelledError("the reader went away");
                }
                return absl::OkStatus();
              };
              absl::Status status = gateway->ServerStream(
                  method, body, token, timeout,
                  [&](const std::string& json) {
                    if (!session_live()) {
                      session_ended = true;
                      return false;
                    }
                    return write(json + "\n");
                  },
                  idle);
              if (session_ended) status = absl::UnauthenticatedError(kSessionEnded);
              write(absl::StrCat("{\"status\":", ErrorJson(status), "}\n"));
              sink.done();
              return true;
            },
            [slots, session_id](bool) { slots->Release(session_id); });
      });

  const int port = host_port->second == 0
                       ? http.bind_to_any_port(host_port->first)
                       : (http.bind_to_port(host_port->first, host_port->second)
                              ? host_port->second
                              : -1);
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("http_address: cannot listen on '", options.address,
                                               "' (in use or not a local address)"));
  }
  web->port_ = port;
  const std::string host = host_port->first;
  web->address_ = absl::StrCat(absl::StrContains(host, ':') ? absl::StrCat("[", host, "]") : host,
                               ":", port);
  web->thread_ = std::thread([self] { self->http_->listen_after_bind(); });
  return web;
}

std::string WebServer::url() const {
  return absl::StrCat(options_.tls.has_value() ? "https://" : "http://", address_);
}

void WebServer::Stop() {
  if (http_ != nullptr) http_->stop();
  if (thread_.joinable()) thread_.join();
}

WebServer::~WebServer() { Stop(); }

}  // namespace w2w::service::web
