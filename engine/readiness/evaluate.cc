#include "engine/readiness/evaluate.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "engine/common/status_macros.h"
#include "engine/rematch/summary.h"
#include "engine/validate/open_vacancy.h"

namespace w2w::readiness {
namespace {

// Threshold queries ask for matches needing at most this much retraining. A filter of 0
// means "the policy cap", so "none at all" is asked as a sliver of a week: only matches
// with no retraining (or steps of 0 weeks) pass.
constexpr double kNoRetrainingWeeks = 1e-6;
// Matches a threshold query asks for: the first may need a 0-week step while a later one
// needs none.
constexpr uint32_t kThresholdK = 3;
// Slack on the bucket bounds, as the matcher's own cap comparison (match/scoring.h).
constexpr double kWeeksSlack = 1e-9;

Option ToOption(const match::Matcher& matcher, const v1::VacancyMatch& m) {
  auto info = std::make_shared<VacancyInfo>();
  info->vacancy_id = m.vacancy_id();
  info->employer_id = m.employer_id();
  info->title = m.title();
  info->region = m.region();
  if (std::optional<v1::Vacancy> v = matcher.FindVacancy(m.vacancy_id())) {
    info->source = v->source();
    info->positions = validate::OpenSeats(*v);
  }
  Option o;
  o.vacancy = std::move(info);
  o.bucket = BucketOf(m);
  o.weeks = static_cast<float>(m.explanation().retraining_weeks());
  int required = 0;
  for (const v1::RetrainingStep& step : m.explanation().missing()) {
    if (!step.required()) continue;
    ++required;
    o.only_missing = step.qualification();
  }
  if (required != 1) o.only_missing.clear();
  return o;
}

absl::StatusOr<v1::MatchCandidateResponse> Query(const match::Matcher& matcher, const v1::Candidate& candidate,
                                                 uint32_t k, double max_weeks) {
  v1::MatchCandidateRequest request;
  request.set_k(k);
  request.mutable_filter()->set_max_retraining_weeks(max_weeks);
  return matcher.MatchCandidate(candidate, request);
}

}  // namespace

Bucket BucketOf(const v1::VacancyMatch& match) {
  if (!rematch::NeedsRetraining(match)) return Bucket::kNow;
  const double weeks = match.explanation().retraining_weeks();
  for (int i = 0; i < 3; ++i) {
    if (weeks <= kBucketWeeks[i] + kWeeksSlack) return static_cast<Bucket>(i + 1);
  }
  return Bucket::kNotPlaceable;
}

absl::StatusOr<Evaluation> Evaluate(const match::Matcher& matcher, const v1::Candidate& candidate) {
  Evaluation e;
  ASSIGN_OR_RETURN(v1::MatchCandidateResponse best,
                   Query(matcher, candidate, kOptionsPerPerson, kBucketWeeks[2]));
  ++e.queries;
  for (const v1::VacancyMatch& m : best.matches()) {
    e.options.push_back(ToOption(matcher, m));
    e.bucket = std::min(e.bucket, e.options.back().bucket);
  }
  // The best matches by score need not be the ones needing the least retraining: ask,
  // bound by bound, whether a better bucket is reached at all. Nothing within 26 weeks
  // means nothing within less either.
  const double bounds[3] = {kNoRetrainingWeeks, kBucketWeeks[0], kBucketWeeks[1]};
  for (int i = 0; i < 3 && !e.options.empty() && static_cast<int>(e.bucket) > i; ++i) {
    ASSIGN_OR_RETURN(v1::MatchCandidateResponse found, Query(matcher, candidate, kThresholdK, bounds[i]));
    ++e.queries;
    const v1::VacancyMatch* pick = nullptr;
    for (const v1::VacancyMatch& m : found.matches()) {
      if (pick == nullptr || BucketOf(m) < BucketOf(*pick)) pick = &m;
    }
    if (pick == nullptr || BucketOf(*pick) >= e.bucket) continue;
    const bool known = std::any_of(e.options.begin(), e.options.end(),
                                   [&](const Option& o) { return o.vacancy->vacancy_id == pick->vacancy_id(); });
    if (!known) e.options.push_back(ToOption(matcher, *pick));
    e.bucket = BucketOf(*pick);
    break;
  }
  return e;
}

}  // namespace w2w::readiness
