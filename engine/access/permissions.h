// Permissions: the role table, checked by the Engine at the top of every method
// (docs/security.md, "Role table"); record-level scope is checked next to the data
// (Scope). One place says which role may do what:
//
//   action              admin   coach                    partner
//   kReadReference      yes     yes                      yes        server info, taxonomy, policy, WhoAmI
//   kReadRecords        all     in scope                 own source Get*, List*
//   kWriteRecords       all     no                       own source Upsert*, Delete*, CloseVacancy, imports
//   kMatch              all     vacancies in scope       own source Shortlist, MatchCandidate, ExplainMatch
//   kRematch            all     candidates in scope      no         StartRematch, GetRematch, ListRematches, CancelRematch
//   kChangeModel        yes     no                       no         SetPolicy, taxonomy changes
//   kManageAccess       yes     no                       no         tokens, audit, erasure, export
//   kRecordOutcomes     all     candidates in scope      own source RecordPlacement, RecordTrack, RecordFollowUp, CancelEvent, ImportEvents
//   kReadOutcomes       all     candidates/regions in scope own source ListEvents, GetReport, GetPlanRealised,
//                                                                       GetReadiness
//
// Thread safety: pure functions.
#ifndef W2W_ENGINE_ACCESS_PERMISSIONS_H_
#define W2W_ENGINE_ACCESS_PERMISSIONS_H_

#include <string_view>

#include "absl/status/status.h"
#include "engine/access/caller.h"

namespace w2w::access {

enum class Action {
  kReadReference,
  kReadRecords,
  kWriteRecords,
  kMatch,
  kRematch,
  kChangeModel,
  kManageAccess,
  kRecordOutcomes,
  kReadOutcomes,
  kOperate,  // Backups and other operations of the server itself.
};

// OK when the caller's role may take `action`; else PERMISSION_DENIED naming the role
// and what it would need, e.g. "coach 'anna' may not write records (admin or partner
// role needed)". `what` names the call for the message, e.g. "UpsertCandidate".
absl::Status Require(const Caller& caller, Action action, std::string_view what);

}  // namespace w2w::access

#endif  // W2W_ENGINE_ACCESS_PERMISSIONS_H_
