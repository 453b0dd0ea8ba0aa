// Every kind of bad input of the API against the real w2w-server: each is refused with
// its documented status code, an INVALID_ARGUMENT names the offending field, and none of
// them writes anything.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;
using testkit::StatusIs;
using Code = grpc::StatusCode;

constexpr int kMaxTrades = 8;
constexpr int kMaxCandidateQualifications = 64;
constexpr int kMaxVacancyQualifications = 32;
constexpr int kMaxFreeTextBytes = 256;
constexpr int kMaxIdBytes = 128;
constexpr int kMaxPageSize = 1000;

struct CandidateCase {
  const char* name;
  std::function<void(v1::Candidate&)> spoil;
  const char* field;  // The message must start with a path ending in this field.
};

struct VacancyCase {
  const char* name;
  std::function<void(v1::Vacancy&)> spoil;
  const char* field;
};

// The message names `field`: it appears before the first ": " (the field path).
::testing::Matcher<std::string> NamesField(const std::string& field) {
  return ::testing::Truly([field](const std::string& message) {
    const size_t colon = message.find(": ");
    const std::string path = message.substr(0, colon);
    return path.size() >= field.size() &&
           path.compare(path.size() - field.size(), field.size(), field) == 0;
  });
}

std::vector<CandidateCase> CandidateCases() {
  return {
      {"missing id", [](v1::Candidate& c) { c.clear_id(); }, "id"},
      {"id with spaces", [](v1::Candidate& c) { c.set_id("two words"); }, "id"},
      {"id not ascii", [](v1::Candidate& c) { c.set_id("kandidaat-\xc3\xa9\xc3\xa9n"); }, "id"},
      {"id too long", [](v1::Candidate& c) { c.set_id(std::string(kMaxIdBytes + 1, 'x')); }, "id"},
      {"unknown region", [](v1::Candidate& c) { c.set_region("Atlantis"); }, "region"},
      {"region number out of range", [](v1::Candidate& c) { c.set_region("36"); }, "region"},
      {"no location", [](v1::Candidate& c) { c.clear_region(); }, "region"},
      {"unknown municipality",
       [](v1::Candidate& c) {
         c.clear_region();
         c.set_municipality("Atlantis");
       },
       "municipality"},
      {"region contradicts municipality",
       [](v1::Candidate& c) {
         c.set_region(testkit::kTwente);
         c.set_municipality(testkit::kEindhoven);
       },
       "region"},
      {"sector unspecified", [](v1::Candidate& c) { c.set_sector(v1::SECTOR_UNSPECIFIED); },
       "sector"},
      {"sector out of enum", [](v1::Candidate& c) { c.set_sector(static_cast<v1::Sector>(42)); },
       "sector"},
      {"status unspecified",
       [](v1::Candidate& c) { c.set_status(v1::CANDIDATE_STATUS_UNSPECIFIED); }, "status"},
      {"status out of enum",
       [](v1::Candidate& c) { c.set_status(static_cast<v1::CandidateStatus>(99)); }, "status"},
      {"no trades", [](v1::Candidate& c) { c.clear_trades(); }, "trades"},
      {"unknown trade", [](v1::Candidate& c) { c.mutable_trades(0)->set_code("9999.9"); },
       "trades[0].code"},
      {"unknown second trade",
       [](v1::Candidate& c) { c.add_trades()->set_code("00000000-0000-0000-0000-000000000000"); },
       "code"},
      {"duplicate trade",
       [](v1::Candidate& c) {
         c.clear_trades();
         c.add_trades()->set_code(testkit::kWelderId);
         c.add_trades()->set_code(testkit::kWelderCode);  // Same occupation by code.
       },
       "trades[1].code"},
      {"too many trades",
       [](v1::Candidate& c) {
         for (int i = c.trades_size(); i <= kMaxTrades; ++i)
           c.add_trades()->set_code(testkit::kWelderId);
       },
       "trades"},
      {"years out of range", [](v1::Candidate& c) { c.mutable_trades(0)->set_years(61); },
       "trades[0].years"},
      {"unknown qualification",
       [](v1::Candidate& c) {
         c.clear_qualifications();
         c.add_qualifications("NO-SUCH-CERT");
       },
       "qualifications[0]"},
      {"too many qualifications",
       [](v1::Candidate& c) {
         for (int i = c.qualifications_size(); i <= kMaxCandidateQualifications; ++i) {
           c.add_qualifications(testkit::kVcaBasis);
         }
       },
       "qualifications"},
      {"bad available_from", [](v1::Candidate& c) { c.set_available_from("2026-13-01"); },
       "available_from"},
      {"available_from not a date", [](v1::Candidate& c) { c.set_available_from("next week"); },
       "available_from"},
      {"max_travel_km out of range", [](v1::Candidate& c) { c.set_max_travel_km(301); },
       "max_travel_km"},
      {"employer_id with spaces", [](v1::Candidate& c) { c.set_employer_id("acme bv"); },
       "employer_id"},
      {"source too long", [](v1::Candidate& c) { c.set_source(std::string(kMaxIdBytes + 1, 's')); },
       "source"},
  };
}

