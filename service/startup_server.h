// StartupServer: what answers on the gRPC port while w2w-server starts, before the store
// is open and the index is built (restoring a backup, RocksDB's recovery, the index
// rebuild of a national store take seconds to minutes). It holds the port the real Server
// will serve on, answers the standard health service with NOT_SERVING for the server ("")
// and every w2w service, and every other call with UNAVAILABLE saying the server is
// starting and for how long, so that load balancers and probes see "not ready" instead of
// a refused connection and clients retry.
//
// Life cycle (main.cc): Start(options) before Engine::Open -> Stop() -> Server::Start on
// address(). Between Stop and the real server's bind the port is closed for about a
// millisecond; a client connecting then is refused and retries.
//
// Thread safety: the calls are answered on gRPC's threads; Start, Stop and the destructor
// belong to one thread (main's).
#ifndef W2W_SERVICE_STARTUP_SERVER_H_
#define W2W_SERVICE_STARTUP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server.h"
#include "service/server.h"

namespace w2w::service {

class StartupServer {
 public:
  // Listens on `options.address` with `options.tls` (the checks of CheckServerOptions
  // apply first). Errors: those of CheckServerOptions; UNAVAILABLE when the address
  // cannot be bound or gRPC refuses the TLS pair, as Server::Start says.
  static absl::StatusOr<std::unique_ptr<StartupServer>> Start(const ServerOptions& options);
  // Stops (as Stop()).
  ~StartupServer();
  StartupServer(const StartupServer&) = delete;
  StartupServer& operator=(const StartupServer&) = delete;

  // "host:port" with the bound port (port 0 in the options picks one): give it to the
  // real Server so it serves on the same port.
  const std::string& address() const { return address_; }

  // Closes the port: open calls are cancelled, connections closed. Idempotent.
  void Stop();

 private:
  // Answers every call that is not health with UNAVAILABLE (see the file comment).
  class Starting final : public grpc::CallbackGenericService {
   public:
    explicit Starting(absl::Time since) : since_(since) {}
    grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override;

   private:
    const absl::Time since_;
  };

  StartupServer(std::unique_ptr<Starting> starting, std::unique_ptr<grpc::Server> server,
                std::string address);

  std::unique_ptr<Starting> starting_;  // Outlives server_.
  std::unique_ptr<grpc::Server> server_;
  const std::string address_;
  bool stopped_ = false;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_STARTUP_SERVER_H_
