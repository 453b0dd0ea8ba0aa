// The outcome event file, outcomes.jsonl (docs/formats.md): one w2w.v1.OutcomeEvent per
// line in protobuf JSON with proto field names, carrying only what a client sends: the
// event_id and exactly one body (status_change, placement, track, follow_up or
// cancellation). The output fields of OutcomeEvent (candidate_id, date, region, seq, ...)
// are the server's; the writer leaves them out and the reader drops them, as the server
// does, so the JSON Lines of `w2w events --json` can be read back.
// Thread safety: pure functions.
#ifndef W2W_FORMATS_OUTCOME_EVENTS_H_
#define W2W_FORMATS_OUTCOME_EVENTS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "w2w/v1/outcome.pb.h"

namespace w2w::formats {

// The event_id and the body of `event`, without the output fields.
v1::OutcomeEvent OutcomeEventInput(const v1::OutcomeEvent& event);

// Clears the output fields of `event`, then checks the file's shape: INVALID_ARGUMENT
// "event_id: required" or "body: required: one of ..." (the oneof makes a second body a
// JSON parse error already). Whether the body's contents are valid is the server's to say.
absl::Status CheckOutcomeEventLine(v1::OutcomeEvent* event);

// Parses one line of outcomes.jsonl into `out` (cleared first) and applies
// CheckOutcomeEventLine. INVALID_ARGUMENT with the JSON parser's message for bad JSON or
// an unknown field.
absl::Status OutcomeEventFromJson(std::string_view line, v1::OutcomeEvent* out);

// Appends the line of `event` (its input fields only, enums by name, default values
// omitted; the bytes protobuf's JSON printer writes, without its cost) and "\n". Always OK
// today; a Status so that a future body can refuse.
absl::Status AppendOutcomeEventJsonLine(const v1::OutcomeEvent& event, std::string* out);

}  // namespace w2w::formats

#endif  // W2W_FORMATS_OUTCOME_EVENTS_H_
