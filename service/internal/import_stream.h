// Drains one client stream of an import RPC into an Engine Importer. Shared by
// CandidateService::ImportCandidates and VacancyService::PushVacancies (run on a
// WorkerPool thread by ImportReactor, import_reactor.h); not part of the layer's API.
//
// The stream is read as raw messages (grpc::ByteBuffer) and parsed here, so that a
// message that does not parse (a string field that is not valid UTF-8, or no protobuf at
// all) rejects only its items, by index and field, instead of ending the stream; see
// service/message_parse.h for why the generated reader cannot do that.
//
// Thread safety: one call, one thread (as the Importer).
#ifndef W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_
#define W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/engine.h"
#include "engine/validate/limits.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "grpcpp/support/byte_buffer.h"
#include "service/call.h"
#include "service/message_parse.h"
#include "w2w/v1/common.pb.h"

namespace w2w::service::internal {


// Items of a stream that could not be read as records, at their place in the stream's
// item numbering. The Importer numbers only the items it is given; MergeInto puts these
// back between them.
class UnreadableItems {
 public:
  // Records the item with stream index `index` (0-based, in increasing order across calls)
  // as rejected with INVALID_ARGUMENT `status`; `id` as far as it could be read.
  void Add(uint64_t index, std::string id, const absl::Status& status,
           absl::string_view record_name) {
    v1::ItemError error;
    error.set_index(static_cast<uint32_t>(index));
    error.set_id(std::move(id));
    const absl::string_view message = status.message();
    absl::string_view field = message.substr(0, message.find(": "));
    if (field.size() == message.size()) field = {};
    const std::string prefix = absl::StrCat(record_name, ".");
    if (absl::StartsWith(field, prefix)) field.remove_prefix(prefix.size());
    error.set_field(std::string(field));
    error.set_code(absl::StatusCodeToString(status.code()));
    error.set_message(std::string(message));
    errors_.push_back(std::move(error));
  }

  uint64_t count() const { return errors_.size(); }

  // Items received so far: the importer's and these.
  uint64_t Received(const Importer& importer) const {
    return importer.summary().received() + count();
  }

  // Merges these items into `*summary`, the importer's: counts them as received and
  // rejected, renumbers the importer's errors to stream indices and lists all errors in
  // stream order, at most validate::kMaxListedItemErrors. Precondition: summary != nullptr.
  void MergeInto(v1::ImportSummary* summary) const {
    if (errors_.empty()) return;
    summary->set_received(summary->received() + count());
    summary->set_rejected(summary->rejected() + count());
    std::vector<v1::ItemError> merged;
    merged.reserve(static_cast<size_t>(summary->errors_size()) + errors_.size());
    size_t u = 0;  // Unreadable items placed so far, all before the current stream index.
    for (v1::ItemError& error : *summary->mutable_errors()) {
      // Importer item k is stream item k + (unreadable items before it).
      while (u < errors_.size() && errors_[u].index() <= error.index() + u) {
        merged.push_back(errors_[u++]);
      }
      error.set_index(static_cast<uint32_t>(error.index() + u));
      merged.push_back(std::move(error));
    }
    while (u < errors_.size()) merged.push_back(errors_[u++]);
    if (merged.size() > static_cast<size_t>(validate::kMaxListedItemErrors)) {
      merged.resize(static_cast<size_t>(validate::kMaxListedItemErrors));
    }
    summary->clear_errors();
    for (v1::ItemError& error : merged) *summary->add_errors() = std::move(error);
  }

