#include "engine/internal/outcome_txn.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/internal/record_ops.h"
#include "engine/outcomes/checks.h"
#include "engine/rematch/run_store.h"
#include "engine/validate/open_vacancy.h"
#include "engine/validate/validate.h"

namespace w2w::internal {
namespace {

using outcomes::TrackRef;

absl::Status Precondition(std::string_view path, std::string_view message) {
  return absl::FailedPreconditionError(absl::StrCat(std::string(path), ": ", std::string(message)));
}
absl::Status Invalid(std::string_view path, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(message)));
}
absl::Status Unknown(std::string_view path, std::string_view kind, std::string_view id) {
  return absl::NotFoundError(absl::StrCat(std::string(path), ": unknown ", std::string(kind), " ", QuoteValue(id)));
}

std::string FollowUpKey(const std::string& placement_event_id, uint32_t months) {
  return absl::StrCat(placement_event_id, std::string(1, '\0'), months);
}

}  // namespace

OutcomeTxn::OutcomeTxn(EngineState& state, const access::Caller& caller)
    : state_(state),
      caller_(caller),
      tax_(state.taxonomy()),
      scope_(state.ScopeOf(caller)),
      default_travel_km_(state.DefaultTravelKm()),
      today_(FormatIsoDate(TodayUtc())),
      now_(NowRfc3339()) {}

// ---- Overlay reads -------------------------------------------------------------------

absl::StatusOr<OutcomeTxn::Slot<v1::Candidate>*> OutcomeTxn::CandidateSlot(const std::string& id) {
  auto it = candidates_.find(id);
  if (it != candidates_.end()) return &it->second;
  ASSIGN_OR_RETURN(std::optional<v1::Candidate> stored, state_.records->GetCandidate(id));
  Slot<v1::Candidate>& slot = candidates_[id];
  slot.record = std::move(stored);
  return &slot;
}

absl::StatusOr<OutcomeTxn::Slot<v1::Vacancy>*> OutcomeTxn::VacancySlot(const std::string& id) {
  auto it = vacancies_.find(id);
  if (it != vacancies_.end()) return &it->second;
  ASSIGN_OR_RETURN(std::optional<v1::Vacancy> stored, state_.records->GetVacancy(id));
  Slot<v1::Vacancy>& slot = vacancies_[id];
  slot.record = std::move(stored);
  return &slot;
}

absl::StatusOr<std::optional<v1::OutcomeEvent>> OutcomeTxn::EventById(const std::string& event_id) const {
  auto it = staged_ids_.find(event_id);
  if (it != staged_ids_.end()) return *it->second;
  auto stored = stored_ids_.find(event_id);
  if (stored != stored_ids_.end()) {
    if (!stored->second.has_value()) return std::nullopt;
    return state_.outcomes->EventAt(*stored->second);
  }
  return state_.outcomes->FindEvent(event_id);
}

