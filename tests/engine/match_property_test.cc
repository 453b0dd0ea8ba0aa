// Property test of the matcher: on seeded random worlds and random policies, the engine's
// top-k (ids and scores) must equal the brute-force reference's (reference_scorer.h), for
// Shortlist and MatchCandidate with random filters and k, also while records change
// between queries (read-your-writes) and across index compactions.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/common/dates.h"
#include "engine/match/matcher.h"
#include "engine/match/policy.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"
#include "tests/engine/match_world.h"
#include "tests/engine/reference_scorer.h"

namespace w2w::match {
namespace {

using testing::RandomWorld;
using testing::RefMatch;
using testing::ReferenceScorer;

constexpr double kTol = 1e-6;

// The world as both sides see it.
class Fixture {
 public:
  explicit Fixture(uint64_t seed) : tax_(testing::SharedTaxonomy()), world_(*tax_, seed) {
    policy_ = *CompletePolicy(v1::Policy(), *tax_);
    policy_.set_version(1);
    matcher_ = Matcher::Create(tax_, policy_);
    ref_ = std::make_unique<ReferenceScorer>(tax_.get(), policy_, TodayUtc());
  }

  RandomWorld& world() { return world_; }
  Matcher& matcher() { return *matcher_; }
  const ReferenceScorer& ref() const { return *ref_; }

  void SetPolicy(const v1::Policy& raw, uint64_t version) {
    auto complete = CompletePolicy(raw, *tax_);
    ASSERT_TRUE(complete.ok()) << complete.status();
    policy_ = *complete;
    policy_.set_version(version);
    matcher_->SetModel(tax_, policy_);
    ref_->SetPolicy(policy_);
  }

  void Upsert(const v1::Candidate& c) {
    matcher_->UpsertCandidate(c);
    cands_[c.id()] = c;
    rcands_[c.id()] = ref_->Resolve(c);
  }
  void RemoveCandidate(std::string id) {  // By value: `id` may live in the erased record.
    matcher_->RemoveCandidate(id);
    cands_.erase(id);
    rcands_.erase(id);
  }
  void Upsert(const v1::Vacancy& v) {
    matcher_->UpsertVacancy(v);
    vacs_[v.id()] = v;
    rvacs_[v.id()] = ref_->Resolve(v);
  }
  void RemoveVacancy(std::string id) {
    matcher_->RemoveVacancy(id);
    vacs_.erase(id);
    rvacs_.erase(id);
  }

  const std::map<std::string, ReferenceScorer::Cand>& RefCands() const { return rcands_; }
  const std::map<std::string, ReferenceScorer::Vac>& RefVacs() const { return rvacs_; }
  int nonempty() const { return nonempty_; }
  int queries() const { return queries_; }
  const std::map<std::string, v1::Candidate>& cands() const { return cands_; }
  const std::map<std::string, v1::Vacancy>& vacs() const { return vacs_; }
  uint64_t policy_version() const { return policy_.version(); }

  template <typename Map>
  const typename Map::mapped_type& Pick(const Map& m) {
    auto it = m.begin();
    std::advance(it, world_.Uniform(0, static_cast<int>(m.size()) - 1));
    return it->second;
  }

  // One Shortlist compared with the reference. Returns false on a mismatch.
  bool CheckShortlist(const v1::Vacancy& v) {
    v1::ShortlistRequest req;
    req.set_k(world_.K());
    *req.mutable_filter() = world_.Filter(true);
    auto got = matcher_->Shortlist(v, req);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return false;
    EXPECT_EQ(got->policy_version(), policy_version());
    const auto want = ref_->Shortlist(ref_->Resolve(v), RefCands(), req);
    std::vector<RefMatch> have;
    for (const auto& m : got->matches()) {
      have.push_back({m.candidate_id(), m.score()});
      CheckExplanation(m.explanation(), m.score());
    }
    return Same(want, have, absl::StrFormat("Shortlist(%s) k=%d filter={%s}", v.id(), req.k(),
                                             req.filter().ShortDebugString()));
  }