std::vector<VacancyCase> VacancyCases() {
  return {
      {"missing id", [](v1::Vacancy& v) { v.clear_id(); }, "id"},
      {"missing employer", [](v1::Vacancy& v) { v.clear_employer_id(); }, "employer_id"},
      {"unknown region", [](v1::Vacancy& v) { v.set_region("Atlantis"); }, "region"},
      {"unknown municipality",
       [](v1::Vacancy& v) {
         v.clear_region();
         v.set_municipality("Atlantis");
       },
       "municipality"},
      {"region contradicts municipality",
       [](v1::Vacancy& v) {
         v.set_region(testkit::kRijnmond);
         v.set_municipality(testkit::kEnschede);
       },
       "region"},
      {"sector out of enum", [](v1::Vacancy& v) { v.set_sector(static_cast<v1::Sector>(7)); },
       "sector"},
      {"missing trade", [](v1::Vacancy& v) { v.clear_trade(); }, "trade"},
      {"unknown trade", [](v1::Vacancy& v) { v.set_trade("1234.5"); }, "trade"},
      {"unknown required qualification",
       [](v1::Vacancy& v) {
         v.clear_required_qualifications();
         v.add_required_qualifications("NOPE");
       },
       "required_qualifications[0]"},
      {"unknown preferred qualification",
       [](v1::Vacancy& v) { v.add_preferred_qualifications("vca basis!"); },
       "preferred_qualifications[0]"},
      {"too many required qualifications",
       [](v1::Vacancy& v) {
         for (int i = v.required_qualifications_size(); i <= kMaxVacancyQualifications; ++i) {
           v.add_required_qualifications(testkit::kVcaBasis);
         }
       },
       "required_qualifications"},
      {"positions out of range", [](v1::Vacancy& v) { v.set_positions(1001); }, "positions"},
      {"status out of enum",
       [](v1::Vacancy& v) { v.set_status(static_cast<v1::VacancyStatus>(12)); }, "status"},
      {"bad expires_at", [](v1::Vacancy& v) { v.set_expires_at("2026-02-30"); }, "expires_at"},
      {"bad starts_at", [](v1::Vacancy& v) { v.set_starts_at("01-03-2027"); }, "starts_at"},
      {"title too long",
       [](v1::Vacancy& v) { v.set_title(std::string(kMaxFreeTextBytes + 1, 't')); }, "title"},
      {"title with NUL", [](v1::Vacancy& v) { v.set_title(std::string("TIG\0lasser", 10)); },
       "title"},
      {"title with a newline", [](v1::Vacancy& v) { v.set_title("TIG-lasser\nRVS"); }, "title"},
      {"title with an escape sequence",
       [](v1::Vacancy& v) { v.set_title("TIG-lasser \x1b[2J"); }, "title"},
  };
}

