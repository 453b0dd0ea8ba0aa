// Engine facade: ReportService.GetReadiness (docs/readiness.md). The figures are the
// readiness room's (engine/readiness/): its Tracker keeps every workforce member's
// evaluation up to date in the background; here the caller's role is checked and its
// scope handed to the report as predicates.
#include <memory>
#include <string>

#include "engine/access/permissions.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/readiness/report.h"

namespace w2w {

absl::StatusOr<v1::GetReadinessResponse> Engine::GetReadiness(const access::Caller& caller,
                                                              const v1::GetReadinessRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kReadOutcomes, "GetReadiness"));
  const std::shared_ptr<const taxonomy::Taxonomy> tax = state_->taxonomy();
  const std::shared_ptr<const access::Scope> scope = state_->ScopeOf(caller);
  const double default_travel_km = state_->DefaultTravelKm();
  readiness::Viewer viewer;
  viewer.description = scope->Describe();
  viewer.sees_candidate = [&](const v1::Candidate& c) { return scope->SeesCandidate(c, default_travel_km); };
  // SeesVacancy reads only the vacancy's region and source, which an option carries.
  v1::Vacancy probe;
  viewer.sees_vacancy = [&](const readiness::Option& o) {
    if (scope->unrestricted()) return true;
    probe.set_region(o.vacancy->region);
    probe.set_source(o.vacancy->source);
    return scope->SeesVacancy(probe);
  };
  return readiness::BuildReport(*state_->readiness, *tax, viewer, request);
}

}  // namespace w2w