  bool CheckMatchCandidate(const v1::Candidate& c) {
    v1::MatchCandidateRequest req;
    req.set_k(world_.K());
    *req.mutable_filter() = world_.Filter(false);
    auto got = matcher_->MatchCandidate(c, req);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return false;
    EXPECT_EQ(got->policy_version(), policy_version());
    const auto want = ref_->MatchCandidate(ref_->Resolve(c), RefVacs(), req);
    std::vector<RefMatch> have;
    for (const auto& m : got->matches()) {
      have.push_back({m.vacancy_id(), m.score()});
      CheckExplanation(m.explanation(), m.score());
    }
    // The head variant (rematch): the same ranking; the first `detailed` matches equal the
    // full ones, the rest carry id and score only.
    const size_t detailed = static_cast<size_t>(queries_ % 4);
    auto head = matcher_->MatchCandidateHead(c, req, detailed);
    EXPECT_TRUE(head.ok()) << head.status();
    if (head.ok()) {
      EXPECT_EQ(head->matches_size(), got->matches_size());
      for (int i = 0; i < std::min(head->matches_size(), got->matches_size()); ++i) {
        const v1::VacancyMatch& h = head->matches(i);
        if (static_cast<size_t>(i) < detailed) {
          EXPECT_EQ(h.SerializeAsString(), got->matches(i).SerializeAsString()) << i;
        } else {
          EXPECT_EQ(h.vacancy_id(), got->matches(i).vacancy_id()) << i;
          EXPECT_EQ(h.score(), got->matches(i).score()) << i;
          EXPECT_FALSE(h.has_explanation()) << i;
        }
      }
    }
    return Same(want, have, absl::StrFormat("MatchCandidate(%s) k=%d filter={%s}", c.id(), req.k(),
                                             req.filter().ShortDebugString()));
  }

 private:
  static void CheckExplanation(const v1::Explanation& e, double score) {
    const double sum = e.trade().contribution() + e.sector().contribution() +
                       e.qualifications().contribution() + e.distance().contribution() +
                       e.availability().contribution() + e.urgency().contribution();
    EXPECT_NEAR(sum, score, kTol);
    EXPECT_FALSE(e.matched_trade().empty());
    EXPECT_FALSE(e.reasons().empty());
  }

