// RecordStore (engine/records/record_store.h) and the key encodings (engine/storage/keys.h)
// on a real RocksDB in a temporary folder: typed gets, multi-gets with bytes, scans in id
// order, the taxonomy change log, policies, tombstones, atomic commits, persistence across
// reopening, and DATA_LOSS for what does not parse.
#include "engine/records/record_store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/storage/keys.h"
#include "engine/storage/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::records {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string NewTempDir() {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              ("w2w_record_store_test_" + std::to_string(getpid()) + "_" +
                               std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir.string();
}

v1::Candidate Candidate(const std::string& id, const std::string& region, uint64_t version = 1) {
  v1::Candidate c;
  c.set_id(id);
  c.set_region(region);
  c.set_version(version);
  return c;
}

v1::Vacancy Vacancy(const std::string& id, const std::string& title) {
  v1::Vacancy v;
  v.set_id(id);
  v.set_title(title);
  v.set_status(v1::VACANCY_STATUS_OPEN);
  v.set_version(1);
  return v;
}

class RecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.path = NewTempDir();
    options_.disk_reserve_bytes = 0;  // The CI disk may be small.
    Open();
  }
  void TearDown() override {
    records_.reset();
    store_.reset();
    std::filesystem::remove_all(options_.path);
  }
  void Open() {
    records_.reset();
    store_.reset();
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    records_ = std::make_unique<RecordStore>(store_.get());
  }
  void Commit(WriteSet& writes) {
    absl::Status status = records_->Commit(writes);
    ASSERT_TRUE(status.ok()) << status;
  }
  template <typename Record>
  std::vector<std::string> ScanIds(std::string_view after_id, uint64_t limit) {
    std::vector<std::string> ids;
    auto visited = records_->Scan<Record>(after_id, limit, [&](Record& r) {
      ids.push_back(r.id());
      return true;
    });
    EXPECT_TRUE(visited.ok()) << visited.status();
    return ids;
  }

  storage::StoreOptions options_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<RecordStore> records_;
};

TEST_F(RecordStoreTest, GetReturnsWhatWasCommittedByKind) {
  WriteSet writes;
  writes.Put(Candidate("x1", "Twente"));
  writes.Put(Vacancy("x1", "Lasser"));  // Same id, other kind: a separate record.
  EXPECT_EQ(writes.count(), 2u);
  Commit(writes);

  auto c = records_->GetCandidate("x1");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->region(), "Twente");
  auto v = records_->GetVacancy("x1");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ((*v)->title(), "Lasser");

  auto absent = records_->GetCandidate("nobody");
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_FALSE(absent->has_value());
}

TEST_F(RecordStoreTest, CommitIsAtomicAndDeletesByKind) {
  WriteSet first;
  first.Put(Candidate("c1", "a"));
  first.Put(Candidate("c2", "b"));
  first.Put(Vacancy("v1", "t"));
  Commit(first);

  WriteSet second;
  second.Delete<v1::Candidate>("c1");
  second.Delete<v1::Vacancy>("c2");  // No vacancy c2: a no-op, candidate c2 stays.
  second.Put(Candidate("c2", "b2", 2));
  second.Delete<v1::Vacancy>("v1");
  Commit(second);

  EXPECT_FALSE(records_->GetCandidate("c1")->has_value());
  auto c2 = records_->GetCandidate("c2");
  ASSERT_TRUE(c2.ok() && c2->has_value());
  EXPECT_EQ((*c2)->version(), 2u);
  EXPECT_FALSE(records_->GetVacancy("v1")->has_value());

  WriteSet empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_TRUE(records_->Commit(empty).ok());
}

TEST_F(RecordStoreTest, TombstonesByKindWithTheRecordDeleteInOneCommit) {
  WriteSet first;
  first.Put(Candidate("c1", "a", 4));
  Commit(first);

  const int64_t now = absl::ToUnixMicros(absl::Now());
  WriteSet deletion;
  deletion.Delete<v1::Candidate>("c1");
  deletion.PutTombstone<v1::Candidate>("pseudonym-of-c1", {4, now});
  deletion.PutTombstone<v1::Vacancy>("v1", {2, now});
  Commit(deletion);
  Open();  // From the WAL: the delete and the tombstones were one write.

  EXPECT_FALSE(records_->GetCandidate("c1")->has_value());
  std::vector<std::optional<storage::Tombstone>> found;
  const std::string_view names[] = {"pseudonym-of-c1", "v1", "nobody"};
  ASSERT_TRUE(records_->MultiGetTombstones<v1::Candidate>(names, &found).ok());
  ASSERT_EQ(found.size(), 3u);
  ASSERT_TRUE(found[0].has_value());
  EXPECT_EQ(found[0]->version, 4u);
  EXPECT_EQ(found[0]->deleted_at_micros, now);
  EXPECT_FALSE(found[1].has_value());  // v1's tombstone is a vacancy's.
  EXPECT_FALSE(found[2].has_value());
  ASSERT_TRUE(records_->MultiGetTombstones<v1::Vacancy>(names, &found).ok());
  EXPECT_FALSE(found[0].has_value());
  ASSERT_TRUE(found[1].has_value());
  EXPECT_EQ(found[1]->version, 2u);

  WriteSet recreated;
  recreated.DeleteTombstone<v1::Vacancy>("v1");
  Commit(recreated);
  ASSERT_TRUE(records_->MultiGetTombstones<v1::Vacancy>(names, &found).ok());
  EXPECT_FALSE(found[1].has_value());
}

