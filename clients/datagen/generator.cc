// The record generators: one splitmix64 stream per record (see generator.h).
#include "clients/datagen/generator.h"

#include <algorithm>
#include <cmath>  // std::floor only: exact.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/common/dates.h"
#include "clients/datagen/rng.h"

namespace w2w::datagen {

using taxonomy::QualId;
using taxonomy::RegionId;
using taxonomy::TradeId;

namespace {

constexpr uint64_t kCandidateStream = 1;
constexpr uint64_t kVacancyStream = 2;

constexpr double kCandidateOtherSectorShare = 0.05;  // Side-entrants from outside technology.
constexpr double kVacancyOtherSectorShare = 0.03;
// Records giving a municipality (the rest give a region only and are placed at its anchor).
constexpr double kCandidateMunicipalityShare = 0.9;
constexpr double kVacancyMunicipalityShare = 0.95;
constexpr double kWillingToRetrainShare = 0.8;
constexpr double kHardToFillShare = 0.3;
constexpr double kUnknownEmployerShareOfUnemployed = 0.5;

// Trade count per candidate: 1, 2 or 3 with these weights.
constexpr double kTradeCountWeights[] = {55, 30, 15};
// Secondary trades come from the first trade's most similar trades.
constexpr size_t kRelatedTradePool = 12;
constexpr double kMaxMainTradeYears = 40;
// Qualifications of a secondary trade's family are held at this fraction of the percent.
constexpr double kSecondaryFamilyFactor = 0.5;

// Employers: per (region, sector) pool of 2^kEmployerRankBits ranks. The rank is drawn
// roughly log-uniformly (a random number of bits in [kMinEmployerRankBits, kEmployerRankBits],
// then that many random bits) so a few employers are large and most are small: rank 0 gets
// ~6% of its pool, less than kBigEmployerId's share. Integer-only, so identical everywhere.
// Numbers start after the big employer's.
constexpr uint64_t kMinEmployerRankBits = 2;
constexpr uint64_t kEmployerRankBits = 9;
constexpr uint64_t kEmployersPerPool = uint64_t{1} << kEmployerRankBits;
constexpr uint64_t kFirstPoolEmployerNumber = 2;

constexpr int kMinTravelKm = 20;
constexpr int kTravelKmStep = 5;
constexpr int kTravelKmSteps = 12;  // 20..80 km.

struct StatusWeight {
  v1::CandidateStatus status;
  double weight;
};
constexpr StatusWeight kStatusMix[] = {
    {v1::CANDIDATE_STATUS_EMPLOYED, 35},          {v1::CANDIDATE_STATUS_AT_RISK, 25},
    {v1::CANDIDATE_STATUS_NOTICE_GIVEN, 12},      {v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER, 5},
    {v1::CANDIDATE_STATUS_UNEMPLOYED, 18},        {v1::CANDIDATE_STATUS_PLACED, 3},
    {v1::CANDIDATE_STATUS_UNAVAILABLE, 2},
};
constexpr double kBigEmployerAtRiskShare = 0.4;  // The rest of its staff is EMPLOYED.

struct VacancyStatusWeight {
  v1::VacancyStatus status;
  double weight;
};
constexpr VacancyStatusWeight kVacancyStatusMix[] = {
    {v1::VACANCY_STATUS_OPEN, 90}, {v1::VACANCY_STATUS_FILLED, 6}, {v1::VACANCY_STATUS_CLOSED, 4}};
constexpr double kPositionWeights[] = {75, 12, 7, 3, 3};  // 1..5 seats.

struct SourceWeight {
  std::string_view source;
  double weight;
};
constexpr SourceWeight kCandidateSources[] = {
    {"uwv", 40}, {"sector-fund", 25}, {"staffing-agency", 20}, {"spt", 15}};
constexpr SourceWeight kVacancySources[] = {
    {"uwv", 50}, {"staffing-agency", 25}, {"employer-direct", 25}};

// Picks an index with probability proportional to weights[i].
template <typename T, typename WeightOf>
size_t PickWeighted(Rng& rng, const T& items, WeightOf weight_of) {
  double total = 0;
  for (const auto& item : items) total += weight_of(item);
  double target = rng.Uniform() * total;
  size_t i = 0;
  for (const auto& item : items) {
    target -= weight_of(item);
    if (target < 0) return i;
    ++i;
  }
  return i - 1;
}

// Index of the first cumulative value above u * total.
size_t PickCumulative(Rng& rng, const std::vector<double>& cumulative) {
  const double target = rng.Uniform() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  return std::min(static_cast<size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

std::string Date(int32_t today, int64_t offset_days) {
  return FormatIsoDate(static_cast<int32_t>(today + offset_days));
}

}  // namespace

// Helpers with access to the Generator's tables.
class GeneratorImpl {
 public:
  static RegionId PickRegion(const Generator& g, Rng& rng) {
    return static_cast<RegionId>(PickCumulative(rng, g.region_cumulative_jobs_));
  }

  static v1::Sector PickSector(const Generator& g, Rng& rng, RegionId region,
                               double other_share) {
    if (rng.Chance(other_share)) return v1::SECTOR_OTHER;
    const auto& shares = g.tax_.region(region).sector_share_pct;
    const size_t i = PickWeighted(rng, shares, [](double w) { return w; });
    return static_cast<v1::Sector>(v1::SECTOR_ME + static_cast<int>(i));
  }

  static TradeId PickTrade(const Generator& g, Rng& rng, v1::Sector sector) {
    const auto& table = g.sector_trades_[static_cast<size_t>(sector)];
    const double target = rng.Uniform() * table.back().cumulative;
    auto it = std::upper_bound(
        table.begin(), table.end(), target,
        [](double t, const Generator::WeightedTrade& w) { return t < w.cumulative; });
    if (it == table.end()) --it;
    return it->trade;
  }

  // Fills region and (mostly) municipality in canonical form; municipalities are drawn by
  // their weight (population).
  template <typename Record>
  static void SetLocation(const Generator& g, Rng& rng, RegionId region, double muni_share,
                          Record* r) {
    r->set_region(g.tax_.region(region).name);
    const auto& munis = g.region_municipalities_[region];
    if (!munis.empty() && rng.Chance(muni_share)) {
      r->set_municipality(munis[PickCumulative(rng, g.region_municipality_cumulative_[region])]);
    }
  }

  static std::string EmployerId(Rng& rng, RegionId region, v1::Sector sector) {
    const uint64_t pool = static_cast<uint64_t>(region) * taxonomy::kNumSectorSlots +
                          static_cast<uint64_t>(sector);
    const uint64_t bits =
        kMinEmployerRankBits + rng.Below(kEmployerRankBits - kMinEmployerRankBits + 1);
    const uint64_t rank = rng.Below(uint64_t{1} << bits);
    return absl::StrFormat("emp-%06d", kFirstPoolEmployerNumber + pool * kEmployersPerPool + rank);
  }

  // Draws the qualifications of a family into `out` (QualIds, may repeat).
  static void DrawHeld(const Generator& g, Rng& rng, int family, double factor,
                       std::vector<QualId>* out) {
    if (family < 0) return;
    const Generator::Family& f = g.families_[static_cast<size_t>(family)];
    for (const auto& q : f.independent) {
      if (rng.Uniform() * 100 < q.percent * factor) out->push_back(q.qual);
    }
    for (const auto& group : f.groups) {
      double target = rng.Uniform() * 100;
      for (const auto& q : group) {
        target -= q.percent * factor;
        if (target < 0) {
          out->push_back(q.qual);
          break;
        }
      }
    }
  }

  // Sorted, de-duplicated catalogue codes.
  static std::vector<std::string> Codes(const Generator& g, const std::vector<QualId>& quals) {
    std::vector<std::string> codes;
    codes.reserve(quals.size());
    for (QualId q : quals) codes.push_back(g.tax_.qualification(q).code);
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    return codes;
  }

  // Draws up to `count` distinct qualifications of the family, weighted by percent, at most
  // one per group; removes them from `pool`.
  struct PoolEntry {
    QualId qual;
    double weight;
    int group;  // -1 = none.
  };
  static std::vector<PoolEntry> FamilyPool(const Generator& g, int family) {
    std::vector<PoolEntry> pool;
    if (family < 0) return pool;
    const Generator::Family& f = g.families_[static_cast<size_t>(family)];
    for (const auto& q : f.independent) pool.push_back({q.qual, q.percent, -1});
    for (size_t gi = 0; gi < f.groups.size(); ++gi) {
      for (const auto& q : f.groups[gi]) pool.push_back({q.qual, q.percent, static_cast<int>(gi)});
    }
    return pool;
  }
  static void DrawFromPool(Rng& rng, size_t count, std::vector<PoolEntry>* pool,
                           std::vector<QualId>* out) {
    for (size_t k = 0; k < count; ++k) {
      double total = 0;
      for (const auto& e : *pool) total += e.weight;
      if (total <= 0) return;
      const size_t i = PickWeighted(rng, *pool, [](const PoolEntry& e) { return e.weight; });
      const PoolEntry picked = (*pool)[i];
      out->push_back(picked.qual);
      pool->erase(std::remove_if(pool->begin(), pool->end(),
                                 [&](const PoolEntry& e) {
                                   return e.qual == picked.qual ||
                                          (picked.group >= 0 && e.group == picked.group);
                                 }),
                  pool->end());
    }
  }
};

v1::Candidate Generator::Candidate(size_t index) const {
  using I = GeneratorImpl;
  Rng rng(Rng::RecordSeed(options_.seed, kCandidateStream, index));
  v1::Candidate c;
  c.set_id(absl::StrFormat("c%07d", index + 1));
  const bool big = big_employer_region_.has_value() && index % kBigEmployerEvery == 0;
  const RegionId region = big ? *big_employer_region_ : I::PickRegion(*this, rng);
  const v1::Sector sector =
      big ? v1::SECTOR_ME : I::PickSector(*this, rng, region, kCandidateOtherSectorShare);
  I::SetLocation(*this, rng, region, kCandidateMunicipalityShare, &c);
  c.set_sector(sector);

  // Trades: the main one by sector, the others among its most similar trades.
  const TradeId main = I::PickTrade(*this, rng, sector);
  const size_t count = 1 + PickWeighted(rng, kTradeCountWeights, [](double w) { return w; });
  std::vector<TradeId> trades = {main};
  std::vector<TradeId> related;
  for (const taxonomy::TradeLink& link : tax_.TradesReachableFrom(main)) {
    if (link.trade == main) continue;
    related.push_back(link.trade);
    if (related.size() == kRelatedTradePool) break;
  }
  while (trades.size() < count && !related.empty()) {
    const size_t i = rng.Below(related.size());
    trades.push_back(related[i]);
    related.erase(related.begin() + static_cast<std::ptrdiff_t>(i));
  }
  // u * (1 + u) / 2 skews towards fewer years (more juniors than veterans) using exact
  // IEEE arithmetic only: no libm, whose last bits differ between platforms.
  const double u = rng.Uniform();
  const auto main_years =
      static_cast<uint32_t>(std::floor(kMaxMainTradeYears * u * (1 + u) / 2));
  for (size_t i = 0; i < trades.size(); ++i) {
    v1::TradeExperience* t = c.add_trades();
    t->set_code(tax_.trade(trades[i]).id);
    t->set_years(i == 0 ? main_years
                        : static_cast<uint32_t>(std::floor(main_years * 0.5 * rng.Uniform())));
  }

  std::vector<QualId> held;
  I::DrawHeld(*this, rng, family_of_trade_[main], 1.0, &held);
  for (size_t i = 1; i < trades.size(); ++i) {
    I::DrawHeld(*this, rng, family_of_trade_[trades[i]], kSecondaryFamilyFactor, &held);
  }
  for (std::string& code : I::Codes(*this, held)) c.add_qualifications(std::move(code));

  v1::CandidateStatus status;
  if (big) {
    status = rng.Chance(kBigEmployerAtRiskShare) ? v1::CANDIDATE_STATUS_AT_RISK
                                                 : v1::CANDIDATE_STATUS_EMPLOYED;
    c.set_employer_id(std::string(kBigEmployerId));
  } else {
    status = kStatusMix[PickWeighted(rng, kStatusMix, [](const StatusWeight& s) {
                          return s.weight;
                        })].status;
    const bool unknown_employer = status == v1::CANDIDATE_STATUS_UNEMPLOYED &&
                                  rng.Chance(kUnknownEmployerShareOfUnemployed);
    if (!unknown_employer) c.set_employer_id(I::EmployerId(rng, region, sector));
  }
  c.set_status(status);
  const int32_t today = options_.today;
  switch (status) {
    case v1::CANDIDATE_STATUS_EMPLOYED:
    case v1::CANDIDATE_STATUS_UNAVAILABLE:
      c.set_available_from(Date(today, rng.Between(30, 120)));
      break;
    case v1::CANDIDATE_STATUS_AT_RISK:
      c.set_available_from(Date(today, rng.Between(30, 180)));
      break;
    case v1::CANDIDATE_STATUS_NOTICE_GIVEN:
      c.set_available_from(Date(today, rng.Between(14, 90)));
      break;
    case v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER:
      if (rng.Chance(0.5)) c.set_available_from(Date(today, rng.Between(0, 14)));
      break;
    default:  // Unemployed or placed: immediately.
      break;
  }
  c.set_max_travel_km(static_cast<uint32_t>(kMinTravelKm +
                                            kTravelKmStep * rng.Between(0, kTravelKmSteps)));
  c.set_willing_to_retrain(rng.Chance(kWillingToRetrainShare));
  c.set_source(std::string(
      kCandidateSources[PickWeighted(rng, kCandidateSources, [](const SourceWeight& s) {
                          return s.weight;
                        })].source));
  return c;
}

v1::Vacancy Generator::Vacancy(size_t index) const {
  using I = GeneratorImpl;
  Rng rng(Rng::RecordSeed(options_.seed, kVacancyStream, index));
  v1::Vacancy v;
  v.set_id(absl::StrFormat("v%06d", index + 1));
  const RegionId region = I::PickRegion(*this, rng);
  const v1::Sector sector = I::PickSector(*this, rng, region, kVacancyOtherSectorShare);
  v.set_employer_id(I::EmployerId(rng, region, sector));
  I::SetLocation(*this, rng, region, kVacancyMunicipalityShare, &v);
  v.set_sector(sector);
  const TradeId trade = I::PickTrade(*this, rng, sector);
  v.set_trade(tax_.trade(trade).id);

  auto pool = I::FamilyPool(*this, family_of_trade_[trade]);
  std::vector<QualId> required, preferred;
  I::DrawFromPool(rng, static_cast<size_t>(rng.Between(1, 3)), &pool, &required);
  I::DrawFromPool(rng, static_cast<size_t>(rng.Between(0, 2)), &pool, &preferred);
  for (std::string& code : I::Codes(*this, required)) v.add_required_qualifications(std::move(code));
  for (std::string& code : I::Codes(*this, preferred)) {
    v.add_preferred_qualifications(std::move(code));
  }

  v.set_positions(static_cast<uint32_t>(
      1 + PickWeighted(rng, kPositionWeights, [](double w) { return w; })));
  v.set_hard_to_fill(rng.Chance(kHardToFillShare));
  const v1::VacancyStatus status =
      kVacancyStatusMix[PickWeighted(rng, kVacancyStatusMix, [](const VacancyStatusWeight& s) {
                          return s.weight;
                        })].status;
  v.set_status(status);
  const int32_t today = options_.today;
  if (status == v1::VACANCY_STATUS_OPEN) {
    if (rng.Chance(0.9)) v.set_expires_at(Date(today, rng.Between(14, 120)));
  } else {
    v.set_expires_at(Date(today, rng.Between(-30, 60)));
  }
  if (rng.Chance(0.7)) v.set_starts_at(Date(today, rng.Between(0, 90)));

  std::string title = tax_.trade(trade).label_nl;
  if (!title.empty()) title[0] = absl::ascii_toupper(static_cast<unsigned char>(title[0]));
  absl::StrAppend(&title, " - ", tax_.region(region).name);
  if (title.size() <= 256) v.set_title(std::move(title));
  v.set_source(std::string(
      kVacancySources[PickWeighted(rng, kVacancySources, [](const SourceWeight& s) {
                        return s.weight;
                      })].source));
  return v;
}

void Generator::ForEachCandidate(size_t n, absl::FunctionRef<void(v1::Candidate&)> sink) const {
  for (size_t i = 0; i < n; ++i) {
    v1::Candidate c = Candidate(i);
    sink(c);
  }
}

void Generator::ForEachVacancy(size_t n, absl::FunctionRef<void(v1::Vacancy&)> sink) const {
  for (size_t i = 0; i < n; ++i) {
    v1::Vacancy v = Vacancy(i);
    sink(v);
  }
}

absl::StatusOr<std::vector<v1::Candidate>> GenerateCandidates(const taxonomy::Taxonomy& tax,
                                                              size_t n, uint64_t seed,
                                                              GeneratorOptions options) {
  options.seed = seed;
  auto gen = Generator::Create(tax, options);
  if (!gen.ok()) return gen.status();
  std::vector<v1::Candidate> out;
  out.reserve(n);
  (*gen)->ForEachCandidate(n, [&](v1::Candidate& c) { out.push_back(std::move(c)); });
  return out;
}

absl::StatusOr<std::vector<v1::Vacancy>> GenerateVacancies(const taxonomy::Taxonomy& tax,
                                                           size_t n, uint64_t seed,
                                                           GeneratorOptions options) {
  options.seed = seed;
  auto gen = Generator::Create(tax, options);
  if (!gen.ok()) return gen.status();
  std::vector<v1::Vacancy> out;
  out.reserve(n);
  (*gen)->ForEachVacancy(n, [&](v1::Vacancy& v) { out.push_back(std::move(v)); });
  return out;
}

std::string EscoCode(const taxonomy::Taxonomy& tax, const std::string& id) {
  std::optional<taxonomy::TradeId> t = tax.FindTrade(id);
  return t ? tax.trade(*t).esco_code : id;
}

}  // namespace w2w::datagen