 private:
  std::vector<v1::ItemError> errors_;
};

// `status` with how far the import got appended, so that a client whose stream failed
// (e.g. RESOURCE_EXHAUSTED on a full disk) knows what is durable without a summary.
inline absl::Status WithProgress(const absl::Status& status, const Importer& importer,
                                 const UnreadableItems& unreadable) {
  return absl::Status(status.code(), absl::StrCat(status.message(), " (import stopped after ",
                                                  unreadable.Received(importer), " items; ",
                                                  importer.summary().committed(),
                                                  " committed in earlier batches are durable)"));
}

// RESOURCE_EXHAUSTED for stream message number `message_number`, whose `in_message` items
// would take a stream that carried `received` items past `max_items` (--max_stream_items).
inline absl::Status StreamTooLong(uint64_t message_number, uint64_t received, uint64_t in_message,
                                  uint64_t max_items) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "import stream over --max_stream_items (", max_items, " items per stream): stream message ",
      message_number, " brings ", in_message, " more item(s) after ", received,
      "; send the rest in another stream"));
}

// INVALID_ARGUMENT for a stream message that sets both or neither of its fields.
inline absl::Status BothOrNeither(uint64_t message_number, bool has_one,
                                  absl::string_view one_field, absl::string_view many_field) {
  return absl::InvalidArgumentError(absl::StrCat(
      many_field, ": stream message ", message_number, " sets ", has_one ? "both " : "neither ",
      one_field, has_one ? " and " : " nor ", many_field, "; set exactly one of them"));
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
    return BothOrNeither(message_number, has_one, one_field, many_field);
  }
  if (has_one) return importer.Add(std::move(*one));
  for (Record& record : *many) {
    absl::Status added = importer.Add(std::move(record));
    if (!added.ok()) return added;
  }
  return absl::OkStatus();
}

// The slow path for a stream message that did not parse as a whole: splits it into the
// wire bytes of its records and parses each on its own, so that only the records that do
// not parse are rejected (into `*unreadable`, naming the field when protobuf said which).
// When the message's wire format itself is broken, the records read before the damage
// are kept and the rest of the message counts as one unreadable item. Errors as
// AddRecords, and StreamTooLong (nothing of the message added) when its items would take
// the stream past `max_items`.
template <typename Request, typename Record>
absl::Status AddSalvagedRecords(Importer& importer, uint64_t message_number,
                                grpc::ByteBuffer* buffer,
                                const google::protobuf::FieldDescriptor& one,
                                const google::protobuf::FieldDescriptor& many,
                                UnreadableItems* unreadable, uint64_t max_items) {
  const absl::string_view record_name = one.name();
  WireItems wire = SplitWireItems(buffer, static_cast<uint32_t>(one.number()),
                                  static_cast<uint32_t>(many.number()));
  if (wire.has_field && wire.has_other_field) {
    return BothOrNeither(message_number, true, one.name(), many.name());
  }
  if (wire.items.empty() && wire.complete) {
    return BothOrNeither(message_number, false, one.name(), many.name());
  }
  const uint64_t received = unreadable->Received(importer);
  const uint64_t in_message = wire.items.size() + (wire.complete ? 0 : 1);
  if (in_message > max_items - std::min(max_items, received)) {
    return StreamTooLong(message_number, received, in_message, max_items);
  }
  // Records name themselves by `id`; outcome events by `event_id`.
  const google::protobuf::FieldDescriptor* id_field = Record::descriptor()->FindFieldByName("id");
  if (id_field == nullptr) id_field = Record::descriptor()->FindFieldByName("event_id");
  const int id_number = id_field != nullptr ? id_field->number() : 1;
  for (std::string& bytes : wire.items) {
    Record record;
    absl::Status parsed = ParseMessage(bytes, &record);
    if (parsed.ok()) {
      absl::Status added = importer.Add(std::move(record));
      if (!added.ok()) return added;
    } else {
      unreadable->Add(unreadable->Received(importer),
                      PeekStringField(bytes, static_cast<uint32_t>(id_number), validate::kMaxIdBytes),
                      parsed, record_name);
    }
  }
  if (!wire.complete) {
    unreadable->Add(unreadable->Received(importer), "",
                    absl::InvalidArgumentError(absl::StrCat(
                        "stream message ", message_number, " does not parse as ",
                        Request::descriptor()->full_name(), " after ", wire.items.size(),
                        " readable item(s); the rest of that message counts as this one item")),
                    record_name);
  }
  return absl::OkStatus();
}