TEST_F(RecordStoreTest, TombstonesOlderThanTheRetentionReadAsAbsent) {
  options_.tombstone_retention = absl::Hours(1);
  Open();
  const int64_t now = absl::ToUnixMicros(absl::Now());
  constexpr int64_t kTwoHoursMicros = int64_t{2} * 3600 * 1'000'000;
  WriteSet writes;
  writes.PutTombstone<v1::Vacancy>("old", {9, now - kTwoHoursMicros});
  writes.PutTombstone<v1::Vacancy>("new", {3, now});
  Commit(writes);
  std::vector<std::optional<storage::Tombstone>> found;
  const std::string_view names[] = {"old", "new"};
  ASSERT_TRUE(records_->MultiGetTombstones<v1::Vacancy>(names, &found).ok());
  EXPECT_FALSE(found[0].has_value());  // Not yet compacted away, but no longer counted.
  ASSERT_TRUE(found[1].has_value());
  EXPECT_EQ(found[1]->version, 3u);

  // A value that is not a tombstone is DATA_LOSS naming the key.
  storage::Batch bad;
  bad.PutRaw(storage::Family::kTombstones, storage::TombstoneKey(storage::TombstoneKind::kVacancy, "bad"), "x");
  ASSERT_TRUE(store_->Write(bad).ok());
  const std::string_view bad_names[] = {"bad"};
  absl::Status status = records_->MultiGetTombstones<v1::Vacancy>(bad_names, &found);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("tombstones/'vbad'"));
}

TEST_F(RecordStoreTest, RefusedCommitWritesNothing) {
  WriteSet writes;
  writes.Put(Candidate("c1", "a"));
  Commit(writes);
  // A reserve no disk can meet: the store refuses the whole set.
  options_.disk_reserve_bytes = ~uint64_t{0};
  Open();
  WriteSet refused;
  refused.Put(Candidate("c2", "b"));
  refused.Delete<v1::Candidate>("c1");
  v1::Policy policy;
  policy.set_version(9);
  refused.PutPolicy(policy);
  absl::Status status = records_->Commit(refused);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_TRUE(records_->GetCandidate("c1")->has_value());
  EXPECT_FALSE(records_->GetCandidate("c2")->has_value());
  EXPECT_FALSE(records_->GetPolicy(9)->has_value());
}

TEST_F(RecordStoreTest, MultiGetReturnsRecordsWithTheirExactBytes) {
  WriteSet writes;
  const v1::Vacancy v = Vacancy("v2", "Timmerman");
  writes.Put(v);
  writes.Put(Vacancy("v1", "Metselaar"));
  Commit(writes);

  const std::vector<std::string_view> ids = {"v2", "missing", "v1", "v2"};
  std::vector<std::optional<Stored<v1::Vacancy>>> out;
  absl::Status status = records_->MultiGet<v1::Vacancy>(ids, &out);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(out.size(), ids.size());
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(out[0]->record.title(), "Timmerman");
  EXPECT_EQ(out[0]->bytes, v.SerializeAsString());
  EXPECT_FALSE(out[1].has_value());
  ASSERT_TRUE(out[2].has_value());
  EXPECT_EQ(out[2]->record.title(), "Metselaar");
  ASSERT_TRUE(out[3].has_value());
  EXPECT_EQ(out[3]->bytes, out[0]->bytes);

  status = records_->MultiGet<v1::Vacancy>({}, &out);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(out.empty());
}