class BadInputTest : public testkit::SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure()) return;
    candidates_ = server_->candidates();
    vacancies_ = server_->vacancies();
  }

  // Nothing was written by any bad request: the store holds no record.
  void ExpectNothingStored() {
    v1::ServerInfo info;
    ASSERT_THAT(server_->info()->GetServerInfo(ContextWithDeadline().get(),
                                               v1::GetServerInfoRequest(), &info),
                IsOk());
    EXPECT_EQ(info.candidates(), 0u);
    EXPECT_EQ(info.vacancies(), 0u);
    v1::ListCandidatesResponse candidates;
    ASSERT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(),
                                            v1::ListCandidatesRequest(), &candidates),
                IsOk());
    EXPECT_EQ(candidates.candidates_size(), 0);
    v1::ListVacanciesResponse vacancies;
    ASSERT_THAT(vacancies_->ListVacancies(ContextWithDeadline().get(), v1::ListVacanciesRequest(),
                                          &vacancies),
                IsOk());
    EXPECT_EQ(vacancies.vacancies_size(), 0);
  }

  std::unique_ptr<v1::CandidateService::Stub> candidates_;
  std::unique_ptr<v1::VacancyService::Stub> vacancies_;
};

TEST_F(BadInputTest, TheValidRecordsAreValid) {
  // The baseline the cases spoil must itself pass validation. Checked on a throw-away
  // server, since the suite's server must stay empty.
  auto scratch = ServerProcess::Start();
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  v1::UpsertCandidateRequest c;
  *c.mutable_candidate() = testkit::MakeCandidate("valid-c");
  v1::UpsertCandidateResponse c_out;
  EXPECT_THAT((*scratch)->candidates()->UpsertCandidate(ContextWithDeadline().get(), c, &c_out),
              IsOk());
  v1::UpsertVacancyRequest v;
  *v.mutable_vacancy() = testkit::MakeVacancy("valid-v");
  v1::UpsertVacancyResponse v_out;
  EXPECT_THAT((*scratch)->vacancies()->UpsertVacancy(ContextWithDeadline().get(), v, &v_out),
              IsOk());
}

TEST_F(BadInputTest, InvalidCandidatesNameTheField) {
  for (const CandidateCase& test : CandidateCases()) {
    SCOPED_TRACE(test.name);
    v1::UpsertCandidateRequest request;
    *request.mutable_candidate() = testkit::MakeCandidate("bad-c");
    test.spoil(*request.mutable_candidate());
    v1::UpsertCandidateResponse response;
    grpc::Status status =
        candidates_->UpsertCandidate(ContextWithDeadline().get(), request, &response);
    EXPECT_THAT(status, StatusIs(Code::INVALID_ARGUMENT, NamesField(test.field)));
  }
  ExpectNothingStored();
}

TEST_F(BadInputTest, InvalidVacanciesNameTheField) {
  for (const VacancyCase& test : VacancyCases()) {
    SCOPED_TRACE(test.name);
    v1::UpsertVacancyRequest request;
    *request.mutable_vacancy() = testkit::MakeVacancy("bad-v", 1);
    test.spoil(*request.mutable_vacancy());
    v1::UpsertVacancyResponse response;
    grpc::Status status =
        vacancies_->UpsertVacancy(ContextWithDeadline().get(), request, &response);
    EXPECT_THAT(status, StatusIs(Code::INVALID_ARGUMENT, NamesField(test.field)));
  }
  ExpectNothingStored();
}

TEST_F(BadInputTest, AMessageOverTheSizeLimitIsResourceExhausted) {
  v1::UpsertCandidateRequest request;
  *request.mutable_candidate() = testkit::MakeCandidate("huge");
  request.mutable_candidate()->set_source(std::string(5 << 20, 'x'));  // Over the 4 MiB default.
  v1::UpsertCandidateResponse response;
  EXPECT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), request, &response),
              StatusIs(Code::RESOURCE_EXHAUSTED, ::testing::_));
  // The server is fine afterwards.
  v1::PingResponse pong;
  EXPECT_THAT(server_->info()->Ping(ContextWithDeadline().get(), v1::PingRequest(), &pong), IsOk());
  ExpectNothingStored();
}

