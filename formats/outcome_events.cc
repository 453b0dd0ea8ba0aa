#include "formats/outcome_events.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "formats/record_reader.h"
#include "formats/record_writer.h"

namespace w2w::formats {

v1::OutcomeEvent OutcomeEventInput(const v1::OutcomeEvent& event) {
  v1::OutcomeEvent input;
  input.set_event_id(event.event_id());
  switch (event.body_case()) {
    case v1::OutcomeEvent::kStatusChange: *input.mutable_status_change() = event.status_change(); break;
    case v1::OutcomeEvent::kPlacement:
      *input.mutable_placement() = event.placement();
      // An output of the placement: the server sets it.
      input.mutable_placement()->clear_previous_status();
      break;
    case v1::OutcomeEvent::kTrack: *input.mutable_track() = event.track(); break;
    case v1::OutcomeEvent::kFollowUp: *input.mutable_follow_up() = event.follow_up(); break;
    case v1::OutcomeEvent::kCancellation: *input.mutable_cancellation() = event.cancellation(); break;
    case v1::OutcomeEvent::BODY_NOT_SET: break;
  }
  return input;
}

absl::Status CheckOutcomeEventLine(v1::OutcomeEvent* event) {
  *event = OutcomeEventInput(*event);
  if (event->event_id().empty()) return absl::InvalidArgumentError("event_id: required");
  if (event->body_case() == v1::OutcomeEvent::BODY_NOT_SET) {
    return absl::InvalidArgumentError(
        "body: required: one of status_change, placement, track, follow_up, cancellation");
  }
  return absl::OkStatus();
}

absl::Status OutcomeEventFromJson(std::string_view line, v1::OutcomeEvent* out) {
  if (absl::Status s = MessageFromJson(absl::string_view(line.data(), line.size()), out); !s.ok()) return s;
  return CheckOutcomeEventLine(out);
}

namespace {

// Writes JSON objects field by field as protobuf's printer does for these messages:
// fields in field-number order, default values left out, 32-bit numbers as numbers,
// enums by name. A hand-written printer because w2w-datagen writes millions of events and
// protobuf's reflective printer costs several microseconds each.
class JsonObject {
 public:
  explicit JsonObject(std::string* out) : out_(out) { out_->push_back('{'); }
  void Close() { out_->push_back('}'); }

  void String(std::string_view name, const std::string& value) {
    if (value.empty()) return;
    Name(name);
    Quoted(value);
  }
  void Uint(std::string_view name, uint32_t value) {
    if (value == 0) return;
    Name(name);
    absl::StrAppend(out_, value);
  }
  void Bool(std::string_view name, bool value) {
    if (!value) return;
    Name(name);
    out_->append("true");
  }
  // `value_name` is the enum value's name; `number` 0 (the default) is left out.
  void Enum(std::string_view name, int number, const std::string& value_name) {
    if (number == 0) return;
    Name(name);
    Quoted(value_name);
  }
  void Strings(std::string_view name, const google::protobuf::RepeatedPtrField<std::string>& values) {
    if (values.empty()) return;
    Name(name);
    out_->push_back('[');
    for (int i = 0; i < values.size(); ++i) {
      if (i > 0) out_->push_back(',');
      Quoted(values[i]);
    }
    out_->push_back(']');
  }
  // Starts a nested object; the caller closes it.
  JsonObject Object(std::string_view name) {
    Name(name);
    return JsonObject(out_);
  }

 private:
  void Name(std::string_view name) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    out_->append(name);
    out_->append("\":");
  }
  void Quoted(std::string_view text) {
    out_->push_back('"');
    for (char ch : text) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out_->push_back('\\');
        out_->push_back(ch);
      } else if (const char* short_form = ShortEscape(c)) {
        out_->append(short_form);
      } else if (c < 0x20 || c == 0x7f || c == '<' || c == '>') {
        // Control characters, and the angle brackets protobuf's printer escapes.
        absl::StrAppend(out_, absl::StrFormat("\\u%04x", c));
      } else {
        out_->push_back(ch);
      }
    }
    out_->push_back('"');
  }

  static const char* ShortEscape(unsigned char c) {
    switch (c) {
      case '\b': return "\\b";
      case '\t': return "\\t";
      case '\n': return "\\n";
      case '\f': return "\\f";
      case '\r': return "\\r";
      default: return nullptr;
    }
  }

  std::string* out_;
  bool first_ = true;
};

}  // namespace

absl::Status AppendOutcomeEventJsonLine(const v1::OutcomeEvent& event, std::string* out) {
  JsonObject line(out);
  line.String("event_id", event.event_id());
  switch (event.body_case()) {
    case v1::OutcomeEvent::kStatusChange: {
      const v1::StatusChangeEvent& s = event.status_change();
      JsonObject body = line.Object("status_change");
      body.String("candidate_id", s.candidate_id());
      body.Enum("from", s.from(), v1::CandidateStatus_Name(s.from()));
      body.Enum("to", s.to(), v1::CandidateStatus_Name(s.to()));
      body.String("date", s.date());
      body.Close();
      break;
    }
    case v1::OutcomeEvent::kPlacement: {
      const v1::PlacementEvent& p = event.placement();
      JsonObject body = line.Object("placement");
      body.String("candidate_id", p.candidate_id());
      body.String("vacancy_id", p.vacancy_id());
      if (p.has_external()) {
        const v1::ExternalJob& j = p.external();
        JsonObject job = body.Object("external");
        job.String("employer_id", j.employer_id());
        job.String("trade", j.trade());
        job.Enum("sector", j.sector(), v1::Sector_Name(j.sector()));
        job.String("region", j.region());
        job.Bool("hard_to_fill", j.hard_to_fill());
        job.Close();
      }
      body.String("start_date", p.start_date());
      body.Strings("retrained_qualifications", p.retrained_qualifications());
      body.Enum("channel", p.channel(), v1::PlacementChannel_Name(p.channel()));
      body.String("rematch_run_id", p.rematch_run_id());
      body.Close();
      break;
    }
    case v1::OutcomeEvent::kTrack: {
      const v1::TrackEvent& t = event.track();
      JsonObject body = line.Object("track");
      body.String("track_id", t.track_id());
      body.String("candidate_id", t.candidate_id());
      body.String("qualification", t.qualification());
      body.String("provider", t.provider());
      body.String("start_date", t.start_date());
      body.Uint("cost_eur", t.cost_eur());
      body.Enum("result", t.result(), v1::TrackResult_Name(t.result()));
      body.String("end_date", t.end_date());
      body.Close();
      break;
    }
    case v1::OutcomeEvent::kFollowUp: {
      const v1::FollowUpEvent& f = event.follow_up();
      JsonObject body = line.Object("follow_up");
      body.String("placement_event_id", f.placement_event_id());
      body.Uint("months", f.months());
      body.Bool("in_work", f.in_work());
      body.String("date", f.date());
      body.Close();
      break;
    }
    case v1::OutcomeEvent::kCancellation: {
      const v1::CancellationEvent& c = event.cancellation();
      JsonObject body = line.Object("cancellation");
      body.String("cancelled_event_id", c.cancelled_event_id());
      body.String("reason", c.reason());
      body.Close();
      break;
    }
    case v1::OutcomeEvent::BODY_NOT_SET:
      break;
  }
  line.Close();
  out->push_back('\n');
  return absl::OkStatus();
}

}  // namespace w2w::formats
