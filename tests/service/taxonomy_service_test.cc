// TaxonomyService over gRPC against the real w2w-server: the shipped reference data is
// listed (regions, clusters, municipalities, sectors, trades with filters and paging,
// qualifications), and an administrator's change is versioned, used by validation at
// once, and still there after a restart.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using testkit::StatusIs;

constexpr int kRegions = 35;
constexpr int kSectors = 6;

class TaxonomyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = ServerProcess::Start();
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    taxonomy_ = server_->taxonomy();
  }
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::TaxonomyService::Stub> taxonomy_;
};

TEST_F(TaxonomyServiceTest, ListsTheShippedReferenceData) {
  v1::ListRegionsResponse regions;
  ASSERT_THAT(taxonomy_->ListRegions(ContextWithDeadline().get(), {}, &regions), IsOk());
  ASSERT_EQ(regions.regions_size(), kRegions);
  EXPECT_EQ(regions.taxonomy_version(), 1u);
  std::set<std::string> names;
  for (const auto& r : regions.regions()) names.insert(r.name());
  EXPECT_THAT(names, Contains(testkit::kZuidoostBrabant));

  v1::ListClustersResponse clusters;
  ASSERT_THAT(taxonomy_->ListClusters(ContextWithDeadline().get(), {}, &clusters), IsOk());
  ASSERT_GT(clusters.clusters_size(), 0);
  bool twente_in_oost = false;
  for (const auto& c : clusters.clusters()) {
    EXPECT_GT(c.regions_size(), 0) << c.name();
    for (const auto& r : c.regions()) twente_in_oost |= c.name() == "oost" && r == testkit::kTwente;
  }
  EXPECT_TRUE(twente_in_oost);

  v1::ListMunicipalitiesRequest in_twente;
  in_twente.set_region("twente");
  v1::ListMunicipalitiesResponse municipalities;
  ASSERT_THAT(
      taxonomy_->ListMunicipalities(ContextWithDeadline().get(), in_twente, &municipalities),
      IsOk());
  ASSERT_GT(municipalities.municipalities_size(), 5);
  std::vector<std::string> regions_of;
  std::set<std::string> municipality_names;
  for (const auto& m : municipalities.municipalities()) {
    regions_of.push_back(m.region());
    municipality_names.insert(m.name());
  }
  EXPECT_THAT(regions_of, Each(std::string(testkit::kTwente)));
  EXPECT_THAT(municipality_names, Contains(testkit::kEnschede));
  v1::ListMunicipalitiesResponse all;
  ASSERT_THAT(taxonomy_->ListMunicipalities(ContextWithDeadline().get(), {}, &all), IsOk());
  EXPECT_GT(all.municipalities_size(), 300);

  v1::ListSectorsResponse sectors;
  ASSERT_THAT(taxonomy_->ListSectors(ContextWithDeadline().get(), {}, &sectors), IsOk());
  ASSERT_EQ(sectors.sectors_size(), kSectors);
  EXPECT_EQ(sectors.sectors(0).code(), "ME");
  EXPECT_EQ(sectors.sectors(0).name(), "Metalektro");
  EXPECT_THAT(sectors.sectors(0).sbi(), HasSubstr("25-30"));

  v1::ListQualificationsResponse qualifications;
  ASSERT_THAT(taxonomy_->ListQualifications(ContextWithDeadline().get(), {}, &qualifications),
              IsOk());
  bool vca = false;
  for (const auto& q : qualifications.qualifications()) {
    if (q.code() != testkit::kVcaBasis) continue;
    vca = true;
    EXPECT_GT(q.weeks(), 0);
    EXPECT_GT(q.cost_eur(), 0);
    EXPECT_FALSE(q.source().empty());
  }
  EXPECT_TRUE(vca);
}

