// Taxonomy look-ups, accessors, the sector table and proto views.
#include "engine/taxonomy/taxonomy.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/taxonomy/taxonomy_data.h"
#include "engine/taxonomy/text_util.h"

namespace w2w::taxonomy {
namespace {

struct SectorRow {
  v1::Sector sector;
  std::string_view code;
  std::string_view name;
  std::string_view sbi;
};

// The sector table (DOMAIN.md); data/sectors.csv documents it and is checked against it.
constexpr SectorRow kSectors[] = {
    {v1::SECTOR_ME, "ME", "Metalektro", "25-30, 32.2, 32.3, 33.1"},
    {v1::SECTOR_INST, "INST", "Installatietechniek", "33.2, 43.2"},
    {v1::SECTOR_PROC, "PROC", "Procestechniek", "19-22"},
    {v1::SECTOR_BOUW, "BOUW", "Bouw", "41, 42, 43 excl. 43.2"},
    {v1::SECTOR_MVT, "MVT", "Motorvoertuigentechniek", "45.2"},
    {v1::SECTOR_OTHER, "OTHER", "Overig", "other"},
};
constexpr std::string_view kSectorEnumPrefix = "SECTOR_";

const SectorRow* FindSectorRow(v1::Sector s) {
  for (const SectorRow& row : kSectors) {
    if (row.sector == s) return &row;
  }
  return nullptr;
}

std::string Key(std::string_view s) { return NameKey(s); }

}  // namespace

double GreatCircleKm(GeoPoint p, GeoPoint q) {
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (q.lat - p.lat) * kRad;
  const double dlon = (q.lon - p.lon) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(p.lat * kRad) * std::cos(q.lat * kRad) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

absl::Status ValidateGeoPoint(double lat, double lon, std::string_view path) {
  const std::string prefix = path.empty() ? "" : absl::StrCat(ToAbsl(path), ".");
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "lat: must be -90..90 degrees"));
  }
  if (!std::isfinite(lon) || lon < -180 || lon > 180) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "lon: must be -180..180 degrees"));
  }
  return absl::OkStatus();
}

// ---- Look-ups --------------------------------------------------------------------------

