// Parsing request bytes in the service layer, so that a message that does not parse is an
// error that names the field instead of a silent end of stream (client streams) or
// INTERNAL with an empty message (unary calls).
//
// Why: gRPC's generated typed handlers parse each request message themselves. For a
// client stream, the typed reader returns false both at the end of the stream and for a
// message that fails to parse (a proto3 `string` field that is not valid UTF-8, or bytes
// that are no protobuf at all), so a handler cannot tell a bad item from the end and
// would acknowledge a truncated import; a unary request that does not parse is INTERNAL
// with an empty message. Every RPC of this layer therefore reads its messages as
// grpc::ByteBuffer (raw callback methods) and parses them here.
//
// Protobuf reports which field was not UTF-8 only in its log ("String field
// 'w2w.v1.Candidate.region' contains invalid UTF-8 data when parsing ..."). While a parse
// runs here, protobuf log lines of the calling thread are captured (a process-wide
// google::protobuf::SetLogHandler installed once, which forwards everything else to the
// handler it replaced), so the error can say "candidate.region: not valid UTF-8" and the
// server log is not flooded by one line per bad item.
//
// Thread safety: all functions may be called concurrently; the capture is thread-local.
#ifndef W2W_SERVICE_MESSAGE_PARSE_H_
#define W2W_SERVICE_MESSAGE_PARSE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace w2w::service {

// Parses `bytes` into `*message` (cleared first; unknown fields are kept as protobuf does).
// Returns OK, or INVALID_ARGUMENT whose message starts with the field path and a colon:
// "candidate.region: not valid UTF-8" when a string field is not UTF-8 (the path is the
// field's message type in snake_case and the field name, e.g. "trade_experience.code"),
// else "<type>: does not parse as w2w.v1.<Type> (string fields must be valid UTF-8)" with
// <type> the snake_case name of `message`'s type. `*message` is unspecified on error.
// Precondition: message != nullptr.
absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* message);

// As above, reading the slices of `buffer` without copying them. `*buffer` is unchanged
// (its slices are only read). Preconditions: buffer, message != nullptr.
absl::Status ParseMessage(grpc::ByteBuffer* buffer, google::protobuf::Message* message);

// The length-delimited occurrences of `field_number` and `other_field_number` in the
// wire bytes of one message, in order, as the raw bytes of each (e.g. the Candidate of
// ImportCandidatesRequest.candidate = 1 and each of .candidates = 2). Used to salvage
// the items of a stream message that did not parse as a whole.
struct WireItems {
  std::vector<std::string> items;
  bool has_field = false;        // `field_number` occurred.
  bool has_other_field = false;  // `other_field_number` occurred.
  // False when the wire format broke before the end (not protobuf at all, or cut);
  // `items` then holds what was read before the break.
  bool complete = true;
};
WireItems SplitWireItems(grpc::ByteBuffer* buffer, uint32_t field_number,
                         uint32_t other_field_number);

// The string field `field_number` (e.g. 1 for the id) of a record's wire bytes when it
// is present and valid UTF-8 of at most `max_bytes`, else "". For naming a record that
// did not parse.
std::string PeekStringField(absl::string_view bytes, uint32_t field_number, size_t max_bytes);

// "Candidate" -> "candidate", "TradeExperience" -> "trade_experience".
std::string SnakeCase(absl::string_view type_name);

}  // namespace w2w::service

#endif  // W2W_SERVICE_MESSAGE_PARSE_H_
