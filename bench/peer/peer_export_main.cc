// w2w-peer-export: writes what the PostgreSQL peer loads with COPY (text format,
// tab-separated, \N = NULL) into --out:
//   the model, from the same Taxonomy and default Policy the server uses:
//     trade_sim.tsv (from, to, similarity), region_pair.tsv (a, b, km, same_cluster),
//     sector_mob.tsv, status_weight.tsv, qual.tsv (effective weeks and cost), policy.tsv;
//   the records, canonicalised the way the server stores them (trades, regions and
//   qualifications as the taxonomy's dense ids; 0 km = the default):
//     candidates.tsv, candidate_trades.tsv, vacancies.tsv.
// Records the server would refuse (unknown codes) are skipped and counted on stderr.
//
//   w2w-peer-export --data_dir=data --candidates=c.jsonl --vacancies=v.jsonl --out=DIR
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/loadgen/dataset.h"
#include "engine/match/policy.h"
#include "engine/taxonomy/taxonomy.h"

ABSL_FLAG(std::string, data_dir, W2W_DEFAULT_DATA_DIR, "Reference data folder (data/).");
ABSL_FLAG(std::string, candidates, "", "Candidates JSON-lines file.");
ABSL_FLAG(std::string, vacancies, "", "Vacancies JSON-lines file.");
ABSL_FLAG(std::string, out, "", "Output folder.");

namespace {

using w2w::taxonomy::Taxonomy;

int Fail(const absl::Status& status) {
  std::cerr << "w2w-peer-export: " << status << "\n";
  return 1;
}

// A buffered output file; Close() reports write errors.
class Out {
 public:
  explicit Out(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "w")) {}
  ~Out() {
    if (f_ != nullptr) std::fclose(f_);
  }
  bool ok() const { return f_ != nullptr; }
  void Line(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), f_);
    std::fputc('\n', f_);
  }
  absl::Status Close() {
    const bool bad = std::ferror(f_) != 0;
    const bool closed = std::fclose(f_) == 0;
    f_ = nullptr;
    if (bad || !closed) return absl::InternalError(absl::StrCat("cannot write ", path_));
    return absl::OkStatus();
  }

 private:
  std::string path_;
  FILE* f_;
};

std::string DateOrNull(const std::string& d) { return d.empty() ? "\\N" : d; }

