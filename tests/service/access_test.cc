// Access control against the real w2w-server: bearer tokens, the role table and record
// scopes on every RPC of every w2w service (streams included).
//
// The scenario: welders and welding vacancies in Twente and the Achterhoek (both in SPT
// cluster "Oost"), around Nijmegen (outside Oost, 27 km from its nearest municipality)
// and in Zuid-Limburg (far away), from two partner sources, "uwv" and "randstad". Tokens:
// the administrator, coach-oost (cluster Oost), coach-twente (region Twente),
// partner-uwv and partner-randstad. For each RPC one call in scope works and one outside
// it is refused: UNAUTHENTICATED without, with a bad or a revoked or an expired token;
// PERMISSION_DENIED naming the role for a role that may not call it; NOT_FOUND for an
// out-of-scope id, with exactly the message of an unknown id; out-of-scope records absent
// from listings, shortlists, MatchCandidate and rematch results.
//
// One server serves the whole suite (started in SetUpTestSuite; under ctest each test is
// its own process, so each starts its own); every test leaves the scenario as it found
// it (its writes use ids of their own). AccessRestartTest owns a server it restarts.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/probes.h"
#include "tests/testkit/records.h"
#include "w2w/v1/watch.grpc.pb.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using testkit::StatusIs;

constexpr absl::Duration kCallTimeout = absl::Seconds(30);
// A well-formed secret that no server ever issued.
constexpr char kBadToken[] = "w2w_0000000000000000000000000000000000000000000000000000000000000000";

// ---- Calls ---------------------------------------------------------------------------

// The stubs of every w2w service over one channel (one token), and one helper per RPC.
class Api {
 public:
  explicit Api(const std::shared_ptr<grpc::Channel>& channel)
      : candidates_(v1::CandidateService::NewStub(channel)),
        vacancies_(v1::VacancyService::NewStub(channel)),
        match_(v1::MatchService::NewStub(channel)),
        rematch_(v1::RematchService::NewStub(channel)),
        policy_(v1::PolicyService::NewStub(channel)),
        taxonomy_(v1::TaxonomyService::NewStub(channel)),
        info_(v1::ServerInfoService::NewStub(channel)),
        access_(v1::AccessService::NewStub(channel)),
        watch_(v1::WatchService::NewStub(channel)) {}

  template <typename Stub, typename Request, typename Response>
  static grpc::Status Call(Stub* stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                           const Request& request, std::type_identity_t<Response>* out) {
    Response ignored;
    auto context = ContextWithDeadline(kCallTimeout);
    return (stub->*method)(context.get(), request, out != nullptr ? out : &ignored);
  }

