// Store on RocksDB: opening with one column family per Family, the disk guard, reads,
// scans and atomic batches. docs/storage.md explains the choices.
#include "engine/storage/store.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "engine/common/status_macros.h"
#include "engine/storage/info_log.h"
#include "engine/storage/rocks_status.h"
#include "engine/storage/tombstone.h"
#include "rocksdb/cache.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/write_batch.h"

namespace w2w::storage {
namespace {

using internal::Context;
using internal::FromRocks;

constexpr Family kAllFamilies[kNumFamilies] = {
    Family::kCandidates,  Family::kVacancies,      Family::kPolicies, Family::kTaxonomy,
    Family::kRematchRuns, Family::kRematchResults, Family::kMeta,     Family::kTokens,
    Family::kAudit,       Family::kOutcomes,       Family::kTombstones,
};
constexpr uint64_t kMiB = 1ull << 20;
// Opening replays the WAL and writes a new MANIFEST and OPTIONS file: a few KiB when
// flushing during recovery is avoided. Below this much free space an existing store
// opens read-only (Store::Open).
constexpr uint64_t kOpenFloorBytes = 2 * kMiB;
// After a full disk RocksDB resumes writes once this much is free: the largest write
// buffer (its SstFileManager's reserve, so the flush that resuming starts has room). Our
// families keep RocksDB's default write buffer size.
const uint64_t kResumeFreeBytes = rocksdb::ColumnFamilyOptions().write_buffer_size;
// Bloom filter bits per key: ~1% false positives for point lookups of absent ids.
constexpr double kBloomBitsPerKey = 10;
// Memtable Bloom filter size as a fraction of the write buffer (64 MiB -> 1.3 MiB, far
// more than 10 bits per key for records of a few hundred bytes).
constexpr double kMemtableBloomRatio = 0.02;
// Background flush + compaction threads. The machine has 2 cores shared with serving.
constexpr int kBackgroundJobs = 2;
constexpr size_t kKeepInfoLogFiles = 3;
constexpr size_t kMaxInfoLogBytes = 8 * kMiB;
// The tombstones family's files are compacted at least this often, so that its
// compaction filter drops expired tombstones within a day of their expiry even when no
// writes make RocksDB compact it (the family is small: this costs little).
constexpr uint64_t kTombstonePeriodicCompactionSeconds = 24 * 60 * 60;

int FamilyIndex(Family family) { return static_cast<int>(family); }

// Key bytes may be binary (big-endian numbers): escape them for messages.
std::string Printable(Family family, std::string_view key) {
  return absl::StrCat(std::string(FamilyName(family)), "/'",
                      absl::CHexEscape(absl::string_view(key.data(), key.size())), "'");
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

bool Supported(rocksdb::CompressionType type) {
  return absl::c_linear_search(rocksdb::GetSupportedCompressions(), type);
}

// The compaction filter of the tombstones family: drops the tombstones older than the
// retention (tombstone.h). Values that do not decode are kept: nothing unknown is lost.
// Called from RocksDB's compaction threads concurrently: it only reads its members.
class TombstoneExpiry final : public rocksdb::CompactionFilter {
 public:
  explicit TombstoneExpiry(absl::Duration retention) : retention_(retention) {}

  bool Filter(int /*level*/, const rocksdb::Slice& /*key*/, const rocksdb::Slice& value,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    const std::optional<Tombstone> tombstone = DecodeTombstone(ToView(value));
    return tombstone.has_value() && TombstoneExpired(*tombstone, absl::Now(), retention_);
  }
  const char* Name() const override { return "w2w.TombstoneExpiry"; }

 private:
  const absl::Duration retention_;
};

// Whether the family's memtable is a vector that appends (FamilyOptions), where the
// order of inserts costs nothing.
bool AppendsInMemtable(Family family) { return family == Family::kAudit; }

// Options for one family. Candidates and vacancies are read by id (Get before every
// upsert), outcome events are checked by id, track, follow-up and cancellation (mostly
// absent keys) before every event, and every new record's id is looked up among the
// tombstones, so those get a Bloom filter; all families share one block cache.
// `tombstone_expiry` (borrowed, outlives the database) filters the tombstones family.
rocksdb::ColumnFamilyOptions FamilyOptions(Family family,
                                           const std::shared_ptr<rocksdb::Cache>& cache,
                                           const rocksdb::CompactionFilter* tombstone_expiry) {
  rocksdb::ColumnFamilyOptions options;
  options.compaction_style = rocksdb::kCompactionStyleLevel;
  // Protobuf records compress well; LZ4 is cheap enough for hot levels, ZSTD squeezes
  // the bottommost level, which holds most of the data.
  if (Supported(rocksdb::kLZ4Compression)) {
    options.compression = rocksdb::kLZ4Compression;
  } else if (Supported(rocksdb::kSnappyCompression)) {
    options.compression = rocksdb::kSnappyCompression;
  }
  if (Supported(rocksdb::kZSTD)) options.bottommost_compression = rocksdb::kZSTD;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.format_version = 5;
  // Partitioned index and filters: at national scale an SST file's single index and
  // filter blocks are megabytes, and once random record reads push them out of the
  // block cache every point lookup re-read and re-checksummed them (an event import
  // fell to ~500 events/s). Partitions are a few KiB each; the small top levels stay
  // pinned, and index and filter blocks sit in the cache's high-priority pool.
  table.index_type = rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  if (family == Family::kCandidates || family == Family::kVacancies || family == Family::kOutcomes ||
      family == Family::kTombstones) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
    // Imports mostly bring new ids: without a memtable filter every absent id costs a
    // skip-list search of the memtable (the biggest share of an import batch's MultiGet).
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = kMemtableBloomRatio;
  }
  if (AppendsInMemtable(family)) {
    // The audit is written all day and read rarely (ListAccess, the hourly retention):
    // its index keys start with a random pseudonym, and inserting them one by one into a
    // skip list of a full write buffer was nearly all of the audit's cost (cache-missing
    // searches; bench/RESULTS.md). A vector memtable appends, and sorts once at flush
    // or when a rare reader iterates it.
    options.memtable_factory.reset(new rocksdb::VectorRepFactory());
  }
  if (family == Family::kTombstones) {
    options.compaction_filter = tombstone_expiry;
    options.periodic_compaction_seconds = kTombstonePeriodicCompactionSeconds;
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

rocksdb::DBOptions DatabaseOptions(const StoreOptions& store_options) {
  rocksdb::DBOptions options;
  options.create_if_missing = store_options.create_if_missing;
  options.create_missing_column_families = true;
  options.max_background_jobs = kBackgroundJobs;
  // The audit family's vector memtable takes one writer at a time; the write group's
  // leader inserts the members' batches itself.
  options.allow_concurrent_memtable_write = false;
  // Shutdown flushes memtables so the next start replays a short WAL.
  options.avoid_flush_during_shutdown = false;
  // Recovery keeps replayed data in the memtable instead of writing small SST files,
  // so opening a store on a nearly full disk writes almost nothing.
  options.avoid_flush_during_recovery = true;
  // Our own LOG writer (info_log.h): RocksDB's aborts the process once the disk was full.
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options.info_log = std::make_shared<InfoLog>(store_options.path, options.info_log_level,
                                               kMaxInfoLogBytes, static_cast<int>(kKeepInfoLogFiles));
  // A torn last WAL record (crash mid-write) is dropped; anything else is corruption.
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  return options;
}

uint64_t FreeBytes(const std::string& path) {
  struct statvfs info;
  if (statvfs(path.c_str(), &info) != 0) return 0;
  return static_cast<uint64_t>(info.f_bavail) * static_cast<uint64_t>(info.f_frsize);
}

// Smallest key greater than every key starting with `prefix`; empty when none exists.
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace

// ---- Batch ---------------------------------------------------------------------------

// Per-operation overhead in a RocksDB WriteBatch (type tag, family id, two varints).
constexpr size_t kBatchOpOverhead = 12;

struct Batch::Rep {
  // One operation; its key and value are byte ranges of `data`.
  struct Op {
    Family family;
    bool is_delete;
    size_t key_offset;
    size_t key_size;
    size_t value_offset;
    size_t value_size;
  };
  std::vector<Op> ops;
  std::string data;  // Keys and values of all operations, back to back.
  size_t bytes = 0;

  // Appends `key` and reserves `value_size` bytes after it; returns the value's offset.
  size_t Append(Family family, bool is_delete, std::string_view key, size_t value_size) {
    const size_t key_offset = data.size();
    data.append(key.data(), key.size());
    const size_t value_offset = data.size();
    data.resize(value_offset + value_size);
    ops.push_back({family, is_delete, key_offset, key.size(), value_offset, value_size});
    bytes += key.size() + value_size + kBatchOpOverhead;
    return value_offset;
  }
  std::string_view key(const Op& op) const {
    return std::string_view(data).substr(op.key_offset, op.key_size);
  }
  std::string_view value(const Op& op) const {
    return std::string_view(data).substr(op.value_offset, op.value_size);
  }
};

Batch::Batch() : rep_(std::make_unique<Rep>()) {}
Batch::~Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;

void Batch::Put(Family family, std::string_view key, const google::protobuf::MessageLite& value) {
  // Serialized straight into the batch's buffer. Serialization only fails for messages
  // missing proto2 required fields; w2w.v1 is proto3, so this cannot fail.
  const size_t size = value.ByteSizeLong();
  const size_t offset = rep_->Append(family, false, key, size);
  value.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(rep_->data.data() + offset));
}

void Batch::PutRaw(Family family, std::string_view key, std::string_view value) {
  const size_t offset = rep_->Append(family, false, key, value.size());
  if (!value.empty()) rep_->data.replace(offset, value.size(), value.data(), value.size());
}

void Batch::Delete(Family family, std::string_view key) { rep_->Append(family, true, key, 0); }

size_t Batch::count() const { return rep_->ops.size(); }
size_t Batch::byte_size() const { return rep_->bytes; }
void Batch::Clear() {
  rep_->ops.clear();
  rep_->data.clear();
  rep_->bytes = 0;
}

// ---- Store ---------------------------------------------------------------------------

struct Store::Impl {
  StoreOptions options;
  std::shared_ptr<rocksdb::Cache> cache;
  // The tombstones family's compaction filter; declared before `db` so that it outlives
  // the database (closed in ~Impl before members are destroyed).
  std::unique_ptr<TombstoneExpiry> tombstone_expiry;
  std::unique_ptr<rocksdb::DB> db;
  // handles[FamilyIndex(f)] for our families; `others` holds the default family and any
  // family a newer version may have added (RocksDB requires opening all of them).
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::vector<rocksdb::ColumnFamilyHandle*> others;
  rocksdb::WriteOptions write_options;
  // Opened read-only: the disk had less than the open floor free (Store::Open).
  bool read_only = false;
  uint64_t free_at_open = 0;
  // Serialises Resume() attempts (one at a time; the others then retry their write).
  absl::Mutex resume_mu;
  std::atomic<uint64_t> resumes{0};  // Store::resumes().
  // A write failed on the full disk and none has succeeded since.
  std::atomic<bool> disk_full{false};

  static bool IsNoSpace(const rocksdb::Status& status) {
    return status.IsNoSpace() || status.subcode() == rocksdb::Status::kNoSpace ||
           absl::StrContains(status.ToString(), "No space left on device");
  }

  // After `failed` (a write's or flush's status): when it is RocksDB's full-disk error and
  // the disk has room again, asks RocksDB to resume now; true when the caller should
  // retry. Once a write met a full disk (ENOSPC: no reserve, or one smaller than a write
  // burst) RocksDB refuses every write and flush with that error until it resumes. It
  // resumes by itself: its SstFileManager checks every 5 s and resumes once
  // kResumeFreeBytes are free; while that check is pending Resume() answers Busy and the
  // write is refused (DiskFullError says when to expect the resume).
  bool ResumeAfterDiskFull(const rocksdb::Status& failed) ABSL_LOCKS_EXCLUDED(resume_mu) {
    if (!IsNoSpace(failed)) return false;
    disk_full.store(true, std::memory_order_relaxed);
    if (FreeBytes(options.path) < std::max(options.disk_reserve_bytes, kResumeFreeBytes)) {
      return false;
    }
    absl::MutexLock lock(&resume_mu);
    return db->Resume().ok();
  }

  // Notes a write that succeeded: the first after a full disk counts as a resume.
  void Succeeded() {
    if (disk_full.load(std::memory_order_relaxed) && disk_full.exchange(false)) {
      resumes.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // The status of a failed write or flush; on a full disk, says when writes resume.
  absl::Status WriteError(const rocksdb::Status& failed, std::string_view what) const {
    absl::Status status = FromRocks(failed, Context::kWrite, what);
    if (!IsNoSpace(failed)) return status;
    return absl::ResourceExhaustedError(absl::StrCat(
        status.message(), "; the disk is full: writes resume by themselves within about 5 s once ",
        kResumeFreeBytes / kMiB, " MiB are free on ", options.path, " (", FreeBytes(options.path) / kMiB,
        " MiB free now); every acknowledged write is kept"));
  }

  rocksdb::ColumnFamilyHandle* handle(Family family) const {
    return handles[FamilyIndex(family)];
  }

  ~Impl() {
    if (!db) return;
    for (auto* h : handles) {
      if (h != db->DefaultColumnFamily()) (void)db->DestroyColumnFamilyHandle(h);
    }
    for (auto* h : others) (void)db->DestroyColumnFamilyHandle(h);
    // Close() flushes memtables (avoid_flush_during_shutdown = false). Its status cannot
    // be reported from a destructor; the data is in the WAL either way.
    (void)db->Close();
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("store: data folder path is empty");
  std::error_code error;
  if (options.create_if_missing) std::filesystem::create_directories(options.path, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("store: cannot create data folder ", options.path, ": ", error.message()));
  }
  if (!std::filesystem::is_directory(options.path, error)) {
    const bool exists = std::filesystem::exists(options.path, error);
    return absl::FailedPreconditionError(absl::StrCat(
        "store: data folder ", options.path, exists ? " is not a folder" : " does not exist"));
  }
  const uint64_t free_bytes = FreeBytes(options.path);
  const uint64_t open_floor = std::min(options.disk_reserve_bytes, kOpenFloorBytes);
  // Too little space to open for writing safely (opening writes a MANIFEST and an OPTIONS
  // file): an existing store opens read-only, so reads go on; a new one cannot be made.
  const bool read_only = free_bytes < open_floor;
  if (read_only && !std::filesystem::exists(std::filesystem::path(options.path) / "CURRENT", error)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "store: only ", free_bytes / kMiB, " MiB free on ", options.path,
        ", too little to create a store; free some space"));
  }

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->read_only = read_only;
  impl->free_at_open = free_bytes;
  // Half the cache is reserved for index and filter blocks (high priority), so data
  // blocks of random record reads cannot evict them.
  impl->cache = rocksdb::NewLRUCache(options.block_cache_bytes, /*num_shard_bits=*/-1,
                                     /*strict_capacity_limit=*/false, /*high_pri_pool_ratio=*/0.5);
  if (options.tombstone_retention <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("store: tombstone_retention must be positive");
  }
  impl->tombstone_expiry = std::make_unique<TombstoneExpiry>(options.tombstone_retention);
  impl->write_options.sync = options.sync_writes;
  impl->write_options.disableWAL = false;

  const rocksdb::DBOptions db_options = DatabaseOptions(options);
  // Open every family that exists (an older or newer store may have others), plus ours.
  std::vector<std::string> existing;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing);
  if (!listed.ok()) existing.clear();  // A new store: only the default family so far.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<int> family_slot;  // Index into handles, or -1 for `others`.
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  family_slot.push_back(-1);
  for (Family family : kAllFamilies) {
    descriptors.emplace_back(std::string(FamilyName(family)),
                             FamilyOptions(family, impl->cache, impl->tombstone_expiry.get()));
    family_slot.push_back(FamilyIndex(family));
  }
  for (const std::string& name : existing) {
    const bool known = absl::c_any_of(
        descriptors, [&](const rocksdb::ColumnFamilyDescriptor& d) { return d.name == name; });
    if (!known) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
      family_slot.push_back(-1);
    }
  }