std::optional<RegionId> Taxonomy::FindRegion(std::string_view name_or_number) const {
  std::string_view text = StripBlanks(name_or_number);
  uint32_t number = 0;
  if (!text.empty() && absl::ascii_isdigit(static_cast<unsigned char>(text[0])) &&
      absl::SimpleAtoi(ToAbsl(text), &number)) {
    auto it = region_by_number_.find(number);
    if (it != region_by_number_.end()) return it->second;
    return std::nullopt;
  }
  auto it = region_by_key_.find(Key(text));
  if (it == region_by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<RegionId> Taxonomy::FindMunicipality(std::string_view name) const {
  std::optional<MunicipalityRef> ref = LookupMunicipality(name);
  if (!ref) return std::nullopt;
  return ref->region;
}

std::optional<Taxonomy::MunicipalityRef> Taxonomy::LookupMunicipality(
    std::string_view name) const {
  auto it = municipality_.find(Key(name));
  if (it == municipality_.end()) return std::nullopt;
  return MunicipalityRef{it->second.name, it->second.region, it->second.centroid, it->second.id};
}

std::optional<TradeId> Taxonomy::FindTrade(std::string_view id_or_code) const {
  auto it = data_->trade_by_key.find(Key(id_or_code));
  if (it == data_->trade_by_key.end()) return std::nullopt;
  return it->second;
}

std::optional<QualId> Taxonomy::FindQualification(std::string_view code) const {
  auto it = qualification_by_code_.find(
      absl::AsciiStrToUpper(ToAbsl(StripBlanks(code))));
  if (it == qualification_by_code_.end()) return std::nullopt;
  return it->second;
}

std::optional<ClusterId> Taxonomy::FindCluster(std::string_view name) const {
  auto it = cluster_by_key_.find(Key(name));
  if (it == cluster_by_key_.end()) return std::nullopt;
  return it->second;
}

// ---- Accessors -------------------------------------------------------------------------

size_t Taxonomy::num_regions() const { return regions_.size(); }
size_t Taxonomy::num_trades() const { return data_->trades.size(); }
size_t Taxonomy::num_qualifications() const { return qualifications_.size(); }
size_t Taxonomy::num_clusters() const { return cluster_names_.size(); }

const RegionInfo& Taxonomy::region(RegionId id) const {
  assert(id < regions_.size());
  return regions_[id];
}

const TradeInfo& Taxonomy::trade(TradeId id) const {
  assert(id < data_->trades.size());
  return data_->trades[id];
}

const QualificationInfo& Taxonomy::qualification(QualId id) const {
  assert(id < qualifications_.size());
  return qualifications_[id];
}

const std::string& Taxonomy::cluster_name(ClusterId id) const {
  assert(id >= 0 && static_cast<size_t>(id) < cluster_names_.size());
  return cluster_names_[static_cast<size_t>(id)];
}

std::vector<RegionId> Taxonomy::ClusterMembers(ClusterId id) const {
  std::vector<RegionId> out;
  for (size_t r = 0; r < regions_.size(); ++r) {
    if (regions_[r].cluster == id) out.push_back(static_cast<RegionId>(r));
  }
  return out;
}

std::vector<MunicipalityInfo> Taxonomy::municipalities() const {
  std::vector<MunicipalityInfo> out;
  out.reserve(municipality_.size());
  for (const auto& [key, value] : municipality_) out.push_back(value);
  std::sort(out.begin(), out.end(), [](const MunicipalityInfo& a, const MunicipalityInfo& b) {
    return a.name < b.name;
  });
  return out;
}

GeoPoint Taxonomy::RegionAnchor(RegionId id) const {
  assert(id < regions_.size());
  return GeoPoint{regions_[id].lat, regions_[id].lon};
}

float Taxonomy::DistanceKm(RegionId a, RegionId b) const {
  assert(a < regions_.size() && b < regions_.size());
  return distance_km_[static_cast<size_t>(a) * regions_.size() + b];
}

bool Taxonomy::SameCluster(RegionId a, RegionId b) const {
  const ClusterId ca = region(a).cluster;
  return ca != kNoCluster && ca == region(b).cluster;
}

float Taxonomy::TradeSimilarity(TradeId from, TradeId to) const {
  const size_t n = data_->trades.size();
  assert(from < n && to < n);
  return data_->similarity[static_cast<size_t>(from) * n + to];
}

absl::Span<const TradeLink> Taxonomy::TradesReaching(TradeId to) const {
  assert(to < data_->trades.size());
  const uint32_t begin = data_->reaching_offsets[to];
  return absl::MakeConstSpan(data_->reaching.data() + begin,
                             data_->reaching_offsets[to + 1u] - begin);
}

absl::Span<const TradeLink> Taxonomy::TradesReachableFrom(TradeId from) const {
  assert(from < data_->trades.size());
  const uint32_t begin = data_->reachable_offsets[from];
  return absl::MakeConstSpan(data_->reachable.data() + begin,
                             data_->reachable_offsets[from + 1u] - begin);
}

// ---- Sectors ---------------------------------------------------------------------------

std::string_view Taxonomy::SectorCode(v1::Sector s) {
  const SectorRow* row = FindSectorRow(s);
  return row ? row->code : std::string_view();
}

std::string_view Taxonomy::SectorName(v1::Sector s) {
  const SectorRow* row = FindSectorRow(s);
  return row ? row->name : std::string_view();
}

std::string_view Taxonomy::SectorSbi(v1::Sector s) {
  const SectorRow* row = FindSectorRow(s);
  return row ? row->sbi : std::string_view();
}

std::optional<v1::Sector> Taxonomy::ParseSector(std::string_view text) {
  std::string_view t = StripBlanks(text);
  if (t.size() > kSectorEnumPrefix.size() &&
      EqualsIgnoreCase(t.substr(0, kSectorEnumPrefix.size()), kSectorEnumPrefix)) {
    t.remove_prefix(kSectorEnumPrefix.size());
  }
  for (const SectorRow& row : kSectors) {
    if (EqualsIgnoreCase(t, row.code) || EqualsIgnoreCase(t, row.name)) {
      return row.sector;
    }
  }
  return std::nullopt;
}

// ---- Languages -------------------------------------------------------------------------

absl::StatusOr<Language> ParseLanguage(int value, std::string_view field) {
  switch (value) {
    case v1::LANGUAGE_UNSPECIFIED:
    case v1::LANGUAGE_EN: return Language::kEnglish;
    case v1::LANGUAGE_NL: return Language::kDutch;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          ToAbsl(field), ": unknown language ", value,
          " (LANGUAGE_NL or LANGUAGE_EN)"));
  }
}

