// Generator::Create: loads data/sector_trades.csv and data/trade_families.csv and resolves
// them against the Taxonomy.
#include <algorithm>
#include <array>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "clients/datagen/generator.h"
#include "formats/csv_file.h"
#include "engine/taxonomy/text_util.h"

namespace w2w::datagen {
namespace {

using formats::CsvFile;
using taxonomy::ToAbsl;

constexpr double kMaxPercent = 100;
// Weight columns of sector_trades.csv in w2w.v1.Sector order (ME = 1 ... OTHER = 6).
constexpr std::string_view kSectorColumns[] = {"me", "inst", "proc", "bouw", "mvt", "other"};

std::string DefaultDataDir() {
#ifdef W2W_DEFAULT_DATA_DIR
  return W2W_DEFAULT_DATA_DIR;
#else
  return "data";
#endif
}

absl::StatusOr<double> ParseWeight(const formats::CsvFile& file, const formats::CsvFile::Row& row,
                                   const std::string& text) {
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !(v >= 0) || v > 1e9) {
    return file.RowError(row, absl::StrCat("bad number '", text, "'"));
  }
  return v;
}

// Municipality -> population from data/municipality_population_2015.csv; empty when the
// file is absent (every municipality then weighs the same).
absl::StatusOr<absl::flat_hash_map<std::string, double>> ReadPopulation(const std::string& data_dir) {
  absl::flat_hash_map<std::string, double> out;
  const std::string path = data_dir + "/municipality_population_2015.csv";
  if (!std::filesystem::exists(path)) return out;
  ASSIGN_OR_RETURN(formats::CsvFile file, formats::CsvFile::Read(path));
  ASSIGN_OR_RETURN(const size_t name_col, file.Column("municipality"));
  ASSIGN_OR_RETURN(const size_t pop_col, file.Column("population"));
  for (const auto& row : file.rows()) {
    ASSIGN_OR_RETURN(double v, ParseWeight(file, row, row.fields[pop_col]));
    out[row.fields[name_col]] = std::max(v, 1.0);
  }
  return out;
}

}  // namespace