  // CandidateService.
  grpc::Status UpsertCandidate(const v1::Candidate& c, v1::UpsertCandidateResponse* out = nullptr) {
    v1::UpsertCandidateRequest r;
    *r.mutable_candidate() = c;
    return Call(candidates_.get(), &v1::CandidateService::Stub::UpsertCandidate, r, out);
  }
  grpc::Status GetCandidate(const std::string& id, v1::Candidate* out = nullptr) {
    v1::GetCandidateRequest r;
    r.set_id(id);
    return Call(candidates_.get(), &v1::CandidateService::Stub::GetCandidate, r, out);
  }
  grpc::Status DeleteCandidate(const std::string& id) {
    v1::DeleteCandidateRequest r;
    r.set_id(id);
    return Call<v1::CandidateService::Stub, v1::DeleteCandidateRequest, v1::DeleteCandidateResponse>(
        candidates_.get(), &v1::CandidateService::Stub::DeleteCandidate, r, nullptr);
  }
  grpc::Status ListCandidates(v1::ListCandidatesResponse* out, const v1::ListCandidatesRequest& r = {}) {
    return Call(candidates_.get(), &v1::CandidateService::Stub::ListCandidates, r, out);
  }
  grpc::Status ImportCandidates(const std::vector<v1::Candidate>& items, v1::ImportSummary* out = nullptr) {
    v1::ImportSummary ignored;
    auto context = ContextWithDeadline(kCallTimeout);
    auto writer = candidates_->ImportCandidates(context.get(), out != nullptr ? out : &ignored);
    for (const v1::Candidate& c : items) {
      v1::ImportCandidatesRequest r;
      *r.mutable_candidate() = c;
      if (!writer->Write(r)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // VacancyService.
  grpc::Status UpsertVacancy(const v1::Vacancy& v, v1::UpsertVacancyResponse* out = nullptr) {
    v1::UpsertVacancyRequest r;
    *r.mutable_vacancy() = v;
    return Call(vacancies_.get(), &v1::VacancyService::Stub::UpsertVacancy, r, out);
  }
  grpc::Status GetVacancy(const std::string& id, v1::Vacancy* out = nullptr) {
    v1::GetVacancyRequest r;
    r.set_id(id);
    return Call(vacancies_.get(), &v1::VacancyService::Stub::GetVacancy, r, out);
  }
  grpc::Status CloseVacancy(const std::string& id, v1::Vacancy* out = nullptr) {
    v1::CloseVacancyRequest r;
    r.set_id(id);
    return Call(vacancies_.get(), &v1::VacancyService::Stub::CloseVacancy, r, out);
  }
  grpc::Status DeleteVacancy(const std::string& id) {
    v1::DeleteVacancyRequest r;
    r.set_id(id);
    return Call<v1::VacancyService::Stub, v1::DeleteVacancyRequest, v1::DeleteVacancyResponse>(
        vacancies_.get(), &v1::VacancyService::Stub::DeleteVacancy, r, nullptr);
  }
  grpc::Status ListVacancies(v1::ListVacanciesResponse* out, const v1::ListVacanciesRequest& r = {}) {
    return Call(vacancies_.get(), &v1::VacancyService::Stub::ListVacancies, r, out);
  }
  grpc::Status PushVacancies(const std::vector<v1::Vacancy>& items, v1::ImportSummary* out = nullptr) {
    v1::ImportSummary ignored;
    auto context = ContextWithDeadline(kCallTimeout);
    auto writer = vacancies_->PushVacancies(context.get(), out != nullptr ? out : &ignored);
    for (const v1::Vacancy& v : items) {
      v1::PushVacanciesRequest r;
      *r.mutable_vacancy() = v;
      if (!writer->Write(r)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // MatchService.
  grpc::Status Shortlist(const v1::ShortlistRequest& r, v1::ShortlistResponse* out = nullptr) {
    return Call(match_.get(), &v1::MatchService::Stub::Shortlist, r, out);
  }
  grpc::Status Shortlist(const std::string& vacancy_id, v1::ShortlistResponse* out = nullptr) {
    v1::ShortlistRequest r;
    r.set_vacancy_id(vacancy_id);
    r.set_k(100);
    return Shortlist(r, out);
  }
  grpc::Status MatchCandidate(const v1::MatchCandidateRequest& r, v1::MatchCandidateResponse* out = nullptr) {
    return Call(match_.get(), &v1::MatchService::Stub::MatchCandidate, r, out);
  }
  grpc::Status MatchCandidate(const std::string& candidate_id, v1::MatchCandidateResponse* out = nullptr) {
    v1::MatchCandidateRequest r;
    r.set_candidate_id(candidate_id);
    r.set_k(100);
    return MatchCandidate(r, out);
  }
  grpc::Status ExplainMatch(const std::string& candidate_id, const std::string& vacancy_id,
                            v1::ExplainMatchResponse* out = nullptr) {
    v1::ExplainMatchRequest r;
    r.set_candidate_id(candidate_id);
    r.set_vacancy_id(vacancy_id);
    return Call(match_.get(), &v1::MatchService::Stub::ExplainMatch, r, out);
  }

  // RematchService. StartRematch collects the stream's events.
  grpc::Status StartRematch(const v1::StartRematchRequest& r, std::vector<v1::RematchEvent>* events = nullptr) {
    auto context = ContextWithDeadline(kCallTimeout);
    auto reader = rematch_->StartRematch(context.get(), r);
    v1::RematchEvent event;
    while (reader->Read(&event)) {
      if (events != nullptr) events->push_back(event);
    }
    return reader->Finish();
  }
  grpc::Status StartRematchOf(const std::vector<std::string>& ids, std::vector<v1::RematchEvent>* events = nullptr) {
    v1::StartRematchRequest r;
    for (const std::string& id : ids) r.mutable_selection()->mutable_candidate_ids()->add_ids(id);
    r.mutable_options()->set_k(20);
    return StartRematch(r, events);
  }
  grpc::Status GetRematch(const std::string& run_id, v1::RematchRun* out = nullptr, bool results = false) {
    v1::GetRematchRequest r;
    r.set_run_id(run_id);
    r.set_include_results(results);
    return Call(rematch_.get(), &v1::RematchService::Stub::GetRematch, r, out);
  }
  grpc::Status CancelRematch(const std::string& run_id, v1::RematchRun* out = nullptr) {
    v1::CancelRematchRequest r;
    r.set_run_id(run_id);
    return Call(rematch_.get(), &v1::RematchService::Stub::CancelRematch, r, out);
  }
  grpc::Status ListRematches(v1::ListRematchesResponse* out = nullptr, uint32_t page_size = 100,
                             const std::string& page_token = "") {
    v1::ListRematchesRequest r;
    r.set_page_size(page_size);
    r.set_page_token(page_token);
    return Call(rematch_.get(), &v1::RematchService::Stub::ListRematches, r, out);
  }

  // PolicyService.
  grpc::Status GetPolicy(v1::Policy* out = nullptr) {
    return Call(policy_.get(), &v1::PolicyService::Stub::GetPolicy, v1::GetPolicyRequest(), out);
  }
  grpc::Status SetPolicy(const v1::Policy& policy, v1::Policy* out = nullptr) {
    v1::SetPolicyRequest r;
    *r.mutable_policy() = policy;
    return Call(policy_.get(), &v1::PolicyService::Stub::SetPolicy, r, out);
  }

  // TaxonomyService.
  grpc::Status ListRegions(v1::ListRegionsResponse* out = nullptr) {
    return Call(taxonomy_.get(), &v1::TaxonomyService::Stub::ListRegions, v1::ListRegionsRequest(), out);
  }
  grpc::Status ListClusters(v1::ListClustersResponse* out = nullptr) {
    return Call(taxonomy_.get(), &v1::TaxonomyService::Stub::ListClusters, v1::ListClustersRequest(), out);
  }
  grpc::Status ListMunicipalities(v1::ListMunicipalitiesResponse* out = nullptr) {
    v1::ListMunicipalitiesRequest r;
    r.set_region("Twente");
    return Call(taxonomy_.get(), &v1::TaxonomyService::Stub::ListMunicipalities, r, out);
  }
  grpc::Status ListSectors(v1::ListSectorsResponse* out = nullptr) {
    return Call(taxonomy_.get(), &v1::TaxonomyService::Stub::ListSectors, v1::ListSectorsRequest(), out);
  }
  grpc::Status ListTrades(v1::ListTradesResponse* out = nullptr) {
    v1::ListTradesRequest r;
    r.set_query("lasser");
    return Call(taxonomy_.get(), &v1::TaxonomyService::Stub::ListTrades, r, out);
  }
  grpc::Status ListQualifications(v1::ListQualificationsResponse* out = nullptr) {
    return Call(taxonomy_.get(), &v1::TaxonomyService::Stub::ListQualifications,
                v1::ListQualificationsRequest(), out);
  }
  grpc::Status UpsertQualification(const v1::Qualification& q) {
    v1::UpsertQualificationRequest r;
    *r.mutable_qualification() = q;
    return Call<v1::TaxonomyService::Stub, v1::UpsertQualificationRequest, v1::TaxonomyChange>(
        taxonomy_.get(), &v1::TaxonomyService::Stub::UpsertQualification, r, nullptr);
  }
  grpc::Status UpsertCluster(const v1::Cluster& c) {
    v1::UpsertClusterRequest r;
    *r.mutable_cluster() = c;
    return Call<v1::TaxonomyService::Stub, v1::UpsertClusterRequest, v1::TaxonomyChange>(
        taxonomy_.get(), &v1::TaxonomyService::Stub::UpsertCluster, r, nullptr);
  }
  grpc::Status UpsertMunicipality(const v1::Municipality& m) {
    v1::UpsertMunicipalityRequest r;
    *r.mutable_municipality() = m;
    return Call<v1::TaxonomyService::Stub, v1::UpsertMunicipalityRequest, v1::TaxonomyChange>(
        taxonomy_.get(), &v1::TaxonomyService::Stub::UpsertMunicipality, r, nullptr);
  }
  grpc::Status UpdateRegionAnchor(const v1::UpdateRegionAnchorRequest& r) {
    return Call<v1::TaxonomyService::Stub, v1::UpdateRegionAnchorRequest, v1::TaxonomyChange>(
        taxonomy_.get(), &v1::TaxonomyService::Stub::UpdateRegionAnchor, r, nullptr);
  }

  // ServerInfoService.
  grpc::Status Ping() {
    return Call(info_.get(), &v1::ServerInfoService::Stub::Ping, v1::PingRequest(), nullptr);
  }
  grpc::Status GetServerInfo(v1::ServerInfo* out = nullptr) {
    return Call(info_.get(), &v1::ServerInfoService::Stub::GetServerInfo, v1::GetServerInfoRequest(), out);
  }

  // AccessService.
  grpc::Status CreateToken(const v1::CreateTokenRequest& r, v1::CreateTokenResponse* out = nullptr) {
    return Call(access_.get(), &v1::AccessService::Stub::CreateToken, r, out);
  }
  grpc::Status ListTokens(v1::ListTokensResponse* out = nullptr, bool include_revoked = false) {
    v1::ListTokensRequest r;
    r.set_include_revoked(include_revoked);
    return Call(access_.get(), &v1::AccessService::Stub::ListTokens, r, out);
  }
  grpc::Status RevokeToken(const std::string& id, v1::RevokeTokenResponse* out = nullptr) {
    v1::RevokeTokenRequest r;
    r.set_id(id);
    return Call(access_.get(), &v1::AccessService::Stub::RevokeToken, r, out);
  }
  grpc::Status WhoAmI(v1::WhoAmIResponse* out = nullptr) {
    return Call(access_.get(), &v1::AccessService::Stub::WhoAmI, v1::WhoAmIRequest(), out);
  }

  // WatchService: OK once the stream's first message (STARTED) arrived, else the status
  // the stream ended with.
  grpc::Status Watch(const std::vector<std::string>& vacancy_ids, const std::vector<std::string>& candidate_ids = {}) {
    v1::WatchRequest r;
    for (const std::string& id : vacancy_ids) r.add_vacancy_ids(id);
    for (const std::string& id : candidate_ids) r.add_candidate_ids(id);
    auto context = ContextWithDeadline(kCallTimeout);
    std::unique_ptr<grpc::ClientReader<v1::WatchResponse>> reader = watch_->Watch(context.get(), r);
    v1::WatchResponse first;
    if (reader->Read(&first)) {
      context->TryCancel();
      while (reader->Read(&first)) {
      }
      (void)reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }

 private:
  std::unique_ptr<v1::CandidateService::Stub> candidates_;
  std::unique_ptr<v1::VacancyService::Stub> vacancies_;
  std::unique_ptr<v1::MatchService::Stub> match_;
  std::unique_ptr<v1::RematchService::Stub> rematch_;
  std::unique_ptr<v1::PolicyService::Stub> policy_;
  std::unique_ptr<v1::TaxonomyService::Stub> taxonomy_;
  std::unique_ptr<v1::ServerInfoService::Stub> info_;
  std::unique_ptr<v1::AccessService::Stub> access_;
  std::unique_ptr<v1::WatchService::Stub> watch_;
};

// ---- The scenario --------------------------------------------------------------------

struct Place {
  const char* region;
  const char* municipality;
};
constexpr Place kEnschede = {"Twente", "Enschede"};
constexpr Place kDoetinchem = {"Achterhoek", "Doetinchem"};
constexpr Place kNijmegen = {"Rijk van Nijmegen", "Nijmegen"};  // 27 km from cluster Oost.
constexpr Place kMaastricht = {"Zuid-Limburg", "Maastricht"};

v1::Candidate Welder(const std::string& id, Place place, const std::string& source, uint32_t max_travel_km,
                     const std::string& employer) {
  v1::Candidate c;
  c.set_id(id);
  c.set_region(place.region);
  c.set_municipality(place.municipality);
  c.set_sector(v1::SECTOR_ME);
  v1::TradeExperience* t = c.add_trades();
  t->set_code(testkit::kWelderId);
  t->set_years(8);
  c.add_qualifications(testkit::kMagWelding);
  c.add_qualifications(testkit::kVcaBasis);
  c.set_status(v1::CANDIDATE_STATUS_AT_RISK);
  c.set_employer_id(employer);
  c.set_max_travel_km(max_travel_km);
  c.set_willing_to_retrain(true);
  c.set_source(source);
  return c;
}

v1::Vacancy WelderVacancy(const std::string& id, Place place, const std::string& source) {
  v1::Vacancy v;
  v.set_id(id);
  v.set_employer_id(absl::StrCat("hirer-", id));
  v.set_region(place.region);
  v.set_municipality(place.municipality);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(testkit::kWelderId);
  v.add_required_qualifications(testkit::kVcaBasis);
  v.set_positions(2);
  v.set_status(v1::VACANCY_STATUS_OPEN);
  v.set_title("Lasser");
  v.set_source(source);
  return v;
}

// Candidates. Twente's welder travels anywhere in the country (300 km), so every vacancy
// is within its reach and MatchCandidate shows the vacancy scope alone.
constexpr char kCandTwenteUwv[] = "c-twente-uwv";
constexpr char kCandAchterhoekRandstad[] = "c-achterhoek-randstad";
constexpr char kCandNijmegenNearUwv[] = "c-nijmegen-near-uwv";  // Reach 35 km: into Oost.
constexpr char kCandNijmegenFarUwv[] = "c-nijmegen-far-uwv";    // Reach 20 km: not.
constexpr char kCandLimburgUwv[] = "c-limburg-uwv";
constexpr char kCandLimburgRandstad[] = "c-limburg-randstad";
// Vacancies.
constexpr char kVacTwenteUwv[] = "v-twente-uwv";
constexpr char kVacAchterhoekRandstad[] = "v-achterhoek-randstad";
constexpr char kVacLimburgUwv[] = "v-limburg-uwv";
constexpr char kVacLimburgRandstad[] = "v-limburg-randstad";

std::vector<v1::Candidate> ScenarioCandidates() {
  return {
      Welder(kCandTwenteUwv, kEnschede, "uwv", 300, "emp-oost"),
      Welder(kCandAchterhoekRandstad, kDoetinchem, "randstad", 30, "emp-oost"),
      Welder(kCandNijmegenNearUwv, kNijmegen, "uwv", 35, "emp-nijmegen"),
      Welder(kCandNijmegenFarUwv, kNijmegen, "uwv", 20, "emp-nijmegen"),
      Welder(kCandLimburgUwv, kMaastricht, "uwv", 30, "emp-limburg"),
      Welder(kCandLimburgRandstad, kMaastricht, "randstad", 30, "emp-limburg"),
  };
}

std::vector<v1::Vacancy> ScenarioVacancies() {
  return {
      WelderVacancy(kVacTwenteUwv, kEnschede, "uwv"),
      WelderVacancy(kVacAchterhoekRandstad, kDoetinchem, "randstad"),
      WelderVacancy(kVacLimburgUwv, kMaastricht, "uwv"),
      WelderVacancy(kVacLimburgRandstad, kMaastricht, "randstad"),
  };
}

// Who sees what (the scope rules of engine/access/scope.h applied to the scenario).
enum class Who { kAdmin, kCoachOost, kCoachTwente, kUwv, kRandstad };
constexpr Who kEveryone[] = {Who::kAdmin, Who::kCoachOost, Who::kCoachTwente, Who::kUwv, Who::kRandstad};

const char* NameOf(Who who) {
  switch (who) {
    case Who::kAdmin: return "admin";
    case Who::kCoachOost: return "coach-oost";
    case Who::kCoachTwente: return "coach-twente";
    case Who::kUwv: return "partner-uwv";
    case Who::kRandstad: return "partner-randstad";
  }
  return "";
}

std::set<std::string> VisibleCandidates(Who who) {
  switch (who) {
    case Who::kAdmin:
      return {kCandTwenteUwv, kCandAchterhoekRandstad, kCandNijmegenNearUwv, kCandNijmegenFarUwv,
              kCandLimburgUwv, kCandLimburgRandstad};
    case Who::kCoachOost:  // Living in Oost, or reaching into it from Nijmegen.
      return {kCandTwenteUwv, kCandAchterhoekRandstad, kCandNijmegenNearUwv};
    case Who::kCoachTwente:  // Doetinchem is 37 km from Twente, beyond its 30 km.
      return {kCandTwenteUwv};
    case Who::kUwv:
      return {kCandTwenteUwv, kCandNijmegenNearUwv, kCandNijmegenFarUwv, kCandLimburgUwv};
    case Who::kRandstad:
      return {kCandAchterhoekRandstad, kCandLimburgRandstad};
  }
  return {};
}

std::set<std::string> VisibleVacancies(Who who) {
  switch (who) {
    case Who::kAdmin: return {kVacTwenteUwv, kVacAchterhoekRandstad, kVacLimburgUwv, kVacLimburgRandstad};
    case Who::kCoachOost: return {kVacTwenteUwv, kVacAchterhoekRandstad};
    case Who::kCoachTwente: return {kVacTwenteUwv};
    case Who::kUwv: return {kVacTwenteUwv, kVacLimburgUwv};
    case Who::kRandstad: return {kVacAchterhoekRandstad, kVacLimburgRandstad};
  }
  return {};
}

template <typename Container>
std::set<std::string> Ids(const Container& records) {
  std::set<std::string> ids;
  for (const auto& r : records) ids.insert(r.id());
  return ids;
}

// Expects `out_of_scope` (the answer for record `id`) to be exactly the answer for the
// never-stored `unknown_id`: NOT_FOUND, and the same message with the id swapped.
void ExpectLikeUnknown(const grpc::Status& out_of_scope, const std::string& id, const grpc::Status& unknown,
                       const std::string& unknown_id) {
  EXPECT_EQ(out_of_scope.error_code(), grpc::StatusCode::NOT_FOUND) << out_of_scope.error_message();
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND) << unknown.error_message();
  EXPECT_EQ(absl::StrReplaceAll(out_of_scope.error_message(), {{id, unknown_id}}), unknown.error_message());
  EXPECT_THAT(out_of_scope.error_message(), HasSubstr(id));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts a server whose stderr goes to `log_path` (the child inherits fd 2 at fork).
absl::Status WithStderrTo(const std::string& log_path, const std::function<absl::Status()>& start) {
  std::fflush(stderr);
  const int saved = dup(STDERR_FILENO);
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (saved < 0 || log < 0) return absl::InternalError("cannot redirect stderr");
  dup2(log, STDERR_FILENO);
  absl::Status status = start();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(log);
  return status;
}

// ---- The suite -----------------------------------------------------------------------

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_path_ = new std::string(absl::StrCat(::testing::TempDir(), "/w2w-access-test-", getpid(), ".log"));
    std::remove(log_path_->c_str());
    absl::Status started = WithStderrTo(*log_path_, [] {
      auto server = ServerProcess::Start();
      if (!server.ok()) return server.status();
      server_ = server->release();
      return absl::OkStatus();
    });
    ASSERT_TRUE(started.ok()) << started;
    secrets_ = new std::map<Who, std::string>;
    token_ids_ = new std::map<Who, std::string>;
    (*secrets_)[Who::kAdmin] = server_->admin_token();
    v1::Scope oost, twente, uwv, randstad;
    oost.add_clusters("Oost");
    twente.add_regions("Twente");
    uwv.set_source("uwv");
    randstad.set_source("randstad");
    for (auto [who, role, scope] : {std::tuple{Who::kCoachOost, v1::ROLE_COACH, oost},
                                    std::tuple{Who::kCoachTwente, v1::ROLE_COACH, twente},
                                    std::tuple{Who::kUwv, v1::ROLE_PARTNER, uwv},
                                    std::tuple{Who::kRandstad, v1::ROLE_PARTNER, randstad}}) {
      auto created = server_->CreateToken(NameOf(who), role, scope);
      ASSERT_TRUE(created.ok()) << created.status();
      (*secrets_)[who] = created->secret();
      (*token_ids_)[who] = created->token().id();
    }
    Api admin(server_->channel());
    for (const v1::Candidate& c : ScenarioCandidates()) ASSERT_THAT(admin.UpsertCandidate(c), IsOk()) << c.id();
    for (const v1::Vacancy& v : ScenarioVacancies()) ASSERT_THAT(admin.UpsertVacancy(v), IsOk()) << v.id();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    if (log_path_ != nullptr) std::remove(log_path_->c_str());
    delete log_path_;
    delete secrets_;
    delete token_ids_;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    for (Who who : kEveryone) apis_.emplace(who, std::make_unique<Api>(server_->ChannelWithToken(Secret(who))));
  }

  static const std::string& Secret(Who who) { return secrets_->at(who); }
  Api& As(Who who) { return *apis_.at(who); }
  Api AsToken(const std::string& token) { return Api(server_->ChannelWithToken(token)); }

  // A token of `role` made for one test (name unique in the suite).
  v1::CreateTokenResponse NewToken(const std::string& name, v1::Role role, const v1::Scope& scope = {},
                                   const std::string& expires_in = "") {
    v1::CreateTokenRequest r;
    r.set_name(name);
    r.set_role(role);
    *r.mutable_scope() = scope;
    r.set_expires_in(expires_in);
    v1::CreateTokenResponse created;
    EXPECT_THAT(As(Who::kAdmin).CreateToken(r, &created), IsOk());
    extra_secrets_.push_back(created.secret());
    return created;
  }

  static ServerProcess* server_;
  static std::string* log_path_;
  static std::map<Who, std::string>* secrets_;
  static std::map<Who, std::string>* token_ids_;
  std::map<Who, std::unique_ptr<Api>> apis_;
  std::vector<std::string> extra_secrets_;
};

ServerProcess* AccessTest::server_ = nullptr;
std::string* AccessTest::log_path_ = nullptr;
std::map<Who, std::string>* AccessTest::secrets_ = nullptr;
std::map<Who, std::string>* AccessTest::token_ids_ = nullptr;

// Every RPC of every w2w service, with a small request (authentication comes first, so
// the request's content does not matter for UNAUTHENTICATED).
std::vector<std::pair<std::string, std::function<grpc::Status(Api&)>>> EveryRpc() {
  v1::Qualification q;
  q.set_code("ACCTEST-X");
  v1::Cluster cluster;
  cluster.set_name("acctest-x");
  v1::Municipality m;
  m.set_name("Acctest-x");
  v1::UpdateRegionAnchorRequest anchor;
  anchor.set_region("Zeeland");
  return {
      {"UpsertCandidate", [](Api& a) { return a.UpsertCandidate(Welder("c-x", kEnschede, "", 10, "e")); }},
      {"GetCandidate", [](Api& a) { return a.GetCandidate(kCandTwenteUwv); }},
      {"DeleteCandidate", [](Api& a) { return a.DeleteCandidate("c-x"); }},
      {"ListCandidates", [](Api& a) { v1::ListCandidatesResponse r; return a.ListCandidates(&r); }},
      {"ImportCandidates", [](Api& a) { return a.ImportCandidates({Welder("c-x", kEnschede, "", 10, "e")}); }},
      {"UpsertVacancy", [](Api& a) { return a.UpsertVacancy(WelderVacancy("v-x", kEnschede, "")); }},
      {"GetVacancy", [](Api& a) { return a.GetVacancy(kVacTwenteUwv); }},
      {"CloseVacancy", [](Api& a) { return a.CloseVacancy("v-x"); }},
      {"DeleteVacancy", [](Api& a) { return a.DeleteVacancy("v-x"); }},
      {"ListVacancies", [](Api& a) { v1::ListVacanciesResponse r; return a.ListVacancies(&r); }},
      {"PushVacancies", [](Api& a) { return a.PushVacancies({WelderVacancy("v-x", kEnschede, "")}); }},
      {"Shortlist", [](Api& a) { return a.Shortlist(kVacTwenteUwv); }},
      {"MatchCandidate", [](Api& a) { return a.MatchCandidate(kCandTwenteUwv); }},
      {"ExplainMatch", [](Api& a) { return a.ExplainMatch(kCandTwenteUwv, kVacTwenteUwv); }},
      {"StartRematch", [](Api& a) { return a.StartRematchOf({kCandTwenteUwv}); }},
      {"GetRematch", [](Api& a) { return a.GetRematch("r-x"); }},
      {"CancelRematch", [](Api& a) { return a.CancelRematch("r-x"); }},
      {"ListRematches", [](Api& a) { return a.ListRematches(); }},
      {"GetPolicy", [](Api& a) { return a.GetPolicy(); }},
      {"SetPolicy", [](Api& a) { return a.SetPolicy(v1::Policy()); }},
      {"ListRegions", [](Api& a) { return a.ListRegions(); }},
      {"ListClusters", [](Api& a) { return a.ListClusters(); }},
      {"ListMunicipalities", [](Api& a) { return a.ListMunicipalities(); }},
      {"ListSectors", [](Api& a) { return a.ListSectors(); }},
      {"ListTrades", [](Api& a) { return a.ListTrades(); }},
      {"ListQualifications", [](Api& a) { return a.ListQualifications(); }},
      {"UpsertQualification", [q](Api& a) { return a.UpsertQualification(q); }},
      {"UpsertCluster", [cluster](Api& a) { return a.UpsertCluster(cluster); }},
      {"UpsertMunicipality", [m](Api& a) { return a.UpsertMunicipality(m); }},
      {"UpdateRegionAnchor", [anchor](Api& a) { return a.UpdateRegionAnchor(anchor); }},
      {"Ping", [](Api& a) { return a.Ping(); }},
      {"GetServerInfo", [](Api& a) { return a.GetServerInfo(); }},
      {"CreateToken", [](Api& a) { return a.CreateToken(v1::CreateTokenRequest()); }},
      {"ListTokens", [](Api& a) { return a.ListTokens(); }},
      {"RevokeToken", [](Api& a) { return a.RevokeToken("tok-x"); }},
      {"WhoAmI", [](Api& a) { return a.WhoAmI(); }},
      {"Watch", [](Api& a) { return a.Watch({kVacTwenteUwv}); }},
  };
}

// The RPCs a role may not call at all (the role table of engine/access/permissions.h).
const std::set<std::string>& DeniedTo(Who who) {
  static const std::set<std::string> kModelAndAccess = {
      "SetPolicy",   "UpsertQualification", "UpsertCluster", "UpsertMunicipality",
      "UpdateRegionAnchor", "CreateToken", "ListTokens",    "RevokeToken"};
  static const std::set<std::string> kCoach = [] {
    std::set<std::string> s = kModelAndAccess;
    s.insert({"UpsertCandidate", "DeleteCandidate", "ImportCandidates", "UpsertVacancy", "CloseVacancy",
              "DeleteVacancy", "PushVacancies"});
    return s;
  }();
  static const std::set<std::string> kPartner = [] {
    std::set<std::string> s = kModelAndAccess;
    s.insert({"StartRematch", "GetRematch", "CancelRematch", "ListRematches"});
    return s;
  }();
  static const std::set<std::string> kNone;
  switch (who) {
    case Who::kCoachOost:
    case Who::kCoachTwente: return kCoach;
    case Who::kUwv:
    case Who::kRandstad: return kPartner;
    default: return kNone;
  }
}

// ---- Authentication ------------------------------------------------------------------

TEST_F(AccessTest, EveryRpcRefusesCallsWithoutAValidToken) {
  Api none = AsToken("");
  Api bad = AsToken(kBadToken);
  Api garbage = AsToken("not-a-token");
  for (auto& [name, call] : EveryRpc()) {
    SCOPED_TRACE(name);
    EXPECT_THAT(call(none), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("authorization")));
    EXPECT_THAT(call(bad), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("unknown token")));
    EXPECT_THAT(call(garbage), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("unknown token")));
  }
  // Nothing of the refused writes happened.
  EXPECT_EQ(As(Who::kAdmin).GetCandidate("c-x").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(As(Who::kAdmin).GetVacancy("v-x").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AccessTest, RevocationTakesEffectOnTheNextCall) {
  const v1::CreateTokenResponse coach = NewToken("coach-revoked", v1::ROLE_COACH, [] {
    v1::Scope s;
    s.add_regions("Twente");
    return s;
  }());
  Api api = AsToken(coach.secret());
  ASSERT_THAT(api.GetCandidate(kCandTwenteUwv), IsOk());
  ASSERT_THAT(api.WhoAmI(), IsOk());
  v1::RevokeTokenResponse revoked;
  ASSERT_THAT(As(Who::kAdmin).RevokeToken(coach.token().id(), &revoked), IsOk());
  EXPECT_FALSE(revoked.token().revoked_at().empty());
  // The same channel, the very next call.
  for (auto& [name, call] : EveryRpc()) {
    SCOPED_TRACE(name);
    EXPECT_THAT(call(api), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("revoked")));
  }
  // Revoking again: FAILED_PRECONDITION; an unknown token: NOT_FOUND.
  EXPECT_EQ(As(Who::kAdmin).RevokeToken(coach.token().id()).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(As(Who::kAdmin).RevokeToken("tok-0000000000000000").error_code(), grpc::StatusCode::NOT_FOUND);
  // Listed only with include_revoked.
  v1::ListTokensResponse live, all;
  ASSERT_THAT(As(Who::kAdmin).ListTokens(&live), IsOk());
  ASSERT_THAT(As(Who::kAdmin).ListTokens(&all, true), IsOk());
  auto has = [&](const v1::ListTokensResponse& r) {
    return std::any_of(r.tokens().begin(), r.tokens().end(),
                       [&](const v1::Token& t) { return t.id() == coach.token().id(); });
  };
  EXPECT_FALSE(has(live));
  EXPECT_TRUE(has(all));
  // The name is free again for a new live token.
  v1::CreateTokenRequest again;
  again.set_name("coach-revoked");
  again.set_role(v1::ROLE_PARTNER);
  again.mutable_scope()->set_source("uwv");
  v1::CreateTokenResponse second;
  EXPECT_THAT(As(Who::kAdmin).CreateToken(again, &second), IsOk());
  extra_secrets_.push_back(second.secret());
}

TEST_F(AccessTest, AnExpiredTokenIsRefused) {
  const absl::Time created_at = absl::Now();
  const v1::CreateTokenResponse brief = NewToken("partner-brief", v1::ROLE_PARTNER, [] {
    v1::Scope s;
    s.set_source("uwv");
    return s;
  }(), "2s");
  EXPECT_FALSE(brief.token().expires_at().empty());
  Api api = AsToken(brief.secret());
  ASSERT_THAT(api.GetCandidate(kCandTwenteUwv), IsOk());  // Expiry has second precision: >= 1 s left.
  absl::SleepFor(created_at + absl::Milliseconds(3100) - absl::Now());
  for (auto& [name, call] : EveryRpc()) {
    SCOPED_TRACE(name);
    EXPECT_THAT(call(api), StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("expired")));
  }
}

TEST_F(AccessTest, HealthAndReflectionNeedNoToken) {
  auto health = testkit::CheckHealth(server_->ChannelWithToken(""));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, testkit::HealthStatus::kServing);
  auto services = testkit::ListServicesByReflection(server_->ChannelWithToken(""));
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, ::testing::Contains(std::string("w2w.v1.AccessService")));
  EXPECT_THAT(*services, ::testing::Contains(std::string("w2w.v1.CandidateService")));
  // A bad token does not get in the way either.
  health = testkit::CheckHealth(server_->ChannelWithToken(kBadToken));
  ASSERT_TRUE(health.ok()) << health.status();
}

// ---- The role table ------------------------------------------------------------------

TEST_F(AccessTest, EachRoleIsDeniedTheRpcsItsRoleMayNotCall) {
  for (Who who : {Who::kCoachOost, Who::kUwv}) {
    const std::string role = who == Who::kUwv ? "partner" : "coach";
    for (auto& [name, call] : EveryRpc()) {
      if (!DeniedTo(who).contains(name)) continue;
      SCOPED_TRACE(absl::StrCat(NameOf(who), " ", name));
      EXPECT_THAT(call(As(who)), StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                                          AllOf(HasSubstr(absl::StrCat(role, " '", NameOf(who), "'")),
                                                HasSubstr(name))));
    }
  }
  // Nothing of the denied writes happened.
  EXPECT_EQ(As(Who::kAdmin).GetCandidate("c-x").error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListQualificationsResponse qualifications;
  ASSERT_THAT(As(Who::kAdmin).ListQualifications(&qualifications), IsOk());
  for (const v1::Qualification& q : qualifications.qualifications()) EXPECT_NE(q.code(), "ACCTEST-X");
}

TEST_F(AccessTest, ReferenceDataIsReadableByEveryRole) {
  for (Who who : kEveryone) {
    SCOPED_TRACE(NameOf(who));
    Api& api = As(who);
    EXPECT_THAT(api.Ping(), IsOk());
    v1::ServerInfo info;
    EXPECT_THAT(api.GetServerInfo(&info), IsOk());
    v1::Policy policy;
    EXPECT_THAT(api.GetPolicy(&policy), IsOk());
    EXPECT_GT(policy.version(), 0u);
    v1::ListRegionsResponse regions;
    EXPECT_THAT(api.ListRegions(&regions), IsOk());
    EXPECT_EQ(regions.regions_size(), 35);
    v1::ListClustersResponse clusters;
    EXPECT_THAT(api.ListClusters(&clusters), IsOk());
    EXPECT_GT(clusters.clusters_size(), 0);
    v1::ListMunicipalitiesResponse municipalities;
    EXPECT_THAT(api.ListMunicipalities(&municipalities), IsOk());
    EXPECT_GT(municipalities.municipalities_size(), 0);
    EXPECT_THAT(api.ListSectors(), IsOk());
    EXPECT_THAT(api.ListTrades(), IsOk());
    EXPECT_THAT(api.ListQualifications(), IsOk());
  }
}

TEST_F(AccessTest, WhoAmIShowsEachTokenAndACoachsRegions) {
  for (Who who : kEveryone) {
    SCOPED_TRACE(NameOf(who));
    v1::WhoAmIResponse me;
    ASSERT_THAT(As(who).WhoAmI(&me), IsOk());
    EXPECT_EQ(me.token().name(), NameOf(who));
    if (who != Who::kAdmin) {
      EXPECT_EQ(me.token().id(), token_ids_->at(who));
    }
  }
  v1::WhoAmIResponse oost, twente, uwv;
  ASSERT_THAT(As(Who::kCoachOost).WhoAmI(&oost), IsOk());
  EXPECT_EQ(oost.token().role(), v1::ROLE_COACH);
  // The cluster, canonical, and its regions (data/spt_clusters.csv).
  ASSERT_EQ(oost.token().scope().clusters_size(), 1);
  EXPECT_EQ(oost.token().scope().clusters(0), "oost");
  EXPECT_THAT(std::vector<std::string>(oost.regions().begin(), oost.regions().end()),
              UnorderedElementsAreArray({"IJsselvechtstreek", "Twente", "Stedendriehoek en Noordwest Veluwe",
                                         "Achterhoek", "Drenthe"}));
  ASSERT_THAT(As(Who::kCoachTwente).WhoAmI(&twente), IsOk());
  EXPECT_THAT(std::vector<std::string>(twente.regions().begin(), twente.regions().end()),
              ::testing::ElementsAre("Twente"));
  ASSERT_THAT(As(Who::kUwv).WhoAmI(&uwv), IsOk());
  EXPECT_EQ(uwv.token().role(), v1::ROLE_PARTNER);
  EXPECT_EQ(uwv.token().scope().source(), "uwv");
  EXPECT_THAT(uwv.regions(), IsEmpty());
}

// ---- Tokens --------------------------------------------------------------------------

TEST_F(AccessTest, TokenManagementIsForAdministratorsAndNeverShowsSecrets) {
  // Created by the administrator: the secret once, in the answer.
  v1::Scope scope;
  scope.add_regions("23");  // A region number becomes its name.
  scope.add_regions("twente");
  const v1::CreateTokenResponse created = NewToken("coach-numbers", v1::ROLE_COACH, scope);
  EXPECT_THAT(created.secret(), ::testing::StartsWith("w2w_"));
  EXPECT_EQ(created.token().created_by(), "admin");
  ASSERT_EQ(created.token().scope().regions_size(), 2);
  EXPECT_EQ(created.token().scope().regions(1), "Twente");

  // A live name twice: ALREADY_EXISTS naming the field.
  v1::CreateTokenRequest same;
  same.set_name("coach-numbers");
  same.set_role(v1::ROLE_PARTNER);
  same.mutable_scope()->set_source("uwv");
  EXPECT_THAT(As(Who::kAdmin).CreateToken(same), StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("name")));
  // Bad scopes: INVALID_ARGUMENT naming the field.
  v1::CreateTokenRequest bad;
  bad.set_name("coach-bad");
  bad.set_role(v1::ROLE_COACH);
  bad.mutable_scope()->add_regions("Twente");
  bad.mutable_scope()->add_regions("Atlantis");
  EXPECT_THAT(As(Who::kAdmin).CreateToken(bad),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("scope.regions[1]")));
  bad.set_role(v1::ROLE_PARTNER);
  bad.clear_scope();
  EXPECT_THAT(As(Who::kAdmin).CreateToken(bad),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("scope.source")));

  // ListTokens: every token, no secret anywhere in the answer.
  v1::ListTokensResponse list;
  ASSERT_THAT(As(Who::kAdmin).ListTokens(&list, true), IsOk());
  std::set<std::string> names;
  for (const v1::Token& t : list.tokens()) names.insert(t.name());
  for (Who who : kEveryone) EXPECT_TRUE(names.contains(NameOf(who))) << NameOf(who);
  const std::string bytes = list.SerializeAsString();
  for (Who who : kEveryone) EXPECT_EQ(bytes.find(Secret(who)), std::string::npos) << NameOf(who);
  EXPECT_EQ(bytes.find(created.secret()), std::string::npos);
  EXPECT_EQ(bytes.find("w2w_"), std::string::npos);

  // An administrator cannot revoke its own token; revoking by name works.
  EXPECT_THAT(As(Who::kAdmin).RevokeToken("admin"), StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("itself")));
  v1::RevokeTokenResponse revoked;
  ASSERT_THAT(As(Who::kAdmin).RevokeToken("coach-numbers", &revoked), IsOk());
  EXPECT_EQ(revoked.token().id(), created.token().id());
  EXPECT_EQ(AsToken(created.secret()).WhoAmI().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // A second administrator token works and may revoke the first... but we keep the first.
  const v1::CreateTokenResponse admin2 = NewToken("admin-second", v1::ROLE_ADMIN);
  Api second = AsToken(admin2.secret());
  EXPECT_THAT(second.ListTokens(), IsOk());
  EXPECT_THAT(second.RevokeToken("admin-second"), StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("itself")));
  EXPECT_THAT(As(Who::kAdmin).RevokeToken("admin-second"), IsOk());
}

