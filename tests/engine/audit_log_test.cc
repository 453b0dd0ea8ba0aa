// Unit tests of access::AuditLog on a real storage::Store in a temporary folder: what
// Record() queues is listed by candidate (one prefix scan of the index) and in full, with
// `at` from the stamp; every id gets its index key, also past the pseudonym cache's
// generations; entries written by the previous version (with `at` stored) stay readable,
// scrubbable and expire with their index keys; ScrubCandidate rewrites every entry naming
// the id; and Pseudonymizer gives KeyedPseudonym's values.
#include "engine/access/audit_log.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/access/secrets.h"
#include "engine/access/token_registry.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::access {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

AccessRecord Read(std::vector<std::string> ids, std::string rpc = "Shortlist") {
  AccessRecord r;
  r.token_id = "tok-0123456789abcdef";
  r.token_name = "coach-a";
  r.role = v1::ROLE_COACH;
  r.rpc = std::move(rpc);
  r.candidate_ids = std::move(ids);
  r.vacancy_id = "v-1";
  return r;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.path = testing_engine::NewTempDir("audit");
    options_.disk_reserve_bytes = 0;
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    OpenLog();
  }
  void TearDown() override {
    log_.reset();
    store_.reset();
    std::filesystem::remove_all(options_.path);
  }
  void OpenLog() {
    log_.reset();
    auto log = AuditLog::Open(store_.get(), AuditOptions{});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }
  std::vector<v1::AccessEntry> Of(const std::string& id) {
    v1::ListAccessRequest request;
    request.set_candidate_id(id);
    request.set_page_size(kMaxAuditPage);
    absl::StatusOr<v1::ListAccessResponse> listed = log_->List(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return {};
    return {listed->entries().begin(), listed->entries().end()};
  }
  // Every key of the audit family starting with `prefix`.
  std::vector<std::string> Keys(std::string_view prefix) {
    std::vector<std::string> keys;
    auto visited = store_->Scan(storage::Family::kAudit, prefix, prefix, 0, [&](std::string_view key, std::string_view) {
      keys.emplace_back(key);
      return true;
    });
    EXPECT_TRUE(visited.ok()) << visited.status();
    return keys;
  }

  storage::StoreOptions options_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST(PseudonymizerTest, GivesTheValuesOfKeyedPseudonym) {
  for (size_t key_bytes : {0, 16, 32, 64, 65, 100}) {
    const std::string key(key_bytes, static_cast<char>(0xa5 ^ key_bytes));
    Pseudonymizer p(key);
    for (const std::string& message :
         std::vector<std::string>{"", "c-1", "c-000123", std::string(200, 'x'), std::string("a\0b", 3)}) {
      EXPECT_EQ(p.Hex(message), KeyedPseudonym(key, message)) << key_bytes << " " << message.size();
      std::string into(2 * kPseudonymBytes, '?');
      p.HexInto(message, into.data());
      EXPECT_EQ(into, KeyedPseudonym(key, message)) << key_bytes << " " << message.size();
    }
  }
}

TEST_F(AuditLogTest, ListsByCandidateAndInFullWithTheTimeOfTheStamp) {
  const absl::Time before = absl::Now();
  log_->Record(Read({"c-1", "c-2"}));
  log_->Record(Read({"c-2", "c-3"}, "GetRematch"));
  ASSERT_TRUE(log_->Flush().ok());

  const std::vector<v1::AccessEntry> two = Of("c-2");
  ASSERT_THAT(two, SizeIs(2));
  EXPECT_EQ(two[0].rpc(), "Shortlist");
  EXPECT_EQ(two[1].rpc(), "GetRematch");
  EXPECT_THAT(two[0].candidate_ids(), ElementsAre("c-1", "c-2"));
  EXPECT_EQ(two[0].token_id(), "tok-0123456789abcdef");
  EXPECT_EQ(two[0].token_name(), "coach-a");
  EXPECT_EQ(two[0].role(), v1::ROLE_COACH);
  EXPECT_EQ(two[0].vacancy_id(), "v-1");
  std::optional<absl::Time> at = ParseRfc3339(two[0].at());
  ASSERT_TRUE(at.has_value()) << two[0].at();
  EXPECT_GE(*at, absl::FromUnixMicros(absl::ToUnixMicros(before)));
  EXPECT_LE(*at, absl::Now());
  EXPECT_THAT(Of("c-1"), SizeIs(1));
  EXPECT_THAT(Of("c-3"), SizeIs(1));
  EXPECT_THAT(Of("c-4"), SizeIs(0));

  absl::StatusOr<v1::ListAccessResponse> all = log_->List(v1::ListAccessRequest());
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->entries_size(), 2);
  EXPECT_FALSE(all->entries(0).at().empty());
  // One index key per id named, under the id's keyed pseudonym.
  EXPECT_THAT(Keys("c"), SizeIs(4));
  EXPECT_THAT(Keys(storage::AuditCandidatePrefix(log_->Pseudonym("c-2"))), SizeIs(2));
}

