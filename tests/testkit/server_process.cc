#include "tests/testkit/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/auth/bearer.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "tests/testkit/probes.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/tls_files.h"

namespace w2w::testkit {
namespace {

constexpr char kListeningPrefix[] = "w2w-server listening on ";
constexpr char kWebPrefix[] = "w2w-server web page on ";  // Printed before, with --web.
constexpr absl::Duration kPollStep = absl::Milliseconds(20);
constexpr int kSignalExitBase = 128;  // Shell convention: died of signal N -> 128 + N.

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return kSignalExitBase + WTERMSIG(wait_status);
  return -1;
}

// The PEM text of `path` (tests give readable files; an empty one fails the handshake).
std::string Pem(const std::string& path) { return path.empty() ? "" : ReadFile(path); }

// Credentials for a channel to a server with `tls`: its CA, and the client pair for
// mutual TLS.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(
    const std::optional<ServerProcessTls>& tls) {
  if (!tls.has_value()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Pem(tls->ca_file);
  ssl.pem_cert_chain = Pem(tls->client_cert_file);
  ssl.pem_private_key = Pem(tls->client_key_file);
  return grpc::SslCredentials(ssl);
}

// Reads one '\n'-terminated line from `fd` by `deadline`; the line excludes the newline.
absl::StatusOr<std::string> ReadLine(int fd, absl::Time deadline) {
  std::string line;
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError("no listening line from w2w-server in time");
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char c = 0;
    const ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError("w2w-server closed stdout before listening");
    if (c == '\n') return line;
    line.push_back(c);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(ServerProcessOptions options) {
  if (getenv("W2W_SERVER_BIN") == nullptr) {
    return absl::FailedPreconditionError("W2W_SERVER_BIN is not set (run through ctest)");
  }
  std::string owned_root;
  std::string data_dir = options.data_dir;
  const bool make_pair = options.tls.has_value() && options.tls->cert_file.empty() &&
                         options.tls->key_file.empty();
  if (data_dir.empty() || make_pair) {
    const char* tmp = getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/w2w-test-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
    }
    owned_root = pattern;
    if (data_dir.empty()) data_dir = owned_root + "/data";
  }
  if (make_pair) {
    absl::StatusOr<TlsPair> pair = MakeSelfSigned(owned_root, "server");
    if (!pair.ok()) {
      std::error_code ignored;
      std::filesystem::remove_all(owned_root, ignored);
      return pair.status();
    }
    options.tls->cert_file = pair->cert_file;
    options.tls->key_file = pair->key_file;
  }
  if (options.tls.has_value() && options.tls->ca_file.empty()) {
    options.tls->ca_file = options.tls->cert_file;
  }
  auto process = std::unique_ptr<ServerProcess>(
      new ServerProcess(std::move(options), std::move(owned_root), std::move(data_dir)));
  absl::Status launched = process->Launch();
  if (!launched.ok()) return launched;
  return process;
}

ServerProcess::ServerProcess(ServerProcessOptions options, std::string owned_root,
                             std::string data_dir)
    : options_(std::move(options)),
      owned_root_(std::move(owned_root)),
      data_dir_(std::move(data_dir)) {}

ServerProcess::~ServerProcess() {
  if (running()) (void)Kill();
  CloseStdout();
  if (!owned_root_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(owned_root_, ignored);
  }
}

absl::Status ServerProcess::Launch() {
  if (running()) return absl::FailedPreconditionError("server already running");
  // Everything the child needs is prepared before fork(): after it, in a process with
  // gRPC threads, only async-signal-safe calls are allowed.
  const std::string binary = getenv("W2W_SERVER_BIN");
  std::vector<std::string> args = {binary, absl::StrCat("--address=", options_.address),
                                   absl::StrCat("--data_dir=", data_dir_)};
  if (const char* reference = getenv("W2W_DATA_DIR"); reference != nullptr) {
    args.push_back(absl::StrCat("--reference_dir=", reference));
  }
  if (const std::optional<ServerProcessTls>& tls = options_.tls; tls.has_value()) {
    args.push_back(absl::StrCat("--tls_cert_file=", tls->cert_file));
    args.push_back(absl::StrCat("--tls_key_file=", tls->key_file));
    if (!tls->client_ca_file.empty()) {
      args.push_back(absl::StrCat("--tls_client_ca_file=", tls->client_ca_file));
    }
  }
  for (const std::string& flag : options_.extra_flags) args.push_back(flag);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child. Die with the test process; stdout into the pipe (dup2 clears CLOEXEC).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (dup2(fds[1], STDOUT_FILENO) < 0) _exit(125);
    if (!options_.stderr_file.empty()) {
      const int err = open(options_.stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err < 0 || dup2(err, STDERR_FILENO) < 0) _exit(124);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  pid_ = pid;
  stdout_fd_ = fds[0];

  const absl::Time deadline = absl::Now() + options_.start_timeout;
  absl::StatusOr<std::string> line = ReadLine(stdout_fd_, deadline);
  web_url_.clear();
  if (line.ok() && absl::StartsWith(*line, kWebPrefix)) {
    web_url_ = line->substr(std::strlen(kWebPrefix));
    line = ReadLine(stdout_fd_, deadline);
  }
  if (!line.ok() || !absl::StartsWith(*line, kListeningPrefix)) {
    const std::string why = line.ok() ? absl::StrCat("unexpected stdout line '", *line, "'")
                                      : std::string(line.status().message());
    absl::StatusOr<int> code = WaitForExit(absl::Milliseconds(200));
    if (running()) (void)Kill();
    return absl::UnavailableError(
        absl::StrCat("w2w-server did not start: ", why,
                     code.ok() ? absl::StrCat(" (exit code ", *code, ")") : std::string()));
  }
  address_ = line->substr(std::strlen(kListeningPrefix));
  const size_t colon = address_.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(address_.substr(colon + 1), &port_)) {
    return absl::UnavailableError(absl::StrCat("bad listening address '", address_, "'"));
  }
  // The server wrote its first administrator token before it printed the line above.
  absl::StatusOr<std::string> token = clients::ReadTokenFile(absl::StrCat(data_dir_, "/admin.token"));
  if (!token.ok()) return absl::UnavailableError(absl::StrCat("no admin token: ", token.status().ToString()));
  admin_token_ = *std::move(token);
  setenv("W2W_TOKEN", admin_token_.c_str(), 1);  // For the CLI runs of the test (RunBinary).
  channel_ = ChannelWithToken(admin_token_);
  while (true) {
    absl::StatusOr<HealthStatus> health = CheckHealth(channel_, "", absl::Seconds(2));
    if (health.ok() && *health == HealthStatus::kServing) return absl::OkStatus();
    if (absl::Now() > deadline) {
      return absl::UnavailableError(
          absl::StrCat("w2w-server on ", address_, " not SERVING in time: ",
                       health.ok() ? absl::StrCat("status ", static_cast<int>(*health))
                                   : health.status().ToString()));
    }
    absl::SleepFor(kPollStep);
  }
}

std::shared_ptr<grpc::Channel> ServerProcess::ChannelWithToken(const std::string& token) const {
  grpc::ChannelArguments channel_args;
  if (options_.tls.has_value() && !options_.tls->target_name_override.empty()) {
    channel_args.SetSslTargetNameOverride(options_.tls->target_name_override);
  }
  return clients::CreateBearerChannel(address_, ChannelCredentialsFor(options_.tls), channel_args, token);
}

absl::StatusOr<v1::CreateTokenResponse> ServerProcess::CreateToken(const std::string& name, v1::Role role,
                                                                   const v1::Scope& scope) const {
  v1::CreateTokenRequest request;
  request.set_name(name);
  request.set_role(role);
  *request.mutable_scope() = scope;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  v1::CreateTokenResponse response;
  grpc::Status status = v1::AccessService::NewStub(channel_)->CreateToken(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return response;
}

void ServerProcess::CloseStdout() {
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

absl::Status ServerProcess::SendSignal(int signal) {
  if (!running()) return absl::FailedPreconditionError("server not running");
  if (kill(pid_, signal) != 0) {
    return absl::InternalError(absl::StrCat("kill: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ServerProcess::WaitForExit(absl::Duration timeout) {
  if (!running()) return absl::FailedPreconditionError("server not running");
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int wait_status = 0;
    const pid_t done = waitpid(pid_, &wait_status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      CloseStdout();
      return ExitCodeOf(wait_status);
    }
    if (done < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError("w2w-server did not exit in time");
    }
    absl::SleepFor(kPollStep);
  }
}

absl::StatusOr<int> ServerProcess::Stop(absl::Duration timeout) {
  absl::Status sent = SendSignal(SIGTERM);
  if (!sent.ok()) return sent;
  return WaitForExit(timeout);
}

absl::Status ServerProcess::Kill() {
  absl::Status sent = SendSignal(SIGKILL);
  if (!sent.ok()) return sent;
  absl::StatusOr<int> code = WaitForExit(absl::Seconds(30));
  return code.ok() ? absl::OkStatus() : code.status();
}

absl::Status ServerProcess::Restart() {
  if (running()) return absl::FailedPreconditionError("Restart() while the server runs");
  channel_.reset();
  return Launch();
}

std::unique_ptr<v1::CandidateService::Stub> ServerProcess::candidates() const {
  return v1::CandidateService::NewStub(channel_);
}
std::unique_ptr<v1::VacancyService::Stub> ServerProcess::vacancies() const {
  return v1::VacancyService::NewStub(channel_);
}
std::unique_ptr<v1::MatchService::Stub> ServerProcess::match() const {
  return v1::MatchService::NewStub(channel_);
}
std::unique_ptr<v1::RematchService::Stub> ServerProcess::rematch() const {
  return v1::RematchService::NewStub(channel_);
}
std::unique_ptr<v1::PolicyService::Stub> ServerProcess::policy() const {
  return v1::PolicyService::NewStub(channel_);
}
std::unique_ptr<v1::TaxonomyService::Stub> ServerProcess::taxonomy() const {
  return v1::TaxonomyService::NewStub(channel_);
}
std::unique_ptr<v1::ServerInfoService::Stub> ServerProcess::info() const {
  return v1::ServerInfoService::NewStub(channel_);
}

std::unique_ptr<v1::AccessService::Stub> ServerProcess::access() const {
  return v1::AccessService::NewStub(channel_);
}

ServerProcess* SharedServerTest::server_ = nullptr;

void SharedServerTest::SetUpTestSuite() {
  auto started = ServerProcess::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = started->release();
}

void SharedServerTest::TearDownTestSuite() {
  delete server_;
  server_ = nullptr;
}

void SharedServerTest::SetUp() { ASSERT_NE(server_, nullptr) << "the shared server did not start"; }

}  // namespace w2w::testkit
