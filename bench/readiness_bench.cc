// What the readiness worker (engine/readiness/, docs/readiness.md) costs a coach: the
// latency of the coach's shortlist (Engine::Shortlist, k = 20, a coach of cluster "oost",
// one query at a time) while a stream of candidate and vacancy changes keeps the worker
// busy, side by side with the same stream and the worker off, in one run.
//
// Each phase reopens the engine on the same store with one budget
// (EngineOptions::readiness_budget_per_second; 0 = off), so with the worker on every
// tracked person starts pending and the worker runs flat out at its budget for the whole
// phase; the change stream (W2W_BENCH_CHANGES_PER_SECOND, half candidates of employers,
// half vacancies) runs in every phase. Phases alternate (off, on, off, on, ...) for
// W2W_BENCH_ROUNDS rounds so that drift on a noisy machine hits both sides; the summary
// gives the medians over rounds and their ratio to "off". Target (issue 14): the p99 with
// the worker busy at most 1.2 x the p99 with it off.
//
// W2W_BENCH_MEMORY=1 measures instead what the tracked figures hold in memory: the engine
// is opened with an unbounded budget, and the allocated bytes before and after everybody
// is computed are compared (per tracked person).
//
// Scale: W2W_BENCH_CANDIDATES (default 200,000), vacancies a fifth of that;
// W2W_BENCH_BUDGETS (default "0,200"), W2W_BENCH_QUERIES per phase (default 10,000).
// Data: W2W_DATA_DIR, else the shipped data/.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/datagen/generator.h"
#include "engine/common/dates.h"
#include "engine/common/memory.h"
#include "engine/engine.h"