std::optional<w2w::taxonomy::RegionId> Region(const Taxonomy& tax, const std::string& region,
                                              const std::string& municipality) {
  if (!municipality.empty()) return tax.FindMunicipality(municipality);
  return tax.FindRegion(region);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return Fail(absl::InvalidArgumentError("--out is required"));
  std::filesystem::create_directories(out);
  auto tax_or = Taxonomy::LoadFromDir(absl::GetFlag(FLAGS_data_dir));
  if (!tax_or.ok()) return Fail(tax_or.status());
  const Taxonomy& tax = **tax_or;
  auto policy_or = w2w::match::CompletePolicy(w2w::match::DefaultPolicy(), tax);
  if (!policy_or.ok()) return Fail(policy_or.status());
  const w2w::v1::Policy& p = *policy_or;

  // ---- The model -------------------------------------------------------------------
  {
    Out f(out + "/trade_sim.tsv");
    if (!f.ok()) return Fail(absl::InternalError("cannot create output"));
    for (size_t to = 0; to < tax.num_trades(); ++to) {
      for (const auto& link : tax.TradesReaching(static_cast<w2w::taxonomy::TradeId>(to))) {
        f.Line(absl::StrFormat("%d\t%d\t%.9g", link.trade, to, link.similarity));
      }
    }
    if (auto s = f.Close(); !s.ok()) return Fail(s);
  }
  {
    Out f(out + "/region_pair.tsv");
    for (size_t a = 0; a < tax.num_regions(); ++a) {
      for (size_t b = 0; b < tax.num_regions(); ++b) {
        const auto ra = static_cast<w2w::taxonomy::RegionId>(a);
        const auto rb = static_cast<w2w::taxonomy::RegionId>(b);
        f.Line(absl::StrFormat("%d\t%d\t%.9g\t%s\t%s", a, b, tax.DistanceKm(ra, rb),
                               tax.SameCluster(ra, rb) ? "t" : "f", tax.region(ra).name));
      }
    }
    if (auto s = f.Close(); !s.ok()) return Fail(s);
  }
  {
    Out f(out + "/sector_mob.tsv");
    for (const auto& m : p.sector_mobility()) {
      f.Line(absl::StrFormat("%d\t%d\t%.17g", m.from(), m.to(), m.weight()));
    }
    if (auto s = f.Close(); !s.ok()) return Fail(s);
  }
  {
    Out f(out + "/status_weight.tsv");
    for (const auto& w : p.status_weights()) {
      f.Line(absl::StrFormat("%d\t%.17g", w.status(), w.weight()));
    }
    if (auto s = f.Close(); !s.ok()) return Fail(s);
  }
  {
    Out f(out + "/qual.tsv");
    for (size_t q = 0; q < tax.num_qualifications(); ++q) {
      const auto& info = tax.qualification(static_cast<w2w::taxonomy::QualId>(q));
      double weeks = info.weeks, cost = info.cost_eur;
      for (const auto& o : p.retraining()) {
        if (o.qualification() == info.code) {
          weeks = o.weeks();
          cost = o.cost_eur();
        }
      }
      f.Line(absl::StrFormat("%d\t%s\t%.17g\t%.17g", q, info.code, weeks, cost));
    }
    if (auto s = f.Close(); !s.ok()) return Fail(s);
  }
  {
    Out f(out + "/policy.tsv");
    const auto& w = p.weights();
    f.Line(absl::StrFormat(
        "%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t"
        "%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g",
        w.trade(), w.sector(), w.qualifications(), w.distance(), w.availability(), w.urgency(),
        p.own_sector_preference(), p.min_trade_similarity(), p.experience_full_years(),
        p.experience_share(), p.max_retraining_weeks(), p.hard_to_fill_retraining_factor(),
        p.retraining_cost_scale_eur(), p.retraining_cost_share(), p.preferred_bonus_share(),
        p.same_cluster_bonus(), p.default_max_travel_km(), p.availability_horizon_days(),
        p.urgency_hard_to_fill(), p.urgency_normal()));
    if (auto s = f.Close(); !s.ok()) return Fail(s);
  }

  // ---- The records -------------------------------------------------------------------
  auto quals = [&](const auto& codes, bool* bad) {
    std::vector<int> ids;
    for (const auto& code : codes) {
      auto q = tax.FindQualification(code);
      if (!q) {
        *bad = true;
        continue;
      }
      ids.push_back(*q);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
  };
  if (!absl::GetFlag(FLAGS_candidates).empty()) {
    auto cands = w2w::bench::ReadCandidates(absl::GetFlag(FLAGS_candidates));
    if (!cands.ok()) return Fail(cands.status());
    Out f(out + "/candidates.tsv");
    Out ft(out + "/candidate_trades.tsv");
    uint64_t skipped = 0;
    for (const auto& c : *cands) {
      bool bad = false;
      auto region = Region(tax, c.region(), c.municipality());
      std::vector<std::string> trade_lines;
      absl::flat_hash_set<int> seen;
      for (const auto& t : c.trades()) {
        auto id = tax.FindTrade(t.code());
        if (!id || !seen.insert(*id).second) {
          bad = true;
          break;
        }
        trade_lines.push_back(absl::StrFormat("%s\t%d\t%d", c.id(), *id, t.years()));
      }
      const std::string q = quals(c.qualifications(), &bad);
      if (bad || !region || trade_lines.empty()) {
        ++skipped;
        continue;
      }
      const double km = c.max_travel_km() == 0 ? p.default_max_travel_km() : c.max_travel_km();
      f.Line(absl::StrFormat("%s\t%d\t%d\t%d\t%s\t%.17g\t%s\t%s", c.id(), *region, c.sector(),
                             c.status(), DateOrNull(c.available_from()), km,
                             c.willing_to_retrain() ? "t" : "f", q));
      for (const auto& line : trade_lines) ft.Line(line);
    }
    if (auto s = f.Close(); !s.ok()) return Fail(s);
    if (auto s = ft.Close(); !s.ok()) return Fail(s);
    std::cerr << "candidates: " << cands->size() - skipped << " exported, " << skipped
              << " skipped\n";
  }
  if (!absl::GetFlag(FLAGS_vacancies).empty()) {
    auto vacs = w2w::bench::ReadVacancies(absl::GetFlag(FLAGS_vacancies));
    if (!vacs.ok()) return Fail(vacs.status());
    Out f(out + "/vacancies.tsv");
    uint64_t skipped = 0;
    for (const auto& v : *vacs) {
      bool bad = false;
      auto region = Region(tax, v.region(), v.municipality());
      auto trade = tax.FindTrade(v.trade());
      const std::string req = quals(v.required_qualifications(), &bad);
      const std::string pref = quals(v.preferred_qualifications(), &bad);
      if (bad || !region || !trade) {
        ++skipped;
        continue;
      }
      const int status = v.status() == w2w::v1::VACANCY_STATUS_UNSPECIFIED
                             ? static_cast<int>(w2w::v1::VACANCY_STATUS_OPEN)
                             : static_cast<int>(v.status());
      f.Line(absl::StrFormat("%s\t%d\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s", v.id(), *region,
                             v.sector(), *trade, req, pref, v.hard_to_fill() ? "t" : "f",
                             status, DateOrNull(v.expires_at()), DateOrNull(v.starts_at())));
    }
    if (auto s = f.Close(); !s.ok()) return Fail(s);
    std::cerr << "vacancies: " << vacs->size() - skipped << " exported, " << skipped
              << " skipped\n";
  }
  return 0;
}