// Reads raw messages with `next` until the end of the stream and parses each as a
// `Request` whose field `one_field` holds one `Record` and `many_field` several. Hands the
// records of a message that parses to `importer` with `add(importer, message_number,
// &message)` (AddRecords with the message's fields); those of a message that does not
// parse with AddSalvagedRecords. On a clean end of stream stores the importer's summary,
// with the unreadable items merged in, in `*summary`.
//
// A message whose items would take the stream past `max_items` items (counting unreadable
// ones) ends it with RESOURCE_EXHAUSTED naming --max_stream_items, none of its items
// added; every message carries at least one item, so this bounds the messages too.
//
// Returns OK with the summary; CANCELLED when the client cancelled, the deadline passed or
// the call broke mid-stream (e.g. a message over the server's size limit, which gRPC
// answers with RESOURCE_EXHAUSTED before this handler sees it): batches committed before
// that stay committed; the partial batch is dropped and nothing is acknowledged;
// INVALID_ARGUMENT for a malformed message (see AddRecords), RESOURCE_EXHAUSTED past
// `max_items`, and the importer's error (e.g. RESOURCE_EXHAUSTED on a full disk), all with
// the progress note of WithProgress (the unfinished batch is not committed).
// Per-item problems (including records that do not parse)
// are in the summary, not the status.
template <typename Request, typename Record, typename Add>
absl::Status DrainImport(Importer& importer, IsCancelled cancelled, ReadNext<grpc::ByteBuffer> next,
                         Add add, absl::string_view one_field, absl::string_view many_field,
                         uint64_t max_items, v1::ImportSummary* summary) {
  const google::protobuf::Descriptor* descriptor = Request::descriptor();
  const google::protobuf::FieldDescriptor* one =
      descriptor->FindFieldByName(std::string(one_field));
  const google::protobuf::FieldDescriptor* many =
      descriptor->FindFieldByName(std::string(many_field));
  UnreadableItems unreadable;
  Request message;
  grpc::ByteBuffer buffer;
  for (uint64_t message_number = 0;; ++message_number) {
    if (cancelled()) break;
    buffer.Clear();
    if (!next(&buffer)) break;
    absl::Status added;
    if (ParseMessage(&buffer, &message).ok()) {
      const google::protobuf::Reflection* reflection = message.GetReflection();
      const uint64_t in_message = (reflection->HasField(message, one) ? 1u : 0u) +
                                  static_cast<uint64_t>(reflection->FieldSize(message, many));
      const uint64_t received = unreadable.Received(importer);
      if (in_message > max_items - std::min(max_items, received)) {
        added = StreamTooLong(message_number, received, in_message, max_items);
      } else {
        added = add(importer, message_number, &message);
      }
    } else {
      added = AddSalvagedRecords<Request, Record>(importer, message_number, &buffer, *one, *many,
                                                  &unreadable, max_items);
    }
    if (!added.ok()) return WithProgress(added, importer, unreadable);
  }
  // A stream that ended because the call broke is not a complete import: do not commit
  // the tail the client can no longer be told about.
  if (cancelled()) {
    // The caller (ImportReactor) says why when the client can still hear it (a drain).
    return absl::CancelledError(absl::StrCat(
        "import stopped after ", unreadable.Received(importer), " items; ",
        importer.summary().committed(), " were committed in earlier batches (the rest was not)"));
  }
  absl::StatusOr<v1::ImportSummary> finished = importer.Finish();
  if (!finished.ok()) return WithProgress(finished.status(), importer, unreadable);
  *summary = *std::move(finished);
  unreadable.MergeInto(summary);
  return absl::OkStatus();
}

}  // namespace w2w::service::internal

#endif  // W2W_SERVICE_INTERNAL_IMPORT_STREAM_H_
