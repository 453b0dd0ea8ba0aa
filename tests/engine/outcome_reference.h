// A slow, plain reference for the report figures of docs/outcomes.md, for the randomized
// comparison in outcome_report_test.cc. It shares nothing with engine/outcomes/report.cc
// but the row model: events are plain structs in recording order, groups are strings,
// every figure is its own pass over simple lists, filters compare names. Header-only
// (one test binary uses it).
#ifndef W2W_TESTS_ENGINE_OUTCOME_REFERENCE_H_
#define W2W_TESTS_ENGINE_OUTCOME_REFERENCE_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/dates.h"
#include "engine/outcomes/event_log.h"
#include "engine/outcomes/report.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/report.pb.h"

namespace w2w::outcomes::reference {

// One event as the reference sees it (the fields of an EventRow).
struct Ev {
  uint32_t person = 0;
  int32_t day = 0;
  Kind kind = Kind::kStatusChange;
  uint8_t status = 0;
  uint8_t region = 0;  // RegionId + 1; 0 = unknown.
  uint8_t sector = 0;
  uint8_t job_region = 0;
  uint8_t job_sector = 0;
  uint8_t flags = 0;
  uint16_t source = 0;
  uint32_t cost_eur = 0;
  uint32_t link = kNoLink;
};

// Names of the numbers events carry.
struct Names {
  std::map<int, std::string> region;   // Region number -> name.
  std::map<int, std::string> cluster;  // Region number -> its cluster's name ("" for none).
  std::map<int, std::string> source;   // Source number -> name.
};

inline Names NamesOf(const taxonomy::Taxonomy& tax, const EventLog& log) {
  Names names;
  for (size_t r = 0; r < tax.num_regions(); ++r) {
    const taxonomy::RegionInfo& info = tax.region(static_cast<taxonomy::RegionId>(r));
    names.region[static_cast<int>(r) + 1] = info.name;
    names.cluster[static_cast<int>(r) + 1] = info.cluster == taxonomy::kNoCluster ? "" : tax.cluster_name(info.cluster);
  }
  for (int s = 0; s < 64; ++s) names.source[s] = log.SourceName(static_cast<uint16_t>(s));
  return names;
}

struct Query {
  v1::ReportGrouping by = v1::REPORT_GROUPING_UNSPECIFIED;
  int32_t from = 0, to = 0;
  bool all_regions = true;
  std::set<int> scope_regions;
  std::optional<std::string> scope_source;
  int region = 0;  // Filters; 0 / nullopt = any.
  int sector = 0;
  std::optional<std::string> source;
};

struct Report {
  std::vector<v1::ReportRow> rows;
  v1::ReportRow total;
};

namespace internal {

struct Acc {
  uint64_t events = 0, entered = 0, entered_placed = 0, placements = 0, with_signal = 0, w2w = 0;
  uint64_t retrained = 0, hard = 0, started = 0, completed = 0, dropped = 0, cost = 0;
  uint64_t changes = 0, technical = 0, fu6 = 0, kept6 = 0, fu12 = 0, kept12 = 0, seats = 0, avail = 0;
  std::vector<int32_t> days;
  std::map<std::pair<int, int>, uint64_t> moves;
};

inline double Ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

// Nearest rank in integers: the ceil(n * percent / 100)-th smallest.
inline double Rank(std::vector<int32_t> v, uint64_t percent) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const uint64_t rank = std::max<uint64_t>(1, (v.size() * percent + 99) / 100);
  return v[rank - 1];
}

inline v1::ReportRow ToRow(const std::string& group, const Acc& a) {
  v1::ReportRow r;
  r.set_group(group);
  r.set_label(group);
  r.set_events(a.events);
  r.set_entered(a.entered);
  r.set_entered_placed(a.entered_placed);
  r.set_placement_rate(Ratio(a.entered_placed, a.entered));
  r.set_placements(a.placements);
  r.set_median_days_to_placement(Rank(a.days, 50));
  r.set_p90_days_to_placement(Rank(a.days, 90));
  r.set_placements_with_signal(a.with_signal);
  r.set_placed_before_unemployment(a.w2w);
  r.set_work_to_work_share(Ratio(a.w2w, a.with_signal));
  r.set_placements_with_retraining(a.retrained);
  r.set_placements_without_retraining(a.placements - a.retrained);
  r.set_hard_to_fill_filled(a.hard);
  r.set_tracks_started(a.started);
  r.set_tracks_completed(a.completed);
  r.set_tracks_dropped(a.dropped);
  r.set_completion_rate(Ratio(a.completed, a.completed + a.dropped));
  r.set_retraining_cost_eur(a.cost);
  r.set_retraining_cost_per_placement_eur(Ratio(a.cost, a.placements));
  for (const auto& [from_to, n] : a.moves) {
    v1::SectorMove* m = r.add_sector_moves();
    m->set_from(static_cast<v1::Sector>(from_to.first));
    m->set_to(static_cast<v1::Sector>(from_to.second));
    m->set_placements(n);
  }
  r.set_sector_changes(a.changes);
  r.set_stays_technical_share(Ratio(a.technical, a.placements));
  r.set_followed_up_6m(a.fu6);
  r.set_retained_6m(a.kept6);
  r.set_retention_6m(Ratio(a.kept6, a.fu6));
  r.set_followed_up_12m(a.fu12);
  r.set_retained_12m(a.kept12);
  r.set_retention_12m(Ratio(a.kept12, a.fu12));
  r.set_open_seats(a.seats);
  r.set_available_candidates(a.avail);
  r.set_tension(Ratio(a.seats, a.avail));
  return r;
}

inline std::string SectorName(int sector) {
  const std::string name = v1::Sector_Name(static_cast<v1::Sector>(sector));
  return name.substr(std::string("SECTOR_").size());
}

inline std::string KeyOf(const Names& names, v1::ReportGrouping by, int region, int sector, const std::string& source,
                         int32_t day) {
  switch (by) {
    case v1::REPORT_GROUPING_REGION: return region == 0 ? "(unknown)" : names.region.at(region);
    case v1::REPORT_GROUPING_CLUSTER: {
      const std::string cluster = region == 0 ? "" : names.cluster.at(region);
      return cluster.empty() ? "(no cluster)" : cluster;
    }
    case v1::REPORT_GROUPING_SECTOR: return SectorName(sector);
    case v1::REPORT_GROUPING_SOURCE: return source.empty() ? "(none)" : source;
    case v1::REPORT_GROUPING_MONTH: return FormatIsoDate(day).substr(0, 7);
    default: return "";
  }
}

inline bool IsSignal(int status) {
  return status == v1::CANDIDATE_STATUS_AT_RISK || status == v1::CANDIDATE_STATUS_NOTICE_GIVEN ||
         status == v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER || status == v1::CANDIDATE_STATUS_UNEMPLOYED;
}

}  // namespace internal

