// Transport security of the real w2w-server: TLS on the port (the client verifies the
// server's certificate), mutual TLS (--tls_client_ca_file: a client certificate signed by
// that CA is required), the loopback-only rule without TLS, clear start-up errors for bad
// certificate files, and the `w2w` CLI over TLS (--ca_file, W2W_CA_FILE, --cert_file).
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "clients/auth/bearer.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"
#include "tests/testkit/tls_files.h"

namespace w2w {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testkit::BinaryResult;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ReadFile;
using testkit::ServerProcess;
using testkit::ServerProcessOptions;
using testkit::ServerProcessTls;
using testkit::StatusIs;
using testkit::TlsPair;

// Long enough for a handshake on a loaded machine, short enough that a refused one fails
// the test quickly.
constexpr absl::Duration kCallTimeout = absl::Seconds(10);
// A w2w-server that should refuse to start but starts anyway is stopped after this long,
// so the test fails instead of hanging.
constexpr char kRefusalTimeoutSeconds[] = "60";
constexpr int kTimedOut = 124;  // Exit code of timeout(1) when it had to stop the command.

grpc::Status Ping(const std::shared_ptr<grpc::Channel>& channel) {
  v1::PingResponse response;
  auto context = ContextWithDeadline(kCallTimeout);
  return v1::ServerInfoService::NewStub(channel)->Ping(context.get(), v1::PingRequest(), &response);
}

// A TLS channel to `address` trusting `ca`, presenting `client` when given; its calls carry
// the administrator token of the server started last ($W2W_TOKEN, set by ServerProcess).
std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const std::string& ca,
                                          const TlsPair& client = {}) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(ca);
  if (!client.cert_file.empty()) {
    ssl.pem_cert_chain = ReadFile(client.cert_file);
    ssl.pem_private_key = ReadFile(client.key_file);
  }
  const char* token = std::getenv("W2W_TOKEN");
  return clients::CreateBearerChannel(address, grpc::SslCredentials(ssl), grpc::ChannelArguments(),
                                      token != nullptr ? token : "");
}

// Runs w2w-server with `flags` (stopped after kRefusalTimeoutSeconds should it start).
BinaryResult RunServer(const std::vector<std::string>& flags) {
  std::vector<std::string> args = {kRefusalTimeoutSeconds, testkit::ServerBinary()};
  args.insert(args.end(), flags.begin(), flags.end());
  return testkit::RunBinary("/usr/bin/timeout", args);
}

// Runs the w2w CLI against `server` with `args`, and `env` ("NAME=value") in its
// environment.
BinaryResult RunCli(const ServerProcess& server, std::vector<std::string> args,
                    const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), {"--server", server.address(), "--timeout", "30"});
  return testkit::RunBinary(testkit::CliBinary(), args, env);
}

// Each test gets a folder for its certificates and data folders, removed at the end.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = absl::StrCat(testkit::TempDir(), "/w2w-tls-test-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  TlsPair SelfSigned(const std::string& name) {
    absl::StatusOr<TlsPair> pair = testkit::MakeSelfSigned(dir_, name, name);
    EXPECT_TRUE(pair.ok()) << pair.status();
    return pair.ok() ? *pair : TlsPair();
  }
  TlsPair SignedBy(const TlsPair& ca, const std::string& name) {
    absl::StatusOr<TlsPair> pair = testkit::MakeSignedBy(ca, dir_, name, name);
    EXPECT_TRUE(pair.ok()) << pair.status();
    return pair.ok() ? *pair : TlsPair();
  }
  std::string Path(const std::string& name) const { return absl::StrCat(dir_, "/", name); }

  std::string dir_;
};

TEST_F(TlsTest, ServesPingAndServerInfoOverTls) {
  ServerProcessOptions options;
  options.tls = ServerProcessTls();
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_FALSE((*server)->ca_file().empty());

  EXPECT_THAT(Ping((*server)->channel()), IsOk());
  v1::ServerInfo info;
  auto context = ContextWithDeadline(kCallTimeout);
  EXPECT_THAT((*server)->info()->GetServerInfo(context.get(), v1::GetServerInfoRequest(), &info),
              IsOk());
  EXPECT_EQ(info.data_dir(), (*server)->data_dir());
  // The testkit's channel checked the certificate for 127.0.0.1; "localhost" is in it too.
  EXPECT_THAT(Ping(TlsChannel(absl::StrCat("localhost:", (*server)->port()), (*server)->ca_file())),
              IsOk());
}