  if (read_only) {
    // Read-only RocksDB opens only families that exist: a family this version added after
    // the store was written reads as the (empty) default family.
    std::vector<rocksdb::ColumnFamilyDescriptor> present;
    std::vector<int> present_slot;
    for (size_t i = 0; i < descriptors.size(); ++i) {
      if (i == 0 || absl::c_linear_search(existing, descriptors[i].name)) {
        present.push_back(descriptors[i]);
        present_slot.push_back(family_slot[i]);
      }
    }
    descriptors.swap(present);
    family_slot.swap(present_slot);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status status =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors, &handles, &db)
                : rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &db);
  if (!status.ok()) return FromRocks(status, Context::kOpen, absl::StrCat("open ", options.path));
  impl->db.reset(db);
  impl->handles.assign(kNumFamilies, nullptr);
  for (size_t i = 0; i < handles.size(); ++i) {
    if (family_slot[i] >= 0) {
      impl->handles[family_slot[i]] = handles[i];
    } else {
      impl->others.push_back(handles[i]);
    }
  }
  for (rocksdb::ColumnFamilyHandle*& handle : impl->handles) {
    if (handle == nullptr) handle = impl->db->DefaultColumnFamily();  // Read-only: see above.
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

absl::Status Store::Write(Batch& batch) {
  if (batch.count() == 0) return absl::OkStatus();
  if (impl_->read_only) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "store: opened read-only because only ", impl_->free_at_open / kMiB, " MiB were free on ",
        impl_->options.path, " at start (disk full); writes are refused until w2w-server is "
        "restarted with more free space"));
  }
  const uint64_t free_bytes = DiskFreeBytes();
  if (free_bytes < impl_->options.disk_reserve_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "store: only ", free_bytes / kMiB, " MiB free on ", impl_->options.path,
        ", below the reserve of ", impl_->options.disk_reserve_bytes / kMiB,
        " MiB; writes refused"));
  }
  rocksdb::WriteBatch write_batch(batch.byte_size());
  const Batch::Rep& rep = *batch.rep_;
  // Operations go to RocksDB in key order per family (stable, so a later write of the same
  // key still wins): the memtable's skip list resumes its search where the previous insert
  // left off instead of descending from the top for every key. An import batch's
  // thousands of random ids otherwise cost most of the write in cache-missing compares.
  // A family with an appending (vector) memtable gains nothing from the sort: its
  // operations keep their order, and a batch of only those (the audit writer's) is not
  // sorted at all.
  std::vector<uint32_t> order(rep.ops.size());
  bool sort = false;
  for (uint32_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    sort = sort || !AppendsInMemtable(rep.ops[i].family);
  }
  if (sort) {
    std::stable_sort(order.begin(), order.end(), [&rep](uint32_t a, uint32_t b) {
      const Batch::Rep::Op& x = rep.ops[a];
      const Batch::Rep::Op& y = rep.ops[b];
      if (x.family != y.family) return x.family < y.family;
      return !AppendsInMemtable(x.family) && rep.key(x) < rep.key(y);
    });
  }
  for (uint32_t i : order) {
    const Batch::Rep::Op& op = rep.ops[i];
    rocksdb::Status status =
        op.is_delete
            ? write_batch.Delete(impl_->handle(op.family), ToSlice(rep.key(op)))
            : write_batch.Put(impl_->handle(op.family), ToSlice(rep.key(op)), ToSlice(rep.value(op)));
    if (!status.ok()) return FromRocks(status, Context::kWrite, "build batch");
  }
  rocksdb::Status written = impl_->db->Write(impl_->write_options, &write_batch);
  if (!written.ok() && impl_->ResumeAfterDiskFull(written)) {
    written = impl_->db->Write(impl_->write_options, &write_batch);
  }
  if (written.ok()) {
    impl_->Succeeded();
    return absl::OkStatus();
  }
  return impl_->WriteError(written, absl::StrCat("write of ", batch.count(), " operations"));
}


