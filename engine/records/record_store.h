// RecordStore: the one typed owner of w2w's stored records, over storage::Store. Every
// read of a stored candidate, vacancy, taxonomy change or policy, and every write of one,
// goes through here: callers name records by id, version or sequence number and get
// w2w.v1 messages back; the key layout is storage/keys.h's, the parsing is done here.
// Rematch runs and results keep their own small store (engine/rematch/run_store.h).
//
// Reads:  Get / MultiGet by id, Scan in id order, the taxonomy change log in order, a
//         policy by version or the newest one, the tombstones of deleted records.
// Writes: a WriteSet collects typed puts and deletes of records, their tombstones,
//         change-log entries and policies; Commit writes it as one atomic storage::Batch (in the WAL, and fsynced
//         with sync_writes, before it returns OK). Nothing of a failed Commit is written.
//
// Errors: DATA_LOSS for a stored value that does not parse as its message ("store: value
// of candidates/'c1' does not parse as w2w.v1.Candidate") or a malformed key; otherwise
// the store's (RESOURCE_EXHAUSTED below the disk reserve, INTERNAL / UNAVAILABLE for I/O).
// Version checks are not done here: writers that need read-check-write atomicity
// serialize themselves (the facade's writer mutex).
//
// Thread safety: RecordStore is safe to call concurrently (it only forwards to the
// thread-safe Store); a WriteSet is built on one thread.
#ifndef W2W_ENGINE_RECORDS_RECORD_STORE_H_
#define W2W_ENGINE_RECORDS_RECORD_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/storage/store.h"
#include "engine/storage/tombstone.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/policy.pb.h"
#include "w2w/v1/taxonomy.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::records {

// A record as read from the store: parsed, and the exact bytes it was parsed from (our
// writes serialize canonically, so equal bytes are equal content).
template <typename Record>
struct Stored {
  Record record;
  std::string bytes;
};

// One stored taxonomy change, the value of a kind this version knows.
using TaxonomyChangeValue = std::variant<v1::Qualification, v1::Cluster, v1::Municipality,
                                         v1::UpdateRegionAnchorRequest>;

// One entry of the change log, as ScanTaxonomyChanges visits it.
struct TaxonomyChange {
  uint64_t seq = 0;       // 1, 2, ... in the order the changes were made.
  std::string_view kind;  // As stored, e.g. "qualification"; valid during the visit.
  // The change, or DATA_LOSS ("unknown change kind 'x'", "value does not parse") when
  // this version cannot read it; the visitor decides what that means.
  absl::StatusOr<TaxonomyChangeValue> value;
};

// An atomic group of typed writes for RecordStore::Commit. Values are serialized when
// added (the set keeps no reference to them). Not thread-safe.
class WriteSet {
 public:
  // Stores the record under its id, replacing what is there.
  void Put(const v1::Candidate& candidate);
  void Put(const v1::Vacancy& vacancy);
  // Deletes the record with id `id` (a no-op when absent).
  template <typename Record>
  void Delete(std::string_view id);
  // Keeps `tombstone` for the deleted record whose tombstone name is `name` (see
  // RecordStore::MultiGetTombstones), replacing what is there; DeleteTombstone removes it
  // (a no-op when absent), e.g. when the record is created again.
  template <typename Record>
  void PutTombstone(std::string_view name, const storage::Tombstone& tombstone);
  template <typename Record>
  void DeleteTombstone(std::string_view name);
  // Appends change number `seq` to the taxonomy change log.
  void AddTaxonomyChange(uint64_t seq, const v1::Qualification& change);
  void AddTaxonomyChange(uint64_t seq, const v1::Cluster& change);
  void AddTaxonomyChange(uint64_t seq, const v1::Municipality& change);
  void AddTaxonomyChange(uint64_t seq, const v1::UpdateRegionAnchorRequest& change);
  // Stores `policy` as version policy.version(), replacing what is there.
  void PutPolicy(const v1::Policy& policy);