TEST_F(AccessTest, TheAdminTokenFileIsPrivateAndHoldsAWorkingToken) {
  const std::string path = server_->data_dir() + "/admin.token";
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string secret = ReadAll(path);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == ' ')) secret.pop_back();
  EXPECT_THAT(secret, ::testing::StartsWith("w2w_"));
  v1::WhoAmIResponse me;
  ASSERT_THAT(AsToken(secret).WhoAmI(&me), IsOk());
  EXPECT_EQ(me.token().role(), v1::ROLE_ADMIN);
  EXPECT_EQ(me.token().created_by(), "system");
}

TEST_F(AccessTest, NoSecretAppearsInTheServerLog) {
  // Refused calls of every kind first, so that their errors would be logged if any were.
  Api almost = AsToken(absl::StrCat(Secret(Who::kUwv), "x"));
  for (auto& [name, call] : EveryRpc()) {
    (void)call(almost);
    (void)call(As(Who::kCoachTwente));
  }
  (void)NewToken("partner-logged", v1::ROLE_PARTNER, [] {
    v1::Scope s;
    s.set_source("randstad");
    return s;
  }());
  const std::string log = ReadAll(*log_path_);
  EXPECT_THAT(log, HasSubstr("w2w-server"));  // It is the server's stderr.
  for (Who who : kEveryone) EXPECT_EQ(log.find(Secret(who)), std::string::npos) << NameOf(who);
  for (const std::string& s : extra_secrets_) EXPECT_EQ(log.find(s), std::string::npos);
  EXPECT_EQ(log.find("w2w_"), std::string::npos) << log;
}