TEST_F(AuditLogTest, IndexesEveryIdPastThePseudonymCache) {
  // More distinct ids than two cache generations hold, then the first ones again.
  constexpr int kIds = 70'000;
  constexpr int kPerRead = 1'000;
  for (int start = 0; start < kIds; start += kPerRead) {
    std::vector<std::string> ids;
    for (int i = start; i < start + kPerRead; ++i) ids.push_back(absl::StrCat("c-", i));
    log_->Record(Read(std::move(ids)));
  }
  log_->Record(Read({"c-0", "c-69999"}));
  ASSERT_TRUE(log_->Flush().ok());
  EXPECT_THAT(Keys("c"), SizeIs(kIds + 2));
  EXPECT_THAT(Of("c-0"), SizeIs(2));
  EXPECT_THAT(Of("c-35000"), SizeIs(1));
  EXPECT_THAT(Of("c-69999"), SizeIs(2));
}

TEST_F(AuditLogTest, ScrubRewritesEveryEntryAndLaterReadsCarryThePseudonym) {
  for (int i = 0; i < 5; ++i) log_->Record(Read({"c-1", absl::StrCat("c-x", i)}));
  log_->Record(Read({"c-2"}));  // Still queued when the erasure starts.
  storage::Batch batch;
  absl::StatusOr<uint64_t> rewritten = log_->ScrubCandidate("c-1", &batch);
  ASSERT_TRUE(rewritten.ok()) << rewritten.status();
  EXPECT_EQ(*rewritten, 5u);
  ASSERT_TRUE(store_->Write(batch).ok());
  log_->Record(Read({"c-1"}));  // A read that began before the erasure.
  ASSERT_TRUE(log_->Flush().ok());

  const std::string erased = absl::StrCat("erased:", log_->Pseudonym("c-1"));
  const std::vector<v1::AccessEntry> entries = Of("c-1");
  ASSERT_THAT(entries, SizeIs(6));
  for (const v1::AccessEntry& e : entries) {
    EXPECT_EQ(e.candidate_ids(0), erased);
  }
  EXPECT_THAT(Of("c-2"), SizeIs(1));
}

TEST_F(AuditLogTest, RetentionDeletesEntriesAndTheirIndexKeys) {
  log_->Record(Read({"c-1", "c-2"}));
  log_->Record(Read({"c-1"}));
  storage::Batch batch;
  ASSERT_TRUE(log_->ScrubCandidate("c-2", &batch).ok());
  ASSERT_TRUE(store_->Write(batch).ok());
  log_->Record(Read({"c-2"}));
  ASSERT_TRUE(log_->Flush().ok());
  ASSERT_THAT(Keys("c"), SizeIs(4));
  absl::StatusOr<uint64_t> gone = log_->EnforceRetention(absl::Now() + absl::Hours(24 * 366));
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(*gone, 3u);
  EXPECT_THAT(Keys(""), SizeIs(0));
}

// What the previous version wrote: `at` in the entry, the same keys.
TEST_F(AuditLogTest, EntriesOfThePreviousVersionStayReadableScrubbableAndExpire) {
  const uint64_t micros = static_cast<uint64_t>(absl::ToUnixMicros(absl::Now() - absl::Hours(1)));
  const std::string stamp = storage::AuditStamp(micros, 0);
  v1::AccessEntry old;
  old.set_at("2026-12-01T09:30:00.123456Z");  // As stored; not recomputed.
  old.set_token_id("tok-old");
  old.set_rpc("GetCandidate");
  old.add_candidate_ids("c-9");
  storage::Batch legacy;
  legacy.Put(storage::Family::kAudit, storage::AuditEntryKey(stamp), old);
  legacy.PutRaw(storage::Family::kAudit, storage::AuditCandidateKey(log_->Pseudonym("c-9"), stamp), "");
  ASSERT_TRUE(store_->Write(legacy).ok());
  OpenLog();

  log_->Record(Read({"c-9"}));
  ASSERT_TRUE(log_->Flush().ok());
  std::vector<v1::AccessEntry> entries = Of("c-9");
  ASSERT_THAT(entries, SizeIs(2));
  EXPECT_EQ(entries[0].at(), "2026-12-01T09:30:00.123456Z");
  EXPECT_EQ(entries[0].token_id(), "tok-old");

  storage::Batch batch;
  absl::StatusOr<uint64_t> rewritten = log_->ScrubCandidate("c-9", &batch);
  ASSERT_TRUE(rewritten.ok()) << rewritten.status();
  EXPECT_EQ(*rewritten, 2u);
  ASSERT_TRUE(store_->Write(batch).ok());
  for (const v1::AccessEntry& e : Of("c-9")) EXPECT_THAT(e.candidate_ids(), ElementsAre(absl::StrCat("erased:", log_->Pseudonym("c-9"))));

  absl::StatusOr<uint64_t> gone = log_->EnforceRetention(absl::Now() + absl::Hours(24 * 366));
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(*gone, 2u);
  EXPECT_THAT(Keys(""), SizeIs(0));
}

}  // namespace
}  // namespace w2w::access
