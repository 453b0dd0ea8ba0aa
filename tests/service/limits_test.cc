// Server-level limits of the real w2w-server: --max_message_mb lowers the request size
// limit (RESOURCE_EXHAUSTED from gRPC before any handler runs), and --threads bounds the
// long calls (imports, rematch streams, listings) that run at once on the worker pool
// (further long calls get RESOURCE_EXHAUSTED at once, the running ones are unharmed,
// short calls are answered all the while, and capacity returns when they end).
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

TEST(LimitsTest, ThreadsBoundTheLongCallsRunningAtOnce) {
  constexpr int kThreads = 4;  // The smallest bound accepted.
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--threads=" + std::to_string(kThreads)};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = (*server)->candidates();

  // Open imports hold their pool threads.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<v1::ImportSummary> summaries(kThreads);
  std::vector<std::unique_ptr<grpc::ClientWriter<v1::ImportCandidatesRequest>>> streams;
  for (int i = 0; i < kThreads; ++i) {
    contexts.push_back(ContextWithDeadline(absl::Seconds(20)));
    streams.push_back(stub->ImportCandidates(contexts.back().get(), &summaries[i]));
    v1::ImportCandidatesRequest request;
    *request.mutable_candidate() = testkit::MakeCandidate("held-" + std::to_string(i), i);
    ASSERT_TRUE(streams.back()->Write(request));
    // The server sends the initial metadata once it admitted the stream to a thread.
    streams.back()->WaitForInitialMetadata();
  }
  // One more long call is refused at once ...
  const auto list = [&] {
    v1::ListCandidatesResponse page;
    return stub->ListCandidates(ContextWithDeadline().get(), v1::ListCandidatesRequest(), &page);
  };
  EXPECT_THAT(list(), StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("Threadpool")));
  v1::ImportSummary extra_summary;
  auto extra_context = ContextWithDeadline(absl::Seconds(20));
  auto extra = stub->ImportCandidates(extra_context.get(), &extra_summary);
  extra->WritesDone();
  EXPECT_THAT(extra->Finish(), StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("Threadpool")));
  // ... while short calls are served as usual.
  v1::PingResponse pong;
  EXPECT_THAT((*server)->info()->Ping(ContextWithDeadline().get(), v1::PingRequest(), &pong),
              IsOk());
  v1::GetCandidateRequest get;
  get.set_id("held-0");
  v1::Candidate candidate;
  EXPECT_THAT(stub->GetCandidate(ContextWithDeadline().get(), get, &candidate),
              StatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));  // Not committed yet.

  // The running calls are unharmed, and the capacity comes back.
  for (int i = 0; i < kThreads; ++i) {
    streams[i]->WritesDone();
    EXPECT_THAT(streams[i]->Finish(), IsOk());
    EXPECT_EQ(summaries[i].committed(), 1u);
  }
  // A pool thread is free again just after its call's answer went out.
  grpc::Status again = list();
  for (int attempt = 0; attempt < 50 && !again.ok(); ++attempt) {
    absl::SleepFor(absl::Milliseconds(20));
    again = list();
  }
  EXPECT_THAT(again, IsOk());
}

}  // namespace
}  // namespace w2w