// ---- Records: reading ----------------------------------------------------------------

TEST_F(AccessTest, CandidatesOutsideTheScopeAnswerAsUnknownAndAreNotListed) {
  for (Who who : kEveryone) {
    SCOPED_TRACE(NameOf(who));
    const std::set<std::string> visible = VisibleCandidates(who);
    const grpc::Status unknown = As(who).GetCandidate("c-never-stored");
    for (const v1::Candidate& c : ScenarioCandidates()) {
      v1::Candidate got;
      const grpc::Status status = As(who).GetCandidate(c.id(), &got);
      if (visible.contains(c.id())) {
        EXPECT_THAT(status, IsOk()) << c.id();
        EXPECT_EQ(got.source(), c.source());
      } else {
        SCOPED_TRACE(c.id());
        ExpectLikeUnknown(status, c.id(), unknown, "c-never-stored");
      }
    }
    v1::ListCandidatesResponse list;
    ASSERT_THAT(As(who).ListCandidates(&list), IsOk());
    std::set<std::string> listed = Ids(list.candidates());
    std::erase_if(listed, [](const std::string& id) { return !id.starts_with("c-") || id.starts_with("c-w-"); });
    EXPECT_EQ(listed, visible);
    // A filter does not reveal anything either.
    v1::ListCandidatesRequest limburg;
    limburg.set_region("Zuid-Limburg");
    ASSERT_THAT(As(who).ListCandidates(&list, limburg), IsOk());
    for (const v1::Candidate& c : list.candidates()) EXPECT_TRUE(visible.contains(c.id())) << c.id();
  }
}

