// Taxonomy::LoadFromDir: reads the shipped reference data of data/ (see data/README.md).
#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "formats/csv_file.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/taxonomy/taxonomy_data.h"
#include "engine/taxonomy/text_util.h"

namespace w2w::taxonomy {
namespace {

constexpr int kNumTechSectors = 5;  // ME, INST, PROC, BOUW, MVT: the share columns.
constexpr double kMaxSharePct = 100;

absl::StatusOr<formats::CsvFile> ReadCsv(const std::string& dir, std::string_view name) {
  return formats::CsvFile::Read(absl::StrCat(dir, "/", ToAbsl(name)));
}

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(ToAbsl(s)); }

// Column indices of `names` in `file`, in order.
absl::StatusOr<std::vector<size_t>> Columns(const formats::CsvFile& file,
                                           std::initializer_list<std::string_view> names) {
  std::vector<size_t> out;
  for (std::string_view name : names) {
    ASSIGN_OR_RETURN(size_t col, file.Column(name));
    out.push_back(col);
  }
  return out;
}

absl::StatusOr<double> ParseDouble(const formats::CsvFile& file, const formats::CsvFile::Row& row,
                                   std::string_view column, const std::string& text) {
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) {
    return file.RowError(row, absl::StrCat(ToAbsl(column), ": not a number: '", text, "'"));
  }
  return v;
}

