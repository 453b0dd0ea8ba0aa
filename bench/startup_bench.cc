// Benchmark of what the server pays before it answers its first query: loading the
// shipped reference data into a Taxonomy (regions, municipalities, 868 ESCO occupations
// and the trade-similarity table), and the dataset generator's rate (which bounds how fast
// the demo data and the benchmark datasets are made).
//
// These figures used to be asserted by unit tests; timings belong here (they depend on the
// build type and on whatever else runs on the machine), the tests check only behaviour.
//
// Data: W2W_DATA_DIR, else the shipped data/.
#include <cstdlib>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "engine/common/dates.h"
#include "clients/datagen/generator.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w {
namespace {

std::string DataDir() {
  const char* env = std::getenv("W2W_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR;
}

// One full load of the reference data, as the server does at start-up.
void BM_TaxonomyLoad(benchmark::State& state) {
  const std::string dir = DataDir();
  for (auto _ : state) {
    auto tax = taxonomy::Taxonomy::LoadFromDir(dir);
    if (!tax.ok()) {
      state.SkipWithError(std::string(tax.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(tax->get());
  }
}
BENCHMARK(BM_TaxonomyLoad)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Candidate profiles generated per second (items_per_second in the output).
void BM_GenerateCandidates(benchmark::State& state) {
  auto tax = taxonomy::Taxonomy::LoadFromDir(DataDir());
  if (!tax.ok()) {
    state.SkipWithError(std::string(tax.status().message()).c_str());
    return;
  }
  datagen::GeneratorOptions options;
  options.seed = 1;
  options.today = TodayUtc();
  options.data_dir = DataDir();
  const size_t n = static_cast<size_t>(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    auto gen = datagen::Generator::Create(**tax, options);
    if (!gen.ok()) {
      state.SkipWithError(std::string(gen.status().message()).c_str());
      return;
    }
    (*gen)->ForEachCandidate(n, [&](v1::Candidate& c) { bytes += c.id().size(); });
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}
BENCHMARK(BM_GenerateCandidates)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace w2w

BENCHMARK_MAIN();
