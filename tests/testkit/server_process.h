// ServerProcess: runs the real w2w-server binary for integration tests — on a free port
// (--address=127.0.0.1:0, the port read from its "listening on" line), over a fresh
// temporary data folder, waiting until health reports SERVING — and gives channels and
// stubs to talk to it. Stop() sends SIGTERM (graceful), Kill() SIGKILL (a crash);
// Restart() starts a new process on the same data folder. The folder is removed when the
// ServerProcess is destroyed (a still-running server is killed first).
//
// With ServerProcessOptions::tls the server serves TLS (a throwaway self-signed pair made
// with openssl unless one is given) and channel() verifies it against that CA; without,
// plaintext on loopback.
//
// The binary is $W2W_SERVER_BIN (set by ctest); the reference data $W2W_DATA_DIR when set.
// Authentication: channel() and the stubs carry the administrator token the server wrote
// to <data_dir>/admin.token at its first start, and Start() sets $W2W_TOKEN to it so that
// CLI runs of the test authenticate too; ChannelWithToken() and CreateToken() make
// clients of other roles.
// The child gets PR_SET_PDEATHSIG so that it never outlives a crashed test.
//
// Thread safety: stubs and channel() may be used from many threads; the life-cycle
// methods (Start/Stop/Kill/Restart) belong to one thread and must not race with them.
#ifndef W2W_TESTS_TESTKIT_SERVER_PROCESS_H_
#define W2W_TESTS_TESTKIT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "gtest/gtest.h"
#include "w2w/v1/access.grpc.pb.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/match.grpc.pb.h"
#include "w2w/v1/policy.grpc.pb.h"
#include "w2w/v1/rematch.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"
#include "w2w/v1/taxonomy.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w::testkit {

// TLS of a ServerProcess (files are PEM).
struct ServerProcessTls {
  // The server's certificate and key (--tls_cert_file, --tls_key_file). Both empty: a
  // self-signed pair for localhost, 127.0.0.1 and ::1 is made (tls_files.h) in the
  // process's temporary folder, removed with it.
  std::string cert_file;
  std::string key_file;
  // The CA channel() verifies the server against; empty = cert_file (self-signed).
  std::string ca_file;
  // Mutual TLS: --tls_client_ca_file. channel() then presents client_cert_file and
  // client_key_file (Start() needs them for its health checks).
  std::string client_ca_file;
  std::string client_cert_file;
  std::string client_key_file;
  // The name channel() checks the server's certificate against; empty = the host of the
  // listening address (127.0.0.1). E.g. "localhost" for a server on 0.0.0.0.
  std::string target_name_override;
};

struct ServerProcessOptions {
  // Data folder; empty = a fresh folder under $TMPDIR (or /tmp), removed at the end.
  // A given folder is left in place.
  std::string data_dir;
  // --address; port 0 picks a free port (the server prints it).
  std::string address = "127.0.0.1:0";
  // More flags for w2w-server, e.g. "--disk_reserve_mb=4", "--sync_writes".
  std::vector<std::string> extra_flags;
  // Non-empty: the server's stderr is appended to this file instead of the test's stderr.
  std::string stderr_file;
  // TLS on the port; nullopt = plaintext (the server then accepts loopback only).
  std::optional<ServerProcessTls> tls;
  // How long Start()/Restart() wait for the listening line and health SERVING.
  absl::Duration start_timeout = absl::Seconds(60);
};

class ServerProcess {
 public:
  // Starts the server and waits until it serves. Errors: FAILED_PRECONDITION when
  // W2W_SERVER_BIN is unset (or TLS needs a pair made and there is no openssl);
  // UNAVAILABLE when the server exited or did not serve in time (its stderr is the test's
  // stderr); INTERNAL when openssl failed.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(ServerProcessOptions options = {});

  // Kills a running server (SIGKILL) and removes an owned data folder.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Sends SIGTERM and waits up to `timeout` for the exit. Returns the exit code (a signal
  // death is reported as 128 + signal number). DEADLINE_EXCEEDED when it did not exit.
  absl::StatusOr<int> Stop(absl::Duration timeout = absl::Seconds(30));
  // Sends SIGKILL and reaps the process.
  absl::Status Kill();
  // Sends `signal` without waiting.
  absl::Status SendSignal(int signal);
  // Waits up to `timeout` for the process to exit; exit code as Stop().
  absl::StatusOr<int> WaitForExit(absl::Duration timeout);
  // Starts the server again on the same data folder. Precondition: it is not running
  // (Stop() or Kill() first). Channels and stubs taken before are stale: take new ones.
  absl::Status Restart();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& address() const { return address_; }  // "127.0.0.1:<port>"
  const std::string& data_dir() const { return data_dir_; }
  // With --web among the flags: the web page's "http://host:port" as printed; else "".
  const std::string& web_url() const { return web_url_; }
  // TLS as started, with the made files filled in (nullopt without TLS); ca_file() is the
  // CA that verifies the server ("" without TLS), e.g. for the CLI's --ca_file.
  const std::optional<ServerProcessTls>& tls() const { return options_.tls; }
  std::string ca_file() const { return options_.tls.has_value() ? options_.tls->ca_file : ""; }

  // A channel to the current process (a new one after each Restart); over TLS when the
  // server serves TLS.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  std::unique_ptr<v1::CandidateService::Stub> candidates() const;
  std::unique_ptr<v1::VacancyService::Stub> vacancies() const;
  std::unique_ptr<v1::MatchService::Stub> match() const;
  std::unique_ptr<v1::RematchService::Stub> rematch() const;
  std::unique_ptr<v1::PolicyService::Stub> policy() const;
  std::unique_ptr<v1::TaxonomyService::Stub> taxonomy() const;
  std::unique_ptr<v1::ServerInfoService::Stub> info() const;
  std::unique_ptr<v1::AccessService::Stub> access() const;

  // The administrator token the server made at its first start.
  const std::string& admin_token() const { return admin_token_; }
  // A channel to the current process whose calls carry `token` (none when empty).
  std::shared_ptr<grpc::Channel> ChannelWithToken(const std::string& token) const;
  // Creates a token (as the administrator); the error as a status.
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(const std::string& name, v1::Role role,
                                                      const v1::Scope& scope = {}) const;

 private:
  ServerProcess(ServerProcessOptions options, std::string owned_root, std::string data_dir);
  // Forks and execs the binary, reads the port, waits for health SERVING.
  absl::Status Launch();
  void CloseStdout();

  const ServerProcessOptions options_;
  const std::string owned_root_;  // Temporary folder to remove; empty when not owned.
  const std::string data_dir_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // Read end of the child's stdout, kept open while it runs.
  int port_ = 0;
  std::string web_url_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string admin_token_;
};

// A fixture base for suites whose tests share one server process (default options),
// started before the suite's first test and stopped after its last. For tests that do
// not need an empty store. Derived fixtures reach it as `server_`.
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static ServerProcess* server_;
};

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_SERVER_PROCESS_H_
