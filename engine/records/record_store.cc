// RecordStore and WriteSet (record_store.h): typed reads and writes over storage::Store,
// the keys from storage/keys.h.
#include "engine/records/record_store.h"

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/status_macros.h"
#include "engine/storage/keys.h"

namespace w2w::records {
namespace {

using storage::Family;

// The family each record type lives in.
template <typename Record>
struct FamilyOf;
template <>
struct FamilyOf<v1::Candidate> {
  static constexpr Family kValue = Family::kCandidates;
};
template <>
struct FamilyOf<v1::Vacancy> {
  static constexpr Family kValue = Family::kVacancies;
};
template <typename Record>
constexpr Family kFamilyOf = FamilyOf<Record>::kValue;

// The kind of tombstone each record type leaves.
template <typename Record>
constexpr storage::TombstoneKind kTombstoneKindOf = std::is_same_v<Record, v1::Candidate>
                                                        ? storage::TombstoneKind::kCandidate
                                                        : storage::TombstoneKind::kVacancy;

template <typename Message>
bool ParseValue(std::string_view bytes, Message* out) {
  return out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

absl::Status NotParsed(Family family, std::string_view id, std::string_view type_name) {
  return absl::DataLossError(absl::StrCat("store: value of ", std::string(storage::FamilyName(family)),
                                          "/'", std::string(id), "' does not parse as ",
                                          std::string(type_name)));
}

// Parses a change-log value of a known kind.
template <typename Message>
absl::StatusOr<TaxonomyChangeValue> ParseChange(std::string_view value) {
  Message message;
  if (!ParseValue(value, &message)) return absl::DataLossError("value does not parse");
  return TaxonomyChangeValue(std::move(message));
}

absl::StatusOr<TaxonomyChangeValue> ParseChangeValue(const storage::ChangeKeyParts& key,
                                                     std::string_view value) {
  if (!key.kind.has_value()) {
    return absl::DataLossError(
        absl::StrCat("unknown change kind '", std::string(key.kind_name), "'"));
  }
  switch (*key.kind) {
    case storage::ChangeKind::kQualification: return ParseChange<v1::Qualification>(value);
    case storage::ChangeKind::kCluster: return ParseChange<v1::Cluster>(value);
    case storage::ChangeKind::kMunicipality: return ParseChange<v1::Municipality>(value);
    case storage::ChangeKind::kRegionAnchor:
      return ParseChange<v1::UpdateRegionAnchorRequest>(value);
  }
  return absl::DataLossError("unknown change kind");
}

absl::Status MalformedChangeKey() {
  return absl::DataLossError("store: malformed taxonomy change key");
}

}  // namespace

// ---- WriteSet --------------------------------------------------------------------------

void WriteSet::Put(const v1::Candidate& candidate) {
  batch_.Put(Family::kCandidates, storage::RecordKey(candidate.id()), candidate);
}

void WriteSet::Put(const v1::Vacancy& vacancy) {
  batch_.Put(Family::kVacancies, storage::RecordKey(vacancy.id()), vacancy);
}

template <typename Record>
void WriteSet::Delete(std::string_view id) {
  batch_.Delete(kFamilyOf<Record>, storage::RecordKey(id));
}
template void WriteSet::Delete<v1::Candidate>(std::string_view id);
template void WriteSet::Delete<v1::Vacancy>(std::string_view id);

template <typename Record>
void WriteSet::PutTombstone(std::string_view name, const storage::Tombstone& tombstone) {
  batch_.PutRaw(Family::kTombstones, storage::TombstoneKey(kTombstoneKindOf<Record>, name),
                storage::EncodeTombstone(tombstone));
}
template void WriteSet::PutTombstone<v1::Candidate>(std::string_view name,
                                                    const storage::Tombstone& tombstone);
template void WriteSet::PutTombstone<v1::Vacancy>(std::string_view name,
                                                  const storage::Tombstone& tombstone);

template <typename Record>
void WriteSet::DeleteTombstone(std::string_view name) {
  batch_.Delete(Family::kTombstones, storage::TombstoneKey(kTombstoneKindOf<Record>, name));
}
template void WriteSet::DeleteTombstone<v1::Candidate>(std::string_view name);
template void WriteSet::DeleteTombstone<v1::Vacancy>(std::string_view name);

void WriteSet::AddTaxonomyChange(uint64_t seq, const v1::Qualification& change) {
  batch_.Put(Family::kTaxonomy, storage::ChangeKey(seq, storage::ChangeKind::kQualification), change);
}
void WriteSet::AddTaxonomyChange(uint64_t seq, const v1::Cluster& change) {
  batch_.Put(Family::kTaxonomy, storage::ChangeKey(seq, storage::ChangeKind::kCluster), change);
}
void WriteSet::AddTaxonomyChange(uint64_t seq, const v1::Municipality& change) {
  batch_.Put(Family::kTaxonomy, storage::ChangeKey(seq, storage::ChangeKind::kMunicipality), change);
}
void WriteSet::AddTaxonomyChange(uint64_t seq, const v1::UpdateRegionAnchorRequest& change) {
  batch_.Put(Family::kTaxonomy, storage::ChangeKey(seq, storage::ChangeKind::kRegionAnchor), change);
}

void WriteSet::PutPolicy(const v1::Policy& policy) {
  batch_.Put(Family::kPolicies, storage::PolicyKey(policy.version()), policy);
}

// ---- RecordStore -----------------------------------------------------------------------

RecordStore::RecordStore(storage::Store* store) : store_(store) {}

template <typename Record>
absl::StatusOr<std::optional<Record>> RecordStore::Get(std::string_view id) const {
  Record record;
  ASSIGN_OR_RETURN(bool found, store_->Get(kFamilyOf<Record>, storage::RecordKey(id), &record));
  if (!found) return std::optional<Record>();
  return std::optional<Record>(std::move(record));
}
template absl::StatusOr<std::optional<v1::Candidate>> RecordStore::Get<v1::Candidate>(
    std::string_view id) const;
template absl::StatusOr<std::optional<v1::Vacancy>> RecordStore::Get<v1::Vacancy>(
    std::string_view id) const;

template <typename Record>
absl::Status RecordStore::MultiGet(absl::Span<const std::string_view> ids,
                                   std::vector<std::optional<Stored<Record>>>* out) const {
  // Record keys are the ids themselves (storage::RecordKey), so the ids serve as keys.
  std::vector<std::optional<std::string>> values;
  RETURN_IF_ERROR(store_->MultiGetRaw(kFamilyOf<Record>, ids, &values));
  out->clear();
  out->resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!values[i].has_value()) continue;
    Stored<Record>& stored = (*out)[i].emplace();
    stored.bytes = *std::move(values[i]);
    if (!ParseValue(stored.bytes, &stored.record)) {
      return NotParsed(kFamilyOf<Record>, ids[i], stored.record.GetTypeName());
    }
  }
  return absl::OkStatus();
}
template absl::Status RecordStore::MultiGet<v1::Candidate>(
    absl::Span<const std::string_view> ids,
    std::vector<std::optional<Stored<v1::Candidate>>>* out) const;
