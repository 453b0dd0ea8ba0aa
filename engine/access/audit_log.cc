#include "engine/access/audit_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/access/secrets.h"
#include "engine/access/stored_key.h"
#include "engine/access/token_registry.h"
#include "engine/storage/keys.h"

namespace w2w::access {
namespace {

constexpr std::string_view kKeyName = "audit_pseudonym_key";
constexpr size_t kKeyBytes = 32;
constexpr absl::Duration kForgetAfter = absl::Minutes(1);
constexpr size_t kRetentionBatch = 10'000;
constexpr absl::string_view kErasedPrefix = "erased:";
// Ids per generation of the pseudonym cache: two generations of 32,768 ids hold about
// 4.5 MB and spare the writer an HMAC for every id read again within them.

uint64_t Micros(absl::Time t) { return static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMicros(t))); }

std::string FormatMicros(uint64_t micros) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(static_cast<int64_t>(micros)),
                          absl::UTCTimeZone());
}

absl::StatusOr<uint64_t> ParseTimeField(const std::string& text, std::string_view field, uint64_t empty) {
  if (text.empty()) return empty;
  std::optional<absl::Time> t = ParseRfc3339(text);
  if (!t) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": '", text,
                                                   "' is not an RFC 3339 time like 2026-12-01T00:00:00Z"));
  }
  return Micros(*t);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(storage::Store* store, AuditOptions options) {
  absl::StatusOr<std::string> key = LoadOrCreateKey(store, kKeyName, kKeyBytes);
  if (!key.ok()) return key.status();
  std::unique_ptr<AuditLog> log(new AuditLog(store, options, *std::move(key)));
  if (absl::StatusOr<uint64_t> gone = log->EnforceRetention(absl::Now()); !gone.ok()) return gone.status();
  log->writer_ = std::thread([raw = log.get()] { raw->WriterLoop(); });
  return log;
}

AuditLog::AuditLog(storage::Store* store, AuditOptions options, std::string key)
    : store_(store), options_(options), key_(std::move(key)), pseudonymizer_(key_) {}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (writer_.joinable()) writer_.join();
  (void)Flush();
}

// The precomputed HMAC states give KeyedPseudonym(key_, id) at a fraction of its cost:
// every new candidate's id is looked up among the tombstones under it.
std::string AuditLog::Pseudonym(std::string_view candidate_id) const { return pseudonymizer_.Hex(candidate_id); }

void AuditLog::Record(AccessRecord record) {
  const uint64_t micros = Micros(absl::Now());
  absl::MutexLock lock(&mu_);
  if (!erased_.empty()) {
    for (std::string& id : record.candidate_ids) {
      auto it = erased_.find(id);
      if (it != erased_.end()) id = it->second.first;
    }
  }
  queue_.push_back(Queued{micros, seq_++, std::move(record)});
}

std::string_view AuditLog::IndexPseudonymLocked(std::string_view id) {
  // An erased person is indexed under the pseudonym it carries.
  if (absl::StartsWith(absl::string_view(id.data(), id.size()), kErasedPrefix)) {
    return id.substr(kErasedPrefix.size());
  }
  pseudonymizer_.HexInto(id, pseudonym_.data());
  return std::string_view(pseudonym_.data(), pseudonym_.size());
}

absl::Status AuditLog::WriteEntries(const std::vector<Queued>& entries) {
  if (entries.empty()) return absl::OkStatus();
  // The audit family's memtable is a vector that appends and the store leaves a batch of
  // that family in the order given (storage/store.cc), so entries and their index keys
  // (which start with a random pseudonym) go in as they come.
  storage::Batch batch;
  v1::AccessEntry entry;  // Reused: its strings keep their capacity between entries.
  for (const Queued& queued : entries) {
    const AccessRecord& r = queued.record;
    const std::string stamp = storage::AuditStamp(queued.micros, queued.seq);
    // `at` is not stored: it is the stamp's time, which List() sets.
    entry.set_token_id(r.token_id);
    entry.set_token_name(r.token_name);
    entry.set_role(r.role);
    entry.set_rpc(r.rpc);
    entry.mutable_candidate_ids()->Assign(r.candidate_ids.begin(), r.candidate_ids.end());
    entry.set_vacancy_id(r.vacancy_id);
    entry.set_run_id(r.run_id);
    batch.Put(storage::Family::kAudit, storage::AuditEntryKey(stamp), entry);
    for (const std::string& id : r.candidate_ids) {
      batch.PutRaw(storage::Family::kAudit, storage::AuditCandidateKey(IndexPseudonymLocked(id), stamp), "");
    }
  }
  return store_->Write(batch);
}

