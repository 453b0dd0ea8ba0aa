// Report: ReportService.GetReadiness computed from the Tracker's people
// (docs/readiness.md, "The report"): the people of the request's selection that the
// caller sees, grouped by employer, home region, cluster or sector, with their buckets,
// the qualifications that would unlock the most of them and the vacancies that would
// absorb them. Computed on each call from the per-person figures (one pass over the
// selection); each person's bucket counts only the vacancies the caller sees.
//
// Thread safety: pure functions over a thread-safe Tracker.
#ifndef W2W_ENGINE_READINESS_REPORT_H_
#define W2W_ENGINE_READINESS_REPORT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/readiness/evaluate.h"
#include "engine/readiness/tracker.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/report.pb.h"

namespace w2w::readiness {

inline constexpr uint32_t kDefaultPageSize = 100;
inline constexpr uint32_t kMaxPageSize = 1000;
inline constexpr uint32_t kDefaultTop = 5;
inline constexpr uint32_t kMaxTop = 50;

// Who is asking: the caller's scope as two predicates (the facade's access::Scope).
struct Viewer {
  std::function<bool(const v1::Candidate&)> sees_candidate;  // On PersonView::candidate.
  std::function<bool(const Option&)> sees_vacancy;            // On an option's region/source.
  std::string description;                                    // GetReadinessResponse.scope.
};

// The readiness of `request`'s selection as `viewer` sees it, under `tax` (region names,
// clusters, qualification names). Errors: INVALID_ARGUMENT naming the field ("group_by",
// "region", "page_size", "page_token", "top", "sector"); NOT_FOUND "employer 'x': ..."
// when employer_id is set and the viewer sees none of its people (also when it has none).
absl::StatusOr<v1::GetReadinessResponse> BuildReport(const Tracker& tracker, const taxonomy::Taxonomy& tax,
                                                     const Viewer& viewer, const v1::GetReadinessRequest& request);

}  // namespace w2w::readiness

#endif  // W2W_ENGINE_READINESS_REPORT_H_
