// Reports over the outcome events: ReportService.GetReport and GetPlanRealised. Every
// figure is defined once in docs/outcomes.md ("Definitions"); this is its one
// implementation. Reports are computed from the EventLog's rows on each call (a pass in
// recording order to find cancellations, then a pass per person in date order), so no
// stored aggregate can drift from the events.
//
// Thread safety: pure functions of their inputs; the EventLog may grow concurrently (a
// report works on the rows published when it began).
#ifndef W2W_ENGINE_OUTCOMES_REPORT_H_
#define W2W_ENGINE_OUTCOMES_REPORT_H_

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/outcomes/event_log.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/outcome.pb.h"
#include "w2w/v1/rematch.pb.h"
#include "w2w/v1/report.pb.h"

namespace w2w::outcomes {

// What a report may see: the caller's scope. Rows outside it are not counted.
struct ReportScope {
  bool all_regions = true;
  // When !all_regions: the region numbers in scope (RegionId + 1, as rows carry them).
  std::bitset<taxonomy::kMaxRegions + 1> regions;
  std::optional<uint16_t> source;   // A partner's own source number (EventLog), or all.
  std::string source_name;          // ... and its name (for the present supply and demand).
  std::string description;          // For GetReportResponse.scope, e.g. "all".
};

// Present supply and demand in one (region, sector, source) cell, from the index, for
// the tension figures.
struct SupplyDemandCell {
  uint8_t region = 0;  // 1..35
  uint8_t sector = 0;  // v1::Sector
  std::string source;
  uint64_t open_seats = 0;            // Seats left of open, unexpired vacancies.
  uint64_t available_candidates = 0;  // Candidates of any status but PLACED and UNAVAILABLE.
};

struct ReportInputs {
  const EventLog* log = nullptr;
  const taxonomy::Taxonomy* taxonomy = nullptr;  // Region names and clusters.
  std::vector<SupplyDemandCell> supply_demand;
  int32_t today = 0;                             // Day number of "today" (UTC).
};

// GetReport. INVALID_ARGUMENT naming the field ("from_date: ...", "region: ...") for a
// bad date, a period in the wrong order or over 10 years, an unknown region.
absl::StatusOr<v1::GetReportResponse> ComputeReport(const ReportInputs& inputs,
                                                    const ReportScope& scope,
                                                    const v1::GetReportRequest& request);

// GetPlanRealised of one run: `results` are the run's stored person results (its plan),
// `started_day` the day it started, and `placements[i]` the placements (not cancelled)
// recorded for results[i]'s candidate, any date.
v1::GetPlanRealisedResponse ComputePlanRealised(
    const v1::RematchRun& run, int32_t started_day, const std::vector<v1::PersonResult>& results,
    const std::vector<std::vector<v1::OutcomeEvent>>& placements);

}  // namespace w2w::outcomes

#endif  // W2W_ENGINE_OUTCOMES_REPORT_H_
