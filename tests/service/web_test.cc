// The HTTP edge of the real w2w-server (--web): /metrics read by a strict parser of the
// Prometheus text format after known calls, imports and a rematch; the call log; the web
// port over the gRPC port's TLS; the start-up refusals of a bad --http_address; and
// open-ended watches: keep-alive lines, the per-session bound, ending at logout.
// The page itself is tested in a real browser by tests/web/e2e_test.mjs.
#include <httplib.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/prometheus_text.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/rematch.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testkit::ContextWithDeadline;
using testkit::FindSample;
using testkit::ParsePromText;
using testkit::PromText;
using testkit::ServerProcess;
using testkit::ServerProcessOptions;

constexpr absl::Duration kCallTimeout = absl::Seconds(30);

// host and port of "http://host:port".
std::pair<std::string, int> HostPort(const std::string& url) {
  const std::string rest = url.substr(url.find("://") + 3);
  const size_t colon = rest.rfind(':');
  return {rest.substr(0, colon), std::stoi(rest.substr(colon + 1))};
}

std::unique_ptr<ServerProcess> StartWeb(ServerProcessOptions options = {}) {
  options.extra_flags.push_back("--web");
  options.extra_flags.push_back("--http_address=127.0.0.1:0");
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

PromText Scrape(const ServerProcess& server) {
  auto [host, port] = HostPort(server.web_url());
  httplib::Client http(host, port);
  httplib::Result res = http.Get("/metrics");
  EXPECT_TRUE(res) << "no answer from /metrics";
  if (!res) return {};
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
  PromText parsed = ParsePromText(res->body);
  EXPECT_THAT(parsed.errors, IsEmpty());
  return parsed;
}

double Value(const PromText& parsed, const std::string& name,
             const std::map<std::string, std::string>& labels) {
  std::optional<double> value = FindSample(parsed, name, labels);
  EXPECT_TRUE(value.has_value()) << name << " with the given labels is missing";
  return value.value_or(-1);
}

TEST(WebMetricsTest, CountsCallsImportsAndRematchRunsAsTheyHappened) {
  std::unique_ptr<ServerProcess> server = StartWeb();
  ASSERT_NE(server, nullptr);
  ASSERT_THAT(server->web_url(), HasSubstr("http://127.0.0.1:"));

  for (int i = 0; i < 3; ++i) {
    v1::PingResponse pong;
    ASSERT_TRUE(server->info()->Ping(ContextWithDeadline(kCallTimeout).get(), {}, &pong).ok());
  }
  v1::GetVacancyRequest missing;
  missing.set_id("no-such-vacancy");
  v1::Vacancy vacancy;
  EXPECT_EQ(server->vacancies()->GetVacancy(ContextWithDeadline(kCallTimeout).get(), missing, &vacancy)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  // An import of five candidates of one employer, one of them invalid.
  constexpr char kEmployer[] = "emp-metrics";
  v1::ImportSummary summary;
  {
    auto context = ContextWithDeadline(kCallTimeout);
    auto writer = server->candidates()->ImportCandidates(context.get(), &summary);
    for (int i = 0; i < 5; ++i) {
      v1::ImportCandidatesRequest request;
      *request.mutable_candidate() = testkit::MakeCandidate(absl::StrCat("c-metrics-", i), i);
      request.mutable_candidate()->set_employer_id(kEmployer);
      if (i == 4) request.mutable_candidate()->clear_trades();  // Refused: no trade.
      ASSERT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  ASSERT_EQ(summary.committed(), 4u);
  ASSERT_EQ(summary.rejected(), 1u);
  ASSERT_EQ(summary.errors_size(), 1);

  v1::StartRematchRequest rematch;
  rematch.mutable_selection()->set_employer_id(kEmployer);
  {
    auto context = ContextWithDeadline(kCallTimeout);
    auto reader = server->rematch()->StartRematch(context.get(), rematch);
    v1::RematchEvent event;
    while (reader->Read(&event)) {
    }
    ASSERT_TRUE(reader->Finish().ok());
  }

  const PromText metrics = Scrape(*server);
  EXPECT_EQ(metrics.type.at("w2w_rpc_calls_total"), "counter");
  EXPECT_EQ(metrics.type.at("w2w_rpc_duration_seconds"), "histogram");
  const std::string ping = "w2w.v1.ServerInfoService/Ping";
  EXPECT_EQ(Value(metrics, "w2w_rpc_calls_total", {{"method", ping}, {"code", "OK"}}), 3);
  EXPECT_EQ(Value(metrics, "w2w_rpc_duration_seconds_count", {{"method", ping}}), 3);
  EXPECT_EQ(Value(metrics, "w2w_rpc_duration_seconds_bucket", {{"method", ping}, {"le", "+Inf"}}), 3);
  EXPECT_GT(Value(metrics, "w2w_rpc_duration_seconds_sum", {{"method", ping}}), 0);
  EXPECT_EQ(Value(metrics, "w2w_rpc_calls_total",
                  {{"method", "w2w.v1.VacancyService/GetVacancy"}, {"code", "NOT_FOUND"}}),
            1);
  EXPECT_EQ(Value(metrics, "w2w_rpc_calls_total",
                  {{"method", "w2w.v1.CandidateService/ImportCandidates"}, {"code", "OK"}}),
            1);
  EXPECT_EQ(Value(metrics, "w2w_import_items_total", {{"kind", "candidates"}, {"result", "received"}}), 5);
  EXPECT_EQ(Value(metrics, "w2w_import_items_total", {{"kind", "candidates"}, {"result", "committed"}}), 4);
  EXPECT_EQ(Value(metrics, "w2w_import_items_total", {{"kind", "candidates"}, {"result", "rejected"}}), 1);
  EXPECT_EQ(Value(metrics, "w2w_import_rejects_total",
                  {{"kind", "candidates"}, {"code", summary.errors(0).code()}}),
            1);
  EXPECT_EQ(Value(metrics, "w2w_rematch_runs_total", {{"outcome", "OK"}}), 1);
  EXPECT_EQ(Value(metrics, "w2w_rematch_duration_seconds_count", {}), 1);
  EXPECT_EQ(Value(metrics, "w2w_index_records", {{"kind", "candidates"}}), 4);
  EXPECT_EQ(Value(metrics, "w2w_index_records", {{"kind", "vacancies"}}), 0);
  EXPECT_GT(Value(metrics, "w2w_index_bytes", {{"index", "matching"}}), 0);
  EXPECT_GT(Value(metrics, "w2w_disk_free_bytes", {}), 0);
  EXPECT_GT(Value(metrics, "w2w_store_bytes", {{"what", "memtables"}}), 0);
  EXPECT_EQ(Value(metrics, "w2w_store_write_stall", {{"what", "stopped"}}), 0);
  EXPECT_GE(Value(metrics, "w2w_store_compaction", {{"what", "pending_bytes"}}), 0);
  EXPECT_GE(Value(metrics, "w2w_store_keys", {{"family", "candidates"}}), 0);
  // The scrape itself needs no token and is not an RPC.
  EXPECT_FALSE(FindSample(metrics, "w2w_rpc_in_flight", {{"method", ping}}).has_value());
}

TEST(WebMetricsTest, CallLogIsOneJsonLinePerCallWithoutPersonalData) {
  ServerProcessOptions options;
  options.extra_flags = {"--log_calls"};
  const std::string log = absl::StrCat(testing::TempDir(), "/web_test_calls.log");
  std::remove(log.c_str());
  options.stderr_file = log;
  std::unique_ptr<ServerProcess> server = StartWeb(options);
  ASSERT_NE(server, nullptr);
  v1::UpsertCandidateRequest upsert;
  *upsert.mutable_candidate() = testkit::MakeCandidate("c-log-secret-person");
  v1::UpsertCandidateResponse upserted;
  ASSERT_TRUE(server->candidates()
                  ->UpsertCandidate(ContextWithDeadline(kCallTimeout).get(), upsert, &upserted)
                  .ok());
  v1::GetCandidateRequest get;
  get.set_id("c-log-secret-person");
  v1::Candidate candidate;
  ASSERT_TRUE(server->candidates()->GetCandidate(ContextWithDeadline(kCallTimeout).get(), get, &candidate).ok());
  auto stranger = v1::CandidateService::NewStub(server->ChannelWithToken("w2w_wrong"));
  EXPECT_EQ(stranger->GetCandidate(ContextWithDeadline(kCallTimeout).get(), get, &candidate).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(server->Stop().ok());

  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> calls;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    if (absl::StartsWith(line, "{\"ts\":")) calls.emplace_back(line);
  }
  auto line_of = [&calls](absl::string_view method, absl::string_view code) -> std::string {
    for (const std::string& line : calls) {
      if (absl::StrContains(line, absl::StrCat("\"method\":\"", method, "\"")) &&
          absl::StrContains(line, absl::StrCat("\"code\":\"", code, "\""))) {
        return line;
      }
    }
    return "";
  };
  const std::string upsert_line = line_of("w2w.v1.CandidateService/UpsertCandidate", "OK");
  EXPECT_THAT(upsert_line, HasSubstr("\"token\":\"admin\""));
  EXPECT_THAT(upsert_line, testing::MatchesRegex(
                               R"(\{"ts":"[0-9T:.-]+Z","method":"[^"]+","code":"OK","ms":[0-9.]+,"token":"admin"\})"));
  EXPECT_THAT(line_of("w2w.v1.CandidateService/GetCandidate", "OK"), HasSubstr("\"token\":\"admin\""));
  EXPECT_THAT(line_of("w2w.v1.CandidateService/GetCandidate", "UNAUTHENTICATED"),
              HasSubstr("\"token\":\"?\""));
  // Neither the person nor any secret is in the log.
  EXPECT_THAT(text.str(), Not(HasSubstr("c-log-secret-person")));
  EXPECT_THAT(text.str(), Not(HasSubstr(server->admin_token())));
  EXPECT_THAT(text.str(), Not(HasSubstr("w2w_wrong")));
}

TEST(WebTlsTest, TheWebPortSpeaksTheGrpcPortsTls) {
  ServerProcessOptions options;
  options.tls = testkit::ServerProcessTls{};
  std::unique_ptr<ServerProcess> server = StartWeb(options);
  ASSERT_NE(server, nullptr);
  ASSERT_THAT(server->web_url(), HasSubstr("https://127.0.0.1:"));
  auto [host, port] = HostPort(server->web_url());

  httplib::SSLClient https(host, port);
  https.set_ca_cert_path(server->ca_file().c_str());
  https.enable_server_certificate_verification(true);
  httplib::Result page = https.Get("/login");
  ASSERT_TRUE(page) << "TLS handshake with the server's certificate failed: "
                    << httplib::to_string(page.error());
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("name=\"token\""));
  EXPECT_THAT(page->get_header_value("Content-Security-Policy"), HasSubstr("default-src 'self'"));

  httplib::Params form{{"token", server->admin_token()}};
  httplib::Result login = https.Post("/login", form);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_THAT(cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("; Secure"));

  httplib::Result wrong = https.Post("/login", httplib::Params{{"token", "w2w_nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));

  // Plain HTTP to the TLS port gets no page.
  httplib::Client plain(host, port);
  plain.set_connection_timeout(5);
  plain.set_read_timeout(5);
  httplib::Result refused = plain.Get("/login");
  EXPECT_TRUE(!refused || refused->status != 200);
}

TEST(WebStartTest, ABadHttpAddressIsRefusedAtStartNamingTheFlag) {
  const std::string dir = absl::StrCat(testing::TempDir(), "/web_test_refused");
  for (const auto& [address, words] :
       std::vector<std::pair<std::string, std::string>>{
           {"0.0.0.0:0", "not a loopback address"}, {"127.0.0.1", "is not host:port"}}) {
    testkit::BinaryResult result = testkit::RunBinary(
        "/usr/bin/timeout",
        {"60", testkit::ServerBinary(), absl::StrCat("--data_dir=", dir), "--address=127.0.0.1:0",
         "--web", absl::StrCat("--http_address=", address)});
    EXPECT_NE(result.code, 0) << address;
    EXPECT_THAT(result.err, HasSubstr("http_address")) << address;
    EXPECT_THAT(result.err, HasSubstr(words)) << address;
    EXPECT_THAT(result.out, Not(HasSubstr("listening on"))) << address;
  }
}


// One server stream of the web edge, read on a thread of its own into `body`.
class WebStream {
 public:
  WebStream(const std::string& host, int port, const std::string& cookie, std::string request)
      : thread_([this, host, port, cookie, request = std::move(request)] {
          httplib::Client http(host, port);
          http.set_read_timeout(60);
          httplib::Request req;
          req.method = "POST";
          req.path = "/api/stream/w2w.v1.WatchService/Watch";
          req.headers = {{"Cookie", cookie}, {"Content-Type", "application/json"}};
          req.body = request;
          req.content_receiver = [this](const char* data, size_t size, uint64_t, uint64_t) {
            absl::MutexLock lock(&mu_);
            body_.append(data, size);
            return true;
          };
          httplib::Response res;
          httplib::Error error = httplib::Error::Success;
          http.send(req, res, error);
          absl::MutexLock lock(&mu_);
          status_ = res.status;
          done_ = true;
        }) {}
  ~WebStream() { thread_.join(); }

  // Waits (at most `limit`) until the body holds `text`, or the stream ended.
  bool WaitFor(absl::string_view text, absl::Duration limit) {
    absl::MutexLock lock(&mu_);
    auto seen = [this, text]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return done_ || absl::StrContains(body_, text);
    };
    mu_.AwaitWithTimeout(absl::Condition(&seen), limit);
    return absl::StrContains(body_, text);
  }
  std::string body() {
    absl::MutexLock lock(&mu_);
    return body_;
  }

 private:
  absl::Mutex mu_;
  std::string body_ ABSL_GUARDED_BY(mu_);
  int status_ ABSL_GUARDED_BY(mu_) = 0;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// A watch is open-ended: while quiet the edge writes keep-alive lines (so a page that
// went away is noticed), a session may hold 8 streams at once, and logging out ends
// the session's streams UNAUTHENTICATED within one keep-alive interval (10 s), without
// waiting for an event or a deadline.
TEST(WebStreamTest, QuietWatchesKeepAliveAreBoundedPerSessionAndEndAtLogout) {
  std::unique_ptr<ServerProcess> server = StartWeb();
  ASSERT_NE(server, nullptr);
  auto [host, port] = HostPort(server->web_url());
  httplib::Client http(host, port);
  httplib::Result login = http.Post("/login", httplib::Params{{"token", server->admin_token()}});
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 303);
  std::string cookie = login->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));

  constexpr int kPerSession = 8;  // web_server.cc kMaxStreamsPerSession.
  std::vector<std::unique_ptr<WebStream>> streams;
  for (int i = 0; i < kPerSession; ++i) {
    streams.push_back(std::make_unique<WebStream>(host, port, cookie, R"({"inScope": true})"));
  }
  for (auto& stream : streams) {
    ASSERT_TRUE(stream->WaitFor("\"STARTED\"", absl::Seconds(30))) << stream->body();
  }
  httplib::Result refused = http.Post("/api/stream/w2w.v1.WatchService/Watch",
                                      httplib::Headers{{"Cookie", cookie}}, R"({"inScope": true})",
                                      "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_THAT(refused->body, HasSubstr("RESOURCE_EXHAUSTED"));

  EXPECT_TRUE(streams[0]->WaitFor("{\"keepalive\":{}}\n", absl::Seconds(30))) << streams[0]->body();
  const absl::Time logout = absl::Now();
  httplib::Result out = http.Post("/logout", httplib::Headers{{"Cookie", cookie}}, "",
                                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(out);
  for (auto& stream : streams) {
    EXPECT_TRUE(stream->WaitFor("{\"status\":{\"code\":\"UNAUTHENTICATED\"", absl::Seconds(30)))
        << stream->body();
    EXPECT_THAT(stream->body(), HasSubstr("session: ended"));
  }
  EXPECT_LT(absl::Now() - logout, absl::Seconds(25)) << "ended within a keep-alive interval or two";
}

}  // namespace
}  // namespace w2w
