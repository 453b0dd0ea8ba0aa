// Graceful shutdown of the real w2w-server: SIGTERM during a running import lets the
// import finish (in-flight calls complete within the grace period), refuses new calls,
// exits 0, and everything acknowledged is there after a restart. A client that stalls
// past the grace period is cancelled and the server still exits 0.
#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/probes.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

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
  // The client now stalls without half-closing the stream.
  const absl::Time signalled = absl::Now();
  ASSERT_TRUE(server.SendSignal(SIGTERM).ok());
  absl::StatusOr<int> code = server.WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(10));
  grpc::Status status = writer->Finish();
  EXPECT_FALSE(status.ok()) << "an import cut off by shutdown must not look acknowledged";

  // Nothing was acknowledged; the server starts normally on the same folder.
  ASSERT_TRUE(server.Restart().ok());
  v1::Candidate c;
  v1::GetCandidateRequest get;
  get.set_id(Id(0));
  grpc::Status got = server.candidates()->GetCandidate(ContextWithDeadline().get(), get, &c);
  EXPECT_TRUE(got.ok() || got.error_code() == grpc::StatusCode::NOT_FOUND) << got.error_message();
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
