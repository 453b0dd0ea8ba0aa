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
inline constexpr int kMaxClusters = 250;            // Cluster slots, removed ones included.
inline constexpr int kMaxMunicipalities = 2000;
inline constexpr size_t kMaxQualificationCodeBytes = 32;
inline constexpr size_t kMaxNameBytes = 128;        // Municipality, cluster, anchor city names.
inline constexpr size_t kMaxQualificationNameBytes = 256;
inline constexpr size_t kMaxSourceNoteBytes = 256;  // Qualification.source.
inline constexpr double kMaxQualificationWeeks = 520;   // Ten years.
inline constexpr double kMaxQualificationCostEur = 1e6;
inline constexpr double kEarthRadiusKm = 6371.0;
inline constexpr ClusterId kNoCluster = -1;
// The record enums' counts, in one place. Sectors are the w2w.v1.Sector values
// 1..kNumSectors (ME..OTHER), candidate statuses the w2w.v1.CandidateStatus values
// 1..kNumStatuses; arrays of "slots" are indexed by the enum value, slot 0 (UNSPECIFIED)
// unused. Masks of sectors or statuses are uint8_t with one bit per value.
inline constexpr int kNumSectors = v1::Sector_MAX;
inline constexpr int kNumSectorSlots = kNumSectors + 1;
inline constexpr int kNumStatuses = v1::CandidateStatus_MAX;
inline constexpr int kNumStatusSlots = kNumStatuses + 1;
static_assert(v1::SECTOR_OTHER == kNumSectors, "OTHER is the last sector");
static_assert(kNumSectorSlots <= 8 && kNumStatusSlots <= 8, "masks are 8 bits");

// The language of the readable texts of one response (v1::Language; common.proto says
// what is translated). English is the API's default.
enum class Language : uint8_t { kEnglish = 0, kDutch = 1 };
inline constexpr int kNumLanguages = 2;
// The language a request's `language` field asks for: UNSPECIFIED reads as English.
// INVALID_ARGUMENT "<field>: unknown language N" for a value outside v1::Language.
absl::StatusOr<Language> ParseLanguage(int value, std::string_view field);
// The proto value of `language` (never UNSPECIFIED).
v1::Language LanguageProto(Language language);

// A point on the map, degrees WGS84.
struct GeoPoint {
  double lat = 0, lon = 0;
};
// Great-circle km between two points (haversine on a sphere of kEarthRadiusKm).
double GreatCircleKm(GeoPoint a, GeoPoint b);
// OK when lat is -90..90 and lon -180..180 (finite); else INVALID_ARGUMENT
// "<path>.lat: ..." / "<path>.lon: ..." (path empty: "lat: ...").
absl::Status ValidateGeoPoint(double lat, double lon, std::string_view path);

