// ComputeReport and ComputePlanRealised (engine/outcomes/report.h) against
// docs/outcomes.md: hand-built event logs with exact expected figures for every row of
// the definitions table, and a randomized comparison with a slow reference
// implementation (tests/engine/outcome_reference.h) over every grouping, scope and filter.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/common/dates.h"
#include "engine/outcomes/event_log.h"
#include "engine/outcomes/report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/outcome_reference.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::outcomes {
namespace {

using ::testing::HasSubstr;
using reference::Ev;

int32_t Day(const char* date) {
  std::optional<int32_t> day = ParseIsoDate(date);
  EXPECT_TRUE(day.has_value()) << date;
  return day.value_or(0);
}

// Where the person is when an event is recorded.
struct Where {
  std::string region = "Rijnmond";
  v1::Sector sector = v1::SECTOR_ME;
  std::string source = "uwv";
};

// Builds the same events into an EventLog and the reference's plain list.
class Events {
 public:
  explicit Events(const taxonomy::Taxonomy& tax) : tax_(tax) {}

  uint32_t Status(const std::string& person, const char* date, v1::CandidateStatus status, const Where& w = {},
                  bool creation = false) {
    Ev e = Base(person, date, w);
    e.kind = Kind::kStatusChange;
    e.status = static_cast<uint8_t>(status);
    if (creation) e.flags |= kCreation;
    return Add(e);
  }
  uint32_t Placement(const std::string& person, const char* date, v1::Sector job_sector, const Where& w = {},
                     bool retrained = false, bool hard_to_fill = false) {
    Ev e = Base(person, date, w);
    e.kind = Kind::kPlacement;
    e.job_region = e.region;
    e.job_sector = static_cast<uint8_t>(job_sector);
    if (retrained) e.flags |= kRetrained;
    if (hard_to_fill) e.flags |= kHardToFill;
    return Add(e);
  }
  uint32_t TrackStart(const std::string& person, const char* date, uint32_t cost, const Where& w = {}) {
    Ev e = Base(person, date, w);
    e.kind = Kind::kTrackStart;
    e.cost_eur = cost;
    return Add(e);
  }
  uint32_t TrackEnd(const std::string& person, const char* date, uint32_t start, v1::TrackResult result,
                    const Where& w = {}) {
    Ev e = Base(person, date, w);
    e.kind = Kind::kTrackEnd;
    e.status = static_cast<uint8_t>(result);
    e.link = start;
    return Add(e);
  }
  uint32_t FollowUp(const std::string& person, const char* date, uint32_t placement, int months, bool in_work,
                    const Where& w = {}) {
    Ev e = Base(person, date, w);
    e.kind = Kind::kFollowUp;
    e.status = static_cast<uint8_t>(months);
    e.link = placement;
    if (in_work) e.flags |= kInWork;
    return Add(e);
  }
  uint32_t Cancel(const std::string& person, const char* date, uint32_t row, const Where& w = {}) {
    Ev e = Base(person, date, w);
    e.kind = Kind::kCancellation;
    e.link = row;
    return Add(e);
  }
  // A raw row (the randomized test).
  uint32_t Add(const Ev& e) {
    EventRow row;
    row.person = e.person;
    row.day = e.day;
    row.kind = e.kind;
    row.status = e.status;
    row.region = e.region;
    row.sector = e.sector;
    row.job_region = e.job_region;
    row.job_sector = e.job_sector;
    row.flags = e.flags;
    row.source = e.source;
    row.cost_eur = e.cost_eur;
    row.link = e.link;
    const uint32_t r = log_.Append(row);
    events_.push_back(e);
    return r;
  }
  uint16_t Source(const std::string& name) { return log_.InternSource(name); }
  uint32_t Person(const std::string& id) { return log_.InternPerson(id); }

  const EventLog& log() const { return log_; }
  const std::vector<Ev>& events() const { return events_; }

 private:
  Ev Base(const std::string& person, const char* date, const Where& w) {
    Ev e;
    e.person = log_.InternPerson(person);
    e.day = Day(date);
    const std::optional<taxonomy::RegionId> region = tax_.FindRegion(w.region);
    EXPECT_TRUE(w.region.empty() || region.has_value()) << w.region;
    e.region = region.has_value() ? static_cast<uint8_t>(*region + 1) : 0;
    e.sector = static_cast<uint8_t>(w.sector);
    e.source = log_.InternSource(w.source);
    return e;
  }

  const taxonomy::Taxonomy& tax_;
  EventLog log_;
  std::vector<Ev> events_;
};

class OutcomeReportTest : public ::testing::Test {
 protected:
  void SetUp() override { tax_ = testing::SharedTaxonomy(); }

  uint8_t RegionNumber(const std::string& name) const { return static_cast<uint8_t>(*tax_->FindRegion(name) + 1); }

  absl::StatusOr<v1::GetReportResponse> Run(const v1::GetReportRequest& request, const ReportScope& scope = {},
                                            std::vector<SupplyDemandCell> cells = {}) const {
    ReportInputs inputs;
    inputs.log = &events_.log();
    inputs.taxonomy = tax_.get();
    inputs.supply_demand = std::move(cells);
    inputs.today = Day("2026-06-30");
    return ComputeReport(inputs, scope, request);
  }

  v1::GetReportResponse Report(v1::ReportGrouping by = v1::REPORT_GROUPING_UNSPECIFIED,
                               const char* from = "2025-01-01", const char* to = "2025-12-31",
                               const ReportScope& scope = {}, std::vector<SupplyDemandCell> cells = {}) const {
    v1::GetReportRequest request;
    request.set_group_by(by);
    request.set_from_date(from);
    request.set_to_date(to);
    auto r = Run(request, scope, std::move(cells));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::GetReportResponse();
  }

  static const v1::ReportRow* Row(const v1::GetReportResponse& r, const std::string& group) {
    for (const v1::ReportRow& row : r.rows()) {
      if (row.group() == group) return &row;
    }
    ADD_FAILURE() << "no row " << group;
    return nullptr;
  }

