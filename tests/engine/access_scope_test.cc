// Unit tests of engine/access: Scope (clusters resolved to regions, a candidate's reach
// into a coach's scope at the boundary, partner sources), CanonicalizeScope's errors
// naming the field, and the role table of permissions.h (Require for every role and
// action), on the shipped taxonomy.
#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "engine/access/caller.h"
#include "engine/access/permissions.h"
#include "engine/access/scope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::access {
namespace {

using ::testing::HasSubstr;
using w2w::testing::SharedTaxonomy;

Caller CallerOf(v1::Role role, const std::string& name, const v1::Scope& scope = {}) {
  Caller c;
  c.token.set_id("tok-" + name);
  c.token.set_name(name);
  c.token.set_role(role);
  *c.token.mutable_scope() = scope;
  return c;
}

Caller Coach(const std::vector<std::string>& clusters, const std::vector<std::string>& regions) {
  v1::Scope s;
  for (const auto& c : clusters) s.add_clusters(c);
  for (const auto& r : regions) s.add_regions(r);
  return CallerOf(v1::ROLE_COACH, "anna", s);
}

Caller Partner(const std::string& source) {
  v1::Scope s;
  s.set_source(source);
  return CallerOf(v1::ROLE_PARTNER, "uwv-sync", s);
}

taxonomy::RegionId RegionOf(const std::string& name) {
  auto r = SharedTaxonomy()->FindRegion(name);
  EXPECT_TRUE(r.has_value()) << name;
  return r.value_or(0);
}

v1::Candidate CandidateIn(const std::string& municipality, uint32_t max_travel_km, const std::string& source = "") {
  const auto& tax = *SharedTaxonomy();
  auto m = tax.LookupMunicipality(municipality);
  EXPECT_TRUE(m.has_value()) << municipality;
  v1::Candidate c;
  c.set_id("c1");
  c.set_municipality(municipality);
  c.set_region(m ? tax.region(m->region).name : "");
  c.set_max_travel_km(max_travel_km);
  c.set_source(source);
  return c;
}

v1::Vacancy VacancyIn(const std::string& region, const std::string& source = "") {
  v1::Vacancy v;
  v.set_id("v1");
  v.set_region(region);
  v.set_source(source);
  return v;
}

// Km from `municipality`'s centroid to the nearest municipality centroid or anchor of
// `region` (what a coach scoped to that region measures reach against).
double KmToRegion(const std::string& municipality, const std::string& region) {
  const auto& tax = *SharedTaxonomy();
  const taxonomy::GeoPoint home = *tax.LookupMunicipality(municipality)->centroid;
  const taxonomy::RegionId r = RegionOf(region);
  double best = taxonomy::GreatCircleKm(home, tax.RegionAnchor(r));
  for (const taxonomy::MunicipalityInfo& m : tax.municipalities()) {
    if (m.region == r && m.centroid) best = std::min(best, taxonomy::GreatCircleKm(home, *m.centroid));
  }
  return best;
}

// ---- Scope::Of --------------------------------------------------------------------------

TEST(ScopeTest, ACoachsClustersResolveToTheirRegionsPlusItsListedRegions) {
  const auto tax = SharedTaxonomy();
  const Scope scope = Scope::Of(Coach({"oost"}, {"Zuid-Limburg"}), tax);
  EXPECT_TRUE(scope.coach());
  EXPECT_FALSE(scope.unrestricted());
  std::vector<std::string> regions;
  for (size_t r = 0; r < tax->num_regions(); ++r) {
    const auto id = static_cast<taxonomy::RegionId>(r);
    if (scope.HasRegion(id)) regions.push_back(tax->region(id).name);
  }
  EXPECT_THAT(regions, ::testing::UnorderedElementsAre("IJsselvechtstreek", "Twente",
                                                       "Stedendriehoek en Noordwest Veluwe", "Achterhoek",
                                                       "Drenthe", "Zuid-Limburg"));
  EXPECT_THAT(scope.Describe(), HasSubstr("coach 'anna' (regions "));
  EXPECT_THAT(scope.Describe(), HasSubstr("Twente"));
  EXPECT_TRUE(scope.source().empty());
  // Vacancies: located in one of the regions.
  EXPECT_TRUE(scope.SeesVacancy(VacancyIn("Twente")));
  EXPECT_TRUE(scope.SeesVacancy(VacancyIn("Zuid-Limburg")));
  EXPECT_FALSE(scope.SeesVacancy(VacancyIn("Rijk van Nijmegen")));
  EXPECT_FALSE(scope.SeesVacancy(VacancyIn("")));
  // A coach writes nothing.
  EXPECT_FALSE(scope.MayWriteSource(""));
  EXPECT_FALSE(scope.MayWriteSource("uwv"));
}

TEST(ScopeTest, AClusterThatNoLongerExistsAddsNothing) {
  const Scope scope = Scope::Of(Coach({"verdwenen"}, {"Twente"}), SharedTaxonomy());
  EXPECT_EQ(scope.regions().count(), 1u);
  EXPECT_TRUE(scope.HasRegion(RegionOf("Twente")));
  const Scope none = Scope::Of(Coach({"verdwenen"}, {}), SharedTaxonomy());
  EXPECT_EQ(none.regions().count(), 0u);
  EXPECT_FALSE(none.SeesCandidate(CandidateIn("Enschede", 300), 50));
}

TEST(ScopeTest, ClustersFollowTheTaxonomy) {
  const auto tax = SharedTaxonomy();
  v1::Cluster oost = tax->ClusterProto(*tax->FindCluster("oost"));
  oost.add_regions("Rijk van Nijmegen");
  auto changed = tax->WithCluster(oost);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_FALSE(Scope::Of(Coach({"oost"}, {}), tax).HasRegion(RegionOf("Rijk van Nijmegen")));
  EXPECT_TRUE(Scope::Of(Coach({"oost"}, {}), *changed).HasRegion(RegionOf("Rijk van Nijmegen")));
}

TEST(ScopeTest, ACandidateIsInACoachsScopeWhenLivingThereOrReachingIntoIt) {
  const Scope twente = Scope::Of(Coach({}, {"Twente"}), SharedTaxonomy());
  // Living there: whatever the reach.
  EXPECT_TRUE(twente.SeesCandidate(CandidateIn("Enschede", 1), 50));
  EXPECT_TRUE(twente.SeesCandidate(CandidateIn("Almelo", 0), 1));
  // Aalten (Achterhoek) lies between 29 and 30 km from the nearest Twente municipality.
  const double km = KmToRegion("Aalten", "Twente");
  ASSERT_GT(km, 29.0);
  ASSERT_LT(km, 30.0);
  EXPECT_FALSE(twente.SeesCandidate(CandidateIn("Aalten", 25), 50));
  EXPECT_FALSE(twente.SeesCandidate(CandidateIn("Aalten", 29), 50));
  EXPECT_TRUE(twente.SeesCandidate(CandidateIn("Aalten", 30), 50));
  EXPECT_TRUE(twente.SeesCandidate(CandidateIn("Aalten", 35), 50));
  // Without max_travel_km: the policy's default reach.
  EXPECT_FALSE(twente.SeesCandidate(CandidateIn("Aalten", 0), 25));
  EXPECT_TRUE(twente.SeesCandidate(CandidateIn("Aalten", 0), 35));
  // Far away: not even with a long reach short of the distance.
  EXPECT_FALSE(twente.SeesCandidate(CandidateIn("Maastricht", 150), 50));
  EXPECT_TRUE(twente.SeesCandidate(CandidateIn("Maastricht", 300), 50));
  // A candidate with a region only is placed at its region's anchor.
  v1::Candidate anchored;
  anchored.set_region("Achterhoek");  // Doetinchem, 37 km from Twente.
  anchored.set_max_travel_km(30);
  EXPECT_FALSE(twente.SeesCandidate(anchored, 50));
  anchored.set_max_travel_km(45);
  EXPECT_TRUE(twente.SeesCandidate(anchored, 50));
}

// UpsertMunicipality moves Haaksbergen from Twente to the Achterhoek. Records written
// before keep "Twente", so a vacancy there stays a Twente coach's, and a candidate whose
// reach brings them to it must be in that coach's scope too: else the coach's shortlist
// of that vacancy would show a candidate whom Get refuses.
TEST(ScopeTest, AMunicipalityMovedOutOfTheScopeKeepsTheCandidatesWhoReachIt) {
  const auto tax = SharedTaxonomy();
  v1::Municipality moved;
  moved.set_name("Haaksbergen");
  moved.set_region("Achterhoek");
  auto changed = tax->WithMunicipality(moved);
  ASSERT_TRUE(changed.ok()) << changed.status();
  const taxonomy::Taxonomy& now = **changed;
  const taxonomy::GeoPoint haaksbergen = *now.LookupMunicipality("Haaksbergen")->centroid;
  const taxonomy::GeoPoint home = *now.LookupMunicipality("Winterswijk")->centroid;
  // Km from Winterswijk to what stays of Twente after the move.
  const taxonomy::RegionId twente_id = RegionOf("Twente");
  double km_rest = taxonomy::GreatCircleKm(home, now.RegionAnchor(twente_id));
  for (const taxonomy::MunicipalityInfo& m : now.municipalities()) {
    if (m.region == twente_id && m.centroid) km_rest = std::min(km_rest, taxonomy::GreatCircleKm(home, *m.centroid));
  }
  const double km_haaksbergen = taxonomy::GreatCircleKm(home, haaksbergen);
  const auto reach = static_cast<uint32_t>(km_haaksbergen) + 1;  // Reaches Haaksbergen only.
  ASSERT_LT(reach, km_rest) << "the case needs a candidate who reaches Haaksbergen and no other Twente place";

  const Scope twente = Scope::Of(Coach({}, {"Twente"}), *changed);
  v1::Vacancy vacancy = VacancyIn("Twente");
  vacancy.set_municipality("Haaksbergen");
  EXPECT_TRUE(twente.SeesVacancy(vacancy));
  const v1::Candidate reaching = CandidateIn("Winterswijk", reach);
  EXPECT_TRUE(twente.SeesCandidate(reaching, 1));
  EXPECT_FALSE(twente.SeesCandidate(CandidateIn("Winterswijk", reach - 2), 1)) << "short of Haaksbergen";
  // The Achterhoek's coach sees the candidate (who lives there) and not the vacancy,
  // which still says Twente.
  const Scope achterhoek = Scope::Of(Coach({}, {"Achterhoek"}), *changed);
  EXPECT_TRUE(achterhoek.SeesCandidate(reaching, 1));
  EXPECT_FALSE(achterhoek.SeesVacancy(vacancy));
}

TEST(ScopeTest, APartnerSeesAndWritesOnlyItsSource) {
  const Scope uwv = Scope::Of(Partner("uwv"), SharedTaxonomy());
  EXPECT_TRUE(uwv.partner());
  EXPECT_EQ(uwv.source(), "uwv");
  EXPECT_EQ(uwv.regions().count(), 0u);
  EXPECT_TRUE(uwv.SeesCandidate(CandidateIn("Maastricht", 10, "uwv"), 50));
  EXPECT_FALSE(uwv.SeesCandidate(CandidateIn("Maastricht", 10, "randstad"), 50));
  EXPECT_FALSE(uwv.SeesCandidate(CandidateIn("Maastricht", 10, ""), 50));
  EXPECT_FALSE(uwv.SeesCandidate(CandidateIn("Maastricht", 10, "UWV"), 50));
  EXPECT_TRUE(uwv.SeesVacancy(VacancyIn("Twente", "uwv")));
  EXPECT_FALSE(uwv.SeesVacancy(VacancyIn("Twente", "randstad")));
  EXPECT_FALSE(uwv.SeesVacancy(VacancyIn("Twente", "")));
  EXPECT_TRUE(uwv.MayWriteSource("uwv"));
  EXPECT_FALSE(uwv.MayWriteSource("randstad"));
  EXPECT_FALSE(uwv.MayWriteSource(""));
  EXPECT_EQ(uwv.Describe(), "partner 'uwv-sync' (source 'uwv')");
  // A partner token without a source (never made by CanonicalizeScope) sees nothing.
  const Scope sourceless = Scope::Of(Partner(""), SharedTaxonomy());
  EXPECT_FALSE(sourceless.SeesCandidate(CandidateIn("Maastricht", 10, ""), 50));
  EXPECT_FALSE(sourceless.SeesVacancy(VacancyIn("Twente", "")));
  EXPECT_FALSE(sourceless.MayWriteSource(""));
}

TEST(ScopeTest, AnAdministratorSeesAndWritesEverything) {
  const Scope admin = Scope::Of(CallerOf(v1::ROLE_ADMIN, "root"), SharedTaxonomy());
  EXPECT_TRUE(admin.unrestricted());
  for (size_t r = 0; r < SharedTaxonomy()->num_regions(); ++r) EXPECT_TRUE(admin.HasRegion(static_cast<taxonomy::RegionId>(r)));
  EXPECT_TRUE(admin.SeesCandidate(CandidateIn("Maastricht", 1, "x"), 50));
  EXPECT_TRUE(admin.SeesVacancy(VacancyIn("Zeeland", "")));
  EXPECT_TRUE(admin.MayWriteSource("anything"));
  EXPECT_TRUE(admin.MayWriteSource(""));
  EXPECT_EQ(admin.Describe(), "admin 'root'");
  // No role: nothing.
  const Scope nobody = Scope::Of(CallerOf(v1::ROLE_UNSPECIFIED, "x"), SharedTaxonomy());
  EXPECT_FALSE(nobody.SeesCandidate(CandidateIn("Enschede", 300, ""), 50));
  EXPECT_FALSE(nobody.SeesVacancy(VacancyIn("Twente", "")));
  EXPECT_FALSE(nobody.MayWriteSource(""));
}

// ---- CanonicalizeScope -------------------------------------------------------------------

absl::Status Canonicalize(v1::Role role, v1::Scope* scope) {
  return CanonicalizeScope(role, *SharedTaxonomy(), scope);
}

TEST(CanonicalizeScopeTest, ACoachsScopeBecomesTheTaxonomysSpelling) {
  const auto& tax = *SharedTaxonomy();
  v1::Scope s;
  s.add_clusters("OOST");
  s.add_clusters("oost");
  s.add_regions("twente");
  s.add_regions(std::to_string(tax.region(RegionOf("Twente")).number));  // Its number: a duplicate.
  s.add_regions("Zuid-Limburg");
  ASSERT_TRUE(Canonicalize(v1::ROLE_COACH, &s).ok());
  EXPECT_THAT(s.clusters(), ::testing::ElementsAre("oost"));
  EXPECT_THAT(s.regions(), ::testing::ElementsAre("Twente", "Zuid-Limburg"));
}

TEST(CanonicalizeScopeTest, ErrorsNameTheField) {
  struct Case {
    v1::Role role;
    std::vector<std::string> clusters, regions;
    std::string source;
    std::string message;  // The start of the INVALID_ARGUMENT message.
  };
  const std::string long_source(65, 'a');
  const std::vector<Case> cases = {
      {v1::ROLE_COACH, {}, {"Twente", "Atlantis"}, "", "scope.regions[1]: unknown region 'Atlantis'"},
      {v1::ROLE_COACH, {"oost", "nergens"}, {}, "", "scope.clusters[1]: unknown cluster 'nergens'"},
      {v1::ROLE_COACH, {}, {"0"}, "", "scope.regions[0]: unknown region '0'"},
      {v1::ROLE_COACH, {}, {}, "", "scope: a coach token needs at least one cluster or region"},
      {v1::ROLE_COACH, {}, {"Twente"}, "uwv", "scope.source: "},
      {v1::ROLE_PARTNER, {}, {}, "", "scope.source: required"},
      {v1::ROLE_PARTNER, {}, {"Twente"}, "uwv", "scope.regions: "},
      {v1::ROLE_PARTNER, {"oost"}, {}, "uwv", "scope.clusters: "},
      {v1::ROLE_PARTNER, {}, {}, long_source, "scope.source: longer than 64 bytes"},
      {v1::ROLE_PARTNER, {}, {}, "uwv sync", "scope.source"},
      {v1::ROLE_ADMIN, {}, {"Twente"}, "", "scope: an admin token has no scope"},
      {v1::ROLE_ADMIN, {}, {}, "uwv", "scope: an admin token has no scope"},
      {v1::ROLE_UNSPECIFIED, {}, {}, "", "role: "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    v1::Scope s;
    for (const auto& x : c.clusters) s.add_clusters(x);
    for (const auto& x : c.regions) s.add_regions(x);
    s.set_source(c.source);
    const absl::Status status = Canonicalize(c.role, &s);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(std::string(status.message()), ::testing::StartsWith(c.message));
  }
  v1::Scope ok;
  ok.set_source("uwv.nl/sync-1");
  EXPECT_TRUE(Canonicalize(v1::ROLE_PARTNER, &ok).ok());
  EXPECT_EQ(ok.source(), "uwv.nl/sync-1");
  v1::Scope none;
  EXPECT_TRUE(Canonicalize(v1::ROLE_ADMIN, &none).ok());
}

// ---- The role table ------------------------------------------------------------------

TEST(PermissionsTest, RequireFollowsTheRoleTable) {
  const Caller admin = CallerOf(v1::ROLE_ADMIN, "root");
  const Caller coach = Coach({}, {"Twente"});
  const Caller partner = Partner("uwv");
  const Caller nobody = CallerOf(v1::ROLE_UNSPECIFIED, "ghost");
  struct Row {
    Action action;
    bool admin, coach, partner;
    const char* needed;
  };
  const std::vector<Row> table = {
      {Action::kReadReference, true, true, true, ""},
      {Action::kReadRecords, true, true, true, ""},
      {Action::kWriteRecords, true, false, true, "(admin or partner role needed)"},
      {Action::kMatch, true, true, true, ""},
      {Action::kRematch, true, true, false, "(admin or coach role needed)"},
      {Action::kChangeModel, true, false, false, "(admin role needed)"},
      {Action::kManageAccess, true, false, false, "(admin role needed)"},
  };
  for (const Row& row : table) {
    SCOPED_TRACE(static_cast<int>(row.action));
    for (const auto& [caller, allowed, label] :
         {std::tuple{&admin, row.admin, "admin 'root'"}, std::tuple{&coach, row.coach, "coach 'anna'"},
          std::tuple{&partner, row.partner, "partner 'uwv-sync'"}}) {
      const absl::Status s = Require(*caller, row.action, "SomeCall");
      if (allowed) {
        EXPECT_TRUE(s.ok()) << label << ": " << s;
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << label;
        EXPECT_EQ(std::string(s.message()), std::string(label) + " may not call SomeCall " + row.needed);
      }
    }
    // A token without a role may do nothing.
    const absl::Status s = Require(nobody, row.action, "SomeCall");
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(s.message()), HasSubstr("unspecified 'ghost'"));
  }
  // The in-process system caller is an administrator.
  EXPECT_TRUE(Caller::System().admin());
  EXPECT_TRUE(Require(Caller::System(), Action::kManageAccess, "CreateToken").ok());
  EXPECT_STREQ(RoleName(v1::ROLE_COACH), "coach");
  EXPECT_STREQ(RoleName(v1::ROLE_PARTNER), "partner");
  EXPECT_STREQ(RoleName(v1::ROLE_ADMIN), "admin");
}

}  // namespace
}  // namespace w2w::access
