// Soak against the real w2w-server: many concurrent clients mix single upserts, streamed
// imports and vacancy pushes, shortlists, candidate matches, explanations and rematches
// for a fixed time. Passes when no call failed unexpectedly, every acknowledged write is
// there afterwards (testkit/ledger.h), the server stops with exit code 0, and, in the long
// mode, the server's own memory after warm-up stays flat: the slope (a least-squares line
// over one sample a second, from ServerInfo) of its heap in use less RocksDB's memtables
// and block cache, which fill to their configured bounds, and less the outcome event log,
// which is data (every status change the clients make is an outcome event, kept in
// memory for the reports), under W2W_SOAK_MAX_SLOPE_MIB_PER_MIN. The slopes of the RSS and
// of the outcome log are reported beside it.
//
// Sized by the environment (tests/CMakeLists.txt registers a short run in the normal
// suite and the long one, label `long`, for `scripts/test.sh --long`):
//   W2W_SOAK_SECONDS (20), W2W_SOAK_CLIENTS (16), W2W_SOAK_MAX_SLOPE_MIB_PER_MIN (unset:
//   the slope is reported, not checked), W2W_SOAK_SERVER_FLAGS (more w2w-server flags,
//   space-separated, e.g. "--audit_reads=false" to see what a part costs). Figures go to
//   stdout as "[ figures  ]" lines.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/ledger.h"
#include "tests/testkit/records.h"
#include "tests/testkit/seed.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::Ledger;
using testkit::ServerProcess;

constexpr int kSeedCandidates = 4000;
constexpr int kSeedVacancies = 800;
constexpr int kIdsPerClient = 40;       // Each client rewrites its own candidate ids.
constexpr int kStreamRecords = 200;     // Per streamed import / push.
constexpr int kRematchPeople = 300;     // Per rematch (group mode).
constexpr int kRematchClients = 2;      // Clients that also start rematches.
constexpr absl::Duration kCallDeadline = absl::Seconds(60);

enum Op { kShortlist, kMatchCandidate, kExplain, kUpsert, kUpsertVacancy, kImport, kPush, kRematch, kNumOps };
constexpr std::array<const char*, kNumOps> kOpNames = {
    "shortlist", "match_candidate", "explain", "upsert", "upsert_vacancy", "import", "push", "rematch"};

// Counts per operation and the unexpected failures, with their first messages.
class Tally {
 public:
  void Done(Op op, const grpc::Status& status) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    ++calls_[op];
    if (status.ok()) return;
    ++failures_;
    if (messages_.size() < 20) {
      messages_.push_back(absl::StrCat(kOpNames[op], ": ", status.error_code(), " ", status.error_message()));
    }
  }
  int failures() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return failures_;
  }
  std::string Report() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    std::string out;
    uint64_t total = 0;
    for (int op = 0; op < kNumOps; ++op) {
      absl::StrAppend(&out, op == 0 ? "" : ", ", kOpNames[op], " ", calls_[op]);
      total += calls_[op];
    }
    return absl::StrCat(total, " calls (", out, "), ", failures_, " unexpected failures");
  }
  std::vector<std::string> messages() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return messages_;
  }

 private:
  mutable absl::Mutex mu_;
  std::array<uint64_t, kNumOps> calls_ ABSL_GUARDED_BY(mu_) = {};
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> messages_ ABSL_GUARDED_BY(mu_);
};

// One memory sample of the server (ServerInfo), in MiB.
struct MemorySample {
  double seconds = 0;    // Since the load began.
  double rss = 0;        // Resident set.
  double rocksdb = 0;    // Memtables (also pinned ones), block cache, SST indexes and filters.
  double allocated = 0;  // Heap in use (the allocator keeps freed memory in RSS).
  double index = 0;      // The matching index (part of the heap in use).
  double outcomes = 0;   // The outcome event log (part of the heap in use): data, not a leak.
  uint64_t events = 0;   // Outcome events in it.
  double own() const { return allocated - rocksdb - outcomes; }
};

MemorySample SampleMemory(const ServerProcess& server, absl::Time begin) {
  v1::ServerInfo info;
  MemorySample sample;
  sample.seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  if (server.info()->GetServerInfo(ContextWithDeadline().get(), v1::GetServerInfoRequest(), &info).ok()) {
    sample.rss = info.resident_bytes() / 1048576.0;
    sample.rocksdb = (std::max(info.memtable_bytes(), info.pinned_memtable_bytes()) + info.block_cache_bytes() +
                      info.table_reader_bytes()) / 1048576.0;
    sample.allocated = info.allocated_bytes() / 1048576.0;
    sample.index = info.index_bytes() / 1048576.0;
    sample.outcomes = info.outcome_log_bytes() / 1048576.0;
    sample.events = info.outcome_events();
  }
  return sample;
}

