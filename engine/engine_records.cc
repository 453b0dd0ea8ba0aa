// Engine facade: single-record writes and reads of candidates and vacancies (upsert with
// optimistic versions and idempotence, get, delete (keeping a tombstone, internal/
// tombstones.h), close). Upserts are group-committed: concurrent callers queue in a
// WriteGroup (internal/write_group.h) and each group is committed by
// CommitRecordsLocked (internal/record_commit.h) with one store write.
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "engine/access/permissions.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_commit.h"
#include "engine/internal/read_in_scope.h"
#include "engine/internal/record_ops.h"
#include "engine/internal/tombstones.h"
#include "engine/internal/write_group.h"
#include "engine/records/record_store.h"

namespace w2w {

namespace {

using internal::RecordTraits;

// A stored record the caller may change, read under writer_mu; NOT_FOUND (as for an
// unknown id) for one of another source. For a record that is not stored:
// internal::MissingRecord (FAILED_PRECONDITION "deleted at version N" when the request
// expects a version of a deleted record, else NOT_FOUND).
template <typename Record>
absl::StatusOr<Record> GetWritableLocked(internal::EngineState& state, const access::Caller& caller,
                                         std::string_view id, uint64_t expected_version)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.writer_mu) {
  ASSIGN_OR_RETURN(std::optional<Record> stored, state.records->Get<Record>(id));
  if (!stored.has_value()) {
    return internal::MissingRecord<Record>(state, id, expected_version, "expected_version");
  }
  if (!state.ScopeOf(caller)->MayWriteSource(stored->source())) {
    return internal::NotFound(RecordTraits<Record>::kName, id);
  }
  return *std::move(stored);
}

// Writes `record` (canonical, with the new version set) and applies it to the index.
template <typename Record>
absl::Status CommitLocked(internal::EngineState& state, const Record& record)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.writer_mu) {
  records::WriteSet writes;
  writes.Put(record);
  RETURN_IF_ERROR(state.records->Commit(writes));
  RecordTraits<Record>::Index(*state.matcher, record);
  return absl::OkStatus();
}

template <typename Record>
internal::WriteGroup<internal::PendingUpsert<Record>>& Upserts(internal::EngineState& state) {
  if constexpr (std::is_same_v<Record, v1::Candidate>) {
    return state.candidate_upserts;
  } else {
    return state.vacancy_upserts;
  }
}

// Commits one group of queued upserts (the WriteGroup leader calls it) with one store
// write, and records each caller's outcome in its PendingUpsert.
template <typename Record>
void CommitUpsertGroup(internal::EngineState& state,
                       absl::Span<internal::PendingUpsert<Record>* const> group) {
  std::vector<Record*> records;
  std::vector<bool> source_locked;
  records.reserve(group.size());
  source_locked.reserve(group.size());
  for (internal::PendingUpsert<Record>* pending : group) {
    records.push_back(&pending->record);
    source_locked.push_back(pending->source_locked);
  }
  std::vector<internal::CommitResult<Record>> results;
  // Unchanged upserts answer with the record they matched; copied aside because the
  // records must not change while the commit looks at them.
  std::vector<std::pair<size_t, Record>> matched;
  absl::Status status;
  {
    absl::MutexLock lock(&state.writer_mu);
    status = internal::CommitRecordsLocked<Record>(
        state, records, &results,
        [&matched](size_t i, const Record& current) { matched.emplace_back(i, current); }, source_locked);
  }
  for (size_t i = 0; i < group.size(); ++i) {
    internal::PendingUpsert<Record>& pending = *group[i];
    if (!status.ok()) {
      pending.status = status;  // Nothing of the group was written.
      continue;
    }
    pending.changed = results[i].outcome == internal::CommitOutcome::kChanged;
    if (results[i].outcome == internal::CommitOutcome::kRejected) pending.status = results[i].status;
  }
  if (status.ok()) {
    for (auto& [i, record] : matched) group[i]->record = std::move(record);
  }
}

template <typename Record>
absl::StatusOr<std::pair<Record, bool>> UpsertRecord(internal::EngineState& state, const access::Caller& caller,
                                                     Record record, std::string_view what) {
  using Traits = RecordTraits<Record>;
  RETURN_IF_ERROR(access::Require(caller, access::Action::kWriteRecords, what));
  bool source_locked = false;
  RETURN_IF_ERROR(internal::ClaimForWriter(caller, &record, &source_locked));
  RETURN_IF_ERROR(Traits::Canonicalize(*state.taxonomy(), &record, Traits::kName));
  internal::PendingUpsert<Record> pending{std::move(record)};
  pending.source_locked = source_locked;
  Upserts<Record>(state).Run(&pending,
                            [&state](absl::Span<internal::PendingUpsert<Record>* const> group) {
                              CommitUpsertGroup<Record>(state, group);
                            });
  RETURN_IF_ERROR(pending.status);
  return std::make_pair(std::move(pending.record), pending.changed);
}

