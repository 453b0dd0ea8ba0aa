// Graceful shutdown of the real w2w-server: SIGTERM during a running import lets the
// import finish (in-flight calls complete within the grace period), refuses new calls,
// exits 0, and everything acknowledged is there after a restart. A client that stalls
// past the grace period is told the server stopped its stream (UNAVAILABLE, what was
// committed) and the server still exits 0. While the store opens the port already answers:
// health NOT_SERVING, other calls UNAVAILABLE "starting".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/probes.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::SameContent;
using testkit::ServerProcess;

constexpr int kItems = 3000;
constexpr int kSignalAfter = 1200;  // Items written before SIGTERM is sent.

std::string Id(int i) { return absl::StrFormat("sd-%05d", i); }

TEST(ShutdownTest, SigtermDuringAnImportFinishesItAndExitsZero) {
  auto started = ServerProcess::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;

  auto stub = server.candidates();
  auto context = ContextWithDeadline(absl::Seconds(30));
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest request;
  for (int i = 0; i < kItems; ++i) {
    if (i == kSignalAfter) {
      // The call must be running on the server before the signal (a call that arrives
      // while draining is refused by design): its first batch of 1,000 is then committed.
      v1::GetCandidateRequest probe;
      probe.set_id(Id(0));
      bool running = false;
      for (int attempt = 0; attempt < 200 && !running; ++attempt) {
        v1::Candidate first;
        running = stub->GetCandidate(ContextWithDeadline().get(), probe, &first).ok();
        if (!running) absl::SleepFor(absl::Milliseconds(25));
      }
      ASSERT_TRUE(running) << "the import's first batch was never committed";
      ASSERT_TRUE(server.SendSignal(SIGTERM).ok());
      // Health flips to NOT_SERVING (or the listener is already gone) while we still stream.
      absl::SleepFor(absl::Milliseconds(200));
      absl::StatusOr<testkit::HealthStatus> health =
          testkit::CheckHealth(server.channel(), "", absl::Seconds(1));
      EXPECT_TRUE(!health.ok() || *health != testkit::HealthStatus::kServing);
    }
    *request.mutable_candidate() = testkit::MakeCandidate(Id(i), i);
    ASSERT_TRUE(writer->Write(request)) << "stream broke at item " << i;
  }
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.committed(), static_cast<uint64_t>(kItems));

  absl::StatusOr<int> code = server.WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);

  ASSERT_TRUE(server.Restart().ok());
  auto after = server.candidates();
  for (int i = 0; i < kItems; i += 97) {
    v1::GetCandidateRequest get;
    get.set_id(Id(i));
    v1::Candidate c;
    ASSERT_THAT(after->GetCandidate(ContextWithDeadline().get(), get, &c), IsOk()) << Id(i);
    EXPECT_TRUE(SameContent(c, testkit::MakeCandidate(Id(i), i)));
  }
  v1::ServerInfo info;
  ASSERT_THAT(
      server.info()->GetServerInfo(ContextWithDeadline().get(), v1::GetServerInfoRequest(), &info),
      IsOk());
  EXPECT_EQ(info.candidates(), static_cast<uint64_t>(kItems));
}

TEST(ShutdownTest, AStalledImportIsCancelledAfterTheGracePeriod) {
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--shutdown_grace_seconds=1"};
  auto started = ServerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;

  auto stub = server.candidates();
  auto context = ContextWithDeadline(absl::Seconds(30));
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest request;
  for (int i = 0; i < 10; ++i) {
    *request.mutable_candidate() = testkit::MakeCandidate(Id(i), i);
    ASSERT_TRUE(writer->Write(request));
  }
  // The server admitted the stream (it sends its initial metadata then); the client now
  // stalls without half-closing it.
  writer->WaitForInitialMetadata();
  absl::SleepFor(absl::Milliseconds(200));  // The ten items reach the import.
  const absl::Time signalled = absl::Now();
  ASSERT_TRUE(server.SendSignal(SIGTERM).ok());
  absl::StatusOr<int> code = server.WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(10));
  // The stream is told why it ends and what was kept (nothing: its first batch of 1,000
  // was never complete), with a code a client retries on.
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("the server is shutting down"));
  EXPECT_THAT(status.error_message(), HasSubstr("after 10 items; 0 were committed"));

  // Nothing was acknowledged; the server starts normally on the same folder.
  ASSERT_TRUE(server.Restart().ok());
  v1::Candidate c;
  v1::GetCandidateRequest get;
  get.set_id(Id(0));
  grpc::Status got = server.candidates()->GetCandidate(ContextWithDeadline().get(), get, &c);
  EXPECT_TRUE(got.ok() || got.error_code() == grpc::StatusCode::NOT_FOUND) << got.error_message();
}

