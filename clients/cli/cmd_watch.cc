// The watch command: live alerts for a coach (WatchService.Watch, docs/watch.md). Prints
// one line per event as it arrives, until interrupted, --count events, or the stream ends.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/env.h"
#include "formats/record_reader.h"
#include "w2w/v1/watch.grpc.pb.h"

namespace w2w::cli {
namespace {

using ::w2w::formats::MessageToJson;

// "entered #2" and the like, in the coach's words.
std::string What(const v1::WatchEvent& e) {
  switch (e.kind()) {
    case v1::WatchEvent::CURRENT_TOP_K: return absl::StrCat("in top k  #", e.rank());
    case v1::WatchEvent::ENTERED_TOP_K: return absl::StrCat("entered   #", e.rank());
    case v1::WatchEvent::LEFT_TOP_K: return absl::StrCat("left      (was #", e.previous_rank(), ")");
    case v1::WatchEvent::CURRENT_BEST_VACANCY: return "best now";
    case v1::WatchEvent::NEW_BEST_VACANCY: return "new best";
    default: return "?";
  }
}

std::string Cause(v1::WatchCause cause) {
  switch (cause) {
    case v1::WATCH_CAUSE_STARTED: return "at start";
    case v1::WATCH_CAUSE_CANDIDATE_CHANGED: return "candidate changed";
    case v1::WATCH_CAUSE_VACANCY_CHANGED: return "vacancy changed";
    case v1::WATCH_CAUSE_MODEL_CHANGED: return "policy/taxonomy changed";
    default: return "";
  }
}

void PrintEvent(std::ostream& out, const v1::WatchEvent& e) {
  const std::string time = e.changed_at().size() >= 19 ? e.changed_at().substr(11, 8) : "";
  std::string line = absl::StrFormat("%-8s %-18s vacancy %-12s candidate %-12s", time, What(e),
                                     e.vacancy_id().empty() ? "(none)" : e.vacancy_id(), e.candidate_id());
  if (e.score() > 0) absl::StrAppendFormat(&line, " score %.3f", e.score());
  if (!e.previous_vacancy_id().empty()) absl::StrAppend(&line, " (before: ", e.previous_vacancy_id(), ")");
  absl::StrAppend(&line, "  [", Cause(e.cause()), "]");
  out << line << "\n";
  if (!e.reasons().empty()) out << "         " << absl::StrJoin(e.reasons(), "; ") << "\n";
}

int RunWatch(const ParsedArgs& args, Env& env) {
  v1::WatchRequest request;
  for (const std::string& id : args.GetList("vacancy")) request.add_vacancy_ids(id);
  for (const std::string& id : args.GetList("candidate")) request.add_candidate_ids(id);
  request.set_in_scope(args.Has("in-scope"));
  if (request.vacancy_ids().empty() && request.candidate_ids().empty() && !request.in_scope()) {
    return env.Usage("name --vacancy or --candidate ids to watch, or --in-scope");
  }
  auto k = args.GetUint("k");
  if (!k.ok()) return env.Usage(k.status().message());
  if (k->has_value()) request.set_k(static_cast<uint32_t>(**k));
  auto count = args.GetUint("count");
  if (!count.ok()) return env.Usage(count.status().message());
  request.set_resume_token(args.Get("resume"));
  request.set_language(env.language);
  grpc::ClientContext context;
  env.SetDeadline(&context, true);
  auto reader = v1::WatchService::NewStub(env.channel())->Watch(&context, request);
  uint64_t events = 0;
  std::string last_token = request.resume_token();
  v1::WatchResponse response;
  while (reader->Read(&response)) {
    if (env.json) {
      env.out() << MessageToJson(response, false) << "\n";
    } else if (response.has_notice() && response.notice().kind() != v1::WatchNotice::PROGRESS) {
      env.err() << "watch: " << response.notice().message() << "\n";
    }
    if (!response.notice().resume_token().empty()) last_token = response.notice().resume_token();
    for (const v1::WatchEvent& e : response.events()) {
      if (!env.json) PrintEvent(env.out(), e);
      last_token = e.resume_token();
      ++events;
    }
    env.out().flush();
    if (count->has_value() && events >= **count) {
      context.TryCancel();
      while (reader->Read(&response)) {
      }
      (void)reader->Finish();
      env.err() << "watch: stopped after " << events << " events; continue with --resume " << last_token << "\n";
      return kExitOk;
    }
  }
  const grpc::Status status = reader->Finish();
  if (!last_token.empty()) env.err() << "watch: continue with --resume " << last_token << "\n";
  return env.RpcError(status, "watch");
}

}  // namespace

std::vector<Command> WatchCommands() {
  std::vector<Command> commands;
  commands.push_back(
      {{{"watch"},
        "",
        "Live alerts: who enters or leaves a vacancy's top k, a candidate's new best vacancy.",
        "Prints the current state first, then one line per change as it is acknowledged\n"
        "(a candidate upserted, a vacancy pushed or closed, a policy change), with the\n"
        "rank, the score and the reasons, until interrupted. A dropped connection prints\n"
        "the token to continue with --resume, so nothing is missed (events are kept\n"
        "--watch_retention_seconds on the server).\n\n"
        "Examples:\n  w2w watch --vacancy v-42 -k 5\n  w2w watch --candidate c-1,c-2\n"
        "  w2w watch --in-scope            (every vacancy pushed in a coach's scope)",
        {{"vacancy", "", "ID[,ID...]", "Vacancies whose top k to follow (repeatable)"},
         {"candidate", "", "ID[,ID...]", "Candidates whose best vacancy to follow (repeatable)"},
         {"in-scope", "", "", "Also every vacancy created or changed in your scope from now on"},
         {"k", "k", "N", "The k of top k (default 10, at most 100)"},
         {"count", "", "N", "Stop after N events (for scripts)"},
         {"resume", "", "TOKEN", "Continue after the event with this resume token"}},
        0, 0},
       RunWatch});
  return commands;
}

}  // namespace w2w::cli
