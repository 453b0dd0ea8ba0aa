// The memory floor of the benchmark suite: how close does scoring come to simply reading
// the bytes it scores? Over the same N generated candidates (W2W_BENCH_CANDIDATES,
// default 100,000; w2w-datagen's generator, seed 1):
//   BM_PlainPass         sums the candidate rows (64-byte index rows: features + id
//                        pointer) as 64-bit words: the streaming floor.
//   BM_BruteForceScore   scores every row against one vacancy with the engine's own pair
//                        evaluation (engine/match/scoring.h EvaluatePair): full scoring,
//                        no pruning.
//   BM_EngineShortlist   the Matcher's Shortlist (k = 20) on an index of the same rows:
//                        bucket pruning, so usually far fewer pairs than N are scored.
// All report bytes_per_second over the N rows (rows x 64 bytes per iteration) and
// pairs_per_second; scripts/bench.sh divides them.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/common/dates.h"
#include "clients/datagen/generator.h"
#include "engine/match/features.h"
#include "engine/match/matcher.h"
#include "engine/match/compiled_policy.h"
#include "engine/match/policy.h"
#include "engine/match/scoring.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {
namespace {

constexpr int kVacancies = 256;
constexpr uint32_t kShortlistK = 20;

// One index-like row: the features the scorer reads and the id pointer.
struct Row {
  CandFeatures f;
  const char* id;
};
static_assert(sizeof(Row) == 64);

struct Fixture {
  std::shared_ptr<const taxonomy::Taxonomy> tax;
  std::shared_ptr<const CompiledPolicy> model;
  std::unique_ptr<Matcher> matcher;
  std::vector<Row> rows;
  std::vector<std::string> ids;
  std::vector<v1::Vacancy> vacancies;
  std::vector<VacFeatures> vac_features;
  int32_t today = 0;
};

size_t NumCandidates() {
  const char* env = std::getenv("W2W_BENCH_CANDIDATES");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 100000;
}

const Fixture& Get() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    auto tax = taxonomy::Taxonomy::LoadFromDir(W2W_DEFAULT_DATA_DIR);
    if (!tax.ok()) std::abort();
    f->tax = *tax;
    f->today = TodayUtc();
    datagen::GeneratorOptions options;
    options.today = f->today;
    auto gen = datagen::Generator::Create(*f->tax, options);
    if (!gen.ok()) std::abort();
    auto policy = CompletePolicy(DefaultPolicy(), *f->tax);
    if (!policy.ok()) std::abort();
    f->model = CompiledPolicy::Compile(f->tax, *policy);
    f->matcher = Matcher::Create(f->tax, *policy);
    const size_t n = NumCandidates();
    f->ids.reserve(n);
    f->rows.reserve(n);
    (*gen)->ForEachCandidate(n, [&](v1::Candidate& c) {
      f->matcher->UpsertCandidate(c);
      f->ids.push_back(c.id());
      f->rows.push_back({CandidateFeatures(*f->model, c), nullptr});
    });
    for (size_t i = 0; i < n; ++i) f->rows[i].id = f->ids[i].c_str();
    (*gen)->ForEachVacancy(kVacancies * 2, [&](v1::Vacancy& v) {
      f->matcher->UpsertVacancy(v);
      if (v.status() == v1::VACANCY_STATUS_OPEN && f->vacancies.size() < kVacancies) {
        f->vac_features.push_back(VacancyFeatures(*f->model, v));
        f->vacancies.push_back(v);
      }
    });
    return f;
  }();
  return *fixture;
}

void SetRates(benchmark::State& state, size_t rows, uint64_t pairs) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rows * sizeof(Row)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.counters["pairs_per_second"] =
      benchmark::Counter(static_cast<double>(pairs), benchmark::Counter::kIsRate);
  state.counters["rows"] = static_cast<double>(rows);
}

void BM_PlainPass(benchmark::State& state) {
  const Fixture& f = Get();
  const auto* words = reinterpret_cast<const uint64_t*>(f.rows.data());
  const size_t n = f.rows.size() * sizeof(Row) / sizeof(uint64_t);
  for (auto _ : state) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n; ++i) sum += words[i];
    benchmark::DoNotOptimize(sum);
  }
  SetRates(state, f.rows.size(), state.iterations() * f.rows.size());
}
BENCHMARK(BM_PlainPass)->Unit(benchmark::kMillisecond);

void BM_BruteForceScore(benchmark::State& state) {
  const Fixture& f = Get();
  size_t v = 0;
  uint64_t scored = 0;
  for (auto _ : state) {
    const VacFeatures& vf = f.vac_features[v++ % f.vac_features.size()];
    int64_t best = 0;
    PairDetail d;
    for (const Row& row : f.rows) {
      if (EvaluatePair(*f.model, row.f, vf, f.today, 0, &d) == Exclusion::kNone) {
        best = std::max(best, d.micro);
        ++scored;
      }
    }
    benchmark::DoNotOptimize(best);
  }
  SetRates(state, f.rows.size(), state.iterations() * f.rows.size());
  state.counters["scored_share"] =
      static_cast<double>(scored) / static_cast<double>(state.iterations() * f.rows.size());
}
BENCHMARK(BM_BruteForceScore)->Unit(benchmark::kMillisecond);

void BM_EngineShortlist(benchmark::State& state) {
  const Fixture& f = Get();
  size_t v = 0;
  uint64_t pairs = 0;
  v1::ShortlistRequest request;
  request.set_k(kShortlistK);
  for (auto _ : state) {
    auto r = f.matcher->Shortlist(f.vacancies[v++ % f.vacancies.size()], request);
    if (!r.ok()) {
      state.SkipWithError("shortlist failed");
      return;
    }
    pairs += r->candidates_scored();
    benchmark::DoNotOptimize(r);
  }
  SetRates(state, f.rows.size(), pairs);
}
BENCHMARK(BM_EngineShortlist)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace w2w::match

BENCHMARK_MAIN();