// The least-squares slope of (seconds, MiB) samples, in MiB per minute.
double SlopeMibPerMinute(const std::vector<std::pair<double, double>>& samples) {
  if (samples.size() < 2) return 0;
  double mx = 0, my = 0;
  for (const auto& [x, y] : samples) mx += x, my += y;
  mx /= samples.size(), my /= samples.size();
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : samples) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx);
  return sxx == 0 ? 0 : 60.0 * sxy / sxx;
}

// One client's loop: a weighted random mix of calls until `stop`.
void RunClient(int client, ServerProcess& server, Ledger& ledger, Tally& tally, const std::atomic<bool>& stop) {
  std::mt19937 rng(1000 + client);
  auto candidates = server.candidates();
  auto vacancies = server.vacancies();
  auto match = server.match();
  auto rematch = server.rematch();
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  // Weights in percent; rematches only on the first kRematchClients clients.
  const std::array<int, kNumOps> weights = {30, 10, 15, 22, 8, 6, 5, client < kRematchClients ? 4 : 0};
  std::discrete_distribution<int> choose(weights.begin(), weights.end());
  for (int round = 0; !stop.load(); ++round) {
    const Op op = static_cast<Op>(choose(rng));
    grpc::Status status;
    auto context = ContextWithDeadline(kCallDeadline);
    switch (op) {
      case kShortlist: {
        v1::ShortlistRequest request;
        request.set_vacancy_id(testkit::SeedVacancyId(pick(kSeedVacancies)));
        request.set_k(20);
        v1::ShortlistResponse response;
        status = match->Shortlist(context.get(), request, &response);
        break;
      }
      case kMatchCandidate: {
        v1::MatchCandidateRequest request;
        request.set_candidate_id(testkit::SeedCandidateId(pick(kSeedCandidates)));
        request.set_k(10);
        v1::MatchCandidateResponse response;
        status = match->MatchCandidate(context.get(), request, &response);
        break;
      }
      case kExplain: {
        v1::ExplainMatchRequest request;
        request.set_candidate_id(testkit::SeedCandidateId(pick(kSeedCandidates)));
        request.set_vacancy_id(testkit::SeedVacancyId(pick(kSeedVacancies)));
        v1::ExplainMatchResponse response;
        status = match->ExplainMatch(context.get(), request, &response);
        break;
      }
      case kUpsert: {
        v1::UpsertCandidateRequest request;
        *request.mutable_candidate() =
            testkit::MakeCandidate(absl::StrFormat("soak-%02d-%03d", client, pick(kIdsPerClient)), round);
        const int index = ledger.Sent(request.candidate());
        v1::UpsertCandidateResponse response;
        status = candidates->UpsertCandidate(context.get(), request, &response);
        if (status.ok()) ledger.Acked(request.candidate().id(), index);
        break;
      }
      case kUpsertVacancy: {
        v1::UpsertVacancyRequest request;
        *request.mutable_vacancy() = testkit::MakeVacancy(absl::StrFormat("sv-%02d-%02d", client, pick(10)), round);
        v1::UpsertVacancyResponse response;
        status = vacancies->UpsertVacancy(context.get(), request, &response);
        break;
      }
      case kImport: {
        v1::ImportSummary summary;
        auto writer = candidates->ImportCandidates(context.get(), &summary);
        v1::ImportCandidatesRequest request;
        std::vector<std::pair<std::string, int>> items;
        for (int i = 0; i < kStreamRecords; ++i) {
          v1::Candidate& c = *request.add_candidates();
          c = testkit::MakeCandidate(absl::StrFormat("soak-%02d-p%03d", client, i), round + i);
          items.emplace_back(c.id(), ledger.Sent(c));
          if (request.candidates_size() == 50) {
            if (!writer->Write(request)) break;
            request.Clear();
          }
        }
        writer->WritesDone();
        status = writer->Finish();
        if (status.ok() && summary.committed() != items.size()) {
          status = grpc::Status(grpc::StatusCode::INTERNAL,
                                absl::StrCat("import committed ", summary.committed(), " of ", items.size()));
        }
        if (status.ok()) {
          for (const auto& [id, index] : items) ledger.Acked(id, index);
        }
        break;
      }
      case kPush: {
        v1::ImportSummary summary;
        auto writer = vacancies->PushVacancies(context.get(), &summary);
        v1::PushVacanciesRequest request;
        for (int i = 0; i < kStreamRecords; ++i) {
          *request.add_vacancies() = testkit::MakeVacancy(absl::StrFormat("sp-%02d-%03d", client, i), round + i);
        }
        if (writer->Write(request)) writer->WritesDone();
        status = writer->Finish();
        if (status.ok() && summary.committed() != static_cast<uint64_t>(kStreamRecords)) {
          status = grpc::Status(grpc::StatusCode::INTERNAL, absl::StrCat("push committed ", summary.committed()));
        }
        break;
      }
      case kRematch: {
        v1::StartRematchRequest request;
        const int first = pick(kSeedCandidates - kRematchPeople);
        for (int i = 0; i < kRematchPeople; ++i) {
          request.mutable_selection()->mutable_candidate_ids()->add_ids(testkit::SeedCandidateId(first + i));
        }
        request.mutable_options()->set_mode(v1::REMATCH_MODE_GROUP);
        request.mutable_options()->set_label(absl::StrCat("soak ", client, " ", round));
        auto reader = rematch->StartRematch(context.get(), request);
        v1::RematchEvent event;
        bool finished = false;
        while (reader->Read(&event)) finished = finished || event.has_summary();
        status = reader->Finish();
        if (status.ok() && !finished) status = grpc::Status(grpc::StatusCode::INTERNAL, "rematch ended without a summary");
        break;
      }
      case kNumOps:
        break;
    }
    tally.Done(op, status);
  }
}