TEST_F(AccessTest, VacanciesOutsideTheScopeAnswerAsUnknownAndAreNotListed) {
  for (Who who : kEveryone) {
    SCOPED_TRACE(NameOf(who));
    const std::set<std::string> visible = VisibleVacancies(who);
    const grpc::Status unknown = As(who).GetVacancy("v-never-stored");
    for (const v1::Vacancy& v : ScenarioVacancies()) {
      const grpc::Status status = As(who).GetVacancy(v.id());
      if (visible.contains(v.id())) {
        EXPECT_THAT(status, IsOk()) << v.id();
      } else {
        SCOPED_TRACE(v.id());
        ExpectLikeUnknown(status, v.id(), unknown, "v-never-stored");
      }
    }
    v1::ListVacanciesResponse list;
    ASSERT_THAT(As(who).ListVacancies(&list), IsOk());
    std::set<std::string> listed = Ids(list.vacancies());
    std::erase_if(listed, [](const std::string& id) { return !id.starts_with("v-") || id.starts_with("v-w-"); });
    EXPECT_EQ(listed, visible);
  }
}

// ---- Records: writing ----------------------------------------------------------------

TEST_F(AccessTest, APartnerWritesOnlyRecordsOfItsOwnSource) {
  Api& uwv = As(Who::kUwv);
  Api& admin = As(Who::kAdmin);
  // Without a source: it gets the partner's.
  v1::UpsertCandidateResponse written;
  ASSERT_THAT(uwv.UpsertCandidate(Welder("c-w-uwv-own", kEnschede, "", 30, "emp-w"), &written), IsOk());
  EXPECT_EQ(written.candidate().source(), "uwv");
  v1::Candidate stored;
  ASSERT_THAT(admin.GetCandidate("c-w-uwv-own", &stored), IsOk());
  EXPECT_EQ(stored.source(), "uwv");
  // Its own source spelled out: fine, and it may change and delete the record.
  ASSERT_THAT(uwv.UpsertCandidate(Welder("c-w-uwv-own", kEnschede, "uwv", 40, "emp-w")), IsOk());
  EXPECT_THAT(As(Who::kRandstad).DeleteCandidate("c-w-uwv-own").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(uwv.DeleteCandidate("c-w-uwv-own"), IsOk());

  // Another source named: PERMISSION_DENIED, nothing stored.
  EXPECT_THAT(uwv.UpsertCandidate(Welder("c-w-uwv-foreign", kEnschede, "randstad", 30, "emp-w")),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, AllOf(HasSubstr("candidate.source"), HasSubstr("uwv"))));
  EXPECT_EQ(admin.GetCandidate("c-w-uwv-foreign").error_code(), grpc::StatusCode::NOT_FOUND);

  // Overwriting another source's record (with its own source, or none): PERMISSION_DENIED,
  // the record unchanged.
  v1::Candidate before;
  ASSERT_THAT(admin.GetCandidate(kCandLimburgRandstad, &before), IsOk());
  for (const char* source : {"uwv", ""}) {
    EXPECT_THAT(uwv.UpsertCandidate(Welder(kCandLimburgRandstad, kEnschede, source, 30, "emp-w")),
                StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("another source")));
  }
  v1::Candidate after;
  ASSERT_THAT(admin.GetCandidate(kCandLimburgRandstad, &after), IsOk());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  // Deleting it: as for an unknown id.
  ExpectLikeUnknown(uwv.DeleteCandidate(kCandLimburgRandstad), kCandLimburgRandstad,
                    uwv.DeleteCandidate("c-never-stored"), "c-never-stored");
  EXPECT_THAT(admin.GetCandidate(kCandLimburgRandstad), IsOk());

  // The same for vacancies: upsert, close, delete.
  v1::UpsertVacancyResponse vacancy;
  ASSERT_THAT(uwv.UpsertVacancy(WelderVacancy("v-w-uwv-own", kEnschede, ""), &vacancy), IsOk());
  EXPECT_EQ(vacancy.vacancy().source(), "uwv");
  EXPECT_THAT(uwv.UpsertVacancy(WelderVacancy("v-w-uwv-foreign", kEnschede, "randstad")),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("vacancy.source")));
  EXPECT_THAT(uwv.UpsertVacancy(WelderVacancy(kVacLimburgRandstad, kMaastricht, "uwv")),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("another source")));
  ExpectLikeUnknown(uwv.CloseVacancy(kVacLimburgRandstad), kVacLimburgRandstad, uwv.CloseVacancy("v-never-stored"),
                    "v-never-stored");
  ExpectLikeUnknown(uwv.DeleteVacancy(kVacLimburgRandstad), kVacLimburgRandstad,
                    uwv.DeleteVacancy("v-never-stored"), "v-never-stored");
  v1::Vacancy still;
  ASSERT_THAT(admin.GetVacancy(kVacLimburgRandstad, &still), IsOk());
  EXPECT_EQ(still.status(), v1::VACANCY_STATUS_OPEN);
  EXPECT_EQ(still.source(), "randstad");
  v1::Vacancy closed;
  EXPECT_THAT(uwv.CloseVacancy("v-w-uwv-own", &closed), IsOk());
  EXPECT_EQ(closed.status(), v1::VACANCY_STATUS_CLOSED);
  EXPECT_THAT(As(Who::kRandstad).DeleteVacancy("v-w-uwv-own").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(uwv.DeleteVacancy("v-w-uwv-own"), IsOk());
}