TEST_F(RecordStoreTest, ScanVisitsOneKindInIdOrderAfterAnId) {
  WriteSet writes;
  for (const char* id : {"b", "a", "c", "a.1", "d"}) writes.Put(Candidate(id, "r"));
  writes.Put(Vacancy("aa", "not a candidate"));
  Commit(writes);

  EXPECT_THAT(ScanIds<v1::Candidate>("", 0), ElementsAre("a", "a.1", "b", "c", "d"));
  // After an id: strictly after it, also when longer ids share it as a prefix.
  EXPECT_THAT(ScanIds<v1::Candidate>("a", 0), ElementsAre("a.1", "b", "c", "d"));
  EXPECT_THAT(ScanIds<v1::Candidate>("a.1", 2), ElementsAre("b", "c"));
  EXPECT_THAT(ScanIds<v1::Candidate>("bb", 0), ElementsAre("c", "d"));  // Not stored.
  EXPECT_THAT(ScanIds<v1::Candidate>("d", 0), ElementsAre());
  EXPECT_THAT(ScanIds<v1::Vacancy>("", 0), ElementsAre("aa"));

  // The visitor stops the scan; the visited count includes the stopping record.
  std::vector<std::string> seen;
  auto visited = records_->Scan<v1::Candidate>("", 0, [&](v1::Candidate& c) {
    seen.push_back(c.id());
    return seen.size() < 2;
  });
  ASSERT_TRUE(visited.ok()) << visited.status();
  EXPECT_EQ(*visited, 2u);
  EXPECT_THAT(seen, ElementsAre("a", "a.1"));
}

