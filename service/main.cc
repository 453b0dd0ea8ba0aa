// w2w-server: the w2w gRPC server. Opens the Engine on a data folder, serves every
// w2w.v1 service plus health and reflection, prints
//   w2w-server listening on <host>:<port>
// on stdout once serving (scripts and tests read the port from it), and shuts down
// gracefully on SIGTERM/SIGINT: health NOT_SERVING, in-flight calls finish (up to
// --shutdown_grace_seconds), then open streams are told (a running rematch is stopped and
// kept INCOMPLETE, an import keeps its committed batches; both answer UNAVAILABLE saying
// so), the store is flushed, exit 0. While the store opens and the index is built the port
// already answers: health NOT_SERVING, other calls UNAVAILABLE (startup_server.h). See
// service/README.md.
//
// TLS when --tls_cert_file and --tls_key_file are given (mutual TLS with
// --tls_client_ca_file); without them only loopback addresses are accepted. The PEM files
// are read here, each error naming its flag.
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "service/admin_token.h"
#include "service/deployment.h"
#include "service/server.h"
#include "service/startup_server.h"
#include "service/web/web_server.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051",
          "host:port to listen on; port 0 picks a free port (printed on stdout).");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate of the server (then any intermediates); with --tls_key_file the "
          "port serves TLS. Without TLS the server listens on loopback addresses only.");
ABSL_FLAG(std::string, tls_key_file, "",
          "PEM private key of --tls_cert_file, unencrypted (keep it mode 0600).");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA certificate(s): mutual TLS, every client must present a certificate "
          "signed by one of them. Needs --tls_cert_file and --tls_key_file.");
ABSL_FLAG(std::string, data_dir, "./var/w2w-data",
          "Folder of the RocksDB store; created when missing. One server per folder.");
ABSL_FLAG(std::string, reference_dir, "",
          "Folder of the shipped reference data (regions, ESCO, qualifications); empty = "
          "../share/w2w/data beside this binary when it is there (an installed server), "
          "else the data/ folder of the source tree it was built from.");
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
ABSL_FLAG(int, audit_retention_days, 365,
          "Access audit entries (who read which candidate) older than this many days are "
          "deleted by a background job.");
ABSL_FLAG(int, tombstone_retention_days, 30,
          "A deleted candidate or vacancy leaves a tombstone with its last version, so that "
          "one created again under its id continues the version sequence and a stale "
          "conditional write fails; tombstones older than this many days no longer count "
          "and are dropped by compaction (docs/storage.md, \"Tombstones\").");
ABSL_FLAG(bool, audit_reads, true,
          "Record every read of a candidate in the access audit. false only to measure the "
          "audit's cost (bench/audit_cost.sh); a production server keeps it on.");
ABSL_FLAG(int, watch_retention_seconds, 600,
          "How long watch events are kept for resume tokens (and watched matches of a "
          "disconnected watcher followed), seconds (docs/watch.md)");
ABSL_FLAG(int, watch_queue_limit, 10000,
          "Events that may wait for one watcher before it is told it fell behind");
ABSL_FLAG(bool, release_memory_after_rematch, true,
          "After a rematch ends and none is running, give the memory it freed back to the "
          "system, so RSS falls back near its level before the run. false only to measure "
          "what that does (bench/rematch_memory.sh).");
ABSL_FLAG(int, readiness_budget_per_second, 200,
          "Readiness (docs/readiness.md): person evaluations per second at most of its one "
          "low-priority background worker (each 1..4 candidate matches); 0 = off, "
          "GetReadiness then reports everybody pending. 0..100000.");
ABSL_FLAG(double, rate_limit_per_token, w2w::service::kDefaultRateLimitPerToken,
          "Calls per second each coach or partner token may make (a token bucket per token; "
          "a stream counts as one call); calls over it get RESOURCE_EXHAUSTED with the "
          "trailing metadata retry-after-ms. 0 = no limit.");
ABSL_FLAG(double, rate_burst_per_token, 0,
          "Calls a coach or partner token may make at once after being idle (its bucket "
          "size); 0 = one second of --rate_limit_per_token.");
