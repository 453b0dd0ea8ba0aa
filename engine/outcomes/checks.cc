#include "engine/outcomes/checks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/outcomes/ledger.h"
#include "engine/validate/validate.h"
#include "google/protobuf/util/message_differencer.h"

namespace w2w::outcomes {
namespace {

absl::Status Invalid(std::string_view path, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(message)));
}

absl::Status CheckSector(v1::Sector sector, std::string_view path) {
  if (sector < v1::SECTOR_ME || sector > v1::SECTOR_OTHER) return Invalid(path, "required: a sector 1..6");
  return absl::OkStatus();
}

absl::Status CheckFreeText(const std::string& text, size_t max, std::string_view path) {
  if (text.size() > max) return Invalid(path, absl::StrCat("over ", max, " bytes"));
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return Invalid(path, "control characters are not allowed");
  }
  return absl::OkStatus();
}

absl::Status CanonicalQualification(const taxonomy::Taxonomy& tax, std::string* code, std::string_view path) {
  if (code->empty()) return Invalid(path, "required: a qualification code");
  std::optional<taxonomy::QualId> id = tax.FindQualification(*code);
  if (!id.has_value()) return Invalid(path, absl::StrCat("unknown qualification ", QuoteValue(*code)));
  *code = tax.qualification(*id).code;
  return absl::OkStatus();
}

absl::Status CheckExternal(const taxonomy::Taxonomy& tax, v1::ExternalJob* job) {
  RETURN_IF_ERROR(validate::ValidateId(job->employer_id(), "placement.external.employer_id"));
  if (job->trade().empty()) return Invalid("placement.external.trade", "required: an ESCO occupation");
  std::optional<taxonomy::TradeId> trade = tax.FindTrade(job->trade());
  if (!trade.has_value()) {
    return Invalid("placement.external.trade", absl::StrCat("unknown trade ", QuoteValue(job->trade())));
  }
  job->set_trade(tax.trade(*trade).id);
  RETURN_IF_ERROR(CheckSector(job->sector(), "placement.external.sector"));
  if (job->region().empty()) return Invalid("placement.external.region", "required: a region or municipality");
  std::optional<taxonomy::RegionId> region = tax.FindRegion(job->region());
  if (!region.has_value()) region = tax.FindMunicipality(job->region());
  if (!region.has_value()) {
    return Invalid("placement.external.region", absl::StrCat("unknown region or municipality ", QuoteValue(job->region())));
  }
  job->set_region(tax.region(*region).name);
  return absl::OkStatus();
}

absl::Status CheckPlacement(const taxonomy::Taxonomy& tax, v1::PlacementEvent* p) {
  RETURN_IF_ERROR(validate::ValidateId(p->candidate_id(), "placement.candidate_id"));
  const bool has_vacancy = !p->vacancy_id().empty();
  if (has_vacancy == p->has_external()) {
    return Invalid("placement.vacancy_id", "give either a vacancy_id or an external job, not both and not neither");
  }
  if (has_vacancy) RETURN_IF_ERROR(validate::ValidateId(p->vacancy_id(), "placement.vacancy_id"));
  if (p->has_external()) RETURN_IF_ERROR(CheckExternal(tax, p->mutable_external()));
  RETURN_IF_ERROR(RequiredDate(p->start_date(), "placement.start_date").status());
  if (p->retrained_qualifications_size() > kMaxRetrainedQualifications) {
    return Invalid("placement.retrained_qualifications", absl::StrCat("at most ", kMaxRetrainedQualifications));
  }
  for (int i = 0; i < p->retrained_qualifications_size(); ++i) {
    RETURN_IF_ERROR(CanonicalQualification(tax, p->mutable_retrained_qualifications(i),
                                           absl::StrCat("placement.retrained_qualifications[", i, "]")));
  }
  if (p->channel() < v1::PLACEMENT_CHANNEL_UNSPECIFIED || p->channel() > v1::PLACEMENT_CHANNEL_OTHER) {
    return Invalid("placement.channel", "unknown channel");
  }
  if (!p->rematch_run_id().empty()) RETURN_IF_ERROR(validate::ValidateId(p->rematch_run_id(), "placement.rematch_run_id"));
  p->clear_previous_status();
  return absl::OkStatus();
}