absl::Status OutcomeTxn::Prefetch(absl::Span<const v1::OutcomeEvent* const> events) {
  std::vector<std::string_view> candidate_ids, vacancy_ids, event_ids;
  candidate_ids.reserve(events.size());
  event_ids.reserve(events.size());
  for (const v1::OutcomeEvent* event : events) {
    event_ids.push_back(event->event_id());
    // The person the event names (a track's end may name none: its start does).
    if (std::string_view person = outcomes::CandidateOf(*event); !person.empty()) candidate_ids.push_back(person);
    switch (event->body_case()) {
      case v1::OutcomeEvent::kPlacement:
        if (!event->placement().vacancy_id().empty()) vacancy_ids.push_back(event->placement().vacancy_id());
        break;
      case v1::OutcomeEvent::kFollowUp: event_ids.push_back(event->follow_up().placement_event_id()); break;
      case v1::OutcomeEvent::kCancellation: event_ids.push_back(event->cancellation().cancelled_event_id()); break;
      default: break;
    }
  }
  // Each id once, and only those not read yet.
  auto distinct = [](std::vector<std::string_view>& ids, auto&& known) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ids.erase(std::remove_if(ids.begin(), ids.end(), known), ids.end());
  };
  auto key = [](std::string_view id) { return absl::string_view(id.data(), id.size()); };
  distinct(candidate_ids, [&](std::string_view id) { return candidates_.contains(key(id)); });
  distinct(vacancy_ids, [&](std::string_view id) { return vacancies_.contains(key(id)); });
  distinct(event_ids,
           [&](std::string_view id) { return staged_ids_.contains(key(id)) || stored_ids_.contains(key(id)); });

  std::vector<std::optional<records::Stored<v1::Candidate>>> candidates;
  RETURN_IF_ERROR(state_.records->MultiGet<v1::Candidate>(candidate_ids, &candidates));
  for (size_t i = 0; i < candidate_ids.size(); ++i) {
    Slot<v1::Candidate>& slot = candidates_[std::string(candidate_ids[i])];
    if (candidates[i].has_value()) slot.record = std::move(candidates[i]->record);
  }
  std::vector<std::optional<records::Stored<v1::Vacancy>>> vacancies;
  RETURN_IF_ERROR(state_.records->MultiGet<v1::Vacancy>(vacancy_ids, &vacancies));
  for (size_t i = 0; i < vacancy_ids.size(); ++i) {
    Slot<v1::Vacancy>& slot = vacancies_[std::string(vacancy_ids[i])];
    if (vacancies[i].has_value()) slot.record = std::move(vacancies[i]->record);
  }
  std::vector<std::optional<uint64_t>> seqs;
  RETURN_IF_ERROR(state_.outcomes->SeqsOfIds(event_ids, &seqs));
  for (size_t i = 0; i < event_ids.size(); ++i) stored_ids_.emplace(std::string(event_ids[i]), seqs[i]);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::OutcomeEvent>> OutcomeTxn::EventAt(uint64_t seq) const {
  if (!staged_.empty() && seq >= first_seq_) {
    if (seq - first_seq_ < staged_.size()) return staged_[seq - first_seq_];
    return std::nullopt;
  }
  return state_.outcomes->EventAt(seq);
}

absl::StatusOr<std::optional<TrackRef>> OutcomeTxn::Track(const std::string& track_id) const {
  auto it = tracks_.find(track_id);
  if (it != tracks_.end()) return it->second;
  return state_.outcomes->FindTrack(track_id);
}

absl::StatusOr<std::optional<uint64_t>> OutcomeTxn::FollowUp(const std::string& placement_event_id,
                                                             uint32_t months) const {
  auto it = follow_ups_.find(FollowUpKey(placement_event_id, months));
  if (it != follow_ups_.end()) return it->second;
  return state_.outcomes->FollowUpSeq(placement_event_id, months);
}

absl::StatusOr<bool> OutcomeTxn::Cancelled(const std::string& event_id) const {
  if (cancellations_.contains(event_id)) return true;
  ASSIGN_OR_RETURN(std::optional<uint64_t> seq, state_.outcomes->CancellationSeq(event_id));
  return seq.has_value();
}

const v1::Candidate* OutcomeTxn::candidate(std::string_view id) const {
  auto it = candidates_.find(std::string(id));
  return it != candidates_.end() && it->second.record.has_value() ? &*it->second.record : nullptr;
}

const v1::Vacancy* OutcomeTxn::vacancy(std::string_view id) const {
  auto it = vacancies_.find(std::string(id));
  return it != vacancies_.end() && it->second.record.has_value() ? &*it->second.record : nullptr;
}

// ---- Scope and outputs ---------------------------------------------------------------

absl::StatusOr<OutcomeTxn::Slot<v1::Candidate>*> OutcomeTxn::RecordableCandidate(const std::string& id,
                                                                                 std::string_view path) {
  ASSIGN_OR_RETURN(Slot<v1::Candidate>* slot, CandidateSlot(id));
  if (!slot->record.has_value()) return Unknown(path, "candidate", id);
  const v1::Candidate& c = *slot->record;
  const bool allowed = scope_->partner() ? scope_->MayWriteSource(c.source()) : Sees(*scope_, c, default_travel_km_);
  if (!allowed) return Unknown(path, "candidate", id);  // Out of scope: not revealed to exist.
  return slot;
}

bool OutcomeTxn::MayRecordAbout(const v1::OutcomeEvent& event) const {
  if (scope_->unrestricted()) return true;
  if (scope_->partner()) return event.source() == scope_->source();
  std::optional<taxonomy::RegionId> region = tax_->FindRegion(event.region());
  return region.has_value() && scope_->HasRegion(*region);
}