ABSL_FLAG(double, admin_rate_limit_per_token, 0,
          "Calls per second each administrator token may make (bucket: one second of it); "
          "0 = no limit (operators and tools: imports, benchmarks).");
ABSL_FLAG(int64_t, max_stream_items, static_cast<int64_t>(w2w::service::kDefaultMaxStreamItems),
          "Items (records) one ImportCandidates or PushVacancies stream may carry; a stream "
          "going past it ends with RESOURCE_EXHAUSTED (batches committed before stay).");
ABSL_FLAG(std::string, admin_token_file, "",
          "Where the first administrator token's secret is written (mode 0600) when the file "
          "does not exist; default <data_dir>/admin.token. Never printed.");
ABSL_FLAG(bool, web, false,
          "Serve the coach's web page, its JSON API and /metrics on --http_address.");
ABSL_FLAG(std::string, http_address, "127.0.0.1:8080",
          "host:port of the web page and /metrics (with --web); the same TLS as the gRPC port; "
          "loopback only without TLS. Port 0 picks a free one.");
ABSL_FLAG(double, session_hours, 8, "A web session ends this many hours after login.");
ABSL_FLAG(double, web_watch_seconds, 0,
          "The web page's live alerts: the web edge ends a watch after this many seconds and "
          "the page opens it again with its last resume token; 0 = when the session ends.");
ABSL_FLAG(bool, log_calls, false,
          "One JSON line per call on stderr: time, method, status code, milliseconds, token "
          "name (no personal data).");
ABSL_FLAG(std::string, restore_from, "",
          "Before opening: restore the newest backup (or --restore_backup_id) of this backup "
          "folder into --data_dir, which must be empty or missing (w2w admin backup makes them).");
ABSL_FLAG(uint32_t, restore_backup_id, 0, "With --restore_from: the backup to restore (0 = newest).");
ABSL_FLAG(bool, rpc_metrics, true,
          "Count every RPC in /metrics (method, code, latency); off only to measure its cost.");
ABSL_FLAG(double, shutdown_grace_seconds, 5,
          "On SIGTERM/SIGINT, how long in-flight calls may run before they are cancelled.");

namespace {

constexpr int64_t kBytesPerMiB = 1 << 20;
constexpr int kMaxMessageMb = 1024;  // gRPC message sizes are int; stay far from overflow.
constexpr int kMaxReadinessBudget = 100000;  // Evaluations per second: more than a machine does.

// PEM files are a few KiB; anything far larger is not one (and /dev/zero never ends).
constexpr size_t kMaxPemBytes = 1 << 20;

// Whether stderr is systemd's journal stream (service/deployment.h); set once at the start
// of main(), before any thread, and only read after.
bool stderr_is_journal = false;

// Error lines carry journald's priority prefix under systemd, so `journalctl -p err` finds
// them; on a terminal they are plain.
int Fail(const std::string& message) {
  std::fprintf(stderr, "%sw2w-server: %s\n", w2w::service::ErrorPrefix(stderr_is_journal),
               message.c_str());
  return EXIT_FAILURE;
}

// The content of the file `path` named by --`flag`. Errors (INVALID_ARGUMENT, the message
// starting with the flag): unreadable, or larger than kMaxPemBytes.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read '", path, "': ", std::strerror(errno)));
  }
  std::string text;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0 && text.size() <= kMaxPemBytes) {
    text.append(buffer, n);
  }
  const int read_error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (read_error != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read '", path, "': ", std::strerror(read_error)));
  }
  if (text.size() > kMaxPemBytes) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": '", path,
                                                   "' is too large for a PEM file"));
  }
  return text;
}

// Reads the PEM file of --`flag`, which must hold a "-----BEGIN <label>-----" block
// (`what` names it in the error).
absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path,
                                        absl::string_view label, absl::string_view what) {
  absl::StatusOr<std::string> text = ReadFlagFile(flag, path);
  if (!text.ok()) return text.status();
  if (!absl::StrContains(*text, absl::StrCat("-----BEGIN ", label, "-----"))) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": '", path, "' holds no PEM ",
                                                   what, " (no -----BEGIN ", label,
                                                   "----- line)"));
  }
  return text;
}

