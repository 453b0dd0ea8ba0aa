// w2w-loadgen: runs one or more workloads against a w2w server on loopback and prints
// one JSON object with a result per run (latencies in microseconds). All runs of one
// invocation share the same channels, so their figures compare side by side.
//
//   w2w-loadgen --target=127.0.0.1:PORT --candidates=c.jsonl --vacancies=v.jsonl
//       --workloads=ping,shortlist --concurrency=1,16 --duration_s=5
//   w2w-loadgen ... --mode=open --rates=500,1000
//   w2w-loadgen ... --ca_file=var/w2w-data/tls/server.pem   (a server with TLS)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/loadgen/dataset.h"
#include "bench/loadgen/loadgen.h"
#include "clients/auth/bearer.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "Server address (loopback only).");
ABSL_FLAG(std::string, token_file, "", "File with the bearer token (default: $W2W_TOKEN).");
ABSL_FLAG(std::string, ca_file, "",
          "PEM CA to verify a TLS server against (e.g. scripts/start.sh's "
          "var/w2w-data/tls/server.pem); empty = plaintext.");
ABSL_FLAG(std::string, candidates, "", "Candidates JSON-lines file (w2w-datagen).");
ABSL_FLAG(std::string, vacancies, "", "Vacancies JSON-lines file (w2w-datagen).");
ABSL_FLAG(uint64_t, max_records, 0, "Read at most this many records per file (0 = all).");
ABSL_FLAG(bool, open_vacancies_only, true, "Shortlist only open vacancies that have not expired.");
ABSL_FLAG(std::string, workloads, "ping",
          "Comma-separated: ping, get_candidate, get_vacancy, shortlist, match_candidate, "
          "upsert_candidate, import_candidates, push_vacancies.");
ABSL_FLAG(std::string, mode, "closed", "closed (fixed concurrency) or open (fixed rate).");
ABSL_FLAG(std::string, concurrency, "16", "Closed loop: comma-separated concurrencies.");
ABSL_FLAG(std::string, rates, "1000", "Open loop: comma-separated rates (calls/s).");
ABSL_FLAG(int, max_in_flight, 4096, "Open loop: cap on calls in flight.");
ABSL_FLAG(int, threads, 1, "Client worker threads (one CompletionQueue each).");
ABSL_FLAG(int, channels, 2, "gRPC channels.");
ABSL_FLAG(double, warmup_s, 1, "Warm-up seconds per run (not recorded).");
ABSL_FLAG(double, duration_s, 5, "Measured seconds per run.");
ABSL_FLAG(uint64_t, requests, 0, "Upper bound on calls per run (0 = time only).");
ABSL_FLAG(uint32_t, k, 20, "Shortlist / MatchCandidate k.");
ABSL_FLAG(uint64_t, seed, 1, "Random seed for the request mix.");
ABSL_FLAG(uint64_t, stream_records, 10000, "Streaming workloads: records per stream.");
ABSL_FLAG(std::string, id_prefix, "", "Streaming workloads: prefix making new ids.");
ABSL_FLAG(uint64_t, records_per_message, 1,
          "Streaming workloads: records per stream message (1 = the single field, more = "
          "packed into the repeated field).");
ABSL_FLAG(std::string, out, "", "Also write the JSON to this file.");

namespace {

std::vector<double> ParseList(const std::string& text) {
  std::vector<double> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    double v = 0;
    if (absl::SimpleAtod(part, &v)) out.push_back(v);
  }
  return out;
}