absl::Status AuditLog::FlushLocked() {
  std::vector<Queued> entries;
  {
    absl::MutexLock lock(&mu_);
    entries.swap(queue_);
  }
  absl::Status status = WriteEntries(entries);
  if (!status.ok()) {
    // Keep them for the next attempt, in order, ahead of newer ones.
    absl::MutexLock lock(&mu_);
    entries.insert(entries.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.swap(entries);
    last_error_ = status;
  }
  return status;
}

absl::Status AuditLog::Flush() {
  absl::MutexLock write(&write_mu_);
  return FlushLocked();
}

void AuditLog::WriterLoop() {
  absl::Time next_retention = absl::Now() + options_.retention_interval;
  for (;;) {
    bool stop = false;
    {
      absl::MutexLock lock(&mu_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_; };
      mu_.AwaitWithTimeout(absl::Condition(&wake), options_.flush_interval);
      stop = stop_;
    }
    (void)Flush();
    if (stop) return;
    if (absl::Now() >= next_retention) {
      (void)EnforceRetention(absl::Now());
      next_retention = absl::Now() + options_.retention_interval;
    }
  }
}

absl::StatusOr<v1::ListAccessResponse> AuditLog::List(const v1::ListAccessRequest& request) const {
  uint32_t page = request.page_size() == 0 ? kDefaultAuditPage : request.page_size();
  if (page > kMaxAuditPage) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: ", page, " is over the maximum of ", kMaxAuditPage));
  }
  absl::StatusOr<uint64_t> from = ParseTimeField(request.from(), "from", 0);
  if (!from.ok()) return from.status();
  absl::StatusOr<uint64_t> to = ParseTimeField(request.to(), "to", UINT64_MAX);
  if (!to.ok()) return to.status();
  std::string after;  // The stamp of the last entry of the previous page.
  if (!request.page_token().empty()) {
    if (!absl::WebSafeBase64Unescape(request.page_token(), &after) || after.size() != 16) {
      return absl::InvalidArgumentError("page_token: not a next_page_token of ListAccess");
    }
  }
  const std::string first = after.empty() ? storage::AuditStamp(*from, 0) : after;
  const bool by_candidate = !request.candidate_id().empty();
  const std::string prefix = by_candidate ? storage::AuditCandidatePrefix(Pseudonym(request.candidate_id()))
                                          : std::string(storage::AuditEntryPrefix());
  v1::ListAccessResponse response;
  uint64_t examined = 0;
  bool more = false;
  std::string last;
  absl::Status error;
  absl::StatusOr<uint64_t> visited = store_->Scan(
      storage::Family::kAudit, prefix + first, prefix, 0, [&](std::string_view key, std::string_view value) {
        std::optional<std::string_view> stamp = storage::AuditStampOf(key);
        if (!stamp || stamp->size() != 16) return true;
        if (!after.empty() && *stamp <= after) return true;
        if (storage::AuditStampMicros(*stamp) >= *to) return false;
        if (static_cast<uint32_t>(response.entries_size()) == page || examined == kAuditScanBudget) {
          more = true;
          return false;
        }
        ++examined;
        last.assign(stamp->data(), stamp->size());
        v1::AccessEntry entry;
        if (by_candidate) {
          std::string bytes;
          absl::StatusOr<bool> found =
              store_->GetRaw(storage::Family::kAudit, storage::AuditEntryKey(*stamp), &bytes);
          if (!found.ok()) {
            error = found.status();
            return false;
          }
          if (!*found) return true;  // Deleted by the retention meanwhile.
          value = bytes;
          if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) return true;
        } else if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return true;
        }
        if (!request.token().empty() && entry.token_id() != request.token() && entry.token_name() != request.token()) {
          return true;
        }
        // Entries written since 2026-12 leave `at` to the stamp (older ones hold it).
        if (entry.at().empty()) entry.set_at(FormatMicros(storage::AuditStampMicros(*stamp)));
        *response.add_entries() = std::move(entry);
        return true;
      });
  if (!visited.ok()) return visited.status();
  if (!error.ok()) return error;
  if (more) response.set_next_page_token(absl::WebSafeBase64Escape(last));
  return response;
}

