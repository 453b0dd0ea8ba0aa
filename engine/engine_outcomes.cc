// Engine facade: outcome events (OutcomeService). Every event is checked and written by
// an OutcomeTxn (internal/outcome_txn.h) under the writer lock: a single Record* call is
// a transaction of one event, an ImportEvents batch one of up to import_batch_size.
// Shape checks (outcomes/checks.h) need no lock and run before it.
#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/access/permissions.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/outcome_txn.h"
#include "engine/internal/record_ops.h"
#include "engine/outcomes/checks.h"
#include "engine/outcomes/ledger.h"

namespace w2w {
namespace {

// Checks, then records `event` alone. Fills *txn_out's answer through `answer`.
template <typename Answer>
absl::Status RecordOne(internal::EngineState& state, const access::Caller& caller, v1::OutcomeEvent event,
                       std::string_view rpc, Answer&& answer) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kRecordOutcomes, rpc));
  RETURN_IF_ERROR(outcomes::CheckEventShape(*state.taxonomy(), &event, /*allow_status_change=*/false));
  absl::MutexLock lock(&state.writer_mu);
  internal::OutcomeTxn txn(state, caller);
  ASSIGN_OR_RETURN(internal::OutcomeTxn::Added added, txn.Add(std::move(event)));
  RETURN_IF_ERROR(txn.Commit());
  answer(txn, added);
  return absl::OkStatus();
}

v1::RecordEventResponse EventResponse(const internal::OutcomeTxn::Added& added) {
  v1::RecordEventResponse response;
  *response.mutable_event() = *added.event;
  response.set_created(added.created);
  return response;
}

constexpr uint32_t kDefaultEventPage = 100;
constexpr uint32_t kMaxEventPage = 1000;
constexpr uint64_t kEventScanBudget = 100'000;

}  // namespace

absl::StatusOr<v1::RecordPlacementResponse> Engine::RecordPlacement(const access::Caller& caller,
                                                                    const v1::RecordPlacementRequest& request) {
  v1::OutcomeEvent event;
  event.set_event_id(request.event_id());
  *event.mutable_placement() = request.placement();
  v1::RecordPlacementResponse response;
  RETURN_IF_ERROR(RecordOne(*state_, caller, std::move(event), "RecordPlacement",
                            [&](internal::OutcomeTxn& txn, const internal::OutcomeTxn::Added& added) {
                              *response.mutable_event() = *added.event;
                              response.set_created(added.created);
                              const v1::PlacementEvent& p = added.event->placement();
                              if (const v1::Candidate* c = txn.candidate(p.candidate_id())) {
                                *response.mutable_candidate() = *c;
                              }
                              if (const v1::Vacancy* v = txn.vacancy(p.vacancy_id())) {
                                *response.mutable_vacancy() = *v;
                              }
                            }));
  // An idempotent repeat read nothing: answer with the records as stored now.
  if (!response.created()) {
    const v1::PlacementEvent& p = response.event().placement();
    if (!response.has_candidate()) {
      ASSIGN_OR_RETURN(std::optional<v1::Candidate> c, state_->records->GetCandidate(p.candidate_id()));
      if (c.has_value()) *response.mutable_candidate() = std::move(*c);
    }
    if (!p.vacancy_id().empty() && !response.has_vacancy()) {
      ASSIGN_OR_RETURN(std::optional<v1::Vacancy> v, state_->records->GetVacancy(p.vacancy_id()));
      if (v.has_value()) *response.mutable_vacancy() = std::move(*v);
    }
  }
  return response;
}

absl::StatusOr<v1::RecordEventResponse> Engine::RecordTrack(const access::Caller& caller,
                                                            const v1::RecordTrackRequest& request) {
  v1::OutcomeEvent event;
  event.set_event_id(request.event_id());
  *event.mutable_track() = request.track();
  v1::RecordEventResponse response;
  RETURN_IF_ERROR(RecordOne(*state_, caller, std::move(event), "RecordTrack",
                            [&](internal::OutcomeTxn&, const internal::OutcomeTxn::Added& added) {
                              response = EventResponse(added);
                            }));
  return response;
}

absl::StatusOr<v1::RecordEventResponse> Engine::RecordFollowUp(const access::Caller& caller,
                                                               const v1::RecordFollowUpRequest& request) {
  v1::OutcomeEvent event;
  event.set_event_id(request.event_id());
  *event.mutable_follow_up() = request.follow_up();
  v1::RecordEventResponse response;
  RETURN_IF_ERROR(RecordOne(*state_, caller, std::move(event), "RecordFollowUp",
                            [&](internal::OutcomeTxn&, const internal::OutcomeTxn::Added& added) {
                              response = EventResponse(added);
                            }));
  return response;
}

