// Store: the durable home of every w2w record, on RocksDB. The only code in w2w that
// knows RocksDB; everything above it sees protobuf messages and absl::Status.
//
// Layout (docs/storage.md has the details): one column family per kind of record,
// keys are the record's id (or a documented composite, built only by keys.h), values are
// serialized protobuf messages of package w2w.v1.
//
// Durability: every Write() goes to the write-ahead log before it returns OK. With
// StoreOptions::sync_writes the WAL is fsynced (fdatasync) before returning, so an
// acknowledged write survives power loss; without it, it survives a process crash
// (kill -9) but not a power loss. A Write() of a Batch is atomic across families.
//
// Disk space: Debian's RocksDB aborts the process on a full disk, so Write() refuses
// with RESOURCE_EXHAUSTED while the data folder's file system has fewer than
// StoreOptions::disk_reserve_bytes free.
//
// Thread safety: all methods are safe to call concurrently. Version checks are NOT done
// here: callers that need read-check-write atomicity serialize their writers.
#ifndef W2W_ENGINE_STORAGE_STORE_H_
#define W2W_ENGINE_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/storage/keys.h"
#include "google/protobuf/message_lite.h"

namespace w2w::storage {

// The column families. Values are serialized messages of the type named.
enum class Family {
  kCandidates,      // key: candidate id            value: w2w.v1.Candidate
  kVacancies,       // key: vacancy id              value: w2w.v1.Vacancy
  kPolicies,        // key: 8-byte big-endian version  value: w2w.v1.Policy
  kTaxonomy,        // key: "change/" + 8-byte big-endian seq + "/" + kind (kind:
                    //      qualification, cluster, municipality, region_anchor; seq 1, 2,
                    //      ... in the order made)  value: w2w.v1.Qualification, Cluster,
                    //      Municipality or UpdateRegionAnchorRequest
  kRematchRuns,     // key: run id                  value: w2w.v1.RematchRun (no results)
  kRematchResults,  // key: run id + '\0' + 8-byte big-endian index  value: w2w.v1.PersonResult
  kMeta,            // key: name                    value: raw bytes (e.g. counters)
  kTokens,          // key: 32-byte SHA-256 of the token's secret  value: w2w.v1.Token
  kAudit,           // key: 8-byte big-endian microseconds since the epoch + 8-byte
                    //      big-endian sequence number  value: w2w.v1.AccessEntry
  kOutcomes,        // outcome events and their lookups (keys.h, "Outcomes"): key "q" +
                    //      8-byte big-endian seq  value: w2w.v1.OutcomeEvent; the other
                    //      keys hold 8-byte seqs or nothing
  kTombstones,      // key: keys.h TombstoneKey ("c" + candidate pseudonym, "v" + vacancy
                    //      id)  value: tombstone.h (16 bytes: last version, deletion time);
                    //      expired ones are dropped by the family's compaction filter
};
inline constexpr int kNumFamilies = 11;

// Name of a family's RocksDB column family, e.g. "candidates".
std::string_view FamilyName(Family family);

struct StoreOptions {
  std::string path;                    // Data folder; created when missing.
  bool sync_writes = false;            // fsync the WAL on every Write().
  uint64_t disk_reserve_bytes = 256ull << 20;  // Refuse writes below this many free bytes.
  uint64_t block_cache_bytes = 64ull << 20;
  bool create_if_missing = true;
  // How long a tombstone (tombstone.h) counts after its deletion; older ones read as
  // absent and the tombstones family's compaction filter drops them. Must be positive.
  absl::Duration tombstone_retention = absl::Hours(24 * 30);
};

// An atomic group of puts and deletes. Not thread-safe; build it on one thread.
// Keys and values are copied into one growing buffer (no allocation per operation).
class Batch {
 public:
  Batch();
  ~Batch();
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;

  // Serializes `value` now; the batch does not keep a reference to it.
  void Put(Family family, std::string_view key, const google::protobuf::MessageLite& value);
  void PutRaw(Family family, std::string_view key, std::string_view value);
  void Delete(Family family, std::string_view key);

  size_t count() const;       // Operations added.
  size_t byte_size() const;   // Approximate encoded size.
  void Clear();

