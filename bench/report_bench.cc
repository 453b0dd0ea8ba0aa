// Benchmark of the reports (engine/outcomes/report.h) over a national year of outcome
// events (issue 10): 2,000,000 rows of 1,000,000 persons (status changes, 300,000
// placements, 200,000 tracks of which most ended, follow-ups, a few cancellations),
// ComputeReport once per grouping over the year. Issue target: every report < 1 s.
//
// Scale: W2W_BENCH_PERSONS (default 1,000,000; rows are twice that). Data: W2W_DATA_DIR,
// else the shipped data/. Reported: wall time per report (manual time, the whole call)
// and the thread's CPU time as a counter, robust to other processes on a shared machine.
#include <ctime>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/common/dates.h"
#include "engine/outcomes/event_log.h"
#include "engine/outcomes/report.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::outcomes {
namespace {

constexpr uint32_t kDefaultPersons = 1'000'000;
constexpr uint32_t kRegions = 35;
constexpr int kSources = 5;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct World {
  std::shared_ptr<const taxonomy::Taxonomy> tax;
  EventLog log;
  std::vector<SupplyDemandCell> cells;
  int32_t first_day = 0;
};

// The national year: per person a signal or two, then for 30% a placement (a third of
// those followed up at 6 and 12 months), for 20% a track (three quarters ended), and a
// status change for the rest; recorded roughly in date order, as a live year would be.
World* BuildWorld() {
  auto* w = new World;
  const char* env = std::getenv("W2W_DATA_DIR");
  auto tax = taxonomy::Taxonomy::LoadFromDir(env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR);
  if (!tax.ok()) {
    std::fprintf(stderr, "taxonomy: %s\n", std::string(tax.status().message()).c_str());
    std::exit(1);
  }
  w->tax = *tax;
  const char* scale = std::getenv("W2W_BENCH_PERSONS");
  const uint32_t persons = scale != nullptr ? static_cast<uint32_t>(std::strtoul(scale, nullptr, 10)) : kDefaultPersons;
  for (int s = 1; s < kSources; ++s) w->log.InternSource("source-" + std::to_string(s));
  w->first_day = ParseIsoDate("2025-01-01").value_or(0);
  std::mt19937 rng(42);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  // Rows in buckets by day so that recording order is date order, as in a live year.
  constexpr int kDays = 365;
  std::vector<std::vector<EventRow>> by_day(kDays + 400);
  // Of the people neither placed nor in a track, this share has one more status change,
  // which brings the year to two rows per person with the ends, follow-ups and corrections.
  constexpr int kExtraStatusPct = 29;
  for (uint32_t p = 0; p < persons; ++p) {
    EventRow base;
    base.person = w->log.InternPerson("c" + std::to_string(p));
    base.region = static_cast<uint8_t>(uniform(1, kRegions));
    base.sector = static_cast<uint8_t>(uniform(1, 6));
    base.source = static_cast<uint16_t>(uniform(0, kSources - 1));
    const int signal = uniform(0, kDays - 120);
    EventRow s = base;
    s.kind = Kind::kStatusChange;
    s.status = static_cast<uint8_t>(uniform(v1::CANDIDATE_STATUS_AT_RISK, v1::CANDIDATE_STATUS_UNEMPLOYED));
    by_day[signal].push_back(s);
    const int fate = uniform(0, 99);
    if (fate < 30) {  // Placed.
      EventRow pl = base;
      pl.kind = Kind::kPlacement;
      pl.job_region = static_cast<uint8_t>(uniform(1, kRegions));
      pl.job_sector = static_cast<uint8_t>(uniform(1, 6));
      if (uniform(0, 3) == 0) pl.flags |= kRetrained;
      if (uniform(0, 4) == 0) pl.flags |= kHardToFill;
      by_day[signal + uniform(5, 110)].push_back(pl);
      } else if (fate < 50) {  // A track.
      EventRow t = base;
      t.kind = Kind::kTrackStart;
      t.cost_eur = static_cast<uint32_t>(uniform(500, 8000));
      by_day[signal + uniform(0, 30)].push_back(t);
      } else if (uniform(0, 99) < kExtraStatusPct) {
      EventRow e = base;
      e.kind = Kind::kStatusChange;
      e.status = static_cast<uint8_t>(uniform(0, 2) == 0 ? v1::CANDIDATE_STATUS_UNAVAILABLE : v1::CANDIDATE_STATUS_EMPLOYED);
      by_day[signal + uniform(1, 110)].push_back(e);
      }
  }
  // Append day by day; links (ends, follow-ups, cancellations) go to later days.
  std::vector<std::vector<EventRow>> later(by_day.size());
  for (size_t d = 0; d < by_day.size(); ++d) {
    by_day[d].insert(by_day[d].end(), later[d].begin(), later[d].end());  // Recorded on their day.
    for (const EventRow& proto : by_day[d]) {
      EventRow row = proto;
      row.day = w->first_day + static_cast<int32_t>(d);
      const uint32_t r = w->log.Append(row);
      if (row.kind == Kind::kTrackStart && uniform(0, 3) != 0) {
        EventRow end = proto;
        end.kind = Kind::kTrackEnd;
        end.cost_eur = 0;
        end.status = static_cast<uint8_t>(uniform(0, 2) == 0 ? v1::TRACK_RESULT_DROPPED : v1::TRACK_RESULT_COMPLETED);
        end.link = r;
        later[std::min(d + static_cast<size_t>(uniform(30, 180)), later.size() - 1)].push_back(end);
      }
      if (row.kind == Kind::kPlacement && uniform(0, 2) == 0) {
        for (uint8_t months : {uint8_t{6}, uint8_t{12}}) {
          EventRow fu = proto;
          fu.kind = Kind::kFollowUp;
          fu.flags = uniform(0, 9) < 8 ? kInWork : 0;
          fu.status = months;
          fu.link = r;
          later[std::min(d + months * 30u, later.size() - 1)].push_back(fu);
        }
      }
      if (row.kind != Kind::kCancellation && uniform(0, 399) == 0) {  // A few corrections.
        EventRow c = proto;
        c.kind = Kind::kCancellation;
        c.link = r;
        later[std::min(d + 3, later.size() - 1)].push_back(c);
      }
    }
  }
  for (taxonomy::RegionId region = 0; region < kRegions; ++region) {
    for (uint8_t sector = 1; sector <= 6; ++sector) {
      for (int s = 0; s < kSources; ++s) {
        w->cells.push_back({static_cast<uint8_t>(region + 1), sector, s == 0 ? "" : "source-" + std::to_string(s),
                            static_cast<uint64_t>(uniform(0, 200)), static_cast<uint64_t>(uniform(0, 2000))});
      }
    }
  }
  std::fprintf(stderr, "report_bench: %u rows, %u persons, %.0f MiB of rows\n", w->log.size(), w->log.num_persons(),
               static_cast<double>(w->log.MemoryBytes()) / (1 << 20));
  return w;
}

World& TheWorld() {
  static World* world = BuildWorld();
  return *world;
}

void BM_Report(benchmark::State& state) {
  World& w = TheWorld();
  ReportInputs inputs;
  inputs.log = &w.log;
  inputs.taxonomy = w.tax.get();
  inputs.supply_demand = w.cells;
  inputs.today = w.first_day + 500;
  v1::GetReportRequest request;
  request.set_group_by(static_cast<v1::ReportGrouping>(state.range(0)));
  request.set_from_date("2025-01-01");
  request.set_to_date("2025-12-31");
  double cpu = 0;
  uint64_t rows = 0;
  for (auto _ : state) {
    const double cpu0 = ThreadCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<v1::GetReportResponse> report = ComputeReport(inputs, {}, request);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    cpu += ThreadCpuSeconds() - cpu0;
    if (!report.ok()) {
      state.SkipWithError(std::string(report.status().message()).c_str());
      return;
    }
    rows = static_cast<uint64_t>(report->rows_size());
    benchmark::DoNotOptimize(report->total().placements());
  }
  state.SetLabel(v1::ReportGrouping_Name(request.group_by()).substr(16));
  state.counters["cpu_ms"] = cpu * 1e3 / static_cast<double>(state.iterations());
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["events"] = w.log.size();
}
BENCHMARK(BM_Report)->DenseRange(0, 5)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace w2w::outcomes

BENCHMARK_MAIN();