TEST_F(RecordStoreTest, ValuesThatDoNotParseAreDataLoss) {
  storage::Batch raw;
  // Field 1 (id) claims 127 bytes but none follow.
  raw.PutRaw(storage::Family::kCandidates, storage::RecordKey("bad"), std::string("\x0a\x7f\x01", 3));
  ASSERT_TRUE(store_->Write(raw).ok());

  auto got = records_->GetCandidate("bad");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  std::vector<std::optional<Stored<v1::Candidate>>> out;
  absl::Status multi = records_->MultiGet<v1::Candidate>({"bad"}, &out);
  EXPECT_EQ(multi.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(multi.message(), HasSubstr("candidates/'bad' does not parse as w2w.v1.Candidate"));
  auto scanned = records_->Scan<v1::Candidate>("", 0, [](v1::Candidate&) { return true; });
  EXPECT_EQ(scanned.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(scanned.status().message(), HasSubstr("candidates/'bad'"));
}

TEST_F(RecordStoreTest, TaxonomyChangeLogReplaysInOrderWithTypedValues) {
  auto last = records_->LastTaxonomyChangeSeq();
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 0u);

  v1::Qualification q;
  q.set_code("VCA");
  v1::Cluster c;
  c.set_name("bouw");
  v1::Municipality m;
  m.set_name("Hengelo");
  v1::UpdateRegionAnchorRequest r;
  r.set_region("Twente");
  WriteSet writes;
  // Sequence numbers past 255 check that the log sorts numerically, not by text.
  writes.AddTaxonomyChange(256, r);
  writes.AddTaxonomyChange(1, q);
  writes.AddTaxonomyChange(2, c);
  writes.AddTaxonomyChange(3, m);
  Commit(writes);

  last = records_->LastTaxonomyChangeSeq();
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 256u);

  std::vector<uint64_t> seqs;
  std::vector<std::string> kinds;
  absl::Status status = records_->ScanTaxonomyChanges([&](const TaxonomyChange& change) {
    seqs.push_back(change.seq);
    kinds.emplace_back(change.kind);
    EXPECT_TRUE(change.value.ok()) << change.value.status();
    return true;
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(seqs, ElementsAre(1, 2, 3, 256));
  EXPECT_THAT(kinds, ElementsAre("qualification", "cluster", "municipality", "region_anchor"));

  // The values come back as their messages.
  std::vector<TaxonomyChangeValue> values;
  ASSERT_TRUE(records_
                  ->ScanTaxonomyChanges([&](const TaxonomyChange& change) {
                    values.push_back(*change.value);
                    return values.size() < 2;  // Stops after the second.
                  })
                  .ok());
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(std::get<v1::Qualification>(values[0]).code(), "VCA");
  EXPECT_EQ(std::get<v1::Cluster>(values[1]).name(), "bouw");
}

TEST_F(RecordStoreTest, UnreadableChangesAreReportedToTheVisitor) {
  storage::Batch raw;
  raw.PutRaw(storage::Family::kTaxonomy, std::string(storage::ChangeLogPrefix()) +
                                             storage::EncodeUint64Key(1) + "/future_kind",
             "x");
  raw.PutRaw(storage::Family::kTaxonomy, storage::ChangeKey(2, storage::ChangeKind::kCluster),
             std::string("\x0a\x7f\x01", 3));
  ASSERT_TRUE(store_->Write(raw).ok());
  std::vector<std::string> messages;
  absl::Status status = records_->ScanTaxonomyChanges([&](const TaxonomyChange& change) {
    EXPECT_FALSE(change.value.ok());
    messages.emplace_back(change.value.status().message());
    return true;
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(messages, ElementsAre("unknown change kind 'future_kind'", "value does not parse"));

  // A key in the log's range that is not a change key at all is DATA_LOSS for the scan.
  storage::Batch malformed;
  malformed.PutRaw(storage::Family::kTaxonomy, "change/short", "x");
  ASSERT_TRUE(store_->Write(malformed).ok());
  status = records_->ScanTaxonomyChanges([](const TaxonomyChange&) { return true; });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
}

TEST_F(RecordStoreTest, PoliciesByVersionAndTheNewestSurviveReopening) {
  auto latest = records_->LatestPolicy();
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_FALSE(latest->has_value());

  WriteSet writes;
  for (uint64_t version : {1u, 2u, 256u}) {
    v1::Policy p;
    p.set_version(version);
    p.set_note(absl::StrCat("p", version));
    writes.PutPolicy(p);
  }
  Commit(writes);
  Open();  // Everything committed is durable across a reopen.

  latest = records_->LatestPolicy();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->version(), 256u);
  auto p2 = records_->GetPolicy(2);
  ASSERT_TRUE(p2.ok() && p2->has_value());
  EXPECT_EQ((*p2)->note(), "p2");
  EXPECT_FALSE(records_->GetPolicy(3)->has_value());
}

// ---- Key encodings (storage/keys.h) ------------------------------------------------------

TEST(KeysTest, ChangeKeysRoundTrip) {
  for (storage::ChangeKind kind :
       {storage::ChangeKind::kQualification, storage::ChangeKind::kCluster,
        storage::ChangeKind::kMunicipality, storage::ChangeKind::kRegionAnchor}) {
    const std::string key = storage::ChangeKey(70000, kind);
    EXPECT_EQ(key.substr(0, storage::ChangeLogPrefix().size()), storage::ChangeLogPrefix());
    std::optional<storage::ChangeKeyParts> parts = storage::ParseChangeKey(key);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->seq, 70000u);
    EXPECT_EQ(parts->kind, kind);
    EXPECT_EQ(parts->kind_name, storage::ChangeKindName(kind));
  }
  EXPECT_EQ(storage::ChangeKey(1, storage::ChangeKind::kCluster),
            std::string("change/\0\0\0\0\0\0\0\x01/cluster", 23));
  EXPECT_FALSE(storage::ParseChangeKey("change/").has_value());
  EXPECT_FALSE(storage::ParseChangeKey(std::string("other/\0\0\0\0\0\0\0\x01/cluster", 22)).has_value());
  EXPECT_FALSE(storage::ParseChangeKey(std::string("change/\0\0\0\0\0\0\0\x01xcluster", 23)).has_value());
}

TEST(KeysTest, PolicyAndResultKeysSortNumerically) {
  EXPECT_LT(storage::PolicyKey(255), storage::PolicyKey(256));
  EXPECT_EQ(storage::ParsePolicyKey(storage::PolicyKey(12345)), 12345u);
  EXPECT_FALSE(storage::ParsePolicyKey("short").has_value());

  const std::string run = "r-20260101000000000-abcdef";
  EXPECT_LT(storage::RematchResultKey(run, 255), storage::RematchResultKey(run, 256));
  const std::string prefix = storage::RematchResultsPrefix(run);
  EXPECT_EQ(storage::RematchResultKey(run, 7).substr(0, prefix.size()), prefix);
  EXPECT_EQ(storage::ParseRematchResultKey(run, storage::RematchResultKey(run, 7)), 7u);
  // A run whose id extends this one's is not in its prefix range.
  EXPECT_NE(storage::RematchResultKey(run + "0", 0).substr(0, prefix.size()), prefix);
  EXPECT_FALSE(storage::ParseRematchResultKey(run, storage::RematchResultKey(run + "0", 0)).has_value());
}

TEST(KeysTest, RecordKeyAfterIsTheNextKey) {
  EXPECT_EQ(storage::RecordKey("c1"), "c1");
  EXPECT_GT(storage::RecordKeyAfter("c1"), "c1");
  EXPECT_LT(storage::RecordKeyAfter("c1"), "c1.");  // The smallest longer id sorts after it.
  EXPECT_LT(storage::RecordKeyAfter("c1"), "c2");
}

}  // namespace
}  // namespace w2w::records
