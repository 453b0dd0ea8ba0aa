// Server-level limits of the real w2w-server: --max_message_mb lowers the request size
// limit (RESOURCE_EXHAUSTED from gRPC before any handler runs), and --threads bounds the
// calls that run at once (further calls get RESOURCE_EXHAUSTED at once, the running ones
// are unharmed, and capacity returns when they end).
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using testkit::StatusIs;

constexpr int kOneMiB = 1 << 20;

TEST(LimitsTest, MaxMessageFlagSetsTheRequestSizeLimit) {
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--max_message_mb=1"};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = (*server)->candidates();

  v1::UpsertCandidateRequest request;
  *request.mutable_candidate() = testkit::MakeCandidate("big");
  v1::UpsertCandidateResponse response;
  request.mutable_candidate()->set_source(std::string(kOneMiB + 1024, 's'));
  EXPECT_THAT(stub->UpsertCandidate(ContextWithDeadline().get(), request, &response),
              StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, ::testing::_));
  // Under the limit the request reaches the engine, which names the too-long field.
  request.mutable_candidate()->set_source(std::string(kOneMiB / 2, 's'));
  EXPECT_THAT(stub->UpsertCandidate(ContextWithDeadline().get(), request, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("source")));
}

TEST(LimitsTest, ThreadsBoundTheCallsRunningAtOnce) {
  constexpr int kThreads = 4;
  constexpr int kConcurrentCalls = kThreads - 1;  // One thread keeps polling.
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--threads=" + std::to_string(kThreads)};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = (*server)->candidates();

  // Open imports hold their threads.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<v1::ImportSummary> summaries(kConcurrentCalls);
  std::vector<std::unique_ptr<grpc::ClientWriter<v1::ImportCandidatesRequest>>> streams;
  for (int i = 0; i < kConcurrentCalls; ++i) {
    contexts.push_back(ContextWithDeadline(absl::Seconds(20)));
    streams.push_back(stub->ImportCandidates(contexts.back().get(), &summaries[i]));
    v1::ImportCandidatesRequest request;
    *request.mutable_candidate() = testkit::MakeCandidate("held-" + std::to_string(i), i);
    ASSERT_TRUE(streams.back()->Write(request));
  }
  v1::PingResponse pong;
  grpc::Status refused;
  // The last stream's call may still be on its way to a thread; give it a moment.
  for (int attempt = 0; attempt < 50 && refused.ok(); ++attempt) {
    refused = (*server)->info()->Ping(ContextWithDeadline().get(), v1::PingRequest(), &pong);
    if (refused.ok()) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(refused, StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("Threadpool")));

  // The running calls are unharmed, and the capacity comes back.
  for (int i = 0; i < kConcurrentCalls; ++i) {
    streams[i]->WritesDone();
    EXPECT_THAT(streams[i]->Finish(), IsOk());
    EXPECT_EQ(summaries[i].committed(), 1u);
  }
  EXPECT_THAT((*server)->info()->Ping(ContextWithDeadline().get(), v1::PingRequest(), &pong),
              IsOk());
}

}  // namespace
}  // namespace w2w
