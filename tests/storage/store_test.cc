// Store on a real RocksDB in a temporary folder: reads, writes, scans, atomic batches,
// persistence, corruption, locking, the disk reserve, the sync option, and the
// tombstones family with its expiry by compaction filter.
#include "engine/storage/store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/storage/tombstone.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/policy.pb.h"

namespace w2w::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string NewTempDir() {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              ("w2w_store_test_" + std::to_string(getpid()) + "_" +
                               std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir.string();
}

v1::Candidate MakeCandidate(const std::string& id, const std::string& region) {
  v1::Candidate c;
  c.set_id(id);
  c.set_region(region);
  c.set_version(1);
  return c;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.path = NewTempDir();
    options_.disk_reserve_bytes = 0;  // The CI disk may be small; the reserve has its own test.
    OpenStore();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(options_.path);
  }
  void OpenStore() {
    store_.reset();
    auto store = Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void Put(Family family, const std::string& key, const std::string& value) {
    Batch batch;
    batch.PutRaw(family, key, value);
    ASSERT_TRUE(store_->Write(batch).ok());
  }
  std::vector<std::string> ScanKeys(Family family, std::string_view start,
                                    std::string_view prefix, uint64_t limit) {
    std::vector<std::string> keys;
    auto visited = store_->Scan(family, start, prefix, limit,
                                [&](std::string_view key, std::string_view) {
                                  keys.emplace_back(key);
                                  return true;
                                });
    EXPECT_TRUE(visited.ok()) << visited.status();
    if (visited.ok()) {
      EXPECT_EQ(*visited, keys.size());
    }
    return keys;
  }

  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, PutGetDeleteMessage) {
  Batch batch;
  batch.Put(Family::kCandidates, "c1", MakeCandidate("c1", "Zuidoost-Brabant"));
  EXPECT_EQ(batch.count(), 1u);
  EXPECT_GT(batch.byte_size(), 0u);
  ASSERT_TRUE(store_->Write(batch).ok());

  v1::Candidate out;
  auto found = store_->Get(Family::kCandidates, "c1", &out);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
  EXPECT_EQ(out.region(), "Zuidoost-Brabant");

  // Families are separate key spaces.
  found = store_->Get(Family::kVacancies, "c1", &out);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);

