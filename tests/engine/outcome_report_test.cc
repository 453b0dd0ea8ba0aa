// Tests of the report figures (engine/outcomes/report.h) against docs/outcomes.md: hand-built
// event logs with exact expected numbers for every figure of the definitions table, and a
// randomized property test against a deliberately simple reference implementation that
// recomputes each figure straight from the definitions.
#include "engine/outcomes/report.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/common/dates.h"
#include "engine/outcomes/event_log.h"
#include "engine/outcomes/report_groups.h"
#include "engine/taxonomy/taxonomy.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace w2w::outcomes {
namespace {

std::string DataDir() {
  const char* env = std::getenv("W2W_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR;
}

const taxonomy::Taxonomy& Tax() {
  static const std::shared_ptr<const taxonomy::Taxonomy>* tax = [] {
    auto loaded = taxonomy::Taxonomy::LoadFromDir(DataDir());
    if (!loaded.ok()) std::abort();
    return new std::shared_ptr<const taxonomy::Taxonomy>(*loaded);
  }();
  return **tax;
}

int32_t D(const char* iso) {
  std::optional<int32_t> day = ParseIsoDate(iso);
  if (!day.has_value()) std::abort();
  return *day;
}

// Region number (1..35) of a region name.
uint8_t RegionNo(std::string_view name) {
  std::optional<taxonomy::RegionId> id = Tax().FindRegion(name);
  EXPECT_TRUE(id.has_value()) << name;
  return static_cast<uint8_t>(id.value_or(0) + 1);
}
const std::string& RegionName(uint8_t number) { return Tax().region(static_cast<taxonomy::RegionId>(number - 1)).name; }

constexpr uint8_t kAtRisk = v1::CANDIDATE_STATUS_AT_RISK;
constexpr uint8_t kNotice = v1::CANDIDATE_STATUS_NOTICE_GIVEN;
constexpr uint8_t kBankrupt = v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER;
constexpr uint8_t kUnemployed = v1::CANDIDATE_STATUS_UNEMPLOYED;
constexpr uint8_t kEmployed = v1::CANDIDATE_STATUS_EMPLOYED;
constexpr uint8_t kPlaced = v1::CANDIDATE_STATUS_PLACED;
constexpr uint8_t kUnavailable = v1::CANDIDATE_STATUS_UNAVAILABLE;

// Where the candidate was when an event was recorded.
struct Dims {
  uint8_t region = 0;
  uint8_t sector = v1::SECTOR_ME;
  std::string source;
};

// Appends rows the way Ledger::AppendRows makes them from events.
class Builder {
 public:
  explicit Builder(EventLog* log) : log_(log) {}

  uint32_t Status(const std::string& who, const char* date, uint8_t status, const Dims& d = {}, bool creation = false) {
    EventRow row = Base(who, date, d);
    row.kind = Kind::kStatusChange;
    row.status = status;
    if (creation) row.flags |= kCreation;
    return log_->Append(row);
  }
  uint32_t Place(const std::string& who, const char* date, const Dims& d = {}, uint8_t job_sector = v1::SECTOR_ME,
                 uint8_t flags = 0) {
    EventRow row = Base(who, date, d);
    row.kind = Kind::kPlacement;
    row.job_region = d.region;
    row.job_sector = job_sector;
    row.flags = flags;
    return log_->Append(row);
  }
  uint32_t TrackStart(const std::string& who, const char* date, uint32_t cost, const Dims& d = {}) {
    EventRow row = Base(who, date, d);
    row.kind = Kind::kTrackStart;
    row.cost_eur = cost;
    return log_->Append(row);
  }
  uint32_t TrackEnd(const std::string& who, const char* date, uint32_t start, v1::TrackResult result,
                    const Dims& d = {}) {
    EventRow row = Base(who, date, d);
    row.kind = Kind::kTrackEnd;
    row.status = static_cast<uint8_t>(result);
    row.link = start;
    return log_->Append(row);
  }
  uint32_t FollowUp(const std::string& who, const char* date, uint32_t placement, uint8_t months, bool in_work,
                    const Dims& d = {}) {
    EventRow row = Base(who, date, d);
    row.kind = Kind::kFollowUp;
    row.status = months;
    row.link = placement;
    if (in_work) row.flags |= kInWork;
    return log_->Append(row);
  }
  uint32_t Cancel(const std::string& who, const char* date, uint32_t cancelled, const Dims& d = {}) {
    EventRow row = Base(who, date, d);
    row.kind = Kind::kCancellation;
    row.link = cancelled;
    return log_->Append(row);
  }

 private:
  EventRow Base(const std::string& who, const char* date, const Dims& d) {
    EventRow row;
    row.person = log_->InternPerson(who);
    row.day = D(date);
    row.region = d.region;
    row.sector = d.sector;
    row.source = log_->InternSource(d.source);
    return row;
  }
  EventLog* log_;
};

v1::GetReportRequest Request(v1::ReportGrouping by, const char* from, const char* to) {
  v1::GetReportRequest request;
  request.set_group_by(by);
  request.set_from_date(from);
  request.set_to_date(to);
  return request;
}

class ReportTest : public ::testing::Test {
 protected:
  v1::GetReportResponse Report(const v1::GetReportRequest& request, const ReportScope& scope = {}) {
    ReportInputs inputs;
    inputs.log = &log_;
    inputs.taxonomy = &Tax();
    inputs.supply_demand = cells_;
    inputs.today = D("2026-06-30");
    absl::StatusOr<v1::GetReportResponse> response = ComputeReport(inputs, scope, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(v1::GetReportResponse());
  }
  v1::ReportRow Total(v1::ReportGrouping by, const char* from, const char* to) {
    return Report(Request(by, from, to)).total();
  }
  // The row of `group`, or an empty row with group "<missing>".
  static v1::ReportRow RowOf(const v1::GetReportResponse& response, const std::string& group) {
    for (const v1::ReportRow& row : response.rows()) {
      if (row.group() == group) return row;
    }
    v1::ReportRow missing;
    missing.set_group("<missing>");
    return missing;
  }
  static std::vector<std::string> Groups(const v1::GetReportResponse& response) {
    std::vector<std::string> groups;
    for (const v1::ReportRow& row : response.rows()) groups.push_back(row.group());
    return groups;
  }

  EventLog log_;
  Builder b_{&log_};
  std::vector<SupplyDemandCell> cells_;
};

// ---- Episodes ------------------------------------------------------------------------------

TEST_F(ReportTest, EpisodesOpenOnSignalsAndCloseOnPlacementEmployedPlaced) {
  // a: AT_RISK, UNAVAILABLE (does not close), NOTICE_GIVEN (no second episode), placed.
  b_.Status("a", "2025-01-10", kAtRisk);
  b_.Status("a", "2025-01-20", kUnavailable);
  b_.Status("a", "2025-02-01", kNotice);
  b_.Place("a", "2025-03-01");
  // b: UNEMPLOYED then EMPLOYED closes it unplaced; a new AT_RISK episode, placed 10 days on.
  b_.Status("b", "2025-02-01", kUnemployed);
  b_.Status("b", "2025-03-01", kEmployed);
  b_.Status("b", "2025-04-01", kAtRisk);
  b_.Place("b", "2025-04-11");
  // c: BANKRUPT_EMPLOYER, UNEMPLOYED before the start: placed, not work to work.
  b_.Status("c", "2025-05-01", kBankrupt);
  b_.Status("c", "2025-05-10", kUnemployed);
  b_.Place("c", "2025-06-09");
  // d: a placement without any signal.
  b_.Place("d", "2025-07-01");
  // e: closed by a PLACED status change (a placement w2w did not record).
  b_.Status("e", "2025-08-01", kAtRisk);
  b_.Status("e", "2025-08-15", kPlaced);
  // f: still open at the end of the data.
  b_.Status("f", "2025-12-01", kAtRisk);

  const v1::ReportRow year = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(year.events(), 15u);
  EXPECT_EQ(year.entered(), 6u);         // a, b twice, c, e, f.
  EXPECT_EQ(year.entered_placed(), 3u);  // a, b's second, c.
  EXPECT_DOUBLE_EQ(year.placement_rate(), 0.5);
  EXPECT_EQ(year.placements(), 4u);
  EXPECT_EQ(year.placements_with_signal(), 3u);
  EXPECT_DOUBLE_EQ(year.median_days_to_placement(), 39);  // {10, 39, 50}
  EXPECT_DOUBLE_EQ(year.p90_days_to_placement(), 50);
  EXPECT_EQ(year.placed_before_unemployment(), 2u);       // a and b.
  EXPECT_DOUBLE_EQ(year.work_to_work_share(), 2.0 / 3.0);
  EXPECT_EQ(year.placements_without_retraining(), 4u);

  // Placed after to_date: entered but not entered_placed; placements outside are not counted.
  const v1::ReportRow q1 = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-02-28");
  EXPECT_EQ(q1.entered(), 2u);  // a (placed 03-01, after to_date), b (closed by EMPLOYED).
  EXPECT_EQ(q1.entered_placed(), 0u);
  EXPECT_EQ(q1.placements(), 0u);
  EXPECT_EQ(q1.events(), 4u);
  EXPECT_DOUBLE_EQ(q1.placement_rate(), 0);
  EXPECT_DOUBLE_EQ(q1.median_days_to_placement(), 0);

  // A placement in the period whose episode began before it: with signal, not entered.
  const v1::ReportRow march = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-03-01", "2025-03-31");
  EXPECT_EQ(march.entered(), 0u);
  EXPECT_EQ(march.placements(), 1u);
  EXPECT_EQ(march.placements_with_signal(), 1u);
  EXPECT_DOUBLE_EQ(march.median_days_to_placement(), 50);
}

TEST_F(ReportTest, EventsAreTakenInDateOrderNotRecordingOrder) {
  // History imported late: the placement is recorded before the signal that preceded it.
  b_.Place("a", "2025-05-01");
  b_.Status("a", "2025-04-01", kNotice);
  b_.Status("a", "2025-03-01", kAtRisk);
  const v1::ReportRow row = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(row.entered(), 1u);
  EXPECT_EQ(row.entered_placed(), 1u);
  EXPECT_EQ(row.placements_with_signal(), 1u);
  EXPECT_DOUBLE_EQ(row.median_days_to_placement(), 61);
  EXPECT_EQ(row.placed_before_unemployment(), 1u);
}

TEST_F(ReportTest, SecondPlacementWithoutNewSignalHasNoSignal) {
  b_.Status("a", "2025-01-01", kAtRisk);
  b_.Place("a", "2025-02-01");
  b_.Place("a", "2025-06-01");  // The episode closed at the first.
  const v1::ReportRow row = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(row.placements(), 2u);
  EXPECT_EQ(row.placements_with_signal(), 1u);
  EXPECT_EQ(row.entered(), 1u);
}

TEST_F(ReportTest, UnemployedOnTheStartDayRecordedBeforeThePlacementIsNotWorkToWork) {
  // Same day, recording order: the UNEMPLOYED comes first in the walk.
  b_.Status("a", "2025-01-01", kAtRisk);
  b_.Status("a", "2025-02-01", kUnemployed);
  b_.Place("a", "2025-02-01");
  // Recorded after the placement the same day: a new episode, the first unaffected.
  b_.Status("b", "2025-01-01", kAtRisk);
  b_.Place("b", "2025-02-01");
  b_.Status("b", "2025-02-01", kUnemployed);
  const v1::ReportRow row = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(row.placements_with_signal(), 2u);
  EXPECT_EQ(row.placed_before_unemployment(), 1u);
  EXPECT_EQ(row.entered(), 3u);
  EXPECT_EQ(row.entered_placed(), 2u);
}

TEST_F(ReportTest, CreationAfterEarlierHistoryIsNotASignal) {
  // g: created (server) on 06-01 as AT_RISK; history loaded later says signal 01-05 and
  // placement 03-01. The creation must not open a second episode.
  b_.Status("g", "2025-06-01", kAtRisk, {}, /*creation=*/true);
  b_.Status("g", "2025-01-05", kUnemployed);
  b_.Place("g", "2025-03-01");
  // h: created AT_RISK with no earlier history: the creation is the first signal.
  b_.Status("h", "2025-02-01", kAtRisk, {}, /*creation=*/true);
  b_.Place("h", "2025-04-01");
  // i: history dated after the creation: the creation still counts.
  b_.Status("i", "2025-01-01", kAtRisk, {}, /*creation=*/true);
  b_.Status("i", "2025-02-01", kUnemployed);
  b_.Place("i", "2025-03-03");
  const v1::ReportRow row = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(row.events(), 8u);  // The creation still is an event.
  EXPECT_EQ(row.entered(), 3u);
  EXPECT_EQ(row.entered_placed(), 3u);
  EXPECT_EQ(row.placements_with_signal(), 3u);
  EXPECT_DOUBLE_EQ(row.median_days_to_placement(), 59);  // {55, 59, 61}
  EXPECT_DOUBLE_EQ(row.p90_days_to_placement(), 61);
  EXPECT_EQ(row.placed_before_unemployment(), 1u);  // Only h.
}

// ---- Cancellations -------------------------------------------------------------------------

TEST_F(ReportTest, CancelledEventsStopCountingWithTheirEndsAndFollowUps) {
  b_.Status("a", "2025-01-01", kAtRisk);
  const uint32_t wrong = b_.Place("a", "2025-02-01");
  b_.FollowUp("a", "2025-08-01", wrong, 6, true);  // Drops with its placement.
  b_.Cancel("a", "2025-02-10", wrong);
  const uint32_t right = b_.Place("a", "2025-03-01");
  const uint32_t fu = b_.FollowUp("a", "2025-09-01", right, 6, true);
  b_.Cancel("a", "2025-09-02", fu);
  b_.FollowUp("a", "2025-09-03", right, 6, false);  // The correction.
  // A cancelled track start takes its end with it; a cancelled end leaves the start.
  const uint32_t t1 = b_.TrackStart("a", "2025-01-15", 1000);
  b_.TrackEnd("a", "2025-04-01", t1, v1::TRACK_RESULT_COMPLETED);
  b_.Cancel("a", "2025-04-02", t1);
  const uint32_t t2 = b_.TrackStart("a", "2025-01-20", 700);
  const uint32_t e2 = b_.TrackEnd("a", "2025-05-01", t2, v1::TRACK_RESULT_DROPPED);
  b_.Cancel("a", "2025-05-02", e2);
  // A cancelled (imported) signal opens nothing.
  const uint32_t s = b_.Status("z", "2025-03-01", kNotice);
  b_.Cancel("z", "2025-03-02", s);

  const v1::ReportRow row = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(row.events(), 4u);  // a's signal, the right placement, the corrected follow-up, t2.
  EXPECT_EQ(row.placements(), 1u);
  EXPECT_EQ(row.entered(), 1u);
  EXPECT_EQ(row.entered_placed(), 1u);
  EXPECT_DOUBLE_EQ(row.median_days_to_placement(), 59);  // To the right placement.
  EXPECT_EQ(row.followed_up_6m(), 1u);
  EXPECT_EQ(row.retained_6m(), 0u);
  EXPECT_EQ(row.tracks_started(), 1u);
  EXPECT_EQ(row.retraining_cost_eur(), 700u);
  EXPECT_EQ(row.tracks_completed(), 0u);
  EXPECT_EQ(row.tracks_dropped(), 0u);
}

// ---- Tracks, retention, sectors, hard to fill, cost ------------------------------------------

TEST_F(ReportTest, TracksCostAndCompletion) {
  const uint32_t t1 = b_.TrackStart("a", "2025-01-10", 1000);
  b_.TrackEnd("a", "2025-03-01", t1, v1::TRACK_RESULT_COMPLETED);
  const uint32_t t2 = b_.TrackStart("b", "2025-02-10", 2500);
  b_.TrackEnd("b", "2025-04-01", t2, v1::TRACK_RESULT_DROPPED);
  const uint32_t t3 = b_.TrackStart("c", "2025-03-10", 400);
  b_.TrackEnd("c", "2026-02-01", t3, v1::TRACK_RESULT_COMPLETED);  // After the period.
  const uint32_t t0 = b_.TrackStart("d", "2024-11-01", 9999);      // Before it.
  b_.TrackEnd("d", "2025-05-01", t0, v1::TRACK_RESULT_COMPLETED);
  b_.TrackStart("e", "2025-06-01", 100);  // Running.
  b_.Place("a", "2025-04-01", {}, v1::SECTOR_ME, kRetrained);
  b_.Place("b", "2025-05-01", {}, v1::SECTOR_ME, kHardToFill);
  const v1::ReportRow row = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(row.tracks_started(), 4u);
  EXPECT_EQ(row.tracks_completed(), 2u);  // a and d.
  EXPECT_EQ(row.tracks_dropped(), 1u);
  EXPECT_DOUBLE_EQ(row.completion_rate(), 2.0 / 3.0);
  EXPECT_EQ(row.retraining_cost_eur(), 4000u);
  EXPECT_DOUBLE_EQ(row.retraining_cost_per_placement_eur(), 2000);
  EXPECT_EQ(row.placements_with_retraining(), 1u);
  EXPECT_EQ(row.placements_without_retraining(), 1u);
  EXPECT_EQ(row.hard_to_fill_filled(), 1u);
  EXPECT_EQ(row.events(), 9u);
  // No placements: cost per placement 0, not infinite.
  const v1::ReportRow q1 = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-03-31");
  EXPECT_EQ(q1.retraining_cost_eur(), 3900u);
  EXPECT_DOUBLE_EQ(q1.retraining_cost_per_placement_eur(), 0);
  EXPECT_DOUBLE_EQ(q1.completion_rate(), 1);
}

TEST_F(ReportTest, RetentionCountsOnThePlacementsRow) {
  const Dims twente{RegionNo("Twente"), v1::SECTOR_ME, ""};
  const Dims utrecht{RegionNo("Midden-Utrecht"), v1::SECTOR_ME, ""};
  const uint32_t p1 = b_.Place("a", "2025-02-01", twente);
  b_.FollowUp("a", "2025-08-01", p1, 6, true, utrecht);   // Moved before the follow-up.
  b_.FollowUp("a", "2026-02-01", p1, 12, false, utrecht);  // After the period: still counts.
  const uint32_t p2 = b_.Place("b", "2025-03-01", twente);
  b_.FollowUp("b", "2025-09-01", p2, 6, true, twente);
  const uint32_t p0 = b_.Place("c", "2024-12-01", twente);  // Placement before the period.
  b_.FollowUp("c", "2025-06-01", p0, 6, true, twente);

  const v1::GetReportResponse by_region =
      Report(Request(v1::REPORT_GROUPING_REGION, "2025-01-01", "2025-12-31"));
  const v1::ReportRow t = RowOf(by_region, "Twente");
  EXPECT_EQ(t.placements(), 2u);
  EXPECT_EQ(t.followed_up_6m(), 2u);
  EXPECT_EQ(t.retained_6m(), 2u);
  EXPECT_DOUBLE_EQ(t.retention_6m(), 1);
  EXPECT_EQ(t.followed_up_12m(), 1u);
  EXPECT_EQ(t.retained_12m(), 0u);
  EXPECT_DOUBLE_EQ(t.retention_12m(), 0);
  EXPECT_EQ(t.events(), 4u);  // p1, p2, b's follow-up, c's follow-up.
  const v1::ReportRow u = RowOf(by_region, "Midden-Utrecht");
  EXPECT_EQ(u.events(), 1u);  // a's 6-month follow-up; its retention is Twente's.
  EXPECT_EQ(u.followed_up_6m(), 0u);
  EXPECT_EQ(by_region.total().followed_up_6m(), 2u);

  // Filtered on the placement's region, the retention is the same as Twente's row.
  v1::GetReportRequest filtered = Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  filtered.set_region("Twente");
  const v1::ReportRow f = Report(filtered).total();
  EXPECT_EQ(f.followed_up_6m(), 2u);
  EXPECT_EQ(f.retained_6m(), 2u);
  EXPECT_EQ(f.followed_up_12m(), 1u);
  EXPECT_EQ(f.events(), 4u);
}

TEST_F(ReportTest, SectorMovesAndStaysTechnical) {
  b_.Place("a", "2025-02-01", {0, v1::SECTOR_ME, ""}, v1::SECTOR_ME);
  b_.Place("b", "2025-02-01", {0, v1::SECTOR_ME, ""}, v1::SECTOR_BOUW);
  b_.Place("c", "2025-02-01", {0, v1::SECTOR_OTHER, ""}, v1::SECTOR_INST);
  b_.Place("d", "2025-02-01", {0, v1::SECTOR_PROC, ""}, v1::SECTOR_OTHER);
  b_.Place("e", "2025-02-01", {0, v1::SECTOR_ME, ""}, v1::SECTOR_BOUW);
  const v1::ReportRow row = Total(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  EXPECT_EQ(row.sector_changes(), 4u);
  EXPECT_DOUBLE_EQ(row.stays_technical_share(), 0.8);
  ASSERT_EQ(row.sector_moves_size(), 4);
  auto move = [&](int i) {
    const v1::SectorMove& m = row.sector_moves(i);
    return std::tuple(m.from(), m.to(), m.placements());
  };
  EXPECT_EQ(move(0), std::tuple(v1::SECTOR_ME, v1::SECTOR_ME, uint64_t{1}));
  EXPECT_EQ(move(1), std::tuple(v1::SECTOR_ME, v1::SECTOR_BOUW, uint64_t{2}));
  EXPECT_EQ(move(2), std::tuple(v1::SECTOR_PROC, v1::SECTOR_OTHER, uint64_t{1}));
  EXPECT_EQ(move(3), std::tuple(v1::SECTOR_OTHER, v1::SECTOR_INST, uint64_t{1}));
}

// ---- Groupings, scope and filters --------------------------------------------------------------

TEST_F(ReportTest, MonthGroupingAcrossTheYearBoundaryHasTensionOnlyInTheTotal) {
  b_.Status("a", "2025-12-15", kAtRisk);
  b_.Place("a", "2026-01-10");
  b_.Status("b", "2026-01-02", kUnemployed);
  b_.Status("c", "2025-11-30", kAtRisk);  // Outside the period.
  cells_.push_back({RegionNo("Twente"), v1::SECTOR_ME, "", 6, 4});
  const v1::GetReportResponse r = Report(Request(v1::REPORT_GROUPING_MONTH, "2025-12-01", "2026-01-31"));
  EXPECT_THAT(Groups(r), ::testing::ElementsAre("2025-12", "2026-01"));
  const v1::ReportRow dec = RowOf(r, "2025-12"), jan = RowOf(r, "2026-01");
  EXPECT_EQ(dec.events(), 1u);
  EXPECT_EQ(dec.entered(), 1u);
  EXPECT_EQ(dec.entered_placed(), 1u);  // Placed in January, before to_date.
  EXPECT_EQ(dec.placements(), 0u);
  EXPECT_EQ(jan.events(), 2u);
  EXPECT_EQ(jan.entered(), 1u);
  EXPECT_EQ(jan.placements(), 1u);
  EXPECT_DOUBLE_EQ(jan.median_days_to_placement(), 26);
  EXPECT_EQ(dec.open_seats() + jan.open_seats() + dec.available_candidates() + jan.available_candidates(), 0u);
  EXPECT_EQ(r.total().open_seats(), 6u);
  EXPECT_EQ(r.total().available_candidates(), 4u);
  EXPECT_DOUBLE_EQ(r.total().tension(), 1.5);
  EXPECT_EQ(r.from_date(), "2025-12-01");
  EXPECT_EQ(r.to_date(), "2026-01-31");
}

TEST_F(ReportTest, ClusterRegionSectorSourceGroupings) {
  // Two regions of one cluster and a region of none (if the shipped data has one).
  const taxonomy::Taxonomy& tax = Tax();
  std::optional<uint8_t> clustered, sibling, loose;
  for (taxonomy::RegionId id = 0; id < tax.num_regions(); ++id) {
    const taxonomy::ClusterId c = tax.region(id).cluster;
    if (c == taxonomy::kNoCluster) {
      if (!loose) loose = id + 1;
    } else if (!clustered) {
      clustered = id + 1;
    } else if (!sibling && c == tax.region(*clustered - 1).cluster) {
      sibling = id + 1;
    }
  }
  ASSERT_TRUE(clustered && sibling);
  const std::string cluster = tax.cluster_name(tax.region(*clustered - 1).cluster);
  b_.Status("a", "2025-02-01", kAtRisk, {*clustered, v1::SECTOR_ME, "uwv"});
  b_.Place("a", "2025-03-01", {*clustered, v1::SECTOR_ME, "uwv"}, v1::SECTOR_BOUW);
  b_.Status("b", "2025-02-01", kAtRisk, {*sibling, v1::SECTOR_BOUW, "partner"});
  b_.Status("c", "2025-02-01", kAtRisk, {0, v1::SECTOR_INST, ""});
  if (loose) b_.Status("d", "2025-02-01", kAtRisk, {*loose, v1::SECTOR_INST, "uwv"});
  cells_.push_back({*clustered, v1::SECTOR_ME, "uwv", 10, 5});
  cells_.push_back({*sibling, v1::SECTOR_BOUW, "new-partner", 1, 4});

  const char* kFrom = "2025-01-01";
  const char* kTo = "2025-12-31";
  const v1::GetReportResponse by_cluster = Report(Request(v1::REPORT_GROUPING_CLUSTER, kFrom, kTo));
  const v1::ReportRow c = RowOf(by_cluster, cluster);
  EXPECT_EQ(c.entered(), 2u);
  EXPECT_EQ(c.placements(), 1u);
  EXPECT_EQ(c.open_seats(), 11u);
  EXPECT_EQ(c.available_candidates(), 9u);
  EXPECT_EQ(RowOf(by_cluster, "(no cluster)").entered(), loose ? 2u : 1u);

  const v1::GetReportResponse by_region = Report(Request(v1::REPORT_GROUPING_REGION, kFrom, kTo));
  EXPECT_EQ(RowOf(by_region, RegionName(*clustered)).events(), 2u);
  EXPECT_DOUBLE_EQ(RowOf(by_region, RegionName(*clustered)).tension(), 2);
  EXPECT_EQ(RowOf(by_region, RegionName(*sibling)).entered(), 1u);
  EXPECT_DOUBLE_EQ(RowOf(by_region, RegionName(*sibling)).tension(), 0.25);
  EXPECT_EQ(RowOf(by_region, "(unknown)").entered(), 1u);
  EXPECT_TRUE(std::is_sorted(by_region.rows().begin(), by_region.rows().end(),
                             [](const v1::ReportRow& x, const v1::ReportRow& y) { return x.group() < y.group(); }));

  const v1::GetReportResponse by_sector = Report(Request(v1::REPORT_GROUPING_SECTOR, kFrom, kTo));
  EXPECT_EQ(RowOf(by_sector, "ME").placements(), 1u);  // The candidate's sector, not the job's.
  EXPECT_EQ(RowOf(by_sector, "BOUW").placements(), 0u);
  EXPECT_EQ(RowOf(by_sector, "BOUW").entered(), 1u);
  EXPECT_EQ(RowOf(by_sector, "BOUW").open_seats(), 1u);
  EXPECT_EQ(RowOf(by_sector, "INST").entered(), loose ? 2u : 1u);

  const v1::GetReportResponse by_source = Report(Request(v1::REPORT_GROUPING_SOURCE, kFrom, kTo));
  EXPECT_EQ(RowOf(by_source, "uwv").events(), loose ? 3u : 2u);
  EXPECT_EQ(RowOf(by_source, "uwv").open_seats(), 10u);
  EXPECT_EQ(RowOf(by_source, "partner").entered(), 1u);
  EXPECT_EQ(RowOf(by_source, "(none)").entered(), 1u);
  const v1::ReportRow fresh = RowOf(by_source, "new-partner");  // Records, no events yet.
  EXPECT_EQ(fresh.events(), 0u);
  EXPECT_EQ(fresh.available_candidates(), 4u);
  EXPECT_EQ(by_source.total().open_seats(), 11u);
}

TEST_F(ReportTest, ScopeAndFilters) {
  const uint8_t twente = RegionNo("Twente"), utrecht = RegionNo("Midden-Utrecht");
  b_.Status("a", "2025-02-01", kAtRisk, {twente, v1::SECTOR_ME, "uwv"});
  b_.Place("a", "2025-03-01", {twente, v1::SECTOR_ME, "uwv"});
  b_.Status("b", "2025-02-01", kAtRisk, {utrecht, v1::SECTOR_BOUW, "partner"});
  b_.Status("c", "2025-02-01", kNotice, {twente, v1::SECTOR_BOUW, "partner"});
  b_.Status("d", "2025-02-01", kNotice, {0, v1::SECTOR_ME, "partner"});
  cells_.push_back({twente, v1::SECTOR_ME, "uwv", 3, 1});
  cells_.push_back({utrecht, v1::SECTOR_BOUW, "partner", 5, 2});
  const v1::GetReportRequest all = Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");

  ReportScope coach;
  coach.all_regions = false;
  coach.regions.set(twente);
  coach.description = "regions: Twente";
  const v1::GetReportResponse rc = Report(all, coach);
  EXPECT_EQ(rc.total().events(), 3u);  // Not Utrecht, not the unknown region.
  EXPECT_EQ(rc.total().entered(), 2u);
  EXPECT_EQ(rc.total().open_seats(), 3u);
  EXPECT_EQ(rc.scope(), "regions: Twente");

  ReportScope partner;
  partner.source = log_.FindSource("partner");
  partner.source_name = "partner";
  const v1::ReportRow rp = Report(all, partner).total();
  EXPECT_EQ(rp.entered(), 3u);
  EXPECT_EQ(rp.placements(), 0u);
  EXPECT_EQ(rp.open_seats(), 5u);

  v1::GetReportRequest by_region = all;
  by_region.set_region("Twente");
  EXPECT_EQ(Report(by_region).total().entered(), 2u);
  v1::GetReportRequest by_number = all;
  by_number.set_region(std::to_string(Tax().region(twente - 1).number));
  EXPECT_EQ(Report(by_number).total().entered(), 2u);
  v1::GetReportRequest by_sector = all;
  by_sector.set_sector(v1::SECTOR_BOUW);
  EXPECT_EQ(Report(by_sector).total().entered(), 2u);
  EXPECT_EQ(Report(by_sector).total().open_seats(), 5u);
  v1::GetReportRequest by_source = all;
  by_source.set_source("uwv");
  EXPECT_EQ(Report(by_source).total().events(), 2u);
  v1::GetReportRequest combined = all;
  combined.set_region("Twente");
  combined.set_sector(v1::SECTOR_BOUW);
  combined.set_source("partner");
  EXPECT_EQ(Report(combined).total().entered(), 1u);

  v1::GetReportRequest unknown = Request(v1::REPORT_GROUPING_SOURCE, "2025-01-01", "2025-12-31");
  unknown.set_source("nobody");
  const v1::GetReportResponse ru = Report(unknown);
  EXPECT_EQ(ru.rows_size(), 0);
  EXPECT_EQ(ru.total().events(), 0u);
  EXPECT_EQ(ru.total().open_seats(), 0u);
  EXPECT_EQ(ru.events_examined(), log_.size());
}

TEST_F(ReportTest, DefaultPeriodIsTheYearToToday) {
  const v1::GetReportResponse r = Report(v1::GetReportRequest());
  EXPECT_EQ(r.to_date(), "2026-06-30");
  EXPECT_EQ(r.from_date(), FormatIsoDate(D("2026-06-30") - 364));
  EXPECT_EQ(r.definitions(), "docs/outcomes.md");
}

TEST(ReportErrorsTest, BadRequestsAreInvalidArgumentNamingTheField) {
  EventLog log;
  ReportInputs inputs;
  inputs.log = &log;
  inputs.taxonomy = &Tax();
  inputs.today = D("2026-01-01");
  auto check = [&](const v1::GetReportRequest& request, const std::string& field) {
    absl::StatusOr<v1::GetReportResponse> r = ComputeReport(inputs, {}, request);
    ASSERT_FALSE(r.ok()) << request.ShortDebugString();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), ::testing::StartsWith(field + ":"));
  };
  check(Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-13-01", "2025-12-31"), "from_date");
  check(Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "31-12-2025"), "to_date");
  check(Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-02-30", "2025-12-31"), "from_date");
  check(Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-06-02", "2025-06-01"), "from_date");
  check(Request(v1::REPORT_GROUPING_UNSPECIFIED, "2016-01-01", "2026-01-01"), "from_date");  // 3654 days.
  v1::GetReportRequest region = Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-12-31");
  region.set_region("Atlantis");
  check(region, "region");
  v1::GetReportRequest grouping;
  grouping.set_group_by(static_cast<v1::ReportGrouping>(99));
  check(grouping, "group_by");
  // Exactly ten years (3653 days inclusive) and one day are fine.
  EXPECT_TRUE(ComputeReport(inputs, {}, Request(v1::REPORT_GROUPING_UNSPECIFIED, "2016-01-01", "2025-12-31")).ok());
  EXPECT_TRUE(ComputeReport(inputs, {}, Request(v1::REPORT_GROUPING_MONTH, "2025-06-01", "2025-06-01")).ok());
}

// ---- Plan against realised ---------------------------------------------------------------------

v1::OutcomeEvent PlacementEvent(const char* start, const std::string& vacancy, const std::string& run = "") {
  v1::OutcomeEvent event;
  event.mutable_placement()->set_start_date(start);
  event.mutable_placement()->set_vacancy_id(vacancy);
  event.mutable_placement()->set_rematch_run_id(run);
  return event;
}

v1::PersonResult Person(const std::string& id, const std::string& assigned, std::vector<std::string> alternatives) {
  v1::PersonResult person;
  person.set_candidate_id(id);
  if (!assigned.empty()) person.mutable_assigned()->set_vacancy_id(assigned);
  for (const std::string& v : alternatives) person.add_alternatives()->set_vacancy_id(v);
  return person;
}

TEST(PlanRealisedTest, EveryFigure) {
  v1::RematchRun run;
  run.set_run_id("run-1");
  run.set_created_at("2025-03-01T08:00:00Z");
  const int32_t started = D("2025-03-01");
  const std::vector<v1::PersonResult> results = {
      Person("p1", "v1", {"v2"}),  // Placed in the assigned seat, 10 days on, through the run.
      Person("p2", "v3", {"v4"}),  // Placed in an alternative, 30 days on.
      Person("p3", "v5", {}),      // Placed elsewhere, 5 days on; an earlier placement before the run.
      Person("p4", "", {"v6"}),    // Proposed only alternatives, not placed.
      Person("p5", "", {}),        // Not placeable, placed anyway.
      Person("p6", "", {}),        // Not placeable, not placed.
  };
  const std::vector<std::vector<v1::OutcomeEvent>> placements = {
      {PlacementEvent("2025-03-11", "v1", "run-1")},
      {PlacementEvent("2025-03-31", "v4")},
      {PlacementEvent("2025-02-01", "v5", "run-1"), PlacementEvent("2025-03-06", "v9")},
      {},
      {PlacementEvent("2025-04-01", "")},
      {},
  };
  const v1::GetPlanRealisedResponse r = ComputePlanRealised(run, started, results, placements);
  EXPECT_EQ(r.run_id(), "run-1");
  EXPECT_EQ(r.started_at(), "2025-03-01T08:00:00Z");
  EXPECT_EQ(r.people(), 6u);
  EXPECT_EQ(r.proposed(), 4u);
  EXPECT_EQ(r.not_placeable(), 2u);
  EXPECT_EQ(r.placed(), 3u);
  EXPECT_EQ(r.placed_as_proposed(), 2u);
  EXPECT_EQ(r.placed_in_assigned(), 1u);
  EXPECT_EQ(r.placed_through_run(), 2u);
  EXPECT_DOUBLE_EQ(r.conversion(), 0.5);
  EXPECT_DOUBLE_EQ(r.median_days_to_placement(), 10);  // {5, 10, 30}
  EXPECT_DOUBLE_EQ(r.p90_days_to_placement(), 30);
  EXPECT_EQ(r.not_placeable_placed(), 1u);
}

TEST(PlanRealisedTest, EmptyRunAndTheFirstPlacementAfterTheStartCounts) {
  v1::RematchRun run;
  run.set_run_id("run-2");
  const v1::GetPlanRealisedResponse empty = ComputePlanRealised(run, D("2025-01-01"), {}, {});
  EXPECT_EQ(empty.people(), 0u);
  EXPECT_DOUBLE_EQ(empty.conversion(), 0);
  EXPECT_DOUBLE_EQ(empty.median_days_to_placement(), 0);
  // Two placements after the start, recorded out of order: the earlier one is the outcome.
  const v1::GetPlanRealisedResponse r = ComputePlanRealised(
      run, D("2025-01-01"), {Person("p", "v1", {})},
      {{PlacementEvent("2025-05-01", "v1"), PlacementEvent("2025-01-01", "v7")}});
  EXPECT_EQ(r.placed(), 1u);
  EXPECT_EQ(r.placed_as_proposed(), 0u);
  EXPECT_DOUBLE_EQ(r.median_days_to_placement(), 0);
}

// ---- The reference implementation ----------------------------------------------------------
//
// Straight from docs/outcomes.md, with no shared code: plain loops over a vector of rows,
// std::map per person and per group, strings for group keys, integer nearest rank.

struct RefFigures {
  uint64_t events = 0, entered = 0, entered_placed = 0, placements = 0, with_signal = 0, w2w = 0;
  std::vector<int32_t> days;
  uint64_t retrained = 0, hard = 0, started = 0, completed = 0, dropped = 0, cost = 0;
  std::map<std::pair<int, int>, uint64_t> moves;
  uint64_t changes = 0, technical = 0, f6 = 0, r6 = 0, f12 = 0, r12 = 0, seats = 0, available = 0;
};

struct RefQuery {
  v1::ReportGrouping by = v1::REPORT_GROUPING_UNSPECIFIED;
  int32_t from = 0, to = 0;
  uint8_t region = 0, sector = 0;
  bool has_source = false;
  std::string source;  // Filter by name.
};

class Reference {
 public:
  Reference(const std::vector<EventRow>& rows, const std::vector<std::string>& source_names,
            const std::vector<SupplyDemandCell>& cells)
      : rows_(rows), names_(source_names), cells_(cells) {
    for (size_t i = 0; i < rows_.size(); ++i) {
      if (rows_[i].kind == Kind::kCancellation) cancel_targets_.insert(rows_[i].link);
      if (rows_[i].kind == Kind::kFollowUp) follow_ups_of_[rows_[i].link].push_back(static_cast<int>(i));
    }
  }

  v1::GetReportResponse Compute(const ReportScope& scope, const RefQuery& q) {
    scope_ = &scope;
    q_ = &q;
    groups_.clear();
    total_ = RefFigures();
    const int n = static_cast<int>(rows_.size());
    auto live = [&](int i) { return rows_[i].kind != Kind::kCancellation && !Cancelled(i); };
    auto in_period = [&](int32_t day) { return q.from <= day && day <= q.to; };

    for (int i = 0; i < n; ++i) {
      const EventRow& r = rows_[i];
      if (!live(i) || !Visible(r) || !in_period(r.day)) continue;
      Add(r, [](RefFigures& f) { ++f.events; });
      if (r.kind == Kind::kTrackStart) Add(r, [&](RefFigures& f) { ++f.started; f.cost += r.cost_eur; });
      if (r.kind == Kind::kTrackEnd && r.status == v1::TRACK_RESULT_COMPLETED) Add(r, [](RefFigures& f) { ++f.completed; });
      if (r.kind == Kind::kTrackEnd && r.status == v1::TRACK_RESULT_DROPPED) Add(r, [](RefFigures& f) { ++f.dropped; });
    }

    // Episodes per person.
    struct Episode {
      int entry = -1;
      int32_t first = 0;
      int placement = -1;
      std::vector<int32_t> unemployed_days;  // Walk positions of UNEMPLOYED changes.
    };
    std::map<uint32_t, std::vector<int>> by_person;
    for (int i = 0; i < n; ++i) {
      if (live(i) && (rows_[i].kind == Kind::kStatusChange || rows_[i].kind == Kind::kPlacement)) {
        by_person[rows_[i].person].push_back(i);
      }
    }
    std::map<int, Episode> episode_of_placement;  // Placement row -> its episode.
    std::vector<Episode> episodes;
    for (auto& [person, list] : by_person) {
      std::stable_sort(list.begin(), list.end(), [&](int a, int b) { return rows_[a].day < rows_[b].day; });
      bool has_earlier_history = false;
      std::optional<Episode> open;
      for (size_t k = 0; k < list.size(); ++k) {
        const EventRow& r = rows_[list[k]];
        if (r.kind == Kind::kStatusChange && (r.flags & kCreation) != 0) {
          has_earlier_history = false;
          for (int j : list) {
            const EventRow& h = rows_[j];
            if (h.kind == Kind::kStatusChange && (h.flags & kCreation) == 0 && h.day < r.day) has_earlier_history = true;
          }
          if (has_earlier_history) continue;
        }
        if (r.kind == Kind::kStatusChange) {
          const bool signal = r.status == kAtRisk || r.status == kNotice || r.status == kBankrupt || r.status == kUnemployed;
          if (signal && !open) {
            open = Episode();
            open->entry = list[k];
            open->first = r.day;
          }
          if (open && r.status == kUnemployed) open->unemployed_days.push_back(static_cast<int32_t>(k));
          if (open && (r.status == kEmployed || r.status == kPlaced)) {
            episodes.push_back(*open);
            open.reset();
          }
        } else if (open) {
          open->placement = list[k];
          episode_of_placement[list[k]] = *open;
          episodes.push_back(*open);
          open.reset();
        }
      }
      if (open) episodes.push_back(*open);
    }
    for (const Episode& e : episodes) {
      const EventRow& entry = rows_[e.entry];
      if (!Visible(entry) || !in_period(e.first)) continue;
      const bool placed = e.placement >= 0 && rows_[e.placement].day <= q.to;
      Add(entry, [&](RefFigures& f) { ++f.entered; f.entered_placed += placed; });
    }

    for (int i = 0; i < n; ++i) {
      const EventRow& p = rows_[i];
      if (p.kind != Kind::kPlacement || !live(i) || !Visible(p) || !in_period(p.day)) continue;
      const auto episode = episode_of_placement.find(i);
      // Follow-ups of this placement, any date, not cancelled.
      bool f6 = false, r6 = false, f12 = false, r12 = false;
      for (int j : follow_ups_of_[static_cast<uint32_t>(i)]) {
        const EventRow& u = rows_[j];
        if (!live(j)) continue;
        const bool in_work = (u.flags & kInWork) != 0;
        if (u.status == 6) { f6 = true; r6 = r6 || in_work; }
        if (u.status == 12) { f12 = true; r12 = r12 || in_work; }
      }
      Add(p, [&](RefFigures& f) {
        ++f.placements;
        if (episode != episode_of_placement.end()) {
          ++f.with_signal;
          f.days.push_back(p.day - episode->second.first);
          // Work to work: no UNEMPLOYED in the episode before the placement (the walk closed
          // the episode at the placement, so every UNEMPLOYED it saw came before it).
          f.w2w += episode->second.unemployed_days.empty();
        }
        f.retrained += (p.flags & kRetrained) != 0;
        f.hard += (p.flags & kHardToFill) != 0;
        ++f.moves[{p.sector, p.job_sector}];
        f.changes += p.sector != p.job_sector;
        f.technical += p.job_sector == v1::SECTOR_ME || p.job_sector == v1::SECTOR_INST ||
                       p.job_sector == v1::SECTOR_PROC || p.job_sector == v1::SECTOR_BOUW ||
                       p.job_sector == v1::SECTOR_MVT;
        f.f6 += f6; f.r6 += r6; f.f12 += f12; f.r12 += r12;
      });
    }

    for (const SupplyDemandCell& c : cells_) {
      if (!scope.all_regions && (c.region == 0 || !scope.regions[c.region])) continue;
      if (scope.source.has_value() && c.source != scope.source_name) continue;
      if (q.region != 0 && c.region != q.region) continue;
      if (q.sector != 0 && c.sector != q.sector) continue;
      if (q.has_source && c.source != q.source) continue;
      total_.seats += c.open_seats;
      total_.available += c.available_candidates;
      if (q.by == v1::REPORT_GROUPING_UNSPECIFIED || q.by == v1::REPORT_GROUPING_MONTH) continue;
      RefFigures& g = groups_[GroupName(c.region, c.sector, c.source, 0)];
      g.seats += c.open_seats;
      g.available += c.available_candidates;
    }

    v1::GetReportResponse out;
    for (auto& [name, f] : groups_) *out.add_rows() = ToRefRow(name, f);
    *out.mutable_total() = ToRefRow("", total_);
    return out;
  }

 private:
  bool Cancelled(int i) const {
    if (cancel_targets_.contains(static_cast<uint32_t>(i))) return true;
    const EventRow& r = rows_[i];
    if (r.kind == Kind::kTrackEnd || r.kind == Kind::kFollowUp) return Cancelled(static_cast<int>(r.link));
    return false;
  }
  const std::string& SourceName(uint16_t s) const { return names_[s]; }
  bool Visible(const EventRow& r) const {
    if (!scope_->all_regions && (r.region == 0 || !scope_->regions[r.region])) return false;
    if (scope_->source.has_value() && SourceName(r.source) != scope_->source_name) return false;
    if (q_->region != 0 && r.region != q_->region) return false;
    if (q_->sector != 0 && r.sector != q_->sector) return false;
    if (q_->has_source && SourceName(r.source) != q_->source) return false;
    return true;
  }
  std::string GroupName(uint8_t region, uint8_t sector, const std::string& source, int32_t day) const {
    const taxonomy::Taxonomy& tax = Tax();
    switch (q_->by) {
      case v1::REPORT_GROUPING_CLUSTER: {
        if (region == 0) return "(no cluster)";
        const taxonomy::ClusterId c = tax.region(static_cast<taxonomy::RegionId>(region - 1)).cluster;
        return c == taxonomy::kNoCluster ? "(no cluster)" : tax.cluster_name(c);
      }
      case v1::REPORT_GROUPING_REGION: return region == 0 ? "(unknown)" : RegionName(region);
      case v1::REPORT_GROUPING_SECTOR: return v1::Sector_Name(static_cast<v1::Sector>(sector)).substr(7);
      case v1::REPORT_GROUPING_SOURCE: return source.empty() ? "(none)" : source;
      case v1::REPORT_GROUPING_MONTH: return FormatIsoDate(day).substr(0, 7);
      default: return "";
    }
  }
  template <typename Fn>
  void Add(const EventRow& r, Fn fn) {
    fn(total_);
    if (q_->by != v1::REPORT_GROUPING_UNSPECIFIED) fn(groups_[GroupName(r.region, r.sector, SourceName(r.source), r.day)]);
  }
  static double Ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }
  // Nearest rank in integers: the smallest rank k with k >= p * n.
  static double Rank(std::vector<int32_t> v, int percent) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t k = std::max<size_t>(1, (v.size() * percent + 99) / 100);
    return v[k - 1];
  }
  static v1::ReportRow ToRefRow(const std::string& name, const RefFigures& f) {
    v1::ReportRow row;
    row.set_group(name);
    row.set_label(name);
    row.set_events(f.events);
    row.set_entered(f.entered);
    row.set_entered_placed(f.entered_placed);
    row.set_placement_rate(Ratio(f.entered_placed, f.entered));
    row.set_placements(f.placements);
    row.set_median_days_to_placement(Rank(f.days, 50));
    row.set_p90_days_to_placement(Rank(f.days, 90));
    row.set_placements_with_signal(f.with_signal);
    row.set_placed_before_unemployment(f.w2w);
    row.set_work_to_work_share(Ratio(f.w2w, f.with_signal));
    row.set_placements_with_retraining(f.retrained);
    row.set_placements_without_retraining(f.placements - f.retrained);
    row.set_hard_to_fill_filled(f.hard);
    row.set_tracks_started(f.started);
    row.set_tracks_completed(f.completed);
    row.set_tracks_dropped(f.dropped);
    row.set_completion_rate(Ratio(f.completed, f.completed + f.dropped));
    row.set_retraining_cost_eur(f.cost);
    row.set_retraining_cost_per_placement_eur(Ratio(f.cost, f.placements));
    for (const auto& [cell, count] : f.moves) {
      v1::SectorMove* m = row.add_sector_moves();
      m->set_from(static_cast<v1::Sector>(cell.first));
      m->set_to(static_cast<v1::Sector>(cell.second));
      m->set_placements(count);
    }
    row.set_sector_changes(f.changes);
    row.set_stays_technical_share(Ratio(f.technical, f.placements));
    row.set_followed_up_6m(f.f6);
    row.set_retained_6m(f.r6);
    row.set_retention_6m(Ratio(f.r6, f.f6));
    row.set_followed_up_12m(f.f12);
    row.set_retained_12m(f.r12);
    row.set_retention_12m(Ratio(f.r12, f.f12));
    row.set_open_seats(f.seats);
    row.set_available_candidates(f.available);
    row.set_tension(Ratio(f.seats, f.available));
    return row;
  }

  const std::vector<EventRow>& rows_;
  const std::vector<std::string>& names_;
  const std::vector<SupplyDemandCell>& cells_;
  std::set<uint32_t> cancel_targets_;                 // Rows a cancellation names.
  std::map<uint32_t, std::vector<int>> follow_ups_of_;  // Placement row -> its follow-ups.
  const ReportScope* scope_ = nullptr;
  const RefQuery* q_ = nullptr;
  std::map<std::string, RefFigures> groups_;
  RefFigures total_;
};

TEST(ReferenceRankTest, NearestRankMatchesIntegerArithmetic) {
  for (int n = 1; n <= 2000; ++n) {
    std::vector<int32_t> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
    ASSERT_EQ(NearestRank(v, 0.5), static_cast<double>((n * 50 + 99) / 100 - 1)) << n;
    ASSERT_EQ(NearestRank(v, 0.9), static_cast<double>((n * 90 + 99) / 100 - 1)) << n;
  }
}

// A random log: persons with drifting dimensions, every kind of event, days over two years
// recorded in random order (history imports), cancellations, follow-ups and track ends.
struct RandomWorld {
  EventLog log;
  std::vector<EventRow> rows;
  std::vector<std::string> source_names{""};
  std::vector<SupplyDemandCell> cells;

  explicit RandomWorld(uint32_t seed, int num_events, int num_persons) {
    std::mt19937 rng(seed);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
    const std::vector<std::string> sources = {"", "uwv", "partner-a", "partner-b"};
    for (size_t s = 1; s < sources.size(); ++s) {
      source_names.push_back(sources[s]);
      EXPECT_EQ(log.InternSource(sources[s]), s);
    }
    // A few regions so that groups have many rows; 0 (unknown) now and then.
    const std::vector<uint8_t> regions = {0, 1, 2, 3, 14, 15, 20, 35};
    struct Person { uint8_t region, sector; uint16_t source; };
    std::vector<Person> persons;
    for (int p = 0; p < num_persons; ++p) {
      EXPECT_EQ(log.InternPerson("c" + std::to_string(p)), static_cast<uint32_t>(p));
      persons.push_back({regions[uniform(0, 7)], static_cast<uint8_t>(uniform(0, 6)), static_cast<uint16_t>(uniform(0, 3))});
    }
    const int32_t day0 = D("2025-01-01");
    std::vector<uint32_t> placements, open_tracks, cancellable;
    std::set<std::pair<uint32_t, uint8_t>> followed;  // (placement, months) with a live follow-up.
    std::vector<uint32_t> follow_ups;
    std::set<uint32_t> cancelled;
    auto append = [&](EventRow row) {
      const uint32_t r = log.Append(row);
      rows.push_back(row);
      return r;
    };
    for (int e = 0; e < num_events; ++e) {
      const uint32_t who = static_cast<uint32_t>(uniform(0, num_persons - 1));
      Person& person = persons[who];
      if (chance(0.05)) person.region = regions[uniform(0, 7)];
      if (chance(0.03)) person.sector = static_cast<uint8_t>(uniform(0, 6));
      EventRow row;
      row.person = who;
      row.day = day0 + uniform(0, 729);
      row.region = person.region;
      row.sector = person.sector;
      row.source = person.source;
      const int kind = uniform(0, 99);
      if (kind < 45) {
        row.kind = Kind::kStatusChange;
        row.status = static_cast<uint8_t>(uniform(1, 7));
        if (chance(0.1)) row.flags |= kCreation;
        const uint32_t r = append(row);
        if (chance(0.3)) cancellable.push_back(r);  // An imported status change.
      } else if (kind < 62) {
        row.kind = Kind::kPlacement;
        row.job_region = regions[uniform(0, 7)];
        row.job_sector = static_cast<uint8_t>(uniform(0, 6));
        if (chance(0.3)) row.flags |= kRetrained;
        if (chance(0.2)) row.flags |= kHardToFill;
        if (chance(0.1)) { row.flags |= kViaRun; row.link = static_cast<uint32_t>(uniform(0, 3)); }
        const uint32_t r = append(row);
        placements.push_back(r);
        cancellable.push_back(r);
      } else if (kind < 74) {
        row.kind = Kind::kTrackStart;
        row.cost_eur = static_cast<uint32_t>(uniform(0, 8000));
        const uint32_t r = append(row);
        cancellable.push_back(r);
        if (chance(0.3)) {  // Recorded with its end at once.
          EventRow end = row;
          end.kind = Kind::kTrackEnd;
          end.cost_eur = 0;
          end.day = row.day + uniform(0, 200);
          end.status = static_cast<uint8_t>(uniform(1, 2));
          end.link = r;
          append(end);
        } else {
          open_tracks.push_back(r);
        }
      } else if (kind < 84) {
        if (open_tracks.empty()) continue;
        const size_t k = static_cast<size_t>(uniform(0, static_cast<int>(open_tracks.size()) - 1));
        const uint32_t start = open_tracks[k];
        open_tracks.erase(open_tracks.begin() + static_cast<std::ptrdiff_t>(k));
        const EventRow& s = rows[start];
        row.person = s.person;
        row.kind = Kind::kTrackEnd;
        row.day = s.day + uniform(0, 300);
        row.status = static_cast<uint8_t>(uniform(1, 2));
        row.link = start;
        cancellable.push_back(append(row));
      } else if (kind < 95) {
        if (placements.empty()) continue;
        const uint32_t placement = placements[static_cast<size_t>(uniform(0, static_cast<int>(placements.size()) - 1))];
        const uint8_t months = chance(0.5) ? 6 : 12;
        if (followed.contains({placement, months}) || cancelled.contains(placement)) continue;
        const EventRow& p = rows[placement];
        row.person = p.person;
        if (chance(0.7)) { row.region = p.region; row.sector = p.sector; row.source = p.source; }
        row.kind = Kind::kFollowUp;
        row.day = p.day + months * 30 + uniform(-10, 10);
        row.status = months;
        if (chance(0.8)) row.flags |= kInWork;
        row.link = placement;
        const uint32_t r = append(row);
        followed.insert({placement, months});
        cancellable.push_back(r);
      } else {
        if (cancellable.empty()) continue;
        const size_t k = static_cast<size_t>(uniform(0, static_cast<int>(cancellable.size()) - 1));
        const uint32_t target = cancellable[k];
        cancellable.erase(cancellable.begin() + static_cast<std::ptrdiff_t>(k));
        if (cancelled.contains(target)) continue;
        row.person = rows[target].person;
        row.kind = Kind::kCancellation;
        row.day = std::max(rows[target].day, day0) + uniform(0, 30);
        row.link = target;
        append(row);
        cancelled.insert(target);
        // A cancelled follow-up may be recorded again; a cancelled track end ends again.
        if (rows[target].kind == Kind::kFollowUp) followed.erase({rows[target].link, rows[target].status});
        if (rows[target].kind == Kind::kTrackEnd && !cancelled.contains(rows[target].link)) {
          open_tracks.push_back(rows[target].link);
        }
      }
    }
    const std::vector<std::string> cell_sources = {"", "uwv", "partner-a", "partner-b", "new-partner"};
    for (int c = 0; c < 60; ++c) {
      cells.push_back({regions[static_cast<size_t>(uniform(1, 7))], static_cast<uint8_t>(uniform(1, 6)),
                       cell_sources[static_cast<size_t>(uniform(0, 4))], static_cast<uint64_t>(uniform(0, 50)),
                       static_cast<uint64_t>(uniform(0, 50))});
    }
  }
};

// Compares every row, every field: integers exactly, doubles within a hair.
void ExpectSameReport(const v1::GetReportResponse& actual, const v1::GetReportResponse& expected,
                      const std::string& what) {
  using google::protobuf::util::MessageDifferencer;
  ASSERT_EQ(actual.rows_size(), expected.rows_size()) << what;
  auto same = [&](const v1::ReportRow& a, const v1::ReportRow& e) {
    MessageDifferencer differ;
    differ.set_float_comparison(MessageDifferencer::APPROXIMATE);
    std::string diff;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(a, e)) << what << " group \"" << e.group() << "\":\n" << diff;
  };
  for (int i = 0; i < expected.rows_size(); ++i) same(actual.rows(i), expected.rows(i));
  same(actual.total(), expected.total());
}

TEST(ReportPropertyTest, MatchesTheReferenceForEveryGroupingPeriodFilterAndScope) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    RandomWorld world(seed, 4000, 300);
    Reference reference(world.rows, world.source_names, world.cells);
    ReportInputs inputs;
    inputs.log = &world.log;
    inputs.taxonomy = &Tax();
    inputs.supply_demand = world.cells;
    inputs.today = D("2026-12-31");