v1::Language LanguageProto(Language language) {
  return language == Language::kDutch ? v1::LANGUAGE_NL : v1::LANGUAGE_EN;
}

// ---- Proto views -----------------------------------------------------------------------

v1::Region Taxonomy::RegionProto(RegionId id) const {
  const RegionInfo& r = region(id);
  v1::Region p;
  p.set_number(r.number);
  p.set_name(r.name);
  p.set_anchor_city(r.anchor_city);
  p.set_lat(r.lat);
  p.set_lon(r.lon);
  if (r.cluster != kNoCluster) p.set_cluster(cluster_name(r.cluster));
  p.set_tech_jobs(r.tech_jobs);
  for (double pct : r.sector_share_pct) p.add_sector_share_pct(pct);
  return p;
}

v1::Trade Taxonomy::TradeProto(TradeId id, Language language) const {
  const TradeInfo& t = trade(id);
  v1::Trade p;
  p.set_id(t.id);
  p.set_esco_code(t.esco_code);
  p.set_isco_group(t.isco_group);
  p.set_label_en(t.label_en);
  p.set_label_nl(t.label_nl);
  p.set_label(t.Label(language));
  p.set_essential_skills(t.essential_skills);
  p.set_optional_skills(t.optional_skills);
  return p;
}

v1::Qualification Taxonomy::QualificationProto(QualId id) const {
  const QualificationInfo& q = qualification(id);
  v1::Qualification p;
  p.set_code(q.code);
  p.set_name(q.name);
  p.set_kind(q.kind);
  p.set_weeks(q.weeks);
  p.set_cost_eur(q.cost_eur);
  p.set_source(q.source);
  return p;
}

v1::Cluster Taxonomy::ClusterProto(ClusterId id) const {
  v1::Cluster p;
  p.set_name(cluster_name(id));
  for (RegionId r : ClusterMembers(id)) p.add_regions(region(r).name);
  return p;
}

// ---- Private helpers -------------------------------------------------------------------

void Taxonomy::ComputeDistances() {
  const size_t n = regions_.size();
  distance_km_.assign(n * n, 0.0f);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      const auto km = static_cast<float>(
          GreatCircleKm(RegionAnchor(static_cast<RegionId>(a)), RegionAnchor(static_cast<RegionId>(b))));
      distance_km_[a * n + b] = km;
      distance_km_[b * n + a] = km;
    }
  }
}

void Taxonomy::IndexRegions() {
  region_by_key_.clear();
  region_by_number_.clear();
  for (size_t i = 0; i < regions_.size(); ++i) {
    region_by_key_[Key(regions_[i].name)] = static_cast<RegionId>(i);
    region_by_number_[regions_[i].number] = static_cast<RegionId>(i);
  }
}

}  // namespace w2w::taxonomy
