// w2w-watch-bench: what watch streams cost ingest, and how fast an alert arrives (issue
// 14's target: with 1,000 watchers and partners pushing 1,000 vacancies/s, p99 from a
// push being acknowledged to the watcher's event under 50 ms, and push throughput at
// least 0.8 of the same push with no watchers). Run by bench/watch.sh, which starts the
// two servers over the same loaded data.
//
// Against --watched (a server the watchers connect to) and --plain (the same data, no
// watcher ever connected):
//   1. opens --watchers streams on --watched: --in_scope_watchers coaches with in_scope
//      (one token per region, round robin), the rest as the administrator, each naming
//      --candidates_per_watcher random candidates and --vacancies_per_watcher random
//      vacancies of the data;
//   2. latency: pushes new vacancies (copies of the data's, new ids) one UpsertVacancy
//      each, paced at --rate per second for --duration_s, from --pushers threads; for
//      every acknowledged push, the time until the first watcher heard of it (an
//      ENTERED_TOP_K or NEW_BEST_VACANCY event naming it);
//   3. throughput: --rounds rounds of one PushVacancies stream of --push_count new
//      vacancies (messages of 200) to each server, which goes first alternating; the
//      median ratio watched / plain of vacancies per second.
// Prints one JSON object.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/loadgen/dataset.h"
#include "bench/loadgen/histogram.h"
#include "clients/auth/bearer.h"
#include "grpcpp/grpcpp.h"
#include "w2w/v1/access.grpc.pb.h"
#include "w2w/v1/taxonomy.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"
#include "w2w/v1/watch.grpc.pb.h"

ABSL_FLAG(std::string, watched, "", "Server the watchers connect to");
ABSL_FLAG(std::string, plain, "", "The same data on a server nobody watches");
ABSL_FLAG(std::string, token_watched, "", "Administrator token of --watched");
ABSL_FLAG(std::string, token_plain, "", "Administrator token of --plain");
ABSL_FLAG(std::string, candidates, "", "The data's candidates (JSON lines)");
ABSL_FLAG(std::string, vacancies, "", "The data's vacancies (JSON lines)");
ABSL_FLAG(int, watchers, 1000, "Watch streams");
ABSL_FLAG(int, in_scope_watchers, 100, "Of them, coaches watching in_scope");
ABSL_FLAG(int, candidates_per_watcher, 5, "Candidates each administrator watcher names");
ABSL_FLAG(int, vacancies_per_watcher, 2, "Vacancies each administrator watcher names");
ABSL_FLAG(int, rate, 1000, "Pushes per second in the latency phase");
ABSL_FLAG(int, pushers, 4, "Threads pushing in the latency phase");
ABSL_FLAG(double, duration_s, 10, "Length of the latency phase");
ABSL_FLAG(int, rounds, 5, "Throughput rounds");
ABSL_FLAG(int, push_count, 10000, "Vacancies per throughput stream");

