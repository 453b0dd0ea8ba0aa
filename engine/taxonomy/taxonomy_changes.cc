// Administrator changes: each With*() validates, copies the small mutable parts, shares the
// bulk ESCO data, and returns a new Taxonomy with version()+1.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/taxonomy/taxonomy_data.h"
#include "engine/taxonomy/text_util.h"

namespace w2w::taxonomy {
namespace {

absl::Status Invalid(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": ", ToAbsl(message)));
}

bool IsQualificationCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxQualificationCodeBytes) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// A display name: 1..max bytes, no control characters, no surrounding blanks.
absl::Status CheckName(std::string_view field, std::string_view name, size_t max_bytes) {
  if (name.empty()) return Invalid(field, "required");
  if (name.size() > max_bytes) return Invalid(field, absl::StrCat("longer than ", max_bytes, " bytes"));
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Invalid(field, "contains a control character");
    }
  }
  if (StripBlanks(name).size() != name.size()) {
    return Invalid(field, "has leading or trailing blanks");
  }
  return absl::OkStatus();
}

std::string Key(std::string_view s) { return NameKey(s); }

}  // namespace

absl::Status Taxonomy::ValidateQualification(const v1::Qualification& q) {
  if (!IsQualificationCode(q.code())) {
    return Invalid("qualification.code",
                   absl::StrCat("must be 1..", kMaxQualificationCodeBytes,
                                " bytes of A-Z, 0-9 and '-', got ", QuoteValue(q.code())));
  }
  if (absl::Status s = CheckName("qualification.name", q.name(), kMaxQualificationNameBytes);
      !s.ok()) {
    return s;
  }
  if (q.kind() != v1::QUALIFICATION_KIND_CERTIFICATE &&
      q.kind() != v1::QUALIFICATION_KIND_DIPLOMA && q.kind() != v1::QUALIFICATION_KIND_LICENCE) {
    return Invalid("qualification.kind", "must be CERTIFICATE, DIPLOMA or LICENCE");
  }
  if (!std::isfinite(q.weeks()) || q.weeks() < 0 || q.weeks() > kMaxQualificationWeeks) {
    return Invalid("qualification.weeks", absl::StrFormat("must be 0..%g", kMaxQualificationWeeks));
  }
  if (!std::isfinite(q.cost_eur()) || q.cost_eur() < 0 || q.cost_eur() > kMaxQualificationCostEur) {
    return Invalid("qualification.cost_eur",
                   absl::StrFormat("must be 0..%g", kMaxQualificationCostEur));
  }
  if (q.source().size() > kMaxSourceNoteBytes) {
    return Invalid("qualification.source", absl::StrCat("longer than ", kMaxSourceNoteBytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> Taxonomy::WithQualification(
    const v1::Qualification& q) const {
  if (absl::Status s = ValidateQualification(q); !s.ok()) return s;
  std::optional<QualId> existing = FindQualification(q.code());
  if (!existing && qualifications_.size() >= static_cast<size_t>(kMaxQualifications)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "qualification.code: the catalogue already holds the maximum of ", kMaxQualifications,
        " qualifications"));
  }
  std::shared_ptr<Taxonomy> next(new Taxonomy(*this));
  next->version_ = version_ + 1;
  QualificationInfo info{q.code(), q.name(), q.kind(), q.weeks(), q.cost_eur(), q.source()};
  if (existing) {
    next->qualifications_[*existing] = std::move(info);
  } else {
    next->qualification_by_code_.emplace(q.code(), static_cast<QualId>(qualifications_.size()));
    next->qualifications_.push_back(std::move(info));
  }
  return std::shared_ptr<const Taxonomy>(std::move(next));
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> Taxonomy::WithCluster(
    const v1::Cluster& c) const {
  if (absl::Status s = CheckName("cluster.name", c.name(), kMaxNameBytes); !s.ok()) return s;
  std::vector<RegionId> members;
  std::vector<bool> seen(regions_.size(), false);
  for (int i = 0; i < c.regions_size(); ++i) {
    const std::string field = absl::StrCat("cluster.regions[", i, "]");
    std::optional<RegionId> r = FindRegion(c.regions(i));
    if (!r) return Invalid(field, absl::StrCat("unknown region ", QuoteValue(c.regions(i))));
    if (seen[*r]) return Invalid(field, absl::StrCat("region ", QuoteValue(c.regions(i)), " listed twice"));
    seen[*r] = true;
    members.push_back(*r);
  }
  // A removed cluster keeps its slot; look it up among all names, not just active ones.
  std::optional<ClusterId> id;
  const std::string key = Key(c.name());
  for (size_t i = 0; i < cluster_names_.size(); ++i) {
    if (Key(cluster_names_[i]) == key) id = static_cast<ClusterId>(i);
  }
  if (!id && members.empty()) {
    return absl::NotFoundError(absl::StrCat("cluster.name: no cluster ", QuoteValue(c.name()), " to remove"));
  }
  if (!id && cluster_names_.size() >= static_cast<size_t>(kMaxClusters)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cluster.name: at most ", kMaxClusters, " clusters"));
  }
  std::shared_ptr<Taxonomy> next(new Taxonomy(*this));
  next->version_ = version_ + 1;
  if (!id) {
    id = static_cast<ClusterId>(cluster_names_.size());
    next->cluster_names_.push_back(c.name());
  }
  for (RegionInfo& r : next->regions_) {
    if (r.cluster == *id) r.cluster = kNoCluster;
  }
  // A member taken from another cluster moves; that cluster keeps its other members.
  for (RegionId r : members) next->regions_[r].cluster = *id;
  next->cluster_by_key_.clear();
  for (size_t i = 0; i < next->cluster_names_.size(); ++i) {
    if (!next->ClusterMembers(static_cast<ClusterId>(i)).empty()) {
      next->cluster_by_key_[Key(next->cluster_names_[i])] = static_cast<ClusterId>(i);
    }
  }
  return std::shared_ptr<const Taxonomy>(std::move(next));
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> Taxonomy::WithMunicipality(
    const v1::Municipality& m) const {
  if (absl::Status s = CheckName("municipality.name", m.name(), kMaxNameBytes); !s.ok()) return s;
  std::optional<RegionId> region = FindRegion(m.region());
  if (!region) {
    return Invalid("municipality.region", absl::StrCat("unknown region ", QuoteValue(m.region())));
  }
  const std::string key = Key(m.name());
  const bool exists = municipality_.contains(key);
  if (!exists && municipality_.size() >= static_cast<size_t>(kMaxMunicipalities)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("municipality.name: at most ", kMaxMunicipalities, " municipalities"));
  }
  if (m.has_lat() != m.has_lon()) {
    return Invalid(m.has_lat() ? "municipality.lon" : "municipality.lat",
                   "set lat and lon together (the municipality's centroid)");
  }
  MunicipalityInfo info;
  info.name = m.name();
  info.region = *region;
  if (auto it = municipality_.find(key); it != municipality_.end()) {
    const MunicipalityInfo& old = it->second;
    info.id = old.id;
    info.centroid = old.centroid;
    info.former_regions = old.former_regions;
    if (old.region != *region &&
        std::find(info.former_regions.begin(), info.former_regions.end(), old.region) ==
            info.former_regions.end()) {
      info.former_regions.push_back(old.region);
    }
  } else {
    info.id = static_cast<MunicipalityId>(municipality_.size());
  }
  if (m.has_lat()) {
    RETURN_IF_ERROR(ValidateGeoPoint(m.lat(), m.lon(), "municipality"));
    info.centroid = GeoPoint{m.lat(), m.lon()};
  }
  std::shared_ptr<Taxonomy> next(new Taxonomy(*this));
  next->version_ = version_ + 1;
  next->municipality_[key] = std::move(info);
  return std::shared_ptr<const Taxonomy>(std::move(next));
}

absl::StatusOr<std::shared_ptr<const Taxonomy>> Taxonomy::WithRegionAnchor(
    const v1::UpdateRegionAnchorRequest& anchor) const {
  std::optional<RegionId> region = FindRegion(anchor.region());
  if (!region) return Invalid("region", absl::StrCat("unknown region ", QuoteValue(anchor.region())));
  if (absl::Status s = CheckName("anchor_city", anchor.anchor_city(), kMaxNameBytes); !s.ok()) {
    return s;
  }
  RETURN_IF_ERROR(ValidateGeoPoint(anchor.lat(), anchor.lon(), ""));
  std::shared_ptr<Taxonomy> next(new Taxonomy(*this));
  next->version_ = version_ + 1;
  RegionInfo& r = next->regions_[*region];
  r.anchor_city = anchor.anchor_city();
  r.lat = anchor.lat();
  r.lon = anchor.lon();
  next->ComputeDistances();
  return std::shared_ptr<const Taxonomy>(std::move(next));
}

}  // namespace w2w::taxonomy
