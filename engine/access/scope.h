// Scope: what one caller may see and change, resolved against one taxonomy
// (docs/security.md, "Roles and scope").
//
//   admin    everything.
//   coach    vacancies located in the scope's regions (its clusters' current member
//            regions plus its listed regions); candidates who live there, or whose reach
//            (max_travel_km, or the policy default) from home extends into a municipality
//            of the scope (one of its regions' now, or moved out of one by
//            UpsertMunicipality: records written before the move keep the old region, so
//            a vacancy there stays the coach's and so do the candidates who reach it).
//            Writes no records.
//   partner  records whose `source` is its source, for reading and for writing.
//
// CanonicalizeScope checks a new token's scope (INVALID_ARGUMENT naming "scope.<field>").
//
// Resolving a coach's scope walks the taxonomy's municipalities: resolve once per token
// and taxonomy version (TokenRegistry::ScopeOf caches it), not per record.
//
// Thread safety: a Scope is immutable after Of(); functions are pure.
#ifndef W2W_ENGINE_ACCESS_SCOPE_H_
#define W2W_ENGINE_ACCESS_SCOPE_H_

#include <bitset>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/access/caller.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::access {

class Scope {
 public:
  // The caller's scope under `tax`. A coach cluster that no longer exists adds nothing.
  static Scope Of(const Caller& caller, std::shared_ptr<const taxonomy::Taxonomy> tax);

  bool unrestricted() const { return role_ == v1::ROLE_ADMIN; }
  bool coach() const { return role_ == v1::ROLE_COACH; }
  bool partner() const { return role_ == v1::ROLE_PARTNER; }
  // A partner's source; empty for the other roles.
  const std::string& source() const { return source_; }
  // A coach's regions (by RegionId); every region for an administrator, none for a partner.
  bool HasRegion(taxonomy::RegionId region) const { return regions_[region]; }
  const std::bitset<taxonomy::kMaxRegions>& regions() const { return regions_; }

  // Whether the caller may read the stored (canonical) candidate. `default_travel_km` is
  // the policy's reach for a candidate without max_travel_km.
  bool SeesCandidate(const v1::Candidate& candidate, double default_travel_km) const;
  // Whether the caller may read the stored (canonical) vacancy.
  bool SeesVacancy(const v1::Vacancy& vacancy) const;
  // Whether the caller may write (create, change, delete) a record with `source`.
  bool MayWriteSource(const std::string& source) const;

  // For messages: "coach 'anna' (regions Twente, Achterhoek)", "partner 'uwv-sync'
  // (source 'uwv')", "admin 'root'".
  std::string Describe() const;

 private:
  v1::Role role_ = v1::ROLE_UNSPECIFIED;
  std::string name_;
  std::string source_;
  std::bitset<taxonomy::kMaxRegions> regions_;
  std::vector<std::string> region_names_;     // For Describe().
  std::vector<taxonomy::GeoPoint> points_;    // Coach: centroids and anchors in the scope.
  std::shared_ptr<const taxonomy::Taxonomy> tax_;
};

// Checks and canonicalises the scope of a new token of `role` in place: a coach needs at
// least one cluster or region, each known to `tax` (names become the taxonomy's
// spelling, numbers region names, duplicates go); a partner exactly a source (1..64
// bytes of [A-Za-z0-9._:@/-]) and nothing else; an administrator nothing.
// INVALID_ARGUMENT "scope.regions[1]: unknown region 'x'" and the like.
absl::Status CanonicalizeScope(v1::Role role, const taxonomy::Taxonomy& tax, v1::Scope* scope);

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_SCOPE_H_
