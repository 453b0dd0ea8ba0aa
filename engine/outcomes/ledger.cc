#include "engine/outcomes/ledger.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/storage/keys.h"

namespace w2w::outcomes {
namespace {

using storage::Family;

uint8_t RegionNumber(const taxonomy::Taxonomy& tax, std::string_view region) {
  if (region.empty()) return 0;
  std::optional<taxonomy::RegionId> id = tax.FindRegion(region);
  return id.has_value() ? static_cast<uint8_t>(*id + 1) : 0;
}

absl::Status Unreadable(uint64_t seq) {
  return absl::DataLossError(absl::StrCat("store: outcome event seq ", seq, " does not parse"));
}

}  // namespace

std::string_view CandidateOf(const v1::OutcomeEvent& event) {
  if (!event.candidate_id().empty()) return event.candidate_id();
  switch (event.body_case()) {
    case v1::OutcomeEvent::kStatusChange: return event.status_change().candidate_id();
    case v1::OutcomeEvent::kPlacement: return event.placement().candidate_id();
    case v1::OutcomeEvent::kTrack: return event.track().candidate_id();
    default: return {};
  }
}

std::string_view KindName(const v1::OutcomeEvent& event) {
  switch (event.body_case()) {
    case v1::OutcomeEvent::kStatusChange: return "status_change";
    case v1::OutcomeEvent::kPlacement: return "placement";
    case v1::OutcomeEvent::kTrack: return "track";
    case v1::OutcomeEvent::kFollowUp: return "follow_up";
    case v1::OutcomeEvent::kCancellation: return "cancellation";
    default: return "";
  }
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(storage::Store* store, const taxonomy::Taxonomy& tax) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<Ledger> ledger(new Ledger(store));
  absl::Status bad;
  ASSIGN_OR_RETURN(uint64_t visited,
                   store->Scan(Family::kOutcomes, {}, storage::OutcomeEventPrefix(), 0,
                               [&](std::string_view key, std::string_view value) {
                                 std::optional<uint64_t> seq = storage::ParseOutcomeEventKey(key);
                                 v1::OutcomeEvent event;
                                 if (!seq.has_value() || *seq != ledger->next_seq_ ||
                                     !event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                                   bad = Unreadable(seq.value_or(0));
                                   return false;
                                 }
                                 ledger->AppendRows(event, tax);
                                 ++ledger->next_seq_;
                                 return true;
                               }));
  (void)visited;
  RETURN_IF_ERROR(bad);
  ledger->pending_seq_ = ledger->next_seq_;
  ledger->rebuild_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return ledger;
}

void Ledger::AppendRows(const v1::OutcomeEvent& event, const taxonomy::Taxonomy& tax) {
  EventRow row;
  row.person = log_.InternPerson(CandidateOf(event));
  row.day = ParseIsoDate(event.date()).value_or(0);
  row.region = RegionNumber(tax, event.region());
  row.sector = static_cast<uint8_t>(event.sector());
  row.source = log_.InternSource(event.source());
  auto row_of = [this](uint64_t seq) {
    return seq >= 1 && seq <= row_of_seq_.size() ? row_of_seq_[seq - 1] : kNoLink;
  };
  uint32_t first = 0;
  switch (event.body_case()) {
    case v1::OutcomeEvent::kStatusChange:
      row.kind = Kind::kStatusChange;
      row.status = static_cast<uint8_t>(event.status_change().to());
      if (event.event_id().starts_with(kStatusEventPrefix) &&
          event.status_change().from() == v1::CANDIDATE_STATUS_UNSPECIFIED) {
        row.flags |= kCreation;
      }
      first = log_.Append(row);
      break;
    case v1::OutcomeEvent::kPlacement: {
      const v1::PlacementEvent& p = event.placement();
      row.kind = Kind::kPlacement;
      row.status = static_cast<uint8_t>(p.previous_status());
      row.job_region = RegionNumber(tax, event.job_region());
      row.job_sector = static_cast<uint8_t>(event.job_sector());
      if (p.retrained_qualifications_size() > 0) row.flags |= kRetrained;
      if (event.hard_to_fill()) row.flags |= kHardToFill;
      if (!p.rematch_run_id().empty()) {
        row.flags |= kViaRun;
        row.link = log_.InternRun(p.rematch_run_id());
      }
      first = log_.Append(row);
      break;
    }
    case v1::OutcomeEvent::kTrack: {
      const v1::TrackEvent& t = event.track();
      if (event.refers_to_seq() == 0) {  // A start, perhaps with its end.
        row.kind = Kind::kTrackStart;
        row.cost_eur = t.cost_eur();
        first = log_.Append(row);
        if (t.result() != v1::TRACK_RESULT_UNSPECIFIED) {
          EventRow end = row;
          end.kind = Kind::kTrackEnd;
          end.cost_eur = 0;
          end.day = ParseIsoDate(t.end_date()).value_or(row.day);
          end.status = static_cast<uint8_t>(t.result());
          end.link = first;
          log_.Append(end);
        }
      } else {
        row.kind = Kind::kTrackEnd;
        row.status = static_cast<uint8_t>(t.result());
        row.link = row_of(event.refers_to_seq());
        first = log_.Append(row);
      }
      break;
    }
    case v1::OutcomeEvent::kFollowUp:
      row.kind = Kind::kFollowUp;
      row.status = static_cast<uint8_t>(event.follow_up().months());
      if (event.follow_up().in_work()) row.flags |= kInWork;
      row.link = row_of(event.refers_to_seq());
      first = log_.Append(row);
      break;
    case v1::OutcomeEvent::kCancellation:
      row.kind = Kind::kCancellation;
      row.link = row_of(event.refers_to_seq());
      first = log_.Append(row);
      break;
    default:
      // Not written by this version; keep the seq numbering with a row that counts nothing.
      row.kind = Kind::kCancellation;
      row.link = kNoLink;
      first = log_.Append(row);
      break;
  }
  row_of_seq_.push_back(first);
}

absl::StatusOr<std::optional<uint64_t>> Ledger::SeqOfId(std::string_view event_id) const {
  std::string value;
  ASSIGN_OR_RETURN(bool found, store_->GetRaw(Family::kOutcomes, storage::OutcomeIdKey(event_id), &value));
  if (!found) return std::nullopt;
  return storage::DecodeSeqValue(value);
}

absl::Status Ledger::SeqsOfIds(absl::Span<const std::string_view> event_ids,
                               std::vector<std::optional<uint64_t>>* out) const {
  std::vector<std::string> keys;
  keys.reserve(event_ids.size());
  for (std::string_view id : event_ids) keys.push_back(storage::OutcomeIdKey(id));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::vector<std::optional<std::string>> values;
  RETURN_IF_ERROR(store_->MultiGetRaw(Family::kOutcomes, views, &values));
  out->assign(event_ids.size(), std::nullopt);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].has_value()) (*out)[i] = storage::DecodeSeqValue(*values[i]);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::OutcomeEvent>> Ledger::EventAt(uint64_t seq) const {
  v1::OutcomeEvent event;
  ASSIGN_OR_RETURN(bool found, store_->Get(Family::kOutcomes, storage::OutcomeEventKey(seq), &event));
  if (!found) return std::nullopt;
  return event;
}