TEST_F(AccessTest, APartnersImportsStoreOnlyItsOwnSource) {
  Api& uwv = As(Who::kUwv);
  v1::ImportSummary summary;
  ASSERT_THAT(uwv.ImportCandidates({Welder("c-w-imp-own", kEnschede, "", 30, "emp-w"),
                                    Welder("c-w-imp-foreign", kEnschede, "randstad", 30, "emp-w"),
                                    Welder(kCandLimburgRandstad, kMaastricht, "uwv", 30, "emp-w")},
                                   &summary),
              IsOk());
  EXPECT_EQ(summary.received(), 3u);
  EXPECT_EQ(summary.committed(), 1u);
  EXPECT_EQ(summary.rejected(), 2u);
  ASSERT_EQ(summary.errors_size(), 2);
  EXPECT_EQ(summary.errors(0).index(), 1u);
  EXPECT_EQ(summary.errors(0).code(), "PERMISSION_DENIED");
  EXPECT_EQ(summary.errors(1).index(), 2u);
  EXPECT_EQ(summary.errors(1).code(), "PERMISSION_DENIED");
  v1::Candidate own, foreign;
  ASSERT_THAT(As(Who::kAdmin).GetCandidate("c-w-imp-own", &own), IsOk());
  EXPECT_EQ(own.source(), "uwv");
  EXPECT_EQ(As(Who::kAdmin).GetCandidate("c-w-imp-foreign").error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_THAT(As(Who::kAdmin).GetCandidate(kCandLimburgRandstad, &foreign), IsOk());
  EXPECT_EQ(foreign.source(), "randstad");
  EXPECT_EQ(foreign.region(), "Zuid-Limburg");
  ASSERT_THAT(uwv.DeleteCandidate("c-w-imp-own"), IsOk());

  ASSERT_THAT(uwv.PushVacancies({WelderVacancy("v-w-imp-own", kEnschede, ""),
                                 WelderVacancy("v-w-imp-foreign", kEnschede, "randstad"),
                                 WelderVacancy(kVacAchterhoekRandstad, kDoetinchem, "uwv")},
                                &summary),
              IsOk());
  EXPECT_EQ(summary.committed(), 1u);
  EXPECT_EQ(summary.rejected(), 2u);
  v1::Vacancy vacancy;
  ASSERT_THAT(As(Who::kAdmin).GetVacancy("v-w-imp-own", &vacancy), IsOk());
  EXPECT_EQ(vacancy.source(), "uwv");
  ASSERT_THAT(As(Who::kAdmin).GetVacancy(kVacAchterhoekRandstad, &vacancy), IsOk());
  EXPECT_EQ(vacancy.source(), "randstad");
  ASSERT_THAT(uwv.DeleteVacancy("v-w-imp-own"), IsOk());

  // A coach's import is refused as a whole (nothing stored).
  EXPECT_THAT(As(Who::kCoachOost).ImportCandidates({Welder("c-w-coach", kEnschede, "uwv", 30, "emp-w")}),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("coach 'coach-oost'")));
  EXPECT_THAT(As(Who::kCoachOost).PushVacancies({WelderVacancy("v-w-coach", kEnschede, "uwv")}),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("PushVacancies")));
  EXPECT_EQ(As(Who::kAdmin).GetCandidate("c-w-coach").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(As(Who::kAdmin).GetVacancy("v-w-coach").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AccessTest, AnAdministratorWritesEverySource) {
  Api& admin = As(Who::kAdmin);
  for (const char* source : {"uwv", "randstad", ""}) {
    SCOPED_TRACE(source);
    const std::string id = absl::StrCat("c-w-admin-", source);
    v1::UpsertCandidateResponse written;
    ASSERT_THAT(admin.UpsertCandidate(Welder(id, kMaastricht, source, 30, "emp-w"), &written), IsOk());
    EXPECT_EQ(written.candidate().source(), source);
    EXPECT_THAT(admin.DeleteCandidate(id), IsOk());
  }
  ASSERT_THAT(admin.UpsertVacancy(WelderVacancy("v-w-admin", kMaastricht, "randstad")), IsOk());
  EXPECT_THAT(admin.CloseVacancy("v-w-admin"), IsOk());
  EXPECT_THAT(admin.DeleteVacancy("v-w-admin"), IsOk());
}

// ---- Matching ------------------------------------------------------------------------

std::set<std::string> CandidateIds(const v1::ShortlistResponse& r) {
  std::set<std::string> ids;
  for (const v1::CandidateMatch& m : r.matches()) ids.insert(m.candidate_id());
  return ids;
}
std::set<std::string> VacancyIds(const v1::MatchCandidateResponse& r) {
  std::set<std::string> ids;
  for (const v1::VacancyMatch& m : r.matches()) ids.insert(m.vacancy_id());
  return ids;
}

TEST_F(AccessTest, ShortlistsHoldOnlyCandidatesInScope) {
  // The administrator's shortlists, for reference: every source.
  v1::ShortlistResponse all;
  ASSERT_THAT(As(Who::kAdmin).Shortlist(kVacLimburgUwv, &all), IsOk());
  EXPECT_EQ(CandidateIds(all), (std::set<std::string>{kCandLimburgUwv, kCandLimburgRandstad, kCandTwenteUwv}));

  // A partner's shortlist: only its own candidates, of its own vacancies.
  v1::ShortlistResponse uwv;
  ASSERT_THAT(As(Who::kUwv).Shortlist(kVacLimburgUwv, &uwv), IsOk());
  EXPECT_EQ(CandidateIds(uwv), (std::set<std::string>{kCandLimburgUwv, kCandTwenteUwv}));
  v1::ShortlistResponse randstad;
  ASSERT_THAT(As(Who::kRandstad).Shortlist(kVacLimburgRandstad, &randstad), IsOk());
  EXPECT_EQ(CandidateIds(randstad), (std::set<std::string>{kCandLimburgRandstad}));
  ExpectLikeUnknown(As(Who::kRandstad).Shortlist(kVacLimburgUwv), kVacLimburgUwv,
                    As(Who::kRandstad).Shortlist("v-never-stored"), "v-never-stored");
  // An inline vacancy: still only the partner's own candidates.
  v1::ShortlistRequest inline_request;
  *inline_request.mutable_vacancy() = WelderVacancy("", kMaastricht, "");
  inline_request.set_k(100);
  ASSERT_THAT(As(Who::kRandstad).Shortlist(inline_request, &randstad), IsOk());
  EXPECT_EQ(CandidateIds(randstad), (std::set<std::string>{kCandLimburgRandstad}));

  // A coach: its vacancies only; an inline vacancy outside its regions is refused.
  ExpectLikeUnknown(As(Who::kCoachOost).Shortlist(kVacLimburgUwv), kVacLimburgUwv,
                    As(Who::kCoachOost).Shortlist("v-never-stored"), "v-never-stored");
  EXPECT_THAT(As(Who::kCoachOost).Shortlist(inline_request),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                       AllOf(HasSubstr("vacancy.region"), HasSubstr("coach 'coach-oost'"))));
  v1::ShortlistResponse coach;
  ASSERT_THAT(As(Who::kCoachOost).Shortlist(kVacTwenteUwv, &coach), IsOk());
  EXPECT_TRUE(CandidateIds(coach).contains(kCandTwenteUwv));
  *inline_request.mutable_vacancy() = WelderVacancy("", kDoetinchem, "");
  ASSERT_THAT(As(Who::kCoachOost).Shortlist(inline_request, &coach), IsOk());
  EXPECT_TRUE(CandidateIds(coach).contains(kCandAchterhoekRandstad));

  // Whatever any role's shortlist of a vacancy it sees holds, it may read.
  for (Who who : kEveryone) {
    for (const std::string& vacancy : VisibleVacancies(who)) {
      SCOPED_TRACE(absl::StrCat(NameOf(who), " ", vacancy));
      v1::ShortlistResponse r;
      ASSERT_THAT(As(who).Shortlist(vacancy, &r), IsOk());
      for (const std::string& id : CandidateIds(r)) {
        EXPECT_TRUE(VisibleCandidates(who).contains(id)) << id;
        EXPECT_THAT(As(who).GetCandidate(id), IsOk()) << id;
      }
    }
  }
}