  Batch del;
  del.Delete(Family::kCandidates, "c1");
  ASSERT_TRUE(store_->Write(del).ok());
  found = store_->Get(Family::kCandidates, "c1", &out);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST_F(StoreTest, MultiGetReadsPresentAndAbsentKeysInOrder) {
  Batch batch;
  for (int i = 0; i < 50; ++i) {
    batch.Put(Family::kCandidates, absl::StrCat("m", i),
              MakeCandidate(absl::StrCat("m", i), absl::StrCat("region ", i)));
  }
  batch.PutRaw(Family::kVacancies, "m7", "other family");
  batch.PutRaw(Family::kCandidates, "empty", "");
  ASSERT_TRUE(store_->Write(batch).ok());
  // Half of them flushed to an SST file, so the read spans memtable and table.
  ASSERT_TRUE(store_->Flush().ok());
  Batch more;
  more.Put(Family::kCandidates, "m49", MakeCandidate("m49", "rewritten"));
  more.Delete(Family::kCandidates, "m3");
  ASSERT_TRUE(store_->Write(more).ok());

  const std::vector<std::string_view> keys = {"m7", "absent", "m49", "m3", "m7", "empty", "m0"};
  std::vector<std::optional<std::string>> values;
  ASSERT_TRUE(store_->MultiGetRaw(Family::kCandidates, keys, &values).ok());
  ASSERT_EQ(values.size(), keys.size());
  auto region = [&](size_t i) {
    v1::Candidate c;
    EXPECT_TRUE(values[i].has_value()) << keys[i];
    if (values[i].has_value()) {
      EXPECT_TRUE(c.ParseFromString(*values[i]));
    }
    return c.region();
  };
  EXPECT_EQ(region(0), "region 7");
  EXPECT_FALSE(values[1].has_value());
  EXPECT_EQ(region(2), "rewritten");
  EXPECT_FALSE(values[3].has_value()) << "deleted";
  EXPECT_EQ(region(4), "region 7");
  ASSERT_TRUE(values[5].has_value());
  EXPECT_EQ(*values[5], "");
  EXPECT_EQ(region(6), "region 0");

  ASSERT_TRUE(store_->MultiGetRaw(Family::kCandidates, {}, &values).ok());
  EXPECT_TRUE(values.empty());
}

TEST_F(StoreTest, ABatchOfManyOperationsKeepsEveryKeyAndValue) {
  Batch batch;
  std::string big(100000, 'x');
  for (int i = 0; i < 500; ++i) {
    const std::string key = absl::StrCat("k", i);
    if (i % 3 == 0) {
      batch.PutRaw(Family::kMeta, key, i == 300 ? big : absl::StrCat("v", i));
    } else if (i % 3 == 1) {
      batch.Put(Family::kCandidates, key, MakeCandidate(key, absl::StrCat("r", i)));
    } else {
      batch.Delete(Family::kCandidates, key);
    }
  }
  EXPECT_EQ(batch.count(), 500u);
  EXPECT_GT(batch.byte_size(), big.size());
  ASSERT_TRUE(store_->Write(batch).ok());
  for (int i = 0; i < 500; ++i) {
    const std::string key = absl::StrCat("k", i);
    if (i % 3 == 0) {
      std::string value;
      auto found = store_->GetRaw(Family::kMeta, key, &value);
      ASSERT_TRUE(found.ok() && *found) << key;
      EXPECT_EQ(value, i == 300 ? big : absl::StrCat("v", i));
    } else {
      v1::Candidate c;
      auto found = store_->Get(Family::kCandidates, key, &c);
      ASSERT_TRUE(found.ok()) << key;
      EXPECT_EQ(*found, i % 3 == 1) << key;
      if (*found) {
        EXPECT_EQ(c.region(), absl::StrCat("r", i));
      }
    }
  }
  batch.Clear();
  EXPECT_EQ(batch.count(), 0u);
  EXPECT_EQ(batch.byte_size(), 0u);
}

TEST_F(StoreTest, EmptyBatchWritesNothingAndSucceeds) {
  Batch batch;
  EXPECT_TRUE(store_->Write(batch).ok());
}

TEST_F(StoreTest, ScanHonoursPrefixStartAndLimit) {
  for (const char* key : {"a/1", "a/2", "a/3", "b/1", "b/2", "c"}) {
    Put(Family::kTaxonomy, key, std::string("v") + key);
  }
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "", "", 0),
              ElementsAre("a/1", "a/2", "a/3", "b/1", "b/2", "c"));
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "", "b/", 0), ElementsAre("b/1", "b/2"));
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "a/2", "a/", 0), ElementsAre("a/2", "a/3"));
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "a/2", "", 3), ElementsAre("a/2", "a/3", "b/1"));
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "", "a/", 2), ElementsAre("a/1", "a/2"));
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "", "z", 0), ElementsAre());
  // A start before the prefix begins at the prefix; after it, nothing.
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "a", "b/", 0), ElementsAre("b/1", "b/2"));
  EXPECT_THAT(ScanKeys(Family::kTaxonomy, "b/3", "b/", 0), ElementsAre());

  // The visitor stops the scan by returning false; values are passed along.
  std::vector<std::string> values;
  auto visited = store_->Scan(Family::kTaxonomy, "", "", 0,
                              [&](std::string_view, std::string_view value) {
                                values.emplace_back(value);
                                return values.size() < 2;
                              });
  ASSERT_TRUE(visited.ok());
  EXPECT_EQ(*visited, 2u);
  EXPECT_THAT(values, ElementsAre("va/1", "va/2"));
}

