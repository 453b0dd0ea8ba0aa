// Benchmarks of the outcome reports (engine/outcomes/report.h): ComputeReport over a
// synthetic event log of W2W_BENCH_EVENTS rows (default 2,000,000) for
// W2W_BENCH_PERSONS people (default 1,000,000), recorded roughly in date order as a
// year and a half of monitoring would be, once per grouping, scope and filter; and the
// matcher's CountSupplyDemand over W2W_BENCH_CANDIDATES generated candidates (default
// 1,000,000) and a fifth as many vacancies. Target: a report well under 1 s on two cores.
// Data: W2W_DATA_DIR, else the shipped data/.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "clients/datagen/generator.h"
#include "engine/common/dates.h"
#include "engine/match/matcher.h"
#include "engine/match/policy.h"
#include "engine/outcomes/event_log.h"
#include "engine/outcomes/report.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::outcomes {
namespace {

size_t EnvSize(const char* name, size_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? static_cast<size_t>(std::strtoull(v, nullptr, 10)) : dflt;
}

std::string DataDir() {
  const char* env = std::getenv("W2W_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR;
}

std::shared_ptr<const taxonomy::Taxonomy> Tax() {
  static auto* tax = new std::shared_ptr<const taxonomy::Taxonomy>(*taxonomy::Taxonomy::LoadFromDir(DataDir()));
  return *tax;
}

struct Log {
  EventLog log;
  std::vector<SupplyDemandCell> cells;
  int32_t today = 0;
};

// People with a signal, most with a placement some weeks later, some retraining tracks,
// follow-ups and later status changes, and a percent of cancellations; rows appended in
// date order with jitter (late recording), so a person's rows are spread over the log.
Log& Data() {
  static Log* d = [] {
    auto* d = new Log;
    const size_t target = EnvSize("W2W_BENCH_EVENTS", 2'000'000);
    const size_t persons = EnvSize("W2W_BENCH_PERSONS", 1'000'000);
    const taxonomy::Taxonomy& tax = *Tax();
    std::mt19937 rng(7);
    auto pick = [&](uint32_t n) { return rng() % n; };
    d->today = *ParseIsoDate("2026-06-30");
    const int32_t first = d->today - 540;
    std::vector<uint16_t> sources = {0};
    for (const char* s : {"uwv", "ois", "techniekpact", "otib"}) sources.push_back(d->log.InternSource(s));
    struct Pending {
      int32_t recorded;  // Order of appending.
      EventRow row;
      int32_t refers = -1;  // Index in `rows` of the linked event.
    };
    std::vector<Pending> rows;
    rows.reserve(target + target / 8);
    for (size_t p = 0; rows.size() < target; p = (p + 1) % persons) {
      EventRow base;
      base.person = d->log.InternPerson("p" + std::to_string(p));
      base.region = static_cast<uint8_t>(1 + pick(static_cast<uint32_t>(tax.num_regions())));
      base.sector = static_cast<uint8_t>(1 + pick(6));
      base.source = sources[pick(static_cast<uint32_t>(sources.size()))];
      const int32_t signal = first + static_cast<int32_t>(pick(480));
      auto add = [&](EventRow row, int32_t day, int32_t refers = -1) {
        row.day = day;
        rows.push_back({day + static_cast<int32_t>(pick(10)), row, refers});
        return static_cast<int32_t>(rows.size() - 1);
      };
      EventRow status = base;
      status.kind = Kind::kStatusChange;
      status.status = static_cast<uint8_t>(2 + pick(4));  // AT_RISK .. UNEMPLOYED
      add(status, signal);
      if (pick(100) < 45) {
        EventRow placement = base;
        placement.kind = Kind::kPlacement;
        placement.job_region = base.region;
        placement.job_sector = static_cast<uint8_t>(pick(4) == 0 ? 1 + pick(6) : base.sector);
        placement.flags = static_cast<uint8_t>((pick(5) == 0 ? kRetrained : 0) | (pick(4) == 0 ? kHardToFill : 0));
        const int32_t start = signal + 14 + static_cast<int32_t>(pick(150));
        const int32_t at = add(placement, start);
        if (pick(100) < 20) {
          EventRow fu = base;
          fu.kind = Kind::kFollowUp;
          fu.status = 6;
          fu.flags = pick(5) != 0 ? kInWork : 0;
          add(fu, start + 182, at);
        }
        if (pick(100) < 2) {
          EventRow cancel = base;
          cancel.kind = Kind::kCancellation;
          add(cancel, start + 3, at);
        }
      } else if (pick(100) < 30) {
        EventRow change = base;
        change.kind = Kind::kStatusChange;
        change.status = static_cast<uint8_t>(pick(2) == 0 ? v1::CANDIDATE_STATUS_UNEMPLOYED : v1::CANDIDATE_STATUS_EMPLOYED);
        add(change, signal + 30 + static_cast<int32_t>(pick(90)));
      }
      if (pick(100) < 12) {
        EventRow track = base;
        track.kind = Kind::kTrackStart;
        track.cost_eur = 500 + static_cast<uint32_t>(pick(6000));
        const int32_t at = add(track, signal + 7);
        if (pick(100) < 70) {
          EventRow end = base;
          end.kind = Kind::kTrackEnd;
          end.status = static_cast<uint8_t>(pick(5) == 0 ? v1::TRACK_RESULT_DROPPED : v1::TRACK_RESULT_COMPLETED);
          add(end, signal + 7 + 60 + static_cast<int32_t>(pick(60)), at);
        }
      }
    }
    rows.resize(target);
    // Append in recording order; links point back (the referred event is recorded first).
    std::vector<int32_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      const int32_t ra = rows[static_cast<size_t>(a)].recorded, rb = rows[static_cast<size_t>(b)].recorded;
      return ra != rb ? ra < rb : a < b;
    });
    std::vector<uint32_t> row_of(rows.size(), kNoLink);
    for (int32_t i : order) {
      Pending& p = rows[static_cast<size_t>(i)];
      if (p.refers >= 0) {
        const uint32_t link = row_of[static_cast<size_t>(p.refers)];
        if (link == kNoLink) continue;  // Recorded before its event: dropped (rare).
        p.row.link = link;
      }
      row_of[static_cast<size_t>(i)] = d->log.Append(p.row);
    }
    for (size_t r = 1; r <= tax.num_regions(); ++r) {
      for (uint8_t s = 1; s <= 6; ++s) {
        for (const char* source : {"", "uwv", "ois"}) {
          d->cells.push_back({static_cast<uint8_t>(r), s, source, uint64_t{40} + r, uint64_t{200} + s});
        }
      }
    }
    std::fprintf(stderr, "report_bench: %u rows, %u persons\n", d->log.size(), d->log.num_persons());
    return d;
  }();
  return *d;
}

