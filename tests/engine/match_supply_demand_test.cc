// Matcher::CountSupplyDemand (engine/match/supply_demand.cc): the present supply and
// demand per (region, sector, source) behind the reports' tension (docs/outcomes.md):
// seats left of open, unexpired vacancies and candidates of a matchable status, with
// updates, removals and expiry, and the same answer from concurrent readers.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "engine/common/dates.h"
#include "engine/match/matcher.h"
#include "engine/match/policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::match {
namespace {

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kWelder[] = "7aedaa07-3884-4c5b-88f9-80997b2aa54b";

// A cell as a comparable tuple: (region name, sector, source, seats, candidates).
using Cell = std::tuple<std::string, int, std::string, uint64_t, uint64_t>;

class MatchSupplyDemandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tax_ = testing::SharedTaxonomy();
    auto policy = CompletePolicy(v1::Policy(), *tax_);
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy->set_version(1);
    matcher_ = Matcher::Create(tax_, *policy);
  }

  static v1::Candidate Cand(const std::string& id, const std::string& region, v1::Sector sector,
                            v1::CandidateStatus status, const std::string& source = "") {
    v1::Candidate c;
    c.set_id(id);
    c.set_region(region);
    c.set_sector(sector);
    auto* t = c.add_trades();
    t->set_code(kWelder);
    t->set_years(5);
    c.set_status(status);
    c.set_max_travel_km(50);
    c.set_source(source);
    return c;
  }

  static v1::Vacancy Vac(const std::string& id, const std::string& region, v1::Sector sector, uint32_t positions,
                         uint32_t filled, const std::string& source = "") {
    v1::Vacancy v;
    v.set_id(id);
    v.set_employer_id("werkgever");
    v.set_region(region);
    v.set_sector(sector);
    v.set_trade(kWelder);
    v.set_status(v1::VACANCY_STATUS_OPEN);
    v.set_title("Lasser");
    v.set_positions(positions);
    v.set_filled_positions(filled);
    v.set_source(source);
    return v;
  }

  std::vector<Cell> Cells(int32_t today) const {
    std::vector<Cell> out;
    for (const SupplyDemandCell& c : matcher_->CountSupplyDemand(today)) {
      out.emplace_back(tax_->region(c.region).name, c.sector, c.source, c.open_seats, c.available_candidates);
    }
    return out;
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(MatchSupplyDemandTest, EmptyIndexHasNoCells) { EXPECT_THAT(Cells(TodayUtc()), IsEmpty()); }

TEST_F(MatchSupplyDemandTest, CountsMatchableCandidatesAndOpenSeatsPerCell) {
  const int32_t today = TodayUtc();
  for (const v1::CandidateStatus s :
       {v1::CANDIDATE_STATUS_EMPLOYED, v1::CANDIDATE_STATUS_AT_RISK, v1::CANDIDATE_STATUS_NOTICE_GIVEN,
        v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER, v1::CANDIDATE_STATUS_UNEMPLOYED, v1::CANDIDATE_STATUS_PLACED,
        v1::CANDIDATE_STATUS_UNAVAILABLE}) {
    matcher_->UpsertCandidate(Cand(v1::CandidateStatus_Name(s), "Rijnmond", v1::SECTOR_ME, s, "uwv"));
  }
  matcher_->UpsertCandidate(Cand("twente-1", "Twente", v1::SECTOR_INST, v1::CANDIDATE_STATUS_UNEMPLOYED));
  matcher_->UpsertCandidate(Cand("twente-2", "Twente", v1::SECTOR_INST, v1::CANDIDATE_STATUS_AT_RISK));

  matcher_->UpsertVacancy(Vac("three-one-taken", "Rijnmond", v1::SECTOR_ME, 3, 1, "uwv"));
  matcher_->UpsertVacancy(Vac("default-one", "Rijnmond", v1::SECTOR_ME, 0, 0, "uwv"));
  v1::Vacancy filled = Vac("filled", "Rijnmond", v1::SECTOR_ME, 2, 2, "uwv");
  filled.set_status(v1::VACANCY_STATUS_FILLED);
  matcher_->UpsertVacancy(filled);
  v1::Vacancy closed = Vac("closed", "Rijnmond", v1::SECTOR_ME, 4, 0, "uwv");
  closed.set_status(v1::VACANCY_STATUS_CLOSED);
  matcher_->UpsertVacancy(closed);
  v1::Vacancy expired = Vac("expired", "Rijnmond", v1::SECTOR_ME, 5, 0, "uwv");
  expired.set_expires_at(FormatIsoDate(today - 1));
  matcher_->UpsertVacancy(expired);
  v1::Vacancy last_day = Vac("last-day", "Twente", v1::SECTOR_BOUW, 7, 0, "partner-b");
  last_day.set_expires_at(FormatIsoDate(today));
  matcher_->UpsertVacancy(last_day);

  EXPECT_THAT(Cells(today), UnorderedElementsAre(Cell{"Rijnmond", v1::SECTOR_ME, "uwv", 3, 5},
                                                 Cell{"Twente", v1::SECTOR_INST, "", 0, 2},
                                                 Cell{"Twente", v1::SECTOR_BOUW, "partner-b", 7, 0}));
  // Tomorrow the last-day vacancy has expired, and today's "expired" one stays expired.
  EXPECT_THAT(Cells(today + 1), UnorderedElementsAre(Cell{"Rijnmond", v1::SECTOR_ME, "uwv", 3, 5},
                                                     Cell{"Twente", v1::SECTOR_INST, "", 0, 2}));
  // Yesterday the expired vacancy was still open.
  EXPECT_THAT(Cells(today - 1), UnorderedElementsAre(Cell{"Rijnmond", v1::SECTOR_ME, "uwv", 8, 5},
                                                     Cell{"Twente", v1::SECTOR_INST, "", 0, 2},
                                                     Cell{"Twente", v1::SECTOR_BOUW, "partner-b", 7, 0}));
}

TEST_F(MatchSupplyDemandTest, UpdatesAndRemovalsMoveTheCounts) {
  const int32_t today = TodayUtc();
  matcher_->UpsertCandidate(Cand("mover", "Rijnmond", v1::SECTOR_ME, v1::CANDIDATE_STATUS_UNEMPLOYED, "uwv"));
  matcher_->UpsertCandidate(Cand("leaver", "Rijnmond", v1::SECTOR_ME, v1::CANDIDATE_STATUS_UNEMPLOYED, "uwv"));
  matcher_->UpsertVacancy(Vac("v", "Rijnmond", v1::SECTOR_ME, 2, 0, "uwv"));
  EXPECT_THAT(Cells(today), UnorderedElementsAre(Cell{"Rijnmond", v1::SECTOR_ME, "uwv", 2, 2}));

  // The mover moves region and source; the leaver is placed, then removed.
  matcher_->UpsertCandidate(Cand("mover", "Twente", v1::SECTOR_ME, v1::CANDIDATE_STATUS_AT_RISK, "other"));
  matcher_->UpsertCandidate(Cand("leaver", "Rijnmond", v1::SECTOR_ME, v1::CANDIDATE_STATUS_PLACED, "uwv"));
  // A placement took one seat.
  matcher_->UpsertVacancy(Vac("v", "Rijnmond", v1::SECTOR_ME, 2, 1, "uwv"));
  EXPECT_THAT(Cells(today), UnorderedElementsAre(Cell{"Rijnmond", v1::SECTOR_ME, "uwv", 1, 0},
                                                 Cell{"Twente", v1::SECTOR_ME, "other", 0, 1}));

  matcher_->RemoveCandidate("leaver");
  matcher_->RemoveVacancy("v");
  EXPECT_THAT(Cells(today), UnorderedElementsAre(Cell{"Twente", v1::SECTOR_ME, "other", 0, 1}));
}

TEST_F(MatchSupplyDemandTest, ConcurrentReadersSeeConsistentCountsWhileAWriterRuns) {
  const int32_t today = TodayUtc();
  constexpr int kStable = 200;
  for (int i = 0; i < kStable; ++i) {
    matcher_->UpsertCandidate(Cand("c" + std::to_string(i), "Rijnmond", v1::SECTOR_ME,
                                   v1::CANDIDATE_STATUS_UNEMPLOYED, "uwv"));
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    // Churns other cells: the Rijnmond/ME/uwv cell must read kStable throughout.
    for (int round = 0; round < 300 && !stop.load(); ++round) {
      const std::string id = "t" + std::to_string(round % 20);
      matcher_->UpsertCandidate(Cand(id, "Twente", v1::SECTOR_INST, v1::CANDIDATE_STATUS_AT_RISK));
      matcher_->UpsertVacancy(Vac("v" + std::to_string(round % 7), "Twente", v1::SECTOR_INST, 3, round % 3));
      if (round % 5 == 0) matcher_->RemoveCandidate(id);
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        uint64_t stable = 0;
        for (const SupplyDemandCell& c : matcher_->CountSupplyDemand(today)) {
          if (c.source == "uwv") stable += c.available_candidates;
          EXPECT_LE(c.open_seats, 7u * 3u);
        }
        EXPECT_EQ(stable, static_cast<uint64_t>(kStable));
      }
    });
  }
  for (std::thread& t : readers) t.join();
  stop = true;
  writer.join();
}

}  // namespace
}  // namespace w2w::match
