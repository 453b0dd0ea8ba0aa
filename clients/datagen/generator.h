// Deterministic synthetic dataset generator: realistic-looking candidate profiles and
// vacancies for the Dutch technical labour market, for benchmarks, demos and tests.
//
// Every record is a pure function of (seed, kind, index): its own splitmix64 stream, no
// std:: distributions, no clock, no global state. So the output is byte-identical across
// runs, machines and standard libraries, records can be produced in any order or in
// parallel, and 1,000,000 candidates can be streamed without holding them in memory.
//
// Realism (see data/sector_trades.csv and data/trade_families.csv, our own judgement):
// regions in proportion to their technical jobs; the sector by the region's sector shares
// (plus ~5% OTHER side-entrants among candidates, ~3% among vacancies); trades by sector;
// 1-3 trades per candidate, later ones related to the first by ESCO skill similarity;
// qualifications typical for the trade family (VCA, welding certificates, NEN 3140, F-gas,
// an MBO diploma, ...); a status mix; employers from small to large, and one large metal
// employer in Twente, kBigEmployerId, that employs every 200th candidate (0.5%) so that a
// bankruptcy can be benchmarked. Every record passes validate::Canonicalize*() unchanged.
//
// Thread safety: a Generator is immutable after Create(); all const methods may be called
// concurrently. It borrows the Taxonomy, which must outlive it.
#ifndef W2W_CLIENTS_DATAGEN_GENERATOR_H_
#define W2W_CLIENTS_DATAGEN_GENERATOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::datagen {

// The large employer in Twente (Metalektro) holding 0.5% of all candidates.
inline constexpr std::string_view kBigEmployerId = "emp-000001";
inline constexpr std::string_view kBigEmployerRegion = "Twente";
// Every kBigEmployerEvery-th candidate (index 0, 200, 400, ...) works there.
inline constexpr size_t kBigEmployerEvery = 200;

struct GeneratorOptions {
  uint64_t seed = 1;
  // "Today" as a day number (w2w::ParseIsoDate); dates are drawn around it. The default,
  // 2026-01-01, keeps output independent of the clock.
  int32_t today = 20454;
  // Folder holding sector_trades.csv and trade_families.csv; empty = W2W_DEFAULT_DATA_DIR.
  std::string data_dir;
};

class Generator {
 public:
  // Loads the generator tables and resolves them against `tax` (borrowed; must outlive the
  // Generator). Errors: NOT_FOUND for a missing file; INVALID_ARGUMENT (file:line) for an
  // unknown trade, family or qualification code, or a sector without any trade.
  static absl::StatusOr<std::unique_ptr<Generator>> Create(const taxonomy::Taxonomy& tax,
                                                           const GeneratorOptions& options);

  // Candidate number `index` (0-based): id "c%07d" of index+1, e.g. "c0000001".
  v1::Candidate Candidate(size_t index) const;
  // Vacancy number `index` (0-based): id "v%06d" of index+1, e.g. "v000001".
  v1::Vacancy Vacancy(size_t index) const;

  // Calls `sink` for candidates [0, n) / vacancies [0, n) in order; the record may be moved
  // from.
  void ForEachCandidate(size_t n, absl::FunctionRef<void(v1::Candidate&)> sink) const;
  void ForEachVacancy(size_t n, absl::FunctionRef<void(v1::Vacancy&)> sink) const;

  const GeneratorOptions& options() const { return options_; }

  // Resolved generator tables (public for the implementation's helpers; read-only).
  struct QualDraw {
    taxonomy::QualId qual;
    double percent;
  };
  struct Family {
    std::string name;
    std::vector<QualDraw> independent;            // Each drawn on its own.
    std::vector<std::vector<QualDraw>> groups;    // At most one per group.
  };
  struct WeightedTrade {
    taxonomy::TradeId trade;
    double cumulative;  // Running sum of weights within the sector's table.
  };

 private:
  Generator(const taxonomy::Taxonomy& tax, GeneratorOptions options);

  const taxonomy::Taxonomy& tax_;
  const GeneratorOptions options_;
  // Per sector slot (w2w.v1.Sector 1..6): trades with cumulative weights.
  std::array<std::vector<WeightedTrade>, taxonomy::kNumSectorSlots> sector_trades_;
  std::vector<Family> families_;
  std::vector<int> family_of_trade_;              // TradeId -> index in families_, or -1.
  std::vector<double> region_cumulative_jobs_;    // RegionId -> running sum of tech_jobs.
  std::vector<std::vector<std::string>> region_municipalities_;  // Canonical spellings.
  // Per region, running sums of its municipalities' weights (population 2015 from
  // data/municipality_population_2015.csv; 1 each when that file is absent).
  std::vector<std::vector<double>> region_municipality_cumulative_;
  std::optional<taxonomy::RegionId> big_employer_region_;

  friend class GeneratorImpl;
};

// Convenience forms: `n` records in memory, with options.seed replaced by `seed`.
absl::StatusOr<std::vector<v1::Candidate>> GenerateCandidates(
    const taxonomy::Taxonomy& tax, size_t n, uint64_t seed, GeneratorOptions options = {});
absl::StatusOr<std::vector<v1::Vacancy>> GenerateVacancies(
    const taxonomy::Taxonomy& tax, size_t n, uint64_t seed, GeneratorOptions options = {});

// The ESCO code of trade `id` (an ESCO UUID or code) as people write it in import files;
// `id` itself when `tax` does not know it.
std::string EscoCode(const taxonomy::Taxonomy& tax, const std::string& id);

}  // namespace w2w::datagen

#endif  // W2W_CLIENTS_DATAGEN_GENERATOR_H_