inline Report Compute(const std::vector<Ev>& events, const Names& names, const std::vector<SupplyDemandCell>& cells,
                      const Query& q) {
  using internal::Acc;
  const size_t n = events.size();
  auto source_of = [&](const Ev& e) { return names.source.at(e.source); };
  auto passes = [&](int region, int sector, const std::string& source) {
    if (!q.all_regions && !q.scope_regions.contains(region)) return false;
    if (q.scope_source.has_value() && source != *q.scope_source) return false;
    if (q.region != 0 && region != q.region) return false;
    if (q.sector != 0 && sector != q.sector) return false;
    if (q.source.has_value() && source != *q.source) return false;
    return true;
  };
  auto passes_ev = [&](const Ev& e) { return passes(e.region, e.sector, source_of(e)); };
  auto in_period = [&](int32_t day) { return q.from <= day && day <= q.to; };

  std::map<std::string, Acc> groups;
  Acc total;
  // Every count goes to the total and, when grouped, the event's group.
  auto count = [&](const Ev& e, auto&& fn) {
    fn(total);
    if (q.by != v1::REPORT_GROUPING_UNSPECIFIED) {
      fn(groups[internal::KeyOf(names, q.by, e.region, e.sector, source_of(e), e.day)]);
    }
  };

  // Cancelled: named by a cancellation, or the end / follow-up of a cancelled event.
  std::set<uint32_t> named;
  for (const Ev& e : events) {
    if (e.kind == Kind::kCancellation) named.insert(e.link);
  }
  auto cancelled = [&](uint32_t i) {
    const Ev& e = events[i];
    if (named.contains(i)) return true;
    if ((e.kind == Kind::kTrackEnd || e.kind == Kind::kFollowUp) && e.link < n && named.contains(e.link)) return true;
    return false;
  };

  // events, tracks.
  for (uint32_t i = 0; i < n; ++i) {
    const Ev& e = events[i];
    if (e.kind == Kind::kCancellation || cancelled(i) || !passes_ev(e) || !in_period(e.day)) continue;
    count(e, [](Acc& a) { ++a.events; });
    if (e.kind == Kind::kTrackStart) count(e, [&](Acc& a) { ++a.started; a.cost += e.cost_eur; });
    if (e.kind == Kind::kTrackEnd && e.status == v1::TRACK_RESULT_COMPLETED) count(e, [](Acc& a) { ++a.completed; });
    if (e.kind == Kind::kTrackEnd && e.status == v1::TRACK_RESULT_DROPPED) count(e, [](Acc& a) { ++a.dropped; });
  }

  // Episodes, person by person.
  struct Episode {
    uint32_t entry = 0;
    int32_t start = 0;
    bool unemployed = false;
    std::optional<uint32_t> placement;
  };
  struct Placed {
    uint32_t row = 0;
    std::optional<Episode> episode;  // As it stood at the placement.
  };
  std::vector<Episode> episodes;
  std::vector<Placed> placed;
  std::map<uint32_t, std::vector<uint32_t>> by_person;
  for (uint32_t i = 0; i < n; ++i) {
    const Ev& e = events[i];
    if ((e.kind == Kind::kStatusChange || e.kind == Kind::kPlacement) && !cancelled(i)) by_person[e.person].push_back(i);
  }
  for (auto& [person, rows] : by_person) {
    std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) { return events[a].day < events[b].day; });
    std::vector<uint32_t> walk;
    for (uint32_t i : rows) {
      const Ev& e = events[i];
      bool history_before = false;
      for (uint32_t j : rows) {
        const Ev& h = events[j];
        if (h.kind == Kind::kStatusChange && (h.flags & kCreation) == 0 && h.day < e.day) history_before = true;
      }
      if (e.kind == Kind::kStatusChange && (e.flags & kCreation) != 0 && history_before) continue;
      walk.push_back(i);
    }
    std::optional<Episode> open;
    for (uint32_t i : walk) {
      const Ev& e = events[i];
      if (e.kind == Kind::kPlacement) {
        placed.push_back({i, open});
        if (open.has_value()) {
          open->placement = i;
          episodes.push_back(*open);
          open.reset();
        }
      } else if (internal::IsSignal(e.status)) {
        if (!open.has_value()) open = Episode{i, e.day, false, std::nullopt};
        if (e.status == v1::CANDIDATE_STATUS_UNEMPLOYED) open->unemployed = true;
      } else if ((e.status == v1::CANDIDATE_STATUS_EMPLOYED || e.status == v1::CANDIDATE_STATUS_PLACED) &&
                 open.has_value()) {
        episodes.push_back(*open);
        open.reset();
      }
    }
    if (open.has_value()) episodes.push_back(*open);
  }
  for (const Episode& ep : episodes) {
    const Ev& entry = events[ep.entry];
    if (!passes_ev(entry) || !in_period(ep.start)) continue;
    const bool placed_by_to = ep.placement.has_value() && events[*ep.placement].day <= q.to;
    count(entry, [&](Acc& a) { ++a.entered; a.entered_placed += placed_by_to; });
  }
  for (const Placed& p : placed) {
    const Ev& e = events[p.row];
    if (!passes_ev(e) || !in_period(e.day)) continue;
    bool fu6 = false, kept6 = false, fu12 = false, kept12 = false;
    for (uint32_t j = 0; j < n; ++j) {
      const Ev& f = events[j];
      if (f.kind != Kind::kFollowUp || f.link != p.row || cancelled(j)) continue;
      const bool kept = (f.flags & kInWork) != 0;
      if (f.status == 6) { fu6 = true; kept6 = kept; }
      if (f.status == 12) { fu12 = true; kept12 = kept; }
    }
    count(e, [&](Acc& a) {
      ++a.placements;
      if (p.episode.has_value()) {
        ++a.with_signal;
        a.days.push_back(e.day - p.episode->start);
        if (!p.episode->unemployed) ++a.w2w;
      }
      if (e.flags & kRetrained) ++a.retrained;
      if (e.flags & kHardToFill) ++a.hard;
      ++a.moves[{e.sector, e.job_sector}];
      if (e.sector != e.job_sector) ++a.changes;
      if (e.job_sector >= v1::SECTOR_ME && e.job_sector <= v1::SECTOR_MVT) ++a.technical;
      a.fu6 += fu6;
      a.kept6 += kept6;
      a.fu12 += fu12;
      a.kept12 += kept12;
    });
  }

  // Tension: the present cells by their own dimensions; no month has it.
  for (const SupplyDemandCell& c : cells) {
    if (!passes(c.region, c.sector, c.source)) continue;
    total.seats += c.open_seats;
    total.avail += c.available_candidates;
    if (q.by == v1::REPORT_GROUPING_UNSPECIFIED || q.by == v1::REPORT_GROUPING_MONTH) continue;
    Acc& a = groups[internal::KeyOf(names, q.by, c.region, c.sector, c.source, 0)];
    a.seats += c.open_seats;
    a.avail += c.available_candidates;
  }

  Report report;
  for (const auto& [key, acc] : groups) report.rows.push_back(internal::ToRow(key, acc));
  report.total = internal::ToRow("", total);
  return report;
}

}  // namespace w2w::outcomes::reference

#endif  // W2W_TESTS_ENGINE_OUTCOME_REFERENCE_H_
