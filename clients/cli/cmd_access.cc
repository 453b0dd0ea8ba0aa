// Access commands: `token create|list|revoke` (administrators) and `whoami` (anyone).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/env.h"
#include "clients/cli/format.h"
#include "clients/cli/table.h"
#include "formats/record_reader.h"
#include "w2w/v1/access.grpc.pb.h"
#include "w2w/v1/audit.grpc.pb.h"
#include "w2w/v1/privacy.grpc.pb.h"

namespace w2w::cli {
namespace {

using ::w2w::formats::MessageToJson;

std::vector<std::string> List(const ParsedArgs& args, absl::string_view flag) {
  std::vector<std::string> out;
  if (!args.Has(flag)) return out;
  for (absl::string_view part : absl::StrSplit(args.Get(flag), ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return out;
}

std::string RoleName(w2w::v1::Role role) {
  switch (role) {
    case w2w::v1::ROLE_ADMIN: return "admin";
    case w2w::v1::ROLE_COACH: return "coach";
    case w2w::v1::ROLE_PARTNER: return "partner";
    default: return "-";
  }
}

std::string ScopeText(const w2w::v1::Token& t) {
  std::vector<std::string> parts;
  if (t.scope().clusters_size() > 0) parts.push_back(absl::StrCat("clusters ", absl::StrJoin(t.scope().clusters(), ",")));
  if (t.scope().regions_size() > 0) parts.push_back(absl::StrCat("regions ", absl::StrJoin(t.scope().regions(), ",")));
  if (!t.scope().source().empty()) parts.push_back(absl::StrCat("source ", t.scope().source()));
  return parts.empty() ? (t.role() == w2w::v1::ROLE_ADMIN ? "everything" : "-") : absl::StrJoin(parts, "; ");
}

// Writes `secret` + "\n" to a new file `path` with mode 0600.
absl::Status WriteSecret(const std::string& path, const std::string& secret) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::FailedPreconditionError(absl::StrCat("--out ", path, ": ", std::strerror(errno)));
  const std::string line = secret + "\n";
  const bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  if (!ok) return absl::FailedPreconditionError(absl::StrCat("--out ", path, ": write failed"));
  return absl::OkStatus();
}

int RunCreate(const ParsedArgs& args, Env& env) {
  w2w::v1::CreateTokenRequest request;
  request.set_name(args.positional()[0]);
  const std::string role = absl::AsciiStrToLower(args.Get("role"));
  if (role == "admin") {
    request.set_role(w2w::v1::ROLE_ADMIN);
  } else if (role == "coach") {
    request.set_role(w2w::v1::ROLE_COACH);
  } else if (role == "partner") {
    request.set_role(w2w::v1::ROLE_PARTNER);
  } else {
    return env.Usage("--role must be admin, coach or partner");
  }
  for (std::string& c : List(args, "cluster")) request.mutable_scope()->add_clusters(std::move(c));
  for (std::string& r : List(args, "region")) request.mutable_scope()->add_regions(std::move(r));
  request.mutable_scope()->set_source(args.Get("source"));
  request.set_expires_in(args.Get("expires-in"));
  request.set_expires_at(args.Get("expires-at"));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::CreateTokenResponse response;
  auto status = w2w::v1::AccessService::NewStub(env.channel())->CreateToken(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "token create");
  if (args.Has("out")) {
    if (absl::Status written = WriteSecret(args.Get("out"), response.secret()); !written.ok()) {
      return env.Error(absl::StrCat(written.message(), " (the token ", response.token().id(),
                                    " was created: revoke it and try again)"));
    }
  }
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  const w2w::v1::Token& t = response.token();
  PrintFields(env.out(), {{"id", t.id()},
                          {"name", t.name()},
                          {"role", RoleName(t.role())},
                          {"scope", ScopeText(t)},
                          {"expires", OrDash(t.expires_at())},
                          {"secret", args.Has("out") ? absl::StrCat("written to ", args.Get("out")) : response.secret()}});
  if (!args.Has("out")) env.err() << "Store the secret now: the server keeps only its hash.\n";
  return kExitOk;
}

int RunList(const ParsedArgs& args, Env& env) {
  w2w::v1::ListTokensRequest request;
  request.set_include_revoked(args.Has("all"));
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::ListTokensResponse response;
  auto status = w2w::v1::AccessService::NewStub(env.channel())->ListTokens(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "token list");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  Table table({"id", "name", "role", "scope", "created", "expires", "revoked", "by"});
  for (const w2w::v1::Token& t : response.tokens()) {
    table.AddRow({t.id(), t.name(), RoleName(t.role()), ScopeText(t), t.created_at(), OrDash(t.expires_at()),
                  OrDash(t.revoked_at()), t.created_by()});
  }
  table.Print(env.out());
  return kExitOk;
}

int RunRevoke(const ParsedArgs& args, Env& env) {
  w2w::v1::RevokeTokenRequest request;
  request.set_id(args.positional()[0]);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::RevokeTokenResponse response;
  auto status = w2w::v1::AccessService::NewStub(env.channel())->RevokeToken(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "token revoke");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  env.out() << "revoked " << response.token().id() << " (" << response.token().name() << ") at "
            << response.token().revoked_at() << "\n";
  return kExitOk;
}

int RunWhoAmI(const ParsedArgs&, Env& env) {
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::WhoAmIResponse response;
  auto status =
      w2w::v1::AccessService::NewStub(env.channel())->WhoAmI(&context, w2w::v1::WhoAmIRequest(), &response);
  if (!status.ok()) return env.RpcError(status, "whoami");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  const w2w::v1::Token& t = response.token();
  std::vector<std::pair<std::string, std::string>> fields = {
      {"name", t.name()}, {"id", t.id()}, {"role", RoleName(t.role())}, {"scope", ScopeText(t)}};
  if (response.regions_size() > 0) fields.emplace_back("regions", absl::StrJoin(response.regions(), ", "));
  fields.emplace_back("expires", OrDash(t.expires_at()));
  PrintFields(env.out(), fields);
  return kExitOk;
}

int RunAudit(const ParsedArgs& args, Env& env) {
  w2w::v1::ListAccessRequest request;
  request.set_candidate_id(args.Get("candidate"));
  request.set_token(args.Get("token"));
  request.set_from(args.Get("from"));
  request.set_to(args.Get("to"));
  auto limit = args.GetUint("limit");
  if (!limit.ok()) return env.Usage(limit.status().message());
  const uint64_t wanted = limit->value_or(100);
  auto stub = w2w::v1::AuditService::NewStub(env.channel());
  Table table({"at", "token", "role", "rpc", "candidates", "vacancy", "run"});
  table.LimitWidth(4, 60);
  uint64_t shown = 0;
  for (;;) {
    request.set_page_size(static_cast<uint32_t>(std::min<uint64_t>(wanted - shown, 1000)));
    grpc::ClientContext context;
    env.SetDeadline(&context, false);
    w2w::v1::ListAccessResponse response;
    auto status = stub->ListAccess(&context, request, &response);
    if (!status.ok()) return env.RpcError(status, "audit");
    for (const w2w::v1::AccessEntry& e : response.entries()) {
      if (env.json) {
        env.out() << MessageToJson(e, false) << "\n";
      } else {
        table.AddRow({e.at(), e.token_name(), RoleName(e.role()), e.rpc(), absl::StrJoin(e.candidate_ids(), ","),
                      OrDash(e.vacancy_id()), OrDash(e.run_id())});
      }
      ++shown;
    }
    if (response.next_page_token().empty() || shown >= wanted) break;
    request.set_page_token(response.next_page_token());
  }
  if (!env.json) table.Print(env.out());
  return kExitOk;
}

int RunErase(const ParsedArgs& args, Env& env) {
  if (!args.Has("yes")) return env.Usage("erasing a person cannot be undone: add --yes");
  w2w::v1::EraseCandidateRequest request;
  request.set_id(args.positional()[0]);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::EraseCandidateResponse response;
  auto status = w2w::v1::PrivacyService::NewStub(env.channel())->EraseCandidate(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "erase candidate");
  if (env.json) {
    env.out() << MessageToJson(response, true) << "\n";
    return kExitOk;
  }
  PrintFields(env.out(), {{"erased", response.id()},
                          {"pseudonym", response.pseudonym()},
                          {"rematch results", absl::StrCat(response.rematch_results_scrubbed())},
                          {"rematch runs", absl::StrCat(response.rematch_runs_scrubbed())},
                          {"audit entries", absl::StrCat(response.audit_entries_scrubbed())}});
  return kExitOk;
}

int RunExport(const ParsedArgs& args, Env& env) {
  w2w::v1::ExportCandidateRequest request;
  request.set_id(args.positional()[0]);
  grpc::ClientContext context;
  env.SetDeadline(&context, false);
  w2w::v1::ExportCandidateResponse response;
  auto status = w2w::v1::PrivacyService::NewStub(env.channel())->ExportCandidate(&context, request, &response);
  if (!status.ok()) return env.RpcError(status, "export candidate");
  env.out() << response.json() << "\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> AccessCommands() {
  std::vector<Command> commands;
  commands.push_back(MakeCommand(
      {"token", "create"}, "NAME", 1, "Create an access token (administrators).",
      "A coach is scoped to SPT clusters and/or regions, a partner to its source.\n\n"
      "Examples:\n  w2w token create anna --role coach --cluster Oost --out anna.token\n"
      "  w2w token create uwv-sync --role partner --source uwv --expires-in 8760h\n"
      "  w2w token create ops --role admin",
      RunCreate,
      {{"role", "", "ROLE", "admin, coach or partner (required)"},
       {"cluster", "", "NAMES", "Coach: SPT clusters, comma-separated"},
       {"region", "", "NAMES", "Coach: regions (names or numbers), comma-separated"},
       {"source", "", "SOURCE", "Partner: the source its records carry"},
       {"expires-in", "", "DURATION", "Expire after e.g. 720h"},
       {"expires-at", "", "TIME", "Expire at an RFC 3339 time, e.g. 2027-06-30T00:00:00Z"},
       {"out", "", "FILE", "Write the secret to FILE (mode 0600) instead of printing it"}}));
  commands.push_back(MakeCommand({"token", "list"}, "", 0, "List access tokens (administrators).",
                          "Example:\n  w2w token list --all", RunList,
                          {{"all", "", "", "Include revoked tokens"}}));
  commands.push_back(MakeCommand({"token", "revoke"}, "ID|NAME", 1, "Revoke a token; effective on its next call.",
                          "Example:\n  w2w token revoke tok-3f9a0c1b2d4e5f60", RunRevoke));
  commands.push_back(MakeCommand({"audit"}, "", 0, "Who read which candidate, when and why (administrators).",
                          "Examples:\n  w2w audit --candidate c0000001\n  w2w audit --token anna --from 2026-12-01T00:00:00Z",
                          RunAudit,
                          {{"candidate", "", "ID", "Only reads of this person"},
                           {"token", "", "ID|NAME", "Only reads with this token"},
                           {"from", "", "TIME", "From this RFC 3339 time (inclusive)"},
                           {"to", "", "TIME", "Until this RFC 3339 time (exclusive)"},
                           {"limit", "", "N", "Show at most N entries (default 100)"}}));
  commands.push_back(MakeCommand({"erase", "candidate"}, "ID", 1,
                          "Erase a person everywhere: profile, index, rematch results, audit (administrators).",
                          "The audit keeps a keyed pseudonym; `w2w audit --candidate ID` still finds the entries.\n\n"
                          "Example:\n  w2w erase candidate c0000001 --yes",
                          RunErase, {{"yes", "", "", "Confirm: erasure cannot be undone"}}));
  commands.push_back(MakeCommand({"export", "candidate"}, "ID", 1,
                          "Everything held about a person, as JSON, with who saw the profile (administrators).",
                          "Example:\n  w2w export candidate c0000001 > c0000001.json", RunExport));
  commands.push_back(MakeCommand({"whoami"}, "", 0, "Show the name, role and scope of your token.",
                          "Example:\n  W2W_TOKEN=$(cat anna.token) w2w whoami", RunWhoAmI));
  return commands;
}

}  // namespace w2w::cli
