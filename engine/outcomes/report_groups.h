// The accumulators of one report (report.cc): one Figures per group and one for the
// total, filled from the rows and turned into ReportRow messages. Private to report.cc
// and its tests.
#ifndef W2W_ENGINE_OUTCOMES_REPORT_GROUPS_H_
#define W2W_ENGINE_OUTCOMES_REPORT_GROUPS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "w2w/v1/report.pb.h"

namespace w2w::outcomes {

inline constexpr int kSectorSlots = 7;  // v1::Sector 0..6.

// Counts of one group over the period (docs/outcomes.md, "Definitions").
struct Figures {
  uint64_t events = 0;
  uint64_t entered = 0, entered_placed = 0;
  uint64_t placements = 0, with_signal = 0, before_unemployment = 0;
  uint64_t with_retraining = 0, hard_to_fill = 0;
  std::vector<int32_t> days_to_placement;
  uint64_t tracks_started = 0, tracks_completed = 0, tracks_dropped = 0, cost_eur = 0;
  std::array<std::array<uint64_t, kSectorSlots>, kSectorSlots> moves{};
  uint64_t sector_changes = 0, technical = 0;
  uint64_t followed_6 = 0, retained_6 = 0, followed_12 = 0, retained_12 = 0;
  uint64_t open_seats = 0, available = 0;
};

// Adds every count of `from` to `into` (days to placement appended).
void AddFigures(const Figures& from, Figures& into);

// The ReportRow of `f` with group key `group` (reorders `f.days_to_placement`).
v1::ReportRow ToRow(const std::string& group, Figures& f);

// Nearest-rank percentile `p` (0 < p <= 1) of `values`, which it reorders (a partial
// sort, linear on average); 0 for none.
double NearestRank(std::vector<int32_t>& values, double p);

}  // namespace w2w::outcomes

#endif  // W2W_ENGINE_OUTCOMES_REPORT_GROUPS_H_
