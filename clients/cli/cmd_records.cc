// Record commands: get, list, delete, close, upsert.
#include <cstdint>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/enums.h"
#include "clients/cli/env.h"
#include "clients/cli/format.h"
#include "clients/cli/labels.h"
#include "formats/record_reader.h"
#include "clients/cli/table.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w::cli {

using ::w2w::formats::ParseSector;
using ::w2w::formats::ParseCandidateStatus;
using ::w2w::formats::ParseVacancyStatus;
using ::w2w::formats::SectorCode;
using ::w2w::formats::CandidateStatusName;
using ::w2w::formats::VacancyStatusName;
using ::w2w::formats::RecordKind;
using ::w2w::formats::ParseRecordKind;
using ::w2w::formats::MessageFromJson;
using ::w2w::formats::MessageToJson;
namespace {

using w2w::v1::CandidateService;
using w2w::v1::VacancyService;

constexpr uint64_t kDefaultListLimit = 50;
constexpr uint64_t kMaxPageSize = 1000;
constexpr size_t kQualsWidth = 32;
constexpr size_t kTitleWidth = 30;

int RunGet(const ParsedArgs& args, Env& env) {
  auto kind = ParseRecordKind(args.positional()[0]);
  if (!kind.ok()) return env.Usage(kind.status().message());
  const std::string& id = args.positional()[1];
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  TradeLabels labels(&env);
  if (*kind == RecordKind::kCandidate) {
    w2w::v1::GetCandidateRequest request;
    request.set_id(id);
    w2w::v1::Candidate c;
    auto status = CandidateService::NewStub(env.channel())->GetCandidate(&context, request, &c);
    if (!status.ok()) return env.RpcError(status, absl::StrCat("get candidate ", id));
    if (env.json) {
      env.out() << MessageToJson(c, true) << "\n";
    } else {
      PrintCandidate(env.out(), c, &labels);
    }
  } else {
    w2w::v1::GetVacancyRequest request;
    request.set_id(id);
    w2w::v1::Vacancy v;
    auto status = VacancyService::NewStub(env.channel())->GetVacancy(&context, request, &v);
    if (!status.ok()) return env.RpcError(status, absl::StrCat("get vacancy ", id));
    if (env.json) {
      env.out() << MessageToJson(v, true) << "\n";
    } else {
      PrintVacancy(env.out(), v, &labels);
    }
  }
  return kExitOk;
}

// Filters shared by both list commands, parsed from flags.
struct ListFilter {
  std::string region, trade, employer;
  w2w::v1::Sector sector = w2w::v1::SECTOR_UNSPECIFIED;
  std::string status;
  uint64_t limit = kDefaultListLimit;
  uint64_t page_size = 0;
};

absl::StatusOr<ListFilter> ParseListFilter(const ParsedArgs& args) {
  ListFilter f;
  f.region = args.Get("region");
  f.trade = args.Get("trade");
  f.employer = args.Get("employer");
  f.status = args.Get("status");
  if (args.Has("sector")) {
    auto sector = ParseSector(args.Get("sector"));
    if (!sector.ok()) return sector.status();
    f.sector = *sector;
  }
  auto limit = args.GetUint("limit");
  if (!limit.ok()) return limit.status();
  f.limit = limit->value_or(kDefaultListLimit);
  if (f.limit == 0) f.limit = UINT64_MAX;  // --limit 0: every record (an export).
  auto page = args.GetUint("page-size");
  if (!page.ok()) return page.status();
  f.page_size = page->value_or(std::min<uint64_t>(f.limit, kMaxPageSize));
  return f;
}

// Fills the filter fields both List requests share; `parse_status` turns --status into the
// request's enum. Returns its error for a bad --status.
template <typename Request, typename ParseStatus>
absl::Status FillListRequest(const ListFilter& f, ParseStatus parse_status, Request* request) {
  request->set_page_size(static_cast<uint32_t>(f.page_size));
  request->set_region(f.region);
  request->set_sector(f.sector);
  request->set_trade(f.trade);
  request->set_employer_id(f.employer);
  if (!f.status.empty()) {
    auto status = parse_status(f.status);
    if (!status.ok()) return status.status();
    request->set_status(*status);
  }
  return absl::OkStatus();
}

// Pages through a List RPC until `limit` records are shown or the server has no more.
// `fetch(context, request, response)` calls the RPC; `records(response)` names the page's
// records; `add_row(record)` adds one to `table`. Prints the table (or one JSON object per
// line with --json) and a count of `noun`. Returns the CLI exit code.
template <typename Request, typename Response, typename Fetch, typename Records, typename AddRow>
int PageThrough(const ListFilter& f, absl::string_view noun, Request request, Fetch fetch,
                Records records, AddRow add_row, Table& table, Env& env) {
  uint64_t shown = 0;
  bool more = false;
  while (shown < f.limit) {
    grpc::ClientContext context;
    env.SetDeadline(&context, false);
    Response response;
    auto status = fetch(&context, request, &response);
    if (!status.ok()) return env.RpcError(status, absl::StrCat("list ", noun));
    for (const auto& record : records(response)) {
      if (shown >= f.limit) {
        more = true;
        break;
      }
      ++shown;
      if (env.json) {
        env.out() << MessageToJson(record, false) << "\n";
      } else {
        add_row(record);
      }
    }
    if (response.next_page_token().empty()) break;
    more = true;
    request.set_page_token(response.next_page_token());
  }
  if (!env.json) {
    table.Print(env.out());
    env.out() << shown << " " << noun << (more ? " shown (more exist: raise --limit)" : "")
              << "\n";
  }
  return kExitOk;
}

int ListCandidates(const ListFilter& f, Env& env) {
  w2w::v1::ListCandidatesRequest request;
  if (auto s = FillListRequest(f, ParseCandidateStatus, &request); !s.ok()) {
    return env.Usage(s.message());
  }
  auto stub = CandidateService::NewStub(env.channel());
  TradeLabels labels(&env);
  Table table({"ID", "REGION", "SECTOR", "STATUS", "MAIN TRADE", "YRS", "QUALIFICATIONS",
               "EMPLOYER", "VERSION"});
  table.AlignRight(5);
  table.AlignRight(8);
  table.LimitWidth(6, kQualsWidth);
  return PageThrough<w2w::v1::ListCandidatesRequest, w2w::v1::ListCandidatesResponse>(
      f, "candidates", request,
      [&](grpc::ClientContext* context, const w2w::v1::ListCandidatesRequest& req,
          w2w::v1::ListCandidatesResponse* response) {
        return stub->ListCandidates(context, req, response);
      },
      [](const w2w::v1::ListCandidatesResponse& r) -> const auto& { return r.candidates(); },
      [&](const w2w::v1::Candidate& c) {
        const bool has_trade = c.trades_size() > 0;
        table.AddRow({c.id(), c.region(), SectorCode(c.sector()),
                      CandidateStatusName(c.status()),
                      has_trade ? labels.Label(c.trades(0).code()) : "-",
                      has_trade ? absl::StrCat(c.trades(0).years()) : "",
                      absl::StrJoin(c.qualifications(), "|"), OrDash(c.employer_id()),
                      absl::StrCat(c.version())});
      },
      table, env);
}

int ListVacancies(const ListFilter& f, Env& env) {
  w2w::v1::ListVacanciesRequest request;
  if (auto s = FillListRequest(f, ParseVacancyStatus, &request); !s.ok()) {
    return env.Usage(s.message());
  }
  auto stub = VacancyService::NewStub(env.channel());
  TradeLabels labels(&env);
  Table table({"ID", "EMPLOYER", "REGION", "SECTOR", "TRADE", "TITLE", "POS", "HARD", "STATUS",
               "EXPIRES", "VERSION"});
  table.AlignRight(6);
  table.AlignRight(10);
  table.LimitWidth(5, kTitleWidth);
  return PageThrough<w2w::v1::ListVacanciesRequest, w2w::v1::ListVacanciesResponse>(
      f, "vacancies", request,
      [&](grpc::ClientContext* context, const w2w::v1::ListVacanciesRequest& req,
          w2w::v1::ListVacanciesResponse* response) {
        return stub->ListVacancies(context, req, response);
      },
      [](const w2w::v1::ListVacanciesResponse& r) -> const auto& { return r.vacancies(); },
      [&](const w2w::v1::Vacancy& v) {
        table.AddRow({v.id(), v.employer_id(), v.region(), SectorCode(v.sector()),
                      labels.Label(v.trade()), OrDash(v.title()),
                      absl::StrCat(v.positions() == 0 ? 1 : v.positions()),
                      v.hard_to_fill() ? "yes" : "", VacancyStatusName(v.status()),
                      OrDash(v.expires_at()), absl::StrCat(v.version())});
      },
      table, env);
}

int RunList(const ParsedArgs& args, Env& env) {
  auto kind = ParseRecordKind(args.positional()[0]);
  if (!kind.ok()) return env.Usage(kind.status().message());
  auto filter = ParseListFilter(args);
  if (!filter.ok()) return env.Usage(filter.status().message());
  if (filter->page_size == 0 || filter->page_size > kMaxPageSize) {
    return env.Usage("--page-size must be 1..1000");
  }
  return *kind == RecordKind::kCandidate ? ListCandidates(*filter, env)
                                         : ListVacancies(*filter, env);
}

int RunDelete(const ParsedArgs& args, Env& env) {
  auto kind = ParseRecordKind(args.positional()[0]);
  if (!kind.ok()) return env.Usage(kind.status().message());
  auto version = args.GetUint("version");
  if (!version.ok()) return env.Usage(version.status().message());
  const std::string& id = args.positional()[1];
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  uint64_t deleted = 0;
  grpc::Status status;
  if (*kind == RecordKind::kCandidate) {
    w2w::v1::DeleteCandidateRequest request;
    request.set_id(id);
    request.set_expected_version(version->value_or(0));
    w2w::v1::DeleteCandidateResponse response;
    status = CandidateService::NewStub(env.channel())->DeleteCandidate(&context, request,
                                                                       &response);
    deleted = response.deleted_version();
    if (status.ok() && env.json) env.out() << MessageToJson(response, true) << "\n";
  } else {
    w2w::v1::DeleteVacancyRequest request;
    request.set_id(id);
    request.set_expected_version(version->value_or(0));
    w2w::v1::DeleteVacancyResponse response;
    status = VacancyService::NewStub(env.channel())->DeleteVacancy(&context, request,
                                                                   &response);
    deleted = response.deleted_version();
    if (status.ok() && env.json) env.out() << MessageToJson(response, true) << "\n";
  }
  const std::string what =
      absl::StrCat(*kind == RecordKind::kCandidate ? "candidate " : "vacancy ", id);
  if (!status.ok()) return env.RpcError(status, absl::StrCat("delete ", what));
  if (!env.json) env.out() << "deleted " << what << " (version " << deleted << ")\n";
  return kExitOk;
}

int RunClose(const ParsedArgs& args, Env& env) {
  if (args.positional()[0] != "vacancy" && args.positional()[0] != "vacancies") {
    return env.Usage("only vacancies can be closed: w2w close vacancy ID");
  }
  auto version = args.GetUint("version");
  if (!version.ok()) return env.Usage(version.status().message());
  w2w::v1::CloseVacancyRequest request;
  request.set_id(args.positional()[1]);
  request.set_status(args.Has("filled") ? w2w::v1::VACANCY_STATUS_FILLED
                                        : w2w::v1::VACANCY_STATUS_CLOSED);
  request.set_expected_version(version->value_or(0));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::Vacancy v;
  auto status = VacancyService::NewStub(env.channel())->CloseVacancy(&context, request, &v);
  if (!status.ok()) return env.RpcError(status, absl::StrCat("close vacancy ", request.id()));
  if (env.json) {
    env.out() << MessageToJson(v, true) << "\n";
  } else {
    env.out() << "vacancy " << v.id() << " is now " << VacancyStatusName(v.status())
              << " (version " << v.version() << ")\n";
  }
  return kExitOk;
}

int RunUpsert(const ParsedArgs& args, Env& env) {
  auto kind = ParseRecordKind(args.positional()[0]);
  if (!kind.ok()) return env.Usage(kind.status().message());
  if (!args.Has("file")) return env.Usage("--file F.json is required");
  std::ifstream file(args.Get("file"));
  if (!file) return env.Error(absl::StrCat(args.Get("file"), ": cannot open the file"));
  std::stringstream text;
  text << file.rdbuf();
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  TradeLabels labels(&env);
  if (*kind == RecordKind::kCandidate) {
    w2w::v1::UpsertCandidateRequest request;
    if (auto s = MessageFromJson(text.str(), request.mutable_candidate()); !s.ok()) {
      return env.Error(absl::StrCat(args.Get("file"), ": not a Candidate in protobuf JSON: ",
                                    s.message()));
    }
    w2w::v1::UpsertCandidateResponse response;
    auto status =
        CandidateService::NewStub(env.channel())->UpsertCandidate(&context, request, &response);
    if (!status.ok()) {
      return env.RpcError(status, absl::StrCat("upsert candidate ", request.candidate().id()));
    }
    if (env.json) {
      env.out() << MessageToJson(response, true) << "\n";
      return kExitOk;
    }
    env.out() << (response.changed() ? "stored" : "unchanged") << ": candidate "
              << response.candidate().id() << " version " << response.candidate().version()
              << "\n\n";
    PrintCandidate(env.out(), response.candidate(), &labels);
  } else {
    w2w::v1::UpsertVacancyRequest request;
    if (auto s = MessageFromJson(text.str(), request.mutable_vacancy()); !s.ok()) {
      return env.Error(absl::StrCat(args.Get("file"), ": not a Vacancy in protobuf JSON: ",
                                    s.message()));
    }
    w2w::v1::UpsertVacancyResponse response;
    auto status =
        VacancyService::NewStub(env.channel())->UpsertVacancy(&context, request, &response);
    if (!status.ok()) {
      return env.RpcError(status, absl::StrCat("upsert vacancy ", request.vacancy().id()));
    }
    if (env.json) {
      env.out() << MessageToJson(response, true) << "\n";
      return kExitOk;
    }
    env.out() << (response.changed() ? "stored" : "unchanged") << ": vacancy "
              << response.vacancy().id() << " version " << response.vacancy().version()
              << "\n\n";
    PrintVacancy(env.out(), response.vacancy(), &labels);
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> RecordCommands() {
  std::vector<Command> commands;
  commands.push_back({{{"get"}, "candidate|vacancy ID", "Show one candidate or vacancy.",
                       "Examples:\n  w2w get candidate c-000123\n  w2w get vacancy v-42 --json",
                       {}, 2, 2},
                      RunGet});
  commands.push_back(
      {{{"list"},
        "candidates|vacancies",
        "List candidates or vacancies in id order, with optional filters.",
        "Pages are followed until --limit records are shown. With --json every record is\n"
        "printed as one JSON line, which `w2w import` reads back (--limit 0 exports all).\n\n"
        "Examples:\n  w2w list candidates --region Twente --sector ME --status at_risk\n"
        "  w2w list vacancies --employer emp-17 --limit 500",
        {{"region", "", "REGION", "Region name or number 1..35"},
         {"sector", "", "SECTOR", "ME, INST, PROC, BOUW, MVT or OTHER"},
         {"trade", "", "TRADE", "ESCO occupation id or code"},
         {"status", "", "STATUS", "at_risk, notice_given, ... / open, filled, closed"},
         {"employer", "", "ID", "Employer id"},
         {"limit", "", "N", "Show at most N records (default 50; 0 = all)"},
         {"page-size", "", "N", "Records per call, 1..1000 (default min(limit, 1000))"}},
        1, 1},
       RunList});
  commands.push_back({{{"delete"}, "candidate|vacancy ID", "Delete a candidate or vacancy.",
                       "Examples:\n  w2w delete candidate c-1\n  w2w delete vacancy v-9 "
                       "--version 3",
                       {{"version", "", "N", "Delete only if the stored version is N"}}, 2, 2},
                      RunDelete});
  commands.push_back(
      {{{"close"}, "vacancy ID", "Close a vacancy (as CLOSED, or FILLED with --filled).",
        "Example:\n  w2w close vacancy v-9 --filled",
        {{"filled", "", "", "Close as filled instead of closed"},
         {"version", "", "N", "Close only if the stored version is N"}},
        2, 2},
       RunClose});
  commands.push_back(
      {{{"upsert"}, "candidate|vacancy", "Create or replace one record from a JSON file.",
        "The file holds one Candidate or Vacancy in protobuf JSON (docs/formats.md).\n\n"
        "Example:\n  w2w upsert candidate --file c-1.json",
        {{"file", "", "F.json", "The record (required)"}}, 1, 1},
       RunUpsert});
  return commands;
}

}  // namespace w2w::cli
