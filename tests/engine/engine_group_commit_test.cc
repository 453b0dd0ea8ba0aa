// Group commit of concurrent single upserts (Engine::UpsertCandidate / UpsertVacancy with
// sync_writes): many threads write the same and different ids at once; each id's
// versions stay a gapless sequence handed out once each, version checks see the writes
// grouped before them, unchanged content is not rewritten, and what was acknowledged is
// what the store and the index hold after a reopen.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::testing_engine {
namespace {

constexpr int kThreads = 8;
constexpr int kRounds = 40;
constexpr int kIds = 5;

class EngineGroupCommitTest : public EngineTest {
 protected:
  void SetUp() override {
    options_.store.sync_writes = true;  // The case group commit is for: shared fsyncs.
    EngineTest::SetUp();
  }
};

TEST_F(EngineGroupCommitTest, ConcurrentUpsertsGetGaplessVersionsPerId) {
  absl::Mutex mu;
  std::map<std::string, std::vector<uint64_t>> versions;  // Guarded by mu: changed writes.
  std::map<std::string, std::pair<uint64_t, std::string>> last;  // Guarded by mu.
  int unchanged = 0;                                             // Guarded by mu.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const std::string id = "gc-" + std::to_string((t + round) % kIds);
        // Two contents per (thread, round) parity: some writes repeat the stored content.
        v1::Candidate c = MakeCandidate(id);
        c.set_employer_id("employer-" + std::to_string(round % 2));
        auto written = engine_->UpsertCandidate(::w2w::access::Caller::System(), c);
        ASSERT_TRUE(written.ok()) << written.status();
        absl::MutexLock lock(&mu);
        if (written->changed) {
          versions[id].push_back(written->candidate.version());
        } else {
          ++unchanged;
        }
        EXPECT_EQ(written->candidate.id(), id);
        EXPECT_GE(written->candidate.version(), 1u);
        auto& [version, employer] = last[id];
        if (written->candidate.version() >= version) {
          version = written->candidate.version();
          employer = written->candidate.employer_id();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  absl::MutexLock lock(&mu);
  int changed = 0;
  for (int k = 0; k < kIds; ++k) {
    const std::string id = "gc-" + std::to_string(k);
    std::vector<uint64_t>& v = versions[id];
    std::sort(v.begin(), v.end());
    ASSERT_FALSE(v.empty()) << id;
    for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i], i + 1) << id << " versions";
    changed += static_cast<int>(v.size());
    auto stored = engine_->GetCandidate(::w2w::access::Caller::System(), id);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_EQ(stored->version(), v.back()) << id;
    EXPECT_EQ(stored->version(), last[id].first) << id;
    EXPECT_EQ(stored->employer_id(), last[id].second) << id;
  }
  EXPECT_EQ(changed + unchanged, kThreads * kRounds);

  // Durable and indexed the same way after a reopen (index rebuilt from the store).
  const v1::ServerInfo before = engine_->Info();
  Reopen();
  EXPECT_EQ(engine_->Info().candidates(), before.candidates());
  for (int k = 0; k < kIds; ++k) {
    const std::string id = "gc-" + std::to_string(k);
    auto stored = engine_->GetCandidate(::w2w::access::Caller::System(), id);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->version(), versions[id].back());
  }
}

TEST_F(EngineGroupCommitTest, ConcurrentWritersExpectingTheSameVersionOneWins) {
  ASSERT_TRUE(engine_->UpsertVacancy(::w2w::access::Caller::System(), MakeVacancy("gc-v")).ok());
  constexpr int kContenders = 8;
  std::vector<absl::Status> results(kContenders);
  std::vector<std::thread> threads;
  for (int t = 0; t < kContenders; ++t) {
    threads.emplace_back([&, t] {
      v1::Vacancy v = MakeVacancy("gc-v");
      v.set_title("Lasser " + std::to_string(t));
      v.set_version(1);
      results[t] = engine_->UpsertVacancy(::w2w::access::Caller::System(), v).status();
    });
  }
  for (std::thread& t : threads) t.join();
  int ok = 0;
  for (const absl::Status& s : results) {
    if (s.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
      EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("vacancy.version"));
    }
  }
  EXPECT_EQ(ok, 1);
  auto stored = engine_->GetVacancy(::w2w::access::Caller::System(), "gc-v");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version(), 2u);
}

TEST_F(EngineGroupCommitTest, AnUpsertOfAnUnknownIdWithAVersionIsNotFound) {
  v1::Candidate c = MakeCandidate("gc-missing");
  c.set_version(3);
  auto written = engine_->UpsertCandidate(::w2w::access::Caller::System(), c);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetCandidate(::w2w::access::Caller::System(), "gc-missing").status().code(), absl::StatusCode::kNotFound);
}

// Unchanged content is recognised by comparing encodings with the stored bytes; a change
// that keeps the encoded size must still count as a change.
TEST_F(EngineGroupCommitTest, UnchangedAndSameSizeChangesAreToldApart) {
  auto first = engine_->UpsertCandidate(::w2w::access::Caller::System(), MakeCandidate("gc-same"));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->changed);

  v1::Candidate again = MakeCandidate("gc-same");
  again.set_updated_at("2001-01-01T00:00:00Z");  // Server-set fields do not count.
  auto second = engine_->UpsertCandidate(::w2w::access::Caller::System(), again);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->changed);
  EXPECT_EQ(second->candidate.version(), 1u);
  EXPECT_EQ(second->candidate.updated_at(), first->candidate.updated_at());

  v1::Candidate same_size = MakeCandidate("gc-same");
  same_size.set_employer_id("employer-2");  // Same length as "employer-1".
  auto third = engine_->UpsertCandidate(::w2w::access::Caller::System(), same_size);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_TRUE(third->changed);
  EXPECT_EQ(third->candidate.version(), 2u);

  // The same through an import: unchanged, then changed with the same size.
  auto importer = engine_->NewCandidateImporter(::w2w::access::Caller::System());
  ASSERT_TRUE(importer->Add(same_size).ok());
  v1::Candidate back = MakeCandidate("gc-same");
  ASSERT_TRUE(importer->Add(back).ok());
  auto summary = importer->Finish();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->unchanged(), 1u);
  EXPECT_EQ(summary->committed(), 1u);
  auto stored = engine_->GetCandidate(::w2w::access::Caller::System(), "gc-same");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version(), 3u);
  EXPECT_EQ(stored->employer_id(), "employer-1");
}

}  // namespace
}  // namespace w2w::testing_engine