absl::StatusOr<std::optional<v1::OutcomeEvent>> Ledger::FindEvent(std::string_view event_id) const {
  ASSIGN_OR_RETURN(std::optional<uint64_t> seq, SeqOfId(event_id));
  if (!seq.has_value()) return std::nullopt;
  return EventAt(*seq);
}

absl::StatusOr<std::optional<TrackRef>> Ledger::FindTrack(std::string_view track_id) const {
  std::string value;
  ASSIGN_OR_RETURN(bool found, store_->GetRaw(Family::kOutcomes, storage::OutcomeTrackKey(track_id), &value));
  if (!found || (value.size() != 8 && value.size() != 16)) return std::nullopt;
  TrackRef ref;
  ref.start_seq = storage::DecodeSeqValue(std::string_view(value).substr(0, 8)).value_or(0);
  if (value.size() == 16) ref.end_seq = storage::DecodeSeqValue(std::string_view(value).substr(8)).value_or(0);
  return ref;
}

absl::StatusOr<std::optional<uint64_t>> Ledger::FollowUpSeq(std::string_view placement_event_id,
                                                           uint32_t months) const {
  std::string value;
  ASSIGN_OR_RETURN(bool found, store_->GetRaw(Family::kOutcomes,
                                              storage::OutcomeFollowUpKey(placement_event_id, months), &value));
  if (!found) return std::nullopt;
  return storage::DecodeSeqValue(value);
}

absl::StatusOr<std::optional<uint64_t>> Ledger::CancellationSeq(std::string_view event_id) const {
  std::string value;
  ASSIGN_OR_RETURN(bool found, store_->GetRaw(Family::kOutcomes, storage::OutcomeCancelKey(event_id), &value));
  if (!found) return std::nullopt;
  return storage::DecodeSeqValue(value);
}