    struct Period { const char* from; const char* to; };
    const std::vector<Period> periods = {{"2025-01-01", "2026-12-31"}, {"2025-07-01", "2026-06-30"},
                                         {"2025-12-01", "2026-01-31"}, {"2026-03-15", "2026-03-15"}};
    struct Filter { std::string region; v1::Sector sector; std::string source; };
    const std::vector<Filter> filters = {{"", v1::SECTOR_UNSPECIFIED, ""},
                                         {RegionName(2), v1::SECTOR_UNSPECIFIED, ""},
                                         {"", v1::SECTOR_BOUW, ""},
                                         {"", v1::SECTOR_UNSPECIFIED, "uwv"},
                                         {"", v1::SECTOR_UNSPECIFIED, "nobody"},
                                         {RegionName(15), v1::SECTOR_ME, "partner-a"}};
    std::vector<ReportScope> scopes(3);
    scopes[1].all_regions = false;
    scopes[1].regions.set(1);
    scopes[1].regions.set(14);
    scopes[1].regions.set(15);
    scopes[2].source = world.log.FindSource("partner-b");
    scopes[2].source_name = "partner-b";

    int compared = 0;
    for (int by = 0; by <= 5; ++by) {
      for (const Period& period : periods) {
        for (size_t fi = 0; fi < filters.size(); ++fi) {
          for (size_t si = 0; si < scopes.size(); ++si) {
            if (fi != 0 && si != 0 && period.from != periods[0].from) continue;  // Keep it brisk.
            v1::GetReportRequest request = Request(static_cast<v1::ReportGrouping>(by), period.from, period.to);
            request.set_region(filters[fi].region);
            request.set_sector(filters[fi].sector);
            request.set_source(filters[fi].source);
            absl::StatusOr<v1::GetReportResponse> actual = ComputeReport(inputs, scopes[si], request);
            ASSERT_TRUE(actual.ok()) << actual.status();
            RefQuery q;
            q.by = request.group_by();
            q.from = D(period.from);
            q.to = D(period.to);
            q.region = filters[fi].region.empty() ? 0 : RegionNo(filters[fi].region);
            q.sector = static_cast<uint8_t>(filters[fi].sector);
            q.has_source = !filters[fi].source.empty();
            q.source = filters[fi].source;
            const std::string what = "seed " + std::to_string(seed) + " " + request.ShortDebugString() +
                                     " scope " + std::to_string(si);
            ExpectSameReport(*actual, reference.Compute(scopes[si], q), what);
            if (::testing::Test::HasFailure()) return;
            ++compared;
          }
        }
      }
    }
    EXPECT_GT(compared, 100);
  }
}