absl::StatusOr<uint64_t> ParseUint(const formats::CsvFile& file, const formats::CsvFile::Row& row,
                                   std::string_view column, const std::string& text) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) {
    return file.RowError(row, absl::StrCat(ToAbsl(column), ": not a whole number: '", text, "'"));
  }
  return v;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Taxonomy>> Taxonomy::LoadFromDir(
    const std::string& data_dir) {
  return TaxonomyBuilder::Load(data_dir);
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> TaxonomyBuilder::Load(
    const std::string& data_dir) {
  std::shared_ptr<Taxonomy> tax(new Taxonomy());

  // --- Municipalities fix the region numbers (UWV numbering), hence the region ids. ---
  ASSIGN_OR_RETURN(formats::CsvFile muni_file, ReadCsv(data_dir, "municipalities_2015.csv"));
  ASSIGN_OR_RETURN(auto mcol, Columns(muni_file, {"region_no", "region", "municipality"}));
  absl::flat_hash_map<std::string, uint32_t> number_by_region;  // lower-case name
  absl::flat_hash_map<uint32_t, std::string> region_by_number;
  std::vector<std::pair<std::string, std::string>> municipality_rows;  // (name, region key)
  for (const auto& row : muni_file.rows()) {
    ASSIGN_OR_RETURN(uint64_t number, ParseUint(muni_file, row, "region_no", row.fields[mcol[0]]));
    const std::string& region = row.fields[mcol[1]];
    const std::string& name = row.fields[mcol[2]];
    if (number == 0 || region.empty() || name.empty() || name.size() > kMaxNameBytes) {
      return muni_file.RowError(row, "region_no, region and municipality are required");
    }
    auto [it, inserted] = number_by_region.emplace(Lower(region), static_cast<uint32_t>(number));
    if (!inserted && it->second != number) {
      return muni_file.RowError(row, absl::StrCat("region '", region, "' has two numbers"));
    }
    auto [it2, inserted2] = region_by_number.emplace(static_cast<uint32_t>(number), region);
    if (!inserted2 && Lower(it2->second) != Lower(region)) {
      return muni_file.RowError(row, absl::StrCat("region number ", number, " names two regions"));
    }
    municipality_rows.emplace_back(name, Lower(region));
  }

  // --- Regions. ---
  ASSIGN_OR_RETURN(formats::CsvFile region_file, ReadCsv(data_dir, "regions.csv"));
  ASSIGN_OR_RETURN(auto rcol, Columns(region_file, {"region", "share_me", "share_inst",
                                                    "share_proc", "share_bouw", "share_mvt",
                                                    "tech_jobs"}));
  std::vector<RegionInfo> regions;
  for (const auto& row : region_file.rows()) {
    RegionInfo info;
    info.name = row.fields[rcol[0]];
    auto number = number_by_region.find(Lower(info.name));
    if (number == number_by_region.end()) {
      return region_file.RowError(
          row, absl::StrCat("region '", info.name, "' has no number in municipalities_2015.csv"));
    }
    info.number = number->second;
    for (int s = 0; s < kNumTechSectors; ++s) {
      ASSIGN_OR_RETURN(double pct, ParseDouble(region_file, row, region_file.header()[rcol[1 + s]],
                                               row.fields[rcol[1 + s]]));
      if (pct < 0 || pct > kMaxSharePct) return region_file.RowError(row, "share out of 0..100");
      info.sector_share_pct[s] = pct;
    }
    ASSIGN_OR_RETURN(info.tech_jobs, ParseUint(region_file, row, "tech_jobs", row.fields[rcol[6]]));
    regions.push_back(std::move(info));
  }
  if (regions.empty() || regions.size() > static_cast<size_t>(kMaxRegions)) {
    return absl::InvalidArgumentError(
        absl::StrCat(region_file.path(), ": 1..", kMaxRegions, " regions expected"));
  }
  std::sort(regions.begin(), regions.end(),
            [](const RegionInfo& a, const RegionInfo& b) { return a.number < b.number; });
  for (size_t i = 1; i < regions.size(); ++i) {
    if (regions[i].number == regions[i - 1].number) {
      return absl::InvalidArgumentError(
          absl::StrCat(region_file.path(), ": region '", regions[i].name, "' listed twice"));
    }
  }
  if (region_by_number.size() != regions.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        muni_file.path(), ": names ", region_by_number.size(), " regions, regions.csv ",
        regions.size()));
  }
  tax->regions_ = std::move(regions);
  tax->IndexRegions();

  for (auto& [name, region_key] : municipality_rows) {
    const RegionId region = tax->region_by_key_.at(region_key);
    auto [it, inserted] =
        tax->municipality_.emplace(Lower(name), MunicipalityInfo{name, region, std::nullopt,
                                                                 static_cast<MunicipalityId>(
                                                                     tax->municipality_.size()),
                                                                 {}});
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(muni_file.path(), ": municipality '", name, "' listed twice"));
    }
  }

  // --- Municipality centroids: every listed municipality needs one. ---
  ASSIGN_OR_RETURN(formats::CsvFile centroid_file,
                   ReadCsv(data_dir, "municipality_centroids_2015.csv"));
  ASSIGN_OR_RETURN(auto centroid_col, Columns(centroid_file, {"municipality", "lat", "lon"}));
  for (const auto& row : centroid_file.rows()) {
    auto it = tax->municipality_.find(Lower(row.fields[centroid_col[0]]));
    if (it == tax->municipality_.end()) {
      return centroid_file.RowError(
          row, absl::StrCat("municipality '", row.fields[centroid_col[0]],
                            "' is not in municipalities_2015.csv"));
    }
    if (it->second.centroid) return centroid_file.RowError(row, "municipality listed twice");
    ASSIGN_OR_RETURN(double lat, ParseDouble(centroid_file, row, "lat", row.fields[centroid_col[1]]));
    ASSIGN_OR_RETURN(double lon, ParseDouble(centroid_file, row, "lon", row.fields[centroid_col[2]]));
    if (absl::Status s = ValidateGeoPoint(lat, lon, ""); !s.ok()) {
      return centroid_file.RowError(row, std::string(s.message()));
    }
    it->second.centroid = GeoPoint{lat, lon};
  }
  for (const auto& [key, m] : tax->municipality_) {
    if (!m.centroid) {
      return absl::InvalidArgumentError(absl::StrCat(centroid_file.path(),
                                                     ": no centroid for municipality '",
                                                     m.name, "'"));
    }
  }

  // --- Anchors. ---
  ASSIGN_OR_RETURN(formats::CsvFile anchor_file, ReadCsv(data_dir, "region_anchors.csv"));
  ASSIGN_OR_RETURN(auto acol, Columns(anchor_file, {"region", "anchor_city", "lat", "lon"}));
  std::vector<bool> anchored(tax->regions_.size(), false);
  for (const auto& row : anchor_file.rows()) {
    std::optional<RegionId> id = tax->FindRegion(row.fields[acol[0]]);
    if (!id) return anchor_file.RowError(row, absl::StrCat("unknown region '", row.fields[acol[0]], "'"));
    RegionInfo& info = tax->regions_[*id];
    info.anchor_city = row.fields[acol[1]];
    ASSIGN_OR_RETURN(info.lat, ParseDouble(anchor_file, row, "lat", row.fields[acol[2]]));
    ASSIGN_OR_RETURN(info.lon, ParseDouble(anchor_file, row, "lon", row.fields[acol[3]]));
    if (info.lat < -90 || info.lat > 90 || info.lon < -180 || info.lon > 180) {
      return anchor_file.RowError(row, "lat/lon out of range");
    }
    anchored[*id] = true;
  }
  for (size_t i = 0; i < anchored.size(); ++i) {
    if (!anchored[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          anchor_file.path(), ": no anchor for region '", tax->regions_[i].name, "'"));
    }
  }
  tax->ComputeDistances();

  // --- Clusters, in order of first appearance. ---
  ASSIGN_OR_RETURN(formats::CsvFile cluster_file, ReadCsv(data_dir, "spt_clusters.csv"));
  ASSIGN_OR_RETURN(auto ccol, Columns(cluster_file, {"cluster", "region"}));
  for (const auto& row : cluster_file.rows()) {
    const std::string& name = row.fields[ccol[0]];
    if (name.empty() || name.size() > kMaxNameBytes) return cluster_file.RowError(row, "bad cluster name");
    std::optional<RegionId> id = tax->FindRegion(row.fields[ccol[1]]);
    if (!id) return cluster_file.RowError(row, absl::StrCat("unknown region '", row.fields[ccol[1]], "'"));
    auto [it, inserted] = tax->cluster_by_key_.emplace(
        Lower(name), static_cast<ClusterId>(tax->cluster_names_.size()));
    if (inserted) tax->cluster_names_.push_back(name);
    if (tax->regions_[*id].cluster != kNoCluster) {
      return cluster_file.RowError(row, "region is already in a cluster");
    }
    tax->regions_[*id].cluster = it->second;
  }

  // --- Sectors: must match the compiled-in table. ---
  ASSIGN_OR_RETURN(formats::CsvFile sector_file, ReadCsv(data_dir, "sectors.csv"));
  ASSIGN_OR_RETURN(auto scol, Columns(sector_file, {"code", "enum", "name", "sbi"}));
  for (const auto& row : sector_file.rows()) {
    ASSIGN_OR_RETURN(uint64_t value, ParseUint(sector_file, row, "enum", row.fields[scol[1]]));
    std::optional<v1::Sector> parsed = Taxonomy::ParseSector(row.fields[scol[0]]);
    if (!parsed || static_cast<uint64_t>(*parsed) != value ||
        Taxonomy::SectorName(*parsed) != row.fields[scol[2]] ||
        Taxonomy::SectorSbi(*parsed) != row.fields[scol[3]]) {
      return sector_file.RowError(row, "does not match the compiled-in sector table");
    }
  }

  // --- Qualifications. ---
  ASSIGN_OR_RETURN(formats::CsvFile qual_file, ReadCsv(data_dir, "qualifications.csv"));
  ASSIGN_OR_RETURN(auto qcol, Columns(qual_file, {"code", "name", "kind", "weeks", "cost_eur",
                                                  "source"}));
  for (const auto& row : qual_file.rows()) {
    v1::Qualification q;
    q.set_code(row.fields[qcol[0]]);
    q.set_name(row.fields[qcol[1]]);
    const std::string kind = Lower(row.fields[qcol[2]]);
    if (kind == "certificate") {
      q.set_kind(v1::QUALIFICATION_KIND_CERTIFICATE);
    } else if (kind == "diploma") {
      q.set_kind(v1::QUALIFICATION_KIND_DIPLOMA);
    } else if (kind == "licence") {
      q.set_kind(v1::QUALIFICATION_KIND_LICENCE);
    } else {
      return qual_file.RowError(row, absl::StrCat("unknown kind '", row.fields[qcol[2]], "'"));
    }
    ASSIGN_OR_RETURN(double weeks, ParseDouble(qual_file, row, "weeks", row.fields[qcol[3]]));
    ASSIGN_OR_RETURN(double cost, ParseDouble(qual_file, row, "cost_eur", row.fields[qcol[4]]));
    q.set_weeks(weeks);
    q.set_cost_eur(cost);
    q.set_source(row.fields[qcol[5]]);
    if (tax->FindQualification(q.code())) {
      return qual_file.RowError(row, absl::StrCat("qualification '", q.code(), "' listed twice"));
    }
    absl::Status valid = Taxonomy::ValidateQualification(q);
    if (!valid.ok()) return qual_file.RowError(row, ToStd(valid.message()));
    if (tax->qualifications_.size() >= static_cast<size_t>(kMaxQualifications)) {
      return qual_file.RowError(row, absl::StrCat("more than ", kMaxQualifications,
                                                  " qualifications"));
    }
    tax->qualification_by_code_.emplace(q.code(),
                                        static_cast<QualId>(tax->qualifications_.size()));
    tax->qualifications_.push_back(QualificationInfo{q.code(), q.name(), q.kind(), q.weeks(),
                                                     q.cost_eur(), q.source()});
  }

  // --- ESCO trades and their skills. ---
  auto data = std::make_shared<Taxonomy::Data>();
  ASSIGN_OR_RETURN(formats::CsvFile occ_file, ReadCsv(data_dir, "esco/occupations.csv"));
  ASSIGN_OR_RETURN(auto ocol, Columns(occ_file, {"occupation_id", "isco_group", "esco_code",
                                                 "label_en", "label_nl"}));
  for (const auto& row : occ_file.rows()) {
    TradeInfo t;
    t.id = Lower(row.fields[ocol[0]]);
    t.isco_group = row.fields[ocol[1]];
    t.esco_code = row.fields[ocol[2]];
    t.label_en = row.fields[ocol[3]];
    t.label_nl = row.fields[ocol[4]];
    if (t.id.empty() || t.esco_code.empty()) {
      return occ_file.RowError(row, "occupation_id and esco_code are required");
    }
    if (data->trades.size() >= static_cast<size_t>(kMaxTrades)) {
      return occ_file.RowError(row, absl::StrCat("more than ", kMaxTrades, " trades"));
    }
    const auto id = static_cast<TradeId>(data->trades.size());
    if (!data->trade_by_key.emplace(t.id, id).second ||
        !data->trade_by_key.emplace(t.esco_code, id).second) {
      return occ_file.RowError(row, "duplicate occupation id or ESCO code");
    }
    data->trades.push_back(std::move(t));
  }

  ASSIGN_OR_RETURN(formats::CsvFile skill_file, ReadCsv(data_dir, "esco/skills.csv"));
  ASSIGN_OR_RETURN(size_t skill_col, skill_file.Column("skill_id"));
  absl::flat_hash_map<std::string, uint32_t> skill_index;
  skill_index.reserve(skill_file.rows().size());
  for (const auto& row : skill_file.rows()) {
    skill_index.emplace(Lower(row.fields[skill_col]), static_cast<uint32_t>(skill_index.size()));
  }

  ASSIGN_OR_RETURN(formats::CsvFile link_file, ReadCsv(data_dir, "esco/occupation_skills.csv"));
  ASSIGN_OR_RETURN(auto lcol, Columns(link_file, {"occupation_id", "skill_id", "relation"}));
  std::vector<TradeSkills> skills(data->trades.size());
  for (const auto& row : link_file.rows()) {
    auto trade = data->trade_by_key.find(row.fields[lcol[0]]);
    if (trade == data->trade_by_key.end()) {
      return link_file.RowError(row, "unknown occupation_id");
    }
    auto skill = skill_index.find(row.fields[lcol[1]]);
    if (skill == skill_index.end()) return link_file.RowError(row, "unknown skill_id");
    const std::string& relation = row.fields[lcol[2]];
    if (relation == "essential") {
      skills[trade->second].essential.push_back(skill->second);
    } else if (relation == "optional") {
      skills[trade->second].optional.push_back(skill->second);
    } else {
      return link_file.RowError(row, absl::StrCat("unknown relation '", relation, "'"));
    }
  }
  for (size_t t = 0; t < skills.size(); ++t) {
    auto& ts = skills[t];
    std::sort(ts.essential.begin(), ts.essential.end());
    ts.essential.erase(std::unique(ts.essential.begin(), ts.essential.end()), ts.essential.end());
    std::sort(ts.optional.begin(), ts.optional.end());
    ts.optional.erase(std::unique(ts.optional.begin(), ts.optional.end()), ts.optional.end());
    // A skill listed both ways counts as essential.
    std::vector<uint32_t> only_optional;
    std::set_difference(ts.optional.begin(), ts.optional.end(), ts.essential.begin(),
                        ts.essential.end(), std::back_inserter(only_optional));
    ts.optional = std::move(only_optional);
    data->trades[t].essential_skills = static_cast<uint32_t>(ts.essential.size());
    data->trades[t].optional_skills = static_cast<uint32_t>(ts.optional.size());
    ts.isco_group = data->trades[t].isco_group;
  }
  ComputeTradeSimilarity(skills, skill_index.size(), data.get());
  tax->data_ = std::move(data);
  tax->version_ = 1;
  return std::shared_ptr<const Taxonomy>(std::move(tax));
}

}  // namespace w2w::taxonomy