TEST_F(BadInputTest, UnknownIdsAreNotFound) {
  v1::GetCandidateRequest get_c;
  get_c.set_id("nobody");
  v1::Candidate c;
  EXPECT_THAT(candidates_->GetCandidate(ContextWithDeadline().get(), get_c, &c),
              StatusIs(Code::NOT_FOUND, HasSubstr("nobody")));
  v1::DeleteCandidateRequest del_c;
  del_c.set_id("nobody");
  v1::DeleteCandidateResponse del_c_out;
  EXPECT_THAT(candidates_->DeleteCandidate(ContextWithDeadline().get(), del_c, &del_c_out),
              StatusIs(Code::NOT_FOUND, HasSubstr("nobody")));
  v1::GetVacancyRequest get_v;
  get_v.set_id("nothing");
  v1::Vacancy v;
  EXPECT_THAT(vacancies_->GetVacancy(ContextWithDeadline().get(), get_v, &v),
              StatusIs(Code::NOT_FOUND, HasSubstr("nothing")));
  v1::CloseVacancyRequest close;
  close.set_id("nothing");
  EXPECT_THAT(vacancies_->CloseVacancy(ContextWithDeadline().get(), close, &v),
              StatusIs(Code::NOT_FOUND, HasSubstr("nothing")));
  v1::DeleteVacancyRequest del_v;
  del_v.set_id("nothing");
  v1::DeleteVacancyResponse del_v_out;
  EXPECT_THAT(vacancies_->DeleteVacancy(ContextWithDeadline().get(), del_v, &del_v_out),
              StatusIs(Code::NOT_FOUND, HasSubstr("nothing")));
  // A conditional upsert of a record that does not exist.
  v1::UpsertCandidateRequest conditional;
  *conditional.mutable_candidate() = testkit::MakeCandidate("nobody");
  conditional.mutable_candidate()->set_version(2);
  v1::UpsertCandidateResponse out;
  EXPECT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), conditional, &out),
              StatusIs(Code::NOT_FOUND, HasSubstr("nobody")));
  // A malformed id in a read is a bad argument, not a miss.
  get_c.set_id("");
  EXPECT_THAT(candidates_->GetCandidate(ContextWithDeadline().get(), get_c, &c),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("id")));
  ExpectNothingStored();
}

TEST_F(BadInputTest, BadListRequestsNameTheField) {
  v1::ListCandidatesRequest too_big;
  too_big.set_page_size(kMaxPageSize + 1);
  v1::ListCandidatesResponse c_page;
  EXPECT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(), too_big, &c_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("page_size")));
  v1::ListVacanciesRequest too_big_v;
  too_big_v.set_page_size(kMaxPageSize + 1);
  v1::ListVacanciesResponse v_page;
  EXPECT_THAT(vacancies_->ListVacancies(ContextWithDeadline().get(), too_big_v, &v_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("page_size")));
  v1::ListTradesRequest trades;
  trades.set_page_size(kMaxPageSize + 1);
  v1::ListTradesResponse t_page;
  EXPECT_THAT(server_->taxonomy()->ListTrades(ContextWithDeadline().get(), trades, &t_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("page_size")));
  trades.set_page_size(10);
  trades.set_page_token("garbage");
  EXPECT_THAT(server_->taxonomy()->ListTrades(ContextWithDeadline().get(), trades, &t_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("page_token")));

  v1::ListCandidatesRequest bad_token;
  bad_token.set_page_token("\x01garbage");
  EXPECT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(), bad_token, &c_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("page_token")));
  v1::ListCandidatesRequest bad_region;
  bad_region.set_region("Atlantis");
  EXPECT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(), bad_region, &c_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("region")));
  v1::ListCandidatesRequest bad_status;
  bad_status.set_status(static_cast<v1::CandidateStatus>(99));
  EXPECT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(), bad_status, &c_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("status")));
  v1::ListVacanciesRequest bad_vacancy_status;
  bad_vacancy_status.set_status(static_cast<v1::VacancyStatus>(99));
  EXPECT_THAT(vacancies_->ListVacancies(ContextWithDeadline().get(), bad_vacancy_status, &v_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("status")));
  v1::ListCandidatesRequest bad_trade;
  bad_trade.set_trade("9999.9");
  EXPECT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(), bad_trade, &c_page),
              StatusIs(Code::INVALID_ARGUMENT, NamesField("trade")));
  v1::ListMunicipalitiesRequest municipalities;
  municipalities.set_region("Atlantis");
  v1::ListMunicipalitiesResponse m_page;
  EXPECT_THAT(
      server_->taxonomy()->ListMunicipalities(ContextWithDeadline().get(), municipalities, &m_page),
      StatusIs(Code::INVALID_ARGUMENT, NamesField("region")));
}