template <typename Record>
absl::StatusOr<uint64_t> DeleteRecord(internal::EngineState& state, const access::Caller& caller,
                                      std::string_view id, uint64_t expected_version, std::string_view what) {
  using Traits = RecordTraits<Record>;
  RETURN_IF_ERROR(access::Require(caller, access::Action::kWriteRecords, what));
  RETURN_IF_ERROR(validate::ValidateId(id, "id"));
  absl::MutexLock lock(&state.writer_mu);
  ASSIGN_OR_RETURN(std::optional<Record> stored, GetWritableLocked<Record>(state, caller, id, expected_version));
  if (expected_version != 0 && expected_version != stored->version()) {
    return internal::Stale("expected_version", expected_version, stored->version());
  }
  // The record and its tombstone in one atomic write: after a crash either the record is
  // there or the tombstone is.
  records::WriteSet writes;
  writes.Delete<Record>(id);
  writes.PutTombstone<Record>(internal::TombstoneName<Record>(state, id), internal::TombstoneNow(stored->version()));
  RETURN_IF_ERROR(state.records->Commit(writes));
  Traits::Unindex(*state.matcher, id);
  return stored->version();
}

}  // namespace

// ---- Candidates ------------------------------------------------------------------------

absl::StatusOr<Engine::CandidateWrite> Engine::UpsertCandidate(const access::Caller& caller,
                                                               v1::Candidate candidate) {
  ASSIGN_OR_RETURN(auto written, UpsertRecord(*state_, caller, std::move(candidate), "UpsertCandidate"));
  return CandidateWrite{std::move(written.first), written.second};
}

absl::StatusOr<v1::Candidate> Engine::GetCandidate(const access::Caller& caller, std::string_view id) const {
  ASSIGN_OR_RETURN(v1::Candidate candidate, internal::ReadInScope<v1::Candidate>(*state_, caller, id, "GetCandidate"));
  state_->RecordAccess(caller, "GetCandidate", std::vector<std::string_view>{candidate.id()});
  return candidate;
}

absl::StatusOr<uint64_t> Engine::DeleteCandidate(const access::Caller& caller, std::string_view id,
                                                 uint64_t expected_version) {
  return DeleteRecord<v1::Candidate>(*state_, caller, id, expected_version, "DeleteCandidate");
}

// ---- Vacancies -------------------------------------------------------------------------

absl::StatusOr<Engine::VacancyWrite> Engine::UpsertVacancy(const access::Caller& caller, v1::Vacancy vacancy) {
  ASSIGN_OR_RETURN(auto written, UpsertRecord(*state_, caller, std::move(vacancy), "UpsertVacancy"));
  return VacancyWrite{std::move(written.first), written.second};
}

absl::StatusOr<v1::Vacancy> Engine::GetVacancy(const access::Caller& caller, std::string_view id) const {
  return internal::ReadInScope<v1::Vacancy>(*state_, caller, id, "GetVacancy");
}

absl::StatusOr<uint64_t> Engine::DeleteVacancy(const access::Caller& caller, std::string_view id,
                                               uint64_t expected_version) {
  return DeleteRecord<v1::Vacancy>(*state_, caller, id, expected_version, "DeleteVacancy");
}

absl::StatusOr<v1::Vacancy> Engine::CloseVacancy(const access::Caller& caller,
                                                 const v1::CloseVacancyRequest& request) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kWriteRecords, "CloseVacancy"));
  RETURN_IF_ERROR(validate::ValidateId(request.id(), "id"));
  v1::VacancyStatus target = request.status();
  if (target == v1::VACANCY_STATUS_UNSPECIFIED) target = v1::VACANCY_STATUS_CLOSED;
  if (target != v1::VACANCY_STATUS_FILLED && target != v1::VACANCY_STATUS_CLOSED) {
    return absl::InvalidArgumentError(
        "status: must be VACANCY_STATUS_FILLED or VACANCY_STATUS_CLOSED");
  }
  absl::MutexLock lock(&state_->writer_mu);
  ASSIGN_OR_RETURN(std::optional<v1::Vacancy> stored,
                   GetWritableLocked<v1::Vacancy>(*state_, caller, request.id(), request.expected_version()));
  if (request.expected_version() != 0 && request.expected_version() != stored->version()) {
    return internal::Stale("expected_version", request.expected_version(), stored->version());
  }
  if (stored->status() == target) return *std::move(stored);  // Already closed so: no-op.
  v1::Vacancy vacancy = *std::move(stored);
  vacancy.set_status(target);
  vacancy.set_version(vacancy.version() + 1);
  vacancy.set_updated_at(NowRfc3339());
  RETURN_IF_ERROR(CommitLocked(*state_, vacancy));
  return vacancy;
}

}  // namespace w2w
