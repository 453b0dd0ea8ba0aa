// Crash safety against the real w2w-server: several client threads stream imports and
// send single upserts at the same time; the server is SIGKILLed in the middle; after a
// restart every acknowledged write is present with its content, and every present record
// is exactly one of the versions that were sent (nothing half-written, nothing invented).
#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::SameContent;
using testkit::ServerProcess;

constexpr int kStreamThreads = 2;
constexpr int kUpsertThreads = 2;
constexpr int kItemsPerStream = 1500;  // Spans batches of 1,000: one commits mid-stream.
constexpr int kUpsertIds = 40;         // Per upsert thread; each id is rewritten many times.
// Kill once this much was acknowledged (or after kMaxRunTime), with streams in flight.
constexpr int kAckedStreamsBeforeKill = 3;
constexpr int kAckedUpsertsBeforeKill = 300;
constexpr absl::Duration kMaxRunTime = absl::Seconds(20);

// What clients sent and what the server acknowledged, per record id.
class Ledger {
 public:
  // Records that `c` is about to be sent; returns its index among the id's versions.
  int Sent(const v1::Candidate& c) {
    absl::MutexLock lock(&mu_);
    std::vector<v1::Candidate>& versions = sent_[c.id()];
    versions.push_back(c);
    return static_cast<int>(versions.size()) - 1;
  }
  // Records that version `index` of `id` was acknowledged (OK response).
  void Acked(const std::string& id, int index) {
    absl::MutexLock lock(&mu_);
    int& last = acked_[id];
    last = std::max(last, index + 1);  // Stored as index + 1; 0 = never acknowledged.
  }
  std::map<std::string, std::vector<v1::Candidate>> sent() const {
    absl::MutexLock lock(&mu_);
    return sent_;
  }
  std::map<std::string, int> acked() const {
    absl::MutexLock lock(&mu_);
    return acked_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::vector<v1::Candidate>> sent_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> acked_ ABSL_GUARDED_BY(mu_);
};

std::vector<v1::Candidate> ListEverything(ServerProcess& server) {
  std::vector<v1::Candidate> all;
  auto stub = server.candidates();
  v1::ListCandidatesRequest list;
  list.set_page_size(1000);
  for (int page = 0; page < 1000; ++page) {
    v1::ListCandidatesResponse response;
    grpc::Status status = stub->ListCandidates(ContextWithDeadline().get(), list, &response);
    EXPECT_THAT(status, IsOk());
    if (!status.ok()) break;
    for (const v1::Candidate& c : response.candidates()) all.push_back(c);
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  return all;
}

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
  const auto sent = ledger.sent();
  const auto acked = ledger.acked();

  // Every present record is one of the versions sent for its id, and never older than the
  // last acknowledged one (each id is written by one thread, in order).
  std::map<std::string, v1::Candidate> present;
  for (v1::Candidate& c : ListEverything(server)) present[c.id()] = std::move(c);
  for (const auto& [id, record] : present) {
    auto versions = sent.find(id);
    ASSERT_TRUE(versions != sent.end()) << "a record nobody sent: " << id;
    auto last_acked = acked.find(id);
    const int oldest_allowed = last_acked == acked.end() ? 0 : last_acked->second - 1;
    bool matches = false;
    for (int i = oldest_allowed; i < static_cast<int>(versions->second.size()) && !matches; ++i) {
      matches = SameContent(record, versions->second[i]);
    }
    EXPECT_TRUE(matches) << "record " << id << " is none of the versions sent since the last "
                         << "acknowledged one:\n"
                         << record.DebugString();
  }
  int unacknowledged_present = 0;
  for (const auto& [id, record] : present) unacknowledged_present += acked.count(id) == 0;
  std::cout << "[ figures  ] acknowledged: " << acked_streams.load() << " streams, "
            << acked_upserts.load() << " upserts (" << acked.size() << " ids); present after "
            << "restart: " << present.size() << " records, " << unacknowledged_present
            << " of them never acknowledged (committed batches of cut-off streams)\n";
  // Every acknowledged write is there.
  int checked = 0;
  for (const auto& [id, last] : acked) {
    ++checked;
    EXPECT_TRUE(present.count(id) > 0) << "acknowledged record lost: " << id;
  }
  EXPECT_GT(checked, kAckedUpsertsBeforeKill / kUpsertIds);

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