TEST_F(TlsTest, PlaintextClientAndClientTrustingAnotherCaFail) {
  ServerProcessOptions options;
  options.tls = ServerProcessTls();
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  EXPECT_THAT(Ping(grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials())),
              StatusIs(grpc::StatusCode::UNAVAILABLE, ::testing::_));
  const TlsPair stranger = SelfSigned("stranger-ca");
  EXPECT_THAT(Ping(TlsChannel((*server)->address(), stranger.cert_file)),
              StatusIs(grpc::StatusCode::UNAVAILABLE, ::testing::_));
}

TEST_F(TlsTest, MutualTlsRefusesClientsWithoutACertificateOfItsCa) {
  const TlsPair client_ca = SelfSigned("client-ca");
  const TlsPair client = SignedBy(client_ca, "coach-desk");
  const TlsPair other_ca = SelfSigned("other-ca");
  const TlsPair intruder = SignedBy(other_ca, "intruder");
  ServerProcessOptions options;
  options.tls = ServerProcessTls();
  options.tls->client_ca_file = client_ca.cert_file;
  options.tls->client_cert_file = client.cert_file;  // For Start()'s health checks.
  options.tls->client_key_file = client.key_file;
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string& address = (*server)->address();
  const std::string ca = (*server)->ca_file();

  EXPECT_THAT(Ping(TlsChannel(address, ca)), StatusIs(grpc::StatusCode::UNAVAILABLE, ::testing::_));
  EXPECT_THAT(Ping(TlsChannel(address, ca, intruder)),
              StatusIs(grpc::StatusCode::UNAVAILABLE, ::testing::_));
  EXPECT_THAT(Ping(TlsChannel(address, ca, client)), IsOk());
  EXPECT_THAT(Ping(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
              StatusIs(grpc::StatusCode::UNAVAILABLE, ::testing::_));
}

TEST_F(TlsTest, WithTlsANonLoopbackAddressIsServed) {
  ServerProcessOptions options;
  options.tls = ServerProcessTls();
  options.tls->target_name_override = "localhost";  // The certificate does not name 0.0.0.0.
  options.extra_flags = {"--address=0.0.0.0:0"};    // Overrides the testkit's loopback one.
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_THAT((*server)->address(), HasSubstr("0.0.0.0:"));
  EXPECT_THAT(Ping(TlsChannel(absl::StrCat("127.0.0.1:", (*server)->port()), (*server)->ca_file())),
              IsOk());
}

TEST_F(TlsTest, WithoutTlsANonLoopbackAddressIsRefusedAtStart) {
  for (const std::string address : {"0.0.0.0:0", "[::]:0", "192.0.2.7:0", "w2w.example:0"}) {
    const std::string data = Path("data-" + std::to_string(address.size()));
    const BinaryResult run = RunServer({"--address=" + address, "--data_dir=" + data});
    EXPECT_NE(run.code, 0) << address;
    EXPECT_NE(run.code, kTimedOut) << address << ": the server started";
    EXPECT_THAT(run.err, AllOf(HasSubstr("'" + address + "' is not a loopback address"),
                               HasSubstr("--tls_cert_file and --tls_key_file")))
        << address;
    EXPECT_THAT(run.out, Not(HasSubstr("listening on"))) << address;
    // Refused before the store was opened: no data folder left behind.
    EXPECT_FALSE(std::filesystem::exists(data)) << address;
  }
}

TEST_F(TlsTest, BadCertificateFilesGiveAClearErrorNamingTheFlag) {
  const TlsPair pair = SelfSigned("server");
  const TlsPair other = SelfSigned("other");
  const std::string missing = Path("missing.pem");
  const std::string not_pem = Path("not-pem.txt");
  std::ofstream(not_pem) << "this is no certificate\n";
  const std::string data = Path("data");
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--tls_cert_file=" + missing, "--tls_key_file=" + pair.key_file},
       "--tls_cert_file: cannot read '" + missing + "': No such file or directory"},
      {{"--tls_cert_file=" + pair.cert_file, "--tls_key_file=" + missing},
       "--tls_key_file: cannot read '" + missing + "'"},
      {{"--tls_cert_file=" + not_pem, "--tls_key_file=" + pair.key_file},
       "--tls_cert_file: '" + not_pem + "' holds no PEM certificate"},
      {{"--tls_cert_file=" + pair.cert_file, "--tls_key_file=" + not_pem},
       "--tls_key_file: '" + not_pem + "' holds no PEM private key"},
      {{"--tls_cert_file=" + pair.cert_file, "--tls_key_file=" + pair.key_file,
        "--tls_client_ca_file=" + missing},
       "--tls_client_ca_file: cannot read '" + missing + "'"},
      {{"--tls_cert_file=" + pair.cert_file}, "--tls_cert_file needs --tls_key_file"},
      {{"--tls_key_file=" + pair.key_file}, "--tls_key_file needs --tls_cert_file"},
      {{"--tls_client_ca_file=" + pair.cert_file}, "--tls_client_ca_file needs --tls_cert_file"},
      // Both files are PEM, but the key is another certificate's: gRPC refuses the pair.
      {{"--tls_cert_file=" + pair.cert_file, "--tls_key_file=" + other.key_file},
       "TLS certificate and key"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> flags = {"--address=127.0.0.1:0", "--data_dir=" + data};
    flags.insert(flags.end(), c.flags.begin(), c.flags.end());
    const BinaryResult run = RunServer(flags);
    EXPECT_NE(run.code, 0) << c.message;
    EXPECT_NE(run.code, kTimedOut) << c.message << ": the server started";
    EXPECT_THAT(run.err, HasSubstr(c.message));
    EXPECT_THAT(run.out, Not(HasSubstr("listening on"))) << c.message;
    std::error_code ignored;
    std::filesystem::remove_all(data, ignored);
  }
}