template absl::Status RecordStore::MultiGet<v1::Vacancy>(
    absl::Span<const std::string_view> ids,
    std::vector<std::optional<Stored<v1::Vacancy>>>* out) const;

template <typename Record>
absl::StatusOr<uint64_t> RecordStore::Scan(std::string_view after_id, uint64_t limit,
                                           const Visitor<Record>& visit) const {
  absl::Status parse_error;
  Record record;  // Reused: parsing clears it first.
  ASSIGN_OR_RETURN(
      uint64_t visited,
      store_->Scan(kFamilyOf<Record>, after_id.empty() ? "" : storage::RecordKeyAfter(after_id), "",
                   limit,
                   [&](std::string_view key, std::string_view value) {
                     if (!ParseValue(value, &record)) {
                       parse_error = NotParsed(kFamilyOf<Record>, key, record.GetTypeName());
                       return false;
                     }
                     return visit(record);
                   }));
  RETURN_IF_ERROR(parse_error);
  return visited;
}
template absl::StatusOr<uint64_t> RecordStore::Scan<v1::Candidate>(
    std::string_view after_id, uint64_t limit, const Visitor<v1::Candidate>& visit) const;
template absl::StatusOr<uint64_t> RecordStore::Scan<v1::Vacancy>(
    std::string_view after_id, uint64_t limit, const Visitor<v1::Vacancy>& visit) const;