absl::StatusOr<uint64_t> AuditLog::ScrubCandidate(std::string_view candidate_id, storage::Batch* batch) {
  const std::string pseudonym = Pseudonym(candidate_id);
  const std::string replacement = absl::StrCat("erased:", pseudonym);
  const std::string id(candidate_id);
  absl::MutexLock write(&write_mu_);
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    for (auto it = erased_.begin(); it != erased_.end();) {
      if (now - it->second.second > kForgetAfter) {
        erased_.erase(it++);
      } else {
        ++it;
      }
    }
    erased_[id] = {replacement, now};
  }
  if (absl::Status s = FlushLocked(); !s.ok()) return s;
  uint64_t rewritten = 0;
  absl::Status error;
  const std::string prefix = storage::AuditCandidatePrefix(pseudonym);
  absl::StatusOr<uint64_t> visited =
      store_->Scan(storage::Family::kAudit, prefix, prefix, 0, [&](std::string_view key, std::string_view) {
        std::optional<std::string_view> stamp = storage::AuditStampOf(key);
        if (!stamp) return true;
        const std::string entry_key = storage::AuditEntryKey(*stamp);
        v1::AccessEntry entry;
        absl::StatusOr<bool> found = store_->Get(storage::Family::kAudit, entry_key, &entry);
        if (!found.ok()) {
          error = found.status();
          return false;
        }
        if (!*found) return true;
        bool changed = false;
        for (std::string& named : *entry.mutable_candidate_ids()) {
          if (named == id) {
            named = replacement;
            changed = true;
          }
        }
        if (changed) {
          batch->Put(storage::Family::kAudit, entry_key, entry);
          ++rewritten;
        }
        return true;
      });
  if (!visited.ok()) return visited.status();
  if (!error.ok()) return error;
  return rewritten;
}

absl::StatusOr<uint64_t> AuditLog::EnforceRetention(absl::Time now) {
  const uint64_t cutoff = Micros(now - options_.retention);
  absl::MutexLock write(&write_mu_);
  uint64_t gone = 0;
  for (;;) {
    storage::Batch batch;
    size_t in_batch = 0;
    bool more = false;
    absl::StatusOr<uint64_t> visited = store_->Scan(
        storage::Family::kAudit, storage::AuditEntryPrefix(), storage::AuditEntryPrefix(), 0,
        [&](std::string_view key, std::string_view value) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
          std::optional<std::string_view> stamp = storage::AuditStampOf(key);
          if (!stamp || storage::AuditStampMicros(*stamp) >= cutoff) return false;
          if (in_batch == kRetentionBatch) {
            more = true;
            return false;
          }
          v1::AccessEntry entry;
          if (entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            for (const std::string& id : entry.candidate_ids()) {
              batch.Delete(storage::Family::kAudit, storage::AuditCandidateKey(IndexPseudonymLocked(id), *stamp));
            }
          }
          batch.Delete(storage::Family::kAudit, key);
          ++in_batch;
          return true;
        });
    if (!visited.ok()) return visited.status();
    if (in_batch > 0) {
      if (absl::Status s = store_->Write(batch); !s.ok()) return s;
      gone += in_batch;
    }
    if (!more) return gone;
  }
}

}  // namespace w2w::access