absl::StatusOr<bool> Store::GetRaw(Family family, std::string_view key, std::string* out) const {
  rocksdb::Status status =
      impl_->db->Get(rocksdb::ReadOptions(), impl_->handle(family), ToSlice(key), out);
  if (status.IsNotFound()) return false;
  if (!status.ok()) return FromRocks(status, Context::kRead, absl::StrCat("get ", Printable(family, key)));
  return true;
}

absl::StatusOr<bool> Store::Get(Family family, std::string_view key,
                                google::protobuf::MessageLite* out) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status status =
      impl_->db->Get(rocksdb::ReadOptions(), impl_->handle(family), ToSlice(key), &value);
  if (status.IsNotFound()) return false;
  if (!status.ok()) return FromRocks(status, Context::kRead, absl::StrCat("get ", Printable(family, key)));
  if (!out->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("store: value of ", Printable(family, key),
                                            " does not parse as ", out->GetTypeName()));
  }
  return true;
}

absl::Status Store::MultiGetRaw(Family family, absl::Span<const std::string_view> keys,
                                std::vector<std::optional<std::string>>* values) const {
  values->clear();
  if (keys.empty()) return absl::OkStatus();
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (std::string_view key : keys) slices.push_back(ToSlice(key));
  std::vector<rocksdb::PinnableSlice> found(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  impl_->db->MultiGet(rocksdb::ReadOptions(), impl_->handle(family), keys.size(), slices.data(),
                      found.data(), statuses.data());
  values->resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) {
      return FromRocks(statuses[i], Context::kRead,
                       absl::StrCat("multi-get ", Printable(family, keys[i])));
    }
    (*values)[i].emplace(found[i].data(), found[i].size());
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Store::Scan(Family family, std::string_view start,
                                     std::string_view prefix, uint64_t limit,
                                     const Visitor& visit) const {
  // An iterator reads one implicit snapshot taken at its creation: a consistent view
  // even while writers commit.
  rocksdb::ReadOptions read_options;
  const std::string upper = PrefixEnd(prefix);
  rocksdb::Slice upper_slice(upper);
  if (!prefix.empty() && !upper.empty()) read_options.iterate_upper_bound = &upper_slice;
  // Long scans (listing, rebuild) should not evict the hot point-lookup blocks.
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(read_options, impl_->handle(family)));
  const std::string_view seek = std::max(start, prefix);
  if (seek.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(ToSlice(seek));
  }
  uint64_t visited = 0;
  for (; it->Valid(); it->Next()) {
    if (limit != 0 && visited >= limit) break;
    const std::string_view key = ToView(it->key());
    if (!prefix.empty() && key.substr(0, prefix.size()) != prefix) break;
    ++visited;
    if (!visit(key, ToView(it->value()))) break;
  }
  RETURN_IF_ERROR(FromRocks(it->status(), Context::kRead,
                            absl::StrCat("scan of ", std::string(FamilyName(family)))));
  return visited;
}