absl::StatusOr<v1::RecordEventResponse> Engine::CancelEvent(const access::Caller& caller,
                                                            const v1::CancelEventRequest& request) {
  v1::OutcomeEvent event;
  event.set_event_id(request.event_id());
  event.mutable_cancellation()->set_cancelled_event_id(request.cancelled_event_id());
  event.mutable_cancellation()->set_reason(request.reason());
  v1::RecordEventResponse response;
  RETURN_IF_ERROR(RecordOne(*state_, caller, std::move(event), "CancelEvent",
                            [&](internal::OutcomeTxn&, const internal::OutcomeTxn::Added& added) {
                              response = EventResponse(added);
                            }));
  return response;
}

absl::StatusOr<v1::ListEventsResponse> Engine::ListEvents(const access::Caller& caller,
                                                          const v1::ListEventsRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kReadOutcomes, "ListEvents"));
  const uint32_t page_size = request.page_size() == 0 ? kDefaultEventPage : request.page_size();
  if (page_size > kMaxEventPage) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: at most ", kMaxEventPage));
  }
  static constexpr std::string_view kKinds[] = {"status_change", "placement", "track", "follow_up", "cancellation"};
  if (!request.kind().empty() && std::find(std::begin(kKinds), std::end(kKinds), request.kind()) == std::end(kKinds)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kind: ", QuoteValue(request.kind()), " is not one of status_change, placement, track, follow_up, cancellation"));
  }
  int32_t from = std::numeric_limits<int32_t>::min(), to = std::numeric_limits<int32_t>::max();
  if (!request.from_date().empty()) {
    ASSIGN_OR_RETURN(from, outcomes::RequiredDate(request.from_date(), "from_date"));
  }
  if (!request.to_date().empty()) {
    ASSIGN_OR_RETURN(to, outcomes::RequiredDate(request.to_date(), "to_date"));
  }
  uint64_t from_seq = 1;
  if (!request.page_token().empty() && (!absl::SimpleAtoi(request.page_token(), &from_seq) || from_seq == 0)) {
    return absl::InvalidArgumentError("page_token: not a token of ListEvents");
  }
  const std::shared_ptr<const access::Scope> scope = state_->ScopeOf(caller);
  const std::shared_ptr<const taxonomy::Taxonomy> tax = state_->taxonomy();
  auto in_scope = [&](const v1::OutcomeEvent& event) {
    if (scope->unrestricted()) return true;
    if (scope->partner()) return event.source() == scope->source();
    std::optional<taxonomy::RegionId> region = tax->FindRegion(event.region());
    return region.has_value() && scope->HasRegion(*region);
  };
  v1::ListEventsResponse response;
  std::vector<std::string> seen;  // Candidates whose events were returned, for the audit.
  // Adds `event` when it passes the filters; false when the page is full.
  auto take = [&](v1::OutcomeEvent& event) -> absl::StatusOr<bool> {
    if (static_cast<uint32_t>(response.events_size()) >= page_size) {
      response.set_next_page_token(absl::StrCat(event.seq()));
      return false;
    }
    if (!in_scope(event)) return true;
    if (!request.kind().empty() && outcomes::KindName(event) != request.kind()) return true;
    const int32_t day = ParseIsoDate(event.date()).value_or(0);
    if (day < from || day > to) return true;
    if (!event.event_id().starts_with(outcomes::kStatusEventPrefix) && !event.has_cancellation()) {
      ASSIGN_OR_RETURN(std::optional<uint64_t> cancelled, state_->outcomes->CancellationSeq(event.event_id()));
      if (cancelled.has_value()) {
        if (!request.include_cancelled()) return true;
        ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> by, state_->outcomes->EventAt(*cancelled));
        if (by.has_value()) event.set_cancelled_by(by->event_id());
      }
    }
    seen.push_back(event.candidate_id());
    *response.add_events() = std::move(event);
    return true;
  };

  if (!request.candidate_id().empty()) {
    RETURN_IF_ERROR(validate::ValidateId(request.candidate_id(), "candidate_id"));
    ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, state_->outcomes->SeqsOfPerson(request.candidate_id()));
    if (seqs.empty()) {  // Erased: the events name the pseudonym.
      ASSIGN_OR_RETURN(seqs, state_->outcomes->SeqsOfPerson(
                                 absl::StrCat("erased:", state_->audit->Pseudonym(request.candidate_id()))));
    }
    for (uint64_t seq : seqs) {
      if (seq < from_seq) continue;
      ASSIGN_OR_RETURN(std::optional<v1::OutcomeEvent> event, state_->outcomes->EventAt(seq));
      if (!event.has_value()) continue;
      ASSIGN_OR_RETURN(bool more, take(*event));
      if (!more) break;
    }
  } else {
    absl::Status failed;
    uint64_t last = from_seq;
    ASSIGN_OR_RETURN(uint64_t visited,
                     state_->outcomes->Scan(from_seq, kEventScanBudget, [&](v1::OutcomeEvent& event) {
                       last = event.seq();
                       absl::StatusOr<bool> more = take(event);
                       if (!more.ok()) failed = more.status();
                       return more.ok() && *more;
                     }));
    RETURN_IF_ERROR(failed);
    if (visited == kEventScanBudget && response.next_page_token().empty()) {
      response.set_next_page_token(absl::StrCat(last + 1));
    }
  }
  state_->RecordAccess(caller, "ListEvents", seen);
  return response;
}