  static std::vector<std::string> Groups(const v1::GetReportResponse& r) {
    std::vector<std::string> groups;
    for (const v1::ReportRow& row : r.rows()) groups.push_back(row.group());
    return groups;
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  Events events_{*testing::SharedTaxonomy()};
};

// ---- The pool and placements ------------------------------------------------------------

TEST_F(OutcomeReportTest, EpisodesPlacementsAndDaysToPlacement) {
  // A: signal, unemployed, placed with retraining into a hard-to-fill INST job.
  events_.Status("A", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Status("A", "2025-03-01", v1::CANDIDATE_STATUS_UNEMPLOYED);
  events_.Placement("A", "2025-04-01", v1::SECTOR_INST, {}, /*retrained=*/true, /*hard_to_fill=*/true);
  // B: work to work in 10 days.
  events_.Status("B", "2025-02-10", v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  events_.Placement("B", "2025-02-20", v1::SECTOR_ME);
  // C: a placement without a signal (EMPLOYED before the period).
  events_.Status("C", "2024-06-01", v1::CANDIDATE_STATUS_EMPLOYED);
  events_.Placement("C", "2025-05-01", v1::SECTOR_OTHER);
  // D: an episode closed by EMPLOYED, then a second one UNAVAILABLE does not close.
  events_.Status("D", "2025-03-01", v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER);
  events_.Status("D", "2025-03-15", v1::CANDIDATE_STATUS_EMPLOYED);
  events_.Status("D", "2025-04-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Status("D", "2025-04-10", v1::CANDIDATE_STATUS_UNAVAILABLE);
  events_.Placement("D", "2025-06-01", v1::SECTOR_BOUW);
  // E: first signal before the period, placed in it.
  events_.Status("E", "2024-12-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Placement("E", "2025-01-15", v1::SECTOR_ME);
  // F: enters late in the period, placed after it.
  events_.Status("F", "2025-11-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Placement("F", "2026-01-10", v1::SECTOR_ME);
  // G: an episode closed by a PLACED status change (placed outside w2w), then a placement
  // without a new signal.
  events_.Status("G", "2025-07-01", v1::CANDIDATE_STATUS_UNEMPLOYED);
  events_.Status("G", "2025-07-20", v1::CANDIDATE_STATUS_PLACED);
  events_.Placement("G", "2025-09-01", v1::SECTOR_PROC);

  const v1::GetReportResponse r = Report();
  const v1::ReportRow& t = r.total();
  EXPECT_EQ(t.group(), "");
  EXPECT_EQ(r.rows_size(), 0);  // Ungrouped: the total only.
  EXPECT_EQ(t.events(), 3u + 2 + 1 + 5 + 1 + 1 + 3);
  EXPECT_EQ(t.entered(), 6u);         // A, B, D twice, F, G.
  EXPECT_EQ(t.entered_placed(), 3u);  // A, B, D's second.
  EXPECT_DOUBLE_EQ(t.placement_rate(), 0.5);
  EXPECT_EQ(t.placements(), 6u);  // A, B, C, D, E, G.
  EXPECT_EQ(t.placements_with_signal(), 4u);  // A, B, D, E.
  // Days 59 (A), 10 (B), 61 (D), 45 (E): nearest rank 2 of 4 and 4 of 4.
  EXPECT_DOUBLE_EQ(t.median_days_to_placement(), 45);
  EXPECT_DOUBLE_EQ(t.p90_days_to_placement(), 61);
  EXPECT_EQ(t.placed_before_unemployment(), 3u);  // B, D, E.
  EXPECT_DOUBLE_EQ(t.work_to_work_share(), 0.75);
  EXPECT_EQ(t.placements_with_retraining(), 1u);
  EXPECT_EQ(t.placements_without_retraining(), 5u);
  EXPECT_EQ(t.hard_to_fill_filled(), 1u);
  // ME -> INST (A), ME (B, E), OTHER (C), BOUW (D), PROC (G).
  ASSERT_EQ(t.sector_moves_size(), 5);
  EXPECT_EQ(t.sector_moves(0).from(), v1::SECTOR_ME);
  EXPECT_EQ(t.sector_moves(0).to(), v1::SECTOR_ME);
  EXPECT_EQ(t.sector_moves(0).placements(), 2u);
  EXPECT_EQ(t.sector_moves(1).to(), v1::SECTOR_INST);
  EXPECT_EQ(t.sector_moves(2).to(), v1::SECTOR_PROC);
  EXPECT_EQ(t.sector_moves(3).to(), v1::SECTOR_BOUW);
  EXPECT_EQ(t.sector_moves(4).to(), v1::SECTOR_OTHER);
  EXPECT_EQ(t.sector_changes(), 4u);
  EXPECT_DOUBLE_EQ(t.stays_technical_share(), 5.0 / 6.0);
  EXPECT_EQ(r.events_examined(), static_cast<uint64_t>(events_.log().size()));
  EXPECT_EQ(r.definitions(), "docs/outcomes.md");
  EXPECT_EQ(r.from_date(), "2025-01-01");
  EXPECT_EQ(r.to_date(), "2025-12-31");
}

TEST_F(OutcomeReportTest, EnteredPlacedNeedsThePlacementByToDate) {
  events_.Status("A", "2025-03-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Placement("A", "2025-06-01", v1::SECTOR_ME);
  EXPECT_EQ(Report(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-05-31").total().entered_placed(), 0u);
  EXPECT_EQ(Report(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-05-31").total().entered(), 1u);
  EXPECT_EQ(Report(v1::REPORT_GROUPING_UNSPECIFIED, "2025-01-01", "2025-06-01").total().entered_placed(), 1u);
  // A placement before the episode's signal does not belong to it.
  events_.Placement("B", "2025-02-01", v1::SECTOR_ME);
  events_.Status("B", "2025-03-01", v1::CANDIDATE_STATUS_UNEMPLOYED);
  const v1::ReportRow t = Report().total();
  EXPECT_EQ(t.entered(), 2u);
  EXPECT_EQ(t.entered_placed(), 1u);
  EXPECT_EQ(t.placements_with_signal(), 1u);
}

TEST_F(OutcomeReportTest, SameDayEventsKeepRecordingOrderAndDatesNotRecordingOrderDecide) {
  // Recorded out of date order: the placement first, the signal dated before it later.
  events_.Placement("A", "2025-05-01", v1::SECTOR_ME);
  events_.Status("A", "2025-04-01", v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  // Same day: UNEMPLOYED recorded before the placement is in the episode.
  events_.Status("B", "2025-04-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Status("B", "2025-05-01", v1::CANDIDATE_STATUS_UNEMPLOYED);
  events_.Placement("B", "2025-05-01", v1::SECTOR_ME);
  // Same day: EMPLOYED recorded before the placement closes the episode first.
  events_.Status("C", "2025-04-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Status("C", "2025-05-01", v1::CANDIDATE_STATUS_EMPLOYED);
  events_.Placement("C", "2025-05-01", v1::SECTOR_ME);
  const v1::ReportRow t = Report().total();
  EXPECT_EQ(t.placements(), 3u);
  EXPECT_EQ(t.placements_with_signal(), 2u);       // A and B.
  EXPECT_EQ(t.placed_before_unemployment(), 1u);  // A.
  EXPECT_EQ(t.entered(), 3u);
  EXPECT_EQ(t.entered_placed(), 2u);
  EXPECT_DOUBLE_EQ(t.median_days_to_placement(), 30);
}

TEST_F(OutcomeReportTest, ACreationAfterEarlierHistoryIsNotASignal) {
  // Imported history: signal and placement; the record was created later as UNEMPLOYED
  // (say the status was stale in the import): no second episode.
  events_.Status("A", "2025-05-10", v1::CANDIDATE_STATUS_UNEMPLOYED, {}, /*creation=*/true);
  events_.Status("A", "2025-01-10", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Placement("A", "2025-03-01", v1::SECTOR_ME);
  // A creation without earlier history opens an episode.
  events_.Status("B", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK, {}, /*creation=*/true);
  // History dated the same day as the creation does not take precedence.
  events_.Status("C", "2025-02-01", v1::CANDIDATE_STATUS_NOTICE_GIVEN, {}, /*creation=*/true);
  events_.Status("C", "2025-02-01", v1::CANDIDATE_STATUS_EMPLOYED);
  const v1::ReportRow t = Report().total();
  EXPECT_EQ(t.entered(), 3u);  // A's history, B, C.
  EXPECT_EQ(t.entered_placed(), 1u);
  EXPECT_EQ(t.events(), 6u);   // The creation is still an event.
}

// ---- Cancellations -------------------------------------------------------------------

TEST_F(OutcomeReportTest, CancelledEventsAndTheirDependantsDoNotCount) {
  events_.Status("A", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK);
  const uint32_t wrong = events_.Placement("A", "2025-03-01", v1::SECTOR_INST);
  const uint32_t wrong_fu = events_.FollowUp("A", "2025-09-01", wrong, 6, true);
  events_.Cancel("A", "2025-03-05", wrong);
  events_.Placement("A", "2025-04-01", v1::SECTOR_ME);  // The correction.
  const uint32_t track = events_.TrackStart("B", "2025-01-10", 2000);
  events_.TrackEnd("B", "2025-03-10", track, v1::TRACK_RESULT_COMPLETED);
  events_.Cancel("B", "2025-04-01", track);
  const uint32_t kept = events_.TrackStart("B", "2025-05-01", 700);
  const uint32_t end = events_.TrackEnd("B", "2025-06-01", kept, v1::TRACK_RESULT_DROPPED);
  events_.Cancel("B", "2025-06-02", end);  // Only the end: the start stays.
  const uint32_t status = events_.Status("C", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Cancel("C", "2025-02-02", status);
  const v1::ReportRow t = Report().total();
  // A: signal, the correction; B: the kept start.
  EXPECT_EQ(t.events(), 3u);
  EXPECT_EQ(t.placements(), 1u);
  EXPECT_EQ(t.sector_changes(), 0u);
  EXPECT_DOUBLE_EQ(t.median_days_to_placement(), 59);
  EXPECT_EQ(t.followed_up_6m(), 0u);
  EXPECT_EQ(t.tracks_started(), 1u);
  EXPECT_EQ(t.tracks_completed(), 0u);
  EXPECT_EQ(t.tracks_dropped(), 0u);
  EXPECT_EQ(t.retraining_cost_eur(), 700u);
  EXPECT_EQ(t.entered(), 1u);
  (void)wrong_fu;
}

TEST_F(OutcomeReportTest, ACancelledFollowUpDoesNotCount) {
  const uint32_t p = events_.Placement("A", "2025-03-01", v1::SECTOR_ME);
  const uint32_t fu = events_.FollowUp("A", "2025-09-01", p, 6, false);
  events_.Cancel("A", "2025-09-02", fu);
  events_.FollowUp("A", "2025-09-03", p, 6, true);
  const v1::ReportRow t = Report().total();
  EXPECT_EQ(t.followed_up_6m(), 1u);
  EXPECT_EQ(t.retained_6m(), 1u);
  EXPECT_EQ(t.events(), 2u);
}

// ---- Tracks, cost, retention ----------------------------------------------------------

TEST_F(OutcomeReportTest, TracksCostAndRetention) {
  const uint32_t t1 = events_.TrackStart("A", "2024-11-01", 1000);  // Before the period.
  events_.TrackEnd("A", "2025-02-01", t1, v1::TRACK_RESULT_COMPLETED);
  const uint32_t t2 = events_.TrackStart("B", "2025-02-01", 2500);
  events_.TrackEnd("B", "2025-04-01", t2, v1::TRACK_RESULT_DROPPED);
  const uint32_t t3 = events_.TrackStart("C", "2025-03-01", 4000);
  events_.TrackEnd("C", "2025-06-01", t3, v1::TRACK_RESULT_COMPLETED);
  events_.TrackStart("D", "2025-12-01", 1500);  // Running.
  const uint32_t t5 = events_.TrackStart("E", "2025-10-01", 999);
  events_.TrackEnd("E", "2026-02-01", t5, v1::TRACK_RESULT_COMPLETED);  // After the period.

  const uint32_t pa = events_.Placement("A", "2025-03-01", v1::SECTOR_ME, {}, true);
  const uint32_t pb = events_.Placement("B", "2025-05-01", v1::SECTOR_ME);
  const uint32_t pc = events_.Placement("C", "2024-10-01", v1::SECTOR_ME);  // Before the period.
  const uint32_t pd = events_.Placement("D", "2025-06-01", v1::SECTOR_ME);
  events_.FollowUp("A", "2025-09-01", pa, 6, true);
  events_.FollowUp("A", "2026-03-01", pa, 12, true);  // After the period: any date counts.
  events_.FollowUp("B", "2025-11-01", pb, 6, false);
  events_.FollowUp("B", "2026-05-01", pb, 12, false);
  events_.FollowUp("C", "2025-04-01", pc, 6, true);   // Its placement is outside the period.
  events_.FollowUp("D", "2025-12-01", pd, 6, true);

  const v1::ReportRow t = Report().total();
  EXPECT_EQ(t.tracks_started(), 4u);    // B, C, D, E.
  EXPECT_EQ(t.tracks_completed(), 2u);  // A's (ended in the period), C.
  EXPECT_EQ(t.tracks_dropped(), 1u);
  EXPECT_DOUBLE_EQ(t.completion_rate(), 2.0 / 3.0);
  EXPECT_EQ(t.retraining_cost_eur(), 2500u + 4000 + 1500 + 999);
  EXPECT_EQ(t.placements(), 3u);
  EXPECT_DOUBLE_EQ(t.retraining_cost_per_placement_eur(), (2500.0 + 4000 + 1500 + 999) / 3);
  EXPECT_EQ(t.followed_up_6m(), 3u);
  EXPECT_EQ(t.retained_6m(), 2u);
  EXPECT_DOUBLE_EQ(t.retention_6m(), 2.0 / 3.0);
  EXPECT_EQ(t.followed_up_12m(), 2u);
  EXPECT_EQ(t.retained_12m(), 1u);
  EXPECT_DOUBLE_EQ(t.retention_12m(), 0.5);
  EXPECT_EQ(t.placements_with_retraining(), 1u);
}

TEST_F(OutcomeReportTest, RetentionCountsOnThePlacementsRowWhereverTheFollowUpWasRecorded) {
  const uint32_t p = events_.Placement("A", "2025-03-01", v1::SECTOR_ME, {"Twente", v1::SECTOR_ME, "uwv"});
  events_.FollowUp("A", "2025-09-01", p, 6, true, {"Rijnmond", v1::SECTOR_INST, "other"});
  const v1::GetReportResponse r = Report(v1::REPORT_GROUPING_REGION);
  ASSERT_EQ(r.rows_size(), 2);
  EXPECT_EQ(Row(r, "Twente")->followed_up_6m(), 1u);
  EXPECT_EQ(Row(r, "Twente")->events(), 1u);
  EXPECT_EQ(Row(r, "Rijnmond")->followed_up_6m(), 0u);
  EXPECT_EQ(Row(r, "Rijnmond")->events(), 1u);  // The follow-up itself counts where recorded.
  v1::GetReportRequest request;
  request.set_from_date("2025-01-01");
  request.set_to_date("2025-12-31");
  request.set_region("Twente");
  auto filtered = Run(request);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(filtered->total().followed_up_6m(), 1u);
  EXPECT_EQ(filtered->total().events(), 1u);
}

// ---- Sectors, hard to fill -----------------------------------------------------------

TEST_F(OutcomeReportTest, SectorMovesAndTheTechnicalShare) {
  const Where other{"Rijnmond", v1::SECTOR_OTHER, "uwv"};
  events_.Placement("A", "2025-03-01", v1::SECTOR_ME, other);       // Side-entrant into tech.
  events_.Placement("B", "2025-03-01", v1::SECTOR_OTHER, other);    // Stays outside.
  events_.Placement("C", "2025-03-01", v1::SECTOR_OTHER);           // Leaves tech.
  events_.Placement("D", "2025-03-01", v1::SECTOR_MVT, {}, false, true);
  events_.Placement("E", "2025-03-01", v1::SECTOR_ME, {}, false, true);
  const v1::GetReportResponse r = Report(v1::REPORT_GROUPING_SECTOR);
  EXPECT_THAT(Groups(r), ::testing::ElementsAre("ME", "OTHER"));
  const v1::ReportRow& t = r.total();
  EXPECT_EQ(t.sector_changes(), 3u);  // A, C, D.
  EXPECT_DOUBLE_EQ(t.stays_technical_share(), 3.0 / 5.0);
  EXPECT_EQ(t.hard_to_fill_filled(), 2u);
  const v1::ReportRow* me = Row(r, "ME");
  ASSERT_NE(me, nullptr);
  EXPECT_EQ(me->placements(), 3u);
  ASSERT_EQ(me->sector_moves_size(), 3);  // ME->ME, ME->MVT, ME->OTHER.
  EXPECT_EQ(me->sector_moves(1).to(), v1::SECTOR_MVT);
  EXPECT_DOUBLE_EQ(me->stays_technical_share(), 2.0 / 3.0);
  const v1::ReportRow* out = Row(r, "OTHER");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->sector_changes(), 1u);
  EXPECT_DOUBLE_EQ(out->stays_technical_share(), 0.5);
}

// ---- Groupings -----------------------------------------------------------------------

TEST_F(OutcomeReportTest, MonthsAcrossAYearBoundaryInTimeOrder) {
  events_.Status("A", "2024-11-20", v1::CANDIDATE_STATUS_AT_RISK);
  events_.Placement("A", "2025-01-05", v1::SECTOR_ME);
  events_.Status("B", "2024-12-31", v1::CANDIDATE_STATUS_UNEMPLOYED);
  events_.Placement("B", "2025-02-28", v1::SECTOR_ME);
  events_.Status("C", "2024-12-01", v1::CANDIDATE_STATUS_AT_RISK);
  const v1::GetReportResponse r = Report(v1::REPORT_GROUPING_MONTH, "2024-11-01", "2025-02-28");
  EXPECT_THAT(Groups(r), ::testing::ElementsAre("2024-11", "2024-12", "2025-01", "2025-02"));
  EXPECT_EQ(Row(r, "2024-11")->entered(), 1u);
  EXPECT_EQ(Row(r, "2024-11")->entered_placed(), 1u);  // The episode's month, not the placement's.
  EXPECT_EQ(Row(r, "2024-12")->entered(), 2u);
  EXPECT_EQ(Row(r, "2025-01")->placements(), 1u);
  EXPECT_DOUBLE_EQ(Row(r, "2025-01")->median_days_to_placement(), 46);
  EXPECT_EQ(Row(r, "2025-02")->placements(), 1u);
  EXPECT_DOUBLE_EQ(Row(r, "2025-02")->median_days_to_placement(), 59);
  EXPECT_EQ(r.total().placements(), 2u);
  EXPECT_EQ(r.total().events(), 5u);
  // Tension is 0 in months, even with supply and demand.
  const v1::GetReportResponse m = Report(v1::REPORT_GROUPING_MONTH, "2024-11-01", "2025-02-28", {},
                                         {{RegionNumber("Rijnmond"), v1::SECTOR_ME, "uwv", 4, 2}});
  for (const v1::ReportRow& row : m.rows()) EXPECT_EQ(row.open_seats(), 0u) << row.group();
  EXPECT_EQ(m.total().open_seats(), 4u);  // The total is the scope's present state.
}

TEST_F(OutcomeReportTest, RegionClusterAndSourceGroupsUseTheEventsOwnDimensions) {
  // The person moves from Twente (uwv) to Rijnmond (other) between signal and placement.
  events_.Status("A", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK, {"Twente", v1::SECTOR_ME, "uwv"});
  events_.Placement("A", "2025-04-01", v1::SECTOR_ME, {"Rijnmond", v1::SECTOR_ME, "other"});
  events_.Status("B", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK, {"", v1::SECTOR_ME, ""});
  const v1::GetReportResponse by_region = Report(v1::REPORT_GROUPING_REGION);
  EXPECT_THAT(Groups(by_region), ::testing::ElementsAre("(unknown)", "Rijnmond", "Twente"));
  EXPECT_EQ(Row(by_region, "Twente")->entered(), 1u);
  EXPECT_EQ(Row(by_region, "Twente")->entered_placed(), 1u);
  EXPECT_EQ(Row(by_region, "Twente")->placements(), 0u);
  EXPECT_EQ(Row(by_region, "Rijnmond")->placements(), 1u);
  EXPECT_EQ(Row(by_region, "Rijnmond")->placements_with_signal(), 1u);

  const v1::GetReportResponse by_source = Report(v1::REPORT_GROUPING_SOURCE);
  EXPECT_THAT(Groups(by_source), ::testing::ElementsAre("(none)", "other", "uwv"));

  const v1::GetReportResponse by_cluster = Report(v1::REPORT_GROUPING_CLUSTER);
  const std::string twente = tax_->cluster_name(tax_->region(*tax_->FindRegion("Twente")).cluster);
  const std::string rijnmond = tax_->cluster_name(tax_->region(*tax_->FindRegion("Rijnmond")).cluster);
  ASSERT_NE(twente, rijnmond);
  EXPECT_EQ(Row(by_cluster, twente)->entered(), 1u);
  EXPECT_EQ(Row(by_cluster, rijnmond)->placements(), 1u);
  EXPECT_EQ(Row(by_cluster, "(no cluster)")->entered(), 1u);
}

// ---- Scope and filters ---------------------------------------------------------------

class OutcomeScopeTest : public OutcomeReportTest {
 protected:
  void SetUp() override {
    OutcomeReportTest::SetUp();
    events_.Status("A", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK, {"Twente", v1::SECTOR_ME, "uwv"});
    events_.Placement("A", "2025-03-01", v1::SECTOR_ME, {"Twente", v1::SECTOR_ME, "uwv"});
    events_.Status("B", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK, {"Rijnmond", v1::SECTOR_INST, "uwv"});
    events_.Placement("B", "2025-04-01", v1::SECTOR_INST, {"Rijnmond", v1::SECTOR_INST, "uwv"});
    events_.Status("C", "2025-02-01", v1::CANDIDATE_STATUS_AT_RISK, {"Rijnmond", v1::SECTOR_ME, "partner"});
    events_.Placement("C", "2025-06-01", v1::SECTOR_BOUW, {"Rijnmond", v1::SECTOR_ME, "partner"});
    cells_ = {{RegionNumber("Twente"), v1::SECTOR_ME, "uwv", 10, 5},
              {RegionNumber("Rijnmond"), v1::SECTOR_INST, "uwv", 3, 6},
              {RegionNumber("Rijnmond"), v1::SECTOR_ME, "partner", 8, 2},
              {RegionNumber("Rijnmond"), v1::SECTOR_ME, "", 1, 1},
              {RegionNumber("Rijnmond"), v1::SECTOR_ME, "records-only", 2, 0}};
  }
  v1::GetReportResponse Filtered(const std::string& region, v1::Sector sector, const std::string& source,
                                 v1::ReportGrouping by = v1::REPORT_GROUPING_UNSPECIFIED) const {
    v1::GetReportRequest request;
    request.set_group_by(by);
    request.set_from_date("2025-01-01");
    request.set_to_date("2025-12-31");
    request.set_region(region);
    request.set_sector(sector);
    request.set_source(source);
    auto r = Run(request, {}, cells_);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::GetReportResponse();
  }
  std::vector<SupplyDemandCell> cells_;
};

TEST_F(OutcomeScopeTest, CoachScopeCountsItsRegionsOnly) {
  ReportScope scope;
  scope.all_regions = false;
  scope.regions.set(RegionNumber("Rijnmond"));
  scope.description = "regions: Rijnmond";
  const v1::GetReportResponse r = Report(v1::REPORT_GROUPING_REGION, "2025-01-01", "2025-12-31", scope, cells_);
  EXPECT_EQ(r.scope(), "regions: Rijnmond");
  EXPECT_THAT(Groups(r), ::testing::ElementsAre("Rijnmond"));
  EXPECT_EQ(r.total().placements(), 2u);
  EXPECT_EQ(r.total().entered(), 2u);
  EXPECT_EQ(r.total().events(), 4u);
  EXPECT_EQ(r.total().open_seats(), 14u);
  EXPECT_EQ(r.total().available_candidates(), 9u);
  EXPECT_DOUBLE_EQ(r.total().tension(), 14.0 / 9.0);
}

TEST_F(OutcomeScopeTest, PartnerScopeCountsItsSourceOnly) {
  ReportScope scope;
  scope.source = events_.log().FindSource("partner");
  scope.source_name = "partner";
  const v1::GetReportResponse r = Report(v1::REPORT_GROUPING_SOURCE, "2025-01-01", "2025-12-31", scope, cells_);
  EXPECT_THAT(Groups(r), ::testing::ElementsAre("partner"));
  EXPECT_EQ(r.total().placements(), 1u);
  EXPECT_EQ(r.total().sector_changes(), 1u);
  EXPECT_EQ(r.total().open_seats(), 8u);
  EXPECT_EQ(r.total().available_candidates(), 2u);
  // A partner without events yet: nothing but its present records.
  ReportScope none;
  none.source = kNoSuchSource;
  none.source_name = "records-only";
  const v1::GetReportResponse empty = Report(v1::REPORT_GROUPING_SOURCE, "2025-01-01", "2025-12-31", none, cells_);
  EXPECT_EQ(empty.total().events(), 0u);
  EXPECT_EQ(empty.total().open_seats(), 2u);
  EXPECT_THAT(Groups(empty), ::testing::ElementsAre("records-only"));
}

TEST_F(OutcomeScopeTest, FiltersCombineWithAnd) {
  EXPECT_EQ(Filtered("Rijnmond", v1::SECTOR_UNSPECIFIED, "").total().placements(), 2u);
  // A region by its UWV number works as by name.
  const std::string number = std::to_string(tax_->region(*tax_->FindRegion("Rijnmond")).number);
  EXPECT_EQ(Filtered(number, v1::SECTOR_UNSPECIFIED, "").total().placements(), 2u);
  EXPECT_EQ(Filtered("Rijnmond", v1::SECTOR_ME, "").total().placements(), 1u);
  EXPECT_EQ(Filtered("Rijnmond", v1::SECTOR_ME, "").total().open_seats(), 11u);
  EXPECT_EQ(Filtered("", v1::SECTOR_ME, "uwv").total().placements(), 1u);
  EXPECT_EQ(Filtered("", v1::SECTOR_ME, "uwv").total().available_candidates(), 5u);
  EXPECT_EQ(Filtered("Twente", v1::SECTOR_INST, "").total().events(), 0u);
  const v1::GetReportResponse by_sector = Filtered("Rijnmond", v1::SECTOR_UNSPECIFIED, "", v1::REPORT_GROUPING_SECTOR);
  EXPECT_THAT(Groups(by_sector), ::testing::ElementsAre("INST", "ME"));
  EXPECT_EQ(Row(by_sector, "ME")->open_seats(), 11u);
  EXPECT_EQ(Row(by_sector, "ME")->available_candidates(), 3u);
  // An unknown source is an empty report, not an error.
  const v1::GetReportResponse unknown = Filtered("", v1::SECTOR_UNSPECIFIED, "nobody");
  EXPECT_EQ(unknown.total().events(), 0u);
  EXPECT_EQ(unknown.total().open_seats(), 0u);
  EXPECT_EQ(unknown.rows_size(), 0);
}

TEST_F(OutcomeScopeTest, TensionBySourceNamesRecordsWithoutEvents) {
  const v1::GetReportResponse r = Filtered("", v1::SECTOR_UNSPECIFIED, "", v1::REPORT_GROUPING_SOURCE);
  EXPECT_THAT(Groups(r), ::testing::ElementsAre("(none)", "partner", "records-only", "uwv"));
  EXPECT_EQ(Row(r, "(none)")->open_seats(), 1u);
  EXPECT_EQ(Row(r, "records-only")->open_seats(), 2u);
  EXPECT_EQ(Row(r, "records-only")->events(), 0u);
  EXPECT_EQ(Row(r, "uwv")->open_seats(), 13u);
  EXPECT_EQ(Row(r, "uwv")->available_candidates(), 11u);
  EXPECT_EQ(r.total().open_seats(), 24u);
  EXPECT_EQ(r.total().available_candidates(), 14u);
  EXPECT_DOUBLE_EQ(Row(r, "records-only")->tension(), 0);  // No candidates: 0.
}

// ---- The period ----------------------------------------------------------------------

TEST_F(OutcomeReportTest, PeriodDefaultsAndBadDates) {
  v1::GetReportRequest request;
  auto r = Run(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->to_date(), "2026-06-30");  // inputs.today
  EXPECT_EQ(r->from_date(), FormatIsoDate(Day("2026-06-30") - 364));
  request.set_to_date("2025-12-31");
  r = Run(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->from_date(), "2025-01-01");

  auto error = [&](const char* from, const char* to) {
    v1::GetReportRequest bad;
    bad.set_from_date(from);
    bad.set_to_date(to);
    auto result = Run(bad);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << from << " " << to;
    return std::string(result.status().message());
  };
  EXPECT_THAT(error("2025-13-01", "2025-12-31"), HasSubstr("from_date:"));
  EXPECT_THAT(error("", "31-12-2025"), HasSubstr("to_date:"));
  EXPECT_THAT(error("2025-02-30", ""), HasSubstr("from_date:"));
  EXPECT_THAT(error("2025-06-01", "2025-05-31"), HasSubstr("from_date:"));
  EXPECT_THAT(error("2014-12-31", "2025-01-01"), HasSubstr("10 years"));
  // Ten years to the day is allowed.
  v1::GetReportRequest ten;
  ten.set_from_date("2016-01-01");
  ten.set_to_date("2025-12-31");
  EXPECT_TRUE(Run(ten).ok());
  v1::GetReportRequest one_day;
  one_day.set_from_date("2025-05-05");
  one_day.set_to_date("2025-05-05");
  EXPECT_TRUE(Run(one_day).ok());

  v1::GetReportRequest region;
  region.set_region("Atlantis");
  EXPECT_THAT(std::string(Run(region).status().message()), HasSubstr("region:"));
}

// ---- Randomized, against the reference -----------------------------------------------

// A random history: mostly status changes and placements, with tracks, follow-ups and
// cancellations pointing back at earlier rows (as the service allows).
void RandomEvents(std::mt19937& rng, Events& events, int persons, int count) {
  const int32_t base = Day("2024-01-01");
  const std::vector<std::string> sources = {"", "uwv", "a", "b"};
  std::vector<uint16_t> source_numbers;
  for (const std::string& s : sources) source_numbers.push_back(events.Source(s));
  std::vector<uint32_t> person_ids;
  for (int p = 0; p < persons; ++p) person_ids.push_back(events.Person("p" + std::to_string(p)));
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  struct Open {
    uint32_t row;
    uint32_t person;
    bool done6 = false, done12 = false, ended = false;
  };
  std::vector<Open> placements, tracks;
  std::vector<uint32_t> cancellable;
  std::vector<uint8_t> cancelled;
  for (int i = 0; i < count; ++i) {
    Ev e;
    e.person = person_ids[static_cast<size_t>(pick(persons))];
    e.day = base + pick(800);
    e.region = static_cast<uint8_t>(pick(8) == 0 ? 0 : 1 + pick(6));
    e.sector = static_cast<uint8_t>(pick(7));
    e.source = source_numbers[static_cast<size_t>(pick(4))];
    const int what = pick(100);
    if (what < 45) {
      e.kind = Kind::kStatusChange;
      e.status = static_cast<uint8_t>(1 + pick(7));
      if (pick(10) == 0) e.flags |= kCreation;
    } else if (what < 65) {
      e.kind = Kind::kPlacement;
      e.job_region = static_cast<uint8_t>(1 + pick(6));
      e.job_sector = static_cast<uint8_t>(pick(7));
      e.flags = static_cast<uint8_t>(pick(4));  // kRetrained, kHardToFill.
    } else if (what < 75) {
      e.kind = Kind::kTrackStart;
      e.cost_eur = static_cast<uint32_t>(pick(5000));
    } else if (what < 82 && !tracks.empty()) {
      Open& t = tracks[static_cast<size_t>(pick(static_cast<int>(tracks.size())))];
      if (t.ended || cancelled[t.row]) continue;
      t.ended = true;
      e.kind = Kind::kTrackEnd;
      e.person = t.person;
      e.status = static_cast<uint8_t>(1 + pick(2));
      e.link = t.row;
    } else if (what < 92 && !placements.empty()) {
      Open& p = placements[static_cast<size_t>(pick(static_cast<int>(placements.size())))];
      const int months = pick(2) == 0 ? 6 : 12;
      bool& done = months == 6 ? p.done6 : p.done12;
      if (done) continue;
      done = true;
      e.kind = Kind::kFollowUp;
      e.person = p.person;
      e.status = static_cast<uint8_t>(months);
      e.link = p.row;
      if (pick(3) != 0) e.flags |= kInWork;
    } else if (!cancellable.empty()) {
      const uint32_t target = cancellable[static_cast<size_t>(pick(static_cast<int>(cancellable.size())))];
      if (cancelled[target]) continue;
      e.kind = Kind::kCancellation;
      e.person = events.events()[target].person;
      e.link = target;
      cancelled[target] = 1;
    } else {
      continue;
    }
    const uint32_t row = events.Add(e);
    cancelled.push_back(0);
    if (e.kind != Kind::kCancellation) cancellable.push_back(row);
    if (e.kind == Kind::kPlacement) placements.push_back({row, e.person});
    if (e.kind == Kind::kTrackStart) tracks.push_back({row, e.person});
  }
}

void ExpectSameRow(const v1::ReportRow& got, const v1::ReportRow& want, const std::string& context) {
  SCOPED_TRACE(context + " group '" + want.group() + "'");
  EXPECT_EQ(got.group(), want.group());
  EXPECT_EQ(got.events(), want.events());
  EXPECT_EQ(got.entered(), want.entered());
  EXPECT_EQ(got.entered_placed(), want.entered_placed());
  EXPECT_DOUBLE_EQ(got.placement_rate(), want.placement_rate());
  EXPECT_EQ(got.placements(), want.placements());
  EXPECT_EQ(got.placements_with_signal(), want.placements_with_signal());
  EXPECT_DOUBLE_EQ(got.median_days_to_placement(), want.median_days_to_placement());
  EXPECT_DOUBLE_EQ(got.p90_days_to_placement(), want.p90_days_to_placement());
  EXPECT_EQ(got.placed_before_unemployment(), want.placed_before_unemployment());
  EXPECT_DOUBLE_EQ(got.work_to_work_share(), want.work_to_work_share());
  EXPECT_EQ(got.placements_with_retraining(), want.placements_with_retraining());
  EXPECT_EQ(got.placements_without_retraining(), want.placements_without_retraining());
  EXPECT_EQ(got.hard_to_fill_filled(), want.hard_to_fill_filled());
  EXPECT_EQ(got.tracks_started(), want.tracks_started());
  EXPECT_EQ(got.tracks_completed(), want.tracks_completed());
  EXPECT_EQ(got.tracks_dropped(), want.tracks_dropped());
  EXPECT_DOUBLE_EQ(got.completion_rate(), want.completion_rate());
  EXPECT_EQ(got.retraining_cost_eur(), want.retraining_cost_eur());
  EXPECT_DOUBLE_EQ(got.retraining_cost_per_placement_eur(), want.retraining_cost_per_placement_eur());
  ASSERT_EQ(got.sector_moves_size(), want.sector_moves_size());
  for (int i = 0; i < want.sector_moves_size(); ++i) {
    EXPECT_EQ(got.sector_moves(i).from(), want.sector_moves(i).from());
    EXPECT_EQ(got.sector_moves(i).to(), want.sector_moves(i).to());
    EXPECT_EQ(got.sector_moves(i).placements(), want.sector_moves(i).placements());
  }
  EXPECT_EQ(got.sector_changes(), want.sector_changes());
  EXPECT_DOUBLE_EQ(got.stays_technical_share(), want.stays_technical_share());
  EXPECT_EQ(got.followed_up_6m(), want.followed_up_6m());
  EXPECT_EQ(got.retained_6m(), want.retained_6m());
  EXPECT_DOUBLE_EQ(got.retention_6m(), want.retention_6m());
  EXPECT_EQ(got.followed_up_12m(), want.followed_up_12m());
  EXPECT_EQ(got.retained_12m(), want.retained_12m());
  EXPECT_DOUBLE_EQ(got.retention_12m(), want.retention_12m());
  EXPECT_EQ(got.open_seats(), want.open_seats());
  EXPECT_EQ(got.available_candidates(), want.available_candidates());
  EXPECT_DOUBLE_EQ(got.tension(), want.tension());
}

TEST_F(OutcomeReportTest, RandomHistoriesMatchTheReferenceInEveryGroupingScopeAndFilter) {
  std::mt19937 rng(20261207);
  RandomEvents(rng, events_, 250, 4000);
  std::vector<SupplyDemandCell> cells;
  const std::vector<std::string> cell_sources = {"", "uwv", "a", "b", "records-only"};
  for (int i = 0; i < 60; ++i) {
    cells.push_back({static_cast<uint8_t>(1 + rng() % 6), static_cast<uint8_t>(1 + rng() % 6),
                     cell_sources[rng() % cell_sources.size()], 1 + rng() % 20, rng() % 30});
  }
  const reference::Names names = reference::NamesOf(*tax_, events_.log());

  struct Case {
    std::string name;
    ReportScope scope;
    std::string region, source;
    v1::Sector sector = v1::SECTOR_UNSPECIFIED;
  };
  std::vector<Case> cases;
  cases.push_back({"all", {}, "", ""});
  Case coach{"coach", {}, "", ""};
  coach.scope.all_regions = false;
  coach.scope.regions.set(1);
  coach.scope.regions.set(3);
  coach.scope.regions.set(4);
  cases.push_back(coach);
  Case partner{"partner", {}, "", ""};
  partner.scope.source = events_.log().FindSource("uwv");
  partner.scope.source_name = "uwv";
  cases.push_back(partner);
  Case region_filter{"region filter", {}, tax_->region(2).name, ""};
  cases.push_back(region_filter);
  Case combined{"coach + sector + source", coach.scope, "", "a", v1::SECTOR_ME};
  cases.push_back(combined);
  Case no_source{"no source filter", {}, "", "", v1::SECTOR_BOUW};
  cases.push_back(no_source);

  const std::vector<std::pair<std::string, std::string>> periods = {
      {"2024-03-01", "2025-02-28"}, {"2024-01-01", "2026-12-31"}, {"2025-06-15", "2025-06-20"}};
  int compared = 0;
  for (const Case& c : cases) {
    for (const auto& [from, to] : periods) {
      for (int g = 0; g <= v1::REPORT_GROUPING_MONTH; ++g) {
        const auto by = static_cast<v1::ReportGrouping>(g);
        v1::GetReportRequest request;
        request.set_group_by(by);
        request.set_from_date(from);
        request.set_to_date(to);
        request.set_region(c.region);
        request.set_sector(c.sector);
        request.set_source(c.source);
        auto got = Run(request, c.scope, cells);
        ASSERT_TRUE(got.ok()) << got.status();

        reference::Query q;
        q.by = by;
        q.from = Day(from.c_str());
        q.to = Day(to.c_str());
        q.all_regions = c.scope.all_regions;
        for (size_t r = 0; r < c.scope.regions.size(); ++r) {
          if (c.scope.regions[r]) q.scope_regions.insert(static_cast<int>(r));
        }
        if (c.scope.source.has_value()) q.scope_source = c.scope.source_name;
        if (!c.region.empty()) q.region = static_cast<int>(*tax_->FindRegion(c.region) + 1);
        q.sector = c.sector;
        if (!c.source.empty()) q.source = c.source;
        const reference::Report want = reference::Compute(events_.events(), names, cells, q);

        const std::string context = c.name + " " + from + ".." + to + " " + v1::ReportGrouping_Name(by);
        ASSERT_EQ(got->rows_size(), static_cast<int>(want.rows.size())) << context;
        for (size_t i = 0; i < want.rows.size(); ++i) {
          ExpectSameRow(got->rows(static_cast<int>(i)), want.rows[i], context);
        }
        ExpectSameRow(got->total(), want.total, context + " total");
        ++compared;
        if (HasFailure()) return;
      }
    }
  }
  EXPECT_EQ(compared, 6 * 3 * 6);
}

// ---- Plan against realised -----------------------------------------------------------

v1::OutcomeEvent PlacementEvent(const std::string& vacancy, const char* start, const std::string& run = "") {
  v1::OutcomeEvent e;
  e.mutable_placement()->set_vacancy_id(vacancy);
  e.mutable_placement()->set_start_date(start);
  e.mutable_placement()->set_rematch_run_id(run);
  return e;
}

v1::PersonResult Person(const std::string& id, const std::string& assigned, std::vector<std::string> alternatives) {
  v1::PersonResult p;
  p.set_candidate_id(id);
  if (!assigned.empty()) p.mutable_assigned()->set_vacancy_id(assigned);
  for (const std::string& a : alternatives) p.add_alternatives()->set_vacancy_id(a);
  return p;
}

TEST(PlanRealisedTest, EveryFigure) {
  v1::RematchRun run;
  run.set_run_id("run-1");
  run.set_created_at("2025-03-01T09:00:00Z");
  const int32_t started = Day("2025-03-01");
  const std::vector<v1::PersonResult> results = {
      Person("a", "v1", {"v2"}),      // Placed in the assigned seat through the run, 10 days.
      Person("b", "v3", {"v4"}),      // Placed in an alternative, 20 days.
      Person("c", "v5", {}),          // Placed elsewhere, 30 days.
      Person("d", "", {"v6", "v7"}),  // Proposed (alternatives only), not placed.
      Person("e", "v8", {}),          // Placed before the run only: not placed.
      Person("f", "", {}),            // Not placeable, placed anyway.
      Person("g", "", {}),            // Not placeable, not placed.
      Person("h", "v9", {}),          // Two placements: the first after the start counts.
  };
  const std::vector<std::vector<v1::OutcomeEvent>> placements = {
      {PlacementEvent("v1", "2025-03-11", "run-1")},
      {PlacementEvent("v4", "2025-03-21")},
      {PlacementEvent("", "2025-03-31")},
      {},
      {PlacementEvent("v8", "2025-02-01")},
      {PlacementEvent("v99", "2025-04-01", "run-1")},
      {},
      {PlacementEvent("v9", "2025-06-09"), PlacementEvent("x", "2025-04-30")},
  };
  const v1::GetPlanRealisedResponse r = ComputePlanRealised(run, started, results, placements);
  EXPECT_EQ(r.run_id(), "run-1");
  EXPECT_EQ(r.started_at(), "2025-03-01T09:00:00Z");
  EXPECT_EQ(r.people(), 8u);
  EXPECT_EQ(r.proposed(), 6u);       // a, b, c, d, e, h.
  EXPECT_EQ(r.not_placeable(), 2u);  // f, g.
  EXPECT_EQ(r.not_placeable_placed(), 1u);
  EXPECT_EQ(r.placed(), 4u);              // a, b, c, h.
  EXPECT_EQ(r.placed_as_proposed(), 2u);  // a, b (h's first placement is elsewhere).
  EXPECT_EQ(r.placed_in_assigned(), 1u);
  EXPECT_EQ(r.placed_through_run(), 2u);  // a and f name the run.
  EXPECT_DOUBLE_EQ(r.conversion(), 2.0 / 6.0);
  // Days 10, 20, 30, 60: nearest rank 2 and 4.
  EXPECT_DOUBLE_EQ(r.median_days_to_placement(), 20);
  EXPECT_DOUBLE_EQ(r.p90_days_to_placement(), 60);
}

TEST(PlanRealisedTest, AnEmptyRunIsAllZero) {
  v1::RematchRun run;
  run.set_run_id("empty");
  const v1::GetPlanRealisedResponse r = ComputePlanRealised(run, Day("2025-01-01"), {}, {});
  EXPECT_EQ(r.people(), 0u);
  EXPECT_DOUBLE_EQ(r.conversion(), 0);
  EXPECT_DOUBLE_EQ(r.median_days_to_placement(), 0);
}

}  // namespace
}  // namespace w2w::outcomes