// The PEM private key of --tls_key_file: PKCS#8 ("PRIVATE KEY"), RSA or EC, unencrypted
// (gRPC cannot ask for a passphrase).
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  constexpr absl::string_view kFlag = "tls_key_file";
  absl::StatusOr<std::string> text = ReadFlagFile(kFlag, path);
  if (!text.ok()) return text.status();
  if (absl::StrContains(*text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
      absl::StrContains(*text, "Proc-Type: 4,ENCRYPTED")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", kFlag, ": '", path,
        "' is encrypted; give the key unencrypted (openssl pkey -in KEY -out PLAIN)"));
  }
  for (absl::string_view label : {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"}) {
    if (absl::StrContains(*text, absl::StrCat("-----BEGIN ", label, "-----"))) return text;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--", kFlag, ": '", path,
      "' holds no PEM private key (no -----BEGIN PRIVATE KEY----- line)"));
}

// TLS from the --tls_* flags: nullopt when none is given. Errors (INVALID_ARGUMENT) name
// the flag: one of the pair missing, a client CA without the pair, a file unreadable or
// not PEM.
absl::StatusOr<std::optional<w2w::service::ServerTlsOptions>> TlsFromFlags() {
  const std::string cert = absl::GetFlag(FLAGS_tls_cert_file);
  const std::string key = absl::GetFlag(FLAGS_tls_key_file);
  const std::string client_ca = absl::GetFlag(FLAGS_tls_client_ca_file);
  if (cert.empty() && key.empty()) {
    if (!client_ca.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca_file needs --tls_cert_file and --tls_key_file (mutual TLS is TLS)");
    }
    return std::nullopt;
  }
  if (cert.empty()) return absl::InvalidArgumentError("--tls_key_file needs --tls_cert_file");
  if (key.empty()) return absl::InvalidArgumentError("--tls_cert_file needs --tls_key_file");
  w2w::service::ServerTlsOptions tls;
  absl::StatusOr<std::string> cert_pem =
      ReadPemFile("tls_cert_file", cert, "CERTIFICATE", "certificate");
  if (!cert_pem.ok()) return cert_pem.status();
  tls.cert_chain_pem = *std::move(cert_pem);
  absl::StatusOr<std::string> key_pem = ReadKeyFile(key);
  if (!key_pem.ok()) return key_pem.status();
  tls.private_key_pem = *std::move(key_pem);
  if (!client_ca.empty()) {
    absl::StatusOr<std::string> ca_pem =
        ReadPemFile("tls_client_ca_file", client_ca, "CERTIFICATE", "CA certificate");
    if (!ca_pem.ok()) return ca_pem.status();
    tls.client_ca_pem = *std::move(ca_pem);
  }
  return tls;
}