void OutcomeTxn::SetOutputs(v1::OutcomeEvent* event, std::string_view candidate_id, std::string_view date) const {
  event->set_candidate_id(std::string(candidate_id));
  event->set_date(std::string(date));
  event->set_recorded_at(now_);
  event->set_recorded_by(caller_.name());
}

void OutcomeTxn::CopyDimensions(const v1::Candidate& candidate, v1::OutcomeEvent* event) const {
  event->set_region(candidate.region());
  event->set_sector(candidate.sector());
  event->set_source(candidate.source());
}

void OutcomeTxn::CopyDimensions(const v1::OutcomeEvent& from, v1::OutcomeEvent* event) const {
  event->set_region(from.region());
  event->set_sector(from.sector());
  event->set_source(from.source());
}

const v1::OutcomeEvent* OutcomeTxn::StageEvent(v1::OutcomeEvent event) {
  state_.outcomes->Stage(&event, writes_.mutable_batch());
  if (staged_.empty()) first_seq_ = event.seq();
  staged_.push_back(std::move(event));
  const v1::OutcomeEvent* stored = &staged_.back();
  staged_ids_[stored->event_id()] = stored;
  return stored;
}

// ---- Add -----------------------------------------------------------------------------

absl::StatusOr<OutcomeTxn::Added> OutcomeTxn::Add(v1::OutcomeEvent event) {
  ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> existing, EventById(event.event_id()));
  if (existing.has_value()) {
    if (!outcomes::SameEvent(*existing, event)) {
      return absl::AlreadyExistsError(absl::StrCat("event_id: ", QuoteValue(event.event_id()),
                                                   " is already recorded with other content (seq ",
                                                   existing->seq(), "); a correction is a new event"));
    }
    repeats_.push_back(std::move(*existing));  // Kept for the answer; not written.
    return Added{&repeats_.back(), false};
  }
  switch (event.body_case()) {
    case v1::OutcomeEvent::kStatusChange: RETURN_IF_ERROR(AddStatusChange(&event)); break;
    case v1::OutcomeEvent::kPlacement: RETURN_IF_ERROR(AddPlacement(&event)); break;
    case v1::OutcomeEvent::kTrack: RETURN_IF_ERROR(AddTrack(&event)); break;
    case v1::OutcomeEvent::kFollowUp: RETURN_IF_ERROR(AddFollowUp(&event)); break;
    case v1::OutcomeEvent::kCancellation: RETURN_IF_ERROR(AddCancellation(&event)); break;
    default: return Invalid("body", "required");
  }
  return Added{&staged_.back(), true};
}

absl::Status OutcomeTxn::AddStatusChange(v1::OutcomeEvent* event) {
  const v1::StatusChangeEvent& change = event->status_change();
  ASSIGN_OR_RETURN(Slot<v1::Candidate>* slot,
                   RecordableCandidate(change.candidate_id(), "status_change.candidate_id"));
  SetOutputs(event, change.candidate_id(), change.date());
  CopyDimensions(*slot->record, event);
  StageEvent(std::move(*event));
  return absl::OkStatus();
}

