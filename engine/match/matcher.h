// Matcher: the in-memory matching index over all candidates and vacancies, and the
// scoring model (docs/scoring.md) that ranks them.
//
// The Engine facade feeds it every acknowledged write (Upsert*/Remove*, from one writer
// thread at a time) and asks it queries from any number of threads. Queries never wait
// for writers: they score against an immutable snapshot of the model (taxonomy + compiled
// policy) and lock-free, append-only index rows; a write is visible to every query that
// starts after the write call returned (read-your-writes).
//
// Records passed in are canonical (validated by engine/validate): trades are ESCO UUIDs
// known to the taxonomy, regions are region names, qualifications are catalogue codes.
//
// Thread safety: Upsert*/Remove*/SetModel must not run concurrently with each other
// (the caller serializes writers); everything else is safe from any thread, at any time.
#ifndef W2W_ENGINE_MATCH_MATCHER_H_
#define W2W_ENGINE_MATCH_MATCHER_H_

#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/match.pb.h"
#include "w2w/v1/policy.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::match {

// What a query may find, from the caller's scope (engine/access/scope.h): the facade
// fills it; the scan applies it before ranking, so a restricted query gets the best k of
// what it may see.
struct Restriction {
  // Only vacancies located in these regions (by RegionId; MatchCandidate); nullptr = any.
  const std::bitset<taxonomy::kMaxRegions>* vacancy_regions = nullptr;
  // Only rows (candidates for Shortlist, vacancies for MatchCandidate) of this source.
  std::optional<std::string> source;
};

// One (region, sector, source) cell of Matcher::CountSupplyDemand.
struct SupplyDemandCell {
  taxonomy::RegionId region = 0;
  uint8_t sector = 0;  // v1::Sector
  std::string source;
  uint64_t open_seats = 0;
  uint64_t available_candidates = 0;
};

class Matcher {
 public:
  // `policy` must be complete (defaults filled, see policy.h) and valid.
  static std::unique_ptr<Matcher> Create(std::shared_ptr<const taxonomy::Taxonomy> taxonomy,
                                         const v1::Policy& policy);
  virtual ~Matcher() = default;

  // ---- Writes (one writer at a time) -----------------------------------------------
  virtual void UpsertCandidate(const v1::Candidate& candidate) = 0;
  virtual void RemoveCandidate(std::string_view id) = 0;
  virtual void UpsertVacancy(const v1::Vacancy& vacancy) = 0;
  virtual void RemoveVacancy(std::string_view id) = 0;
  // Replaces taxonomy and/or policy for all later queries (policy.version() is reported).
  virtual void SetModel(std::shared_ptr<const taxonomy::Taxonomy> taxonomy,
                        const v1::Policy& policy) = 0;

  // ---- Queries (any thread) -----------------------------------------------------------
  // `vacancy` is the stored or inline vacancy (canonical); request.k/filter apply, and
  // request.language chooses the language of the reasons (the response says which).
  // Errors: INVALID_ARGUMENT for a bad filter ("filter.regions[0]"), k over 1000, an
  // unknown language ("language").
  // `restriction` narrows what may be found (the caller's scope); the two-argument forms
  // find everything.
  virtual absl::StatusOr<v1::ShortlistResponse> Shortlist(const v1::Vacancy& vacancy,
                                                          const v1::ShortlistRequest& request,
                                                          const Restriction& restriction) const = 0;
  virtual absl::StatusOr<v1::MatchCandidateResponse> MatchCandidate(
      const v1::Candidate& candidate, const v1::MatchCandidateRequest& request,
      const Restriction& restriction) const = 0;
  // As MatchCandidate, but only the first `detailed` matches carry the vacancy's fields
  // and an explanation; the later ones have vacancy_id and score only (the same ranking).
  // For callers that keep long ranked lists but show only their head (rematch).
  virtual absl::StatusOr<v1::MatchCandidateResponse> MatchCandidateHead(
      const v1::Candidate& candidate, const v1::MatchCandidateRequest& request,
      size_t detailed, const Restriction& restriction) const = 0;
  absl::StatusOr<v1::ShortlistResponse> Shortlist(const v1::Vacancy& vacancy,
                                                  const v1::ShortlistRequest& request) const {
    return Shortlist(vacancy, request, Restriction{});
  }
  absl::StatusOr<v1::MatchCandidateResponse> MatchCandidate(const v1::Candidate& candidate,
                                                            const v1::MatchCandidateRequest& request) const {
    return MatchCandidate(candidate, request, Restriction{});
  }
  absl::StatusOr<v1::MatchCandidateResponse> MatchCandidateHead(const v1::Candidate& candidate,
                                                                const v1::MatchCandidateRequest& request,
                                                                size_t detailed) const {
    return MatchCandidateHead(candidate, request, detailed, Restriction{});
  }
  // One pair, also when excluded; the reasons and the exclusion reason in `language`
  // (the two-argument form: English). Errors: INVALID_ARGUMENT for an unknown trade.
  virtual absl::StatusOr<v1::ExplainMatchResponse> Explain(const v1::Candidate& candidate,
                                                           const v1::Vacancy& vacancy,
                                                           taxonomy::Language language) const = 0;
  absl::StatusOr<v1::ExplainMatchResponse> Explain(const v1::Candidate& candidate,
                                                   const v1::Vacancy& vacancy) const {
    return Explain(candidate, vacancy, taxonomy::Language::kEnglish);
  }

  // The pair's score in micro-points (total * 1,000,000, as the lists rank it), or
  // nullopt when the pair is excluded or the vacancy's trade is unknown. No explanation:
  // for callers that test many pairs against a threshold (watch streams).
  virtual std::optional<int64_t> ScorePair(const v1::Candidate& candidate,
                                           const v1::Vacancy& vacancy) const = 0;
  // The same for records prepared once (their features compiled under the current
  // model) and scored against many: a few hundred nanoseconds a pair instead of
  // microseconds. A record prepared under an older model is re-prepared on the fly
  // (correct, just slower): prepare again after a model change.
  class Prepared {
   public:
    virtual ~Prepared() = default;
  };
  virtual std::shared_ptr<const Prepared> Prepare(const v1::Candidate& candidate) const = 0;
  virtual std::shared_ptr<const Prepared> Prepare(const v1::Vacancy& vacancy) const = 0;
  virtual std::optional<int64_t> ScorePrepared(const Prepared& candidate, const Prepared& vacancy) const = 0;

  // The vacancy `id` as last given to UpsertVacancy (canonical, any status), or nullopt
  // when it is not indexed: queries on a stored vacancy need no store read. Like every
  // query it sees each write that returned before it started.
  virtual std::optional<v1::Vacancy> FindVacancy(std::string_view id) const = 0;

  // Ids of live candidates of an employer (for rematch selections), sorted.
  virtual std::vector<std::string> CandidatesOfEmployer(std::string_view employer_id) const = 0;

  // ---- Introspection ------------------------------------------------------------------
  // Present supply and demand per (region, sector, source): seats left of open,
  // unexpired vacancies and candidates of a matchable status (any but PLACED,
  // UNAVAILABLE), for the reports' tension. One pass over both indexes' rows.
  virtual std::vector<SupplyDemandCell> CountSupplyDemand(int32_t today) const = 0;

  virtual uint64_t num_candidates() const = 0;      // Live candidate rows.
  virtual uint64_t num_vacancies() const = 0;       // Live vacancy rows (any status).
  virtual uint64_t num_open_vacancies() const = 0;
  virtual uint64_t MemoryBytes() const = 0;         // Heap held by the index.
  virtual uint64_t policy_version() const = 0;
};

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_MATCHER_H_