int Fail(const absl::Status& status) {
  std::cerr << "w2w-loadgen: " << status << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using w2w::bench::LoadOptions;
  std::vector<w2w::v1::Candidate> candidates;
  std::vector<w2w::v1::Vacancy> vacancies;
  const uint64_t limit = absl::GetFlag(FLAGS_max_records);
  if (!absl::GetFlag(FLAGS_candidates).empty()) {
    auto c = w2w::bench::ReadCandidates(absl::GetFlag(FLAGS_candidates), limit);
    if (!c.ok()) return Fail(c.status());
    candidates = std::move(*c);
  }
  if (!absl::GetFlag(FLAGS_vacancies).empty()) {
    auto v = w2w::bench::ReadVacancies(absl::GetFlag(FLAGS_vacancies), limit);
    if (!v.ok()) return Fail(v.status());
    vacancies = std::move(*v);
  }
  // Open and not expired: the server refuses a shortlist for any other vacancy with
  // FAILED_PRECONDITION. ISO dates compare as strings.
  const std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone());
  std::vector<w2w::v1::Vacancy> open_vacancies;
  for (const auto& v : vacancies) {
    const bool open = v.status() == w2w::v1::VACANCY_STATUS_OPEN ||
                      v.status() == w2w::v1::VACANCY_STATUS_UNSPECIFIED;
    if (open && (v.expires_at().empty() || v.expires_at() >= today)) {
      open_vacancies.push_back(v);
    }
  }
  if (absl::GetFlag(FLAGS_open_vacancies_only) && !open_vacancies.empty()) {
    vacancies.swap(open_vacancies);
  }

  std::string ca_pem;
  if (const std::string ca_file = absl::GetFlag(FLAGS_ca_file); !ca_file.empty()) {
    std::ifstream in(ca_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    ca_pem = text.str();
    if (!in || ca_pem.empty()) {
      return Fail(absl::InvalidArgumentError(absl::StrCat("--ca_file: cannot read '", ca_file,
                                                          "'")));
    }
  }
  std::string token;
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    absl::StatusOr<std::string> read = w2w::clients::ReadTokenFile(absl::GetFlag(FLAGS_token_file));
    if (!read.ok()) {
      std::fprintf(stderr, "w2w-loadgen: %s\n", read.status().ToString().c_str());
      return 1;
    }
    token = *std::move(read);
  } else if (const char* env = std::getenv("W2W_TOKEN"); env != nullptr) {
    token = env;
  }
  auto conn = w2w::bench::Connect(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_channels),
                                  ca_pem, token);
  if (!conn.ok()) return Fail(conn.status());

  LoadOptions base;
  base.target = absl::GetFlag(FLAGS_target);
  base.open_loop = absl::GetFlag(FLAGS_mode) == "open";
  base.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  base.threads = absl::GetFlag(FLAGS_threads);
  base.channels = absl::GetFlag(FLAGS_channels);
  base.warmup_seconds = absl::GetFlag(FLAGS_warmup_s);
  base.duration_seconds = absl::GetFlag(FLAGS_duration_s);
  base.max_requests = absl::GetFlag(FLAGS_requests);
  base.k = absl::GetFlag(FLAGS_k);
  base.seed = absl::GetFlag(FLAGS_seed);
  base.stream_records = absl::GetFlag(FLAGS_stream_records);
  base.id_prefix = absl::GetFlag(FLAGS_id_prefix);
  base.records_per_message = absl::GetFlag(FLAGS_records_per_message);
  const std::vector<double> levels = ParseList(
      base.open_loop ? absl::GetFlag(FLAGS_rates) : absl::GetFlag(FLAGS_concurrency));

  std::vector<std::string> runs;
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',', absl::SkipEmpty())) {
    auto workload = w2w::bench::ParseWorkload(std::string(name));
    if (!workload.ok()) return Fail(workload.status());
    for (double level : levels) {
      LoadOptions o = base;
      o.workload = *workload;
      if (o.open_loop) {
        o.rate = level;
      } else {
        o.concurrency = static_cast<int>(level);
      }
      auto result = w2w::bench::Run(o, **conn, candidates, vacancies);
      if (!result.ok()) return Fail(result.status());
      runs.push_back(w2w::bench::ResultJson(o, *result));
      std::cerr << runs.back() << "\n";
      if (w2w::bench::IsStreaming(o.workload)) break;  // one stream run per workload
    }
  }
  const std::string json =
      "{\"target\": \"" + base.target + "\", \"runs\": [\n  " + absl::StrJoin(runs, ",\n  ") +
      "\n]}\n";
  std::cout << json;
  if (!absl::GetFlag(FLAGS_out).empty()) {
    std::ofstream(absl::GetFlag(FLAGS_out)) << json;
  }
  return 0;
}