TEST_F(TaxonomyServiceTest, TradesFilterAndPage) {
  v1::ListTradesRequest welders;
  welders.set_query("WELDER");  // Case-insensitive, on labels, codes and ids.
  v1::ListTradesResponse found;
  ASSERT_THAT(taxonomy_->ListTrades(ContextWithDeadline().get(), welders, &found), IsOk());
  std::set<std::string> codes;
  for (const auto& t : found.trades()) codes.insert(t.esco_code());
  EXPECT_THAT(codes, Contains(testkit::kWelderCode));
  EXPECT_THAT(codes, Contains(testkit::kPipeWelderCode));
  EXPECT_TRUE(found.next_page_token().empty());

  v1::ListTradesRequest dutch;
  dutch.set_query("lasser");
  ASSERT_THAT(taxonomy_->ListTrades(ContextWithDeadline().get(), dutch, &found), IsOk());
  EXPECT_GT(found.trades_size(), 0);

  // ISCO group 72 (metal, machinery and related trades), paged by 10: every page full
  // but the last, no duplicates, all in the group.
  v1::ListTradesRequest group;
  group.set_isco_group("72");
  group.set_page_size(10);
  std::set<std::string> ids;
  int pages = 0;
  for (; pages < 100; ++pages) {
    v1::ListTradesResponse page;
    ASSERT_THAT(taxonomy_->ListTrades(ContextWithDeadline().get(), group, &page), IsOk());
    for (const auto& t : page.trades()) {
      EXPECT_THAT(t.isco_group(), StartsWith("72"));
      EXPECT_TRUE(ids.insert(t.id()).second) << "duplicate " << t.id();
    }
    if (page.next_page_token().empty()) break;
    EXPECT_EQ(page.trades_size(), 10);
    group.set_page_token(page.next_page_token());
  }
  EXPECT_GT(ids.size(), 10u);
  EXPECT_EQ(pages, static_cast<int>((ids.size() - 1) / 10));
  EXPECT_TRUE(ids.count(testkit::kWelderId) > 0);
}

TEST_F(TaxonomyServiceTest, AnAddedQualificationIsVersionedUsableAndDurable) {
  v1::UpsertQualificationRequest add;
  v1::Qualification* q = add.mutable_qualification();
  q->set_code("WATERSTOF-1");
  q->set_name("Veilig werken met waterstof");
  q->set_kind(v1::QUALIFICATION_KIND_CERTIFICATE);
  q->set_weeks(1);
  q->set_cost_eur(800);
  q->set_source("test");
  v1::TaxonomyChange change;
  ASSERT_THAT(taxonomy_->UpsertQualification(ContextWithDeadline().get(), add, &change), IsOk());
  EXPECT_EQ(change.taxonomy_version(), 2u);

  // Validation knows it at once.
  v1::UpsertCandidateRequest candidate;
  *candidate.mutable_candidate() = testkit::MakeCandidate("h2");
  candidate.mutable_candidate()->clear_qualifications();
  candidate.mutable_candidate()->add_qualifications("WATERSTOF-1");
  v1::UpsertCandidateResponse written;
  ASSERT_THAT(
      server_->candidates()->UpsertCandidate(ContextWithDeadline().get(), candidate, &written),
      IsOk());

  // A bad one names the field.
  q->set_code("lower case");
  EXPECT_THAT(taxonomy_->UpsertQualification(ContextWithDeadline().get(), add, &change),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("qualification.code")));

  absl::StatusOr<int> code = server_->Stop();
  ASSERT_TRUE(code.ok() && *code == 0);
  ASSERT_TRUE(server_->Restart().ok());
  auto taxonomy = server_->taxonomy();
  v1::ListQualificationsResponse listed;
  ASSERT_THAT(taxonomy->ListQualifications(ContextWithDeadline().get(), {}, &listed), IsOk());
  EXPECT_EQ(listed.taxonomy_version(), 2u);
  bool found = false;
  for (const auto& item : listed.qualifications()) found |= item.code() == "WATERSTOF-1";
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace w2w
