// The generated year of outcomes (clients/datagen/outcomes.h) against the server's rules,
// checked offline: every rule a fresh import enforces (tests/service/outcome_demo_test.cc
// imports the same into the real server), the dates in the year, deterministic bytes, and
// the --outcome_events target.
#include "clients/datagen/outcomes.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "clients/datagen/generator.h"
#include "engine/common/dates.h"
#include "formats/outcome_events.h"
#include "formats/record_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::datagen {
namespace {

constexpr size_t kCandidates = 4000;
constexpr size_t kVacancies = 800;
const int32_t kToday = *ParseIsoDate("2026-06-01");

class DatagenOutcomesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tax_ = w2w::testing::SharedTaxonomy();
    GeneratorOptions o;
    o.seed = 42;
    o.data_dir = w2w::testing::DataDir();
    o.today = kToday;
    auto gen = Generator::Create(*tax_, o);
    ASSERT_TRUE(gen.ok()) << gen.status();
    gen_ = *std::move(gen);
  }

  std::vector<v1::OutcomeEvent> Events(uint64_t target = 0, OutcomeCounts* counts = nullptr,
                                       int32_t days = kDefaultOutcomeDays) {
    std::vector<v1::OutcomeEvent> events;
    OutcomeGenerator outcomes(*gen_, *tax_, kCandidates, kVacancies, target, days);
    OutcomeCounts c = outcomes.ForEachEvent([&](const v1::OutcomeEvent& e) { events.push_back(e); });
    if (counts != nullptr) *counts = c;
    return events;
  }

  std::string File(const std::vector<v1::OutcomeEvent>& events) {
    std::string file;
    for (const v1::OutcomeEvent& e : events) EXPECT_TRUE(formats::AppendOutcomeEventJsonLine(e, &file).ok());
    return file;
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  std::unique_ptr<Generator> gen_;
};

TEST_F(DatagenOutcomesTest, FollowsTheServersRules) {
  OutcomeCounts counts;
  const std::vector<v1::OutcomeEvent> events = Events(0, &counts);
  ASSERT_EQ(counts.events, events.size());
  EXPECT_EQ(counts.events, counts.status_changes + counts.placements + counts.tracks + counts.follow_ups);
  std::map<std::string, v1::Candidate> candidates;
  gen_->ForEachCandidate(kCandidates, [&](v1::Candidate& c) { candidates[c.id()] = c; });
  std::map<std::string, v1::Vacancy> vacancies;
  gen_->ForEachVacancy(kVacancies, [&](v1::Vacancy& v) { vacancies[v.id()] = v; });

  const int32_t first_day = kToday - 365;
  auto in_year = [&](const std::string& date) {
    std::optional<int32_t> day = ParseIsoDate(date);
    return day.has_value() && *day >= first_day && *day <= kToday;
  };
  std::map<std::string, int32_t> latest_status_day;  // By candidate.
  std::set<std::string> placed, track_ids;
  std::map<std::string, int32_t> placement_start;    // By event id.
  std::map<std::string, uint32_t> seats_taken;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::OutcomeEvent& e = events[i];
    SCOPED_TRACE(e.ShortDebugString());
    ASSERT_EQ(e.event_id(), absl::StrFormat("ev-%07d", i + 1));
    // Only the input fields.
    EXPECT_EQ(formats::OutcomeEventInput(e).SerializeAsString(), e.SerializeAsString());
    switch (e.body_case()) {
      case v1::OutcomeEvent::kStatusChange: {
        const v1::StatusChangeEvent& s = e.status_change();
        ASSERT_TRUE(candidates.contains(s.candidate_id()));
        EXPECT_TRUE(in_year(s.date()));
        EXPECT_FALSE(placed.contains(s.candidate_id())) << "status changes come before the placement";
        latest_status_day[s.candidate_id()] = std::max(latest_status_day[s.candidate_id()], *ParseIsoDate(s.date()));
        break;
      }
      case v1::OutcomeEvent::kPlacement: {
        const v1::PlacementEvent& p = e.placement();
        ASSERT_TRUE(candidates.contains(p.candidate_id()));
        EXPECT_NE(candidates[p.candidate_id()].status(), v1::CANDIDATE_STATUS_PLACED);
        EXPECT_TRUE(placed.insert(p.candidate_id()).second) << "placed twice";
        EXPECT_TRUE(in_year(p.start_date()));
        const int32_t start = *ParseIsoDate(p.start_date());
        EXPECT_GT(start, latest_status_day[p.candidate_id()]) << "a signal after the start";
        placement_start[e.event_id()] = start;
        EXPECT_NE(p.vacancy_id().empty(), !p.has_external());
        if (!p.vacancy_id().empty()) {
          ASSERT_TRUE(vacancies.contains(p.vacancy_id()));
          const v1::Vacancy& v = vacancies[p.vacancy_id()];
          EXPECT_EQ(v.status(), v1::VACANCY_STATUS_OPEN);
          EXPECT_LE(++seats_taken[v.id()], std::max<uint32_t>(v.positions(), 1)) << "overfilled";
        } else {
          const v1::ExternalJob& job = p.external();
          EXPECT_FALSE(job.employer_id().empty());
          EXPECT_TRUE(tax_->FindTrade(job.trade()).has_value());
          EXPECT_GE(job.sector(), v1::SECTOR_ME);
          EXPECT_LE(job.sector(), v1::SECTOR_OTHER);
          EXPECT_TRUE(tax_->FindRegion(job.region()).has_value());
        }
        for (const std::string& q : p.retrained_qualifications()) EXPECT_TRUE(tax_->FindQualification(q).has_value());
        break;
      }
      case v1::OutcomeEvent::kTrack: {
        const v1::TrackEvent& t = e.track();
        EXPECT_TRUE(track_ids.insert(t.track_id()).second);
        EXPECT_THAT(t.track_id(), ::testing::StartsWith("tr-"));
        ASSERT_TRUE(candidates.contains(t.candidate_id()));
        EXPECT_TRUE(tax_->FindQualification(t.qualification()).has_value());
        EXPECT_TRUE(in_year(t.start_date()));
        EXPECT_LE(t.cost_eur(), 1'000'000u);
        EXPECT_EQ(t.result() == v1::TRACK_RESULT_UNSPECIFIED, t.end_date().empty());
        if (!t.end_date().empty()) {
          EXPECT_TRUE(in_year(t.end_date()));
          EXPECT_GE(*ParseIsoDate(t.end_date()), *ParseIsoDate(t.start_date()));
        }
        break;
      }
      case v1::OutcomeEvent::kFollowUp: {
        const v1::FollowUpEvent& f = e.follow_up();
        ASSERT_TRUE(placement_start.contains(f.placement_event_id())) << "a follow-up before its placement";
        EXPECT_TRUE(f.months() == 6 || f.months() == 12);
        const int32_t day = *ParseIsoDate(f.date());
        EXPECT_LE(day, kToday);
        const int32_t start = placement_start[f.placement_event_id()];
        EXPECT_NEAR(day - start, f.months() * 365.25 / 12, 3);
        break;
      }
      default:
        ADD_FAILURE() << "unexpected body";
    }
  }
  // A plausible year: most of the pool has events, a good share is placed, some retrain.
  EXPECT_GT(counts.placements, kCandidates / 5);
  EXPECT_GT(counts.tracks, kCandidates / 10);
  EXPECT_GT(counts.follow_ups, 0u);
  EXPECT_NEAR(static_cast<double>(counts.events) / kCandidates, 2.0, 0.3);
}

