// LoadGen: drives one workload against a running w2w server over loopback, on gRPC's
// asynchronous client API (one CompletionQueue per worker thread, requests spread over a
// few channels), and measures latency and throughput.
//
// Modes:
//   closed  fixed concurrency: each finished call immediately starts the next one.
//   open    fixed arrival rate: call i is due at start + i / rate; its latency is measured
//           from that intended send time, not from when it was actually sent, so a server
//           that stalls is charged for the requests it delayed (no coordinated omission).
// Every run is bounded by a request count and a duration.
//
// Streaming workloads (import_candidates, push_vacancies) run one client stream per
// worker and report records per second.
//
// Thread safety: Run() may be called from one thread at a time; it starts and joins its
// own worker threads.
#ifndef W2W_BENCH_LOADGEN_LOADGEN_H_
#define W2W_BENCH_LOADGEN_LOADGEN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/loadgen/histogram.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::bench {

enum class Workload {
  kPing,
  kGetCandidate,
  kGetVacancy,
  kShortlist,
  kMatchCandidate,
  kUpsertCandidate,
  kImportCandidates,  // client stream
  kPushVacancies,     // client stream
};

// Parses "ping", "get_candidate", ...; INVALID_ARGUMENT naming an unknown workload.
absl::StatusOr<Workload> ParseWorkload(const std::string& name);
const char* WorkloadName(Workload w);
bool IsStreaming(Workload w);

struct LoadOptions {
  std::string target = "127.0.0.1:50051";
  Workload workload = Workload::kPing;
  bool open_loop = false;
  int concurrency = 16;        // closed loop: calls in flight (all threads together)
  double rate = 1000;          // open loop: calls per second (all threads together)
  int max_in_flight = 4096;    // open loop: cap on calls in flight
  int threads = 1;             // worker threads (each with its own CompletionQueue)
  int channels = 2;            // distinct gRPC channels
  double warmup_seconds = 1;   // calls started before this are not recorded
  double duration_seconds = 10;
  uint64_t max_requests = 0;   // 0 = bounded by time only
  double deadline_seconds = 30;  // per-call deadline
  uint32_t k = 20;             // Shortlist / MatchCandidate size
  uint64_t seed = 1;
  // Streaming workloads: records pushed per worker, and the id prefix that makes them new
  // records ("" = the dataset's own ids, i.e. updates).
  uint64_t stream_records = 10000;
  std::string id_prefix;
  // Records per stream message: 1 sends the single field (candidate / vacancy), more
  // packs them into the repeated field (candidates / vacancies).
  uint64_t records_per_message = 1;
};

struct LoadResult {
  Histogram latency;           // nanoseconds, successful and failed calls alike
  uint64_t ok = 0;
  std::map<std::string, uint64_t> errors;  // by gRPC status code name
  double elapsed_seconds = 0;  // measured window
  double throughput = 0;       // successful calls (or streamed records) per second
  uint64_t records = 0;        // streaming: records sent
  uint64_t committed = 0;      // streaming: records the server committed
  uint64_t unchanged = 0;
  uint64_t rejected = 0;
  uint64_t changed_upserts = 0;  // upsert_candidate: responses with changed = true
};

// Channels to one server, shared by the runs of one invocation so that every workload is
// measured on the same connections. Opaque; create with Connect().
struct Connection;
struct ConnectionDeleter { void operator()(Connection* c) const; };
using ConnectionPtr = std::unique_ptr<Connection, ConnectionDeleter>;

// Opens `channels` channels to `target` and waits until they are connected: plaintext
// when `ca_pem` is empty, else TLS verifying the server against that PEM CA. Every call
// carries the bearer `token` (none when empty).
// Errors: UNAVAILABLE when the server cannot be reached within 10 s.
absl::StatusOr<ConnectionPtr> Connect(const std::string& target, int channels,
                                      const std::string& ca_pem = "", const std::string& token = "");

// Runs `options` (its target and channels are ignored) on `connection`, drawing requests from the dataset (candidates for
// get_candidate/match_candidate/upsert/import, vacancies for get_vacancy/shortlist/push).
// `vacancy_ids` restricts the vacancies used by shortlist (e.g. open ones only); when
// empty all of `vacancies` are used.
// Errors: INVALID_ARGUMENT when the workload needs records the dataset lacks.
absl::StatusOr<LoadResult> Run(const LoadOptions& options, Connection& connection,
                               const std::vector<v1::Candidate>& candidates,
                               const std::vector<v1::Vacancy>& vacancies);

// The result as one JSON object (latencies in microseconds).
std::string ResultJson(const LoadOptions& options, const LoadResult& result);

}  // namespace w2w::bench

#endif  // W2W_BENCH_LOADGEN_LOADGEN_H_
