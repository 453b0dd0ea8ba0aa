// Keys: the encoding of every key the Store holds, family by family (docs/storage.md,
// "Column families and keys"). This is the only code in w2w that builds or takes apart a
// key string; everything above names a record by its id, a policy by its version, a
// taxonomy change by its sequence number and kind, a rematch result by run and index.
//
//   candidates, vacancies, rematch_runs   the id itself
//   policies          8-byte big-endian version
//   taxonomy          "change/" + 8-byte big-endian seq + "/" + kind   (the change log)
//   rematch_results   run id + '\0' + 8-byte big-endian index
//   meta              the name itself
//   tokens            the 32-byte SHA-256 digest of the token's secret
//   audit             "e" + 8-byte big-endian microseconds + 8-byte big-endian sequence
//                     (an entry), and "c" + 32-hex-digit candidate pseudonym + the same
//                     16 bytes (the entry's index by candidate, empty value)
//   tombstones        "c" + candidate pseudonym (32 hex digits), "v" + vacancy id
//
// Big-endian numbers make numeric keys sort numerically, so the newest policy is the last
// key and the change log replays in order with a plain scan.
//
// Thread safety: pure functions.
#ifndef W2W_ENGINE_STORAGE_KEYS_H_
#define W2W_ENGINE_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace w2w::storage {

// 8-byte big-endian encoding, so numeric keys sort in numeric order.
std::string EncodeUint64Key(uint64_t value);
uint64_t DecodeUint64Key(std::string_view key);  // Precondition: key.size() >= 8.

// ---- Records by id (candidates, vacancies, rematch runs) -------------------------------
// The key of the record with id `id`: the id's bytes. The view aliases `id`.
inline std::string_view RecordKey(std::string_view id) { return id; }
// The smallest key after the key of `id` (to continue a scan after that record).
std::string RecordKeyAfter(std::string_view id);

// ---- Policies --------------------------------------------------------------------------
std::string PolicyKey(uint64_t version);
// The version a policies key names; nullopt for a key that is not 8 bytes.
std::optional<uint64_t> ParsePolicyKey(std::string_view key);

// ---- Taxonomy change log ---------------------------------------------------------------
// The kinds of stored taxonomy change; the value type of each is named.
enum class ChangeKind {
  kQualification,  // w2w.v1.Qualification
  kCluster,        // w2w.v1.Cluster
  kMunicipality,   // w2w.v1.Municipality
  kRegionAnchor,   // w2w.v1.UpdateRegionAnchorRequest
};
// The kind's name in the key: "qualification", "cluster", "municipality", "region_anchor".
std::string_view ChangeKindName(ChangeKind kind);

// The prefix every change-log key starts with (scan it to replay the log in order).
std::string_view ChangeLogPrefix();
// The key of change number `seq` (1, 2, ... in the order made) of kind `kind`.
std::string ChangeKey(uint64_t seq, ChangeKind kind);

// A change-log key taken apart.
struct ChangeKeyParts {
  uint64_t seq = 0;
  std::string_view kind_name;     // As stored; aliases the parsed key.
  std::optional<ChangeKind> kind;  // nullopt: a name this version does not know.
};
// nullopt when `key` is not a change-log key (wrong prefix, too short, no '/').
std::optional<ChangeKeyParts> ParseChangeKey(std::string_view key);

// ---- Rematch results -------------------------------------------------------------------
// The prefix of every result key of run `run_id` (scan it for the run's results in order).
std::string RematchResultsPrefix(std::string_view run_id);
// The key of result number `index` of run `run_id`.
std::string RematchResultKey(std::string_view run_id, uint64_t index);
// The index a result key of run `run_id` names; nullopt for a key of another run or a
// malformed one.
std::optional<uint64_t> ParseRematchResultKey(std::string_view run_id, std::string_view key);

// ---- Tokens ----------------------------------------------------------------------------
// The key of the token whose secret hashes to `digest` (32 bytes): the digest's bytes.
inline std::string_view TokenKey(std::string_view digest) { return digest; }

// ---- Audit ---------------------------------------------------------------------------
// The time-and-sequence part of an audit entry's keys (16 bytes; sorts by time).
std::string AuditStamp(uint64_t micros, uint64_t seq);
// The key of the entry with `stamp`; all entry keys start with AuditEntryPrefix().
std::string AuditEntryKey(std::string_view stamp);
std::string_view AuditEntryPrefix();
// The index key of the entry `stamp` under the candidate pseudonym `pseudonym`; all
// index keys of one candidate start with AuditCandidatePrefix(pseudonym).
std::string AuditCandidateKey(std::string_view pseudonym, std::string_view stamp);
std::string AuditCandidatePrefix(std::string_view pseudonym);
// The stamp of an entry key or a candidate index key (the last 16 bytes); nullopt when
// the key is too short.
std::optional<std::string_view> AuditStampOf(std::string_view key);
// The microseconds of a stamp. Precondition: stamp.size() == 16.
uint64_t AuditStampMicros(std::string_view stamp);

// ---- Outcomes --------------------------------------------------------------------------
// The family holds the events and the lookups the ledger checks (engine/outcomes):
//   "q" + seq (8-byte big-endian)           -> w2w.v1.OutcomeEvent (recording order)
//   "e" + event_id                          -> seq of that event (idempotency)
//   "p" + candidate_id + '\0' + seq          -> "" (the events of one person)
//   "t" + track_id                          -> seq of the track's start [+ seq of its end]
//   "f" + placement_event_id + '\0' + months -> seq of that follow-up
//   "x" + event_id                          -> seq of the cancellation that cancelled it
std::string OutcomeEventKey(uint64_t seq);
std::string_view OutcomeEventPrefix();
std::optional<uint64_t> ParseOutcomeEventKey(std::string_view key);
std::string OutcomeIdKey(std::string_view event_id);
std::string OutcomePersonKey(std::string_view candidate_id, uint64_t seq);
std::string OutcomePersonPrefix(std::string_view candidate_id);
std::string OutcomeTrackKey(std::string_view track_id);
std::string OutcomeFollowUpKey(std::string_view placement_event_id, uint32_t months);
std::string OutcomeCancelKey(std::string_view event_id);
// An 8-byte big-endian seq as a value, and back (nullopt for another size).
std::string EncodeSeqValue(uint64_t seq);
std::optional<uint64_t> DecodeSeqValue(std::string_view value);

// ---- Tombstones ------------------------------------------------------------------------
// What is kept of a deleted candidate or vacancy (tombstone.h has the value). A vacancy's
// tombstone is named by its id; a candidate's by the keyed pseudonym of its id (32 hex
// digits, the same as the audit's, access/audit_log.h), never by the id itself, so that
// an erased person's id is kept nowhere. Storage does not compute pseudonyms: callers
// pass the name.
enum class TombstoneKind {
  kCandidate,  // name: the pseudonym of the candidate's id
  kVacancy,    // name: the vacancy's id
};
// "c" + name for a candidate, "v" + name for a vacancy.
std::string TombstoneKey(TombstoneKind kind, std::string_view name);

// ---- Meta ------------------------------------------------------------------------------
// The key of the meta value called `name`: the name's bytes. The view aliases `name`.
inline std::string_view MetaKey(std::string_view name) { return name; }

}  // namespace w2w::storage

#endif  // W2W_ENGINE_STORAGE_KEYS_H_