namespace w2w {
namespace {

using Clock = std::chrono::steady_clock;

size_t EnvSize(const char* name, size_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? static_cast<size_t>(std::strtoull(v, nullptr, 10)) : dflt;
}

std::string DataDir() {
  const char* d = std::getenv("W2W_DATA_DIR");
  return d != nullptr && *d != '\0' ? d : W2W_DEFAULT_DATA_DIR;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

access::Caller Coach() {
  access::Caller c;
  c.token.set_id("bench-coach");
  c.token.set_name("bench-coach");
  c.token.set_role(v1::ROLE_COACH);
  c.token.mutable_scope()->add_clusters("oost");
  return c;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "readiness_bench: %s\n", what.c_str());
  return 1;
}

struct Phase {
  uint32_t budget = 0;
  double p50_us = 0, p99_us = 0;
  uint64_t changes = 0;
  uint64_t computed = 0;  // People the worker computed in the phase (tracked - pending at its end).
  double seconds = 0;
};

int Main() {
  const size_t n = EnvSize("W2W_BENCH_CANDIDATES", 200'000);
  const size_t m = std::max<size_t>(1, n / 5);
  const size_t queries = EnvSize("W2W_BENCH_QUERIES", 10000);
  const size_t rounds = EnvSize("W2W_BENCH_ROUNDS", 3);
  const size_t changes_per_second = EnvSize("W2W_BENCH_CHANGES_PER_SECOND", 100);
  std::vector<uint32_t> budgets;
  const char* b = std::getenv("W2W_BENCH_BUDGETS");
  for (absl::string_view part : absl::StrSplit(b != nullptr && *b != '\0' ? b : "0,200", ',')) {
    uint32_t v = 0;
    if (!absl::SimpleAtoi(part, &v)) return Fail("W2W_BENCH_BUDGETS: not a list of numbers");
    budgets.push_back(v);
  }

  EngineOptions options;
  options.store.path = (std::filesystem::temp_directory_path() /
                        ("w2w_readiness_bench_" + std::to_string(getpid()))).string();
  options.store.disk_reserve_bytes = 0;
  options.reference_dir = DataDir();
  options.readiness_budget_per_second = 0;
  options.audit_reads = false;  // The audit is measured elsewhere (bench/audit_cost.sh).
  std::filesystem::remove_all(options.store.path);

  auto engine = Engine::Open(options);
  if (!engine.ok()) return Fail(std::string(engine.status().message()));
  datagen::GeneratorOptions gen_options;
  gen_options.today = TodayUtc();
  gen_options.data_dir = DataDir();
  // The generator borrows the taxonomy: keep it beyond the engines of the phases.
  const std::shared_ptr<const taxonomy::Taxonomy> gen_tax = (*engine)->taxonomy();
  auto gen = datagen::Generator::Create(*gen_tax, gen_options);
  if (!gen.ok()) return Fail(std::string(gen.status().message()));
  const auto load_start = Clock::now();
  {
    const access::Caller& admin = access::Caller::System();
    std::unique_ptr<Importer> cands = (*engine)->NewCandidateImporter(admin);
    absl::Status s;
    (*gen)->ForEachCandidate(n, [&](v1::Candidate& c) { if (s.ok()) s = cands->Add(std::move(c)); });
    if (!s.ok() || !cands->Finish().ok()) return Fail("candidate import failed");
    std::unique_ptr<Importer> vacs = (*engine)->NewVacancyImporter(admin);
    (*gen)->ForEachVacancy(m, [&](v1::Vacancy& v) { if (s.ok()) s = vacs->Add(std::move(v)); });
    if (!s.ok() || !vacs->Finish().ok()) return Fail("vacancy import failed");
  }
  // The coach's queries: vacancies of its cluster.
  const taxonomy::Taxonomy& tax = *gen_tax;
  std::vector<std::string> coach_regions;
  for (taxonomy::RegionId r : tax.ClusterMembers(*tax.FindCluster("oost"))) coach_regions.push_back(tax.region(r).name);
  std::vector<std::string> query_ids;
  for (size_t i = 0; i < m && query_ids.size() < 500; ++i) {
    const v1::Vacancy v = (*gen)->Vacancy(i);
    if (std::find(coach_regions.begin(), coach_regions.end(), v.region()) != coach_regions.end()) {
      query_ids.push_back(v.id());
    }
  }
  if (query_ids.empty()) return Fail("no vacancy in the coach's cluster");
  std::printf("readiness_bench: %zu candidates, %zu vacancies loaded in %.1f s; %zu coach queries of %zu vacancies "
              "(cluster oost), %zu changes/s, %zu rounds\n",
              n, m, std::chrono::duration<double>(Clock::now() - load_start).count(), queries, query_ids.size(),
              changes_per_second, rounds);
  engine->reset();

  if (EnvSize("W2W_BENCH_MEMORY", 0) != 0) {
    const uint64_t base = memory::AllocatedBytes();
    options.readiness_budget_per_second = 0;
    auto idle = Engine::Open(options);
    if (!idle.ok()) return Fail(std::string(idle.status().message()));
    // The store's caches grow as the worker reads candidates: not the figures' memory.
    auto caches = [](const Engine& e) {
      const v1::ServerInfo info = e.Info();
      return info.block_cache_bytes() + info.memtable_bytes();
    };
    const uint64_t idle_bytes = memory::AllocatedBytes() - base - caches(**idle);  // Tracked, nothing computed.
    idle->reset();
    options.readiness_budget_per_second = 100'000;
    auto busy = Engine::Open(options);
    if (!busy.ok()) return Fail(std::string(busy.status().message()));
    const auto t0 = Clock::now();
    v1::GetReadinessResponse r;
    for (;;) {
      auto got = (*busy)->GetReadiness(access::Caller::System(), {});
      if (!got.ok()) return Fail(std::string(got.status().message()));
      r = *got;
      if (r.pending_people() == 0 && r.dirty_people() == 0) break;
      absl::SleepFor(absl::Milliseconds(200));
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const uint64_t busy_bytes = memory::AllocatedBytes() - base - caches(**busy);
    const double people = static_cast<double>(std::max<uint64_t>(1, r.tracked_people()));
    std::printf("memory: %llu people tracked; the engine allocates %.0f MiB with nobody computed, %.0f MiB with "
                "everybody computed (block cache and memtables left out): %.0f bytes per person for the figures; all computed in %.1f s (%.0f people/s "
                "without a budget)\n",
                static_cast<unsigned long long>(r.tracked_people()), idle_bytes / 1048576.0, busy_bytes / 1048576.0,
                (static_cast<double>(busy_bytes) - static_cast<double>(idle_bytes)) / people, seconds,
                people / seconds);
    // What a report over everybody costs, as the administrator and as a coach of "oost".
    for (const access::Caller* caller : {&access::Caller::System(), static_cast<const access::Caller*>(nullptr)}) {
      const access::Caller coach = Coach();
      for (v1::ReadinessGrouping by : {v1::READINESS_GROUPING_EMPLOYER, v1::READINESS_GROUPING_REGION}) {
        v1::GetReadinessRequest request;
        request.set_group_by(by);
        std::vector<double> ms;
        for (int i = 0; i < 5; ++i) {
          const auto q0 = Clock::now();
          auto got = (*busy)->GetReadiness(caller != nullptr ? *caller : coach, request);
          if (!got.ok()) return Fail(std::string(got.status().message()));
          ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - q0).count());
        }
        std::printf("GetReadiness %s by %s: median %.0f ms of 5\n", caller != nullptr ? "admin" : "coach oost",
                    v1::ReadinessGrouping_Name(by).c_str(), Median(ms));
      }
    }
    std::filesystem::remove_all(options.store.path);
    return 0;
  }

  const access::Caller coach = Coach();
  std::vector<Phase> phases;
  size_t next_change = 0;  // Continues across phases: every change is a real change.
  for (size_t round = 0; round < rounds; ++round) {
    for (uint32_t budget : budgets) {
      options.readiness_budget_per_second = budget;
      auto e = Engine::Open(options);
      if (!e.ok()) return Fail(std::string(e.status().message()));
      Engine& eng = **e;
      std::atomic<bool> stop{false};
      std::atomic<uint64_t> changes{0};
      std::thread churn([&] {
        const access::Caller& admin = access::Caller::System();
        const absl::Duration interval = absl::Seconds(1) / static_cast<double>(std::max<size_t>(1, changes_per_second));
        absl::Time next = absl::Now();
        while (!stop.load()) {
          const size_t i = next_change++;
          if (i % 2 == 0) {
            v1::Candidate c = (*gen)->Candidate((i / 2 * 7919) % n);
            // Flip between two workforce statuses and reach: a real change every time.
            c.set_status((i / 2) % 2 == 0 ? v1::CANDIDATE_STATUS_AT_RISK : v1::CANDIDATE_STATUS_EMPLOYED);
            if (c.employer_id().empty()) c.set_employer_id("emp-bench");
            c.set_max_travel_km(30 + static_cast<uint32_t>(i % 40));
            (void)eng.UpsertCandidate(admin, std::move(c));
          } else {
            v1::Vacancy v = (*gen)->Vacancy((i / 2 * 104729) % m);
            v.set_positions(1 + static_cast<uint32_t>(i % 3));
            (void)eng.UpsertVacancy(admin, std::move(v));
          }
          changes.fetch_add(1);
          next += interval;
          const absl::Duration wait = next - absl::Now();
          if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
        }
      });
      absl::SleepFor(absl::Seconds(1));  // The worker and the stream under way.
      std::vector<double> us;
      us.reserve(queries);
      const auto start = Clock::now();
      for (size_t q = 0; q < queries; ++q) {
        v1::ShortlistRequest request;
        request.set_vacancy_id(query_ids[q % query_ids.size()]);
        request.set_k(20);
        const auto t0 = Clock::now();
        auto r = eng.Shortlist(coach, request);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        if (!r.ok() && r.status().code() != absl::StatusCode::kFailedPrecondition) {
          stop = true;
          churn.join();
          return Fail(std::string(r.status().message()));
        }
      }
      Phase p;
      p.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      stop = true;
      churn.join();
      p.budget = budget;
      p.p50_us = Percentile(us, 0.5);
      p.p99_us = Percentile(us, 0.99);
      p.changes = changes.load();
      auto state = eng.GetReadiness(access::Caller::System(), {});
      if (state.ok()) p.computed = state->tracked_people() - state->pending_people();
      std::printf("round %zu budget %5u/s: shortlist p50 %8.0f us  p99 %8.0f us  (%.1f s, %llu changes, "
                  "%llu people computed)\n",
                  round + 1, budget, p.p50_us, p.p99_us, p.seconds, static_cast<unsigned long long>(p.changes),
                  static_cast<unsigned long long>(p.computed));
      std::fflush(stdout);
      phases.push_back(p);
    }
  }
  std::printf("\nbudget/s  rounds  p50 median (us)  p99 median (us)  p50 ratio  p99 ratio  computed/s\n");
  std::map<uint32_t, std::vector<const Phase*>> by_budget;
  for (const Phase& p : phases) by_budget[p.budget].push_back(&p);
  double base50 = 0, base99 = 0;
  for (uint32_t budget : budgets) {
    std::vector<double> p50, p99, rate;
    for (const Phase* p : by_budget[budget]) {
      p50.push_back(p->p50_us);
      p99.push_back(p->p99_us);
      rate.push_back(static_cast<double>(p->computed) / (p->seconds + 1.0));  // +1 s warm-up.
    }
    const double m50 = Median(p50), m99 = Median(p99);
    if (base50 == 0) {
      base50 = m50;
      base99 = m99;
    }
    std::printf("%8u  %6zu  %15.0f  %15.0f  %9.3f  %9.3f  %10.0f\n", budget, p50.size(), m50, m99, m50 / base50,
                m99 / base99, Median(rate));
  }
  std::filesystem::remove_all(options.store.path);
  return 0;
}

}  // namespace
}  // namespace w2w

int main() { return w2w::Main(); }
