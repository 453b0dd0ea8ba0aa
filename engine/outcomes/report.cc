// ComputeReport: the one implementation of docs/outcomes.md's figures. Three passes over
// the rows published when the report began: cancellations (a cancelled track start or
// placement takes its ends and follow-ups with it), the figures that belong to single
// rows (events, tracks, retention), and a per-person walk in date order for the
// episodes (entered, placed, days to placement, work to work). Then the present supply
// and demand for the tension, and the groups become rows.
#include "engine/outcomes/report.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/outcomes/report_groups.h"

namespace w2w::outcomes {
namespace {

constexpr int32_t kMaxPeriodDays = 3653;  // Ten years.

bool IsSignal(uint8_t status) {
  return status == v1::CANDIDATE_STATUS_AT_RISK || status == v1::CANDIDATE_STATUS_NOTICE_GIVEN ||
         status == v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER || status == v1::CANDIDATE_STATUS_UNEMPLOYED;
}
bool IsTechnical(uint8_t sector) { return sector >= v1::SECTOR_ME && sector <= v1::SECTOR_MVT; }

// Year * 12 + month - 1 of a day number (civil calendar, H. Hinnant's algorithm).
int32_t MonthIndex(int32_t days) {
  const int32_t z = days + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  const int32_t month = mp < 10 ? mp + 3 : mp - 9;
  const int32_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

struct Query {
  v1::ReportGrouping by = v1::REPORT_GROUPING_UNSPECIFIED;
  int32_t from = 0, to = 0;
  uint8_t region = 0;                   // Filter: region number, 0 = any.
  uint8_t sector = 0;                   // Filter: v1::Sector, 0 = any.
  std::optional<uint16_t> source;       // Filter: source number.
  std::string source_name;              // ... by name (for supply and demand).
};

absl::StatusOr<Query> ParseQuery(const ReportInputs& inputs, const v1::GetReportRequest& request) {
  Query q;
  if (!v1::ReportGrouping_IsValid(request.group_by())) {
    return absl::InvalidArgumentError("group_by: unknown grouping");
  }
  q.by = request.group_by();
  if (request.to_date().empty()) {
    q.to = inputs.today;
  } else {
    std::optional<int32_t> to = ParseIsoDate(request.to_date());
    if (!to.has_value()) return absl::InvalidArgumentError(absl::StrCat("to_date: ", QuoteValue(request.to_date()), " is not a date YYYY-MM-DD"));
    q.to = *to;
  }
  if (request.from_date().empty()) {
    q.from = q.to - 364;
  } else {
    std::optional<int32_t> from = ParseIsoDate(request.from_date());
    if (!from.has_value()) return absl::InvalidArgumentError(absl::StrCat("from_date: ", QuoteValue(request.from_date()), " is not a date YYYY-MM-DD"));
    q.from = *from;
  }
  if (q.from > q.to) {
    return absl::InvalidArgumentError(absl::StrCat("from_date: ", FormatIsoDate(q.from), " is after to_date ", FormatIsoDate(q.to)));
  }
  if (q.to - q.from >= kMaxPeriodDays) return absl::InvalidArgumentError("from_date: the period is over 10 years");
  if (!request.region().empty()) {
    std::optional<taxonomy::RegionId> region = inputs.taxonomy->FindRegion(request.region());
    if (!region.has_value()) return absl::InvalidArgumentError(absl::StrCat("region: unknown region ", QuoteValue(request.region())));
    q.region = static_cast<uint8_t>(*region + 1);
  }
  if (request.sector() != v1::SECTOR_UNSPECIFIED) {
    if (!v1::Sector_IsValid(request.sector())) return absl::InvalidArgumentError("sector: unknown sector");
    q.sector = static_cast<uint8_t>(request.sector());
  }
  if (!request.source().empty()) {
    q.source = inputs.log->FindSource(request.source()).value_or(kNoSuchSource);
    q.source_name = request.source();
  }
  return q;
}

// Who and what a report counts, and into which group.
class Frame {
 public:
  Frame(const ReportInputs& inputs, const ReportScope& scope, const Query& query)
      : inputs_(inputs), scope_(scope), q_(query) {
    // Keys are small: a table from key to the group's slot, none of the hashing per row.
    size_t keys = 0;
    switch (q_.by) {
      case v1::REPORT_GROUPING_CLUSTER:
        for (size_t r = 0; r < inputs_.taxonomy->num_regions() && r + 1 < cluster_of_.size(); ++r) {
          cluster_of_[r + 1] = inputs_.taxonomy->region(static_cast<taxonomy::RegionId>(r)).cluster + 1;
        }
        keys = taxonomy::kMaxClusters + 1;
        break;
      case v1::REPORT_GROUPING_REGION:
      case v1::REPORT_GROUPING_SECTOR: keys = 256; break;
      case v1::REPORT_GROUPING_SOURCE: keys = 1 << 16; break;
      case v1::REPORT_GROUPING_MONTH:
        month_of_.resize(static_cast<size_t>(q_.to - q_.from) + 1);
        for (int32_t d = q_.from; d <= q_.to; ++d) month_of_[static_cast<size_t>(d - q_.from)] = MonthIndex(d);
        key_base_ = month_of_.front();
        keys = static_cast<size_t>(month_of_.back() - key_base_) + 1;
        break;
      default: break;
    }
    slot_of_.assign(keys, -1);
  }

  bool InPeriod(int32_t day) const { return day >= q_.from && day <= q_.to; }

  // Scope and filters on a row's (or a cell's) dimensions; `source` by number.
  bool Passes(uint8_t region, uint8_t sector, uint16_t source) const {
    if (!scope_.all_regions && (region == 0 || !scope_.regions[region])) return false;
    if (scope_.source.has_value() && source != *scope_.source) return false;
    if (q_.region != 0 && region != q_.region) return false;
    if (q_.sector != 0 && sector != q_.sector) return false;
    if (q_.source.has_value() && source != *q_.source) return false;
    return true;
  }
  bool Passes(const EventRow& row) const { return Passes(row.region, row.sector, row.source); }

  // The group of a row; nullptr for the ungrouped report (total only).
  Figures* Group(const EventRow& row) {
    if (q_.by == v1::REPORT_GROUPING_UNSPECIFIED) return nullptr;
    return Slot(KeyOf(row.region, row.sector, row.source, row.day));
  }
  Figures& total() { return total_; }
  // Where a row's figures go: its group, or the total when ungrouped.
  Figures& Target(const EventRow& row) {
    Figures* group = Group(row);
    return group != nullptr ? *group : total_;
  }
  // Adds every group into the total (once, after all counting).
  void Finish() {
    for (const Figures& group : figures_) AddFigures(group, total_);
  }
  Figures* GroupOfCell(uint8_t region, uint8_t sector, int64_t source_key) {
    if (q_.by == v1::REPORT_GROUPING_UNSPECIFIED || q_.by == v1::REPORT_GROUPING_MONTH) return nullptr;
    if (q_.by == v1::REPORT_GROUPING_SOURCE) return Slot(source_key);
    return Slot(KeyOf(region, sector, 0, 0));
  }
  // A group key for a source name that no event has (present records only).
  int64_t ExtraSourceKey(const std::string& name) {
    auto [it, inserted] = extra_sources_.try_emplace(name, kExtraSourceBase + static_cast<int64_t>(extra_sources_.size()));
    if (inserted) extra_names_.push_back(name);
    return it->second;
  }

  std::vector<v1::ReportRow> Rows() {
    std::vector<v1::ReportRow> rows;
    rows.reserve(figures_.size());
    for (size_t i = 0; i < figures_.size(); ++i) rows.push_back(ToRow(NameOf(keys_[i]), figures_[i]));
    std::sort(rows.begin(), rows.end(),
              [](const v1::ReportRow& a, const v1::ReportRow& b) { return a.group() < b.group(); });
    return rows;
  }

 private:
  static constexpr int64_t kExtraSourceBase = 1 << 20;

  int64_t KeyOf(uint8_t region, uint8_t sector, uint16_t source, int32_t day) const {
    switch (q_.by) {
      case v1::REPORT_GROUPING_CLUSTER: return cluster_of_[region];
      case v1::REPORT_GROUPING_REGION: return region;
      case v1::REPORT_GROUPING_SECTOR: return sector;
      case v1::REPORT_GROUPING_SOURCE: return source;
      case v1::REPORT_GROUPING_MONTH:
        // Every row counted is in the period; the table covers it.
        return InPeriod(day) ? month_of_[static_cast<size_t>(day - q_.from)] : MonthIndex(day);
      default: return 0;
    }
  }

  // The figures of group `key`, created empty when new. Keys outside the table (the
  // sources only present records have) take the map.
  Figures* Slot(int64_t key) {
    const int64_t i = key - key_base_;
    int32_t* slot = i >= 0 && i < static_cast<int64_t>(slot_of_.size()) ? &slot_of_[static_cast<size_t>(i)]
                                                                        : &other_slots_.try_emplace(key, -1).first->second;
    if (*slot < 0) {
      *slot = static_cast<int32_t>(figures_.size());
      figures_.emplace_back();
      keys_.push_back(key);
    }
    return &figures_[static_cast<size_t>(*slot)];
  }

  std::string NameOf(int64_t key) const {
    const taxonomy::Taxonomy& tax = *inputs_.taxonomy;
    switch (q_.by) {
      case v1::REPORT_GROUPING_CLUSTER:
        return key <= 0 ? "(no cluster)" : tax.cluster_name(static_cast<taxonomy::ClusterId>(key - 1));
      case v1::REPORT_GROUPING_REGION:
        return key <= 0 ? "(unknown)" : tax.region(static_cast<taxonomy::RegionId>(key - 1)).name;
      case v1::REPORT_GROUPING_SECTOR: {
        const std::string& name = v1::Sector_Name(static_cast<v1::Sector>(key));
        return name.starts_with("SECTOR_") ? name.substr(7) : name;
      }
      case v1::REPORT_GROUPING_SOURCE: {
        if (key >= kExtraSourceBase) return extra_names_[static_cast<size_t>(key - kExtraSourceBase)];
        const std::string name = inputs_.log->SourceName(static_cast<uint16_t>(key));
        return name.empty() ? "(none)" : name;
      }
      case v1::REPORT_GROUPING_MONTH:
        return absl::StrFormat("%04d-%02d", key / 12, key % 12 + 1);
      default: return "";
    }
  }

  const ReportInputs& inputs_;
  const ReportScope& scope_;
  const Query& q_;
  std::array<int32_t, 256> cluster_of_{};  // Region number -> cluster + 1 (0: none).
  std::vector<int32_t> month_of_;         // Day - from -> MonthIndex, over the period.
  int64_t key_base_ = 0;                  // Key of slot_of_[0].
  std::vector<int32_t> slot_of_;          // Key - key_base_ -> index in figures_, -1 for none yet.
  absl::flat_hash_map<int64_t, int32_t> other_slots_;
  std::deque<Figures> figures_;           // The groups, in order of first count (stable addresses).
  std::vector<int64_t> keys_;             // ... and their keys.
  Figures total_;
  absl::flat_hash_map<std::string, int64_t> extra_sources_;
  std::vector<std::string> extra_names_;
};

// Adds to the row's group, or to the total when ungrouped (Frame::Finish sums the
// groups into the total).
template <typename Fn>
void Count(Frame& frame, const EventRow& row, Fn&& fn) {
  fn(frame.Target(row));
}

// The rows a cancellation names. (Their ends and follow-ups: CountRows.)
std::vector<uint8_t> CancelledRows(const EventLog& log, uint32_t n) {
  std::vector<uint8_t> cancelled(n, 0);
  for (uint32_t r = 0; r < n; ++r) {
    const EventRow& row = log.row(r);
    if (row.kind == Kind::kCancellation && row.link < n) cancelled[row.link] = 1;
  }
  return cancelled;
}

bool InWalk(Kind kind) { return kind == Kind::kStatusChange || kind == Kind::kPlacement; }

// Events, tracks and retention: figures of single rows. Marks the ends and follow-ups
// of cancelled rows cancelled too (links point back, so in order one pass suffices), and
// counts each person's rows for the walk in `per_person[person + 1]`.
void CountRows(const EventLog& log, uint32_t n, std::vector<uint8_t>& cancelled, std::vector<uint32_t>& per_person,
               Frame& frame) {
  for (uint32_t r = 0; r < n; ++r) {
    const EventRow& row = log.row(r);
    if ((row.kind == Kind::kTrackEnd || row.kind == Kind::kFollowUp) && row.link < n && cancelled[row.link]) {
      cancelled[r] = 1;
    }
    if (cancelled[r] || row.kind == Kind::kCancellation) continue;
    if (InWalk(row.kind)) {
      if (row.person + 1 >= per_person.size()) per_person.resize(row.person + 2, 0);
      ++per_person[row.person + 1];
    }
    // Retention is a figure of the placement: its period, scope, filters and group decide,
    // wherever the person was when the follow-up was recorded.
    if (row.kind == Kind::kFollowUp && row.link < n) {
      const EventRow& placement = log.row(row.link);
      if (frame.InPeriod(placement.day) && frame.Passes(placement)) {
        const bool kept = (row.flags & kInWork) != 0;
        Count(frame, placement, [&](Figures& f) {
          if (row.status == 6) { ++f.followed_6; f.retained_6 += kept; }
          if (row.status == 12) { ++f.followed_12; f.retained_12 += kept; }
        });
      }
    }
    if (!frame.InPeriod(row.day) || !frame.Passes(row)) continue;
    Figures& f = frame.Target(row);
    ++f.events;
    if (row.kind == Kind::kTrackStart) {
      ++f.tracks_started;
      f.cost_eur += row.cost_eur;
    } else if (row.kind == Kind::kTrackEnd) {
      f.tracks_completed += row.status == v1::TRACK_RESULT_COMPLETED;
      f.tracks_dropped += row.status == v1::TRACK_RESULT_DROPPED;
    }
  }
}

// The episode walk of one person over `rows` (status changes and placements, not
// cancelled, in date order).
void WalkPerson(const EventLog& log, std::span<const uint32_t> rows, int32_t to, Frame& frame) {
  bool open = false, unemployed = false;
  int32_t start = 0;
  uint32_t entry = 0;
  auto close = [&](bool placed, int32_t placed_day) {
    const EventRow& e = log.row(entry);
    if (frame.Passes(e) && frame.InPeriod(start)) {
      const bool counted = placed && placed_day <= to;
      Count(frame, e, [&](Figures& f) { ++f.entered; f.entered_placed += counted; });
    }
    open = false;
  };
  // History loaded after the record was created takes precedence over the status the
  // record came with: a creation dated after an earlier status change is not a signal.
  int32_t first_history = std::numeric_limits<int32_t>::max();
  for (uint32_t r : rows) {
    const EventRow& row = log.row(r);
    if (row.kind == Kind::kStatusChange && (row.flags & kCreation) == 0) first_history = std::min(first_history, row.day);
  }
  for (uint32_t r : rows) {
    const EventRow& row = log.row(r);
    if (row.kind == Kind::kStatusChange && (row.flags & kCreation) != 0 && first_history < row.day) continue;
    if (row.kind == Kind::kStatusChange) {
      if (IsSignal(row.status)) {
        if (!open) {
          open = true;
          start = row.day;
          entry = r;
          unemployed = false;
        }
        if (row.status == v1::CANDIDATE_STATUS_UNEMPLOYED) unemployed = true;
      } else if (open && (row.status == v1::CANDIDATE_STATUS_EMPLOYED || row.status == v1::CANDIDATE_STATUS_PLACED)) {
        close(false, 0);
      }
      continue;
    }
    // A placement.
    if (frame.Passes(row) && frame.InPeriod(row.day)) {
      const uint8_t from = row.sector < kSectorSlots ? row.sector : 0;
      const uint8_t dest = row.job_sector < kSectorSlots ? row.job_sector : 0;
      Count(frame, row, [&](Figures& f) {
        ++f.placements;
        f.with_retraining += (row.flags & kRetrained) != 0;
        f.hard_to_fill += (row.flags & kHardToFill) != 0;
        ++f.moves[from][dest];
        f.sector_changes += from != dest;
        f.technical += IsTechnical(dest);
        if (open) {
          ++f.with_signal;
          f.days_to_placement.push_back(row.day - start);
          f.before_unemployment += !unemployed;
        }
      });
    }
    if (open) close(true, row.day);
  }
  if (open) close(false, 0);
}

void WalkPersons(const EventLog& log, uint32_t n, const std::vector<uint8_t>& cancelled,
                 std::vector<uint32_t>& start, int32_t to, Frame& frame) {
  // Counting sort of the status changes and placements by person, stable (recording
  // order); `start[p + 1]` holds person p's count.
  const size_t persons = start.size() - 1;
  for (size_t p = 0; p < persons; ++p) start[p + 1] += start[p];
  std::vector<uint32_t> order(start[persons]);
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (uint32_t r = 0; r < n; ++r) {
    const EventRow& row = log.row(r);
    if (!cancelled[r] && InWalk(row.kind)) order[fill[row.person]++] = r;
  }
  auto by_date = [&](uint32_t a, uint32_t b) {
    const int32_t da = log.row(a).day, db = log.row(b).day;
    return da != db ? da < db : a < b;
  };
  for (size_t p = 0; p < persons; ++p) {
    const std::span<uint32_t> rows(order.data() + start[p], order.data() + start[p + 1]);
    if (rows.empty()) continue;
    if (!std::is_sorted(rows.begin(), rows.end(), by_date)) std::sort(rows.begin(), rows.end(), by_date);
    WalkPerson(log, rows, to, frame);
  }
}

void CountSupplyDemand(const ReportInputs& inputs, const ReportScope& scope, const Query& q, Frame& frame) {
  for (const SupplyDemandCell& cell : inputs.supply_demand) {
    if (!scope.all_regions && (cell.region == 0 || !scope.regions[cell.region])) continue;
    if (scope.source.has_value() && cell.source != scope.source_name) continue;
    if (q.region != 0 && cell.region != q.region) continue;
    if (q.sector != 0 && cell.sector != q.sector) continue;
    if (q.source.has_value() && cell.source != q.source_name) continue;
    int64_t source_key = 0;
    if (q.by == v1::REPORT_GROUPING_SOURCE) {
      std::optional<uint16_t> number = inputs.log->FindSource(cell.source);
      source_key = number.has_value() ? *number : frame.ExtraSourceKey(cell.source);
    }
    // Into the cell's group (summed into the total by Finish), or straight into the
    // total where rows have no present state (ungrouped, months).
    Figures* group = frame.GroupOfCell(cell.region, cell.sector, source_key);
    Figures& f = group != nullptr ? *group : frame.total();
    f.open_seats += cell.open_seats;
    f.available += cell.available_candidates;
  }
}

}  // namespace

absl::StatusOr<v1::GetReportResponse> ComputeReport(const ReportInputs& inputs, const ReportScope& scope,
                                                    const v1::GetReportRequest& request) {
  const auto began = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(Query q, ParseQuery(inputs, request));
  const EventLog& log = *inputs.log;
  const uint32_t n = log.size();
  Frame frame(inputs, scope, q);
  std::vector<uint8_t> cancelled = CancelledRows(log, n);
  // Persons are interned before their rows are appended: every row of [0, n) has a slot.
  std::vector<uint32_t> per_person(size_t{log.num_persons()} + 1, 0);
  CountRows(log, n, cancelled, per_person, frame);
  WalkPersons(log, n, cancelled, per_person, q.to, frame);
  CountSupplyDemand(inputs, scope, q, frame);
  frame.Finish();

  v1::GetReportResponse response;
  response.set_group_by(q.by);
  response.set_from_date(FormatIsoDate(q.from));
  response.set_to_date(FormatIsoDate(q.to));
  for (v1::ReportRow& row : frame.Rows()) *response.add_rows() = std::move(row);
  *response.mutable_total() = ToRow("", frame.total());
  response.set_scope(scope.description);
  response.set_events_examined(n);
  response.set_definitions("docs/outcomes.md");
  response.set_elapsed_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
  return response;
}

}  // namespace w2w::outcomes
