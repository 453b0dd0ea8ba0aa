// ChangeFeed: tells listeners (watch streams, readiness) about every change the matching
// index applied, the moment it applied it, so they can react in the background.
//
// The facade wraps its Matcher in an ObservedMatcher at Open (after the rebuild, so the
// rebuild itself is not reported); every index write then reaches the listeners, whichever
// path made it (upserts, group commits, imports, taxonomy re-derivation, erasure, policy
// and taxonomy changes), without the write paths knowing about them.
//
// A listener is called on the writer's thread, under the engine's writer lock, after the
// index applied the change (so a query it starts later sees it). It must return at once:
// note the change (an id in a set, a copy of the record) and wake its own worker; never
// call back into the engine or block on I/O there.
//
// Thread safety: listeners are added before the engine serves and live as long as the
// feed; the On* calls come from one writer at a time.
#ifndef W2W_ENGINE_MATCH_CHANGE_FEED_H_
#define W2W_ENGINE_MATCH_CHANGE_FEED_H_

#include <memory>
#include <string_view>
#include <vector>

#include "engine/match/matcher.h"

namespace w2w::match {

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // `candidate` as indexed; nullptr when the candidate `id` was removed.
  virtual void OnCandidate(std::string_view id, const v1::Candidate* candidate) = 0;
  // `vacancy` as indexed (any status); nullptr when the vacancy `id` was removed.
  virtual void OnVacancy(std::string_view id, const v1::Vacancy* vacancy) = 0;
  // The taxonomy or the policy changed: every score may have changed.
  virtual void OnModel() = 0;
};

// A Matcher that forwards every call to `inner` and reports each write to the listeners.
class ObservedMatcher final : public Matcher {
 public:
  explicit ObservedMatcher(std::unique_ptr<Matcher> inner) : inner_(std::move(inner)) {}

  // Not thread-safe against the On* calls: add listeners before serving.
  void AddListener(ChangeListener* listener) { listeners_.push_back(listener); }

  void UpsertCandidate(const v1::Candidate& candidate) override {
    inner_->UpsertCandidate(candidate);
    for (ChangeListener* l : listeners_) l->OnCandidate(candidate.id(), &candidate);
  }
  void RemoveCandidate(std::string_view id) override {
    inner_->RemoveCandidate(id);
    for (ChangeListener* l : listeners_) l->OnCandidate(id, nullptr);
  }
  void UpsertVacancy(const v1::Vacancy& vacancy) override {
    inner_->UpsertVacancy(vacancy);
    for (ChangeListener* l : listeners_) l->OnVacancy(vacancy.id(), &vacancy);
  }
  void RemoveVacancy(std::string_view id) override {
    inner_->RemoveVacancy(id);
    for (ChangeListener* l : listeners_) l->OnVacancy(id, nullptr);
  }
  void SetModel(std::shared_ptr<const taxonomy::Taxonomy> taxonomy, const v1::Policy& policy) override {
    inner_->SetModel(std::move(taxonomy), policy);
    for (ChangeListener* l : listeners_) l->OnModel();
  }

  absl::StatusOr<v1::ShortlistResponse> Shortlist(const v1::Vacancy& vacancy,
                                                  const v1::ShortlistRequest& request,
                                                  const Restriction& restriction) const override {
    return inner_->Shortlist(vacancy, request, restriction);
  }
  absl::StatusOr<v1::MatchCandidateResponse> MatchCandidate(const v1::Candidate& candidate,
                                                            const v1::MatchCandidateRequest& request,
                                                            const Restriction& restriction) const override {
    return inner_->MatchCandidate(candidate, request, restriction);
  }
  absl::StatusOr<v1::MatchCandidateResponse> MatchCandidateHead(const v1::Candidate& candidate,
                                                                const v1::MatchCandidateRequest& request,
                                                                size_t detailed,
                                                                const Restriction& restriction) const override {
    return inner_->MatchCandidateHead(candidate, request, detailed, restriction);
  }
  absl::StatusOr<v1::ExplainMatchResponse> Explain(const v1::Candidate& candidate, const v1::Vacancy& vacancy,
                                                   taxonomy::Language language) const override {
    return inner_->Explain(candidate, vacancy, language);
  }
  std::optional<int64_t> ScorePair(const v1::Candidate& candidate, const v1::Vacancy& vacancy) const override {
    return inner_->ScorePair(candidate, vacancy);
  }
  std::shared_ptr<const Prepared> Prepare(const v1::Candidate& candidate) const override {
    return inner_->Prepare(candidate);
  }
  std::shared_ptr<const Prepared> Prepare(const v1::Vacancy& vacancy) const override { return inner_->Prepare(vacancy); }
  std::optional<int64_t> ScorePrepared(const Prepared& candidate, const Prepared& vacancy) const override {
    return inner_->ScorePrepared(candidate, vacancy);
  }
  std::optional<v1::Vacancy> FindVacancy(std::string_view id) const override { return inner_->FindVacancy(id); }
  std::vector<std::string> CandidatesOfEmployer(std::string_view employer_id) const override {
    return inner_->CandidatesOfEmployer(employer_id);
  }
  std::vector<SupplyDemandCell> CountSupplyDemand(int32_t today) const override {
    return inner_->CountSupplyDemand(today);
  }
  uint64_t num_candidates() const override { return inner_->num_candidates(); }
  uint64_t num_vacancies() const override { return inner_->num_vacancies(); }
  uint64_t num_open_vacancies() const override { return inner_->num_open_vacancies(); }
  uint64_t MemoryBytes() const override { return inner_->MemoryBytes(); }
  uint64_t policy_version() const override { return inner_->policy_version(); }

 private:
  std::unique_ptr<Matcher> inner_;
  std::vector<ChangeListener*> listeners_;
};

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_CHANGE_FEED_H_
