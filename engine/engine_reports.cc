// Engine facade: reports over the outcome events (ReportService.GetReport). The figures
// are computed by engine/outcomes/report.h from the event log and, for the tension, the
// present supply and demand the matching index counts. GetPlanRealised lives with the
// rematch runs it reads (engine_rematch.cc).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/access/permissions.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/outcomes/report.h"

namespace w2w {

absl::StatusOr<v1::GetReportResponse> Engine::GetReport(const access::Caller& caller,
                                                        const v1::GetReportRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kReadOutcomes, "GetReport"));
  const std::shared_ptr<const taxonomy::Taxonomy> tax = state_->taxonomy();
  const std::shared_ptr<const access::Scope> scope = state_->ScopeOf(caller);
  const outcomes::EventLog& log = state_->outcomes->log();

  outcomes::ReportScope report_scope;
  report_scope.description = scope->Describe();
  if (scope->coach()) {
    report_scope.all_regions = false;
    for (size_t r = 0; r < tax->num_regions(); ++r) {
      if (scope->HasRegion(static_cast<taxonomy::RegionId>(r))) report_scope.regions.set(r + 1);
    }
  } else if (scope->partner()) {
    // A source without events yet matches no row.
    report_scope.source = log.FindSource(scope->source()).value_or(outcomes::kNoSuchSource);
    report_scope.source_name = scope->source();
  }

  outcomes::ReportInputs inputs;
  inputs.log = &log;
  inputs.taxonomy = tax.get();
  inputs.today = TodayUtc();
  for (const match::SupplyDemandCell& cell : state_->matcher->CountSupplyDemand(inputs.today)) {
    outcomes::SupplyDemandCell out;
    out.region = static_cast<uint8_t>(cell.region + 1);
    out.sector = static_cast<uint8_t>(cell.sector);
    out.source = cell.source;
    out.open_seats = cell.open_seats;
    out.available_candidates = cell.available_candidates;
    inputs.supply_demand.push_back(std::move(out));
  }
  return outcomes::ComputeReport(inputs, report_scope, request);
}

}  // namespace w2w
