// ComputePlanRealised: a rematch run's plan (who was proposed where) against the
// placements that followed it (docs/outcomes.md, "Plan against realised").
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/common/dates.h"
#include "engine/outcomes/report.h"
#include "engine/outcomes/report_groups.h"

namespace w2w::outcomes {

v1::GetPlanRealisedResponse ComputePlanRealised(const v1::RematchRun& run, int32_t started_day,
                                                const std::vector<v1::PersonResult>& results,
                                                const std::vector<std::vector<v1::OutcomeEvent>>& placements) {
  v1::GetPlanRealisedResponse out;
  out.set_run_id(run.run_id());
  out.set_started_at(run.created_at());
  out.set_people(results.size());
  std::vector<int32_t> days;
  for (size_t i = 0; i < results.size(); ++i) {
    const v1::PersonResult& person = results[i];
    absl::flat_hash_set<std::string> proposed;
    if (!person.assigned().vacancy_id().empty()) proposed.insert(person.assigned().vacancy_id());
    for (const v1::VacancyMatch& alternative : person.alternatives()) proposed.insert(alternative.vacancy_id());
    // The first placement starting on or after the run's start day.
    const v1::OutcomeEvent* first = nullptr;
    int32_t first_day = 0;
    // Both branches lvalues: `first` points into the caller's vector, not into a copy
    // that would die with the loop.
    static const std::vector<v1::OutcomeEvent> kNone;
    const std::vector<v1::OutcomeEvent>& own = i < placements.size() ? placements[i] : kNone;
    for (const v1::OutcomeEvent& event : own) {
      if (!event.has_placement()) continue;
      if (event.placement().rematch_run_id() == run.run_id()) out.set_placed_through_run(out.placed_through_run() + 1);
      const int32_t day = ParseIsoDate(event.placement().start_date()).value_or(0);
      if (day < started_day) continue;
      if (first == nullptr || day < first_day) {
        first = &event;
        first_day = day;
      }
    }
    if (proposed.empty()) {
      out.set_not_placeable(out.not_placeable() + 1);
      if (first != nullptr) out.set_not_placeable_placed(out.not_placeable_placed() + 1);
      continue;
    }
    out.set_proposed(out.proposed() + 1);
    if (first == nullptr) continue;
    out.set_placed(out.placed() + 1);
    days.push_back(first_day - started_day);
    const std::string& vacancy = first->placement().vacancy_id();
    if (!vacancy.empty() && proposed.contains(vacancy)) out.set_placed_as_proposed(out.placed_as_proposed() + 1);
    if (!vacancy.empty() && vacancy == person.assigned().vacancy_id()) {
      out.set_placed_in_assigned(out.placed_in_assigned() + 1);
    }
  }
  out.set_conversion(out.proposed() == 0 ? 0.0
                                         : static_cast<double>(out.placed_as_proposed()) / static_cast<double>(out.proposed()));
  out.set_median_days_to_placement(NearestRank(days, 0.5));
  out.set_p90_days_to_placement(NearestRank(days, 0.9));
  return out;
}

}  // namespace w2w::outcomes
