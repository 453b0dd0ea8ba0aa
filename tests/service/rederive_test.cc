// Integration test of a taxonomy change that moves records, against the real w2w-server
// (engine/internal/rederive.h): UpsertMunicipality maps Haaksbergen from Twente onto the
// Achterhoek, and the candidates and vacancies stored there move with it (region,
// version), in lists and shortlists at once, and still after a restart and a SIGKILL.
#include <memory>
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
using ::testing::Not;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::MakeCandidate;
using testkit::MakeVacancy;
using testkit::ServerProcess;

constexpr char kMoved[] = "Haaksbergen";  // Twente in the shipped data.
constexpr char kAchterhoek[] = "Achterhoek";

std::vector<std::string> CandidateIdsIn(ServerProcess& server, const std::string& region) {
  v1::ListCandidatesRequest request;
  request.set_region(region);
  request.set_page_size(1000);
  v1::ListCandidatesResponse response;
  EXPECT_THAT(server.candidates()->ListCandidates(ContextWithDeadline().get(), request, &response), IsOk());
  std::vector<std::string> ids;
  for (const v1::Candidate& c : response.candidates()) ids.push_back(c.id());
  return ids;
}

std::vector<std::string> ShortlistIn(ServerProcess& server, const std::string& vacancy_id,
                                     const std::string& region) {
  v1::ShortlistRequest request;
  request.set_vacancy_id(vacancy_id);
  request.set_k(100);
  request.mutable_filter()->add_regions(region);
  v1::ShortlistResponse response;
  EXPECT_THAT(server.match()->Shortlist(ContextWithDeadline().get(), request, &response), IsOk());
  std::vector<std::string> ids;
  for (const v1::CandidateMatch& m : response.matches()) ids.push_back(m.candidate_id());
  return ids;
}

TEST(RederiveTest, ARemappedMunicipalityMovesItsRecordsDurably) {
  auto started = ServerProcess::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;

  // A candidate and a vacancy in Haaksbergen, with the same trade so they match.
  v1::Candidate candidate = MakeCandidate("cand-haaks", 0);
  candidate.clear_region();
  candidate.set_municipality(kMoved);
  v1::UpsertCandidateRequest upsert;
  *upsert.mutable_candidate() = candidate;
  v1::UpsertCandidateResponse written;
  ASSERT_THAT(server.candidates()->UpsertCandidate(ContextWithDeadline().get(), upsert, &written), IsOk());
  ASSERT_EQ(written.candidate().region(), testkit::kTwente);
  v1::Vacancy vacancy = MakeVacancy("vac-haaks", 0);
  vacancy.clear_region();
  vacancy.set_municipality(kMoved);
  vacancy.set_trade(candidate.trades(0).code());
  vacancy.set_sector(candidate.sector());
  vacancy.clear_required_qualifications();
  v1::UpsertVacancyRequest upsert_vacancy;
  *upsert_vacancy.mutable_vacancy() = vacancy;
  v1::UpsertVacancyResponse vac_written;
  ASSERT_THAT(server.vacancies()->UpsertVacancy(ContextWithDeadline().get(), upsert_vacancy, &vac_written), IsOk());
  ASSERT_THAT(ShortlistIn(server, "vac-haaks", testkit::kTwente), Contains("cand-haaks"));

  v1::UpsertMunicipalityRequest remap;
  remap.mutable_municipality()->set_name(kMoved);
  remap.mutable_municipality()->set_region(kAchterhoek);
  v1::TaxonomyChange change;
  ASSERT_THAT(server.taxonomy()->UpsertMunicipality(ContextWithDeadline().get(), remap, &change), IsOk());

  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    v1::GetCandidateRequest get;
    get.set_id("cand-haaks");
    v1::Candidate stored;
    ASSERT_THAT(server.candidates()->GetCandidate(ContextWithDeadline().get(), get, &stored), IsOk());
    EXPECT_EQ(stored.region(), kAchterhoek);
    EXPECT_EQ(stored.version(), 2u);
    v1::GetVacancyRequest get_vacancy;
    get_vacancy.set_id("vac-haaks");
    v1::Vacancy stored_vacancy;
    ASSERT_THAT(server.vacancies()->GetVacancy(ContextWithDeadline().get(), get_vacancy, &stored_vacancy), IsOk());
    EXPECT_EQ(stored_vacancy.region(), kAchterhoek);
    EXPECT_THAT(CandidateIdsIn(server, kAchterhoek), Contains("cand-haaks"));
    EXPECT_THAT(CandidateIdsIn(server, testkit::kTwente), Not(Contains("cand-haaks")));
    EXPECT_THAT(ShortlistIn(server, "vac-haaks", kAchterhoek), Contains("cand-haaks"));
    EXPECT_THAT(ShortlistIn(server, "vac-haaks", testkit::kTwente), Not(Contains("cand-haaks")));
  };
  check("after the change");
  ASSERT_TRUE(server.Stop().ok());
  ASSERT_TRUE(server.Restart().ok());
  check("after a restart");
  ASSERT_TRUE(server.Kill().ok());
  ASSERT_TRUE(server.Restart().ok());
  check("after a SIGKILL");
}

}  // namespace
}  // namespace w2w
