// Engine facade, tombstones (engine/internal/tombstones.h, docs/storage.md "Tombstones"):
// a deleted candidate or vacancy keeps its last version, a re-created one continues the
// sequence, a write expecting a version of a deleted record is FAILED_PRECONDITION
// "deleted at version N", imports obey the same rules, an erasure's tombstone holds
// nothing of the person, and tombstones expire. Real RocksDB in a temporary folder.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "engine/storage/store.h"
#include "engine/storage/tombstone.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::testing_engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const access::Caller& System() { return access::Caller::System(); }

class EngineTombstonesTest : public EngineTest {
 protected:
  // Every (key, value) of the tombstones family, read with the engine closed.
  std::vector<std::pair<std::string, std::string>> StoredTombstones() {
    engine_.reset();
    std::vector<std::pair<std::string, std::string>> out;
    {
      auto store = storage::Store::Open(options_.store);
      EXPECT_TRUE(store.ok()) << store.status();
      if (store.ok()) {
        auto scanned = (*store)->Scan(storage::Family::kTombstones, "", "", 0,
                                      [&](std::string_view key, std::string_view value) {
                                        out.emplace_back(std::string(key), std::string(value));
                                        return true;
                                      });
        EXPECT_TRUE(scanned.ok()) << scanned.status();
      }
    }
    Reopen();
    return out;
  }
};

TEST_F(EngineTombstonesTest, AReCreatedRecordContinuesTheVersionSequenceAcrossReopening) {
  ASSERT_TRUE(engine_->UpsertCandidate(System(), MakeCandidate("c1")).ok());
  v1::Candidate changed = MakeCandidate("c1");
  changed.set_max_travel_km(40);
  ASSERT_EQ(engine_->UpsertCandidate(System(), changed)->candidate.version(), 2u);
  auto deleted = engine_->DeleteCandidate(System(), "c1", 2);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2u);

  ASSERT_TRUE(engine_->UpsertVacancy(System(), MakeVacancy("v1")).ok());
  ASSERT_TRUE(engine_->DeleteVacancy(System(), "v1", 0).ok());

  Reopen();  // The tombstones are stored, not remembered.
  auto again = engine_->UpsertCandidate(System(), MakeCandidate("c1"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->changed);
  EXPECT_EQ(again->candidate.version(), 3u);
  auto vagain = engine_->UpsertVacancy(System(), MakeVacancy("v1"));
  ASSERT_TRUE(vagain.ok()) << vagain.status();
  EXPECT_EQ(vagain->vacancy.version(), 2u);
  EXPECT_EQ(engine_->Info().candidates(), 1u);

  // The tombstone went with the re-creating write; deleting again keeps the new version.
  EXPECT_TRUE(StoredTombstones().empty());
  ASSERT_EQ(*engine_->DeleteCandidate(System(), "c1", 3), 3u);
  EXPECT_EQ(engine_->UpsertCandidate(System(), MakeCandidate("c1"))->candidate.version(), 4u);
}

TEST_F(EngineTombstonesTest, AWriteExpectingAVersionOfADeletedRecordIsFailedPrecondition) {
  ASSERT_TRUE(engine_->UpsertCandidate(System(), MakeCandidate("c1")).ok());
  ASSERT_TRUE(engine_->DeleteCandidate(System(), "c1", 1).ok());

  // The partner's optimistic write made against version 1, now deleted.
  v1::Candidate stale = MakeCandidate("c1");
  stale.set_version(1);
  auto refused = engine_->UpsertCandidate(System(), stale);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "candidate.version: expected version 1, but candidate 'c1' was deleted at version 1; "
            "write with version 0 to create it again");
  stale.set_version(7);  // Any expected version: the record is gone.
  EXPECT_THAT(std::string(engine_->UpsertCandidate(System(), stale).status().message()),
              HasSubstr("deleted at version 1"));

  auto delete_again = engine_->DeleteCandidate(System(), "c1", 1);
  EXPECT_EQ(delete_again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(delete_again.status().message()),
              HasSubstr("expected_version: expected version 1, but candidate 'c1' was deleted at version 1"));
  // Without an expected version a deleted record is not found, as an unknown one.
  EXPECT_EQ(engine_->DeleteCandidate(System(), "c1", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetCandidate(System(), "c1").status().code(), absl::StatusCode::kNotFound);
  // An id never stored stays NOT_FOUND with a version.
  v1::Candidate ghost = MakeCandidate("ghost");
  ghost.set_version(1);
  EXPECT_EQ(engine_->UpsertCandidate(System(), ghost).status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(engine_->UpsertVacancy(System(), MakeVacancy("v1")).ok());
  ASSERT_TRUE(engine_->DeleteVacancy(System(), "v1", 1).ok());
  v1::CloseVacancyRequest close;
  close.set_id("v1");
  close.set_expected_version(1);
  auto closed = engine_->CloseVacancy(System(), close);
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(closed.status().message()), HasSubstr("vacancy 'v1' was deleted at version 1"));
  close.set_expected_version(0);
  EXPECT_EQ(engine_->CloseVacancy(System(), close).status().code(), absl::StatusCode::kNotFound);

  // Nothing of the refused writes landed: the re-create continues from the tombstone.
  EXPECT_EQ(engine_->UpsertCandidate(System(), MakeCandidate("c1"))->candidate.version(), 2u);
}