TEST_F(StoreTest, ScanWithAllOnesPrefixAndBinaryKeys) {
  Put(Family::kPolicies, EncodeUint64Key(1), "p1");
  Put(Family::kPolicies, EncodeUint64Key(256), "p256");
  Put(Family::kPolicies, EncodeUint64Key(2), "p2");
  Put(Family::kPolicies, std::string("\xff\xff", 2), "ff");
  std::vector<std::string> keys = ScanKeys(Family::kPolicies, "", "", 0);
  ASSERT_EQ(keys.size(), 4u);
  EXPECT_EQ(DecodeUint64Key(keys[0]), 1u);
  EXPECT_EQ(DecodeUint64Key(keys[1]), 2u);
  EXPECT_EQ(DecodeUint64Key(keys[2]), 256u);
  EXPECT_THAT(ScanKeys(Family::kPolicies, "", std::string("\xff", 1), 0),
              ElementsAre(std::string("\xff\xff", 2)));
}

TEST_F(StoreTest, LastKey) {
  auto last = store_->LastKey(Family::kPolicies);
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->has_value());
  for (uint64_t v : {3u, 1u, 12u, 7u}) {
    v1::Policy policy;
    policy.set_version(v);
    Batch batch;
    batch.Put(Family::kPolicies, EncodeUint64Key(v), policy);
    ASSERT_TRUE(store_->Write(batch).ok());
  }
  last = store_->LastKey(Family::kPolicies);
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ(DecodeUint64Key(**last), 12u);
}