// The one stderr line at start that says how the port is protected.
std::string TransportLine(const std::optional<w2w::service::ServerTlsOptions>& tls) {
  if (!tls.has_value()) {
    return "no TLS: listening on loopback only; set --tls_cert_file and --tls_key_file to "
           "serve other hosts";
  }
  std::string line = absl::StrCat("TLS with certificate '", absl::GetFlag(FLAGS_tls_cert_file),
                                  "'");
  if (!tls->client_ca_pem.empty()) {
    absl::StrAppend(&line, "; mutual TLS: clients need a certificate signed by '",
                    absl::GetFlag(FLAGS_tls_client_ca_file), "'");
  }
  return line;
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
  // Our own lines carry no timestamp; under systemd gRPC's lines lose theirs too (journald
  // stamps every line) and every error line gets journald's priority.
  stderr_is_journal = w2w::service::StderrIsJournal();
  if (stderr_is_journal) w2w::service::UseJournalForGrpcLog();

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
      "Usage: w2w-server [--address=127.0.0.1:50051] [--data_dir=./var/w2w-data]\n"
      "         [--tls_cert_file=CERT.pem --tls_key_file=KEY.pem [--tls_client_ca_file=CA.pem]] "
      "...\n"
      "Without TLS only loopback addresses are accepted.\n"
      "--flagfile=FILE reads flags from FILE, one --name=value a line, # for comments\n"
      "(the systemd unit reads /etc/w2w/w2w-server.conf).");
  absl::ParseCommandLine(argc, argv);

  const int max_message_mb = absl::GetFlag(FLAGS_max_message_mb);
  if (max_message_mb < 1 || max_message_mb > kMaxMessageMb) {
    return Fail(absl::StrCat("--max_message_mb must be 1..", kMaxMessageMb));
  }
  if (absl::GetFlag(FLAGS_disk_reserve_mb) < 0) return Fail("--disk_reserve_mb must be >= 0");
  if (absl::GetFlag(FLAGS_rematch_threads) < 1) return Fail("--rematch_threads must be >= 1");
  if (absl::GetFlag(FLAGS_readiness_budget_per_second) < 0 ||
      absl::GetFlag(FLAGS_readiness_budget_per_second) > kMaxReadinessBudget) {
    return Fail(absl::StrCat("--readiness_budget_per_second must be 0..", kMaxReadinessBudget));
  }
  if (absl::GetFlag(FLAGS_audit_retention_days) < 1) return Fail("--audit_retention_days must be >= 1");
  if (absl::GetFlag(FLAGS_watch_retention_seconds) < 1) return Fail("--watch_retention_seconds must be >= 1");
  if (absl::GetFlag(FLAGS_watch_queue_limit) < 1) return Fail("--watch_queue_limit must be >= 1");
  if (absl::GetFlag(FLAGS_tombstone_retention_days) < 1) {
    return Fail("--tombstone_retention_days must be >= 1");
  }
  const double rate = absl::GetFlag(FLAGS_rate_limit_per_token);
  const double burst = absl::GetFlag(FLAGS_rate_burst_per_token);
  const double admin_rate = absl::GetFlag(FLAGS_admin_rate_limit_per_token);
  // !(x >= 0) also refuses NaN.
  if (!(rate >= 0)) return Fail("--rate_limit_per_token must be >= 0 (0 = no limit)");
  if (!(burst >= 0)) return Fail("--rate_burst_per_token must be >= 0 (0 = one second of the rate)");
  if (!(admin_rate >= 0)) return Fail("--admin_rate_limit_per_token must be >= 0 (0 = no limit)");
  if (absl::GetFlag(FLAGS_max_stream_items) < 1) return Fail("--max_stream_items must be >= 1");
  if (absl::GetFlag(FLAGS_data_dir).empty()) return Fail("--data_dir must not be empty");

  // The server's options are checked before the store is opened: a refused address or an
  // unreadable certificate leaves no data folder behind.
  w2w::service::ServerOptions server_options;
  server_options.address = absl::GetFlag(FLAGS_address);
  server_options.threads = absl::GetFlag(FLAGS_threads);
  server_options.max_receive_message_bytes = max_message_mb * static_cast<int>(kBytesPerMiB);
  server_options.rate_limit = {rate, burst > 0 ? burst : rate};
  server_options.admin_rate_limit = {admin_rate, admin_rate};
  server_options.max_stream_items = static_cast<uint64_t>(absl::GetFlag(FLAGS_max_stream_items));
  server_options.log_calls = absl::GetFlag(FLAGS_log_calls);
  server_options.rpc_metrics = absl::GetFlag(FLAGS_rpc_metrics);
  const bool web_on = absl::GetFlag(FLAGS_web);
  if (!web_on && absl::GetFlag(FLAGS_http_address) != "127.0.0.1:8080") {
    std::fprintf(stderr, "w2w-server: --http_address is set but the web page is off; add --web\n");
  }
  const double session_hours = absl::GetFlag(FLAGS_session_hours);
  if (!(session_hours > 0)) return Fail("--session_hours must be > 0");
  absl::StatusOr<std::optional<w2w::service::ServerTlsOptions>> tls = TlsFromFlags();
  if (!tls.ok()) return Fail(std::string(tls.status().message()));
  server_options.tls = *std::move(tls);
  if (absl::Status checked = w2w::service::CheckServerOptions(server_options); !checked.ok()) {
    return Fail(checked.ToString());
  }

  w2w::service::web::WebOptions web_options;
  web_options.address = absl::GetFlag(FLAGS_http_address);
  web_options.tls = server_options.tls;
  web_options.session_ttl = absl::Hours(session_hours);
  const double web_watch_seconds = absl::GetFlag(FLAGS_web_watch_seconds);
  if (web_watch_seconds < 0) return Fail("--web_watch_seconds must be >= 0");
  if (web_watch_seconds > 0) web_options.watch_timeout = absl::Seconds(web_watch_seconds);
  if (web_on) {
    if (absl::Status checked = w2w::service::web::CheckWebOptions(web_options); !checked.ok()) {
      return Fail(checked.ToString());
    }
  }

  // The port answers from here on: health NOT_SERVING, every other call UNAVAILABLE
  // "starting", until the store is open and the index built (startup_server.h).
  absl::StatusOr<std::unique_ptr<w2w::service::StartupServer>> startup =
      w2w::service::StartupServer::Start(server_options);
  if (!startup.ok()) return Fail(startup.status().ToString());
  server_options.address = (*startup)->address();  // The same port for the real server.
  std::fprintf(stderr,
               "w2w-server: starting on %s (health NOT_SERVING, other calls UNAVAILABLE, until "
               "the store is open and the index is built)\n",
               server_options.address.c_str());
  const absl::Time starting = absl::Now();

  w2w::EngineOptions engine_options;
  engine_options.store.path = absl::GetFlag(FLAGS_data_dir);
  engine_options.store.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  engine_options.store.disk_reserve_bytes =
      static_cast<uint64_t>(absl::GetFlag(FLAGS_disk_reserve_mb)) * kBytesPerMiB;
  engine_options.reference_dir = absl::GetFlag(FLAGS_reference_dir);
  if (engine_options.reference_dir.empty()) {
    engine_options.reference_dir = w2w::service::DefaultReferenceDir(W2W_DEFAULT_DATA_DIR);
  }
  engine_options.rematch_threads = absl::GetFlag(FLAGS_rematch_threads);
  engine_options.audit_retention_days = absl::GetFlag(FLAGS_audit_retention_days);
  engine_options.audit_reads = absl::GetFlag(FLAGS_audit_reads);
  engine_options.release_memory_after_rematch = absl::GetFlag(FLAGS_release_memory_after_rematch);
  engine_options.watch_retention_seconds = absl::GetFlag(FLAGS_watch_retention_seconds);
  engine_options.watch_queue_limit = absl::GetFlag(FLAGS_watch_queue_limit);
  engine_options.readiness_budget_per_second =
      static_cast<uint32_t>(absl::GetFlag(FLAGS_readiness_budget_per_second));
  engine_options.store.tombstone_retention = absl::Hours(24) * absl::GetFlag(FLAGS_tombstone_retention_days);

  if (const std::string from = absl::GetFlag(FLAGS_restore_from); !from.empty()) {
    const absl::Time start = absl::Now();
    if (absl::Status restored = w2w::Engine::RestoreBackup(
            from, absl::GetFlag(FLAGS_restore_backup_id), engine_options.store.path);
        !restored.ok()) {
      return Fail(absl::StrCat("--restore_from: ", restored.ToString()));
    }
    std::fprintf(stderr, "w2w-server: restored %s of '%s' into '%s' in %s\n",
                 absl::GetFlag(FLAGS_restore_backup_id) == 0
                     ? "the newest backup"
                     : absl::StrCat("backup ", absl::GetFlag(FLAGS_restore_backup_id)).c_str(),
                 from.c_str(), engine_options.store.path.c_str(),
                 absl::FormatDuration(absl::Now() - start).c_str());
  }
  absl::StatusOr<std::unique_ptr<w2w::Engine>> engine = w2w::Engine::Open(engine_options);
  if (!engine.ok()) {
    return Fail(absl::StrCat("cannot open the engine on data folder '", engine_options.store.path,
                             "': ", engine.status().ToString()));
  }
  std::fprintf(stderr, "w2w-server: reference data from '%s'\n",
               engine_options.reference_dir.c_str());

  if ((*engine)->ReadStoreHealth().read_only) {
    std::fprintf(stderr,
                 "w2w-server: WARNING: the disk of '%s' is full: the store is open READ-ONLY; reads "
                 "are served, writes refused with RESOURCE_EXHAUSTED; free space and restart\n",
                 engine_options.store.path.c_str());
  }
  std::string admin_token_file = absl::GetFlag(FLAGS_admin_token_file);
  if (admin_token_file.empty()) admin_token_file = engine_options.store.path + "/admin.token";
  absl::StatusOr<bool> new_admin = w2w::service::EnsureAdminTokenFile(**engine, admin_token_file);
  if (!new_admin.ok()) return Fail(new_admin.status().ToString());
  if (*new_admin) {
    std::fprintf(stderr, "w2w-server: created an administrator token; its secret is in %s (mode 0600)\n",
                 admin_token_file.c_str());
  }

  (*startup)->Stop();
  absl::StatusOr<std::unique_ptr<w2w::service::Server>> server =
      w2w::service::Server::Start(server_options, engine->get());
  if (!server.ok()) return Fail(server.status().ToString());

  std::unique_ptr<w2w::service::web::WebServer> web;
  if (web_on) {
    absl::StatusOr<std::unique_ptr<w2w::service::web::WebServer>> started =
        w2w::service::web::WebServer::Start(web_options, (*server)->InProcessChannel(),
                                            &(*server)->metrics());
    if (!started.ok()) return Fail(started.status().ToString());
    web = *std::move(started);
  }

  (*server)->SetServing(true);
  std::fprintf(stderr, "w2w-server: %s\n", TransportLine(server_options.tls).c_str());
  std::fprintf(stderr, "w2w-server: serving after %s of start-up\n",
               absl::FormatDuration(absl::Trunc(absl::Now() - starting, absl::Milliseconds(1))).c_str());
  if (web != nullptr) std::printf("w2w-server web page on %s\n", web->url().c_str());
  std::printf("w2w-server listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);

  const absl::Duration grace = absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  w2w::service::Server* running = server->get();
  w2w::service::web::WebServer* running_web = web.get();
  std::thread signal_thread([&shutdown_signals, running, running_web, grace] {
    int signal_number = 0;
    sigwait(&shutdown_signals, &signal_number);
    std::fprintf(stderr, "w2w-server: %s received, shutting down\n",
                 signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    const absl::Time start = absl::Now();
    const w2w::service::Server::ShutdownReport report = running->Shutdown(grace);
    // Then the page: its calls went to the server, so they are done or cancelled now (a
    // page request that comes in meanwhile is answered 503, the server draining).
    if (running_web != nullptr) running_web->Stop();
    std::fprintf(stderr, "w2w-server: %s in %s\n",
                 report.drained ? "in-flight calls finished"
                                : "calls past the grace period told to stop or cancelled",
                 absl::FormatDuration(absl::Now() - start).c_str());
    if (report.rematches_stopped > 0) {
      std::fprintf(stderr,
                   "w2w-server: %d rematch run(s) stopped at the end of the grace period, kept "
                   "as INCOMPLETE (start them again after the restart)\n",
                   report.rematches_stopped);
    }
  });

  running->Wait();
  signal_thread.join();
  const absl::Time drained = absl::Now();
  absl::Status flushed = (*engine)->Flush();
  web.reset();
  server->reset();
  engine->reset();  // Closes the store.
  if (!flushed.ok()) return Fail(absl::StrCat("flush on shutdown failed: ", flushed.ToString()));
  std::fprintf(stderr, "w2w-server: stopped cleanly (store flushed and closed in %s)\n",
               absl::FormatDuration(absl::Now() - drained).c_str());
  return EXIT_SUCCESS;
}
