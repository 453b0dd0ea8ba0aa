#include "engine/access/scope.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/common/text.h"
#include "engine/validate/validate.h"

namespace w2w::access {
namespace {

constexpr size_t kMaxSourceBytes = 64;

absl::Status Invalid(std::string_view path, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(what)));
}

// The point a record is located at: its municipality's centroid, else its region's anchor.
std::optional<taxonomy::GeoPoint> PlaceOf(const taxonomy::Taxonomy& tax, const std::string& municipality,
                                          const std::string& region) {
  if (!municipality.empty()) {
    if (auto m = tax.LookupMunicipality(municipality); m && m->centroid) return m->centroid;
  }
  if (auto r = tax.FindRegion(region)) return tax.RegionAnchor(*r);
  return std::nullopt;
}

}  // namespace

Scope Scope::Of(const Caller& caller, std::shared_ptr<const taxonomy::Taxonomy> taxonomy) {
  const taxonomy::Taxonomy& tax = *taxonomy;
  Scope s;
  s.role_ = caller.role();
  s.name_ = caller.name();
  s.tax_ = std::move(taxonomy);
  switch (s.role_) {
    case v1::ROLE_ADMIN:
      s.regions_.set();
      break;
    case v1::ROLE_PARTNER:
      s.source_ = caller.token.scope().source();
      break;
    case v1::ROLE_COACH: {
      for (const std::string& name : caller.token.scope().clusters()) {
        if (auto c = tax.FindCluster(name)) {
          for (taxonomy::RegionId r : tax.ClusterMembers(*c)) s.regions_.set(r);
        }
      }
      for (const std::string& name : caller.token.scope().regions()) {
        if (auto r = tax.FindRegion(name)) s.regions_.set(*r);
      }
      for (size_t r = 0; r < tax.num_regions(); ++r) {
        if (!s.regions_[r]) continue;
        const auto id = static_cast<taxonomy::RegionId>(r);
        s.region_names_.push_back(tax.region(id).name);
        s.points_.push_back(tax.RegionAnchor(id));
      }
      // A municipality of the scope's regions, or one moved out of them
      // (UpsertMunicipality): records written before the move still carry a region of
      // the scope, so a vacancy there is the coach's, and a candidate whose reach brings
      // them to it must be too (else a shortlist would show a candidate Get refuses).
      for (const taxonomy::MunicipalityInfo& m : tax.municipalities()) {
        if (!m.centroid) continue;
        const bool in_scope = s.regions_[m.region] ||
                              std::any_of(m.former_regions.begin(), m.former_regions.end(),
                                          [&](taxonomy::RegionId r) { return s.regions_[r]; });
        if (in_scope) s.points_.push_back(*m.centroid);
      }
      break;
    }
    default:
      break;  // An unknown role sees nothing.
  }
  return s;
}

bool Scope::SeesCandidate(const v1::Candidate& c, double default_travel_km) const {
  switch (role_) {
    case v1::ROLE_ADMIN:
      return true;
    case v1::ROLE_PARTNER:
      return !source_.empty() && c.source() == source_;
    case v1::ROLE_COACH: {
      auto region = tax_->FindRegion(c.region());
      if (region && regions_[*region]) return true;
      const std::optional<taxonomy::GeoPoint> home = PlaceOf(*tax_, c.municipality(), c.region());
      if (!home) return false;
      const double reach = c.max_travel_km() > 0 ? c.max_travel_km() : default_travel_km;
      return std::any_of(points_.begin(), points_.end(), [&](const taxonomy::GeoPoint& p) {
        return taxonomy::GreatCircleKm(*home, p) <= reach;
      });
    }
    default:
      return false;
  }
}

bool Scope::SeesVacancy(const v1::Vacancy& v) const {
  switch (role_) {
    case v1::ROLE_ADMIN:
      return true;
    case v1::ROLE_PARTNER:
      return !source_.empty() && v.source() == source_;
    case v1::ROLE_COACH: {
      auto region = tax_->FindRegion(v.region());
      return region && regions_[*region];
    }
    default:
      return false;
  }
}

bool Scope::MayWriteSource(const std::string& source) const {
  if (role_ == v1::ROLE_ADMIN) return true;
  return role_ == v1::ROLE_PARTNER && !source_.empty() && source == source_;
}

std::string Scope::Describe() const {
  switch (role_) {
    case v1::ROLE_ADMIN:
      return absl::StrCat("admin ", QuoteValue(name_));
    case v1::ROLE_PARTNER:
      return absl::StrCat("partner ", QuoteValue(name_), " (source ", QuoteValue(source_), ")");
    case v1::ROLE_COACH:
      return absl::StrCat("coach ", QuoteValue(name_), " (regions ", absl::StrJoin(region_names_, ", "), ")");
    default:
      return absl::StrCat("token ", QuoteValue(name_), " without a role");
  }
}

absl::Status CanonicalizeScope(v1::Role role, const taxonomy::Taxonomy& tax, v1::Scope* scope) {
  switch (role) {
    case v1::ROLE_ADMIN:
      if (scope->clusters_size() > 0 || scope->regions_size() > 0 || !scope->source().empty()) {
        return Invalid("scope", "an admin token has no scope (it sees every record)");
      }
      return absl::OkStatus();
    case v1::ROLE_PARTNER: {
      if (scope->clusters_size() > 0 || scope->regions_size() > 0) {
        return Invalid(scope->clusters_size() > 0 ? "scope.clusters" : "scope.regions",
                       "a partner token is scoped by source only");
      }
      if (scope->source().empty()) return Invalid("scope.source", "required for a partner token");
      if (scope->source().size() > kMaxSourceBytes) {
        return Invalid("scope.source", absl::StrCat("longer than ", kMaxSourceBytes, " bytes"));
      }
      return validate::ValidateId(scope->source(), "scope.source");
    }
    case v1::ROLE_COACH: {
      if (!scope->source().empty()) return Invalid("scope.source", "a coach token is scoped by cluster or region");
      if (scope->clusters_size() == 0 && scope->regions_size() == 0) {
        return Invalid("scope", "a coach token needs at least one cluster or region");
      }
      std::vector<std::string> clusters, regions;
      for (int i = 0; i < scope->clusters_size(); ++i) {
        auto c = tax.FindCluster(scope->clusters(i));
        if (!c) {
          return Invalid(absl::StrCat("scope.clusters[", i, "]"),
                         absl::StrCat("unknown cluster ", QuoteValue(scope->clusters(i))));
        }
        const std::string& name = tax.cluster_name(*c);
        if (std::find(clusters.begin(), clusters.end(), name) == clusters.end()) clusters.push_back(name);
      }
      for (int i = 0; i < scope->regions_size(); ++i) {
        auto r = tax.FindRegion(scope->regions(i));
        if (!r) {
          return Invalid(absl::StrCat("scope.regions[", i, "]"),
                         absl::StrCat("unknown region ", QuoteValue(scope->regions(i))));
        }
        const std::string& name = tax.region(*r).name;
        if (std::find(regions.begin(), regions.end(), name) == regions.end()) regions.push_back(name);
      }
      scope->clear_clusters();
      scope->clear_regions();
      for (std::string& c : clusters) scope->add_clusters(std::move(c));
      for (std::string& r : regions) scope->add_regions(std::move(r));
      return absl::OkStatus();
    }
    default:
      return Invalid("role", "required: ROLE_ADMIN, ROLE_COACH or ROLE_PARTNER");
  }
}

}  // namespace w2w::access