absl::StatusOr<std::optional<std::string>> Store::LastKey(Family family) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->handle(family)));
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), Context::kRead,
                            absl::StrCat("last key of ", std::string(FamilyName(family)))));
  if (!it->Valid()) return std::optional<std::string>();
  return std::optional<std::string>(it->key().ToString());
}

bool Store::read_only() const { return impl_->read_only; }

uint64_t Store::resumes() const { return impl_->resumes.load(std::memory_order_relaxed); }

uint64_t Store::DiskFreeBytes() const { return FreeBytes(impl_->options.path); }
const StoreOptions& Store::options() const { return impl_->options; }
bool Store::syncs_writes() const { return impl_->write_options.sync; }

StoreStats Store::Stats() const {
  StoreStats stats;
  stats.disk_free_bytes = DiskFreeBytes();
  stats.read_only = impl_->read_only;
  stats.disk_full_resumes = resumes();
  stats.block_cache_bytes = impl_->cache != nullptr ? impl_->cache->GetUsage() : 0;
  for (Family family : kAllFamilies) {
    uint64_t keys = 0;
    if (impl_->db->GetIntProperty(impl_->handle(family), "rocksdb.estimate-num-keys", &keys)) {
      stats.estimated_keys[FamilyIndex(family)] = keys;
    }
  }
  uint64_t sst = 0;
  if (impl_->db->GetAggregatedIntProperty("rocksdb.live-sst-files-size", &sst)) {
    stats.live_sst_bytes = sst;
  }
  rocksdb::DB& db = *impl_->db;
  auto sum = [&db](const std::string& property) {
    uint64_t value = 0;
    return db.GetAggregatedIntProperty(property, &value) ? value : uint64_t{0};
  };
  stats.total_sst_bytes = sum("rocksdb.total-sst-files-size");
  stats.memtable_bytes = sum("rocksdb.cur-size-all-mem-tables");
  stats.pinned_memtable_bytes = sum("rocksdb.size-all-mem-tables");
  stats.table_reader_bytes = sum("rocksdb.estimate-table-readers-mem");
  stats.pending_compaction_bytes = sum("rocksdb.estimate-pending-compaction-bytes");
  stats.compaction_pending = sum("rocksdb.compaction-pending") > 0;
  uint64_t value = 0;
  // DB-wide properties (not per family).
  if (db.GetIntProperty("rocksdb.num-running-compactions", &value)) stats.running_compactions = value;
  if (db.GetIntProperty("rocksdb.num-running-flushes", &value)) stats.running_flushes = value;
  if (db.GetIntProperty("rocksdb.is-write-stopped", &value)) stats.write_stopped = value != 0;
  if (db.GetIntProperty("rocksdb.actual-delayed-write-rate", &value)) stats.delayed_write_rate = value;
  return stats;
}

