// Outcome commands (docs/outcomes.md): record a placement, a retraining track, a
// follow-up or a cancellation, and list events. Imports of outcomes.jsonl are
// `w2w import events` (cmd_import.cc); reports are `w2w report` and `w2w plan`
// (cmd_report.cc).
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/env.h"
#include "clients/cli/table.h"
#include "formats/enums.h"
#include "formats/record_reader.h"
#include "w2w/v1/outcome.grpc.pb.h"

namespace w2w::cli {
namespace {

using ::w2w::formats::MessageToJson;

// The --event_id, or a new one from the time and a random tag ("ev-20261207-063512-4f2a9c").
std::string EventId(const ParsedArgs& args) {
  if (args.Has("event_id")) return args.Get("event_id");
  std::random_device random;
  return absl::StrFormat("ev-%s-%06x", absl::FormatTime("%Y%m%d-%H%M%S", absl::Now(), absl::UTCTimeZone()),
                         random() & 0xffffff);
}

std::string KindOf(const w2w::v1::OutcomeEvent& e) {
  switch (e.body_case()) {
    case w2w::v1::OutcomeEvent::kStatusChange: return "status_change";
    case w2w::v1::OutcomeEvent::kPlacement: return "placement";
    case w2w::v1::OutcomeEvent::kTrack: return "track";
    case w2w::v1::OutcomeEvent::kFollowUp: return "follow_up";
    case w2w::v1::OutcomeEvent::kCancellation: return "cancellation";
    default: return "?";
  }
}

// One line of what the event says.
std::string WhatOf(const w2w::v1::OutcomeEvent& e) {
  switch (e.body_case()) {
    case w2w::v1::OutcomeEvent::kStatusChange:
      return absl::StrCat(formats::CandidateStatusName(e.status_change().from()), " -> ",
                          formats::CandidateStatusName(e.status_change().to()));
    case w2w::v1::OutcomeEvent::kPlacement: {
      const w2w::v1::PlacementEvent& p = e.placement();
      std::string where = p.vacancy_id().empty() ? absl::StrCat("employer ", p.external().employer_id())
                                                 : absl::StrCat("vacancy ", p.vacancy_id());
      if (p.retrained_qualifications_size() > 0) {
        absl::StrAppend(&where, " after ", absl::StrJoin(p.retrained_qualifications(), ","));
      }
      if (!p.rematch_run_id().empty()) absl::StrAppend(&where, " (run ", p.rematch_run_id(), ")");
      return where;
    }
    case w2w::v1::OutcomeEvent::kTrack: {
      const w2w::v1::TrackEvent& t = e.track();
      if (e.refers_to_seq() != 0) {
        return absl::StrCat("track ", t.track_id(), t.result() == w2w::v1::TRACK_RESULT_COMPLETED ? " completed" : " dropped");
      }
      std::string text = absl::StrCat("track ", t.track_id(), " ", t.qualification(), " at ",
                                      t.provider().empty() ? "-" : t.provider(), ", EUR ", t.cost_eur());
      if (t.result() != w2w::v1::TRACK_RESULT_UNSPECIFIED) {
        absl::StrAppend(&text, t.result() == w2w::v1::TRACK_RESULT_COMPLETED ? ", completed " : ", dropped ", t.end_date());
      }
      return text;
    }
    case w2w::v1::OutcomeEvent::kFollowUp:
      return absl::StrCat(e.follow_up().months(), " months after ", e.follow_up().placement_event_id(), ": ",
                          e.follow_up().in_work() ? "in work" : "not in work");
    case w2w::v1::OutcomeEvent::kCancellation:
      return absl::StrCat("cancels ", e.cancellation().cancelled_event_id(),
                          e.cancellation().reason().empty() ? "" : absl::StrCat(" (", e.cancellation().reason(), ")"));
    default: return "";
  }
}

int PrintEvent(Env& env, const w2w::v1::OutcomeEvent& e, bool created) {
  if (env.json) {
    env.out() << MessageToJson(e, true) << "\n";
    return kExitOk;
  }
  PrintFields(env.out(), {{"event", e.event_id()},
                          {"kind", KindOf(e)},
                          {"candidate", e.candidate_id()},
                          {"date", e.date()},
                          {"what", WhatOf(e)},
                          {"recorded", created ? absl::StrCat("now, seq ", e.seq()) : absl::StrCat("before (seq ", e.seq(), "): unchanged")}});
  return kExitOk;
}

int RunPlacement(const ParsedArgs& args, Env& env) {
  w2w::v1::RecordPlacementRequest request;
  request.set_event_id(EventId(args));
  w2w::v1::PlacementEvent* p = request.mutable_placement();
  p->set_candidate_id(args.positional()[0]);
  if (args.Has("vacancy") == args.Has("employer")) {
    return env.Usage("give --vacancy ID, or an external job with --employer, --trade, --sector and --region");
  }
  if (args.Has("vacancy")) {
    p->set_vacancy_id(args.Get("vacancy"));
  } else {
    w2w::v1::ExternalJob* job = p->mutable_external();
    job->set_employer_id(args.Get("employer"));
    job->set_trade(args.Get("trade"));
    if (args.Has("sector")) {
      auto sector = formats::ParseSector(args.Get("sector"));
      if (!sector.ok()) return env.Usage(absl::StrCat("--sector: ", sector.status().message()));
      job->set_sector(*sector);
    }
    job->set_region(args.Get("region"));
    job->set_hard_to_fill(args.Has("hard_to_fill"));
  }
  p->set_start_date(args.Get("start"));
  for (std::string& q : args.GetList("retrained")) p->add_retrained_qualifications(std::move(q));
  if (args.Has("run")) p->set_rematch_run_id(args.Get("run"));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::RecordPlacementResponse response;
  auto status = w2w::v1::OutcomeService::NewStub(env.channel())->RecordPlacement(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "placement");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  PrintEvent(env, response.event(), response.created());
  if (response.has_vacancy()) {
    env.out() << absl::StrFormat("vacancy %s: %d of %d seats filled, %s\n", response.vacancy().id(),
                                 response.vacancy().filled_positions(), response.vacancy().positions(),
                                 formats::VacancyStatusName(response.vacancy().status()));
  }
  return kExitOk;
}

int RunTrack(const ParsedArgs& args, Env& env) {
  w2w::v1::RecordTrackRequest request;
  request.set_event_id(EventId(args));
  w2w::v1::TrackEvent* t = request.mutable_track();
  t->set_track_id(args.positional()[0]);
  t->set_candidate_id(args.Get("candidate"));
  t->set_qualification(args.Get("qualification"));
  t->set_provider(args.Get("provider"));
  t->set_start_date(args.Get("start"));
  auto cost = args.GetUint("cost");
  if (!cost.ok()) return env.Usage(cost.status().message());
  t->set_cost_eur(static_cast<uint32_t>(cost->value_or(0)));
  if (args.Has("completed") && args.Has("dropped")) return env.Usage("give --completed or --dropped, not both");
  if (args.Has("completed")) {
    t->set_result(w2w::v1::TRACK_RESULT_COMPLETED);
    t->set_end_date(args.Get("completed"));
  } else if (args.Has("dropped")) {
    t->set_result(w2w::v1::TRACK_RESULT_DROPPED);
    t->set_end_date(args.Get("dropped"));
  }
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::RecordEventResponse response;
  auto status = w2w::v1::OutcomeService::NewStub(env.channel())->RecordTrack(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "track");
  return PrintEvent(env, response.event(), response.created());
}

int RunFollowUp(const ParsedArgs& args, Env& env) {
  w2w::v1::RecordFollowUpRequest request;
  request.set_event_id(EventId(args));
  w2w::v1::FollowUpEvent* f = request.mutable_follow_up();
  f->set_placement_event_id(args.positional()[0]);
  auto months = args.GetUint("months");
  if (!months.ok()) return env.Usage(months.status().message());
  f->set_months(static_cast<uint32_t>(months->value_or(0)));
  const std::string in_work = absl::AsciiStrToLower(args.Get("in_work"));
  if (in_work != "yes" && in_work != "no") return env.Usage("--in_work must be yes or no");
  f->set_in_work(in_work == "yes");
  f->set_date(args.Get("date"));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::RecordEventResponse response;
  auto status = w2w::v1::OutcomeService::NewStub(env.channel())->RecordFollowUp(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "followup");
  return PrintEvent(env, response.event(), response.created());
}

int RunCancel(const ParsedArgs& args, Env& env) {
  w2w::v1::CancelEventRequest request;
  request.set_event_id(EventId(args));
  request.set_cancelled_event_id(args.positional()[0]);
  request.set_reason(args.Get("reason"));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::RecordEventResponse response;
  auto status = w2w::v1::OutcomeService::NewStub(env.channel())->CancelEvent(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "cancel");
  return PrintEvent(env, response.event(), response.created());
}

int RunEvents(const ParsedArgs& args, Env& env) {
  w2w::v1::ListEventsRequest request;
  request.set_candidate_id(args.Get("candidate"));
  request.set_kind(args.Get("kind"));
  request.set_from_date(args.Get("from"));
  request.set_to_date(args.Get("to"));
  request.set_include_cancelled(args.Has("all"));
  auto limit = args.GetUint("limit");
  if (!limit.ok()) return env.Usage(limit.status().message());
  const uint64_t max_events = limit->value_or(100);
  auto stub = w2w::v1::OutcomeService::NewStub(env.channel());
  Table table({"seq", "event", "kind", "candidate", "date", "what", "region", "cancelled by"});
  table.AlignRight(0);
  uint64_t shown = 0;
  for (;;) {
    request.set_page_size(static_cast<uint32_t>(std::min<uint64_t>(1000, max_events - shown)));
    grpc::ClientContext context;
    env.SetDeadline(&context, false);
    w2w::v1::ListEventsResponse response;
    auto status = stub->ListEvents(&context, request, &response);
    if (!status.ok()) return env.RpcError(status, "events");
    for (const w2w::v1::OutcomeEvent& e : response.events()) {
      if (env.json) {
        env.out() << MessageToJson(e, false) << "\n";
      } else {
        table.AddRow({absl::StrCat(e.seq()), e.event_id(), KindOf(e), e.candidate_id(), e.date(), WhatOf(e),
                      e.region(), e.cancelled_by().empty() ? "" : e.cancelled_by()});
      }
      ++shown;
    }
    if (response.next_page_token().empty() || shown >= max_events) break;
    request.set_page_token(response.next_page_token());
  }
  if (!env.json) table.Print(env.out());
  return kExitOk;
}

const FlagSpec kEventIdFlag{"event_id", "", "ID", "The event's id (default: made from the time; give one to retry safely)"};

}  // namespace

std::vector<Command> OutcomeCommands() {
  std::vector<Command> commands;
  commands.push_back(MakeCommand(
      {"placement"}, "CANDIDATE", 1, "Record that a candidate starts work (sets PLACED, takes a seat).",
      "Into a vacancy in w2w (--vacancy) or a job outside it (--employer, --trade, --sector,\n"
      "--region). Retrained qualifications are added to the profile.\n\n"
      "Examples:\n  w2w placement c0000001 --vacancy v0000042 --start 2026-12-14 --retrained VCA-VOL\n"
      "  w2w placement c0000002 --employer emp-9 --trade 7212.1 --sector ME --region Twente --start 2027-01-04",
      RunPlacement,
      {{"vacancy", "", "ID", "The vacancy (OPEN, with a seat left)"},
       {"employer", "", "ID", "External job: the employer"},
       {"trade", "", "CODE", "External job: ESCO occupation id or code"},
       {"sector", "", "SECTOR", "External job: ME, INST, PROC, BOUW, MVT or OTHER"},
       {"region", "", "REGION", "External job: region or municipality"},
       {"hard_to_fill", "", "", "External job: hard to fill"},
       {"start", "", "DATE", "First working day, YYYY-MM-DD (required)"},
       {"retrained", "", "CODES", "Qualifications obtained by retraining for it, comma-separated"},
       {"run", "", "RUN_ID", "The rematch run it came from"},
       kEventIdFlag}));
  commands.push_back(MakeCommand(
      {"track"}, "TRACK_ID", 1, "Record the start or the end of a retraining track.",
      "The first event of a TRACK_ID starts it (it may end it at once); a later one ends it.\n\n"
      "Examples:\n  w2w track tr-1 --candidate c0000001 --qualification VCA-VOL --start 2026-11-02 --provider 'Lasschool Oost' --cost 950\n"
      "  w2w track tr-1 --completed 2026-12-11",
      RunTrack,
      {{"candidate", "", "ID", "The candidate (at the start)"},
       {"qualification", "", "CODE", "The qualification aimed at (at the start)"},
       {"provider", "", "NAME", "Training company or school"},
       {"start", "", "DATE", "Start date (at the start)"},
       {"cost", "", "EUR", "Cost in whole euros"},
       {"completed", "", "DATE", "Completed on DATE"},
       {"dropped", "", "DATE", "Dropped out on DATE"},
       kEventIdFlag}));
  commands.push_back(MakeCommand({"followup"}, "PLACEMENT_EVENT_ID", 1, "Record whether a placed person is still in work.",
                          "Example:\n  w2w followup ev-20261207-063512-4f2a9c --months 6 --in_work yes --date 2027-06-14",
                          RunFollowUp,
                          {{"months", "", "6|12", "Months after the start (required)"},
                           {"in_work", "", "yes|no", "Still in work (required)"},
                           {"date", "", "DATE", "Day of the follow-up (required)"},
                           kEventIdFlag}));
  commands.push_back(MakeCommand({"cancel"}, "EVENT_ID", 1, "Cancel an event recorded in error, undoing its effects.",
                          "A placement goes back (status, seat) once its follow-ups are cancelled.\n\n"
                          "Example:\n  w2w cancel ev-20261207-063512-4f2a9c --reason 'wrong person'",
                          RunCancel, {{"reason", "", "TEXT", "Why"}, kEventIdFlag}));
  commands.push_back(MakeCommand({"events"}, "", 0, "List outcome events, in recording order.",
                          "Examples:\n  w2w events --candidate c0000001\n  w2w events --kind placement --from 2026-01-01 --limit 20",
                          RunEvents,
                          {{"candidate", "", "ID", "Only this person's events"},
                           {"kind", "", "KIND", "status_change, placement, track, follow_up or cancellation"},
                           {"from", "", "DATE", "From this date (inclusive)"},
                           {"to", "", "DATE", "Until this date (inclusive)"},
                           {"all", "", "", "Include cancelled events"},
                           {"limit", "", "N", "Show at most N events (default 100)"}}));
  return commands;
}

}  // namespace w2w::cli