namespace w2w::bench {
namespace {

using Clock = std::chrono::steady_clock;

// When the first watcher heard of each pushed vacancy.
class Heard {
 public:
  void Note(const std::string& vacancy_id, Clock::time_point at) {
    absl::MutexLock lock(&mu_);
    first_.try_emplace(vacancy_id, at);
  }
  std::optional<Clock::time_point> Find(const std::string& vacancy_id) const {
    absl::MutexLock lock(&mu_);
    auto it = first_.find(vacancy_id);
    if (it == first_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Clock::time_point> first_ ABSL_GUARDED_BY(mu_);
};

// One watch stream, read continuously on gRPC's threads.
class WatchReader final : public grpc::ClientReadReactor<v1::WatchResponse> {
 public:
  WatchReader(v1::WatchService::Stub* stub, const v1::WatchRequest& request, Heard* heard,
              std::atomic<uint64_t>* events, std::atomic<int>* started)
      : heard_(heard), events_(events), started_(started) {
    stub->async()->Watch(&context_, &request, this);
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (response_.has_notice() && response_.notice().kind() == v1::WatchNotice::STARTED) started_->fetch_add(1);
    const Clock::time_point now = Clock::now();
    for (const v1::WatchEvent& e : response_.events()) {
      events_->fetch_add(1, std::memory_order_relaxed);
      if ((e.kind() == v1::WatchEvent::ENTERED_TOP_K || e.kind() == v1::WatchEvent::NEW_BEST_VACANCY) &&
          e.vacancy_id().rfind("wb-", 0) == 0) {
        heard_->Note(e.vacancy_id(), now);
      }
    }
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }
  void Cancel() { context_.TryCancel(); }
  void Await() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }
  grpc::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  grpc::ClientContext context_;
  v1::WatchResponse response_;
  Heard* heard_;
  std::atomic<uint64_t>* events_;
  std::atomic<int>* started_;
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

std::shared_ptr<grpc::Channel> Channel(const std::string& target, const std::string& token) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 64 << 20);
  return clients::CreateBearerChannel(target, grpc::InsecureChannelCredentials(), args, token);
}

// Pushes `vacancies` as one PushVacancies stream (messages of 200); vacancies per second.
double PushAll(const std::shared_ptr<grpc::Channel>& channel, const std::vector<v1::Vacancy>& vacancies) {
  auto stub = v1::VacancyService::NewStub(channel);
  grpc::ClientContext context;
  v1::ImportSummary summary;
  const Clock::time_point start = Clock::now();
  auto writer = stub->PushVacancies(&context, &summary);
  for (size_t i = 0; i < vacancies.size(); i += 200) {
    v1::PushVacanciesRequest request;
    for (size_t j = i; j < std::min(vacancies.size(), i + 200); ++j) *request.add_vacancies() = vacancies[j];
    if (!writer->Write(request)) break;
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!status.ok() || summary.committed() != vacancies.size()) {
    std::fprintf(stderr, "push: %s, %llu of %zu committed\n", status.error_message().c_str(),
                 static_cast<unsigned long long>(summary.committed()), vacancies.size());
  }
  return static_cast<double>(summary.committed()) / seconds;
}

// Copies of the data's vacancies under new ids "wb-<tag>-<i>", open.
std::vector<v1::Vacancy> Fresh(const std::vector<v1::Vacancy>& base, const std::string& tag, size_t n) {
  std::vector<v1::Vacancy> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    v1::Vacancy v = base[i % base.size()];
    v.set_id(absl::StrCat("wb-", tag, "-", i));
    v.clear_version();
    v.set_status(v1::VACANCY_STATUS_OPEN);
    v.clear_expires_at();
    out.push_back(std::move(v));
  }
  return out;
}

int Main() {
  auto candidates = ReadCandidates(absl::GetFlag(FLAGS_candidates));
  auto vacancies = ReadVacancies(absl::GetFlag(FLAGS_vacancies));
  if (!candidates.ok() || !vacancies.ok()) {
    std::fprintf(stderr, "data: %s %s\n", candidates.status().ToString().c_str(), vacancies.status().ToString().c_str());
    return 1;
  }
  const auto watched = Channel(absl::GetFlag(FLAGS_watched), absl::GetFlag(FLAGS_token_watched));
  const auto plain = Channel(absl::GetFlag(FLAGS_plain), absl::GetFlag(FLAGS_token_plain));

  // Coach tokens, one per region.
  std::vector<std::string> coach_tokens;
  {
    auto taxonomy = v1::TaxonomyService::NewStub(watched);
    grpc::ClientContext context;
    v1::ListRegionsResponse regions;
    if (!taxonomy->ListRegions(&context, v1::ListRegionsRequest(), &regions).ok()) return 1;
    auto access = v1::AccessService::NewStub(watched);
    for (const v1::Region& r : regions.regions()) {
      v1::CreateTokenRequest request;
      request.set_name(absl::StrCat("bench-coach-", r.number(), "-", absl::ToUnixMicros(absl::Now())));
      request.set_role(v1::ROLE_COACH);
      request.mutable_scope()->add_regions(r.name());
      v1::CreateTokenResponse response;
      grpc::ClientContext c;
      if (!access->CreateToken(&c, request, &response).ok()) return 1;
      coach_tokens.push_back(response.secret());
    }
  }

  // 1. The watchers.
  Heard heard;
  std::atomic<uint64_t> events{0};
  std::atomic<int> started{0};
  std::mt19937_64 rng(42);
  std::vector<std::shared_ptr<grpc::Channel>> coach_channels;
  for (const std::string& t : coach_tokens) coach_channels.push_back(Channel(absl::GetFlag(FLAGS_watched), t));
  std::vector<std::unique_ptr<v1::WatchService::Stub>> stubs;
  std::vector<std::unique_ptr<WatchReader>> readers;
  const int n_watchers = absl::GetFlag(FLAGS_watchers);
  const int n_in_scope = std::min(n_watchers, absl::GetFlag(FLAGS_in_scope_watchers));
  const auto t_subscribe = Clock::now();
  for (int i = 0; i < n_watchers; ++i) {
    v1::WatchRequest request;
    if (i < n_in_scope) {
      request.set_in_scope(true);
      stubs.push_back(v1::WatchService::NewStub(coach_channels[i % coach_channels.size()]));
    } else {
      for (int j = 0; j < absl::GetFlag(FLAGS_candidates_per_watcher); ++j) {
        const std::string& id = (*candidates)[rng() % candidates->size()].id();
        if (std::find(request.candidate_ids().begin(), request.candidate_ids().end(), id) ==
            request.candidate_ids().end()) {
          request.add_candidate_ids(id);
        }
      }
      for (int j = 0; j < absl::GetFlag(FLAGS_vacancies_per_watcher); ++j) {
        const std::string& id = (*vacancies)[rng() % vacancies->size()].id();
        if (std::find(request.vacancy_ids().begin(), request.vacancy_ids().end(), id) ==
            request.vacancy_ids().end()) {
          request.add_vacancy_ids(id);
        }
      }
      stubs.push_back(v1::WatchService::NewStub(watched));
    }
    readers.push_back(std::make_unique<WatchReader>(stubs.back().get(), request, &heard, &events, &started));
  }
  while (started.load() < n_watchers &&
         Clock::now() - t_subscribe < std::chrono::seconds(120)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double subscribe_s = std::chrono::duration<double>(Clock::now() - t_subscribe).count();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // The current state is delivered.
  const uint64_t events_at_start = events.load();

  // 2. Latency: paced unary pushes.
  const int rate = absl::GetFlag(FLAGS_rate);
  const int pushers = absl::GetFlag(FLAGS_pushers);
  const double duration = absl::GetFlag(FLAGS_duration_s);
  const size_t total = static_cast<size_t>(rate * duration);
  const std::vector<v1::Vacancy> paced = Fresh(*vacancies, "lat", total);
  std::vector<Clock::time_point> acked(total);
  std::vector<char> ok(total, 0);
  const Clock::time_point t0 = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (int p = 0; p < pushers; ++p) {
    threads.emplace_back([&, p] {
      auto stub = v1::VacancyService::NewStub(watched);
      for (size_t i = p; i < total; i += pushers) {
        std::this_thread::sleep_until(t0 + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * i / rate)));
        v1::UpsertVacancyRequest request;
        *request.mutable_vacancy() = paced[i];
        v1::UpsertVacancyResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        if (stub->UpsertVacancy(&context, request, &response).ok()) {
          acked[i] = Clock::now();
          ok[i] = 1;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double push_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // Late events.
  Histogram latency;
  uint64_t acked_n = 0, heard_n = 0;
  for (size_t i = 0; i < total; ++i) {
    if (!ok[i]) continue;
    ++acked_n;
    std::optional<Clock::time_point> at = heard.Find(paced[i].id());
    if (!at.has_value()) continue;
    ++heard_n;
    latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(*at - acked[i]).count());
  }
  const uint64_t events_latency = events.load() - events_at_start;

  // The plain server gets the same vacancies, so both hold the same data.
  (void)PushAll(plain, paced);

  // 3. Throughput, side by side.
  std::vector<double> ratios, watched_rates, plain_rates;
  const size_t push_count = static_cast<size_t>(absl::GetFlag(FLAGS_push_count));
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    const std::vector<v1::Vacancy> batch = Fresh(*vacancies, absl::StrCat("tp", round), push_count);
    double w = 0, p = 0;
    // The watched server's hub works on after its push (the events of what it could not
    // follow at once): wait until no event came for a second, so that this deferred work
    // does not slow the plain server's round.
    auto quiet = [&events] {
      const Clock::time_point until = Clock::now() + std::chrono::seconds(60);
      uint64_t last = events.load();
      while (Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const uint64_t now = events.load();
        if (now == last) return;
        last = now;
      }
    };
    if (round % 2 == 0) {
      w = PushAll(watched, batch);
      quiet();
      p = PushAll(plain, batch);
    } else {
      p = PushAll(plain, batch);
      w = PushAll(watched, batch);
      quiet();
    }
    watched_rates.push_back(w);
    plain_rates.push_back(p);
    ratios.push_back(w / p);
    std::fprintf(stderr, "round %d: watched %.0f/s, plain %.0f/s, ratio %.3f\n", round + 1, w, p, w / p);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  int still_open = 0;
  for (auto& r : readers) r->Cancel();
  for (auto& r : readers) {
    r->Await();
    if (r->status().error_code() == grpc::StatusCode::CANCELLED) ++still_open;
  }
  std::printf(
      "{\"watchers\": %d, \"in_scope_watchers\": %d, \"subscribed_s\": %.2f, \"streams_open_at_end\": %d,\n"
      " \"latency\": {\"rate\": %d, \"pushed\": %zu, \"acked\": %llu, \"heard\": %llu, \"push_s\": %.2f,\n"
      "   \"p50_ms\": %.2f, \"p90_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f, \"events\": %llu},\n"
      " \"throughput\": {\"rounds\": %zu, \"push_count\": %zu, \"watched_per_s\": %.0f, \"plain_per_s\": %.0f,\n"
      "   \"ratio_median\": %.3f, \"ratio_min\": %.3f, \"ratio_max\": %.3f}}\n",
      n_watchers, n_in_scope, subscribe_s, still_open, rate, total, static_cast<unsigned long long>(acked_n),
      static_cast<unsigned long long>(heard_n), push_s, latency.Quantile(0.5) / 1e6, latency.Quantile(0.9) / 1e6,
      latency.Quantile(0.99) / 1e6, latency.max() / 1e6, static_cast<unsigned long long>(events_latency),
      ratios.size(), push_count, median(watched_rates), median(plain_rates), median(ratios),
      ratios.empty() ? 0.0 : *std::min_element(ratios.begin(), ratios.end()),
      ratios.empty() ? 0.0 : *std::max_element(ratios.begin(), ratios.end()));
  return 0;
}

}  // namespace
}  // namespace w2w::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return w2w::bench::Main();
}