TEST_F(AccessTest, MatchCandidateFindsOnlyVacanciesInScope) {
  const std::map<Who, std::set<std::string>> expected = {
      {Who::kAdmin, VisibleVacancies(Who::kAdmin)},
      {Who::kCoachOost, {kVacTwenteUwv, kVacAchterhoekRandstad}},
      {Who::kCoachTwente, {kVacTwenteUwv}},
      {Who::kUwv, {kVacTwenteUwv, kVacLimburgUwv}},
  };
  for (const auto& [who, vacancies] : expected) {
    SCOPED_TRACE(NameOf(who));
    v1::MatchCandidateResponse r;
    ASSERT_THAT(As(who).MatchCandidate(kCandTwenteUwv, &r), IsOk());
    EXPECT_EQ(VacancyIds(r), vacancies);
  }
  // A candidate out of scope: as an unknown one.
  ExpectLikeUnknown(As(Who::kRandstad).MatchCandidate(kCandTwenteUwv), kCandTwenteUwv,
                    As(Who::kRandstad).MatchCandidate("c-never-stored"), "c-never-stored");
  ExpectLikeUnknown(As(Who::kCoachOost).MatchCandidate(kCandLimburgUwv), kCandLimburgUwv,
                    As(Who::kCoachOost).MatchCandidate("c-never-stored"), "c-never-stored");
  // An inline candidate who travels far: still only the caller's vacancies.
  v1::MatchCandidateRequest inline_request;
  *inline_request.mutable_candidate() = Welder("", kMaastricht, "", 300, "emp-w");
  inline_request.set_k(100);
  v1::MatchCandidateResponse r;
  ASSERT_THAT(As(Who::kCoachTwente).MatchCandidate(inline_request, &r), IsOk());
  EXPECT_EQ(VacancyIds(r), (std::set<std::string>{kVacTwenteUwv}));
  ASSERT_THAT(As(Who::kRandstad).MatchCandidate(inline_request, &r), IsOk());
  EXPECT_EQ(VacancyIds(r), (std::set<std::string>{kVacAchterhoekRandstad, kVacLimburgRandstad}));
}

TEST_F(AccessTest, ExplainMatchExplainsOnlyRecordsInScope) {
  EXPECT_THAT(As(Who::kCoachOost).ExplainMatch(kCandTwenteUwv, kVacAchterhoekRandstad), IsOk());
  ExpectLikeUnknown(As(Who::kCoachOost).ExplainMatch(kCandTwenteUwv, kVacLimburgUwv), kVacLimburgUwv,
                    As(Who::kCoachOost).ExplainMatch(kCandTwenteUwv, "v-never-stored"), "v-never-stored");
  ExpectLikeUnknown(As(Who::kCoachOost).ExplainMatch(kCandNijmegenFarUwv, kVacTwenteUwv), kCandNijmegenFarUwv,
                    As(Who::kCoachOost).ExplainMatch("c-never-stored", kVacTwenteUwv), "c-never-stored");
  EXPECT_THAT(As(Who::kUwv).ExplainMatch(kCandLimburgUwv, kVacLimburgUwv), IsOk());
  ExpectLikeUnknown(As(Who::kUwv).ExplainMatch(kCandLimburgUwv, kVacLimburgRandstad), kVacLimburgRandstad,
                    As(Who::kUwv).ExplainMatch(kCandLimburgUwv, "v-never-stored"), "v-never-stored");
  ExpectLikeUnknown(As(Who::kUwv).ExplainMatch(kCandLimburgRandstad, kVacLimburgUwv), kCandLimburgRandstad,
                    As(Who::kUwv).ExplainMatch("c-never-stored", kVacLimburgUwv), "c-never-stored");
  EXPECT_THAT(As(Who::kAdmin).ExplainMatch(kCandLimburgRandstad, kVacLimburgUwv), IsOk());
}

// ---- Rematch -------------------------------------------------------------------------

// The run id and the results of a finished StartRematch stream.
struct RunOutcome {
  std::string run_id;
  std::map<std::string, v1::PersonResult> results;
  v1::RematchSummary summary;
};
RunOutcome OutcomeOf(const std::vector<v1::RematchEvent>& events) {
  RunOutcome out;
  for (const v1::RematchEvent& e : events) {
    if (e.has_started()) out.run_id = e.started().run_id();
    if (e.has_result()) out.results[e.result().candidate_id()] = e.result();
    if (e.has_summary()) out.summary = e.summary();
  }
  return out;
}
std::set<std::string> VacanciesOf(const v1::PersonResult& r) {
  std::set<std::string> ids;
  if (r.has_assigned()) ids.insert(r.assigned().vacancy_id());
  for (const v1::VacancyMatch& m : r.alternatives()) ids.insert(m.vacancy_id());
  return ids;
}

