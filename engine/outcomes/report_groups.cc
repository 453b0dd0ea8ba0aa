#include "engine/outcomes/report_groups.h"

#include <algorithm>
#include <cmath>

namespace w2w::outcomes {
namespace {

double Ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

}  // namespace

double NearestRank(std::vector<int32_t>& values, double p) {
  if (values.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

void AddFigures(const Figures& from, Figures& into) {
  into.events += from.events;
  into.entered += from.entered;
  into.entered_placed += from.entered_placed;
  into.placements += from.placements;
  into.with_signal += from.with_signal;
  into.before_unemployment += from.before_unemployment;
  into.with_retraining += from.with_retraining;
  into.hard_to_fill += from.hard_to_fill;
  into.days_to_placement.insert(into.days_to_placement.end(), from.days_to_placement.begin(),
                                from.days_to_placement.end());
  into.tracks_started += from.tracks_started;
  into.tracks_completed += from.tracks_completed;
  into.tracks_dropped += from.tracks_dropped;
  into.cost_eur += from.cost_eur;
  for (int a = 0; a < kSectorSlots; ++a) {
    for (int b = 0; b < kSectorSlots; ++b) into.moves[a][b] += from.moves[a][b];
  }
  into.sector_changes += from.sector_changes;
  into.technical += from.technical;
  into.followed_6 += from.followed_6;
  into.retained_6 += from.retained_6;
  into.followed_12 += from.followed_12;
  into.retained_12 += from.retained_12;
  into.open_seats += from.open_seats;
  into.available += from.available;
}

v1::ReportRow ToRow(const std::string& group, Figures& f) {
  v1::ReportRow row;
  row.set_group(group);
  row.set_label(group);
  row.set_events(f.events);
  row.set_entered(f.entered);
  row.set_entered_placed(f.entered_placed);
  row.set_placement_rate(Ratio(f.entered_placed, f.entered));
  row.set_placements(f.placements);
  row.set_median_days_to_placement(NearestRank(f.days_to_placement, 0.5));
  row.set_p90_days_to_placement(NearestRank(f.days_to_placement, 0.9));
  row.set_placements_with_signal(f.with_signal);
  row.set_placed_before_unemployment(f.before_unemployment);
  row.set_work_to_work_share(Ratio(f.before_unemployment, f.with_signal));
  row.set_placements_with_retraining(f.with_retraining);
  row.set_placements_without_retraining(f.placements - f.with_retraining);
  row.set_hard_to_fill_filled(f.hard_to_fill);
  row.set_tracks_started(f.tracks_started);
  row.set_tracks_completed(f.tracks_completed);
  row.set_tracks_dropped(f.tracks_dropped);
  row.set_completion_rate(Ratio(f.tracks_completed, f.tracks_completed + f.tracks_dropped));
  row.set_retraining_cost_eur(f.cost_eur);
  row.set_retraining_cost_per_placement_eur(Ratio(f.cost_eur, f.placements));
  for (int from = 0; from < kSectorSlots; ++from) {
    for (int to = 0; to < kSectorSlots; ++to) {
      if (f.moves[from][to] == 0) continue;
      v1::SectorMove* move = row.add_sector_moves();
      move->set_from(static_cast<v1::Sector>(from));
      move->set_to(static_cast<v1::Sector>(to));
      move->set_placements(f.moves[from][to]);
    }
  }
  row.set_sector_changes(f.sector_changes);
  row.set_stays_technical_share(Ratio(f.technical, f.placements));
  row.set_followed_up_6m(f.followed_6);
  row.set_retained_6m(f.retained_6);
  row.set_retention_6m(Ratio(f.retained_6, f.followed_6));
  row.set_followed_up_12m(f.followed_12);
  row.set_retained_12m(f.retained_12);
  row.set_retention_12m(Ratio(f.retained_12, f.followed_12));
  row.set_open_seats(f.open_seats);
  row.set_available_candidates(f.available);
  row.set_tension(Ratio(f.open_seats, f.available));
  return row;
}

}  // namespace w2w::outcomes
