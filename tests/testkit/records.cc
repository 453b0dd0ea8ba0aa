#include "tests/testkit/records.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace w2w::testkit {
namespace {

struct Profile {
  const char* region;
  v1::Sector sector;
  const char* trade;
  const char* second_trade;                 // nullptr: one trade only.
  std::vector<std::string> qualifications;  // Sorted.
};

const std::vector<Profile>& Profiles() {
  static const auto* profiles = new std::vector<Profile>{
      {kZuidoostBrabant, v1::SECTOR_ME, kWelderId, kPipeWelderId, {kMagWelding, kVcaBasis}},
      {kTwente, v1::SECTOR_ME, kPipeWelderId, nullptr, {kTigWelding, kVcaBasis, kVcaVol}},
      {kRijnmond, v1::SECTOR_MVT, kVehicleTechnicianId, nullptr, {kForklift}},
      {kZuidoostBrabant, v1::SECTOR_INST, kHeatingTechnicianId, kWelderId, {kVcaBasis}},
      {kTwente, v1::SECTOR_PROC, kWelderId, nullptr, {}},
  };
  return *profiles;
}

constexpr v1::CandidateStatus kStatuses[] = {
    v1::CANDIDATE_STATUS_AT_RISK, v1::CANDIDATE_STATUS_NOTICE_GIVEN,
    v1::CANDIDATE_STATUS_UNEMPLOYED, v1::CANDIDATE_STATUS_EMPLOYED,
    v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER};
constexpr int kEmployers = 7;

template <typename Record>
bool SameContentImpl(const Record& a, const Record& b) {
  Record x = a, y = b;
  x.clear_version();
  x.clear_updated_at();
  y.clear_version();
  y.clear_updated_at();
  return x.SerializeAsString() == y.SerializeAsString();
}

}  // namespace

v1::Candidate MakeCandidate(std::string_view id, int variant) {
  const int v = variant < 0 ? -variant : variant;
  const Profile& p = Profiles()[v % Profiles().size()];
  v1::Candidate c;
  c.set_id(std::string(id));
  c.set_region(p.region);
  c.set_sector(p.sector);
  v1::TradeExperience* main = c.add_trades();
  main->set_code(p.trade);
  main->set_years(static_cast<uint32_t>(1 + v % 30));
  if (p.second_trade != nullptr) {
    v1::TradeExperience* second = c.add_trades();
    second->set_code(p.second_trade);
    second->set_years(static_cast<uint32_t>(v % 5));
  }
  for (const std::string& q : p.qualifications) c.add_qualifications(q);
  c.set_employer_id(absl::StrCat("emp-", v % kEmployers));
  c.set_status(kStatuses[v % std::size(kStatuses)]);
  c.set_max_travel_km(static_cast<uint32_t>(20 + v % 80));
  c.set_willing_to_retrain(v % 3 != 0);
  c.set_source("test");
  return c;
}

v1::Vacancy MakeVacancy(std::string_view id, int variant) {
  const int v = variant < 0 ? -variant : variant;
  const Profile& p = Profiles()[(v + 1) % Profiles().size()];
  v1::Vacancy vac;
  vac.set_id(std::string(id));
  vac.set_employer_id(absl::StrCat("emp-", v % kEmployers));
  vac.set_region(p.region);
  vac.set_sector(p.sector);
  vac.set_trade(p.trade);
  if (!p.qualifications.empty()) vac.add_required_qualifications(p.qualifications.front());
  vac.set_positions(static_cast<uint32_t>(1 + v % 4));
  vac.set_hard_to_fill(v % 2 == 0);
  vac.set_status(v1::VACANCY_STATUS_OPEN);
  vac.set_title(absl::StrCat("Vacature ", v));
  vac.set_source("test");
  return vac;
}

bool SameContent(const v1::Candidate& a, const v1::Candidate& b) { return SameContentImpl(a, b); }
bool SameContent(const v1::Vacancy& a, const v1::Vacancy& b) { return SameContentImpl(a, b); }

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  return context;
}

}  // namespace w2w::testkit