Generator::Generator(const taxonomy::Taxonomy& tax, GeneratorOptions options)
    : tax_(tax), options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Generator>> Generator::Create(const taxonomy::Taxonomy& tax,
                                                             const GeneratorOptions& options) {
  GeneratorOptions opts = options;
  if (opts.data_dir.empty()) opts.data_dir = DefaultDataDir();
  std::unique_ptr<Generator> gen(new Generator(tax, opts));

  // --- Families and their qualifications. ---
  ASSIGN_OR_RETURN(formats::CsvFile fam_file, formats::CsvFile::Read(opts.data_dir + "/trade_families.csv"));
  ASSIGN_OR_RETURN(size_t f_family, fam_file.Column("family"));
  ASSIGN_OR_RETURN(size_t f_qual, fam_file.Column("qualification"));
  ASSIGN_OR_RETURN(size_t f_pct, fam_file.Column("percent"));
  ASSIGN_OR_RETURN(size_t f_group, fam_file.Column("group"));
  absl::flat_hash_map<std::string, int> family_index;
  // (family, group) -> index into that family's groups.
  absl::flat_hash_map<std::string, size_t> group_index;
  absl::flat_hash_map<std::string, double> group_total;
  for (const auto& row : fam_file.rows()) {
    const std::string& name = row.fields[f_family];
    if (name.empty()) return fam_file.RowError(row, "family is required");
    auto [it, inserted] = family_index.emplace(name, static_cast<int>(gen->families_.size()));
    if (inserted) gen->families_.push_back(Family{name, {}, {}});
    Family& family = gen->families_[static_cast<size_t>(it->second)];
    std::optional<taxonomy::QualId> qual = tax.FindQualification(row.fields[f_qual]);
    if (!qual) {
      return fam_file.RowError(row, absl::StrCat("unknown qualification '", row.fields[f_qual], "'"));
    }
    ASSIGN_OR_RETURN(double pct, ParseWeight(fam_file, row, row.fields[f_pct]));
    if (pct > kMaxPercent) return fam_file.RowError(row, "percent over 100");
    const std::string& group = row.fields[f_group];
    if (group.empty()) {
      family.independent.push_back({*qual, pct});
      continue;
    }
    const std::string key = absl::StrCat(name, "/", group);
    auto [g, new_group] = group_index.emplace(key, family.groups.size());
    if (new_group) family.groups.emplace_back();
    family.groups[g->second].push_back({*qual, pct});
    if ((group_total[key] += pct) > kMaxPercent) {
      return fam_file.RowError(row, absl::StrCat("group '", group, "' sums to over 100 percent"));
    }
  }

  // --- Trades per sector. ---
  ASSIGN_OR_RETURN(formats::CsvFile st_file, formats::CsvFile::Read(opts.data_dir + "/sector_trades.csv"));
  ASSIGN_OR_RETURN(size_t s_trade, st_file.Column("trade"));
  ASSIGN_OR_RETURN(size_t s_family, st_file.Column("family"));
  std::array<size_t, std::size(kSectorColumns)> s_weight{};
  for (size_t i = 0; i < std::size(kSectorColumns); ++i) {
    ASSIGN_OR_RETURN(s_weight[i], st_file.Column(kSectorColumns[i]));
  }
  gen->family_of_trade_.assign(tax.num_trades(), -1);
  std::array<double, taxonomy::kNumSectorSlots> totals{};
  for (const auto& row : st_file.rows()) {
    const std::string& key = row.fields[s_trade];
    std::vector<taxonomy::TradeId> trades;
    if (key.find('.') != std::string::npos) {
      std::optional<taxonomy::TradeId> t = tax.FindTrade(key);
      if (!t) return st_file.RowError(row, absl::StrCat("unknown ESCO code '", key, "'"));
      trades.push_back(*t);
    } else {
      for (size_t t = 0; t < tax.num_trades(); ++t) {
        if (tax.trade(static_cast<taxonomy::TradeId>(t)).isco_group == key) {
          trades.push_back(static_cast<taxonomy::TradeId>(t));
        }
      }
      if (trades.empty()) {
        return st_file.RowError(row, absl::StrCat("no trade in ISCO group '", key, "'"));
      }
    }
    auto family = family_index.find(row.fields[s_family]);
    if (family == family_index.end()) {
      return st_file.RowError(row, absl::StrCat("unknown family '", row.fields[s_family],
                                                "' (see trade_families.csv)"));
    }
    for (taxonomy::TradeId t : trades) {
      if (gen->family_of_trade_[t] < 0) gen->family_of_trade_[t] = family->second;
    }
    for (size_t i = 0; i < std::size(kSectorColumns); ++i) {
      ASSIGN_OR_RETURN(double weight, ParseWeight(st_file, row, row.fields[s_weight[i]]));
      if (weight == 0) continue;
      const size_t slot = i + 1;  // Sector enum value.
      const double share = weight / static_cast<double>(trades.size());
      for (taxonomy::TradeId t : trades) {
        totals[slot] += share;
        gen->sector_trades_[slot].push_back({t, totals[slot]});
      }
    }
  }
  for (size_t slot = 1; slot < taxonomy::kNumSectorSlots; ++slot) {
    if (gen->sector_trades_[slot].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          st_file.path(), ": no trade for sector ",
          ToAbsl(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(slot)))));
    }
  }

  // --- Regions and municipalities. ---
  double jobs = 0;
  for (size_t r = 0; r < tax.num_regions(); ++r) {
    jobs += static_cast<double>(tax.region(static_cast<taxonomy::RegionId>(r)).tech_jobs);
    gen->region_cumulative_jobs_.push_back(jobs);
  }
  if (jobs <= 0) return absl::InvalidArgumentError("taxonomy: no technical jobs in any region");
  ASSIGN_OR_RETURN(const auto population, ReadPopulation(opts.data_dir));
  gen->region_municipalities_.resize(tax.num_regions());
  gen->region_municipality_cumulative_.resize(tax.num_regions());
  for (const taxonomy::MunicipalityInfo& m : tax.municipalities()) {
    auto& cumulative = gen->region_municipality_cumulative_[m.region];
    double weight = 1;
    if (!population.empty()) {
      auto it = population.find(m.name);
      // Municipalities added after 2015 get the smallest shipped weight.
      weight = it != population.end() ? it->second : 1000;
    }
    gen->region_municipalities_[m.region].push_back(m.name);
    cumulative.push_back((cumulative.empty() ? 0 : cumulative.back()) + weight);
  }
  gen->big_employer_region_ = tax.FindRegion(kBigEmployerRegion);
  return gen;
}

}  // namespace w2w::datagen