absl::Status CheckTrack(const taxonomy::Taxonomy& tax, v1::TrackEvent* t) {
  RETURN_IF_ERROR(validate::ValidateId(t->track_id(), "track.track_id"));
  if (!t->candidate_id().empty()) RETURN_IF_ERROR(validate::ValidateId(t->candidate_id(), "track.candidate_id"));
  if (!t->qualification().empty()) {
    RETURN_IF_ERROR(CanonicalQualification(tax, t->mutable_qualification(), "track.qualification"));
  }
  RETURN_IF_ERROR(CheckFreeText(t->provider(), kMaxProviderBytes, "track.provider"));
  if (!t->start_date().empty()) RETURN_IF_ERROR(RequiredDate(t->start_date(), "track.start_date").status());
  if (t->cost_eur() > kMaxTrackCostEur) {
    return Invalid("track.cost_eur", absl::StrCat(t->cost_eur(), " is over the maximum of ", kMaxTrackCostEur));
  }
  if (t->result() < v1::TRACK_RESULT_UNSPECIFIED || t->result() > v1::TRACK_RESULT_DROPPED) {
    return Invalid("track.result", "unknown result");
  }
  if (t->result() == v1::TRACK_RESULT_UNSPECIFIED) {
    if (!t->end_date().empty()) return Invalid("track.end_date", "set only with a result (COMPLETED or DROPPED)");
  } else {
    ASSIGN_OR_RETURN(int32_t end, RequiredDate(t->end_date(), "track.end_date"));
    if (!t->start_date().empty() && end < *ParseIsoDate(t->start_date())) {
      return Invalid("track.end_date", absl::StrCat(t->end_date(), " is before start_date ", t->start_date()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckFollowUp(v1::FollowUpEvent* f) {
  RETURN_IF_ERROR(validate::ValidateId(f->placement_event_id(), "follow_up.placement_event_id"));
  if (f->months() != 6 && f->months() != 12) return Invalid("follow_up.months", "6 or 12");
  return RequiredDate(f->date(), "follow_up.date").status();
}

absl::Status CheckStatusChange(v1::StatusChangeEvent* s) {
  RETURN_IF_ERROR(validate::ValidateId(s->candidate_id(), "status_change.candidate_id"));
  if (s->from() < v1::CANDIDATE_STATUS_UNSPECIFIED || s->from() > v1::CANDIDATE_STATUS_UNAVAILABLE) {
    return Invalid("status_change.from", "unknown status");
  }
  if (s->to() <= v1::CANDIDATE_STATUS_UNSPECIFIED || s->to() > v1::CANDIDATE_STATUS_UNAVAILABLE) {
    return Invalid("status_change.to", "required: a status");
  }
  return RequiredDate(s->date(), "status_change.date").status();
}

absl::Status CheckCancellation(v1::CancellationEvent* c) {
  RETURN_IF_ERROR(validate::ValidateId(c->cancelled_event_id(), "cancellation.cancelled_event_id"));
  return CheckFreeText(c->reason(), kMaxReasonBytes, "cancellation.reason");
}

}  // namespace

absl::StatusOr<int32_t> RequiredDate(std::string_view text, std::string_view path) {
  if (text.empty()) return Invalid(path, "required: a date YYYY-MM-DD");
  std::optional<int32_t> day = ParseIsoDate(text);
  if (!day.has_value()) return Invalid(path, absl::StrCat(QuoteValue(text), " is not a date YYYY-MM-DD"));
  return *day;
}

absl::Status CheckEventId(std::string_view event_id, std::string_view path) {
  RETURN_IF_ERROR(validate::ValidateId(event_id, path));
  if (event_id.starts_with(kStatusEventPrefix)) {
    return Invalid(path, absl::StrCat("ids starting with ", QuoteValue(kStatusEventPrefix),
                                      " are the server's own (the status changes it records)"));
  }
  return absl::OkStatus();
}

absl::Status CheckEventShape(const taxonomy::Taxonomy& tax, v1::OutcomeEvent* event, bool allow_status_change) {
  RETURN_IF_ERROR(CheckEventId(event->event_id()));
  v1::OutcomeEvent clean;
  clean.set_event_id(event->event_id());
  switch (event->body_case()) {
    case v1::OutcomeEvent::kStatusChange:
      if (!allow_status_change) {
        return Invalid("status_change", "the server records status changes itself; write the candidate instead");
      }
      *clean.mutable_status_change() = event->status_change();
      RETURN_IF_ERROR(CheckStatusChange(clean.mutable_status_change()));
      break;
    case v1::OutcomeEvent::kPlacement:
      *clean.mutable_placement() = event->placement();
      RETURN_IF_ERROR(CheckPlacement(tax, clean.mutable_placement()));
      break;
    case v1::OutcomeEvent::kTrack:
      *clean.mutable_track() = event->track();
      RETURN_IF_ERROR(CheckTrack(tax, clean.mutable_track()));
      break;
    case v1::OutcomeEvent::kFollowUp:
      *clean.mutable_follow_up() = event->follow_up();
      RETURN_IF_ERROR(CheckFollowUp(clean.mutable_follow_up()));
      break;
    case v1::OutcomeEvent::kCancellation:
      *clean.mutable_cancellation() = event->cancellation();
      RETURN_IF_ERROR(CheckCancellation(clean.mutable_cancellation()));
      break;
    default:
      return Invalid("body", "required: one of status_change, placement, track, follow_up, cancellation");
  }
  clean.DiscardUnknownFields();
  *event = std::move(clean);
  return absl::OkStatus();
}

bool SameEvent(const v1::OutcomeEvent& a, const v1::OutcomeEvent& b) {
  if (a.event_id() != b.event_id() || a.body_case() != b.body_case()) return false;
  v1::PlacementEvent pa, pb;
  switch (a.body_case()) {
    case v1::OutcomeEvent::kStatusChange:
      return google::protobuf::util::MessageDifferencer::Equals(a.status_change(), b.status_change());
    case v1::OutcomeEvent::kPlacement:
      pa = a.placement();
      pb = b.placement();
      pa.clear_previous_status();
      pb.clear_previous_status();
      return google::protobuf::util::MessageDifferencer::Equals(pa, pb);
    case v1::OutcomeEvent::kTrack:
      return google::protobuf::util::MessageDifferencer::Equals(a.track(), b.track());
    case v1::OutcomeEvent::kFollowUp:
      return google::protobuf::util::MessageDifferencer::Equals(a.follow_up(), b.follow_up());
    case v1::OutcomeEvent::kCancellation:
      return google::protobuf::util::MessageDifferencer::Equals(a.cancellation(), b.cancellation());
    default:
      return false;
  }
}

}  // namespace w2w::outcomes
