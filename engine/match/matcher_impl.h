// MatcherImpl: the Matcher of matcher.h. Internal to engine/match.
//
// State: the compiled CompiledPolicy and the two indexes, each behind an atomically swapped
// shared_ptr. Readers load the pointers once per query and never lock (except the
// employer list). The writer mutates the current indexes in place (append-only, see
// index.h) and swaps in a compacted copy when dead rows exceed kCompactDeadShare of all
// rows (and kCompactMinDead).
//
// Thread safety: as Matcher.
#ifndef W2W_ENGINE_MATCH_MATCHER_IMPL_H_
#define W2W_ENGINE_MATCH_MATCHER_IMPL_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/match/index.h"
#include "engine/match/matcher.h"
#include "engine/match/compiled_policy.h"

namespace w2w::match {

inline constexpr uint64_t kCompactMinDead = 4096;
inline constexpr double kCompactDeadShare = 0.5;
inline constexpr uint32_t kDefaultK = 20;
inline constexpr uint32_t kMaxK = 1000;

// A validated MatchFilter.
struct QueryFilter {
  double min_score = 0;
  double max_weeks = 0;       // 0 = policy cap.
  bool region_ok[taxonomy::kMaxRegions];  // Filled with true when no region filter.
  uint8_t sector_mask = 0xFF;  // Bit per sector value.
  uint8_t status_mask = 0xFF;  // Bit per status value.
  uint32_t k = kDefaultK;
};

// Parses request.k and the filter. Errors: INVALID_ARGUMENT naming the field.
absl::StatusOr<QueryFilter> ParseFilter(const CompiledPolicy& m, uint32_t k, const v1::MatchFilter& filter);

class MatcherImpl final : public Matcher {
 public:
  MatcherImpl(std::shared_ptr<const taxonomy::Taxonomy> taxonomy, const v1::Policy& policy);

  void UpsertCandidate(const v1::Candidate& candidate) override;
  void RemoveCandidate(std::string_view id) override;
  void UpsertVacancy(const v1::Vacancy& vacancy) override;
  void RemoveVacancy(std::string_view id) override;
  void SetModel(std::shared_ptr<const taxonomy::Taxonomy> taxonomy, const v1::Policy& policy) override;

  using Matcher::MatchCandidate;
  using Matcher::MatchCandidateHead;
  using Matcher::Shortlist;
  absl::StatusOr<v1::ShortlistResponse> Shortlist(const v1::Vacancy& vacancy, const v1::ShortlistRequest& request,
                                                  const Restriction& restriction) const override;
  absl::StatusOr<v1::MatchCandidateResponse> MatchCandidate(const v1::Candidate& candidate,
                                                            const v1::MatchCandidateRequest& request,
                                                            const Restriction& restriction) const override;
  absl::StatusOr<v1::MatchCandidateResponse> MatchCandidateHead(const v1::Candidate& candidate,
                                                                const v1::MatchCandidateRequest& request,
                                                                size_t detailed,
                                                                const Restriction& restriction) const override;
  using Matcher::Explain;
  absl::StatusOr<v1::ExplainMatchResponse> Explain(const v1::Candidate& candidate, const v1::Vacancy& vacancy,
                                                   taxonomy::Language language) const override;
  std::optional<int64_t> ScorePair(const v1::Candidate& candidate, const v1::Vacancy& vacancy) const override;
  std::shared_ptr<const Prepared> Prepare(const v1::Candidate& candidate) const override;
  std::shared_ptr<const Prepared> Prepare(const v1::Vacancy& vacancy) const override;
  std::optional<int64_t> ScorePrepared(const Prepared& candidate, const Prepared& vacancy) const override;
  std::vector<std::string> CandidatesOfEmployer(std::string_view employer_id) const override;
  std::optional<v1::Vacancy> FindVacancy(std::string_view id) const override
      ABSL_LOCKS_EXCLUDED(vacancy_records_mu_);

  std::vector<SupplyDemandCell> CountSupplyDemand(int32_t today) const override;

  uint64_t num_candidates() const override { return cands_.load()->live(); }
  uint64_t num_vacancies() const override { return vacs_.load()->live(); }
  uint64_t num_open_vacancies() const override { return vacs_.load()->open(); }
  uint64_t MemoryBytes() const override;
  uint64_t policy_version() const override { return model_.load()->policy_version; }

  // Memory of the candidate side only (rows, buckets, ids, employer lists).
  uint64_t CandidateMemoryBytes() const { return cands_.load()->MemoryBytes(); }

 private:
  std::atomic<std::shared_ptr<const CompiledPolicy>> model_;
  std::atomic<std::shared_ptr<CandidateIndex>> cands_;
  std::atomic<std::shared_ptr<VacancyIndex>> vacs_;
  // The indexed vacancies themselves, serialized (a few hundred bytes each; vacancies
  // are few next to candidates), for FindVacancy. Writers hold the lock for one map
  // update; readers for one lookup and copy.
  mutable absl::Mutex vacancy_records_mu_;
  absl::flat_hash_map<std::string, std::string> vacancy_records_ ABSL_GUARDED_BY(vacancy_records_mu_);
  std::atomic<uint64_t> vacancy_record_bytes_{0};  // Ids and values of vacancy_records_.
  // Source numbers of both sides' rows (stable across compactions and model changes).
  SourceDictionary sources_;
};

// The scan's source condition for `restriction`: nullopt = any source, else the source
// number rows must have. Sets *nothing_visible when no row can qualify: a source no row
// ever had, or one past the dictionary's capacity (kOverflowSource does not tell such
// sources apart, so their rows are never found by a scoped query).
std::optional<uint16_t> SourceCondition(const SourceDictionary& sources, const Restriction& restriction,
                                        bool* nothing_visible);

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_MATCHER_IMPL_H_