  size_t count() const { return batch_.count(); }  // Writes added.
  // The underlying batch, for the rooms that own other families (rematch runs, audit) to
  // add their own typed writes to the same atomic commit (e.g. an erasure).
  storage::Batch* mutable_batch() { return &batch_; }
  bool empty() const { return batch_.count() == 0; }

 private:
  friend class RecordStore;
  storage::Batch batch_;
};

class RecordStore {
 public:
  // `store` is borrowed and must outlive this object.
  explicit RecordStore(storage::Store* store);

  // ---- Candidates and vacancies ---------------------------------------------------------
  // `Record` is v1::Candidate or v1::Vacancy throughout.

  // The stored record with id `id`, or nullopt when there is none.
  template <typename Record>
  absl::StatusOr<std::optional<Record>> Get(std::string_view id) const;
  absl::StatusOr<std::optional<v1::Candidate>> GetCandidate(std::string_view id) const {
    return Get<v1::Candidate>(id);
  }
  absl::StatusOr<std::optional<v1::Vacancy>> GetVacancy(std::string_view id) const {
    return Get<v1::Vacancy>(id);
  }

  // The stored records of many ids in one pass (RocksDB MultiGet), with their bytes. On
  // OK, out->size() == ids.size() and (*out)[i] is the record stored under ids[i], or
  // nullopt. On an error *out is unspecified.
  template <typename Record>
  absl::Status MultiGet(absl::Span<const std::string_view> ids,
                        std::vector<std::optional<Stored<Record>>>* out) const;

  // Calls visit(record) for the stored records with an id after `after_id` (all when it is
  // empty), in id order, on a consistent snapshot, until it returns false or `limit` records were visited (0 = no
  // limit). The record may be moved from; it is valid only during the call. Returns the
  // number of records visited (including the one whose visit returned false).
  template <typename Record>
  using Visitor = std::function<bool(Record& record)>;
  template <typename Record>
  absl::StatusOr<uint64_t> Scan(std::string_view after_id, uint64_t limit,
                                const Visitor<Record>& visit) const;

  // ---- Tombstones -----------------------------------------------------------------------
  // A deleted candidate or vacancy leaves a tombstone (storage/tombstone.h: its last
  // version and the deletion time, nothing else), so that one created again continues
  // the version sequence. A tombstone is found by its name: a vacancy's id, or the keyed
  // pseudonym of a candidate's id (the caller computes it; this room knows no keys), so
  // that an erased person's id is kept nowhere.

  // The live tombstones of many names in one pass. On OK, out->size() == names.size()
  // and (*out)[i] is the tombstone of names[i], or nullopt when there is none or it is
  // older than the store's tombstone_retention. Errors: DATA_LOSS for a stored value that
  // is not a tombstone; the store's read errors.
  template <typename Record>
  absl::Status MultiGetTombstones(absl::Span<const std::string_view> names,
                                  std::vector<std::optional<storage::Tombstone>>* out) const;

  // ---- Taxonomy change log --------------------------------------------------------------
  // Calls visit(change) for every stored change in the order made, until it returns
  // false. DATA_LOSS for a key that is not a change-log key.
  absl::Status ScanTaxonomyChanges(const std::function<bool(const TaxonomyChange&)>& visit) const;
  // The sequence number of the newest stored change; 0 when the log is empty.
  absl::StatusOr<uint64_t> LastTaxonomyChangeSeq() const;

  // ---- Policies -------------------------------------------------------------------------
  // The stored policy of `version`, or nullopt.
  absl::StatusOr<std::optional<v1::Policy>> GetPolicy(uint64_t version) const;
  // The stored policy with the highest version, or nullopt when none is stored.
  absl::StatusOr<std::optional<v1::Policy>> LatestPolicy() const;

  // ---- Writes ---------------------------------------------------------------------------
  // Writes `writes` atomically (see the file comment); an empty set is OK and writes
  // nothing. The set is left as it was (callers drop it).
  absl::Status Commit(WriteSet& writes);

 private:
  storage::Store* const store_;  // Borrowed.
};

}  // namespace w2w::records

#endif  // W2W_ENGINE_RECORDS_RECORD_STORE_H_