TEST_F(TlsTest, CliTalksTlsWithCaFile) {
  ServerProcessOptions options;
  options.tls = ServerProcessTls();
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string ca = (*server)->ca_file();

  const BinaryResult info = RunCli(**server, {"--ca_file", ca, "info"});
  EXPECT_EQ(info.code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr((*server)->data_dir()));
  const BinaryResult ping = RunCli(**server, {"ping", "--ca_file=" + ca});
  EXPECT_EQ(ping.code, 0) << ping.err;

  // W2W_CA_FILE stands in for the flag.
  const BinaryResult from_env = RunCli(**server, {"info"}, {"W2W_CA_FILE=" + ca});
  EXPECT_EQ(from_env.code, 0) << from_env.err;

  // Plaintext to a TLS server fails, with a hint at --ca_file.
  const BinaryResult plain = RunCli(**server, {"info"});
  EXPECT_EQ(plain.code, 1);
  EXPECT_THAT(plain.err, AllOf(HasSubstr("UNAVAILABLE"), HasSubstr("--ca_file")));

  const BinaryResult missing = RunCli(**server, {"--ca_file", Path("missing.pem"), "info"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("--ca_file: cannot read"));
  EXPECT_EQ(RunCli(**server, {"--ca_file", ca, "--cert_file", ca, "info"}).code, 2)
      << "--cert_file without --key_file is a usage error";
}

TEST_F(TlsTest, CliPresentsItsCertificateForMutualTls) {
  const TlsPair client_ca = SelfSigned("client-ca");
  const TlsPair client = SignedBy(client_ca, "operator");
  ServerProcessOptions options;
  options.tls = ServerProcessTls();
  options.tls->client_ca_file = client_ca.cert_file;
  options.tls->client_cert_file = client.cert_file;
  options.tls->client_key_file = client.key_file;
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string ca = (*server)->ca_file();

  const BinaryResult with_cert = RunCli(**server, {"--ca_file", ca, "--cert_file", client.cert_file,
                                                   "--key_file", client.key_file, "info"});
  EXPECT_EQ(with_cert.code, 0) << with_cert.err;
  const BinaryResult from_env =
      RunCli(**server, {"info"},
             {"W2W_CA_FILE=" + ca, "W2W_CERT_FILE=" + client.cert_file,
              "W2W_KEY_FILE=" + client.key_file});
  EXPECT_EQ(from_env.code, 0) << from_env.err;
  const BinaryResult without_cert = RunCli(**server, {"--ca_file", ca, "info"});
  EXPECT_EQ(without_cert.code, 1);
  EXPECT_THAT(without_cert.err, HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace w2w
