// Ledger: what test clients sent to a real server and what it acknowledged, per candidate
// id, and the check that a store read back after a crash holds every acknowledged write
// and nothing else (crash_test, tests/reliability/). Each id must be written by one
// client thread, in order, so "the last acknowledged version" is well defined.
//
// Thread safety: Sent() and Acked() may be called from many threads.
#ifndef W2W_TESTS_TESTKIT_LEDGER_H_
#define W2W_TESTS_TESTKIT_LEDGER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tests/testkit/server_process.h"
#include "w2w/v1/candidate.pb.h"

namespace w2w::testkit {

class Ledger {
 public:
  // Records that `c` is about to be sent; returns its index among the id's versions.
  int Sent(const v1::Candidate& c) ABSL_LOCKS_EXCLUDED(mu_);
  // Records that version `index` of `id` was acknowledged (an OK answer).
  void Acked(const std::string& id, int index) ABSL_LOCKS_EXCLUDED(mu_);
  std::map<std::string, std::vector<v1::Candidate>> sent() const ABSL_LOCKS_EXCLUDED(mu_);
  // Per id, the index + 1 of the last acknowledged version.
  std::map<std::string, int> acked() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::vector<v1::Candidate>> sent_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> acked_ ABSL_GUARDED_BY(mu_);
};

// What a store read back holds against a ledger.
struct LedgerCheck {
  size_t present = 0;                 // Candidates read back.
  size_t acknowledged_ids = 0;        // Ids with an acknowledged write.
  std::vector<std::string> lost;      // Acknowledged ids missing.
  std::vector<std::string> invented;  // Present ids nobody sent.
  // Present records that are none of the versions sent since the last acknowledged one.
  std::vector<std::string> wrong_version;
  size_t unacknowledged_present = 0;  // Sent, never acknowledged, present (allowed).
  bool ok() const { return lost.empty() && invented.empty() && wrong_version.empty(); }
};

// Reads every candidate (ListCandidates, pages of 1,000) and checks it against `ledger`.
// Candidates whose id does not start with `prefix` are ignored (records of the test's
// own seeding). A failed list call is a test failure (EXPECT).
LedgerCheck CheckAgainstLedger(const ServerProcess& server, const Ledger& ledger,
                               const std::string& prefix = "");

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_LEDGER_H_
