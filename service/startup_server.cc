#include "service/startup_server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/impl/codegen/grpc_types.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/status.h"

namespace w2w::service {
namespace {

// One refused call: finished at once, deleted when gRPC is done with it.
class Refusal final : public grpc::ServerGenericBidiReactor {
 public:
  explicit Refusal(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerGenericBidiReactor* StartupServer::Starting::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  return new Refusal(grpc::Status(
      grpc::StatusCode::UNAVAILABLE,
      absl::StrCat("w2w-server is starting (for ",
                   absl::FormatDuration(absl::Trunc(absl::Now() - since_, absl::Milliseconds(100))),
                   " so far: opening the store and building the index); ", context->method(),
                   " is answered once health says SERVING; retry")));
}

absl::StatusOr<std::unique_ptr<StartupServer>> StartupServer::Start(const ServerOptions& options) {
  if (absl::Status checked = CheckServerOptions(options); !checked.ok()) return checked;
  grpc::EnableDefaultHealthCheckService(true);
  auto starting = std::make_unique<Starting>(absl::Now());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.address, ServerCredentialsFor(options.tls), &port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);  // As the real server: see server.cc.
  builder.RegisterCallbackGenericService(starting.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) return CannotListen(options);
  if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
    for (const std::string& name : ServedServiceNames()) health->SetServingStatus(name, false);
    health->SetServingStatus(false);
  }
  return std::unique_ptr<StartupServer>(
      new StartupServer(std::move(starting), std::move(server), BoundAddress(options, port)));
}

StartupServer::StartupServer(std::unique_ptr<Starting> starting, std::unique_ptr<grpc::Server> server,
                             std::string address)
    : starting_(std::move(starting)), server_(std::move(server)), address_(std::move(address)) {}

StartupServer::~StartupServer() { Stop(); }

void StartupServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // Nothing of ours runs long here (every call is refused at once): close now.
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
}

}  // namespace w2w::service
