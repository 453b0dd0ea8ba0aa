// Concurrency test of the matcher: one writer and two readers at full speed. Readers
// check properties that must hold for ANY interleaving (no locks, no sleeps): every write
// that returned before a query started is visible to it, a replaced row is never seen
// twice, and removed/placed candidates disappear; compactions happen meanwhile.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/match/matcher.h"
#include "engine/match/policy.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::match {
namespace {

constexpr char kWelder[] = "7aedaa07-3884-4c5b-88f9-80997b2aa54b";
constexpr int kCandidates = 1000;
constexpr int kRounds = 6;  // Re-upserts of everyone: enough dead rows to compact.

v1::Candidate Welder(int i, int round, v1::CandidateStatus status) {
  v1::Candidate c;
  c.set_id(absl::StrFormat("w%04d", i));
  c.set_region(round % 2 == 0 ? "Rijnmond" : "Drechtsteden");
  c.set_sector(v1::SECTOR_ME);
  auto* t = c.add_trades();
  t->set_code(kWelder);
  t->set_years(static_cast<uint32_t>(round));
  c.set_status(status);
  c.set_willing_to_retrain(true);
  c.set_employer_id("acme");
  return c;
}

TEST(MatchConcurrencyTest, ReadersSeeEveryReturnedWriteAndNeverDuplicates) {
  auto tax = testing::SharedTaxonomy();
  v1::Policy policy = *CompletePolicy(v1::Policy(), *tax);
  auto matcher = Matcher::Create(tax, policy);
  v1::Vacancy v;
  v.set_id("v");
  v.set_employer_id("e");
  v.set_region("Rijnmond");
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(kWelder);
  v.set_status(v1::VACANCY_STATUS_OPEN);

  // Phases published by the writer: inserted = candidates w0000..w(inserted-1) exist;
  // then `placed` of them (from w0000 up) are PLACED, after kRounds rounds of updates.
  std::atomic<int> inserted{0}, placed{0};
  std::atomic<bool> done{false};
  std::atomic<int> queries{0}, failures{0};
  // Which pass the writer is in (0 = inserting, 1..kRounds = updating, kRounds + 1 =
  // placing), for the failure message only (relaxed: it orders nothing).
  std::atomic<int> pass{0};
  // What the first failing query saw: written only by the reader whose failure was the
  // first, read after the join.
  std::string first_failure;
  auto fail = [&](const std::string& what) {
    if (failures.fetch_add(1) == 0) first_failure = what;
  };

  auto reader = [&] {
    v1::ShortlistRequest req;
    req.set_k(1000);
    while (!done.load(std::memory_order_acquire)) {
      const int ins = inserted.load(std::memory_order_acquire);
      const int pl_before = placed.load(std::memory_order_acquire);
      const int pass_before = pass.load(std::memory_order_relaxed);
      auto r = matcher->Shortlist(v, req);
      const int pl_after = placed.load(std::memory_order_acquire);
      // Everything a failure message needs to tell the query's moment.
      auto seen = [&](const std::string& what) {
        return absl::StrFormat("%s (query %d; writer in pass %d; before the query: %d inserted, %d placed; "
                               "after it: %d placed; %d matches)",
                               what, queries.load(), pass_before, ins, pl_before, pl_after,
                               r.ok() ? r->matches_size() : -1);
      };
      if (!r.ok()) {
        fail(seen(r.status().ToString()));
        continue;
      }
      std::set<std::string> ids;
      for (const auto& m : r->matches()) {
        if (!ids.insert(m.candidate_id()).second) fail(seen("duplicate " + m.candidate_id()));
      }
      // Every candidate inserted and not placed before the query started is there.
      for (int i = pl_after; i < ins; ++i) {
        if (!ids.count(absl::StrFormat("w%04d", i))) {
          fail(seen(absl::StrFormat("missing w%04d", i)));
          break;
        }
      }
      // Nobody placed before the query started is there.
      for (int i = 0; i < pl_before; ++i) {
        if (ids.count(absl::StrFormat("w%04d", i))) {
          fail(seen(absl::StrFormat("placed w%04d still listed", i)));
          break;
        }
      }
      queries.fetch_add(1);
    }
  };

  // Every kStep writes the writer lets the readers finish two more queries, so that
  // queries overlap every phase (progress-driven, no sleeps).
  constexpr int kStep = 100;
  auto let_readers_run = [&](int i) {
    if (i % kStep != 0) return;
    const int target = queries.load() + 2;
    while (queries.load() < target && failures.load() == 0) std::this_thread::yield();
  };
  std::thread r1(reader), r2(reader);
  for (int i = 0; i < kCandidates; ++i) {
    matcher->UpsertCandidate(Welder(i, 0, v1::CANDIDATE_STATUS_UNEMPLOYED));
    inserted.store(i + 1, std::memory_order_release);
    let_readers_run(i);
  }
  for (int round = 1; round <= kRounds; ++round) {
    pass.store(round, std::memory_order_relaxed);
    for (int i = 0; i < kCandidates; ++i) {
      matcher->UpsertCandidate(Welder(i, round, v1::CANDIDATE_STATUS_UNEMPLOYED));
      let_readers_run(i);
    }
  }
  pass.store(kRounds + 1, std::memory_order_relaxed);
  for (int i = 0; i < kCandidates; ++i) {
    matcher->UpsertCandidate(Welder(i, kRounds, v1::CANDIDATE_STATUS_PLACED));
    placed.store(i + 1, std::memory_order_release);
    let_readers_run(i);
  }
  done.store(true, std::memory_order_release);
  r1.join();
  r2.join();
  EXPECT_EQ(failures.load(), 0) << "first: " << first_failure;
  EXPECT_GE(queries.load(), 2 * (kRounds + 2) * kCandidates / kStep);
  EXPECT_EQ(matcher->num_candidates(), static_cast<uint64_t>(kCandidates));
  EXPECT_EQ(matcher->CandidatesOfEmployer("acme").size(), static_cast<size_t>(kCandidates));
}

}  // namespace
}  // namespace w2w::match