// A free TCP port on 127.0.0.1 (bound and released; the server binds it a moment later).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// What a client saw on the port while the server started.
struct StartupObservations {
  int not_serving = 0;         // Health answered NOT_SERVING (server and MatchService).
  int serving_before_not = 0;  // Health said SERVING before it ever said NOT_SERVING.
  int starting_refusals = 0;   // A w2w call answered UNAVAILABLE "is starting".
  std::string refusal;         // The first such message.
};

// Enough records that opening the store (the index rebuild) takes about 100 ms here.
constexpr int kSeeded = 150000;

TEST(StartupTest, ThePortAnswersNotServingWhileTheStoreOpens) {
  // A store with enough records that opening it (the index rebuild) takes a while.
  testkit::ServerProcessOptions options;
  options.start_timeout = absl::Seconds(120);
  auto seeded = ServerProcess::Start(options);
  ASSERT_TRUE(seeded.ok()) << seeded.status();
  {
    auto context = ContextWithDeadline(absl::Seconds(120));
    v1::ImportSummary summary;
    auto writer = (*seeded)->candidates()->ImportCandidates(context.get(), &summary);
    for (int first = 0; first < kSeeded; first += 1000) {
      v1::ImportCandidatesRequest request;
      for (int i = first; i < first + 1000; ++i) {
        *request.add_candidates() = testkit::MakeCandidate(Id(i), i);
      }
      ASSERT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    ASSERT_THAT(writer->Finish(), IsOk());
    ASSERT_EQ(summary.committed(), static_cast<uint64_t>(kSeeded));
  }
  const std::string data_dir = (*seeded)->data_dir();
  ASSERT_EQ(*(*seeded)->Stop(), 0);

  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string address = absl::StrCat("127.0.0.1:", port);
  // A client that polls from before the start, on a new channel each round (no reconnect
  // backoff to wait out), so it sees the port as soon as it answers.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::atomic<bool> done{false};
  StartupObservations seen;
  std::thread poller([&] {
    while (!done.load()) {
      auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
      auto info = v1::ServerInfoService::NewStub(channel);
      for (const std::string service : {"", "w2w.v1.MatchService"}) {
        absl::StatusOr<testkit::HealthStatus> health =
            testkit::CheckHealth(channel, service, absl::Milliseconds(200));
        if (!health.ok()) continue;
        if (*health == testkit::HealthStatus::kNotServing) ++seen.not_serving;
        if (*health == testkit::HealthStatus::kServing && seen.not_serving == 0) {
          ++seen.serving_before_not;
        }
      }
      v1::PingResponse pong;
      grpc::Status ping =
          info->Ping(ContextWithDeadline(absl::Milliseconds(200)).get(), v1::PingRequest(), &pong);
      if (ping.error_code() == grpc::StatusCode::UNAVAILABLE &&
          absl::StrContains(ping.error_message(), "is starting")) {
        if (seen.starting_refusals++ == 0) seen.refusal = ping.error_message();
      }
    }
  });

  options.data_dir = data_dir;
  options.address = address;
  options.stderr_file = absl::StrCat(data_dir, "/../startup.err");
  auto server = ServerProcess::Start(options);  // Returns once health says SERVING.
  done.store(true);
  poller.join();
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->port(), port);
  EXPECT_GT(seen.not_serving, 0) << "health never answered NOT_SERVING during the start";
  EXPECT_EQ(seen.serving_before_not, 0);
  EXPECT_GT(seen.starting_refusals, 0) << "no call was refused as 'starting'";
  EXPECT_THAT(seen.refusal, HasSubstr("w2w.v1.ServerInfoService/Ping"));
  EXPECT_THAT(seen.refusal, HasSubstr("retry"));
  const std::string err = testkit::ReadFile(options.stderr_file);
  EXPECT_THAT(err, HasSubstr(absl::StrCat("starting on ", address)));
  EXPECT_THAT(err, HasSubstr("serving after"));

  // And then it serves: the records are all there.
  v1::ServerInfo about;
  ASSERT_THAT((*server)->info()->GetServerInfo(ContextWithDeadline().get(), v1::GetServerInfoRequest(), &about),
              IsOk());
  EXPECT_EQ(about.candidates(), static_cast<uint64_t>(kSeeded));
}

TEST(ShutdownTest, SigintAlsoStopsCleanly) {
  auto started = ServerProcess::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  const absl::Time signalled = absl::Now();
  ASSERT_TRUE((*started)->SendSignal(SIGINT).ok());
  absl::StatusOr<int> code = (*started)->WaitForExit(absl::Seconds(20));
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(10)) << "an idle server stops at once";
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace w2w
