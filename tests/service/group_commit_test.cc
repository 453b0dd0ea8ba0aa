// Group commit of concurrent single upserts against the real w2w-server with
// --sync_writes: eight client threads upsert at once (so their writes share groups and
// fsyncs), each thread on ids of its own so the order per id is known. Every response's
// version follows the previous one of its id; then the server is SIGKILLed mid-load and,
// after a restart, every acknowledged write is there: each id holds the acknowledged
// version with its content, or a later version the client sent (acknowledged or not).
#include <atomic>
#include <map>
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

constexpr int kThreads = 8;
constexpr int kIdsPerThread = 3;
constexpr int kAckedBeforeKill = 400;
constexpr absl::Duration kMaxRunTime = absl::Seconds(20);

// Per id (written by one thread only): every content sent, and the acknowledged versions.
struct IdLog {
  std::vector<v1::Candidate> sent;
  std::map<uint64_t, int> acked;  // version -> index into `sent`
};

TEST(GroupCommitTest, ConcurrentSyncedUpsertsAreOrderedAndSurviveSigkill) {
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--sync_writes"};
  auto started = ServerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;

  absl::Mutex mu;
  std::map<std::string, IdLog> logs;  // Guarded by mu.
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = server.candidates();
      uint64_t last_version[kIdsPerThread] = {};
      for (int round = 0; !stop.load(); ++round) {
        const int k = round % kIdsPerThread;
        const std::string id = absl::StrFormat("gc%d-%d", t, k);
        v1::UpsertCandidateRequest request;
        *request.mutable_candidate() = testkit::MakeCandidate(id, round);
        int index;
        {
          absl::MutexLock lock(&mu);
          index = static_cast<int>(logs[id].sent.size());
          logs[id].sent.push_back(request.candidate());
        }
        v1::UpsertCandidateResponse response;
        grpc::Status status =
            stub->UpsertCandidate(ContextWithDeadline().get(), request, &response);
        if (!status.ok()) continue;  // The kill: unacknowledged.
        const uint64_t version = response.candidate().version();
        EXPECT_EQ(version, last_version[k] + (response.changed() ? 1 : 0)) << id;
        last_version[k] = version;
        absl::MutexLock lock(&mu);
        if (response.changed()) logs[id].acked[version] = index;
        acked.fetch_add(1);
      }
    });
  }
  const absl::Time give_up = absl::Now() + kMaxRunTime;
  while (acked.load() < kAckedBeforeKill && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_TRUE(server.Kill().ok());
  stop.store(true);
  for (std::thread& thread : threads) thread.join();
  ASSERT_GE(acked.load(), kAckedBeforeKill);

  ASSERT_TRUE(server.Restart().ok());
  auto stub = server.candidates();
  absl::MutexLock lock(&mu);
  int ids_checked = 0;
  for (const auto& [id, log] : logs) {
    if (log.acked.empty()) continue;
    ++ids_checked;
    const auto [acked_version, acked_index] = *log.acked.rbegin();
    v1::GetCandidateRequest get;
    get.set_id(id);
    v1::Candidate stored;
    ASSERT_THAT(stub->GetCandidate(ContextWithDeadline().get(), get, &stored), IsOk())
        << "acknowledged record lost: " << id;
    ASSERT_GE(stored.version(), acked_version) << id << ": an acknowledged version was lost";
    if (stored.version() == acked_version) {
      EXPECT_TRUE(SameContent(stored, log.sent[acked_index])) << id;
    } else {
      bool sent_later = false;
      for (size_t i = acked_index + 1; i < log.sent.size() && !sent_later; ++i) {
        sent_later = SameContent(stored, log.sent[i]);
      }
      EXPECT_TRUE(sent_later) << id << ": version " << stored.version()
                              << " holds nothing the client sent after its last ack";
    }
  }
  EXPECT_EQ(ids_checked, kThreads * kIdsPerThread);
}

}  // namespace
}  // namespace w2w
