// Taxonomy: the reference data every record and every score is read against — the 35
// UWV labour-market regions with their anchors and distance matrix, SPT clusters,
// municipalities, the six sectors, ESCO technical occupations (trades) with their skill
// coverage matrix, and the qualifications catalogue.
//
// A Taxonomy is immutable once built and shared as std::shared_ptr<const Taxonomy>;
// changes (an administrator adding a qualification, moving a cluster) produce a new
// object with version()+1. Dense ids (RegionId, TradeId, QualId) are stable across
// versions of one process: entries are only ever appended, never renumbered.
//
// Thread safety: all const methods are safe to call concurrently.
#ifndef W2W_ENGINE_TAXONOMY_TAXONOMY_H_
#define W2W_ENGINE_TAXONOMY_TAXONOMY_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "w2w/v1/common.pb.h"
#include "w2w/v1/taxonomy.pb.h"

namespace w2w::taxonomy {

using RegionId = uint8_t;   // Dense 0..num_regions()-1.
using TradeId = uint16_t;   // Dense 0..num_trades()-1.
using QualId = uint8_t;     // Dense 0..num_qualifications()-1.
using ClusterId = int16_t;  // Dense 0..; kNoCluster when a region has none.

inline constexpr int kMaxRegions = 250;
inline constexpr int kMaxQualifications = 128;  // The index keeps qualifications as a 128-bit set.
inline constexpr int kMaxTrades = 4000;
inline constexpr ClusterId kNoCluster = -1;
// Sectors are the w2w.v1.Sector enum values 1..6; index 0 (UNSPECIFIED) is unused.
inline constexpr int kNumSectorSlots = 7;

struct RegionInfo {
  uint32_t number = 0;     // UWV number 1..35.
  std::string name;
  std::string anchor_city;
  double lat = 0, lon = 0;
  ClusterId cluster = kNoCluster;
  uint64_t tech_jobs = 0;
  std::array<double, 5> sector_share_pct{};  // ME, INST, PROC, BOUW, MVT.
};

struct TradeInfo {
  std::string id;         // ESCO UUID.
  std::string esco_code;  // e.g. "7212.1".
  std::string isco_group; // 4 digits.
  std::string label_en, label_nl;
  uint32_t essential_skills = 0, optional_skills = 0;
};

struct QualificationInfo {
  std::string code, name;
  v1::QualificationKind kind = v1::QUALIFICATION_KIND_CERTIFICATE;
  double weeks = 0, cost_eur = 0;
  std::string source;
};

// A trade reachable from / reaching another, with its skill coverage in (0, 1].
struct TradeLink {
  TradeId trade;
  float similarity;
};

class Taxonomy {
 public:
  // Loads the shipped reference data from `data_dir` (data/ of the repository: regions.csv,
  // region_anchors.csv, spt_clusters.csv, municipalities_2015.csv, sectors.csv,
  // qualifications.csv, esco/*.csv). version() is 1.
  // Errors: NOT_FOUND for a missing file, INVALID_ARGUMENT (file:line) for bad rows.
  static absl::StatusOr<std::shared_ptr<const Taxonomy>> LoadFromDir(const std::string& data_dir);

  // --- Administrator changes: each returns a new Taxonomy with version()+1. ---
  // INVALID_ARGUMENT names the offending field ("qualification.code", ...);
  // RESOURCE_EXHAUSTED past kMaxQualifications.
  absl::StatusOr<std::shared_ptr<const Taxonomy>> WithQualification(const v1::Qualification& q) const;
  // Replaces a cluster's member regions; an empty list removes the cluster.
  absl::StatusOr<std::shared_ptr<const Taxonomy>> WithCluster(const v1::Cluster& c) const;
  absl::StatusOr<std::shared_ptr<const Taxonomy>> WithMunicipality(const v1::Municipality& m) const;
  absl::StatusOr<std::shared_ptr<const Taxonomy>> WithRegionAnchor(
      const v1::UpdateRegionAnchorRequest& anchor) const;

  uint64_t version() const { return version_; }

  // --- Look-ups (case-insensitive for names). nullopt when unknown. ---
  // A region by name or by its number as text ("20").
  std::optional<RegionId> FindRegion(std::string_view name_or_number) const;
  std::optional<RegionId> FindMunicipality(std::string_view name) const;  // -> its region
  // A trade by ESCO UUID or ESCO code ("7212.1").
  std::optional<TradeId> FindTrade(std::string_view id_or_code) const;
  std::optional<QualId> FindQualification(std::string_view code) const;
  std::optional<ClusterId> FindCluster(std::string_view name) const;

  size_t num_regions() const;
  size_t num_trades() const;
  size_t num_qualifications() const;
  size_t num_clusters() const;
  const RegionInfo& region(RegionId id) const;
  const TradeInfo& trade(TradeId id) const;
  const QualificationInfo& qualification(QualId id) const;
  const std::string& cluster_name(ClusterId id) const;
  // Municipality name (as shipped or added) -> region, sorted by name.
  std::vector<std::pair<std::string, RegionId>> municipalities() const;

  // Great-circle km between the two regions' anchors (0 on the diagonal).
  float DistanceKm(RegionId a, RegionId b) const;
  bool SameCluster(RegionId a, RegionId b) const;

  // Skill coverage of trade `to` by a person practising `from`, in [0, 1]; 1 when equal.
  // Asymmetric: see docs/scoring.md.
  float TradeSimilarity(TradeId from, TradeId to) const;
  // Trades `from` whose similarity to `to` is > 0, best first (includes `to` itself at 1).
  absl::Span<const TradeLink> TradesReaching(TradeId to) const;
  // Trades `to` that `from` reaches with similarity > 0, best first (includes `from`).
  absl::Span<const TradeLink> TradesReachableFrom(TradeId from) const;

  // Sector code ("ME") and name ("Metalektro") and SBI codes; for UNSPECIFIED: empty.
  static std::string_view SectorCode(v1::Sector s);
  static std::string_view SectorName(v1::Sector s);
  static std::string_view SectorSbi(v1::Sector s);
  // Parses "ME", "metalektro", "SECTOR_ME" (case-insensitive) into a sector.
  static std::optional<v1::Sector> ParseSector(std::string_view text);

  // Proto views for TaxonomyService.
  v1::Region RegionProto(RegionId id) const;
  v1::Trade TradeProto(TradeId id) const;
  v1::Qualification QualificationProto(QualId id) const;

 private:
  Taxonomy() = default;
  struct Data;  // Shared, immutable bulk data (ESCO, similarity lists) between versions.
  friend class TaxonomyBuilder;

  uint64_t version_ = 1;
  std::shared_ptr<const Data> data_;
  std::vector<RegionInfo> regions_;
  std::vector<std::string> cluster_names_;
  std::vector<QualificationInfo> qualifications_;
  absl::flat_hash_map<std::string, RegionId> region_by_key_;
  absl::flat_hash_map<std::string, RegionId> municipality_;
  absl::flat_hash_map<std::string, QualId> qualification_by_code_;
  std::vector<float> distance_km_;  // num_regions x num_regions, row-major.
};

}  // namespace w2w::taxonomy

#endif  // W2W_ENGINE_TAXONOMY_TAXONOMY_H_