absl::Status Store::Flush() {
  if (impl_->read_only) return absl::OkStatus();  // Nothing was written.
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  rocksdb::Status flushed = impl_->db->Flush(flush_options, impl_->handles);
  if (!flushed.ok() && impl_->ResumeAfterDiskFull(flushed)) {
    flushed = impl_->db->Flush(flush_options, impl_->handles);
  }
  if (!flushed.ok()) return impl_->WriteError(flushed, "flush");
  return FromRocks(impl_->db->FlushWAL(/*sync=*/true), Context::kWrite, "sync of the WAL");
}

absl::Status Store::CompactFamily(Family family) {
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  const std::string name(FamilyName(family));
  RETURN_IF_ERROR(FromRocks(impl_->db->Flush(flush_options, impl_->handle(family)), Context::kWrite,
                            absl::StrCat("flush of ", name)));
  rocksdb::CompactRangeOptions compact_options;
  // Rewrite the bottommost level too, so that every key passes the compaction filter.
  compact_options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(impl_->db->CompactRange(compact_options, impl_->handle(family), nullptr, nullptr),
                   Context::kWrite, absl::StrCat("compaction of ", name));
}

absl::StatusOr<BackupEntry> Store::Backup(const std::string& dir, uint32_t keep) {
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::BackupEngineOptions options(dir);
  options.sync = true;  // A backup that returned is on disk.
  RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &raw),
                            Context::kWrite, absl::StrCat("backup folder '", dir, "'")));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = !impl_->read_only;  // Read-only: the WAL files are copied.
  rocksdb::BackupID id = 0;
  RETURN_IF_ERROR(FromRocks(engine->CreateNewBackup(create, impl_->db.get(), &id), Context::kWrite,
                            absl::StrCat("backup into '", dir, "'")));
  RETURN_IF_ERROR(FromRocks(engine->VerifyBackup(id, /*verify_with_checksum=*/true), Context::kRead,
                            absl::StrCat("verification of backup ", id, " in '", dir, "'")));
  if (keep > 0) {
    RETURN_IF_ERROR(FromRocks(engine->PurgeOldBackups(keep), Context::kWrite,
                              absl::StrCat("retention in '", dir, "'")));
  }
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  for (const rocksdb::BackupInfo& info : infos) {
    if (info.backup_id == id) {
      return BackupEntry{info.backup_id, info.timestamp, info.size, info.number_files};
    }
  }
  return absl::InternalError(absl::StrCat("backup: backup ", id, " not listed in '", dir, "'"));
}

}  // namespace w2w::storage