// A municipality (gemeente): its canonical spelling, region and, when known, the centroid
// of its area (data/municipality_centroids_2015.csv or UpsertMunicipality); distances run
// between centroids, and from the region's anchor for one without a centroid.
// `id` is dense (0..num_municipalities()-1) and stable for the life of a Taxonomy and the
// ones derived from it: the shipped ones in file order, added ones appended.
// `former_regions` are the regions it was mapped to before (UpsertMunicipality moved it),
// oldest first: records written before a move still carry one of them.
using MunicipalityId = uint16_t;
struct MunicipalityInfo {
  std::string name;
  RegionId region = 0;
  std::optional<GeoPoint> centroid;
  MunicipalityId id = 0;
  std::vector<RegionId> former_regions;
};

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
  std::string label_en, label_nl;  // ESCO preferred labels; label_nl may be empty.
  uint32_t essential_skills = 0, optional_skills = 0;

  // The label to show in `language`: label_nl for Dutch, label_en for English and for a
  // trade without a Dutch label (the documented fallback, common.proto).
  const std::string& Label(Language language) const {
    return language == Language::kDutch && !label_nl.empty() ? label_nl : label_en;
  }
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
  // Replaces a cluster's member regions (creating the cluster when the name is new); an
  // empty list removes it (NOT_FOUND when no such cluster exists). A listed region that was
  // in another cluster moves to this one. INVALID_ARGUMENT "cluster.regions[i]" for an
  // unknown or repeated region; RESOURCE_EXHAUSTED past kMaxClusters.
  absl::StatusOr<std::shared_ptr<const Taxonomy>> WithCluster(const v1::Cluster& c) const;
  // Maps a (new or existing) municipality onto a region; the given spelling becomes the
  // canonical one. With lat and lon it sets the municipality's centroid; without them an
  // existing municipality keeps its centroid and a new one has none (its distances run
  // from the region's anchor). INVALID_ARGUMENT "municipality.name" /
  // "municipality.region" / "municipality.lat" / "municipality.lon" (ranges as
  // ValidateGeoPoint; only one of the two set is an error); RESOURCE_EXHAUSTED past
  // kMaxMunicipalities.
  absl::StatusOr<std::shared_ptr<const Taxonomy>> WithMunicipality(const v1::Municipality& m) const;
  // Moves a region's anchor and recomputes its distances. INVALID_ARGUMENT "region",
  // "anchor_city" (1..128 bytes), "lat" (-90..90), "lon" (-180..180).
  absl::StatusOr<std::shared_ptr<const Taxonomy>> WithRegionAnchor(
      const v1::UpdateRegionAnchorRequest& anchor) const;

  // The checks WithQualification applies: OK or INVALID_ARGUMENT "qualification.<field>: ...".
  // code 1..32 bytes of A-Z, 0-9, '-'; name 1..256 bytes; kind CERTIFICATE, DIPLOMA or
  // LICENCE; weeks 0..520 and cost_eur 0..1e6, finite; source at most 256 bytes.
  static absl::Status ValidateQualification(const v1::Qualification& q);

  uint64_t version() const { return version_; }

  // --- Look-ups (ASCII case-insensitive for names, surrounding blanks ignored). nullopt
  // when unknown. Preconditions for the accessors below: ids in range (checked by assert).
  // Region ids follow the UWV numbers: the region with number N is id N-1 as shipped.
  // A region by name or by its number as text ("20").
  std::optional<RegionId> FindRegion(std::string_view name_or_number) const;
  std::optional<RegionId> FindMunicipality(std::string_view name) const;  // -> its region
  // A trade by ESCO UUID or ESCO code ("7212.1").
  std::optional<TradeId> FindTrade(std::string_view id_or_code) const;
  std::optional<QualId> FindQualification(std::string_view code) const;
  // A cluster by name; removed clusters (no member regions) are not found.
  std::optional<ClusterId> FindCluster(std::string_view name) const;
  // A municipality's canonical spelling, region and centroid. `name` views storage of this
  // Taxonomy.
  struct MunicipalityRef {
    std::string_view name;
    RegionId region;
    std::optional<GeoPoint> centroid;
    MunicipalityId id;
  };
  std::optional<MunicipalityRef> LookupMunicipality(std::string_view name) const;

  size_t num_regions() const;
  size_t num_trades() const;
  size_t num_qualifications() const;
  size_t num_clusters() const;
  const RegionInfo& region(RegionId id) const;
  const TradeInfo& trade(TradeId id) const;
  const QualificationInfo& qualification(QualId id) const;
  // Ids 0..num_clusters()-1 stay valid forever: a removed cluster keeps its id and name but
  // has no member regions (ClusterMembers is empty); upserting it again reuses the id.
  const std::string& cluster_name(ClusterId id) const;
  // Member regions of a cluster in id order; empty for a removed cluster.
  std::vector<RegionId> ClusterMembers(ClusterId id) const;
  // Every municipality (as shipped or added), sorted by name.
  std::vector<MunicipalityInfo> municipalities() const;
  size_t num_municipalities() const { return municipality_.size(); }
  // The region's anchor city as a point.
  GeoPoint RegionAnchor(RegionId id) const;

  // Great-circle km between the two regions' anchors (0 on the diagonal).
  float DistanceKm(RegionId a, RegionId b) const;
  bool SameCluster(RegionId a, RegionId b) const;

  // Skill coverage of trade `to` by a person practising `from`, in [0, 1]; 1 when equal.
  // ASYMMETRIC: with w(s) = 1 for an essential and 0.5 for an optional ESCO skill of `to`,
  // and h(s) = 1 when s is essential for `from`, 0.5 when optional for `from`, else 0:
  //   sim(from -> to) = sum_{s in skills(to)} w(s) * h(s) / sum_{s in skills(to)} w(s),
  // and sim(A -> A) = 1. So a specialist whose skills include most of a generalist's
  // reaches the generalist trade more easily than the reverse. A trade without skills is
  // reached by nobody but itself. O(1): a dense num_trades^2 matrix. See docs/scoring.md.
  float TradeSimilarity(TradeId from, TradeId to) const;
  // Trades `from` whose similarity to `to` is > 0, best first, ties by ascending id
  // (includes `to` itself at 1). The span lives as long as this Taxonomy.
  absl::Span<const TradeLink> TradesReaching(TradeId to) const;
  // Trades `to` that `from` reaches with similarity > 0, best first, ties by ascending id
  // (includes `from`). The span lives as long as this Taxonomy.
  absl::Span<const TradeLink> TradesReachableFrom(TradeId from) const;

  // Sector code ("ME") and name ("Metalektro") and SBI codes; for UNSPECIFIED: empty.
  static std::string_view SectorCode(v1::Sector s);
  static std::string_view SectorName(v1::Sector s);
  static std::string_view SectorSbi(v1::Sector s);
  // Parses "ME", "metalektro", "SECTOR_ME" (case-insensitive) into a sector.
  static std::optional<v1::Sector> ParseSector(std::string_view text);

  // Proto views for TaxonomyService.
  v1::Region RegionProto(RegionId id) const;
  // Trade.label is in `language`.
  v1::Trade TradeProto(TradeId id, Language language = Language::kEnglish) const;
  v1::Qualification QualificationProto(QualId id) const;
  v1::Cluster ClusterProto(ClusterId id) const;

 private:
  Taxonomy() = default;
  Taxonomy(const Taxonomy&) = default;  // Used by the With*() changes only.
  Taxonomy& operator=(const Taxonomy&) = delete;
  struct Data;  // Shared, immutable bulk data (ESCO, similarity lists) between versions.
  friend class TaxonomyBuilder;

  // Recomputes distance_km_ from the region anchors.
  void ComputeDistances();
  // Rebuilds region_by_key_ and region_by_number_ from regions_.
  void IndexRegions();

  uint64_t version_ = 1;
  std::shared_ptr<const Data> data_;
  std::vector<RegionInfo> regions_;
  std::vector<std::string> cluster_names_;
  std::vector<QualificationInfo> qualifications_;
  absl::flat_hash_map<std::string, RegionId> region_by_key_;       // lower-case name
  absl::flat_hash_map<uint32_t, RegionId> region_by_number_;
  absl::flat_hash_map<std::string, ClusterId> cluster_by_key_;     // lower-case; active only
  // Lower-case name -> the municipality.
  absl::flat_hash_map<std::string, MunicipalityInfo> municipality_;
  absl::flat_hash_map<std::string, QualId> qualification_by_code_;  // upper-case code
  std::vector<float> distance_km_;  // num_regions x num_regions, row-major.
};

}  // namespace w2w::taxonomy

#endif  // W2W_ENGINE_TAXONOMY_TAXONOMY_H_