absl::Status OutcomeTxn::AddPlacement(v1::OutcomeEvent* event) {
  v1::PlacementEvent& p = *event->mutable_placement();
  ASSIGN_OR_RETURN(Slot<v1::Candidate>* cand, RecordableCandidate(p.candidate_id(), "placement.candidate_id"));
  const v1::Candidate& before = *cand->record;
  if (before.status() == v1::CANDIDATE_STATUS_PLACED) {
    return Precondition("placement.candidate_id",
                        absl::StrCat("candidate ", QuoteValue(p.candidate_id()),
                                     " is PLACED already; cancel that placement first, or write the "
                                     "candidate's new status"));
  }
  Slot<v1::Vacancy>* vac = nullptr;
  if (!p.vacancy_id().empty()) {
    ASSIGN_OR_RETURN(vac, VacancySlot(p.vacancy_id()));
    if (!vac->record.has_value() || !Sees(*scope_, *vac->record, default_travel_km_)) {
      return Unknown("placement.vacancy_id", "vacancy", p.vacancy_id());
    }
    if (validate::OpenSeats(*vac->record) == 0) {
      const v1::Vacancy& v = *vac->record;
      return Precondition("placement.vacancy_id",
                          absl::StrCat("vacancy ", QuoteValue(v.id()), " has no open seat (",
                                       v1::VacancyStatus_Name(v.status()), ", ", v.filled_positions(), " of ",
                                       std::max<uint32_t>(v.positions(), 1), " seats filled)"));
    }
  }
  if (!p.rematch_run_id().empty()) {
    ASSIGN_OR_RETURN(std::optional<v1::RematchRun> run, rematch::GetRun(*state_.store, p.rematch_run_id()));
    if (!run.has_value()) return Unknown("placement.rematch_run_id", "rematch run", p.rematch_run_id());
    if (p.channel() == v1::PLACEMENT_CHANNEL_UNSPECIFIED) p.set_channel(v1::PLACEMENT_CHANNEL_REMATCH);
  }
  // The candidate after it: PLACED, with the qualifications obtained by retraining.
  v1::Candidate after = before;
  after.set_status(v1::CANDIDATE_STATUS_PLACED);
  for (const std::string& q : p.retrained_qualifications()) after.add_qualifications(q);
  after.set_updated_at({});
  if (absl::Status s = validate::CanonicalizeCandidate(*tax_, &after, "candidate"); !s.ok()) {
    return Invalid("placement.retrained_qualifications",
                   absl::StrCat("the profile cannot take them: ", s.message()));
  }
  after.set_version(before.version() + 1);
  after.set_updated_at(now_);
  p.set_previous_status(before.status());

  SetOutputs(event, p.candidate_id(), p.start_date());
  CopyDimensions(before, event);
  if (vac != nullptr) {
    v1::Vacancy& v = *vac->record;
    event->set_job_region(v.region());
    event->set_job_sector(v.sector());
    event->set_hard_to_fill(v.hard_to_fill());
    v.set_filled_positions(v.filled_positions() + 1);
    if (validate::OpenSeats(v) == 0) v.set_status(v1::VACANCY_STATUS_FILLED);
    v.set_version(v.version() + 1);
    v.set_updated_at(now_);
    vac->dirty = true;
  } else {
    event->set_job_region(p.external().region());
    event->set_job_sector(p.external().sector());
    event->set_hard_to_fill(p.external().hard_to_fill());
  }
  *cand->record = std::move(after);
  cand->dirty = true;
  StageEvent(std::move(*event));
  return absl::OkStatus();
}

absl::Status OutcomeTxn::AddTrack(v1::OutcomeEvent* event) {
  v1::TrackEvent& t = *event->mutable_track();
  ASSIGN_OR_RETURN(std::optional<TrackRef> ref, Track(t.track_id()));
  if (!ref.has_value()) {  // A start (perhaps with its end).
    if (t.candidate_id().empty()) return Invalid("track.candidate_id", "required at the start of a track");
    if (t.qualification().empty()) return Invalid("track.qualification", "required at the start of a track");
    if (t.start_date().empty()) return Invalid("track.start_date", "required at the start of a track");
    ASSIGN_OR_RETURN(Slot<v1::Candidate>* cand, RecordableCandidate(t.candidate_id(), "track.candidate_id"));
    SetOutputs(event, t.candidate_id(), t.start_date());
    CopyDimensions(*cand->record, event);
    const std::string track_id = t.track_id();
    const bool ended = t.result() != v1::TRACK_RESULT_UNSPECIFIED;
    const v1::OutcomeEvent* stored = StageEvent(std::move(*event));
    TrackRef staged{stored->seq(), ended ? stored->seq() : 0};
    state_.outcomes->StageTrack(track_id, staged, writes_.mutable_batch());
    tracks_[track_id] = staged;
    return absl::OkStatus();
  }
  // An end of a known track.
  const std::string quoted = QuoteValue(t.track_id());
  if (ref->end_seq != 0) {
    return Precondition("track.track_id", absl::StrCat("track ", quoted, " has ended already (event seq ",
                                                       ref->end_seq, "); cancel that event to correct it"));
  }
  ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> start_event, EventAt(ref->start_seq));
  if (!start_event.has_value()) return absl::DataLossError(absl::StrCat("store: track start seq ", ref->start_seq, " is missing"));
  if (!MayRecordAbout(*start_event)) return Unknown("track.track_id", "track", t.track_id());
  const v1::TrackEvent& start = start_event->track();
  if (t.result() == v1::TRACK_RESULT_UNSPECIFIED) {
    return Precondition("track.result", absl::StrCat("track ", quoted, " is running since ", start.start_date(),
                                                     "; a later event of it ends it (COMPLETED or DROPPED)"));
  }
  auto must_match = [&](const std::string& given, const std::string& at_start, std::string_view field) {
    if (given.empty() || given == at_start) return absl::OkStatus();
    return Invalid(absl::StrCat("track.", std::string(field)), absl::StrCat(QuoteValue(given), " contradicts the start of track ",
                                                               quoted, " (", QuoteValue(at_start), ")"));
  };
  RETURN_IF_ERROR(must_match(t.candidate_id(), start.candidate_id(), "candidate_id"));
  RETURN_IF_ERROR(must_match(t.qualification(), start.qualification(), "qualification"));
  RETURN_IF_ERROR(must_match(t.start_date(), start.start_date(), "start_date"));
  RETURN_IF_ERROR(must_match(t.provider(), start.provider(), "provider"));
  if (t.cost_eur() != 0 && t.cost_eur() != start.cost_eur()) {
    return Invalid("track.cost_eur", absl::StrCat("the cost is recorded at the start of track ", quoted, " (",
                                                  start.cost_eur(), ")"));
  }
  if (*ParseIsoDate(t.end_date()) < *ParseIsoDate(start.start_date())) {
    return Invalid("track.end_date", absl::StrCat(t.end_date(), " is before the start of track ", quoted, " (",
                                                  start.start_date(), ")"));
  }
  SetOutputs(event, start_event->candidate_id(), t.end_date());
  CopyDimensions(*start_event, event);
  event->set_refers_to_seq(ref->start_seq);
  const std::string track_id = t.track_id();
  const v1::OutcomeEvent* stored = StageEvent(std::move(*event));
  TrackRef staged{ref->start_seq, stored->seq()};
  state_.outcomes->StageTrack(track_id, staged, writes_.mutable_batch());
  tracks_[track_id] = staged;
  return absl::OkStatus();
}

