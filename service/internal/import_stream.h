// Drains one client stream of an import RPC into an Engine Importer. Shared by
// CandidateService::Import and VacancyService::Push; not part of the layer's API.
//
// Thread safety: one call, one thread (as the Importer).
#ifndef W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_
#define W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/engine.h"
#include "google/protobuf/repeated_ptr_field.h"
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

// Hands the records of stream message number `message_number` (0-based) to `importer`:
// the single record `*one` when `has_one`, else every record of `*many` in order (moved
// out of the message). A message with both or neither is INVALID_ARGUMENT naming
// `many_field` (e.g. "candidates: ..."). Other errors are the importer's (stream-level).
template <typename Record>
absl::Status AddRecords(Importer& importer, uint64_t message_number, bool has_one, Record* one,
                        google::protobuf::RepeatedPtrField<Record>* many,
                        absl::string_view one_field, absl::string_view many_field) {
  if (has_one == !many->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        many_field, ": stream message ", message_number, " sets ",
        has_one ? "both " : "neither ", one_field, has_one ? " and " : " nor ", many_field,
        "; set exactly one of them"));
  }
  if (has_one) return importer.Add(std::move(*one));
  for (Record& record : *many) {
    absl::Status added = importer.Add(std::move(record));
    if (!added.ok()) return added;
  }
  return absl::OkStatus();
}

// Reads messages with `next` until the end of the stream, hands the records of each to
// `importer` with `add(importer, message_number, &message)` (AddRecords with the
// message's fields), and on a clean end of stream stores the importer's summary in
// `*summary`.
//
// Returns OK with the summary; CANCELLED when the client cancelled or the deadline passed
// mid-stream (batches committed before that stay committed; the partial batch is dropped
// and nothing is acknowledged); INVALID_ARGUMENT for a malformed message (see
// AddRecords) and the importer's error (e.g. RESOURCE_EXHAUSTED on a full disk), both
// with the progress note of WithProgress, translated by ToGrpcStatus. Per-item problems
// are in the summary, not the status.
template <typename Request, typename Add>
grpc::Status DrainImport(Importer& importer, IsCancelled cancelled, ReadNext<Request> next,
                         Add add, v1::ImportSummary* summary) {
  Request message;
  for (uint64_t message_number = 0;; ++message_number) {
    if (cancelled()) break;
    message.Clear();
    if (!next(&message)) break;
    absl::Status added = add(importer, message_number, &message);
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
