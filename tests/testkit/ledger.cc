#include "tests/testkit/ledger.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "tests/testkit/records.h"
#include "tests/testkit/status_matchers.h"

namespace w2w::testkit {

int Ledger::Sent(const v1::Candidate& c) {
  absl::MutexLock lock(&mu_);
  std::vector<v1::Candidate>& versions = sent_[c.id()];
  versions.push_back(c);
  return static_cast<int>(versions.size()) - 1;
}

void Ledger::Acked(const std::string& id, int index) {
  absl::MutexLock lock(&mu_);
  int& last = acked_[id];
  last = std::max(last, index + 1);
}

std::map<std::string, std::vector<v1::Candidate>> Ledger::sent() const {
  absl::MutexLock lock(&mu_);
  return sent_;
}

std::map<std::string, int> Ledger::acked() const {
  absl::MutexLock lock(&mu_);
  return acked_;
}

LedgerCheck CheckAgainstLedger(const ServerProcess& server, const Ledger& ledger,
                               const std::string& prefix) {
  std::map<std::string, v1::Candidate> present;
  auto stub = server.candidates();
  v1::ListCandidatesRequest list;
  list.set_page_size(1000);
  for (int page = 0; page < 100000; ++page) {
    v1::ListCandidatesResponse response;
    grpc::Status status = stub->ListCandidates(ContextWithDeadline(absl::Seconds(30)).get(), list, &response);
    EXPECT_THAT(status, IsOk());
    if (!status.ok()) break;
    for (v1::Candidate& c : *response.mutable_candidates()) {
      if (absl::StartsWith(c.id(), prefix)) present[c.id()] = std::move(c);
    }
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  const auto sent = ledger.sent();
  const auto acked = ledger.acked();
  LedgerCheck check;
  check.present = present.size();
  check.acknowledged_ids = acked.size();
  for (const auto& [id, record] : present) {
    auto versions = sent.find(id);
    if (versions == sent.end()) {
      check.invented.push_back(id);
      continue;
    }
    auto last_acked = acked.find(id);
    if (last_acked == acked.end()) ++check.unacknowledged_present;
    const int oldest_allowed = last_acked == acked.end() ? 0 : last_acked->second - 1;
    bool matches = false;
    for (int i = oldest_allowed; i < static_cast<int>(versions->second.size()) && !matches; ++i) {
      matches = SameContent(record, versions->second[i]);
    }
    if (!matches) check.wrong_version.push_back(id);
  }
  for (const auto& [id, last] : acked) {
    if (present.count(id) == 0) check.lost.push_back(id);
  }
  return check;
}

}  // namespace w2w::testkit