absl::Status OutcomeTxn::AddFollowUp(v1::OutcomeEvent* event) {
  const v1::FollowUpEvent& f = event->follow_up();
  const std::string placement_id = f.placement_event_id();
  ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> placement, EventById(placement_id));
  if (!placement.has_value() || !MayRecordAbout(*placement)) {
    return Unknown("follow_up.placement_event_id", "event", placement_id);
  }
  if (!placement->has_placement()) {
    return Invalid("follow_up.placement_event_id",
                   absl::StrCat(QuoteValue(placement_id), " is a ", std::string(outcomes::KindName(*placement)), ", not a placement"));
  }
  ASSIGN_OR_RETURN(bool cancelled, Cancelled(placement_id));
  if (cancelled) {
    return Precondition("follow_up.placement_event_id", absl::StrCat("placement ", QuoteValue(placement_id), " was cancelled"));
  }
  if (*ParseIsoDate(f.date()) < *ParseIsoDate(placement->placement().start_date())) {
    return Invalid("follow_up.date", absl::StrCat(f.date(), " is before the placement's start_date ",
                                                  placement->placement().start_date()));
  }
  ASSIGN_OR_RETURN(std::optional<uint64_t> earlier, FollowUp(placement_id, f.months()));
  if (earlier.has_value()) {
    return Precondition("follow_up.months", absl::StrCat("placement ", QuoteValue(placement_id), " has its ", f.months(),
                                                         "-month follow-up already (seq ", *earlier,
                                                         "); cancel it first to correct it"));
  }
  const uint32_t months = f.months();
  SetOutputs(event, placement->candidate_id(), f.date());
  CopyDimensions(*placement, event);
  event->set_refers_to_seq(placement->seq());
  const v1::OutcomeEvent* stored = StageEvent(std::move(*event));
  state_.outcomes->StageFollowUp(placement_id, months, stored->seq(), writes_.mutable_batch());
  follow_ups_[FollowUpKey(placement_id, months)] = stored->seq();
  return absl::OkStatus();
}

