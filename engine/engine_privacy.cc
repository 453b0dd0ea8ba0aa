// Engine facade: the access audit (AuditService) and the privacy rights (PrivacyService).
// An erasure is one atomic store write: the candidate's record goes (leaving a tombstone
// under its pseudonym with the last version and the time only), and the stored
// rematch results, run selections and audit entries that name the person are rewritten
// with its keyed pseudonym; only then is it removed from the index (a crash before the
// write leaves everything, after it nothing: the index is rebuilt from the store).
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/access/permissions.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_ops.h"
#include "engine/internal/tombstones.h"
#include "engine/records/record_store.h"
#include "engine/rematch/run_store.h"
#include "engine/validate/validate.h"
#include "google/protobuf/util/json_util.h"

namespace w2w {
namespace {

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

}  // namespace

absl::StatusOr<v1::ListAccessResponse> Engine::ListAccess(const access::Caller& caller,
                                                          const v1::ListAccessRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kManageAccess, "ListAccess"));
  // What the log has queued is part of the answer.
  RETURN_IF_ERROR(state_->audit->Flush());
  return state_->audit->List(request);
}

absl::StatusOr<v1::EraseCandidateResponse> Engine::EraseCandidate(const access::Caller& caller,
                                                                  const v1::EraseCandidateRequest& request) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kManageAccess, "EraseCandidate"));
  RETURN_IF_ERROR(validate::ValidateId(request.id(), "id"));
  const std::string& id = request.id();
  v1::EraseCandidateResponse response;
  response.set_id(id);
  response.set_pseudonym(state_->audit->Pseudonym(id));
  const std::string replacement = absl::StrCat("erased:", response.pseudonym());
  {
    absl::MutexLock lock(&state_->writer_mu);
    ASSIGN_OR_RETURN(std::optional<v1::Candidate> stored, state_->records->GetCandidate(id));
    if (!stored.has_value()) return internal::NotFound("candidate", id);
    if (state_->rematch->AnyRunning()) {
      return absl::FailedPreconditionError(
          "id: a rematch run is running and may name the person; erase once it has finished");
    }
    records::WriteSet writes;
    writes.Delete<v1::Candidate>(id);
    // The tombstone keeps the version sequence (a partner's stale write cannot land on a
    // re-created record) and holds nothing personal: it is named by the pseudonym, not
    // the id, and holds the last version and the time only.
    writes.PutTombstone<v1::Candidate>(internal::TombstoneName<v1::Candidate>(*state_, id),
                                       internal::TombstoneNow(stored->version()));
    ASSIGN_OR_RETURN(rematch::ScrubCounts scrubbed,
                     rematch::ScrubPerson(*state_->store, id, replacement, writes.mutable_batch()));
    ASSIGN_OR_RETURN(uint64_t audit_entries, state_->audit->ScrubCandidate(id, writes.mutable_batch()));
    ASSIGN_OR_RETURN(uint64_t events, state_->outcomes->StageErase(id, replacement, writes.mutable_batch()));
    RETURN_IF_ERROR(state_->records->Commit(writes));
    state_->matcher->RemoveCandidate(id);
    state_->outcomes->ErasedPublished(id, replacement);
    response.set_outcome_events_scrubbed(events);
    response.set_rematch_results_scrubbed(scrubbed.results);
    response.set_rematch_runs_scrubbed(scrubbed.runs);
    response.set_audit_entries_scrubbed(audit_entries);
  }
  state_->RecordAccess(caller, "EraseCandidate", std::vector<std::string>{replacement});
  return response;
}

absl::StatusOr<v1::ExportCandidateResponse> Engine::ExportCandidate(const access::Caller& caller,
                                                                    const v1::ExportCandidateRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kManageAccess, "ExportCandidate"));
  RETURN_IF_ERROR(validate::ValidateId(request.id(), "id"));
  ASSIGN_OR_RETURN(std::optional<v1::Candidate> stored, state_->records->GetCandidate(request.id()));
  if (!stored.has_value()) return internal::NotFound("candidate", request.id());
  // The export itself is the newest access: recorded first, so it is listed too.
  state_->RecordAccess(caller, "ExportCandidate", std::vector<std::string>{request.id()});
  RETURN_IF_ERROR(state_->audit->Flush());

  std::vector<std::string> results;
  RETURN_IF_ERROR(rematch::ForEachResultOf(
      *state_->store, request.id(), [&](std::string_view run_id, const v1::PersonResult& result) {
        results.push_back(absl::StrCat("{\"run_id\":\"", std::string(run_id), "\",\"result\":", Json(result), "}"));
      }));
  std::vector<std::string> access;
  v1::ListAccessRequest list;
  list.set_candidate_id(request.id());
  list.set_page_size(access::kMaxAuditPage);
  for (;;) {
    ASSIGN_OR_RETURN(v1::ListAccessResponse page, state_->audit->List(list));
    for (const v1::AccessEntry& entry : page.entries()) access.push_back(Json(entry));
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  std::vector<std::string> events;
  ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, state_->outcomes->SeqsOfPerson(request.id()));
  for (uint64_t seq : seqs) {
    ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> event, state_->outcomes->EventAt(seq));
    if (event.has_value()) events.push_back(Json(*event));
  }
  v1::ExportCandidateResponse response;
  response.set_json(absl::StrCat("{\"candidate\":", Json(*stored), ",\"rematch_results\":[",
                                 absl::StrJoin(results, ","), "],\"outcome_events\":[", absl::StrJoin(events, ","),
                                 "],\"access\":[", absl::StrJoin(access, ","), "]}"));
  return response;
}

}  // namespace w2w