// An unknown value of 8,000+ bytes is quoted short in the error, so the message fits the
// status header (before, the client saw RESOURCE_EXHAUSTED "received initial metadata size
// exceeds limit" instead of the INVALID_ARGUMENT).
TEST_F(BadInputTest, HugeUnknownValuesAreQuotedShort) {
  const std::string huge(9000, 'x');
  const auto short_and_named = [](const std::string& field) {
    return ::testing::AllOf(NamesField(field), HasSubstr("(9000 bytes)"),
                            ::testing::Truly([](const std::string& m) { return m.size() < 300; }));
  };
  v1::UpsertCandidateRequest candidate;
  *candidate.mutable_candidate() = testkit::MakeCandidate("huge");
  candidate.mutable_candidate()->set_region(huge);
  v1::UpsertCandidateResponse c_response;
  EXPECT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), candidate, &c_response),
              StatusIs(Code::INVALID_ARGUMENT, short_and_named("region")));
  candidate.mutable_candidate()->set_region(testkit::kTwente);
  candidate.mutable_candidate()->set_municipality(huge);
  EXPECT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), candidate, &c_response),
              StatusIs(Code::INVALID_ARGUMENT, short_and_named("municipality")));
  candidate.mutable_candidate()->clear_municipality();
  candidate.mutable_candidate()->mutable_trades(0)->set_code(huge);
  EXPECT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), candidate, &c_response),
              StatusIs(Code::INVALID_ARGUMENT, short_and_named("trades[0].code")));
  v1::UpsertVacancyRequest vacancy;
  *vacancy.mutable_vacancy() = testkit::MakeVacancy("huge");
  vacancy.mutable_vacancy()->set_trade(huge);
  v1::UpsertVacancyResponse v_response;
  EXPECT_THAT(vacancies_->UpsertVacancy(ContextWithDeadline().get(), vacancy, &v_response),
              StatusIs(Code::INVALID_ARGUMENT, short_and_named("trade")));
  v1::ListCandidatesRequest list;
  list.set_region(huge);
  v1::ListCandidatesResponse page;
  EXPECT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(), list, &page),
              StatusIs(Code::INVALID_ARGUMENT, short_and_named("region")));
  list.clear_region();
  list.set_trade(huge);
  EXPECT_THAT(candidates_->ListCandidates(ContextWithDeadline().get(), list, &page),
              StatusIs(Code::INVALID_ARGUMENT, short_and_named("trade")));
  v1::ListMunicipalitiesRequest municipalities;
  municipalities.set_region(huge);
  v1::ListMunicipalitiesResponse m_page;
  EXPECT_THAT(
      server_->taxonomy()->ListMunicipalities(ContextWithDeadline().get(), municipalities, &m_page),
      StatusIs(Code::INVALID_ARGUMENT, short_and_named("region")));
  // The match RPCs quote short too: a filter value and an inline vacancy's trade.
  v1::ShortlistRequest shortlist;
  *shortlist.mutable_vacancy() = testkit::MakeVacancy("inline");
  shortlist.mutable_filter()->add_regions(huge);
  v1::ShortlistResponse s_response;
  EXPECT_THAT(server_->match()->Shortlist(ContextWithDeadline().get(), shortlist, &s_response),
              StatusIs(Code::INVALID_ARGUMENT, short_and_named("filter.regions[0]")));
  ExpectNothingStored();
}