  bool Same(const std::vector<RefMatch>& want, const std::vector<RefMatch>& have,
            const std::string& what) {
    ++queries_;
    nonempty_ += want.empty() ? 0 : 1;
    bool ok = want.size() == have.size();
    for (size_t i = 0; ok && i < want.size(); ++i) {
      ok = want[i].id == have[i].id && std::abs(want[i].score - have[i].score) <= kTol;
    }
    if (!ok) {
      std::string diff;
      for (size_t i = 0; i < std::max(want.size(), have.size()) && i < 30; ++i) {
        diff += absl::StrFormat("  #%d want %s %.6f  have %s %.6f\n", i,
                                i < want.size() ? want[i].id : "-", i < want.size() ? want[i].score : 0,
                                i < have.size() ? have[i].id : "-", i < have.size() ? have[i].score : 0);
      }
      ADD_FAILURE() << what << ": want " << want.size() << " matches, have " << have.size() << "\n" << diff;
    }
    return ok;
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  RandomWorld world_;
  v1::Policy policy_;
  std::unique_ptr<Matcher> matcher_;
  std::unique_ptr<ReferenceScorer> ref_;
  std::map<std::string, v1::Candidate> cands_;
  std::map<std::string, v1::Vacancy> vacs_;
  std::map<std::string, ReferenceScorer::Cand> rcands_;
  std::map<std::string, ReferenceScorer::Vac> rvacs_;
  int nonempty_ = 0, queries_ = 0;
};

std::string Id(const char* prefix, int i) { return absl::StrFormat("%s%06d", prefix, i); }

TEST(MatchPropertyTest, TopKEqualsReferenceOnRandomWorldsAndPolicies) {
  Fixture fx(20261129);
  constexpr int kCandidates = 20000, kVacancies = 3000;
  for (int i = 0; i < kCandidates; ++i) fx.Upsert(fx.world().Candidate(Id("c", i)));
  for (int i = 0; i < kVacancies; ++i) fx.Upsert(fx.world().Vacancy(Id("v", i)));
  EXPECT_EQ(fx.matcher().num_candidates(), static_cast<uint64_t>(kCandidates));
  EXPECT_EQ(fx.matcher().num_vacancies(), static_cast<uint64_t>(kVacancies));

  int failures = 0;
  constexpr int kPolicies = 4, kShortlists = 250, kMatches = 75;
  for (int p = 0; p < kPolicies && failures < 3; ++p) {
    fx.SetPolicy(p == 0 ? v1::Policy() : fx.world().Policy(), static_cast<uint64_t>(p + 1));
    for (int q = 0; q < kShortlists && failures < 3; ++q) {
      const v1::Vacancy v = fx.world().Chance(0.7) ? fx.Pick(fx.vacs()) : fx.world().Vacancy(Id("inline", q));
      failures += fx.CheckShortlist(v) ? 0 : 1;
    }
    for (int q = 0; q < kMatches && failures < 3; ++q) {
      const v1::Candidate c = fx.world().Chance(0.7) ? fx.Pick(fx.cands()) : fx.world().Candidate(Id("inline", q));
      failures += fx.CheckMatchCandidate(c) ? 0 : 1;
    }
  }
  EXPECT_EQ(failures, 0);
  // The worlds are dense enough that most queries have matches to compare.
  EXPECT_GE(fx.queries(), 1300);
  EXPECT_GT(fx.nonempty(), fx.queries() / 2) << fx.nonempty() << " of " << fx.queries();
}

TEST(MatchPropertyTest, ReadYourWritesWithInterleavedChangesAndCompaction) {
  Fixture fx(7);
  constexpr int kCandidates = 5000, kVacancies = 1000;
  for (int i = 0; i < kCandidates; ++i) fx.Upsert(fx.world().Candidate(Id("c", i)));
  for (int i = 0; i < kVacancies; ++i) fx.Upsert(fx.world().Vacancy(Id("v", i)));
  fx.SetPolicy(fx.world().Policy(), 2);
  int failures = 0;
  int next = kCandidates;
  for (int round = 0; round < 400 && failures < 3; ++round) {
    // A burst of changes, then queries that must see all of them.
    const int changes = round % 50 == 49 ? 6000 : fx.world().Uniform(1, 5);
    for (int i = 0; i < changes; ++i) {
      const int what = fx.world().Uniform(0, 9);
      if (what <= 2 || fx.cands().size() < 100) {
        fx.Upsert(fx.world().Candidate(Id("c", next++)));
      } else if (what <= 5) {
        v1::Candidate c = fx.Pick(fx.cands());
        c.set_status(static_cast<v1::CandidateStatus>(fx.world().Uniform(1, 7)));
        if (fx.world().Chance(0.3)) c = fx.world().Candidate(c.id());
        fx.Upsert(c);
      } else if (what == 6) {
        fx.RemoveCandidate(fx.Pick(fx.cands()).id());
      } else if (what == 7) {
        v1::Vacancy v = fx.Pick(fx.vacs());
        v.set_status(fx.world().Chance(0.5) ? v1::VACANCY_STATUS_OPEN : v1::VACANCY_STATUS_FILLED);
        fx.Upsert(v);
      } else if (what == 8 && fx.vacs().size() > 100) {
        fx.RemoveVacancy(fx.Pick(fx.vacs()).id());
      } else {
        fx.Upsert(fx.world().Vacancy(Id("v", next++)));
      }
    }
    EXPECT_EQ(fx.matcher().num_candidates(), fx.cands().size());
    EXPECT_EQ(fx.matcher().num_vacancies(), fx.vacs().size());
    failures += fx.CheckShortlist(fx.Pick(fx.vacs())) ? 0 : 1;
    failures += fx.CheckMatchCandidate(fx.Pick(fx.cands())) ? 0 : 1;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(fx.nonempty(), fx.queries() / 2) << fx.nonempty() << " of " << fx.queries();

  // CandidatesOfEmployer sees exactly the live candidates of that employer.
  const std::string employer = fx.Pick(fx.cands()).employer_id();
  std::vector<std::string> want;
  for (const auto& [id, c] : fx.cands()) {
    if (c.employer_id() == employer) want.push_back(id);
  }
  EXPECT_EQ(fx.matcher().CandidatesOfEmployer(employer), want);
}

}  // namespace
}  // namespace w2w::match
