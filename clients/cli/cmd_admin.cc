// Administration commands: policy get/set, taxonomy listings and add-qualification,
// info and ping.
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "formats/enums.h"
#include "clients/cli/env.h"
#include "clients/cli/format.h"
#include "formats/record_reader.h"
#include "clients/cli/table.h"
#include "google/protobuf/descriptor.h"
#include "w2w/v1/admin.grpc.pb.h"
#include "w2w/v1/policy.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"
#include "w2w/v1/taxonomy.grpc.pb.h"

namespace w2w::cli {

using ::w2w::formats::ParseQualificationKind;
using ::w2w::formats::SectorCode;
using ::w2w::formats::CandidateStatusName;
using ::w2w::formats::QualificationKindName;
using ::w2w::formats::MessageFromJson;
using ::w2w::formats::MessageToJson;
namespace {

using google::protobuf::FieldDescriptor;

constexpr uint64_t kDefaultTradeLimit = 100;
constexpr uint64_t kMaxTradePage = 1000;

// "name: value" for every singular scalar field of `message` (also unset ones).
std::vector<std::pair<std::string, std::string>> ScalarFields(
    const google::protobuf::Message& message) {
  std::vector<std::pair<std::string, std::string>> fields;
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* f = descriptor->field(i);
    if (f->is_repeated()) continue;
    std::string value;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_DOUBLE:
        value = absl::StrCat(reflection->GetDouble(message, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        value = absl::StrCat(reflection->GetUInt64(message, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        value = absl::StrCat(reflection->GetUInt32(message, f));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        value = absl::StrCat(reflection->GetInt64(message, f));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        value = absl::StrCat(reflection->GetInt32(message, f));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        value = reflection->GetBool(message, f) ? "true" : "false";
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        value = OrDash(reflection->GetString(message, f));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        value = reflection->GetEnum(message, f)->name();
        break;
      default:
        continue;
    }
    fields.emplace_back(f->name(), value);
  }
  return fields;
}

int RunPolicyGet(const ParsedArgs& args, Env& env) {
  auto version = args.GetUint("version");
  if (!version.ok()) return env.Usage(version.status().message());
  w2w::v1::GetPolicyRequest request;
  request.set_version(version->value_or(0));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::Policy p;
  auto status = w2w::v1::PolicyService::NewStub(env.channel())->GetPolicy(&context, request, &p);
  if (!status.ok()) return env.RpcError(status, "policy get");
  if (env.json) {
    env.out() << MessageToJson(p, true) << "\n";
    return kExitOk;
  }
  PrintFields(env.out(), ScalarFields(p));
  env.out() << "\nComponent weights:\n";
  PrintFields(env.out(), ScalarFields(p.weights()));
  if (!p.sector_mobility().empty()) {
    env.out() << "\nSector mobility (rows: candidate's sector, columns: vacancy's sector):\n";
    std::map<std::pair<int, int>, double> matrix;
    std::vector<int> sectors;
    for (int s = w2w::v1::SECTOR_ME; s <= w2w::v1::SECTOR_OTHER; ++s) sectors.push_back(s);
    for (const auto& m : p.sector_mobility()) matrix[{m.from(), m.to()}] = m.weight();
    std::vector<std::string> header = {"FROM \\ TO"};
    for (int s : sectors) header.push_back(SectorCode(static_cast<w2w::v1::Sector>(s)));
    Table table(header);
    for (size_t c = 1; c < header.size(); ++c) table.AlignRight(c);
    for (int from : sectors) {
      std::vector<std::string> row = {SectorCode(static_cast<w2w::v1::Sector>(from))};
      for (int to : sectors) {
        auto it = matrix.find({from, to});
        row.push_back(it == matrix.end() ? "." : Fixed(it->second, 2));
      }
      table.AddRow(row);
    }
    table.Print(env.out());
  }
  if (!p.status_weights().empty()) {
    env.out() << "\nStatus weights (availability):\n";
    Table table({"STATUS", "WEIGHT"});
    table.AlignRight(1);
    for (const auto& w : p.status_weights()) {
      table.AddRow({CandidateStatusName(w.status()), Fixed(w.weight(), 2)});
    }
    table.Print(env.out());
  }
  if (!p.retraining().empty()) {
    env.out() << "\nRetraining overrides:\n";
    Table table({"QUALIFICATION", "WEEKS", "COST"});
    table.AlignRight(1);
    table.AlignRight(2);
    for (const auto& r : p.retraining()) {
      table.AddRow({r.qualification(), Fixed(r.weeks(), 1), absl::StrFormat("EUR %.0f", r.cost_eur())});
    }
    table.Print(env.out());
  }
  return kExitOk;
}

int RunPolicySet(const ParsedArgs& args, Env& env) {
  auto expect = args.GetUint("expect-version");
  if (!expect.ok()) return env.Usage(expect.status().message());
  const std::string& path = args.positional()[0];
  std::ifstream file(path);
  if (!file) return env.Error(absl::StrCat(path, ": cannot open the file"));
  std::stringstream text;
  text << file.rdbuf();
  w2w::v1::SetPolicyRequest request;
  if (auto s = MessageFromJson(text.str(), request.mutable_policy()); !s.ok()) {
    return env.Error(absl::StrCat(path, ": not a Policy in protobuf JSON: ", s.message()));
  }
  request.set_expected_version(expect->value_or(0));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::Policy p;
  auto status = w2w::v1::PolicyService::NewStub(env.channel())->SetPolicy(&context, request, &p);
  if (!status.ok()) return env.RpcError(status, absl::StrCat("policy set ", path));
  if (env.json) {
    env.out() << MessageToJson(p, true) << "\n";
  } else {
    env.out() << "policy version " << p.version() << " is now in force\n";
  }
  return kExitOk;
}

// Runs one unary taxonomy call with the deadline set; prints the error on failure.
template <typename Request, typename Response, typename Method>
bool CallTaxonomy(Env& env, Method method, const Request& request, Response* response,
                  absl::string_view what) {
  auto stub = w2w::v1::TaxonomyService::NewStub(env.channel());
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  auto status = ((*stub).*method)(&context, request, response);
  if (!status.ok()) {
    env.RpcError(status, what);
    return false;
  }
  return true;
}

int RunRegions(const ParsedArgs&, Env& env) {
  w2w::v1::ListRegionsResponse r;
  if (!CallTaxonomy(env, &w2w::v1::TaxonomyService::Stub::ListRegions,
                    w2w::v1::ListRegionsRequest(), &r, "taxonomy regions")) {
    return kExitError;
  }
  if (env.json) {
    env.out() << MessageToJson(r, true) << "\n";
    return kExitOk;
  }
  Table table({"NR", "REGION", "ANCHOR", "LAT", "LON", "CLUSTER", "TECH JOBS", "ME%", "INST%",
               "PROC%", "BOUW%", "MVT%"});
  for (size_t c : {0, 3, 4, 6, 7, 8, 9, 10, 11}) table.AlignRight(c);
  for (const auto& region : r.regions()) {
    std::vector<std::string> row = {absl::StrCat(region.number()), region.name(),
                                    region.anchor_city(), Fixed(region.lat(), 3),
                                    Fixed(region.lon(), 3), OrDash(region.cluster()),
                                    absl::StrCat(region.tech_jobs())};
    for (double pct : region.sector_share_pct()) row.push_back(Fixed(pct, 1));
    table.AddRow(std::move(row));
  }
  table.Print(env.out());
  env.out() << r.regions_size() << " regions (taxonomy v" << r.taxonomy_version() << ")\n";
  return kExitOk;
}

int RunClusters(const ParsedArgs&, Env& env) {
  w2w::v1::ListClustersResponse r;
  if (!CallTaxonomy(env, &w2w::v1::TaxonomyService::Stub::ListClusters,
                    w2w::v1::ListClustersRequest(), &r, "taxonomy clusters")) {
    return kExitError;
  }
  if (env.json) {
    env.out() << MessageToJson(r, true) << "\n";
    return kExitOk;
  }
  Table table({"CLUSTER", "REGIONS"});
  for (const auto& c : r.clusters()) table.AddRow({c.name(), absl::StrJoin(c.regions(), ", ")});
  table.Print(env.out());
  return kExitOk;
}

int RunSectors(const ParsedArgs&, Env& env) {
  w2w::v1::ListSectorsResponse r;
  if (!CallTaxonomy(env, &w2w::v1::TaxonomyService::Stub::ListSectors,
                    w2w::v1::ListSectorsRequest(), &r, "taxonomy sectors")) {
    return kExitError;
  }
  if (env.json) {
    env.out() << MessageToJson(r, true) << "\n";
    return kExitOk;
  }
  Table table({"CODE", "SECTOR", "SBI"});
  for (const auto& s : r.sectors()) table.AddRow({s.code(), s.name(), s.sbi()});
  table.Print(env.out());
  return kExitOk;
}

int RunMunicipalities(const ParsedArgs& args, Env& env) {
  w2w::v1::ListMunicipalitiesRequest request;
  request.set_region(args.Get("region"));
  w2w::v1::ListMunicipalitiesResponse r;
  if (!CallTaxonomy(env, &w2w::v1::TaxonomyService::Stub::ListMunicipalities, request, &r,
                    "taxonomy municipalities")) {
    return kExitError;
  }
  if (env.json) {
    env.out() << MessageToJson(r, true) << "\n";
    return kExitOk;
  }
  Table table({"MUNICIPALITY", "REGION", "LAT", "LON"});
  for (const auto& m : r.municipalities()) {
    table.AddRow({m.name(), m.region(), m.has_lat() ? Fixed(m.lat(), 4) : "-",
                  m.has_lon() ? Fixed(m.lon(), 4) : "-"});
  }
  table.Print(env.out());
  env.out() << r.municipalities_size() << " municipalities\n";
  return kExitOk;
}

int RunTrades(const ParsedArgs& args, Env& env) {
  auto limit = args.GetUint("limit");
  if (!limit.ok()) return env.Usage(limit.status().message());
  const uint64_t max_rows = limit->value_or(kDefaultTradeLimit);
  w2w::v1::ListTradesRequest request;
  request.set_query(args.Get("query"));
  request.set_isco_group(args.Get("isco"));
  request.set_language(env.language);
  request.set_page_size(
      static_cast<uint32_t>(std::min<uint64_t>(std::max<uint64_t>(max_rows, 1), kMaxTradePage)));
  Table table({"ID", "ESCO", "ISCO", "LABEL (NL)", "LABEL (EN)", "SKILLS"});
  table.AlignRight(5);
  table.LimitWidth(3, 40);
  table.LimitWidth(4, 40);
  uint64_t shown = 0;
  bool more = false;
  while (shown < max_rows) {
    w2w::v1::ListTradesResponse r;
    if (!CallTaxonomy(env, &w2w::v1::TaxonomyService::Stub::ListTrades, request, &r,
                      "taxonomy trades")) {
      return kExitError;
    }
    for (const auto& t : r.trades()) {
      if (shown >= max_rows) {
        more = true;
        break;
      }
      ++shown;
      if (env.json) {
        env.out() << MessageToJson(t, false) << "\n";
        continue;
      }
      table.AddRow({t.id(), t.esco_code(), t.isco_group(), t.label_nl(), t.label_en(),
                    absl::StrCat(t.essential_skills(), "+", t.optional_skills())});
    }
    if (r.next_page_token().empty()) break;
    more = true;
    request.set_page_token(r.next_page_token());
  }
  if (!env.json) {
    table.Print(env.out());
    env.out() << shown << " trades" << (more ? " shown (more exist: raise --limit)" : "") << "\n";
  }
  return kExitOk;
}

int RunQualifications(const ParsedArgs&, Env& env) {
  w2w::v1::ListQualificationsResponse r;
  if (!CallTaxonomy(env, &w2w::v1::TaxonomyService::Stub::ListQualifications,
                    w2w::v1::ListQualificationsRequest(), &r, "taxonomy qualifications")) {
    return kExitError;
  }
  if (env.json) {
    env.out() << MessageToJson(r, true) << "\n";
    return kExitOk;
  }
  Table table({"CODE", "NAME", "KIND", "WEEKS", "COST", "SOURCE"});
  table.AlignRight(3);
  table.AlignRight(4);
  table.LimitWidth(5, 40);
  for (const auto& q : r.qualifications()) {
    table.AddRow({q.code(), q.name(), QualificationKindName(q.kind()), Fixed(q.weeks(), 1),
                  absl::StrFormat("EUR %.0f", q.cost_eur()), OrDash(q.source())});
  }
  table.Print(env.out());
  env.out() << r.qualifications_size() << " qualifications (taxonomy v" << r.taxonomy_version()
            << ")\n";
  return kExitOk;
}

int RunAddQualification(const ParsedArgs& args, Env& env) {
  if (!args.Has("code") || !args.Has("name")) return env.Usage("--code and --name are required");
  w2w::v1::UpsertQualificationRequest request;
  auto* q = request.mutable_qualification();
  q->set_code(args.Get("code"));
  q->set_name(args.Get("name"));
  q->set_source(args.Get("source"));
  if (args.Has("kind")) {
    auto kind = ParseQualificationKind(args.Get("kind"));
    if (!kind.ok()) return env.Usage(kind.status().message());
    q->set_kind(*kind);
  }
  auto weeks = args.GetDouble("weeks");
  if (!weeks.ok()) return env.Usage(weeks.status().message());
  q->set_weeks(weeks->value_or(0));
  auto cost = args.GetDouble("cost");
  if (!cost.ok()) return env.Usage(cost.status().message());
  q->set_cost_eur(cost->value_or(0));
  w2w::v1::TaxonomyChange change;
  if (!CallTaxonomy(env, &w2w::v1::TaxonomyService::Stub::UpsertQualification, request,
                    &change, absl::StrCat("add qualification ", q->code()))) {
    return kExitError;
  }
  if (env.json) {
    env.out() << MessageToJson(change, true) << "\n";
  } else {
    env.out() << "qualification " << q->code() << " stored (taxonomy v"
              << change.taxonomy_version() << ")\n";
  }
  return kExitOk;
}

std::string Bytes(uint64_t bytes) {
  constexpr double kMiB = 1024.0 * 1024.0;
  return absl::StrFormat("%.1f MiB", bytes / kMiB);
}

int RunInfo(const ParsedArgs&, Env& env) {
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::ServerInfo info;
  auto status = w2w::v1::ServerInfoService::NewStub(env.channel())
                    ->GetServerInfo(&context, w2w::v1::GetServerInfoRequest(), &info);
  if (!status.ok()) return env.RpcError(status, "info");
  if (env.json) {
    env.out() << MessageToJson(info, true) << "\n";
    return kExitOk;
  }
  PrintFields(env.out(), {
      {"server", env.server},
      {"version", OrDash(info.version())},
      {"candidates", absl::StrCat(info.candidates())},
      {"vacancies", absl::StrCat(info.vacancies(), " (", info.open_vacancies(), " open)")},
      {"policy version", absl::StrCat(info.policy_version())},
      {"taxonomy version", absl::StrCat(info.taxonomy_version())},
      {"uptime", absl::StrFormat("%.0f s", info.uptime_seconds())},
      {"data dir", OrDash(info.data_dir())},
      {"disk free", absl::StrCat(Bytes(info.disk_free_bytes()), " (writes refused below ",
                                 Bytes(info.disk_reserve_bytes()), ")")},
      {"sync writes", info.sync_writes() ? "yes (fsync per write)" : "no"},
      {"index memory", Bytes(info.index_bytes())},
      {"startup rebuild", absl::StrFormat("%.2f s", info.startup_rebuild_seconds())},
  });
  return kExitOk;
}

void PrintBackups(std::ostream& out, const google::protobuf::RepeatedPtrField<w2w::v1::Backup>& backups) {
  Table table({"id", "created", "size", "files"});
  table.AlignRight(0);
  table.AlignRight(2);
  table.AlignRight(3);
  for (const w2w::v1::Backup& b : backups) {
    table.AddRow({absl::StrCat(b.backup_id()), b.created_at(), Bytes(b.size_bytes()), absl::StrCat(b.files())});
  }
  table.Print(out);
}

int RunBackup(const ParsedArgs& args, Env& env) {
  w2w::v1::CreateBackupRequest request;
  request.set_dir(args.Get("to"));
  if (request.dir().empty()) return env.Usage("--to DIR is required (a folder on the server's machine)");
  auto keep = args.GetUint("keep");
  if (!keep.ok()) return env.Usage(keep.status().message());
  request.set_keep(static_cast<uint32_t>(keep->value_or(0)));
  grpc::ClientContext context;
  env.SetDeadline(&context, true);  // A backup copies files: no unary deadline.
  w2w::v1::CreateBackupResponse response;
  auto status = w2w::v1::AdminService::NewStub(env.channel())->CreateBackup(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "admin backup");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  const w2w::v1::Backup& b = response.backup();
  env.out() << "backup " << b.backup_id() << " in " << request.dir() << ": " << Bytes(b.size_bytes()) << ", "
            << b.files() << " files, " << (response.verified() ? "checksums verified" : "not verified") << ", "
            << absl::StrFormat("%.2f s", response.elapsed_seconds()) << "\n";
  PrintBackups(env.out(), response.kept());
  return kExitOk;
}

int RunBackups(const ParsedArgs& args, Env& env) {
  w2w::v1::ListBackupsRequest request;
  request.set_dir(args.Get("dir"));
  if (request.dir().empty()) return env.Usage("--dir DIR is required (a folder on the server's machine)");
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::ListBackupsResponse response;
  auto status = w2w::v1::AdminService::NewStub(env.channel())->ListBackups(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "admin backups");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  PrintBackups(env.out(), response.backups());
  return kExitOk;
}

int RunPing(const ParsedArgs& args, Env& env) {
  auto count = args.GetUint("count");
  if (!count.ok()) return env.Usage(count.status().message());
  const uint64_t n = std::max<uint64_t>(count->value_or(1), 1);
  auto stub = w2w::v1::ServerInfoService::NewStub(env.channel());
  double best = 0, total = 0;
  for (uint64_t i = 0; i < n; ++i) {
    grpc::ClientContext context;
    env.SetDeadline(&context, false);
    w2w::v1::PingResponse response;
    const absl::Time start = absl::Now();
    auto status = stub->Ping(&context, w2w::v1::PingRequest(), &response);
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    if (!status.ok()) return env.RpcError(status, "ping");
    best = i == 0 ? ms : std::min(best, ms);
    total += ms;
  }
  if (n == 1) {
    env.out() << absl::StrFormat("pong from %s in %.2f ms\n", env.server, total);
  } else {
    env.out() << absl::StrFormat("%d pings to %s: best %.3f ms, mean %.3f ms\n", n, env.server,
                                 best, total / n);
  }
  return kExitOk;
}

Command Simple(std::vector<std::string> path, std::string summary, std::string details,
               std::function<int(const ParsedArgs&, Env&)> run, std::vector<FlagSpec> flags = {}) {
  Command c;
  c.spec.path = std::move(path);
  c.spec.summary = std::move(summary);
  c.spec.details = std::move(details);
  c.spec.flags = std::move(flags);
  c.run = std::move(run);
  return c;
}

}  // namespace

std::vector<Command> AdminCommands() {
  std::vector<Command> commands;
  commands.push_back(Simple({"policy", "get"}, "Show the matching policy (all scoring weights).",
                            "Example:\n  w2w policy get\n  w2w policy get --version 3 --json > p.json",
                            RunPolicyGet,
                            {{"version", "", "N", "A historical version (default: current)"}}));
  Command set = Simple({"policy", "set"}, "Replace the matching policy from a JSON file.",
                       "FILE.json holds a Policy in protobuf JSON; unset numbers take their\n"
                       "defaults (docs/scoring.md). Edit the output of `w2w policy get --json`.\n\n"
                       "Example:\n  w2w policy set p.json --expect-version 3",
                       RunPolicySet,
                       {{"expect-version", "", "N",
                         "Refuse (ABORTED) unless the current version is N"}});
  set.spec.usage = "FILE.json";
  set.spec.min_positional = set.spec.max_positional = 1;
  commands.push_back(std::move(set));
  commands.push_back(Simple({"taxonomy", "regions"}, "List the labour-market regions.",
                            "Example:\n  w2w taxonomy regions", RunRegions));
  commands.push_back(Simple({"taxonomy", "clusters"}, "List the SPT clusters of regions.",
                            "Example:\n  w2w taxonomy clusters", RunClusters));
  commands.push_back(Simple({"taxonomy", "sectors"}, "List the technical sectors.",
                            "Example:\n  w2w taxonomy sectors", RunSectors));
  commands.push_back(Simple({"taxonomy", "municipalities"},
                            "List municipalities (gemeenten) and their regions.",
                            "Example:\n  w2w taxonomy municipalities --region Twente",
                            RunMunicipalities,
                            {{"region", "", "REGION", "Only this region's municipalities"}}));
  commands.push_back(Simple({"taxonomy", "trades"}, "Search the trades (ESCO occupations).",
                            "Example:\n  w2w taxonomy trades --query lasser\n"
                            "  w2w taxonomy trades --isco 7212",
                            RunTrades,
                            {{"query", "", "Q", "Substring of a label, code or id"},
                             {"isco", "", "GROUP", "ISCO group prefix, e.g. 72"},
                             {"limit", "", "N", "Show at most N trades (default 100)"}}));
  commands.push_back(Simple({"taxonomy", "qualifications"},
                            "List the qualifications catalogue with retraining weeks and cost.",
                            "Example:\n  w2w taxonomy qualifications", RunQualifications));
  commands.push_back(Simple(
      {"taxonomy", "add-qualification"}, "Add or change a qualification in the catalogue.",
      "Example:\n  w2w taxonomy add-qualification --code NEN-3140-VP --name \"NEN 3140 "
      "VP\" \\\n      --kind certificate --weeks 1 --cost 650 --source \"opleider 2026\"",
      RunAddQualification,
      {{"code", "", "CODE", "Upper-case code, e.g. VCA-VOL (required)"},
       {"name", "", "NAME", "Readable name (required)"},
       {"kind", "", "KIND", "certificate, diploma or licence"},
       {"weeks", "", "W", "Typical full-time weeks to obtain it"},
       {"cost", "", "EUR", "Typical cost in euros"},
       {"source", "", "TEXT", "Where the figures come from"}}));
  commands.push_back(Simple({"info"}, "Show the server's state: counts, versions, disk, memory.",
                            "Example:\n  w2w info --server w2w.example:50051 --ca_file ca.pem",
                            RunInfo));
  commands.push_back(Simple(
      {"admin", "backup"}, "Back up the server's whole store while it serves (administrators).",
      "The folder is on the server's machine; backups in one folder share unchanged files.\n"
      "Restore: stop the server, then w2w-server --restore_from=DIR --data_dir=EMPTY_DIR.\n\n"
      "Example:\n  w2w admin backup --to /var/backups/w2w --keep 14",
      RunBackup,
      {{"to", "", "DIR", "Backup folder on the server, absolute (required)"},
       {"keep", "", "N", "Keep the newest N backups of the folder (default 7)"}}));
  commands.push_back(Simple({"admin", "backups"}, "List the backups in a backup folder (administrators).",
                            "Example:\n  w2w admin backups --dir /var/backups/w2w", RunBackups,
                            {{"dir", "", "DIR", "Backup folder on the server (required)"}}));
  commands.push_back(Simple({"ping"}, "Check that the server answers, and how fast.",
                            "Example:\n  w2w ping --count 100", RunPing,
                            {{"count", "", "N", "Send N pings and report best and mean"}}));
  return commands;
}

}  // namespace w2w::cli
