// Exactness of the group assignment (engine/rematch/assignment.h): against brute force on
// many small random instances, against a greedy pass on instances built to trap it, and
// the two conditions under which listing only a person's best vacancies stays exact.
#include "engine/rematch/assignment.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::rematch {
namespace {

struct Value {
  int64_t placed = 0;
  int64_t score = 0;
  bool operator==(const Value&) const = default;
  bool operator<(const Value& o) const {
    return placed != o.placed ? placed < o.placed : score < o.score;
  }
};

// Tries every assignment (each person: one listed vacancy or none, seats respected).
void BruteForce(const AssignmentProblem& p, size_t person, std::vector<int32_t>& used,
                Value current, Value& best) {
  if (person == p.edges.size()) {
    best = std::max(best, current);
    return;
  }
  BruteForce(p, person + 1, used, current, best);
  for (const AssignmentEdge& e : p.edges[person]) {
    if (used[e.vacancy] >= p.seats[e.vacancy]) continue;
    ++used[e.vacancy];
    BruteForce(p, person + 1, used, {current.placed + 1, current.score + e.score}, best);
    --used[e.vacancy];
  }
}

Value Optimum(const AssignmentProblem& p) {
  std::vector<int32_t> used(p.seats.size(), 0);
  Value best;
  BruteForce(p, 0, used, {}, best);
  return best;
}

// Best pair first, as long as seats last.
Value Greedy(const AssignmentProblem& p) {
  std::vector<std::pair<int64_t, std::pair<int32_t, int32_t>>> pairs;
  for (size_t i = 0; i < p.edges.size(); ++i) {
    for (const AssignmentEdge& e : p.edges[i]) {
      pairs.push_back({-e.score, {static_cast<int32_t>(i), e.vacancy}});
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<bool> placed(p.edges.size(), false);
  std::vector<int32_t> used(p.seats.size(), 0);
  Value v;
  for (const auto& [neg_score, pv] : pairs) {
    const auto [person, vacancy] = pv;
    if (placed[person] || used[vacancy] >= p.seats[vacancy]) continue;
    placed[person] = true;
    ++used[vacancy];
    ++v.placed;
    v.score -= neg_score;
  }
  return v;
}

// Checks feasibility of `r` for `p` and that its totals add up; returns its value.
Value CheckedValue(const AssignmentProblem& p, const AssignmentResult& r) {
  EXPECT_EQ(r.vacancy_of.size(), p.edges.size());
  std::vector<int32_t> used(p.seats.size(), 0);
  Value v;
  for (size_t i = 0; i < r.vacancy_of.size(); ++i) {
    const int32_t j = r.vacancy_of[i];
    if (j == AssignmentResult::kUnplaced) continue;
    auto it = std::find_if(p.edges[i].begin(), p.edges[i].end(),
                           [j](const AssignmentEdge& e) { return e.vacancy == j; });
    EXPECT_NE(it, p.edges[i].end()) << "person " << i << " assigned to unlisted vacancy " << j;
    if (it == p.edges[i].end()) continue;
    ++used[j];
    ++v.placed;
    v.score += it->score;
  }
  for (size_t j = 0; j < used.size(); ++j) {
    EXPECT_LE(used[j], p.seats[j]) << "vacancy " << j << " over its seats";
  }
  EXPECT_EQ(v.placed, r.placed);
  EXPECT_EQ(v.score, r.total_score);
  return v;
}

AssignmentProblem RandomProblem(std::mt19937& rng, int max_people, int max_vacancies,
                                int max_seats) {
  AssignmentProblem p;
  const int n = std::uniform_int_distribution<int>(0, max_people)(rng);
  const int m = std::uniform_int_distribution<int>(1, max_vacancies)(rng);
  for (int j = 0; j < m; ++j) p.seats.push_back(std::uniform_int_distribution<int>(0, max_seats)(rng));
  // Few distinct scores so that ties are common.
  const bool coarse = rng() % 2 == 0;
  p.edges.resize(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      if (rng() % 100 < 55) {
        const int64_t score = coarse ? 250'000 * std::uniform_int_distribution<int>(0, 4)(rng)
                                     : std::uniform_int_distribution<int64_t>(0, kMaxAssignmentScore)(rng);
        p.edges[i].push_back({j, score});
      }
    }
    std::shuffle(p.edges[i].begin(), p.edges[i].end(), rng);
  }
  return p;
}

TEST(AssignmentTest, EqualsBruteForceOnSmallRandomInstances) {
  std::mt19937 rng(20261129);
  for (int round = 0; round < 6000; ++round) {
    const AssignmentProblem p = RandomProblem(rng, 8, 5, 3);
    absl::StatusOr<AssignmentResult> r = SolveAssignment(p);
    ASSERT_TRUE(r.ok()) << r.status();
    const Value got = CheckedValue(p, *r);
    const Value want = Optimum(p);
    ASSERT_EQ(got.placed, want.placed) << "round " << round;
    ASSERT_EQ(got.score, want.score) << "round " << round;
  }
}

TEST(AssignmentTest, BeatsGreedyOnTrapInstances) {
  // A prefers X (0.9) over Y (0.5); B can only take X (0.8). Greedy gives X to A and
  // leaves B out; the exact method seats both.
  AssignmentProblem trap;
  trap.seats = {1, 1};
  trap.edges = {{{0, 900'000}, {1, 500'000}}, {{0, 800'000}}};
  absl::StatusOr<AssignmentResult> r = SolveAssignment(trap);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(CheckedValue(trap, *r), (Value{2, 1'300'000}));
  EXPECT_EQ(Greedy(trap).placed, 1);
  EXPECT_THAT(r->vacancy_of, testing::ElementsAre(1, 0));

  // A chain of k such traps with a shared tail: greedy places about half.
  constexpr int kChain = 40;
  AssignmentProblem chain;
  chain.seats.assign(kChain + 1, 1);
  for (int i = 0; i < kChain; ++i) {
    // Person i: vacancy i at 0.9, vacancy i+1 at 0.5 ... greedy takes i for everybody.
    chain.edges.push_back({{i, 900'000}, {i + 1, 500'000}});
  }
  chain.edges.push_back({{0, 850'000}});  // Only vacancy 0 fits the last person.
  r = SolveAssignment(chain);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(CheckedValue(chain, *r).placed, kChain + 1);
  EXPECT_EQ(Greedy(chain).placed, kChain);
}

TEST(AssignmentTest, SameCardinalityPrefersHigherTotal) {
  // One seat, two people: the better one gets it even when routed second.
  AssignmentProblem p;
  p.seats = {1};
  p.edges = {{{0, 100'000}}, {{0, 700'000}}};
  absl::StatusOr<AssignmentResult> r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->vacancy_of, testing::ElementsAre(AssignmentResult::kUnplaced, 0));
  EXPECT_EQ(r->total_score, 700'000);
}

TEST(AssignmentTest, CardinalityBeatsScore) {
  // A alone at X scores 1.0; A at Y (0.1) and B at X (0.1) place two: two wins.
  AssignmentProblem p;
  p.seats = {1, 1};
  p.edges = {{{0, 1'000'000}, {1, 100'000}}, {{0, 100'000}}};
  absl::StatusOr<AssignmentResult> r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->placed, 2);
  EXPECT_EQ(r->total_score, 200'000);
}

TEST(AssignmentTest, SeatsAndDeterminism) {
  std::mt19937 rng(7);
  AssignmentProblem p;
  p.seats = {3, 0, 2};
  for (int i = 0; i < 10; ++i) p.edges.push_back({{0, 500'000}, {1, 900'000}, {2, 500'000}});
  absl::StatusOr<AssignmentResult> a = SolveAssignment(p);
  absl::StatusOr<AssignmentResult> b = SolveAssignment(p);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(CheckedValue(p, *a), (Value{5, 2'500'000}));
  EXPECT_EQ(a->vacancy_of, b->vacancy_of);
}

TEST(AssignmentTest, RejectsBadInput) {
  AssignmentProblem p;
  p.seats = {1};
  p.edges = {{{1, 5}}};
  EXPECT_EQ(SolveAssignment(p).status().code(), absl::StatusCode::kInvalidArgument);
  p.edges = {{{0, kMaxAssignmentScore + 1}}};
  EXPECT_EQ(SolveAssignment(p).status().code(), absl::StatusCode::kInvalidArgument);
  p.edges = {{{0, 5}, {0, 6}}};
  EXPECT_EQ(SolveAssignment(p).status().code(), absl::StatusCode::kInvalidArgument);
  p.seats = {-1};
  p.edges = {{{0, 5}}};
  EXPECT_EQ(SolveAssignment(p).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AssignmentTest, ProgressCanCancel) {
  AssignmentProblem p;
  p.seats = {1000};
  p.edges.assign(2000, {{0, 1}});
  absl::StatusOr<AssignmentResult> r =
      SolveAssignment(p, [](size_t done, size_t) { return done < 500; });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
}

// Sorted best first (ties by vacancy index), as the matcher ranks.
void SortBestFirst(AssignmentProblem& p) {
  for (auto& list : p.edges) {
    std::sort(list.begin(), list.end(), [](const AssignmentEdge& a, const AssignmentEdge& b) {
      return a.score != b.score ? a.score > b.score : a.vacancy < b.vacancy;
    });
  }
}

TEST(AssignmentTest, LemmaListsWithEnoughSeatsKeepTheOptimum) {
  std::mt19937 rng(42);
  int cut_somewhere = 0;
  for (int round = 0; round < 800; ++round) {
    AssignmentProblem full = RandomProblem(rng, 7, 8, 2);
    SortBestFirst(full);
    const int64_t n = static_cast<int64_t>(full.edges.size());
    AssignmentProblem cut = full;
    std::vector<bool> truncated(n, false);
    for (int64_t i = 0; i < n; ++i) {
      int64_t seats = 0;
      size_t keep = 0;
      while (keep < cut.edges[i].size() && seats < n) seats += cut.seats[cut.edges[i][keep++].vacancy];
      truncated[i] = keep < cut.edges[i].size();
      cut_somewhere += truncated[i];
      cut.edges[i].resize(keep);
    }
    absl::StatusOr<AssignmentResult> r = SolveAssignment(cut);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(CheckedValue(cut, *r), Optimum(full)) << "round " << round;
    EXPECT_TRUE(UncertifiedPeople(cut, *r, truncated).empty());
  }
  EXPECT_GT(cut_somewhere, 100);  // The lemma was really exercised.
}

TEST(AssignmentTest, CertifiedRestrictionsKeepTheOptimum) {
  std::mt19937 rng(99);
  int certified_cuts = 0, uncertified = 0;
  for (int round = 0; round < 5000; ++round) {
    AssignmentProblem full = RandomProblem(rng, 7, 6, 3);
    SortBestFirst(full);
    AssignmentProblem cut = full;
    std::vector<bool> truncated(full.edges.size(), false);
    for (size_t i = 0; i < cut.edges.size(); ++i) {
      const size_t keep = cut.edges[i].empty()
                              ? 0
                              : std::uniform_int_distribution<size_t>(1, cut.edges[i].size())(rng);
      truncated[i] = keep < cut.edges[i].size();
      cut.edges[i].resize(keep);
    }
    absl::StatusOr<AssignmentResult> r = SolveAssignment(cut);
    ASSERT_TRUE(r.ok());
    const Value got = CheckedValue(cut, *r);
    if (UncertifiedPeople(cut, *r, truncated).empty()) {
      EXPECT_EQ(got, Optimum(full)) << "round " << round;
      certified_cuts += std::count(truncated.begin(), truncated.end(), true) > 0;
    } else {
      ++uncertified;
    }
  }
  EXPECT_GT(certified_cuts, 100);
  EXPECT_GT(uncertified, 10);  // The check does refuse some restrictions.
}

// Lists cut by a minimum score (the runner's lengthened lists) instead of a length: every
// unlisted pair scores below the person's threshold t_i, so unlisted_max = t_i. Whenever
// UncertifiedPeopleWithBounds certifies the cut, its optimum is the full optimum, and the
// bound it asks for an open placed person is below that person's threshold.
TEST(AssignmentTest, ScoreThresholdCutsCertifiedKeepTheOptimum) {
  std::mt19937 rng(7);
  int certified_cuts = 0, uncertified = 0;
  for (int round = 0; round < 5000; ++round) {
    AssignmentProblem full = RandomProblem(rng, 7, 6, 3);
    SortBestFirst(full);
    AssignmentProblem cut = full;
    std::vector<int64_t> unlisted_max(full.edges.size(), kCompleteList);
    bool cut_somewhere = false;
    for (size_t i = 0; i < cut.edges.size(); ++i) {
      if (rng() % 3 == 0) continue;  // A complete list.
      const int64_t t = std::uniform_int_distribution<int64_t>(1, kMaxAssignmentScore)(rng);
      std::vector<AssignmentEdge>& edges = cut.edges[i];
      const size_t before = edges.size();
      edges.erase(std::remove_if(edges.begin(), edges.end(),
                                 [&](const AssignmentEdge& e) { return e.score < t; }),
                  edges.end());
      unlisted_max[i] = t;
      cut_somewhere |= edges.size() < before;
    }
    absl::StatusOr<AssignmentResult> r = SolveAssignment(cut);
    ASSERT_TRUE(r.ok());
    const Value got = CheckedValue(cut, *r);
    const std::vector<UncertifiedPerson> open = UncertifiedPeopleWithBounds(cut, *r, unlisted_max);
    if (open.empty()) {
      EXPECT_EQ(got, Optimum(full)) << "round " << round;
      certified_cuts += cut_somewhere;
    } else {
      ++uncertified;
      for (const UncertifiedPerson& u : open) {
        ASSERT_NE(unlisted_max[u.person], kCompleteList);
        if (u.needed_bound != UncertifiedPerson::kUnknown) {
          EXPECT_NE(r->vacancy_of[u.person], AssignmentResult::kUnplaced);
          EXPECT_LT(u.needed_bound, unlisted_max[u.person]);
        }
      }
    }
  }
  EXPECT_GT(certified_cuts, 100);
  EXPECT_GT(uncertified, 10);
}

TEST(AssignmentTest, PriceCertificateWithoutAFreeSeat) {
  // A's list {X} is truncated (A may have unlisted options scoring at most 0.6). X is full
  // (A holds it) but nobody else wants it: its price is 0 and A's surplus 0.6 covers any
  // unlisted option: certified.
  AssignmentProblem p;
  p.seats = {1, 1};
  p.edges = {{{0, 600'000}}, {{1, 500'000}}};
  absl::StatusOr<AssignmentResult> r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(UncertifiedPeople(p, *r, {true, false}).empty());
  // Now B also wants X but is placed at Y: moving A elsewhere could free X for B, gaining
  // 0.2 - (0.6 - c_A): certified only while A's surplus s_AX - price(X) >= c_A.
  p.edges = {{{0, 600'000}}, {{1, 500'000}, {0, 700'000}}};
  r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  ASSERT_THAT(r->vacancy_of, testing::ElementsAre(0, 1));
  // price(X) = 0.2 (B's gain from X over Y); A's surplus 0.4 < c_A = 0.6: uncertified.
  EXPECT_THAT(UncertifiedPeople(p, *r, {true, false}), testing::ElementsAre(0));
  // An unplaced person who lists A's seat makes it uncertifiable.
  p.seats = {1};
  p.edges = {{{0, 600'000}}, {{0, 500'000}}};
  r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(UncertifiedPeople(p, *r, {true, false}), testing::ElementsAre(0));
}

// Greedy as an AssignmentResult (best pair first), to have feasible, often suboptimal,
// assignments to verify.
AssignmentResult GreedyResult(const AssignmentProblem& p) {
  std::vector<std::pair<int64_t, std::pair<int32_t, int32_t>>> pairs;
  for (size_t i = 0; i < p.edges.size(); ++i) {
    for (const AssignmentEdge& e : p.edges[i]) pairs.push_back({-e.score, {static_cast<int32_t>(i), e.vacancy}});
  }
  std::sort(pairs.begin(), pairs.end());
  AssignmentResult r;
  r.vacancy_of.assign(p.edges.size(), AssignmentResult::kUnplaced);
  std::vector<int32_t> used(p.seats.size(), 0);
  for (const auto& [neg, pv] : pairs) {
    const auto [person, vacancy] = pv;
    if (r.vacancy_of[person] != AssignmentResult::kUnplaced || used[vacancy] >= p.seats[vacancy]) continue;
    r.vacancy_of[person] = vacancy;
    ++used[vacancy];
    ++r.placed;
    r.total_score -= neg;
  }
  return r;
}

TEST(AssignmentTest, MinimumPricesProveOptimalityExactly) {
  std::mt19937 rng(314);
  int optimal_greedy = 0, suboptimal_greedy = 0;
  for (int round = 0; round < 3000; ++round) {
    const AssignmentProblem p = RandomProblem(rng, 8, 5, 2);
    absl::StatusOr<AssignmentResult> exact = SolveAssignment(p);
    ASSERT_TRUE(exact.ok());
    EXPECT_FALSE(MinimumPrices(p, *exact).size() != p.seats.size()) << "round " << round;
    const AssignmentResult greedy = GreedyResult(p);
    const bool greedy_optimal = Value{greedy.placed, greedy.total_score} == Optimum(p);
    EXPECT_EQ(!MinimumPrices(p, greedy).empty(), greedy_optimal) << "round " << round;
    (greedy_optimal ? optimal_greedy : suboptimal_greedy)++;
  }
  EXPECT_GT(suboptimal_greedy, 100);
  EXPECT_GT(optimal_greedy, 100);
}

TEST(AssignmentTest, LargeInstanceIsFast) {
  // 5,000 people, 3,000 vacancies of 1..3 seats, 60 options each: well under a second.
  std::mt19937 rng(5);
  AssignmentProblem p;
  for (int j = 0; j < 3000; ++j) p.seats.push_back(1 + rng() % 3);
  p.edges.resize(5000);
  for (auto& list : p.edges) {
    const int base = rng() % 2500;
    for (int t = 0; t < 60; ++t) {
      list.push_back({(base + t * 7) % 3000, static_cast<int64_t>(rng() % kMaxAssignmentScore)});
    }
  }
  absl::StatusOr<AssignmentResult> r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  CheckedValue(p, *r);
  EXPECT_GT(r->placed, 4000);
}

}  // namespace
}  // namespace w2w::rematch
