// Drains one client stream of an import RPC into an Engine Importer. Shared by
// CandidateService::Import and VacancyService::Push; not part of the layer's API.
//
// Thread safety: one call, one thread (as the Importer).
#ifndef W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_
#define W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "grpcpp/support/status.h"
#include "service/call.h"
#include "service/status.h"
#include "w2w/v1/common.pb.h"

namespace w2w::service::internal {

// `status` with how far the import got appended, so that a client whose stream failed
// (e.g. RESOURCE_EXHAUSTED on a full disk) knows what is durable without a summary.
inline absl::Status WithProgress(const absl::Status& status, const Importer& importer) {
  return absl::Status(status.code(),
                      absl::StrCat(status.message(), " (import stopped after ",
                                   importer.summary().received(), " items; ",
                                   importer.summary().committed(),
                                   " committed in earlier batches are durable)"));
}

// Reads messages with `next` until the end of the stream, hands each record (taken out of
// the message by `take(message)`) to `importer`, and on a clean end of stream stores the
// importer's summary in `*summary`.
//
// Returns OK with the summary; CANCELLED when the client cancelled or the deadline passed
// mid-stream (batches committed before that stay committed; the partial batch is dropped
// and nothing is acknowledged); the importer's error (e.g. RESOURCE_EXHAUSTED on a full
// disk) with the progress note of WithProgress, translated by ToGrpcStatus. Per-item
// problems are in the summary, not the status.
template <typename Request, typename Take>
grpc::Status DrainImport(Importer& importer, IsCancelled cancelled, ReadNext<Request> next,
                         Take take, v1::ImportSummary* summary) {
  Request message;
  while (true) {
    if (cancelled()) break;
    message.Clear();
    if (!next(&message)) break;
    absl::Status added = importer.Add(take(message));
    if (!added.ok()) return ToGrpcStatus(WithProgress(added, importer));
  }
  // A stream that ended because the call broke is not a complete import: do not commit
  // the tail the client can no longer be told about.
  if (cancelled()) {
    return grpc::Status(
        grpc::StatusCode::CANCELLED,
        absl::StrCat("import cancelled (client cancelled or deadline passed) "
                     "after ",
                     importer.summary().received(), " items; ", importer.summary().committed(),
                     " were committed in earlier batches"));
  }
  absl::StatusOr<v1::ImportSummary> finished = importer.Finish();
  if (!finished.ok()) return ToGrpcStatus(WithProgress(finished.status(), importer));
  *summary = *std::move(finished);
  return grpc::Status::OK;
}

}  // namespace w2w::service::internal

#endif  // W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_
