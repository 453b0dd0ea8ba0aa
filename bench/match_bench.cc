// Benchmark of the matching engine (engine/match) on the generated national dataset:
// Shortlist and MatchCandidate latency (median and p99 over varied queries, k = 20,
// single-threaded), the same queries by a full brute-force scan, index memory per
// candidate, and the start-up rebuild (Upsert* of every record).
//
// Scale: W2W_BENCH_CANDIDATES (default 1,000,000) and W2W_BENCH_VACANCIES (default a fifth
// of the candidates). Data: W2W_DATA_DIR, else the shipped data/.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/common/dates.h"
#include "clients/datagen/generator.h"
#include "engine/match/features.h"
#include "engine/match/matcher.h"
#include "engine/match/matcher_impl.h"
#include "engine/match/compiled_policy.h"
#include "engine/match/policy.h"
#include "engine/match/scoring.h"
#include "engine/match/topk.h"

namespace w2w::match {
namespace {

using Clock = std::chrono::steady_clock;

// CPU time of this thread in seconds: robust to other processes on a shared 2-core machine.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr size_t kQueries = 500;          // Distinct queries per direction.
constexpr size_t kBruteForceQueries = 30;  // A full scan is slow: fewer of them.
constexpr uint32_t kK = 20;
constexpr size_t kBatch = 20000;           // Records generated per batch while loading.

size_t EnvSize(const char* name, size_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? static_cast<size_t>(std::strtoull(v, nullptr, 10)) : dflt;
}

struct Dataset {
  std::shared_ptr<const taxonomy::Taxonomy> tax;
  v1::Policy policy;
  std::unique_ptr<Matcher> matcher;
  std::shared_ptr<const CompiledPolicy> model;
  std::vector<CandFeatures> cand_features;  // For the brute-force scan.
  std::vector<std::string> cand_ids;
  std::vector<VacFeatures> vac_features;
  std::vector<std::string> vac_ids;
  std::vector<v1::Vacancy> shortlist_queries;
  std::vector<v1::Candidate> match_queries;
  size_t num_candidates = 0, num_vacancies = 0;
  double rebuild_seconds = 0, candidate_rebuild_seconds = 0, rebuild_cpu_seconds = 0;
};

Dataset& Data() {
  static Dataset* d = [] {
    auto* d = new Dataset;
    const char* env = std::getenv("W2W_DATA_DIR");
    const std::string dir = env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR;
    d->tax = *taxonomy::Taxonomy::LoadFromDir(dir);
    d->policy = *CompletePolicy(v1::Policy(), *d->tax);
    d->policy.set_version(1);
    d->model = CompiledPolicy::Compile(d->tax, d->policy);
    d->num_candidates = EnvSize("W2W_BENCH_CANDIDATES", 1'000'000);
    d->num_vacancies = EnvSize("W2W_BENCH_VACANCIES", d->num_candidates / 5);
    datagen::GeneratorOptions options;
    options.seed = 1;
    options.today = TodayUtc();
    options.data_dir = dir;
    auto gen = datagen::Generator::Create(*d->tax, options);
    if (!gen.ok()) {
      std::fprintf(stderr, "generator: %s\n", std::string(gen.status().message()).c_str());
      std::abort();
    }
    d->matcher = Matcher::Create(d->tax, d->policy);
    d->cand_features.reserve(d->num_candidates);
    d->cand_ids.reserve(d->num_candidates);
    // Rebuild = the Upsert* calls only; generating the records is not counted.
    Clock::duration cand_time{}, vac_time{};
    double cpu = 0;
    std::vector<v1::Candidate> cands;
    for (size_t start = 0; start < d->num_candidates; start += kBatch) {
      const size_t n = std::min(kBatch, d->num_candidates - start);
      cands.clear();
      for (size_t i = 0; i < n; ++i) cands.push_back((*gen)->Candidate(start + i));
      const auto t0 = Clock::now();
      const double c0 = ThreadCpuSeconds();
      for (const v1::Candidate& c : cands) d->matcher->UpsertCandidate(c);
      cpu += ThreadCpuSeconds() - c0;
      cand_time += Clock::now() - t0;
      for (const v1::Candidate& c : cands) {
        d->cand_features.push_back(CandidateFeatures(*d->model, c));
        d->cand_ids.push_back(c.id());
      }
    }
    std::vector<v1::Vacancy> vacs;
    for (size_t start = 0; start < d->num_vacancies; start += kBatch) {
      const size_t n = std::min(kBatch, d->num_vacancies - start);
      vacs.clear();
      for (size_t i = 0; i < n; ++i) vacs.push_back((*gen)->Vacancy(start + i));
      const auto t0 = Clock::now();
      const double c0 = ThreadCpuSeconds();
      for (const v1::Vacancy& v : vacs) d->matcher->UpsertVacancy(v);
      cpu += ThreadCpuSeconds() - c0;
      vac_time += Clock::now() - t0;
      for (const v1::Vacancy& v : vacs) {
        d->vac_features.push_back(VacancyFeatures(*d->model, v));
        d->vac_ids.push_back(v.id());
      }
    }
    d->candidate_rebuild_seconds = std::chrono::duration<double>(cand_time).count();
    d->rebuild_seconds = std::chrono::duration<double>(cand_time + vac_time).count();
    d->rebuild_cpu_seconds = cpu;
    // Varied queries: stored open vacancies and matchable candidates spread over the set.
    for (size_t i = 0; d->shortlist_queries.size() < kQueries && i < d->num_vacancies; ++i) {
      v1::Vacancy v = (*gen)->Vacancy((i * 7919) % d->num_vacancies);
      if (v.status() == v1::VACANCY_STATUS_OPEN || v.status() == v1::VACANCY_STATUS_UNSPECIFIED) {
        d->shortlist_queries.push_back(std::move(v));
      }
    }
    for (size_t i = 0; d->match_queries.size() < kQueries && i < d->num_candidates; ++i) {
      v1::Candidate c = (*gen)->Candidate((i * 104729) % d->num_candidates);
      if (MatchableStatus(c.status())) d->match_queries.push_back(std::move(c));
    }
    return d;
  }();
  return *d;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median and p99 of per-query times, as counters in microseconds.
void ReportPercentiles(benchmark::State& state, std::vector<double> us, double scored,
                       std::vector<double> cpu_us = {}) {
  if (us.empty()) return;
  if (!cpu_us.empty()) {
    std::sort(cpu_us.begin(), cpu_us.end());
    state.counters["cpu_p50_us"] = cpu_us[cpu_us.size() / 2];
    state.counters["cpu_p99_us"] = cpu_us[std::min(cpu_us.size() - 1, cpu_us.size() * 99 / 100)];
  }
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  state.counters["max_us"] = us.back();
  state.counters["scored_per_query"] = scored / static_cast<double>(us.size());
}

void BM_Rebuild(benchmark::State& state) {
  Dataset& d = Data();
  for (auto _ : state) {
    state.SetIterationTime(d.rebuild_seconds);
  }
  auto* impl = dynamic_cast<MatcherImpl*>(d.matcher.get());
  state.counters["candidates"] = static_cast<double>(d.matcher->num_candidates());
  state.counters["vacancies"] = static_cast<double>(d.matcher->num_vacancies());
  state.counters["rebuild_s"] = d.rebuild_seconds;
  state.counters["candidate_rebuild_s"] = d.candidate_rebuild_seconds;
  state.counters["rebuild_cpu_s"] = d.rebuild_cpu_seconds;
  state.counters["bytes_per_candidate"] =
      static_cast<double>(impl->CandidateMemoryBytes()) / static_cast<double>(d.num_candidates);
  state.counters["index_MiB"] = static_cast<double>(d.matcher->MemoryBytes()) / (1 << 20);
}
BENCHMARK(BM_Rebuild)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

void BM_Shortlist(benchmark::State& state) {
  Dataset& d = Data();
  v1::ShortlistRequest req;
  req.set_k(kK);
  std::vector<double> us, cpu_us;
  double scored = 0;
  size_t i = 0;
  for (auto _ : state) {
    const v1::Vacancy& v = d.shortlist_queries[i++ % d.shortlist_queries.size()];
    const auto t0 = Clock::now();
    const double c0 = ThreadCpuSeconds();
    auto r = d.matcher->Shortlist(v, req);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    cpu_us.push_back((ThreadCpuSeconds() - c0) * 1e6);
    state.SetIterationTime(s);
    us.push_back(s * 1e6);
    scored += static_cast<double>(r->candidates_scored());
    benchmark::DoNotOptimize(r);
  }
  ReportPercentiles(state, std::move(us), scored, std::move(cpu_us));
}
BENCHMARK(BM_Shortlist)->UseManualTime()->Iterations(static_cast<int64_t>(kQueries) * 4)->Unit(benchmark::kMicrosecond);

void BM_MatchCandidate(benchmark::State& state) {
  Dataset& d = Data();
  v1::MatchCandidateRequest req;
  req.set_k(kK);
  std::vector<double> us, cpu_us;
  double scored = 0;
  size_t i = 0;
  for (auto _ : state) {
    const v1::Candidate& c = d.match_queries[i++ % d.match_queries.size()];
    const auto t0 = Clock::now();
    const double c0 = ThreadCpuSeconds();
    auto r = d.matcher->MatchCandidate(c, req);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    cpu_us.push_back((ThreadCpuSeconds() - c0) * 1e6);
    state.SetIterationTime(s);
    us.push_back(s * 1e6);
    scored += static_cast<double>(r->vacancies_scored());
    benchmark::DoNotOptimize(r);
  }
  ReportPercentiles(state, std::move(us), scored, std::move(cpu_us));
}
BENCHMARK(BM_MatchCandidate)->UseManualTime()->Iterations(static_cast<int64_t>(kQueries) * 4)->Unit(benchmark::kMicrosecond);

// One ExplainMatch (the work done per returned match, times k).
void BM_Explain(benchmark::State& state) {
  Dataset& d = Data();
  size_t i = 0;
  for (auto _ : state) {
    const v1::Candidate& c = d.match_queries[i % d.match_queries.size()];
    const v1::Vacancy& v = d.shortlist_queries[i % d.shortlist_queries.size()];
    ++i;
    auto r = d.matcher->Explain(c, v);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Explain)->Unit(benchmark::kMicrosecond);

// The full scan: every record scored with the same model (EvaluatePair), top-k by heap.
template <typename Features, typename Score>
int64_t BruteForce(const std::vector<Features>& all, const std::vector<std::string>& ids, Score score) {
  TopK top(kK);
  for (size_t j = 0; j < all.size(); ++j) {
    const int64_t micro = score(all[j]);
    if (micro >= 0) top.Offer({micro, static_cast<uint32_t>(j), ids[j]});
  }
  const auto best = std::move(top).Sorted();
  return best.empty() ? -1 : best.front().micro;
}

void BM_ShortlistBruteForce(benchmark::State& state) {
  Dataset& d = Data();
  const CompiledPolicy& m = *d.model;
  const int32_t today = TodayUtc();
  std::vector<double> us, brute_cpu_us, indexed_cpu_us;
  size_t i = 0;
  for (auto _ : state) {
    const v1::Vacancy& query = d.shortlist_queries[i++ % kBruteForceQueries];
    {  // The indexed answer to the same query, for the ratio (not timed by the benchmark).
      v1::ShortlistRequest req;
      req.set_k(kK);
      const double c0 = ThreadCpuSeconds();
      auto r = d.matcher->Shortlist(query, req);
      indexed_cpu_us.push_back((ThreadCpuSeconds() - c0) * 1e6);
      benchmark::DoNotOptimize(r);
    }
    const VacFeatures v = VacancyFeatures(m, query);
    const double bc0 = ThreadCpuSeconds();
    const auto t0 = Clock::now();
    const int64_t best = BruteForce(d.cand_features, d.cand_ids, [&](const CandFeatures& c) {
      PairDetail detail;
      return EvaluatePair(m, c, v, today, 0, &detail) == Exclusion::kNone ? detail.micro : int64_t{-1};
    });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    brute_cpu_us.push_back((ThreadCpuSeconds() - bc0) * 1e6);
    state.SetIterationTime(s);
    us.push_back(s * 1e6);
    benchmark::DoNotOptimize(best);
  }
  state.counters["speedup_cpu_p50"] = Median(brute_cpu_us) / Median(indexed_cpu_us);
  ReportPercentiles(state, std::move(us), static_cast<double>(d.cand_features.size()) * static_cast<double>(us.size()),
                    std::move(brute_cpu_us));
}
BENCHMARK(BM_ShortlistBruteForce)->UseManualTime()->Iterations(kBruteForceQueries)->Unit(benchmark::kMicrosecond);

void BM_MatchCandidateBruteForce(benchmark::State& state) {
  Dataset& d = Data();
  const CompiledPolicy& m = *d.model;
  const int32_t today = TodayUtc();
  std::vector<double> us, brute_cpu_us, indexed_cpu_us;
  size_t i = 0;
  for (auto _ : state) {
    const v1::Candidate& query = d.match_queries[i++ % kBruteForceQueries];
    {
      v1::MatchCandidateRequest req;
      req.set_k(kK);
      const double c0 = ThreadCpuSeconds();
      auto r = d.matcher->MatchCandidate(query, req);
      indexed_cpu_us.push_back((ThreadCpuSeconds() - c0) * 1e6);
      benchmark::DoNotOptimize(r);
    }
    const CandFeatures c = CandidateFeatures(m, query);
    const double bc0 = ThreadCpuSeconds();
    const auto t0 = Clock::now();
    const int64_t best = BruteForce(d.vac_features, d.vac_ids, [&](const VacFeatures& v) {
      PairDetail detail;
      return EvaluatePair(m, c, v, today, 0, &detail) == Exclusion::kNone ? detail.micro : int64_t{-1};
    });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    brute_cpu_us.push_back((ThreadCpuSeconds() - bc0) * 1e6);
    state.SetIterationTime(s);
    us.push_back(s * 1e6);
    benchmark::DoNotOptimize(best);
  }
  state.counters["speedup_cpu_p50"] = Median(brute_cpu_us) / Median(indexed_cpu_us);
  ReportPercentiles(state, std::move(us), static_cast<double>(d.vac_features.size()) * static_cast<double>(us.size()),
                    std::move(brute_cpu_us));
}
BENCHMARK(BM_MatchCandidateBruteForce)->UseManualTime()->Iterations(kBruteForceQueries)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace w2w::match

BENCHMARK_MAIN();