namespace {

class OutcomeImporter final : public Importer {
 public:
  OutcomeImporter(internal::EngineState* state, const access::Caller& caller)
      : state_(state),
        caller_(caller),
        stream_error_(access::Require(caller, access::Action::kRecordOutcomes, "ImportEvents")),
        start_(std::chrono::steady_clock::now()) {}

  absl::Status Add(v1::Candidate) override {
    return absl::FailedPreconditionError("an outcome event import got a candidate");
  }
  absl::Status Add(v1::Vacancy) override {
    return absl::FailedPreconditionError("an outcome event import got a vacancy");
  }
  absl::Status Add(v1::OutcomeEvent event) override {
    RETURN_IF_ERROR(stream_error_);
    pending_.push_back({static_cast<uint32_t>(summary_.received()), std::move(event)});
    summary_.set_received(summary_.received() + 1);
    if (pending_.size() >= static_cast<size_t>(state_->options.import_batch_size)) return CommitPending();
    return absl::OkStatus();
  }

  absl::StatusOr<v1::ImportSummary> Finish() override {
    RETURN_IF_ERROR(stream_error_);
    RETURN_IF_ERROR(CommitPending());
    return summary_;
  }

  const v1::ImportSummary& summary() const override { return summary_; }

 private:
  struct Item {
    uint32_t index;
    v1::OutcomeEvent event;
  };

  void Reject(const Item& item, const absl::Status& status) {
    summary_.set_rejected(summary_.rejected() + 1);
    if (summary_.errors_size() >= static_cast<int>(kMaxListedItemErrors)) return;
    v1::ItemError* error = summary_.add_errors();
    error->set_index(item.index);
    error->set_id(item.event.event_id());
    const std::string message(status.message());
    error->set_field(internal::ErrorField(message, ""));
    error->set_code(absl::StatusCodeToString(status.code()));
    error->set_message(message);
  }

  absl::Status CommitPending() {
    if (pending_.empty()) return absl::OkStatus();
    std::vector<Item> items = std::move(pending_);
    pending_.clear();
    const std::shared_ptr<const taxonomy::Taxonomy> tax = state_->taxonomy();
    std::vector<Item*> valid;
    valid.reserve(items.size());
    for (Item& item : items) {
      absl::Status status = outcomes::CheckEventShape(*tax, &item.event, /*allow_status_change=*/true);
      if (status.ok()) {
        valid.push_back(&item);
      } else {
        Reject(item, status);
      }
    }
    uint64_t created = 0, repeats = 0;
    absl::Status status;
    {
      absl::MutexLock lock(&state_->writer_mu);
      internal::OutcomeTxn txn(*state_, caller_);
      std::vector<const v1::OutcomeEvent*> events;
      events.reserve(valid.size());
      for (const Item* item : valid) events.push_back(&item->event);
      status = txn.Prefetch(events);
      for (Item* item : valid) {
        if (!status.ok()) break;
        absl::StatusOr<internal::OutcomeTxn::Added> added = txn.Add(std::move(item->event));
        if (!added.ok()) {
          if (absl::IsInternal(added.status()) || absl::IsDataLoss(added.status()) ||
              absl::IsResourceExhausted(added.status()) || absl::IsUnavailable(added.status())) {
            status = added.status();
            break;
          }
          Reject(*item, added.status());
        } else if (added->created) {
          ++created;
        } else {
          ++repeats;
        }
      }
      if (status.ok()) status = txn.Commit();
    }
    summary_.set_elapsed_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    if (!status.ok()) {
      stream_error_ = status;
      return status;
    }
    if (created > 0) summary_.set_batches(summary_.batches() + 1);
    summary_.set_committed(summary_.committed() + created);
    summary_.set_unchanged(summary_.unchanged() + repeats);
    return absl::OkStatus();
  }

  internal::EngineState* const state_;
  const access::Caller caller_;
  absl::Status stream_error_;
  const std::chrono::steady_clock::time_point start_;
  std::vector<Item> pending_;
  v1::ImportSummary summary_;
};

}  // namespace

std::unique_ptr<Importer> Engine::NewEventImporter(const access::Caller& caller) {
  return std::make_unique<OutcomeImporter>(state_.get(), caller);
}

}  // namespace w2w