TEST_F(AccessTest, ACoachRematchesOnlyItsScopeAndSeesOnlyItsOwnRuns) {
  // Three ids: in scope, out of scope, unknown.
  std::vector<v1::RematchEvent> events;
  ASSERT_THAT(As(Who::kCoachOost).StartRematchOf({kCandTwenteUwv, kCandLimburgUwv, "c-never-stored"}, &events),
              IsOk());
  const RunOutcome oost = OutcomeOf(events);
  ASSERT_FALSE(oost.run_id.empty());
  ASSERT_EQ(oost.results.size(), 3u);
  EXPECT_EQ(VacanciesOf(oost.results.at(kCandTwenteUwv)),
            (std::set<std::string>{kVacTwenteUwv, kVacAchterhoekRandstad}));
  // The out-of-scope person looks exactly like the unknown one.
  v1::PersonResult hidden = oost.results.at(kCandLimburgUwv);
  v1::PersonResult unknown = oost.results.at("c-never-stored");
  hidden.clear_candidate_id();
  unknown.clear_candidate_id();
  EXPECT_EQ(hidden.SerializeAsString(), unknown.SerializeAsString()) << hidden.DebugString();
  EXPECT_EQ(unknown.placement(), v1::PLACEMENT_NOT_PLACEABLE);

  // An employer selection: only the candidates in scope; an employer whose people are all
  // out of scope answers as an unknown employer.
  v1::StartRematchRequest employer;
  employer.mutable_selection()->set_employer_id("emp-oost");
  events.clear();
  ASSERT_THAT(As(Who::kCoachTwente).StartRematch(employer, &events), IsOk());
  const RunOutcome twente = OutcomeOf(events);
  std::set<std::string> people;
  for (const auto& [id, r] : twente.results) people.insert(id);
  EXPECT_EQ(people, (std::set<std::string>{kCandTwenteUwv}));
  EXPECT_EQ(VacanciesOf(twente.results.at(kCandTwenteUwv)), (std::set<std::string>{kVacTwenteUwv}));
  EXPECT_EQ(twente.summary.selected(), 1u);
  employer.mutable_selection()->set_employer_id("emp-limburg");
  const grpc::Status limburg = As(Who::kCoachOost).StartRematch(employer);
  employer.mutable_selection()->set_employer_id("emp-never");
  const grpc::Status never = As(Who::kCoachOost).StartRematch(employer);
  ExpectLikeUnknown(limburg, "emp-limburg", never, "emp-never");

  // A filter selection: only the scope's people.
  v1::StartRematchRequest filter;
  filter.mutable_selection()->mutable_filter()->add_statuses(v1::CANDIDATE_STATUS_AT_RISK);
  events.clear();
  ASSERT_THAT(As(Who::kCoachOost).StartRematch(filter, &events), IsOk());
  people.clear();
  for (const auto& [id, r] : OutcomeOf(events).results) {
    people.insert(id);
    for (const std::string& v : VacanciesOf(r)) EXPECT_TRUE(VisibleVacancies(Who::kCoachOost).contains(v)) << v;
  }
  std::erase_if(people, [](const std::string& id) { return id.starts_with("c-w-"); });
  EXPECT_EQ(people, VisibleCandidates(Who::kCoachOost));

  // Runs: each coach sees its own; another's answers as an unknown run.
  v1::RematchRun run;
  ASSERT_THAT(As(Who::kCoachOost).GetRematch(oost.run_id, &run, true), IsOk());
  EXPECT_EQ(run.started_by(), "coach-oost");
  EXPECT_EQ(run.started_by_token(), token_ids_->at(Who::kCoachOost));
  EXPECT_EQ(run.results_size(), 3);
  ExpectLikeUnknown(As(Who::kCoachTwente).GetRematch(oost.run_id), oost.run_id,
                    As(Who::kCoachTwente).GetRematch("r-never"), "r-never");
  ExpectLikeUnknown(As(Who::kCoachTwente).CancelRematch(oost.run_id), oost.run_id,
                    As(Who::kCoachTwente).CancelRematch("r-never"), "r-never");
  // Its own finished run: not running (so the NOT_FOUND above was the scope).
  EXPECT_EQ(As(Who::kCoachOost).CancelRematch(oost.run_id).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::ListRematchesResponse list;
  ASSERT_THAT(As(Who::kCoachTwente).ListRematches(&list), IsOk());
  for (const v1::RematchRun& r : list.runs()) EXPECT_EQ(r.started_by_token(), token_ids_->at(Who::kCoachTwente));
  EXPECT_TRUE(std::any_of(list.runs().begin(), list.runs().end(),
                          [&](const v1::RematchRun& r) { return r.run_id() == twente.run_id; }));
  // Paging one run at a time: each page holds one of the coach's own runs, and no page
  // token names another's run (the newer runs of coach-oost come first in the store).
  std::set<std::string> paged;
  std::string token;
  for (int pages = 0; pages < 100; ++pages) {
    ASSERT_THAT(As(Who::kCoachTwente).ListRematches(&list, 1, token), IsOk());
    ASSERT_EQ(list.runs_size(), 1);
    EXPECT_EQ(list.runs(0).started_by_token(), token_ids_->at(Who::kCoachTwente));
    paged.insert(list.runs(0).run_id());
    token = list.next_page_token();
    if (token.empty()) break;
    EXPECT_EQ(token, list.runs(0).run_id());
  }
  EXPECT_TRUE(paged.contains(twente.run_id));
  EXPECT_FALSE(paged.contains(oost.run_id));
  // The administrator sees every run, with its results.
  ASSERT_THAT(As(Who::kAdmin).ListRematches(&list), IsOk());
  std::set<std::string> runs;
  for (const v1::RematchRun& r : list.runs()) runs.insert(r.run_id());
  EXPECT_TRUE(runs.contains(oost.run_id));
  EXPECT_TRUE(runs.contains(twente.run_id));
  EXPECT_THAT(As(Who::kAdmin).GetRematch(oost.run_id, &run, true), IsOk());
  EXPECT_EQ(run.results_size(), 3);

  // The administrator's own rematch of the same people: every vacancy.
  events.clear();
  ASSERT_THAT(As(Who::kAdmin).StartRematchOf({kCandTwenteUwv, kCandLimburgUwv}, &events), IsOk());
  const RunOutcome admin = OutcomeOf(events);
  EXPECT_EQ(VacanciesOf(admin.results.at(kCandTwenteUwv)), VisibleVacancies(Who::kAdmin));
  EXPECT_NE(admin.results.at(kCandLimburgUwv).reason(), unknown.reason());
}

// ---- Policy and taxonomy -------------------------------------------------------------

TEST_F(AccessTest, OnlyAnAdministratorChangesPolicyAndTaxonomy) {
  Api& admin = As(Who::kAdmin);
  v1::Policy policy;
  ASSERT_THAT(admin.GetPolicy(&policy), IsOk());
  for (Who who : {Who::kCoachOost, Who::kRandstad}) {
    EXPECT_THAT(As(who).SetPolicy(policy), StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("admin role")));
  }
  v1::Policy same;
  ASSERT_THAT(admin.SetPolicy(policy, &same), IsOk());  // The same figures, a new version.
  EXPECT_EQ(same.default_max_travel_km(), policy.default_max_travel_km());

  v1::Qualification q;
  q.set_code("ACCTEST-Q");
  q.set_name("Access test course");
  q.set_kind(v1::QUALIFICATION_KIND_CERTIFICATE);
  q.set_weeks(1);
  q.set_cost_eur(100);
  q.set_source("access_test");
  v1::Municipality m;
  m.set_name("Acctestdorp");
  m.set_region("Zeeland");
  v1::UpdateRegionAnchorRequest anchor;  // Zeeland's anchor as shipped.
  anchor.set_region("Zeeland");
  anchor.set_anchor_city("Goes");
  anchor.set_lat(51.504);
  anchor.set_lon(3.889);
  v1::ListClustersResponse clusters;
  ASSERT_THAT(admin.ListClusters(&clusters), IsOk());
  v1::Cluster zuidwest;  // Unchanged: its members as they are.
  for (const v1::Cluster& c : clusters.clusters()) {
    if (c.name() == "zuidwest") zuidwest = c;
  }
  ASSERT_FALSE(zuidwest.name().empty());
  for (Who who : {Who::kCoachTwente, Who::kUwv}) {
    SCOPED_TRACE(NameOf(who));
    EXPECT_EQ(As(who).UpsertQualification(q).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(As(who).UpsertMunicipality(m).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(As(who).UpdateRegionAnchor(anchor).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(As(who).UpsertCluster(zuidwest).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_THAT(admin.UpsertQualification(q), IsOk());
  EXPECT_THAT(admin.UpsertMunicipality(m), IsOk());
  EXPECT_THAT(admin.UpdateRegionAnchor(anchor), IsOk());
  EXPECT_THAT(admin.UpsertCluster(zuidwest), IsOk());
  // The coaches' scopes are resolved again under the new taxonomy, to the same.
  v1::WhoAmIResponse me;
  ASSERT_THAT(As(Who::kCoachOost).WhoAmI(&me), IsOk());
  EXPECT_EQ(me.regions_size(), 5);
  v1::ListCandidatesResponse list;
  ASSERT_THAT(As(Who::kCoachOost).ListCandidates(&list), IsOk());
  std::set<std::string> listed = Ids(list.candidates());
  std::erase_if(listed, [](const std::string& id) { return id.starts_with("c-w-"); });
  EXPECT_EQ(listed, VisibleCandidates(Who::kCoachOost));
}

// ---- A server of its own: restart, scope changes --------------------------------------

class AccessRestartTest : public ::testing::Test {};

TEST_F(AccessRestartTest, TokensAndRevocationsSurviveARestartAndNoSecretIsLogged) {
  const std::string log_path = absl::StrCat(::testing::TempDir(), "/w2w-access-restart-", getpid(), ".log");
  std::remove(log_path.c_str());
  std::unique_ptr<ServerProcess> server;
  ASSERT_TRUE(WithStderrTo(log_path, [&] {
                auto started = ServerProcess::Start();
                if (!started.ok()) return started.status();
                server = std::move(*started);
                return absl::OkStatus();
              }).ok());
  v1::Scope oost;
  oost.add_clusters("oost");
  auto coach = server->CreateToken("coach-oost", v1::ROLE_COACH, oost);
  ASSERT_TRUE(coach.ok()) << coach.status();
  v1::Scope uwv;
  uwv.set_source("uwv");
  auto partner = server->CreateToken("partner-uwv", v1::ROLE_PARTNER, uwv);
  ASSERT_TRUE(partner.ok()) << partner.status();
  auto gone = server->CreateToken("partner-gone", v1::ROLE_PARTNER, uwv);
  ASSERT_TRUE(gone.ok()) << gone.status();
  const std::string admin_token = server->admin_token();
  {
    Api admin(server->channel());
    ASSERT_THAT(admin.UpsertCandidate(Welder(kCandTwenteUwv, kEnschede, "uwv", 30, "e")), IsOk());
    ASSERT_THAT(admin.UpsertCandidate(Welder(kCandNijmegenNearUwv, kNijmegen, "uwv", 35, "e")), IsOk());
    ASSERT_THAT(admin.UpsertCandidate(Welder(kCandLimburgRandstad, kMaastricht, "randstad", 30, "e")), IsOk());
    ASSERT_THAT(admin.RevokeToken(gone->token().id()), IsOk());
  }

  ASSERT_TRUE(server->Stop().ok());
  ASSERT_TRUE(WithStderrTo(log_path, [&] { return server->Restart(); }).ok());
  // The same administrator token (the file is not rewritten), the same tokens.
  EXPECT_EQ(server->admin_token(), admin_token);
  Api admin(server->channel());
  Api coach_api(server->ChannelWithToken(coach->secret()));
  Api partner_api(server->ChannelWithToken(partner->secret()));
  v1::WhoAmIResponse me;
  ASSERT_THAT(coach_api.WhoAmI(&me), IsOk());
  EXPECT_EQ(me.token().id(), coach->token().id());
  EXPECT_EQ(me.regions_size(), 5);
  EXPECT_THAT(Api(server->ChannelWithToken(gone->secret())).WhoAmI(),
              StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("revoked")));
  // Scopes hold after the restart.
  v1::ListCandidatesResponse list;
  ASSERT_THAT(coach_api.ListCandidates(&list), IsOk());
  EXPECT_EQ(Ids(list.candidates()), (std::set<std::string>{kCandTwenteUwv, kCandNijmegenNearUwv}));
  ASSERT_THAT(partner_api.ListCandidates(&list), IsOk());
  EXPECT_EQ(Ids(list.candidates()), (std::set<std::string>{kCandTwenteUwv, kCandNijmegenNearUwv}));
  v1::ListTokensResponse tokens;
  ASSERT_THAT(admin.ListTokens(&tokens, true), IsOk());
  EXPECT_EQ(tokens.tokens_size(), 4);  // admin, coach-oost, partner-uwv, partner-gone.

  // A cluster's regions are the coach's scope as the taxonomy says now: Rijk van Nijmegen
  // joins Oost, and its people who cannot reach the old Oost come into view.
  ASSERT_THAT(admin.UpsertCandidate(Welder(kCandNijmegenFarUwv, kNijmegen, "uwv", 20, "e")), IsOk());
  EXPECT_EQ(coach_api.GetCandidate(kCandNijmegenFarUwv).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListClustersResponse clusters;
  ASSERT_THAT(admin.ListClusters(&clusters), IsOk());
  v1::Cluster cluster;
  for (const v1::Cluster& c : clusters.clusters()) {
    if (c.name() == "oost") cluster = c;
  }
  ASSERT_EQ(cluster.regions_size(), 5);
  cluster.add_regions("Rijk van Nijmegen");
  ASSERT_THAT(admin.UpsertCluster(cluster), IsOk());
  EXPECT_THAT(coach_api.GetCandidate(kCandNijmegenFarUwv), IsOk());
  ASSERT_THAT(coach_api.WhoAmI(&me), IsOk());
  EXPECT_EQ(me.regions_size(), 6);

  ASSERT_TRUE(server->Stop().ok());
  const std::string log = ReadAll(log_path);
  std::remove(log_path.c_str());
  EXPECT_THAT(log, HasSubstr("created an administrator token"));
  for (const std::string& secret : {admin_token, coach->secret(), partner->secret(), gone->secret()}) {
    EXPECT_EQ(log.find(secret), std::string::npos);
  }
  EXPECT_EQ(log.find("w2w_"), std::string::npos) << log;
}

// Watch: every role may watch what it may see, and an id outside its scope answers like
// an unknown one, before the stream starts.
TEST_F(AccessTest, WatchTakesOnlyIdsInTheCallersScope) {
  const std::vector<std::string> vacancies = {kVacTwenteUwv, kVacAchterhoekRandstad, kVacLimburgUwv,
                                              kVacLimburgRandstad};
  for (Who who : kEveryone) {
    SCOPED_TRACE(NameOf(who));
    const std::set<std::string> visible_vacancies = VisibleVacancies(who);
    const std::set<std::string> visible_candidates = VisibleCandidates(who);
    const grpc::Status unknown = As(who).Watch({"v-never-stored"});
    EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
    for (const std::string& id : vacancies) {
      SCOPED_TRACE(id);
      const grpc::Status status = As(who).Watch({id});
      if (visible_vacancies.contains(id)) {
        EXPECT_THAT(status, IsOk());
      } else {
        EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("vacancy_ids[0]")));
      }
    }
    for (const v1::Candidate& c : ScenarioCandidates()) {
      SCOPED_TRACE(c.id());
      const grpc::Status status = As(who).Watch({}, {c.id()});
      if (visible_candidates.contains(c.id())) {
        EXPECT_THAT(status, IsOk());
      } else {
        EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("candidate_ids[0]")));
      }
    }
  }
}

}  // namespace
}  // namespace w2w