absl::Status OutcomeTxn::AddCancellation(v1::OutcomeEvent* event) {
  const std::string target_id = event->cancellation().cancelled_event_id();
  constexpr std::string_view kPath = "cancellation.cancelled_event_id";
  if (target_id.starts_with(outcomes::kStatusEventPrefix)) {
    return Precondition(kPath, "status changes the server recorded are corrected by writing the candidate");
  }
  ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> target, EventById(target_id));
  if (!target.has_value() || !MayRecordAbout(*target)) return Unknown(kPath, "event", target_id);
  if (target->has_cancellation()) return Precondition(kPath, "a cancellation cannot be cancelled; record the event anew");
  ASSIGN_OR_RETURN(bool cancelled, Cancelled(target_id));
  if (cancelled) return Precondition(kPath, absl::StrCat("event ", QuoteValue(target_id), " is cancelled already"));

  if (target->has_placement()) {
    for (uint32_t months : {6u, 12u}) {
      ASSIGN_OR_RETURN(std::optional<uint64_t> follow_up, FollowUp(target_id, months));
      if (follow_up.has_value()) {
        return Precondition(kPath, absl::StrCat("placement ", QuoteValue(target_id), " has a ", months,
                                                "-month follow-up (seq ", *follow_up, "); cancel it first"));
      }
    }
    const v1::PlacementEvent& p = target->placement();
    ASSIGN_OR_RETURN(Slot<v1::Candidate>* cand, CandidateSlot(p.candidate_id()));
    if (cand->record.has_value() && cand->record->status() == v1::CANDIDATE_STATUS_PLACED &&
        p.previous_status() != v1::CANDIDATE_STATUS_UNSPECIFIED) {
      cand->record->set_status(p.previous_status());
      cand->record->set_version(cand->record->version() + 1);
      cand->record->set_updated_at(now_);
      cand->dirty = true;
    }
    if (!p.vacancy_id().empty()) {
      ASSIGN_OR_RETURN(Slot<v1::Vacancy>* vac, VacancySlot(p.vacancy_id()));
      if (vac->record.has_value() && vac->record->filled_positions() > 0) {
        v1::Vacancy& v = *vac->record;
        v.set_filled_positions(v.filled_positions() - 1);
        if (v.status() == v1::VACANCY_STATUS_FILLED) v.set_status(v1::VACANCY_STATUS_OPEN);
        v.set_version(v.version() + 1);
        v.set_updated_at(now_);
        vac->dirty = true;
      }
    }
  }
  SetOutputs(event, target->candidate_id(), today_);
  CopyDimensions(*target, event);
  event->set_refers_to_seq(target->seq());
  const v1::OutcomeEvent* stored = StageEvent(std::move(*event));
  state_.outcomes->StageCancellation(target_id, stored->seq(), writes_.mutable_batch());
  cancellations_[target_id] = stored->seq();
  // The lookups the cancelled event held are free again.
  if (target->has_track()) {
    const std::string& track_id = target->track().track_id();
    if (target->refers_to_seq() == 0) {
      state_.outcomes->StageUnTrack(track_id, writes_.mutable_batch());
      tracks_[track_id] = std::nullopt;
    } else {
      TrackRef running{target->refers_to_seq(), 0};
      state_.outcomes->StageTrack(track_id, running, writes_.mutable_batch());
      tracks_[track_id] = running;
    }
  } else if (target->has_follow_up()) {
    const v1::FollowUpEvent& f = target->follow_up();
    state_.outcomes->StageUnFollowUp(f.placement_event_id(), f.months(), writes_.mutable_batch());
    follow_ups_[FollowUpKey(f.placement_event_id(), f.months())] = std::nullopt;
  }
  return absl::OkStatus();
}

absl::Status OutcomeTxn::Commit() {
  if (staged_.empty()) return absl::OkStatus();
  for (auto& [id, slot] : candidates_) {
    if (slot.dirty) writes_.Put(*slot.record);
  }
  for (auto& [id, slot] : vacancies_) {
    if (slot.dirty) writes_.Put(*slot.record);
  }
  if (absl::Status s = state_.records->Commit(writes_); !s.ok()) {
    state_.outcomes->Abandon();
    return s;
  }
  for (auto& [id, slot] : candidates_) {
    if (slot.dirty) RecordTraits<v1::Candidate>::Index(*state_.matcher, *slot.record);
  }
  for (auto& [id, slot] : vacancies_) {
    if (slot.dirty) RecordTraits<v1::Vacancy>::Index(*state_.matcher, *slot.record);
  }
  std::vector<const v1::OutcomeEvent*> published;
  published.reserve(staged_.size());
  for (const v1::OutcomeEvent& event : staged_) published.push_back(&event);
  state_.outcomes->Publish(published, *tax_);
  return absl::OkStatus();
}

}  // namespace w2w::internal