TEST_F(StoreTest, BatchIsAtomicAcrossFamilies) {
  Put(Family::kVacancies, "old", "x");
  Batch batch;
  batch.Put(Family::kCandidates, "c1", MakeCandidate("c1", "Twente"));
  batch.PutRaw(Family::kMeta, "counter", "42");
  batch.Delete(Family::kVacancies, "old");
  EXPECT_EQ(batch.count(), 3u);
  ASSERT_TRUE(store_->Write(batch).ok());
  std::string raw;
  EXPECT_TRUE(*store_->GetRaw(Family::kMeta, "counter", &raw));
  EXPECT_EQ(raw, "42");
  EXPECT_FALSE(*store_->GetRaw(Family::kVacancies, "old", &raw));
  v1::Candidate c;
  EXPECT_TRUE(*store_->Get(Family::kCandidates, "c1", &c));

  // A refused batch writes none of its operations, in any family.
  options_.disk_reserve_bytes = ~0ull >> 1;
  OpenStore();
  Batch refused;
  refused.PutRaw(Family::kMeta, "counter", "43");
  refused.Delete(Family::kCandidates, "c1");
  EXPECT_EQ(store_->Write(refused).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(*store_->GetRaw(Family::kMeta, "counter", &raw));
  EXPECT_EQ(raw, "42");
  EXPECT_TRUE(*store_->Get(Family::kCandidates, "c1", &c));

  // Clear() empties a batch for reuse.
  batch.Clear();
  EXPECT_EQ(batch.count(), 0u);
  EXPECT_EQ(batch.byte_size(), 0u);
}

TEST_F(StoreTest, ReopenKeepsEveryFamily) {
  Batch batch;
  batch.Put(Family::kCandidates, "c1", MakeCandidate("c1", "Twente"));
  batch.PutRaw(Family::kVacancies, "v1", "vac");
  batch.PutRaw(Family::kPolicies, EncodeUint64Key(1), "pol");
  batch.PutRaw(Family::kTaxonomy, "change/x", "tax");
  batch.PutRaw(Family::kRematchRuns, "run", "r");
  batch.PutRaw(Family::kRematchResults, std::string("run\0", 4) + EncodeUint64Key(0), "res");
  batch.PutRaw(Family::kMeta, "m", "meta");
  ASSERT_TRUE(store_->Write(batch).ok());
  OpenStore();  // Without Flush(): the data comes back from the WAL.
  std::string raw;
  EXPECT_TRUE(*store_->GetRaw(Family::kVacancies, "v1", &raw));
  EXPECT_EQ(raw, "vac");
  EXPECT_TRUE(*store_->GetRaw(Family::kPolicies, EncodeUint64Key(1), &raw));
  EXPECT_TRUE(*store_->GetRaw(Family::kTaxonomy, "change/x", &raw));
  EXPECT_TRUE(*store_->GetRaw(Family::kRematchRuns, "run", &raw));
  EXPECT_TRUE(*store_->GetRaw(Family::kRematchResults, std::string("run\0", 4) + EncodeUint64Key(0),
                              &raw));
  EXPECT_TRUE(*store_->GetRaw(Family::kMeta, "m", &raw));
  EXPECT_EQ(raw, "meta");
  v1::Candidate c;
  ASSERT_TRUE(*store_->Get(Family::kCandidates, "c1", &c));
  EXPECT_EQ(c.region(), "Twente");

  ASSERT_TRUE(store_->Flush().ok());
  OpenStore();  // And after a flush, from the SST files.
  EXPECT_TRUE(*store_->Get(Family::kCandidates, "c1", &c));
  StoreStats stats = store_->Stats();
  EXPECT_GT(stats.live_sst_bytes, 0u);
  EXPECT_GT(stats.disk_free_bytes, 0u);
  EXPECT_EQ(stats.estimated_keys[static_cast<int>(Family::kCandidates)], 1u);
}

TEST_F(StoreTest, GarbageBytesAreDataLoss) {
  // Field 1 as a length-delimited string whose length runs past the end.
  Put(Family::kCandidates, "bad", std::string("\x0a\x7f\x01", 3));
  v1::Candidate c;
  auto found = store_->Get(Family::kCandidates, "bad", &c);
  EXPECT_EQ(found.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(found.status().message(), HasSubstr("candidates/'bad'"));
  EXPECT_THAT(found.status().message(), HasSubstr("w2w.v1.Candidate"));
}

TEST_F(StoreTest, SecondOpenOfTheSameFolderIsFailedPrecondition) {
  auto second = Store::Open(options_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
  EXPECT_THAT(second.status().message(), HasSubstr("in use by another process"));
  // The first store is unaffected.
  Put(Family::kMeta, "still", "works");
}

TEST_F(StoreTest, ReserveAboveFreeSpaceRefusesWrites) {
  options_.disk_reserve_bytes = store_->DiskFreeBytes() + (1ull << 40);
  OpenStore();
  Batch batch;
  batch.PutRaw(Family::kMeta, "k", "v");
  absl::Status status = store_->Write(batch);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("MiB free on " + options_.path));
  EXPECT_THAT(status.message(), HasSubstr("below the reserve of"));
  EXPECT_THAT(status.message(), HasSubstr("writes refused"));
  std::string raw;
  EXPECT_FALSE(*store_->GetRaw(Family::kMeta, "k", &raw));
  // Reads still work while writes are refused.
  EXPECT_TRUE(store_->LastKey(Family::kMeta).ok());
}

TEST_F(StoreTest, SyncOptionIsHonoured) {
  EXPECT_FALSE(store_->syncs_writes());
  options_.sync_writes = true;
  OpenStore();
  EXPECT_TRUE(store_->syncs_writes());
  EXPECT_TRUE(store_->options().sync_writes);
  Put(Family::kMeta, "synced", "yes");
  std::string raw;
  EXPECT_TRUE(*store_->GetRaw(Family::kMeta, "synced", &raw));
}

TEST(TombstoneTest, ValueRoundTripsAndExpiresAfterTheRetention) {
  const Tombstone tombstone{7, 1'700'000'000'123'456};
  const std::string value = EncodeTombstone(tombstone);
  EXPECT_EQ(value.size(), 16u);
  std::optional<Tombstone> back = DecodeTombstone(value);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->version, 7u);
  EXPECT_EQ(back->deleted_at_micros, 1'700'000'000'123'456);
  EXPECT_FALSE(DecodeTombstone("short").has_value());

  const absl::Time deleted = absl::FromUnixMicros(tombstone.deleted_at_micros);
  EXPECT_FALSE(TombstoneExpired(tombstone, deleted + absl::Hours(24), absl::Hours(48)));
  EXPECT_TRUE(TombstoneExpired(tombstone, deleted + absl::Hours(49), absl::Hours(48)));
}

TEST(TombstoneTest, KeysSeparateCandidatesFromVacancies) {
  EXPECT_EQ(TombstoneKey(TombstoneKind::kCandidate, "abc"), "cabc");
  EXPECT_EQ(TombstoneKey(TombstoneKind::kVacancy, "abc"), "vabc");
  EXPECT_EQ(FamilyName(Family::kTombstones), "tombstones");
}

TEST_F(StoreTest, CompactionDropsExpiredTombstonesOnlyAndTheyPersist) {
  options_.tombstone_retention = absl::Hours(24);
  OpenStore();
  const int64_t now = absl::ToUnixMicros(absl::Now());
  const int64_t two_days_ago = now - int64_t{2} * 24 * 3600 * 1'000'000;
  const std::string fresh = TombstoneKey(TombstoneKind::kVacancy, "fresh");
  const std::string old = TombstoneKey(TombstoneKind::kVacancy, "old");
  Batch batch;
  batch.PutRaw(Family::kTombstones, fresh, EncodeTombstone({3, now}));
  batch.PutRaw(Family::kTombstones, old, EncodeTombstone({5, two_days_ago}));
  batch.PutRaw(Family::kTombstones, "odd", "not a tombstone");  // Kept: nothing unknown is lost.
  ASSERT_TRUE(store_->Write(batch).ok());
  OpenStore();  // The family exists again after reopening, with what was written.
  std::string raw;
  EXPECT_TRUE(*store_->GetRaw(Family::kTombstones, old, &raw));

  ASSERT_TRUE(store_->CompactFamily(Family::kTombstones).ok());
  EXPECT_FALSE(*store_->GetRaw(Family::kTombstones, old, &raw));
  ASSERT_TRUE(*store_->GetRaw(Family::kTombstones, fresh, &raw));
  EXPECT_EQ(DecodeTombstone(raw)->version, 3u);
  EXPECT_TRUE(*store_->GetRaw(Family::kTombstones, "odd", &raw));
}

TEST(StoreOpenTest, NonPositiveTombstoneRetentionIsInvalid) {
  StoreOptions options;
  options.path = NewTempDir();
  options.disk_reserve_bytes = 0;
  options.tombstone_retention = absl::ZeroDuration();
  EXPECT_EQ(Store::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
  std::filesystem::remove_all(options.path);
}

TEST(StoreOpenTest, EmptyPathIsInvalid) {
  StoreOptions options;
  EXPECT_EQ(Store::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StoreOpenTest, MissingFolderWithoutCreateIsFailedPrecondition) {
  StoreOptions options;
  options.path = NewTempDir();
  options.create_if_missing = false;
  EXPECT_EQ(Store::Open(options).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(StoreKeysTest, Uint64KeysSortNumerically) {
  EXPECT_EQ(EncodeUint64Key(1).size(), 8u);
  EXPECT_LT(EncodeUint64Key(255), EncodeUint64Key(256));
  EXPECT_LT(EncodeUint64Key(1), EncodeUint64Key(1ull << 40));
  EXPECT_EQ(DecodeUint64Key(EncodeUint64Key(0x0102030405060708ull)), 0x0102030405060708ull);
  EXPECT_EQ(FamilyName(Family::kRematchResults), "rematch_results");
}

}  // namespace
}  // namespace w2w::storage