void RunReport(benchmark::State& state, const v1::GetReportRequest& request, const ReportScope& scope) {
  Log& d = Data();
  ReportInputs inputs;
  inputs.log = &d.log;
  inputs.taxonomy = Tax().get();
  inputs.supply_demand = d.cells;
  inputs.today = d.today;
  uint64_t rows = 0, placements = 0;
  for (auto _ : state) {
    absl::StatusOr<v1::GetReportResponse> r = ComputeReport(inputs, scope, request);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    rows = static_cast<uint64_t>(r->rows_size());
    placements = r->total().placements();
    benchmark::DoNotOptimize(r);
  }
  state.counters["events"] = d.log.size();
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["placements"] = static_cast<double>(placements);
}

void BM_Report(benchmark::State& state) {
  v1::GetReportRequest request;
  request.set_group_by(static_cast<v1::ReportGrouping>(state.range(0)));
  request.set_to_date("2026-06-30");
  state.SetLabel(v1::ReportGrouping_Name(request.group_by()));
  RunReport(state, request, {});
}
BENCHMARK(BM_Report)->DenseRange(0, v1::REPORT_GROUPING_MONTH)->Unit(benchmark::kMillisecond)->MinTime(2);

// A coach's scope (three regions) with a sector filter, by month.
void BM_ReportCoachScope(benchmark::State& state) {
  v1::GetReportRequest request;
  request.set_group_by(v1::REPORT_GROUPING_MONTH);
  request.set_sector(v1::SECTOR_ME);
  ReportScope scope;
  scope.all_regions = false;
  for (int r : {1, 5, 9}) scope.regions.set(static_cast<size_t>(r));
  RunReport(state, request, scope);
}
BENCHMARK(BM_ReportCoachScope)->Unit(benchmark::kMillisecond)->MinTime(2);

// Two years by region (the period covers every event).
void BM_ReportTwoYears(benchmark::State& state) {
  v1::GetReportRequest request;
  request.set_group_by(v1::REPORT_GROUPING_REGION);
  request.set_from_date("2024-07-01");
  request.set_to_date("2026-06-30");
  RunReport(state, request, {});
}
BENCHMARK(BM_ReportTwoYears)->Unit(benchmark::kMillisecond)->MinTime(2);

// The matcher's present supply and demand (the tension's input) over generated records.
void BM_CountSupplyDemand(benchmark::State& state) {
  static std::unique_ptr<match::Matcher>* matcher = [] {
    const std::shared_ptr<const taxonomy::Taxonomy> tax = Tax();
    v1::Policy policy = *match::CompletePolicy(v1::Policy(), *tax);
    policy.set_version(1);
    auto* m = new std::unique_ptr<match::Matcher>(match::Matcher::Create(tax, policy));
    datagen::GeneratorOptions options;
    options.seed = 1;
    options.today = TodayUtc();
    options.data_dir = DataDir();
    auto gen = datagen::Generator::Create(*tax, options);
    if (!gen.ok()) std::abort();
    const size_t candidates = EnvSize("W2W_BENCH_CANDIDATES", 1'000'000);
    for (size_t i = 0; i < candidates; ++i) (*m)->UpsertCandidate((*gen)->Candidate(i));
    for (size_t i = 0; i < candidates / 5; ++i) (*m)->UpsertVacancy((*gen)->Vacancy(i));
    return m;
  }();
  size_t cells = 0;
  for (auto _ : state) {
    std::vector<match::SupplyDemandCell> out = (*matcher)->CountSupplyDemand(TodayUtc());
    cells = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["candidates"] = static_cast<double>((*matcher)->num_candidates());
  state.counters["cells"] = static_cast<double>(cells);
}
BENCHMARK(BM_CountSupplyDemand)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace w2w::outcomes

BENCHMARK_MAIN();
