// Key encodings of every family (keys.h) and family names (store.h).
#include "engine/storage/keys.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/storage/store.h"

namespace w2w::storage {
namespace {

constexpr size_t kUint64KeyBytes = 8;
constexpr std::string_view kChangeLogPrefix = "change/";
constexpr char kChangeKindSeparator = '/';
// Ends the run id in a result key; ids never contain it, so one run's keys are a prefix
// range that no other run's keys fall into.
constexpr char kRunIdTerminator = '\0';

constexpr ChangeKind kAllChangeKinds[] = {ChangeKind::kQualification, ChangeKind::kCluster,
                                          ChangeKind::kMunicipality, ChangeKind::kRegionAnchor};

}  // namespace

std::string_view FamilyName(Family family) {
  switch (family) {
    case Family::kCandidates: return "candidates";
    case Family::kVacancies: return "vacancies";
    case Family::kPolicies: return "policies";
    case Family::kTaxonomy: return "taxonomy";
    case Family::kRematchRuns: return "rematch_runs";
    case Family::kRematchResults: return "rematch_results";
    case Family::kMeta: return "meta";
    case Family::kTokens: return "tokens";
    case Family::kAudit: return "audit";
    case Family::kOutcomes: return "outcomes";
    case Family::kTombstones: return "tombstones";
  }
  return "unknown";
}

std::string EncodeUint64Key(uint64_t value) {
  std::string key(kUint64KeyBytes, '\0');
  for (int i = static_cast<int>(kUint64KeyBytes) - 1; i >= 0; --i) {
    key[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return key;
}

uint64_t DecodeUint64Key(std::string_view key) {
  uint64_t value = 0;
  for (size_t i = 0; i < kUint64KeyBytes; ++i) {
    value = (value << 8) | static_cast<unsigned char>(key[i]);
  }
  return value;
}

std::string RecordKeyAfter(std::string_view id) {
  std::string key(RecordKey(id));
  key.push_back('\0');  // Every longer key with this prefix sorts after; nothing between.
  return key;
}

std::string PolicyKey(uint64_t version) { return EncodeUint64Key(version); }

std::optional<uint64_t> ParsePolicyKey(std::string_view key) {
  if (key.size() != kUint64KeyBytes) return std::nullopt;
  return DecodeUint64Key(key);
}

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kQualification: return "qualification";
    case ChangeKind::kCluster: return "cluster";
    case ChangeKind::kMunicipality: return "municipality";
    case ChangeKind::kRegionAnchor: return "region_anchor";
  }
  return "unknown";
}

std::string_view ChangeLogPrefix() { return kChangeLogPrefix; }

std::string ChangeKey(uint64_t seq, ChangeKind kind) {
  const std::string_view name = ChangeKindName(kind);
  std::string key;
  key.reserve(kChangeLogPrefix.size() + kUint64KeyBytes + 1 + name.size());
  key.append(kChangeLogPrefix);
  key.append(EncodeUint64Key(seq));
  key.push_back(kChangeKindSeparator);
  key.append(name);
  return key;
}

std::optional<ChangeKeyParts> ParseChangeKey(std::string_view key) {
  // prefix + 8-byte seq + '/' + a kind of at least one byte.
  if (key.size() < kChangeLogPrefix.size() + kUint64KeyBytes + 2 ||
      key.substr(0, kChangeLogPrefix.size()) != kChangeLogPrefix ||
      key[kChangeLogPrefix.size() + kUint64KeyBytes] != kChangeKindSeparator) {
    return std::nullopt;
  }
  ChangeKeyParts parts;
  parts.seq = DecodeUint64Key(key.substr(kChangeLogPrefix.size()));
  parts.kind_name = key.substr(kChangeLogPrefix.size() + kUint64KeyBytes + 1);
  for (ChangeKind kind : kAllChangeKinds) {
    if (ChangeKindName(kind) == parts.kind_name) parts.kind = kind;
  }
  return parts;
}

std::string RematchResultsPrefix(std::string_view run_id) {
  std::string prefix(run_id);
  prefix.push_back(kRunIdTerminator);
  return prefix;
}

std::string RematchResultKey(std::string_view run_id, uint64_t index) {
  std::string key = RematchResultsPrefix(run_id);
  key.append(EncodeUint64Key(index));
  return key;
}

std::optional<uint64_t> ParseRematchResultKey(std::string_view run_id, std::string_view key) {
  if (key.size() != run_id.size() + 1 + kUint64KeyBytes || key.substr(0, run_id.size()) != run_id ||
      key[run_id.size()] != kRunIdTerminator) {
    return std::nullopt;
  }
  return DecodeUint64Key(key.substr(run_id.size() + 1));
}

std::string AuditStamp(uint64_t micros, uint64_t seq) { return EncodeUint64Key(micros) + EncodeUint64Key(seq); }
std::string AuditEntryKey(std::string_view stamp) { return std::string(AuditEntryPrefix()) + std::string(stamp); }
std::string_view AuditEntryPrefix() { return "e"; }
std::string AuditCandidateKey(std::string_view pseudonym, std::string_view stamp) {
  return AuditCandidatePrefix(pseudonym) + std::string(stamp);
}
std::string AuditCandidatePrefix(std::string_view pseudonym) { return "c" + std::string(pseudonym); }
std::optional<std::string_view> AuditStampOf(std::string_view key) {
  constexpr size_t kStamp = 16;
  if (key.size() < kStamp + 1) return std::nullopt;
  return key.substr(key.size() - kStamp);
}
uint64_t AuditStampMicros(std::string_view stamp) { return DecodeUint64Key(stamp); }

std::string OutcomeEventKey(uint64_t seq) { return "q" + EncodeUint64Key(seq); }
std::string_view OutcomeEventPrefix() { return "q"; }
std::optional<uint64_t> ParseOutcomeEventKey(std::string_view key) {
  if (key.size() != 9 || key[0] != 'q') return std::nullopt;
  return DecodeUint64Key(key.substr(1));
}
std::string OutcomeIdKey(std::string_view event_id) { return "e" + std::string(event_id); }
std::string OutcomePersonKey(std::string_view candidate_id, uint64_t seq) {
  return OutcomePersonPrefix(candidate_id) + EncodeUint64Key(seq);
}
std::string OutcomePersonPrefix(std::string_view candidate_id) {
  return "p" + std::string(candidate_id) + std::string(1, '\0');
}
std::string OutcomeTrackKey(std::string_view track_id) { return "t" + std::string(track_id); }
std::string OutcomeFollowUpKey(std::string_view placement_event_id, uint32_t months) {
  return "f" + std::string(placement_event_id) + std::string(1, '\0') + std::string(1, static_cast<char>(months));
}
std::string OutcomeCancelKey(std::string_view event_id) { return "x" + std::string(event_id); }
std::string TombstoneKey(TombstoneKind kind, std::string_view name) {
  std::string key(kind == TombstoneKind::kCandidate ? "c" : "v");
  key.append(name);
  return key;
}

std::string EncodeSeqValue(uint64_t seq) { return EncodeUint64Key(seq); }
std::optional<uint64_t> DecodeSeqValue(std::string_view value) {
  if (value.size() != 8) return std::nullopt;
  return DecodeUint64Key(value);
}

}  // namespace w2w::storage
