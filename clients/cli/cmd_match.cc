// Matching commands: shortlist (vacancy -> candidates), matches (candidate -> vacancies),
// explain (one pair, full breakdown).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "formats/enums.h"
#include "clients/cli/env.h"
#include "clients/cli/format.h"
#include "clients/cli/labels.h"
#include "formats/record_reader.h"
#include "clients/cli/table.h"
#include "w2w/v1/match.grpc.pb.h"

namespace w2w::cli {

using ::w2w::formats::ParseSector;
using ::w2w::formats::ParseCandidateStatus;
using ::w2w::formats::SectorCode;
using ::w2w::formats::CandidateStatusName;
using ::w2w::formats::MessageToJson;
namespace {

using w2w::v1::Explanation;

constexpr size_t kReasonsWidth = 60;
constexpr size_t kJobWidth = 30;
constexpr int kScoreDecimals = 3;

std::string Weeks(double weeks) { return weeks == 0 ? "-" : absl::StrFormat("%.1f", weeks); }

std::string Euros(double euros) { return absl::StrFormat("EUR %.0f", euros); }

// The six contributions, as table cells.
std::vector<std::string> ContributionCells(const Explanation& e) {
  return {Fixed(e.trade().contribution(), kScoreDecimals),
          Fixed(e.sector().contribution(), kScoreDecimals),
          Fixed(e.qualifications().contribution(), kScoreDecimals),
          Fixed(e.distance().contribution(), kScoreDecimals),
          Fixed(e.availability().contribution(), kScoreDecimals),
          Fixed(e.urgency().contribution(), kScoreDecimals)};
}

void PrintExplanation(std::ostream& out, const Explanation& e, double score,
                      TradeLabels* labels) {
  Table components({"COMPONENT", "VALUE", "", "WEIGHT", "", "CONTRIBUTION"});
  for (size_t c : {1, 3, 5}) components.AlignRight(c);
  const std::pair<const char*, const w2w::v1::Component*> rows[] = {
      {"trade", &e.trade()},         {"sector mobility", &e.sector()},
      {"qualifications", &e.qualifications()}, {"distance", &e.distance()},
      {"availability", &e.availability()},     {"urgency", &e.urgency()}};
  for (const auto& [name, c] : rows) {
    components.AddRow({name, Fixed(c->value(), kScoreDecimals), "x",
                       Fixed(c->weight(), kScoreDecimals), "=",
                       Fixed(c->contribution(), kScoreDecimals)});
  }
  components.AddRow({"total score", "", "", "", "", Fixed(score, kScoreDecimals)});
  components.Print(out);
  out << "\n";
  std::vector<std::pair<std::string, std::string>> fields;
  if (!e.matched_trade().empty()) {
    const std::string label = labels->Label(e.matched_trade());
    fields.emplace_back("matched trade",
                        absl::StrFormat("%s%s, skill coverage %.2f, %d years experience", label,
                                        label == e.matched_trade()
                                            ? ""
                                            : absl::StrCat(" [", e.matched_trade(), "]"),
                                        e.trade_similarity(), e.years_experience()));
  }
  std::string cluster;
  if (e.same_cluster()) {
    cluster = " (same SPT cluster)";
  } else if (e.candidate_place().region() == e.vacancy_place().region()) {
    cluster = " (same region)";
  } else {
    cluster = " (not in one SPT cluster)";
  }
  auto place = [](const v1::Place& p) {
    if (p.basis() == v1::LOCATION_BASIS_REGION_ANCHOR) {
      return absl::StrCat(p.region(), " (anchor ", p.name(), ")");
    }
    return p.name();
  };
  fields.emplace_back("distance",
                      absl::StrFormat("%.0f km%s, %s -> %s", e.distance_km(), cluster,
                                      place(e.candidate_place()), place(e.vacancy_place())));
  fields.emplace_back("preferred held",
                      e.preferred_held().empty() ? "-" : absl::StrJoin(e.preferred_held(), ", "));
  if (e.missing().empty()) {
    fields.emplace_back("retraining", "none needed");
  } else {
    fields.emplace_back("retraining", absl::StrFormat("%.1f weeks, %s in total",
                                                      e.retraining_weeks(),
                                                      Euros(e.retraining_cost_eur())));
  }
  PrintFields(out, fields);
  if (!e.missing().empty()) {
    out << "\nRetraining plan:\n";
    Table plan({"QUALIFICATION", "NAME", "WEEKS", "COST", "NEEDED"});
    plan.AlignRight(2);
    plan.AlignRight(3);
    for (const auto& step : e.missing()) {
      plan.AddRow({step.qualification(), OrDash(step.name()), Weeks(step.weeks()),
                   Euros(step.cost_eur()), step.required() ? "required" : "preferred"});
    }
    plan.Print(out);
  }
  if (!e.reasons().empty()) {
    out << "\nReasons:\n";
    for (const std::string& r : e.reasons()) out << "  - " << r << "\n";
  }
}

// Parses the filter flags shared by shortlist and matches.
absl::Status ParseFilter(const ParsedArgs& args, bool with_status, w2w::v1::MatchFilter* f,
                         uint32_t* k) {
  auto kv = args.GetUint("k");
  if (!kv.ok()) return kv.status();
  *k = static_cast<uint32_t>(kv->value_or(0));
  auto min_score = args.GetDouble("min-score");
  if (!min_score.ok()) return min_score.status();
  f->set_min_score(min_score->value_or(0));
  auto weeks = args.GetDouble("max-weeks");
  if (!weeks.ok()) return weeks.status();
  f->set_max_retraining_weeks(weeks->value_or(0));
  for (const std::string& r : args.GetList("region")) f->add_regions(r);
  for (const std::string& s : args.GetList("sector")) {
    auto sector = ParseSector(s);
    if (!sector.ok()) return sector.status();
    f->add_sectors(*sector);
  }
  if (with_status) {
    for (const std::string& s : args.GetList("status")) {
      auto status = ParseCandidateStatus(s);
      if (!status.ok()) return status.status();
      f->add_statuses(*status);
    }
  }
  return absl::OkStatus();
}

std::vector<FlagSpec> FilterFlags(bool with_status) {
  std::vector<FlagSpec> flags = {
      {"k", "k", "N", "Number of results, 1..1000 (default 20)"},
      {"min-score", "", "S", "Leave out results scoring below S (0..1)"},
      {"region", "", "R[,R...]", "Only these regions of the other side (repeatable)"},
      {"sector", "", "S[,S...]", "Only these sectors of the other side (ME, INST, ...)"},
      {"max-weeks", "", "W", "At most W weeks of retraining (default: policy cap)"},
      {"explain", "", "", "Print the full breakdown of every result after the table"},
  };
  if (with_status) {
    flags.insert(flags.begin() + 4,
                 {"status", "", "ST[,ST...]", "Only candidates with these statuses"});
  }
  return flags;
}

// What a ranked table calls its records: the id column's header and the noun in titles.
struct RankedKind {
  const char* id_header;  // "CANDIDATE"
  const char* noun;       // "candidate"
};

// A column after the scores: its header and the width it is cut to (0 = no limit).
struct ExtraColumn {
  const char* header;
  size_t max_width;
};

// Prints ranked matches (shortlist or matches) as one table: #, the id, SCORE, the six
// contributions, KM, RETRAIN WKS, the `extra` columns (`extra_cells(match)` fills them, in
// order) and REASONS. With `explain`, each match's full breakdown follows.
template <typename Match, typename IdFn, typename CellsFn>
void PrintRanked(const google::protobuf::RepeatedPtrField<Match>& matches, RankedKind kind,
                 const std::vector<ExtraColumn>& extra, IdFn id, CellsFn extra_cells,
                 bool explain, TradeLabels& labels, Env& env) {
  std::vector<std::string> headers = {"#",   kind.id_header, "SCORE", "TRADE", "SECT", "QUAL",
                                      "DIST", "AVAIL",       "URG",   "KM",    "RETRAIN WKS"};
  const size_t first_extra = headers.size();
  for (const ExtraColumn& c : extra) headers.push_back(c.header);
  headers.push_back("REASONS");
  Table table(headers);
  for (size_t c = 0; c < first_extra; ++c) {
    if (c != 1) table.AlignRight(c);
  }
  for (size_t c = 0; c < extra.size(); ++c) {
    if (extra[c].max_width > 0) table.LimitWidth(first_extra + c, extra[c].max_width);
  }
  table.LimitWidth(headers.size() - 1, kReasonsWidth);
  int rank = 0;
  for (const Match& m : matches) {
    std::vector<std::string> row = {absl::StrCat(++rank), id(m), Fixed(m.score(), kScoreDecimals)};
    for (std::string& cell : ContributionCells(m.explanation())) row.push_back(std::move(cell));
    row.push_back(absl::StrFormat("%.0f", m.explanation().distance_km()));
    row.push_back(Weeks(m.explanation().retraining_weeks()));
    for (std::string& cell : extra_cells(m)) row.push_back(std::move(cell));
    row.push_back(absl::StrJoin(m.explanation().reasons(), "; "));
    table.AddRow(std::move(row));
  }
  table.Print(env.out());
  if (!explain) return;
  rank = 0;
  for (const Match& m : matches) {
    env.out() << absl::StrFormat("\n== #%d %s %s: score %.3f ==\n", ++rank, kind.noun, id(m),
                                 m.score());
    PrintExplanation(env.out(), m.explanation(), m.score(), &labels);
  }
}

int RunShortlist(const ParsedArgs& args, Env& env) {
  w2w::v1::ShortlistRequest request;
  request.set_vacancy_id(args.positional()[0]);
  request.set_language(env.language);
  uint32_t k = 0;
  if (auto s = ParseFilter(args, true, request.mutable_filter(), &k); !s.ok()) {
    return env.Usage(s.message());
  }
  request.set_k(k);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::ShortlistResponse response;
  auto status =
      w2w::v1::MatchService::NewStub(env.channel())->Shortlist(&context, request, &response);
  if (!status.ok()) {
    return env.RpcError(status, absl::StrCat("shortlist for vacancy ", request.vacancy_id()));
  }
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  TradeLabels labels(&env);
  env.out() << absl::StrFormat(
      "Shortlist for vacancy %s: %d candidates (policy v%d, %d scored in %.1f ms)\n\n",
      request.vacancy_id(), response.matches_size(), response.policy_version(),
      response.candidates_scored(), response.elapsed_ms());
  if (response.matches().empty()) {
    env.out() << "No candidate qualifies: check that the vacancy is open and not expired, "
                 "or relax the filters.\n";
    return kExitOk;
  }
  PrintRanked(
      response.matches(), {"CANDIDATE", "candidate"}, {{"REGION", 0}, {"STATUS", 0}},
      [](const w2w::v1::CandidateMatch& m) { return m.candidate_id(); },
      [](const w2w::v1::CandidateMatch& m) {
        return std::vector<std::string>{m.region(), CandidateStatusName(m.status())};
      },
      args.Has("explain"), labels, env);
  return kExitOk;
}

int RunMatches(const ParsedArgs& args, Env& env) {
  w2w::v1::MatchCandidateRequest request;
  request.set_candidate_id(args.positional()[0]);
  request.set_language(env.language);
  uint32_t k = 0;
  if (auto s = ParseFilter(args, false, request.mutable_filter(), &k); !s.ok()) {
    return env.Usage(s.message());
  }
  request.set_k(k);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::MatchCandidateResponse response;
  auto status = w2w::v1::MatchService::NewStub(env.channel())->MatchCandidate(&context, request,
                                                                              &response);
  if (!status.ok()) {
    return env.RpcError(status, absl::StrCat("matches for candidate ", request.candidate_id()));
  }
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  TradeLabels labels(&env);
  env.out() << absl::StrFormat(
      "Vacancies for candidate %s: %d matches (policy v%d, %d scored in %.1f ms)\n\n",
      request.candidate_id(), response.matches_size(), response.policy_version(),
      response.vacancies_scored(), response.elapsed_ms());
  if (response.matches().empty()) {
    env.out() << "No open vacancy qualifies: check the candidate's status and travel "
                 "distance, or relax the filters.\n";
    return kExitOk;
  }
  PrintRanked(
      response.matches(), {"VACANCY", "vacancy"},
      {{"EMPLOYER", 0}, {"REGION", 0}, {"SECTOR", 0}, {"JOB", kJobWidth}},
      [](const w2w::v1::VacancyMatch& m) { return m.vacancy_id(); },
      [&](const w2w::v1::VacancyMatch& m) {
        std::string job = m.title().empty() ? labels.Label(m.trade()) : m.title();
        if (m.hard_to_fill()) job += " (hard to fill)";
        return std::vector<std::string>{m.employer_id(), m.region(), SectorCode(m.sector()),
                                        std::move(job)};
      },
      args.Has("explain"), labels, env);
  return kExitOk;
}

int RunExplain(const ParsedArgs& args, Env& env) {
  w2w::v1::ExplainMatchRequest request;
  request.set_candidate_id(args.positional()[0]);
  request.set_vacancy_id(args.positional()[1]);
  request.set_language(env.language);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::ExplainMatchResponse response;
  auto status = w2w::v1::MatchService::NewStub(env.channel())->ExplainMatch(&context, request,
                                                                            &response);
  if (!status.ok()) {
    return env.RpcError(status, absl::StrCat("explain candidate ", request.candidate_id(),
                                             " x vacancy ", request.vacancy_id()));
  }
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  TradeLabels labels(&env);
  env.out() << "Candidate " << request.candidate_id() << " x vacancy " << request.vacancy_id()
            << " (policy v" << response.policy_version() << ")\n";
  if (response.excluded()) {
    env.out() << "EXCLUDED: " << OrDash(response.exclusion_reason())
              << "\nThis pair never appears in a shortlist. Breakdown for reference:\n\n";
  } else {
    env.out() << "score " << Fixed(response.score(), kScoreDecimals) << "\n\n";
  }
  PrintExplanation(env.out(), response.explanation(), response.score(), &labels);
  return kExitOk;
}

}  // namespace

std::vector<Command> MatchCommands() {
  std::vector<Command> commands;
  commands.push_back(
      {{{"shortlist"},
        "VACANCY_ID",
        "Rank candidates for an open vacancy (the coach's shortlist).",
        "Columns TRADE..URG are each component's contribution to the score (they add up\n"
        "to SCORE); KM is the distance between the regions; RETRAIN WKS the retraining\n"
        "needed for missing required qualifications.\n\n"
        "Examples:\n  w2w shortlist v-42 -k 10\n"
        "  w2w shortlist v-42 --status at_risk,notice_given --max-weeks 4 --explain",
        FilterFlags(true), 1, 1},
       RunShortlist});
  commands.push_back(
      {{{"matches"},
        "CANDIDATE_ID",
        "Rank open vacancies for a candidate, now or after short retraining.",
        "Examples:\n  w2w matches c-1 -k 10\n  w2w matches c-1 --sector ME,INST --min-score 0.5",
        FilterFlags(false), 1, 1},
       RunMatches});
  commands.push_back(
      {{{"explain"},
        "CANDIDATE_ID VACANCY_ID",
        "Explain one candidate-vacancy pair: every component, distance, retraining plan.",
        "Shows each component as value x weight = contribution, the distance in km and\n"
        "whether both regions share an SPT cluster, the retraining plan (qualification,\n"
        "weeks, cost) and the reasons; or why the pair is excluded.\n\n"
        "Example:\n  w2w explain c-1 v-42",
        {}, 2, 2},
       RunExplain});
  return commands;
}

}  // namespace w2w::cli