TEST_F(DatagenOutcomesTest, DeterministicBytes) {
  const std::vector<v1::OutcomeEvent> events = Events();
  const std::string once = File(events);
  EXPECT_EQ(File(Events()), once);
  // The fast printer writes what protobuf's printer would.
  std::string reference;
  for (const v1::OutcomeEvent& e : events) ASSERT_TRUE(formats::AppendJsonLine(e, &reference).ok());
  EXPECT_EQ(once, reference);
  EXPECT_GT(once.size(), 1000u);
}

TEST_F(DatagenOutcomesTest, TargetCapsTheEventsThinningPeopleEvenly) {
  OutcomeCounts counts;
  const std::vector<v1::OutcomeEvent> events = Events(2000, &counts);
  EXPECT_LE(events.size(), 2000u);
  EXPECT_GE(events.size(), 1600u);
  // Thinned across all candidates, not just the first ones.
  EXPECT_GT(events.back().ShortDebugString(), "");
  std::string last_candidate;
  for (const v1::OutcomeEvent& e : events) {
    if (e.has_status_change()) last_candidate = e.status_change().candidate_id();
  }
  EXPECT_GT(last_candidate, absl::StrFormat("c%07d", kCandidates * 3 / 4));
}

TEST_F(DatagenOutcomesTest, TwoYearsOfHistoryHaveTwelveMonthFollowUps) {
  auto twelve = [](const std::vector<v1::OutcomeEvent>& events) {
    size_t n = 0;
    for (const v1::OutcomeEvent& e : events) n += e.has_follow_up() && e.follow_up().months() == 12;
    return n;
  };
  EXPECT_LE(twelve(Events()), 5u) << "a year leaves no time for them";
  const std::vector<v1::OutcomeEvent> events = Events(0, nullptr, 730);
  EXPECT_GT(twelve(events), 50u);
  std::map<std::string, int32_t> start;  // By placement event id.
  for (const v1::OutcomeEvent& e : events) {
    if (e.has_status_change()) {
      EXPECT_GE(*ParseIsoDate(e.status_change().date()), kToday - 730);
    }
    if (e.has_placement()) start[e.event_id()] = *ParseIsoDate(e.placement().start_date());
    if (e.has_follow_up()) {
      ASSERT_TRUE(start.contains(e.follow_up().placement_event_id()));
      const int32_t day = *ParseIsoDate(e.follow_up().date());
      EXPECT_LE(day, kToday);
      EXPECT_NEAR(day - start[e.follow_up().placement_event_id()], e.follow_up().months() * 365.25 / 12, 3);
    }
  }
}

}  // namespace
}  // namespace w2w::datagen