// A request the server cannot parse (a string field that is not valid UTF-8) is
// INVALID_ARGUMENT naming the field, not INTERNAL with an empty message.
TEST_F(BadInputTest, RequestsThatDoNotParseNameTheField) {
  constexpr char kLatin1[] = "Twent\xe9";
  v1::UpsertCandidateRequest candidate;
  *candidate.mutable_candidate() = testkit::MakeCandidate("latin1");
  candidate.mutable_candidate()->set_region(kLatin1);
  v1::UpsertCandidateResponse c_response;
  EXPECT_THAT(candidates_->UpsertCandidate(ContextWithDeadline().get(), candidate, &c_response),
              StatusIs(Code::INVALID_ARGUMENT, "candidate.region: not valid UTF-8"));
  v1::UpsertVacancyRequest vacancy;
  *vacancy.mutable_vacancy() = testkit::MakeVacancy("latin1");
  vacancy.mutable_vacancy()->set_title("Lasser \xe9\xe9n");
  v1::UpsertVacancyResponse v_response;
  EXPECT_THAT(vacancies_->UpsertVacancy(ContextWithDeadline().get(), vacancy, &v_response),
              StatusIs(Code::INVALID_ARGUMENT, "vacancy.title: not valid UTF-8"));

  auto match = server_->match();
  v1::ShortlistRequest shortlist;
  *shortlist.mutable_vacancy() = testkit::MakeVacancy("inline");
  shortlist.mutable_vacancy()->set_municipality(kLatin1);
  v1::ShortlistResponse s_response;
  EXPECT_THAT(match->Shortlist(ContextWithDeadline().get(), shortlist, &s_response),
              StatusIs(Code::INVALID_ARGUMENT, "vacancy.municipality: not valid UTF-8"));
  v1::MatchCandidateRequest match_candidate;
  *match_candidate.mutable_candidate() = testkit::MakeCandidate("inline");
  match_candidate.mutable_candidate()->mutable_trades(0)->set_code(kLatin1);
  v1::MatchCandidateResponse m_response;
  EXPECT_THAT(match->MatchCandidate(ContextWithDeadline().get(), match_candidate, &m_response),
              StatusIs(Code::INVALID_ARGUMENT, "trade_experience.code: not valid UTF-8"));
  v1::ExplainMatchRequest explain;
  *explain.mutable_candidate() = testkit::MakeCandidate("inline");
  *explain.mutable_vacancy() = testkit::MakeVacancy("inline");
  explain.mutable_candidate()->add_qualifications(kLatin1);
  v1::ExplainMatchResponse e_response;
  EXPECT_THAT(match->ExplainMatch(ContextWithDeadline().get(), explain, &e_response),
              StatusIs(Code::INVALID_ARGUMENT, "candidate.qualifications: not valid UTF-8"));
  // The same calls with valid text still work (the match RPCs with inline records).
  explain.mutable_candidate()->mutable_qualifications()->RemoveLast();
  EXPECT_THAT(match->ExplainMatch(ContextWithDeadline().get(), explain, &e_response), IsOk());
  shortlist.mutable_vacancy()->clear_municipality();
  EXPECT_THAT(match->Shortlist(ContextWithDeadline().get(), shortlist, &s_response), IsOk());
  ExpectNothingStored();
}

// The stale-version case needs one stored record, so it runs on its own server and
// checks that the refused write changed nothing.
TEST(BadInputVersionTest, StaleVersionsAreAbortedAndWriteNothing) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  auto candidates = (*server)->candidates();
  v1::UpsertCandidateRequest request;
  *request.mutable_candidate() = testkit::MakeCandidate("stale", 0);
  v1::UpsertCandidateResponse first;
  ASSERT_THAT(candidates->UpsertCandidate(ContextWithDeadline().get(), request, &first), IsOk());

  *request.mutable_candidate() = testkit::MakeCandidate("stale", 1);
  request.mutable_candidate()->set_version(first.candidate().version() + 1);
  v1::UpsertCandidateResponse out;
  EXPECT_THAT(candidates->UpsertCandidate(ContextWithDeadline().get(), request, &out),
              StatusIs(Code::ABORTED, HasSubstr("version")));
  v1::DeleteCandidateRequest del;
  del.set_id("stale");
  del.set_expected_version(first.candidate().version() + 1);
  v1::DeleteCandidateResponse del_out;
  EXPECT_THAT(candidates->DeleteCandidate(ContextWithDeadline().get(), del, &del_out),
              StatusIs(Code::ABORTED, HasSubstr("version")));

  v1::GetCandidateRequest get;
  get.set_id("stale");
  v1::Candidate stored;
  ASSERT_THAT(candidates->GetCandidate(ContextWithDeadline().get(), get, &stored), IsOk());
  EXPECT_EQ(stored.SerializeAsString(), first.candidate().SerializeAsString());
}

}  // namespace
}  // namespace w2w
