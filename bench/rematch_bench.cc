// Rematch benchmark (issue 4): the bankruptcy of the generator's big metal employer
// ("emp-000001" in Twente: every 200th of 1,000,000 candidates, so 5,000 people) against
// the national 200,000 vacancies, on a pool of 2 threads, in both modes. Reports wall time
// per run and pairs scored per second, and the latency of coaches' shortlists while a
// group run is going. Targets (2 cores): independent <= 1 s, group <= 3 s.
//
// Only the employer's 5,000 candidates are loaded (the other 995,000 are never selected and
// MatchCandidate looks at vacancies only), which keeps set-up to seconds.
// Flags: --people=N (default 5000), --vacancies=N (default 200000), plus Google Benchmark's.
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/common/dates.h"
#include "clients/datagen/generator.h"
#include "engine/engine.h"

namespace w2w {
namespace {

size_t g_people = 5000;
size_t g_vacancies = 200'000;

struct World {
  std::string dir;
  std::unique_ptr<Engine> engine;
  double load_seconds = 0;
  ~World() {
    engine.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

World& TheWorld() {
  static World* world = [] {
    auto* w = new World;
    char tmpl[] = "/tmp/w2w-rematch-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) abort();
    w->dir = tmpl;
    EngineOptions options;
    options.store.path = w->dir;
    options.store.disk_reserve_bytes = 0;
    options.rematch_threads = 2;
    auto engine = Engine::Open(options);
    if (!engine.ok()) {
      fprintf(stderr, "open: %s\n", std::string(engine.status().message()).c_str());
      abort();
    }
    w->engine = std::move(*engine);
    const auto t0 = std::chrono::steady_clock::now();
    datagen::GeneratorOptions gopt;
    gopt.today = TodayUtc();  // The matcher compares expiry dates with the real today.
    auto gen = datagen::Generator::Create(*w->engine->taxonomy(), gopt);
    if (!gen.ok()) abort();
    auto vacancies = w->engine->NewVacancyImporter(::w2w::access::Caller::System());
    (*gen)->ForEachVacancy(g_vacancies, [&](v1::Vacancy& v) {
      if (!vacancies->Add(std::move(v)).ok()) abort();
    });
    if (!vacancies->Finish().ok()) abort();
    auto candidates = w->engine->NewCandidateImporter(::w2w::access::Caller::System());
    for (size_t i = 0; i < g_people; ++i) {
      if (!candidates->Add((*gen)->Candidate(i * datagen::kBigEmployerEvery)).ok()) abort();
    }
    auto summary = candidates->Finish();
    if (!summary.ok()) abort();
    w->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fprintf(stderr, "world: %zu vacancies, %zu candidates of %s loaded in %.1f s\n", g_vacancies,
            g_people, std::string(datagen::kBigEmployerId).c_str(), w->load_seconds);
    return w;
  }();
  return *world;
}

v1::StartRematchRequest Request(v1::RematchMode mode) {
  v1::StartRematchRequest r;
  r.mutable_selection()->set_employer_id(std::string(datagen::kBigEmployerId));
  r.mutable_options()->set_mode(mode);
  r.mutable_options()->set_k(5);
  return r;
}

// CPU seconds used by the whole process (all threads): unlike wall time, it does not
// depend on how busy the shared machine is.
double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void RunRematch(benchmark::State& state, v1::RematchMode mode) {
  World& w = TheWorld();
  v1::RematchSummary summary;
  uint64_t results = 0, pairs = 0;
  double seconds = 0, cpu = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = ProcessCpuSeconds();
    absl::Status s = w.engine->StartRematch(::w2w::access::Caller::System(), Request(mode), [&](const v1::RematchEvent& e) {
      if (e.has_result()) ++results;
      if (e.has_summary()) summary = e.summary();
      return true;
    });
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cpu += ProcessCpuSeconds() - cpu0;
    if (!s.ok()) {
      state.SkipWithError(std::string(s.message()).c_str());
      return;
    }
    pairs += summary.pairs_scored();
  }
  state.counters["people"] = static_cast<double>(summary.selected());
  state.counters["placed"] =
      static_cast<double>(summary.placeable_now() + summary.placeable_after_retraining());
  state.counters["not_placeable"] = static_cast<double>(summary.not_placeable());
  state.counters["pairs_per_s"] = benchmark::Counter(static_cast<double>(pairs) / seconds);
  state.counters["pairs_scored"] = static_cast<double>(summary.pairs_scored());
  state.counters["exact"] = summary.exact() ? 1 : 0;
  state.counters["process_cpu_s"] = cpu / static_cast<double>(state.iterations());
  state.counters["total_score"] = summary.total_score();
}

void BM_RematchIndependent(benchmark::State& state) {
  RunRematch(state, v1::REMATCH_MODE_INDEPENDENT);
}
void BM_RematchGroup(benchmark::State& state) { RunRematch(state, v1::REMATCH_MODE_GROUP); }

// Shortlist latency for a coach while a group run keeps the pool busy, against idle.
void BM_ShortlistDuringGroupRun(benchmark::State& state) {
  World& w = TheWorld();
  const bool during_run = state.range(0) != 0;
  // Vacancies whose shortlist is not empty (only the employer's people are loaded).
  static const std::vector<std::string>* targets = [&] {
    auto* ids = new std::vector<std::string>;
    for (size_t v = 1; v <= g_vacancies && ids->size() < 200; v += 37) {
      char id[32];
      snprintf(id, sizeof(id), "v%06zu", v);
      v1::ShortlistRequest request;
      request.set_vacancy_id(id);
      request.set_k(20);
      auto r = w.engine->Shortlist(::w2w::access::Caller::System(), request);
      if (r.ok() && r->matches_size() > 0) ids->push_back(id);
    }
    return ids;
  }();
  std::atomic<bool> stop{false};
  std::thread runner;
  if (during_run) {
    runner = std::thread([&] {
      while (!stop.load()) {
        (void)w.engine->StartRematch(::w2w::access::Caller::System(), Request(v1::REMATCH_MODE_GROUP), [&](const v1::RematchEvent&) {
          return !stop.load();
        });
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::vector<double> ms;
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    v1::ShortlistRequest request;
    request.set_vacancy_id((*targets)[i++ % targets->size()]);
    request.set_k(20);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = w.engine->Shortlist(::w2w::access::Caller::System(), request);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ok += r.ok() && r->matches_size() > 0;
    benchmark::DoNotOptimize(r);
  }
  stop.store(true);
  if (runner.joinable()) runner.join();
  state.counters["nonempty_shortlists"] = static_cast<double>(ok);
  std::sort(ms.begin(), ms.end());
  if (!ms.empty()) {
    state.counters["p50_ms"] = ms[ms.size() / 2];
    state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  }
}

BENCHMARK(BM_RematchIndependent)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_RematchGroup)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_ShortlistDuringGroupRun)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)
    ->UseRealTime()->Iterations(300);

}  // namespace
}  // namespace w2w

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "--people=", 9) == 0) {
      w2w::g_people = strtoull(argv[i] + 9, nullptr, 10);
    } else if (strncmp(argv[i], "--vacancies=", 12) == 0) {
      w2w::g_vacancies = strtoull(argv[i] + 12, nullptr, 10);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
