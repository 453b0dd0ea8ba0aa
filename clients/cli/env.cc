#include "clients/cli/env.h"

#include "absl/strings/str_cat.h"
#include "clients/auth/bearer.h"

namespace w2w::cli {

std::shared_ptr<grpc::Channel> Env::channel() {
  if (channel_ == nullptr) {
    grpc::ChannelArguments args;
    // Large imports and rematch results may exceed the 4 MiB default on the way back.
    args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    channel_ = clients::CreateBearerChannel(
        server, tls.has_value() ? grpc::SslCredentials(*tls) : grpc::InsecureChannelCredentials(),
        args, token);
  }
  return channel_;
}

void Env::SetDeadline(grpc::ClientContext* context, bool streaming) const {
  if (timeout.has_value()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + *timeout));
  } else if (!streaming) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + kDefaultTimeout));
  }
}

int Env::RpcError(const grpc::Status& status, absl::string_view what) const {
  err() << "error: " << what << ": " << StatusCodeName(status.error_code()) << ": "
        << status.error_message() << "\n";
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      err() << "hint: is w2w-server running at " << server
            << "? Set --server host:port or W2W_SERVER.\n";
      err() << (tls.has_value()
                    ? "hint: with --ca_file the server must serve TLS with a certificate signed "
                      "by that CA for the host in --server.\n"
                    : "hint: a server with TLS needs --ca_file (or W2W_CA_FILE).\n");
      break;
    case grpc::StatusCode::UNIMPLEMENTED:
      err() << "hint: the server at " << server
            << " does not implement this call yet (an older or partial w2w-server).\n";
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      err() << "hint: raise --timeout (seconds).\n";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      err() << "hint: give a token with --token_file FILE or W2W_TOKEN; the server writes the first "
               "administrator token to <data_dir>/admin.token (`w2w token create` makes others).\n";
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
      err() << "hint: `w2w whoami` shows the role and scope of your token.\n";
      break;
    default:
      break;
  }
  return kExitError;
}

int Env::Error(absl::string_view message) const {
  err() << "error: " << message << "\n";
  return kExitError;
}

int Env::Usage(absl::string_view message) const {
  err() << "usage error: " << message << "\n"
        << "Run 'w2w " << (command.empty() ? "" : absl::StrCat(command, " "))
        << "--help' for usage.\n";
  return kExitUsage;
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

Command MakeCommand(std::vector<std::string> path, std::string usage, int positional, std::string summary,
                    std::string details, std::function<int(const ParsedArgs&, Env&)> run,
                    std::vector<FlagSpec> flags) {
  Command c;
  c.spec.path = std::move(path);
  c.spec.usage = std::move(usage);
  c.spec.min_positional = c.spec.max_positional = positional;
  c.spec.summary = std::move(summary);
  c.spec.details = std::move(details);
  c.spec.flags = std::move(flags);
  c.run = std::move(run);
  return c;
}

}  // namespace w2w::cli