TEST_F(EngineTombstonesTest, ImportsContinueFromTombstonesAndRefuseStaleVersions) {
  ASSERT_TRUE(engine_->UpsertCandidate(System(), MakeCandidate("a")).ok());
  ASSERT_TRUE(engine_->UpsertCandidate(System(), MakeCandidate("b")).ok());
  ASSERT_TRUE(engine_->DeleteCandidate(System(), "a", 0).ok());
  ASSERT_TRUE(engine_->DeleteCandidate(System(), "b", 0).ok());

  auto importer = engine_->NewCandidateImporter(System());
  v1::Candidate stale_b = MakeCandidate("b");
  stale_b.set_version(1);
  v1::Candidate a_after = MakeCandidate("a");  // Conditional on the re-created a (version 2).
  a_after.set_max_travel_km(25);
  a_after.set_version(2);
  ASSERT_TRUE(importer->Add(MakeCandidate("a")).ok());  // 0: re-created as version 2
  ASSERT_TRUE(importer->Add(stale_b).ok());             // 1: refused
  ASSERT_TRUE(importer->Add(a_after).ok());             // 2: sees item 0: version 3
  auto summary = importer->Finish();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->committed(), 2u);
  EXPECT_EQ(summary->rejected(), 1u);
  ASSERT_EQ(summary->errors_size(), 1);
  EXPECT_EQ(summary->errors(0).index(), 1u);
  EXPECT_EQ(summary->errors(0).code(), "FAILED_PRECONDITION");
  EXPECT_EQ(summary->errors(0).field(), "version");
  EXPECT_THAT(summary->errors(0).message(), HasSubstr("deleted at version 1"));

  auto a = engine_->GetCandidate(System(), "a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->version(), 3u);
  EXPECT_EQ(a->max_travel_km(), 25u);
  // b's tombstone is still there; a's went with the import batch.
  EXPECT_EQ(StoredTombstones().size(), 1u);
}

TEST_F(EngineTombstonesTest, AnErasureLeavesATombstoneWithNothingOfThePerson) {
  const std::string id = "person-8412";
  ASSERT_TRUE(engine_->UpsertCandidate(System(), MakeCandidate(id)).ok());
  v1::Candidate moved = MakeCandidate(id);
  moved.set_max_travel_km(12);
  ASSERT_TRUE(engine_->UpsertCandidate(System(), moved).ok());
  v1::EraseCandidateRequest erase;
  erase.set_id(id);
  auto erased = engine_->EraseCandidate(System(), erase);
  ASSERT_TRUE(erased.ok()) << erased.status();

  const auto tombstones = StoredTombstones();
  ASSERT_EQ(tombstones.size(), 1u);
  const auto& [key, value] = tombstones[0];
  // Named by the pseudonym, not the id; the value is the version and the time only.
  EXPECT_EQ(key, "c" + erased->pseudonym());
  EXPECT_THAT(key, Not(HasSubstr(id)));
  EXPECT_EQ(value.size(), 16u);
  EXPECT_THAT(value, Not(HasSubstr(id)));
  std::optional<storage::Tombstone> tombstone = storage::DecodeTombstone(value);
  ASSERT_TRUE(tombstone.has_value());
  EXPECT_EQ(tombstone->version, 2u);

  // A partner sending the person again later continues the sequence.
  EXPECT_EQ(engine_->UpsertCandidate(System(), MakeCandidate(id))->candidate.version(), 3u);
}

TEST_F(EngineTombstonesTest, ExpiredTombstonesNoLongerCountAndCompactionDropsThem) {
  options_.store.tombstone_retention = absl::Milliseconds(1);
  Reopen();
  ASSERT_TRUE(engine_->UpsertVacancy(System(), MakeVacancy("v1")).ok());
  ASSERT_TRUE(engine_->UpsertVacancy(System(), MakeVacancy("v2")).ok());
  ASSERT_TRUE(engine_->DeleteVacancy(System(), "v1", 0).ok());
  ASSERT_TRUE(engine_->DeleteVacancy(System(), "v2", 0).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));

  // Past the retention the id is new again: version 1, and a version is NOT_FOUND.
  EXPECT_EQ(engine_->UpsertVacancy(System(), MakeVacancy("v1"))->vacancy.version(), 1u);
  v1::Vacancy stale = MakeVacancy("v2");
  stale.set_version(1);
  EXPECT_EQ(engine_->UpsertVacancy(System(), stale).status().code(), absl::StatusCode::kNotFound);

  // Both tombstones are still stored until a compaction drops them.
  ASSERT_EQ(StoredTombstones().size(), 2u);
  engine_.reset();
  {
    auto store = storage::Store::Open(options_.store);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->CompactFamily(storage::Family::kTombstones).ok());
  }
  Reopen();
  EXPECT_TRUE(StoredTombstones().empty());
}

}  // namespace
}  // namespace w2w::testing_engine
