// Crash safety against the real w2w-server: several client threads stream imports and
// send single upserts at the same time; the server is SIGKILLed in the middle; after a
// restart every acknowledged write is present with its content, and every present record
// is exactly one of the versions that were sent (nothing half-written, nothing invented).
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/ledger.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::Ledger;
using testkit::ServerProcess;

constexpr int kStreamThreads = 2;
constexpr int kUpsertThreads = 2;
constexpr int kItemsPerStream = 1500;  // Spans batches of 1,000: one commits mid-stream.
constexpr int kUpsertIds = 40;         // Per upsert thread; each id is rewritten many times.
// Kill once this much was acknowledged (or after kMaxRunTime), with streams in flight.
constexpr int kAckedStreamsBeforeKill = 3;
constexpr int kAckedUpsertsBeforeKill = 300;
constexpr absl::Duration kMaxRunTime = absl::Seconds(20);

TEST(CrashTest, AcknowledgedWritesSurviveSigkillDuringConcurrentImports) {
  auto started = ServerProcess::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;

  Ledger ledger;
  std::atomic<bool> stop{false};
  std::atomic<int> acked_streams{0}, acked_upserts{0};
  std::vector<std::thread> threads;

  for (int t = 0; t < kStreamThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = server.candidates();
      for (int stream = 0; !stop.load(); ++stream) {
        auto context = ContextWithDeadline(absl::Seconds(30));
        v1::ImportSummary summary;
        auto writer = stub->ImportCandidates(context.get(), &summary);
        v1::ImportCandidatesRequest request;
        std::vector<std::pair<std::string, int>> items;
        for (int i = 0; i < kItemsPerStream && !stop.load(); ++i) {
          *request.mutable_candidate() =
              testkit::MakeCandidate(absl::StrFormat("s%d-%03d-%04d", t, stream, i), i + stream);
          items.emplace_back(request.candidate().id(), ledger.Sent(request.candidate()));
          if (!writer->Write(request)) break;
        }
        writer->WritesDone();
        if (writer->Finish().ok() && summary.rejected() == 0 &&
            summary.committed() == items.size()) {
          for (const auto& [id, index] : items) ledger.Acked(id, index);
          acked_streams.fetch_add(1);
        }
      }
    });
  }
  for (int t = 0; t < kUpsertThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = server.candidates();
      for (int round = 0; !stop.load(); ++round) {
        v1::UpsertCandidateRequest request;
        *request.mutable_candidate() =
            testkit::MakeCandidate(absl::StrFormat("u%d-%02d", t, round % kUpsertIds), round);
        const int index = ledger.Sent(request.candidate());
        v1::UpsertCandidateResponse response;
        grpc::Status status =
            stub->UpsertCandidate(ContextWithDeadline().get(), request, &response);
        if (status.ok()) {
          ledger.Acked(request.candidate().id(), index);
          acked_upserts.fetch_add(1);
        }
      }
    });
  }

  const absl::Time give_up = absl::Now() + kMaxRunTime;
  while ((acked_streams.load() < kAckedStreamsBeforeKill ||
          acked_upserts.load() < kAckedUpsertsBeforeKill) &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(server.Kill().ok());
  stop.store(true);
  for (std::thread& thread : threads) thread.join();
  ASSERT_GE(acked_streams.load(), kAckedStreamsBeforeKill);
  ASSERT_GE(acked_upserts.load(), kAckedUpsertsBeforeKill);

  ASSERT_TRUE(server.Restart().ok()) << "the server must start normally after a SIGKILL";
  const testkit::LedgerCheck check = testkit::CheckAgainstLedger(server, ledger);
  std::cout << "[ figures  ] acknowledged: " << acked_streams.load() << " streams, "
            << acked_upserts.load() << " upserts (" << check.acknowledged_ids
            << " ids); present after restart: " << check.present << " records, "
            << check.unacknowledged_present
            << " of them never acknowledged (committed batches of cut-off streams)\n";
  // Every acknowledged write is there; every present record is one of the versions sent
  // for its id, never older than the last acknowledged one.
  EXPECT_THAT(check.lost, testing::IsEmpty()) << "acknowledged records lost";
  EXPECT_THAT(check.invented, testing::IsEmpty()) << "records nobody sent";
  EXPECT_THAT(check.wrong_version, testing::IsEmpty())
      << "records that are none of the versions sent since the last acknowledged one";
  EXPECT_GT(check.acknowledged_ids, static_cast<size_t>(kAckedUpsertsBeforeKill / kUpsertIds));

  // And the restarted server works as usual.
  v1::UpsertCandidateRequest request;
  *request.mutable_candidate() = testkit::MakeCandidate("after-restart");
  v1::UpsertCandidateResponse response;
  EXPECT_THAT(server.candidates()->UpsertCandidate(ContextWithDeadline().get(), request, &response),
              IsOk());
  absl::StatusOr<int> code = server.Stop();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace w2w