TEST(SoakTest, ConcurrentClientsMixingEveryCallForAWhile) {
  const int seconds = testkit::EnvInt("W2W_SOAK_SECONDS", 20);
  const int clients = testkit::EnvInt("W2W_SOAK_CLIENTS", 16);
  const char* max_slope_env = std::getenv("W2W_SOAK_MAX_SLOPE_MIB_PER_MIN");
  testkit::ServerProcessOptions options;
  if (const char* flags = std::getenv("W2W_SOAK_SERVER_FLAGS"); flags != nullptr) {
    options.extra_flags = absl::StrSplit(flags, ' ', absl::SkipEmpty());
  }
  auto started = ServerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;
  const absl::Status seeded = testkit::SeedRecords(server, kSeedCandidates, kSeedVacancies);
  ASSERT_TRUE(seeded.ok()) << seeded;

  Ledger ledger;
  Tally tally;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] { RunClient(c, server, ledger, tally, stop); });
  }
  // One memory sample a second; the first third of the run is warm-up.
  std::vector<MemorySample> samples;
  const absl::Time begin = absl::Now();
  const absl::Time end = begin + absl::Seconds(seconds);
  while (absl::Now() < end) {
    absl::SleepFor(absl::Seconds(1));
    samples.push_back(SampleMemory(server, begin));
  }
  stop.store(true);
  for (std::thread& thread : threads) thread.join();

  std::vector<std::pair<double, double>> rss, own, outcomes;
  double rss_max = 0;
  for (const MemorySample& sample : samples) {
    rss_max = std::max(rss_max, sample.rss);
    if (sample.seconds < seconds / 3.0) continue;
    rss.emplace_back(sample.seconds, sample.rss);
    own.emplace_back(sample.seconds, sample.own());
    outcomes.emplace_back(sample.seconds, sample.outcomes);
  }
  const double rss_slope = SlopeMibPerMinute(rss);
  const double outcomes_slope = SlopeMibPerMinute(outcomes);
  const double own_slope = SlopeMibPerMinute(own);
  const MemorySample first = samples.empty() ? MemorySample{} : samples[samples.size() / 3];
  const MemorySample last = samples.empty() ? MemorySample{} : samples.back();
  std::cout << absl::StrFormat(
      "[ figures  ] soak %d s, %d clients: %s; after warm-up: RSS %.0f -> %.0f MiB (max %.0f, "
      "slope %.2f MiB/min); heap in use %.0f -> %.0f MiB, of which RocksDB's memtables, block "
      "cache and table readers %.0f -> %.0f MiB, the matching index %.0f -> %.0f MiB, the outcome log "
      "%.0f -> %.0f MiB (%d -> %d events, slope %.2f MiB/min); the rest (the server's own) "
      "%.0f -> %.0f MiB, slope %.2f MiB/min\n",
      seconds, clients, tally.Report(), first.rss, last.rss, rss_max, rss_slope, first.allocated,
      last.allocated, first.rocksdb, last.rocksdb, first.index, last.index, first.outcomes, last.outcomes,
      first.events, last.events, outcomes_slope, first.own(), last.own(), own_slope);
  EXPECT_EQ(tally.failures(), 0) << testing::PrintToString(tally.messages());
  if (max_slope_env != nullptr) {
    EXPECT_LT(own_slope, std::atof(max_slope_env)) << "the server's own memory grows after warm-up";
  }

  const testkit::LedgerCheck check = testkit::CheckAgainstLedger(server, ledger, "soak-");
  EXPECT_THAT(check.lost, testing::IsEmpty());
  EXPECT_THAT(check.invented, testing::IsEmpty());
  EXPECT_THAT(check.wrong_version, testing::IsEmpty());
  EXPECT_EQ(check.unacknowledged_present, 0u) << "no call failed, so every write was acknowledged";
  absl::StatusOr<int> code = server.Stop();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace w2w
