// Evaluate: the dry-run rematch of one person (docs/readiness.md, "One person"): their best
// matches and, exactly, the least retraining any of their matches needs, bucketed as the
// readiness report counts it (now, at most 4 / 13 / 26 weeks, not placeable).
//
// The matching is Matcher::MatchCandidate's (within reach, the policy's retraining cap,
// willingness to retrain). "Now" is the rematch summary's "placeable now": a match whose
// missing steps include no required qualification (rematch::NeedsRetraining).
//
// Thread safety: pure functions over a thread-safe Matcher.
#ifndef W2W_ENGINE_READINESS_EVALUATE_H_
#define W2W_ENGINE_READINESS_EVALUATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/match/matcher.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/match.pb.h"

namespace w2w::readiness {

// The buckets, best first; a person is in the best one any match of theirs reaches.
enum class Bucket : uint8_t { kNow, kWithin4Weeks, kWithin13Weeks, kWithin26Weeks, kNotPlaceable };
inline constexpr int kNumBuckets = 5;
// Upper bounds (weeks, inclusive) of the three retraining buckets.
inline constexpr double kBucketWeeks[3] = {4, 13, 26};
// Matches kept per person (the matcher's best by score); the threshold matches that
// decide the bucket are kept beside them.
inline constexpr uint32_t kOptionsPerPerson = 5;

// The bucket a single match puts its candidate in.
Bucket BucketOf(const v1::VacancyMatch& match);

// The fields of a vacancy the report lists and the caller's scope is checked on (region,
// source), as of the evaluation that saw it. Immutable; shared by every option of every
// person that names the vacancy (the Tracker interns them), so a person's options cost
// a pointer each.
struct VacancyInfo {
  std::string vacancy_id;
  std::string employer_id;
  std::string title;
  std::string region;
  std::string source;       // A partner sees only its own.
  uint32_t positions = 0;   // Open seats (validate/open_vacancy.h).
};

// One match of a person.
struct Option {
  std::shared_ptr<const VacancyInfo> vacancy;  // Never null.
  float weeks = 0;                             // Explanation.retraining_weeks.
  Bucket bucket = Bucket::kNotPlaceable;       // BucketOf the match.
  // The missing required qualification (code) when it is exactly one: the one that
  // unlocks it; else empty.
  std::string only_missing;
};

// One evaluation: the person's options (the best kOptionsPerPerson by score, then the
// better-bucket matches the threshold queries found, no vacancy twice) and their bucket
// over all matches, which is the best bucket among `options`.
struct Evaluation {
  std::vector<Option> options;
  Bucket bucket = Bucket::kNotPlaceable;
  uint32_t queries = 0;  // MatchCandidate calls it took (1..4).
};

// Evaluates `candidate` (canonical) against `matcher`; the matches' source and positions
// are read from the indexed vacancy (Matcher::FindVacancy).
// Errors: as MatchCandidate (never for a canonical record in practice).
absl::StatusOr<Evaluation> Evaluate(const match::Matcher& matcher, const v1::Candidate& candidate);

}  // namespace w2w::readiness

#endif  // W2W_ENGINE_READINESS_EVALUATE_H_