// The filtered report of a group equals that group's row: one definition, two ways to ask.
TEST(ReportPropertyTest, FilteredTotalEqualsTheGroupsRow) {
  RandomWorld world(7, 4000, 300);
  ReportInputs inputs;
  inputs.log = &world.log;
  inputs.taxonomy = &Tax();
  inputs.today = D("2026-12-31");
  v1::GetReportRequest grouped = Request(v1::REPORT_GROUPING_REGION, "2025-01-01", "2026-12-31");
  absl::StatusOr<v1::GetReportResponse> by_region = ComputeReport(inputs, {}, grouped);
  ASSERT_TRUE(by_region.ok());
  int checked = 0;
  for (const v1::ReportRow& row : by_region->rows()) {
    if (row.group() == "(unknown)") continue;
    v1::GetReportRequest filtered = Request(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2026-12-31");
    filtered.set_region(row.group());
    absl::StatusOr<v1::GetReportResponse> one = ComputeReport(inputs, {}, filtered);
    ASSERT_TRUE(one.ok());
    v1::ReportRow total = one->total();
    total.set_group(row.group());
    total.set_label(row.group());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::ApproximatelyEquals(total, row))
        << row.group() << "\n" << total.ShortDebugString() << "\n" << row.ShortDebugString();
    ++checked;
  }
  EXPECT_GT(checked, 3);
}

}  // namespace
}  // namespace w2w::outcomes