absl::StatusOr<std::vector<uint64_t>> Ledger::SeqsOfPerson(std::string_view candidate_id) const {
  std::vector<uint64_t> seqs;
  const std::string prefix = storage::OutcomePersonPrefix(candidate_id);
  ASSIGN_OR_RETURN(uint64_t visited, store_->Scan(Family::kOutcomes, {}, prefix, 0,
                                                  [&](std::string_view key, std::string_view) {
                                                    if (key.size() == prefix.size() + 8) {
                                                      seqs.push_back(storage::DecodeSeqValue(key.substr(prefix.size())).value_or(0));
                                                    }
                                                    return true;
                                                  }));
  (void)visited;
  return seqs;
}

absl::StatusOr<uint64_t> Ledger::Scan(uint64_t from_seq, uint64_t limit,
                                      const std::function<bool(v1::OutcomeEvent&)>& visit) const {
  absl::Status bad;
  ASSIGN_OR_RETURN(uint64_t visited,
                   store_->Scan(Family::kOutcomes, storage::OutcomeEventKey(from_seq), storage::OutcomeEventPrefix(),
                                limit, [&](std::string_view key, std::string_view value) {
                                  v1::OutcomeEvent event;
                                  if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                                    bad = Unreadable(storage::ParseOutcomeEventKey(key).value_or(0));
                                    return false;
                                  }
                                  return visit(event);
                                }));
  RETURN_IF_ERROR(bad);
  return visited;
}

void Ledger::Stage(v1::OutcomeEvent* event, storage::Batch* batch) {
  const uint64_t seq = pending_seq_++;
  event->set_seq(seq);
  batch->Put(Family::kOutcomes, storage::OutcomeEventKey(seq), *event);
  if (!event->event_id().starts_with(kStatusEventPrefix)) {
    batch->PutRaw(Family::kOutcomes, storage::OutcomeIdKey(event->event_id()), storage::EncodeSeqValue(seq));
  }
  batch->PutRaw(Family::kOutcomes, storage::OutcomePersonKey(CandidateOf(*event), seq), {});
}

void Ledger::StageTrack(std::string_view track_id, const TrackRef& ref, storage::Batch* batch) {
  std::string value = storage::EncodeSeqValue(ref.start_seq);
  if (ref.end_seq != 0) value += storage::EncodeSeqValue(ref.end_seq);
  batch->PutRaw(Family::kOutcomes, storage::OutcomeTrackKey(track_id), value);
}

void Ledger::StageUnTrack(std::string_view track_id, storage::Batch* batch) {
  batch->Delete(Family::kOutcomes, storage::OutcomeTrackKey(track_id));
}

void Ledger::StageFollowUp(std::string_view placement_event_id, uint32_t months, uint64_t seq,
                           storage::Batch* batch) {
  batch->PutRaw(Family::kOutcomes, storage::OutcomeFollowUpKey(placement_event_id, months),
                storage::EncodeSeqValue(seq));
}

void Ledger::StageUnFollowUp(std::string_view placement_event_id, uint32_t months, storage::Batch* batch) {
  batch->Delete(Family::kOutcomes, storage::OutcomeFollowUpKey(placement_event_id, months));
}

void Ledger::StageCancellation(std::string_view cancelled_event_id, uint64_t seq, storage::Batch* batch) {
  batch->PutRaw(Family::kOutcomes, storage::OutcomeCancelKey(cancelled_event_id), storage::EncodeSeqValue(seq));
}

void Ledger::Publish(const std::vector<const v1::OutcomeEvent*>& staged, const taxonomy::Taxonomy& tax) {
  for (const v1::OutcomeEvent* event : staged) {
    AppendRows(*event, tax);
    ++next_seq_;
  }
  pending_seq_ = next_seq_;
}

absl::StatusOr<uint64_t> Ledger::StageErase(std::string_view candidate_id, std::string_view replacement,
                                            storage::Batch* batch) const {
  ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, SeqsOfPerson(candidate_id));
  for (uint64_t seq : seqs) {
    ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> event, EventAt(seq));
    if (!event.has_value()) continue;
    const std::string erased(replacement);
    event->set_candidate_id(erased);
    switch (event->body_case()) {
      case v1::OutcomeEvent::kStatusChange: event->mutable_status_change()->set_candidate_id(erased); break;
      case v1::OutcomeEvent::kPlacement: event->mutable_placement()->set_candidate_id(erased); break;
      case v1::OutcomeEvent::kTrack:
        if (!event->track().candidate_id().empty()) event->mutable_track()->set_candidate_id(erased);
        break;
      default: break;
    }
    batch->Put(Family::kOutcomes, storage::OutcomeEventKey(seq), *event);
    batch->Delete(Family::kOutcomes, storage::OutcomePersonKey(candidate_id, seq));
    batch->PutRaw(Family::kOutcomes, storage::OutcomePersonKey(replacement, seq), {});
  }
  return seqs.size();
}

}  // namespace w2w::outcomes