template <typename Record>
absl::Status RecordStore::MultiGetTombstones(absl::Span<const std::string_view> names,
                                             std::vector<std::optional<storage::Tombstone>>* out) const {
  out->clear();
  if (names.empty()) return absl::OkStatus();
  std::vector<std::string> keys;
  keys.reserve(names.size());
  for (std::string_view name : names) keys.push_back(storage::TombstoneKey(kTombstoneKindOf<Record>, name));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::vector<std::optional<std::string>> values;
  RETURN_IF_ERROR(store_->MultiGetRaw(Family::kTombstones, views, &values));
  const absl::Time now = absl::Now();
  const absl::Duration retention = store_->options().tombstone_retention;
  out->resize(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    if (!values[i].has_value()) continue;
    std::optional<storage::Tombstone> tombstone = storage::DecodeTombstone(*values[i]);
    if (!tombstone.has_value()) {
      return absl::DataLossError(absl::StrCat("store: value of tombstones/'",
                                              absl::CHexEscape(keys[i]), "' is not a tombstone"));
    }
    if (!storage::TombstoneExpired(*tombstone, now, retention)) (*out)[i] = *tombstone;
  }
  return absl::OkStatus();
}
template absl::Status RecordStore::MultiGetTombstones<v1::Candidate>(
    absl::Span<const std::string_view> names, std::vector<std::optional<storage::Tombstone>>* out) const;
template absl::Status RecordStore::MultiGetTombstones<v1::Vacancy>(
    absl::Span<const std::string_view> names, std::vector<std::optional<storage::Tombstone>>* out) const;

absl::Status RecordStore::ScanTaxonomyChanges(
    const std::function<bool(const TaxonomyChange&)>& visit) const {
  absl::Status key_error;
  ASSIGN_OR_RETURN(uint64_t visited,
                   store_->Scan(Family::kTaxonomy, "", storage::ChangeLogPrefix(), 0,
                                [&](std::string_view key, std::string_view value) {
                                  std::optional<storage::ChangeKeyParts> parts =
                                      storage::ParseChangeKey(key);
                                  if (!parts.has_value()) {
                                    key_error = MalformedChangeKey();
                                    return false;
                                  }
                                  TaxonomyChange change{parts->seq, parts->kind_name,
                                                        ParseChangeValue(*parts, value)};
                                  return visit(change);
                                }));
  (void)visited;
  return key_error;
}

absl::StatusOr<uint64_t> RecordStore::LastTaxonomyChangeSeq() const {
  // The change log is the whole of its prefix range: its last key is the newest change.
  // The log holds one entry per administrator change (a few thousand at most), so a
  // key-only walk of it is cheap.
  std::string last_key;
  ASSIGN_OR_RETURN(uint64_t visited,
                   store_->Scan(Family::kTaxonomy, "", storage::ChangeLogPrefix(), 0,
                                [&](std::string_view key, std::string_view) {
                                  last_key.assign(key);
                                  return true;
                                }));
  if (visited == 0) return uint64_t{0};
  std::optional<storage::ChangeKeyParts> parts = storage::ParseChangeKey(last_key);
  if (!parts.has_value()) return MalformedChangeKey();
  return parts->seq;
}

absl::StatusOr<std::optional<v1::Policy>> RecordStore::GetPolicy(uint64_t version) const {
  v1::Policy policy;
  ASSIGN_OR_RETURN(bool found, store_->Get(Family::kPolicies, storage::PolicyKey(version), &policy));
  if (!found) return std::optional<v1::Policy>();
  return std::optional<v1::Policy>(std::move(policy));
}

absl::StatusOr<std::optional<v1::Policy>> RecordStore::LatestPolicy() const {
  ASSIGN_OR_RETURN(std::optional<std::string> last, store_->LastKey(Family::kPolicies));
  if (!last.has_value()) return std::optional<v1::Policy>();
  v1::Policy policy;
  ASSIGN_OR_RETURN(bool found, store_->Get(Family::kPolicies, *last, &policy));
  if (!found) return absl::InternalError("store: the newest policy vanished while reading it");
  return std::optional<v1::Policy>(std::move(policy));
}

absl::Status RecordStore::Commit(WriteSet& writes) { return store_->Write(writes.batch_); }

}  // namespace w2w::records
