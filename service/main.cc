// w2w-server: the w2w gRPC server. Opens the Engine on a data folder, serves every
// w2w.v1 service plus health and reflection, prints
//   w2w-server listening on <host>:<port>
// on stdout once serving (scripts and tests read the port from it), and shuts down
// gracefully on SIGTERM/SIGINT: health NOT_SERVING, in-flight calls finish (up to
// --shutdown_grace_seconds), the store is flushed, exit 0. See service/README.md.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "service/admin_token.h"
#include "service/server.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051",
          "host:port to listen on; port 0 picks a free port (printed on stdout).");
ABSL_FLAG(std::string, data_dir, "./var/w2w-data",
          "Folder of the RocksDB store; created when missing. One server per folder.");
ABSL_FLAG(std::string, reference_dir, W2W_DEFAULT_DATA_DIR,
          "Folder of the shipped reference data (regions, ESCO, qualifications).");
ABSL_FLAG(int, threads, w2w::service::kDefaultThreads,
          "Maximum long calls at once (imports, rematch streams, listings), each on a "
          "worker thread; further long calls get RESOURCE_EXHAUSTED. Short calls are not "
          "counted.");
ABSL_FLAG(bool, sync_writes, false,
          "fsync the write-ahead log before acknowledging each write (survives power loss; "
          "without it writes survive a process crash).");
ABSL_FLAG(int64_t, disk_reserve_mb, 256,
          "Refuse writes with RESOURCE_EXHAUSTED while the data folder's file system has "
          "fewer than this many MiB free.");
ABSL_FLAG(int, max_message_mb, 4,
          "Largest request message in MiB; larger ones get RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, rematch_threads, 2, "Worker threads shared by all rematch runs.");
ABSL_FLAG(std::string, admin_token_file, "",
          "Where the first administrator token's secret is written (mode 0600) when the file "
          "does not exist; default <data_dir>/admin.token. Never printed.");
ABSL_FLAG(double, shutdown_grace_seconds, 5,
          "On SIGTERM/SIGINT, how long in-flight calls may run before they are cancelled.");

namespace {

constexpr int64_t kBytesPerMiB = 1 << 20;
constexpr int kMaxMessageMb = 1024;  // gRPC message sizes are int; stay far from overflow.

int Fail(const std::string& message) {
  std::fprintf(stderr, "w2w-server: %s\n", message.c_str());
  return EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the shutdown signals before any thread exists, so every thread inherits the
  // mask and only the dedicated signal thread (sigwait) ever receives them.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);
  // A reader of our stdout that went away must not kill the server.
  signal(SIGPIPE, SIG_IGN);

  absl::FlagsUsageConfig usage_config;
  usage_config.version_string = [] { return std::string("w2w-server ") + W2W_VERSION + "\n"; };
  // --help lists the flags of this file (Abseil's default looks for w2w-server.cc).
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "service/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(
      "w2w gRPC server: matches technicians to vacancies.\n"
      "Usage: w2w-server [--address=127.0.0.1:50051] [--data_dir=./var/w2w-data] ...");
  absl::ParseCommandLine(argc, argv);

  const int max_message_mb = absl::GetFlag(FLAGS_max_message_mb);
  if (max_message_mb < 1 || max_message_mb > kMaxMessageMb) {
    return Fail(absl::StrCat("--max_message_mb must be 1..", kMaxMessageMb));
  }
  if (absl::GetFlag(FLAGS_disk_reserve_mb) < 0) return Fail("--disk_reserve_mb must be >= 0");
  if (absl::GetFlag(FLAGS_rematch_threads) < 1) return Fail("--rematch_threads must be >= 1");
  if (absl::GetFlag(FLAGS_data_dir).empty()) return Fail("--data_dir must not be empty");

  w2w::EngineOptions engine_options;
  engine_options.store.path = absl::GetFlag(FLAGS_data_dir);
  engine_options.store.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  engine_options.store.disk_reserve_bytes =
      static_cast<uint64_t>(absl::GetFlag(FLAGS_disk_reserve_mb)) * kBytesPerMiB;
  engine_options.reference_dir = absl::GetFlag(FLAGS_reference_dir);
  engine_options.rematch_threads = absl::GetFlag(FLAGS_rematch_threads);

  absl::StatusOr<std::unique_ptr<w2w::Engine>> engine = w2w::Engine::Open(engine_options);
  if (!engine.ok()) {
    return Fail(absl::StrCat("cannot open the engine on data folder '", engine_options.store.path,
                             "': ", engine.status().ToString()));
  }

  std::string admin_token_file = absl::GetFlag(FLAGS_admin_token_file);
  if (admin_token_file.empty()) admin_token_file = engine_options.store.path + "/admin.token";
  absl::StatusOr<bool> new_admin = w2w::service::EnsureAdminTokenFile(**engine, admin_token_file);
  if (!new_admin.ok()) return Fail(new_admin.status().ToString());
  if (*new_admin) {
    std::fprintf(stderr, "w2w-server: created an administrator token; its secret is in %s (mode 0600)\n",
                 admin_token_file.c_str());
  }

  w2w::service::ServerOptions server_options;
  server_options.address = absl::GetFlag(FLAGS_address);
  server_options.threads = absl::GetFlag(FLAGS_threads);
  server_options.max_receive_message_bytes = max_message_mb * static_cast<int>(kBytesPerMiB);
  absl::StatusOr<std::unique_ptr<w2w::service::Server>> server =
      w2w::service::Server::Start(server_options, engine->get());
  if (!server.ok()) return Fail(server.status().ToString());

  (*server)->SetServing(true);
  std::printf("w2w-server listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);

  const absl::Duration grace = absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  w2w::service::Server* running = server->get();
  std::thread signal_thread([&shutdown_signals, running, grace] {
    int signal_number = 0;
    sigwait(&shutdown_signals, &signal_number);
    std::fprintf(stderr, "w2w-server: %s received, shutting down\n",
                 signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    const absl::Time start = absl::Now();
    const bool drained = running->Shutdown(grace);
    std::fprintf(stderr, "w2w-server: %s in %s\n",
                 drained ? "in-flight calls finished" : "calls past the grace period cancelled",
                 absl::FormatDuration(absl::Now() - start).c_str());
  });

  running->Wait();
  signal_thread.join();
  const absl::Time drained = absl::Now();
  absl::Status flushed = (*engine)->Flush();
  server->reset();
  engine->reset();  // Closes the store.
  if (!flushed.ok()) return Fail(absl::StrCat("flush on shutdown failed: ", flushed.ToString()));
  std::fprintf(stderr, "w2w-server: stopped cleanly (store flushed and closed in %s)\n",
               absl::FormatDuration(absl::Now() - drained).c_str());
  return EXIT_SUCCESS;
}