 private:
  friend class Store;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// Statistics for operators and the ServerInfo RPC.
struct StoreStats {
  uint64_t disk_free_bytes = 0;
  uint64_t estimated_keys[kNumFamilies] = {};
  uint64_t live_sst_bytes = 0;
  // RocksDB's own view of its health (DB properties, summed over the families):
  uint64_t total_sst_bytes = 0;            // rocksdb.total-sst-files-size (also obsolete).
  uint64_t memtable_bytes = 0;             // rocksdb.cur-size-all-mem-tables.
  uint64_t pending_compaction_bytes = 0;   // rocksdb.estimate-pending-compaction-bytes.
  uint64_t running_compactions = 0;        // rocksdb.num-running-compactions.
  uint64_t running_flushes = 0;            // rocksdb.num-running-flushes.
  bool compaction_pending = false;         // rocksdb.compaction-pending, any family.
  bool write_stopped = false;              // rocksdb.is-write-stopped.
  uint64_t delayed_write_rate = 0;         // rocksdb.actual-delayed-write-rate; 0 = no delay.
  bool read_only = false;                  // Store::read_only().
  uint64_t disk_full_resumes = 0;          // Store::resumes().
  uint64_t block_cache_bytes = 0;          // Block cache in use (at most block_cache_bytes).
  uint64_t pinned_memtable_bytes = 0;      // rocksdb.size-all-mem-tables (also flushed, pinned).
  uint64_t table_reader_bytes = 0;         // rocksdb.estimate-table-readers-mem (SST indexes, filters).
};

// One backup of a store (RocksDB's BackupEngine), as a backup folder lists it.
struct BackupEntry {
  uint32_t id = 0;
  int64_t created_unix_seconds = 0;
  uint64_t size_bytes = 0;
  uint32_t files = 0;
};

// The backups in `dir`, oldest first. Errors: NOT_FOUND when `dir` holds none;
// INTERNAL for I/O errors.
absl::StatusOr<std::vector<BackupEntry>> ListBackups(const std::string& dir);

// Restores backup `id` (0 = the newest) of `dir` into `path`, which must be missing or
// empty (FAILED_PRECONDITION otherwise: a restore never overwrites a store). The files'
// checksums are checked while copying. Errors: NOT_FOUND for no such backup; DATA_LOSS
// when a file does not match its checksum; INTERNAL for I/O errors.
absl::Status RestoreBackup(const std::string& dir, uint32_t id, const std::string& path);

class Store {
 public:
  // Opens (creating when allowed) the store in options.path with all column families.
  // With less than min(disk_reserve_bytes, 2 MiB) free, an existing store opens
  // read-only (reads work; every Write() is RESOURCE_EXHAUSTED until a restart with more
  // space; read_only()), because opening for writes writes files and Debian's RocksDB
  // aborts on a full disk. Errors: FAILED_PRECONDITION when the folder is locked by
  // another process or holds an incompatible store; INTERNAL for I/O errors;
  // RESOURCE_EXHAUSTED when the disk is too short to create a new store.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // Flushes and closes. Pending writes were already in the WAL.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies `batch` atomically; OK means it is in the WAL (and fsynced if sync_writes).
  // Errors: RESOURCE_EXHAUSTED when free disk is below the reserve (nothing written) or
  // RocksDB met a full disk; INTERNAL / UNAVAILABLE for I/O errors. An empty batch is OK
  // and writes nothing. After a full disk RocksDB refuses every write until it is resumed:
  // a write that meets that error once the reserve is free again resumes the store and is
  // retried, so writes come back without a restart (resumes() counts it).
  absl::Status Write(Batch& batch);

  // Reads one value into `out`. Returns true when found, false when absent.
  // Errors: DATA_LOSS when the stored bytes do not parse; INTERNAL for I/O errors.
  absl::StatusOr<bool> Get(Family family, std::string_view key,
                           google::protobuf::MessageLite* out) const;
  absl::StatusOr<bool> GetRaw(Family family, std::string_view key, std::string* out) const;

  // Reads the values of many keys of one family in one pass (RocksDB MultiGet: batched
  // memtable and Bloom filter probes), e.g. the stored versions of an import batch.
  // On OK, values->size() == keys.size() and (*values)[i] holds the bytes stored under
  // keys[i], or nullopt when it is absent. Errors: INTERNAL for I/O errors (then
  // *values is unspecified).
  absl::Status MultiGetRaw(Family family, absl::Span<const std::string_view> keys,
                           std::vector<std::optional<std::string>>* values) const;

  // Calls visit(key, value_bytes) for keys >= `start` in key order, on a consistent
  // snapshot, until it returns false or `limit` keys were visited (0 = no limit).
  // With a non-empty `prefix`, only keys starting with it (start defaults to prefix).
  // The views are valid only during the call. Returns the number of keys visited.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  absl::StatusOr<uint64_t> Scan(Family family, std::string_view start, std::string_view prefix,
                                uint64_t limit, const Visitor& visit) const;

  // Last key of a family (e.g. the newest policy version), or nullopt when empty.
  absl::StatusOr<std::optional<std::string>> LastKey(Family family) const;

  // Free bytes on the data folder's file system (statvfs), and the reserve.
  uint64_t DiskFreeBytes() const;
  const StoreOptions& options() const;
  // True when every Write() fsyncs the WAL (the effective rocksdb::WriteOptions::sync).
  bool syncs_writes() const;
  StoreStats Stats() const;

  // Flushes memtables and syncs the WAL; used by graceful shutdown. Resumes the store
  // first, as Write does, when a full disk stopped it and space is back.
  absl::Status Flush();
  // How often a write or flush resumed the store after a full disk (since Open).
  uint64_t resumes() const;
  // Opened read-only (see Open): every Write() is refused, reads work.
  bool read_only() const;

  // Flushes and compacts the whole of `family` now, running its compaction filter (the
  // tombstones' expiry), and waits for it. RocksDB compacts by itself (the tombstones
  // family at least once a day); this is for tests and operators. Errors: INTERNAL /
  // UNAVAILABLE for I/O errors.
  absl::Status CompactFamily(Family family);

  // Backs up the whole store (every family) into `dir` (made when missing) with
  // RocksDB's BackupEngine, while writes go on: incremental (files unchanged since an
  // earlier backup in `dir` are shared, not copied), the memtables flushed first so that
  // every write acknowledged before the call is in it, every file's checksum verified
  // after. Then keeps the newest `keep` backups of `dir` (0 = all). Returns the new one.
  // Errors: RESOURCE_EXHAUSTED when the backup's disk is full; INTERNAL for other I/O
  // errors (a failed backup leaves the earlier ones intact). Callers serialise backups.
  absl::StatusOr<BackupEntry> Backup(const std::string& dir, uint32_t keep);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace w2w::storage

#endif  // W2W_ENGINE_STORAGE_STORE_H_
