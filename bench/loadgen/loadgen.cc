#include "bench/loadgen/loadgen.h"

#include <algorithm>
#include <iostream>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "clients/auth/bearer.h"
#include "grpcpp/grpcpp.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/match.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t Nanos(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "OTHER";
  }
}

// The stubs of one channel.
struct Stubs {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ServerInfoService::Stub> info;
  std::unique_ptr<v1::CandidateService::Stub> candidates;
  std::unique_ptr<v1::VacancyService::Stub> vacancies;
  std::unique_ptr<v1::MatchService::Stub> match;
};

// One call in flight. Its address is the CompletionQueue tag.
class Call {
 public:
  virtual ~Call() = default;
  grpc::ClientContext ctx;
  grpc::Status status;
  int64_t intended_ns = 0;  // when the call was due (open loop) or sent (closed loop)
  // Called once the call finished OK; returns true when it was a changed upsert.
  virtual bool Changed() const { return false; }
};

template <typename Req, typename Resp>
class UnaryCall : public Call {
 public:
  Req req;
  Resp resp;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Resp>> reader;
  void Start() {
    reader->StartCall();
    reader->Finish(&resp, &status, this);
  }
  bool Changed() const override {
    if constexpr (std::is_same_v<Resp, v1::UpsertCandidateResponse>) return resp.changed();
    return false;
  }
};

// Builds calls of one workload from the dataset. Thread-compatible: one per worker.
class CallFactory {
 public:
  CallFactory(const LoadOptions& options, const std::vector<v1::Candidate>& candidates,
              const std::vector<v1::Vacancy>& vacancies, uint64_t seed)
      : options_(options), candidates_(candidates), vacancies_(vacancies), rng_(seed) {
    // Placed and unavailable candidates are never matched (FAILED_PRECONDITION).
    for (size_t i = 0; i < candidates_.size(); ++i) {
      const auto s = candidates_[i].status();
      if (s != v1::CANDIDATE_STATUS_PLACED && s != v1::CANDIDATE_STATUS_UNAVAILABLE) {
        matchable_.push_back(static_cast<uint32_t>(i));
      }
    }
  }

  // Creates and starts one call on `stubs`, reporting to `cq`.
  Call* StartOne(Stubs& stubs, grpc::CompletionQueue* cq, int64_t intended_ns) {
    const auto deadline = std::chrono::system_clock::now() +
                          std::chrono::milliseconds(static_cast<int64_t>(
                              options_.deadline_seconds * 1000));
    switch (options_.workload) {
      case Workload::kPing: {
        auto* c = new UnaryCall<v1::PingRequest, v1::PingResponse>();
        return Launch(c, deadline, intended_ns, [&] {
          return stubs.info->PrepareAsyncPing(&c->ctx, c->req, cq);
        });
      }
      case Workload::kGetCandidate: {
        auto* c = new UnaryCall<v1::GetCandidateRequest, v1::Candidate>();
        c->req.set_id(RandomCandidate().id());
        return Launch(c, deadline, intended_ns, [&] {
          return stubs.candidates->PrepareAsyncGetCandidate(&c->ctx, c->req, cq);
        });
      }
      case Workload::kGetVacancy: {
        auto* c = new UnaryCall<v1::GetVacancyRequest, v1::Vacancy>();
        c->req.set_id(RandomVacancy().id());
        return Launch(c, deadline, intended_ns, [&] {
          return stubs.vacancies->PrepareAsyncGetVacancy(&c->ctx, c->req, cq);
        });
      }
      case Workload::kShortlist: {
        auto* c = new UnaryCall<v1::ShortlistRequest, v1::ShortlistResponse>();
        c->req.set_vacancy_id(RandomVacancy().id());
        c->req.set_k(options_.k);
        return Launch(c, deadline, intended_ns, [&] {
          return stubs.match->PrepareAsyncShortlist(&c->ctx, c->req, cq);
        });
      }
      case Workload::kMatchCandidate: {
        auto* c = new UnaryCall<v1::MatchCandidateRequest, v1::MatchCandidateResponse>();
        c->req.set_candidate_id(RandomMatchable().id());
        c->req.set_k(options_.k);
        return Launch(c, deadline, intended_ns, [&] {
          return stubs.match->PrepareAsyncMatchCandidate(&c->ctx, c->req, cq);
        });
      }
      case Workload::kUpsertCandidate: {
        auto* c = new UnaryCall<v1::UpsertCandidateRequest, v1::UpsertCandidateResponse>();
        v1::Candidate* cand = c->req.mutable_candidate();
        *cand = RandomCandidate();
        Vary(cand);
        return Launch(c, deadline, intended_ns, [&] {
          return stubs.candidates->PrepareAsyncUpsertCandidate(&c->ctx, c->req, cq);
        });
      }
      default:
        return nullptr;
    }
  }

  // Changes a record so that an upsert of it is a real write: a new travel distance.
  void Vary(v1::Candidate* c) {
    c->clear_version();
    c->clear_updated_at();
    const uint32_t old = c->max_travel_km();
    uint32_t km = 1 + static_cast<uint32_t>(rng_() % 300);
    if (km == old) km = km % 300 + 1;
    c->set_max_travel_km(km);
  }

  const v1::Candidate& RandomCandidate() {
    return candidates_[rng_() % candidates_.size()];
  }
  const v1::Candidate& RandomMatchable() {
    if (matchable_.empty()) return RandomCandidate();
    return candidates_[matchable_[rng_() % matchable_.size()]];
  }
  const v1::Vacancy& RandomVacancy() { return vacancies_[rng_() % vacancies_.size()]; }

 private:
  template <typename C, typename F>
  Call* Launch(C* c, std::chrono::system_clock::time_point deadline, int64_t intended_ns,
               F prepare) {
    c->ctx.set_deadline(deadline);
    c->intended_ns = intended_ns;
    c->reader = prepare();
    c->Start();
    return c;
  }

  const LoadOptions& options_;
  const std::vector<v1::Candidate>& candidates_;
  const std::vector<v1::Vacancy>& vacancies_;
  std::vector<uint32_t> matchable_;  // indexes into candidates_
  std::mt19937_64 rng_;
};

// What one worker measured.
struct WorkerResult {
  Histogram latency;
  uint64_t ok = 0;
  uint64_t changed = 0;
  std::map<std::string, uint64_t> errors;
  int64_t last_done_ns = 0;
};

void Record(Call* call, int64_t now_ns, int64_t warm_ns, WorkerResult* out) {
  if (call->intended_ns >= warm_ns) {
    out->latency.Record(now_ns - call->intended_ns);
    if (call->status.ok()) {
      ++out->ok;
      if (call->Changed()) ++out->changed;
    } else {
      ++out->errors[CodeName(call->status.error_code())];
    }
    out->last_done_ns = std::max(out->last_done_ns, now_ns);
  }
  delete call;
}

// Shared budget of requests across workers (0 = unbounded).
class Budget {
 public:
  explicit Budget(uint64_t max) : max_(max) {}
  bool Take() { return max_ == 0 || taken_.fetch_add(1, std::memory_order_relaxed) < max_; }

 private:
  const uint64_t max_;
  std::atomic<uint64_t> taken_{0};
};

void ClosedWorker(const LoadOptions& o, std::vector<Stubs>& stubs, int worker, int slots,
                  CallFactory& factory, Budget& budget, int64_t warm_ns, int64_t end_ns,
                  WorkerResult* out) {
  grpc::CompletionQueue cq;
  int in_flight = 0;
  int next_channel = worker;
  auto issue = [&]() {
    if (Nanos(Clock::now()) >= end_ns || !budget.Take()) return;
    Stubs& s = stubs[next_channel++ % stubs.size()];
    factory.StartOne(s, &cq, Nanos(Clock::now()));
    ++in_flight;
  };
  for (int i = 0; i < slots; ++i) issue();
  void* tag;
  bool ok;
  while (in_flight > 0 && cq.Next(&tag, &ok)) {
    --in_flight;
    Record(static_cast<Call*>(tag), Nanos(Clock::now()), warm_ns, out);
    issue();
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {}
}

void OpenWorker(const LoadOptions& o, std::vector<Stubs>& stubs, int worker, double rate,
                int max_in_flight, CallFactory& factory, Budget& budget, int64_t start_ns,
                int64_t warm_ns, int64_t end_ns, WorkerResult* out) {
  grpc::CompletionQueue cq;
  const double interval_ns = 1e9 / rate;
  // Spread the workers' schedules so they do not fire in lockstep.
  double next = static_cast<double>(start_ns) + interval_ns * worker / std::max(1, o.threads);
  int in_flight = 0;
  int next_channel = worker;
  bool sending = true;
  void* tag;
  bool ok;
  while (sending || in_flight > 0) {
    int64_t now = Nanos(Clock::now());
    while (sending && next <= static_cast<double>(now) && in_flight < max_in_flight) {
      if (next >= static_cast<double>(end_ns) || !budget.Take()) {
        sending = false;
        break;
      }
      Stubs& s = stubs[next_channel++ % stubs.size()];
      factory.StartOne(s, &cq, static_cast<int64_t>(next));
      ++in_flight;
      next += interval_ns;
    }
    if (sending && next >= static_cast<double>(end_ns)) sending = false;
    if (!sending && in_flight == 0) break;
    // Wait for a completion, or until the next call is due.
    const auto wake = (sending && in_flight < max_in_flight)
                          ? Clock::time_point(std::chrono::nanoseconds(static_cast<int64_t>(next)))
                          : Clock::now() + std::chrono::seconds(1);
    const auto wake_sys = std::chrono::system_clock::now() + (wake - Clock::now());
    const auto status = cq.AsyncNext(&tag, &ok, wake_sys);
    if (status == grpc::CompletionQueue::GOT_EVENT) {
      --in_flight;
      Record(static_cast<Call*>(tag), Nanos(Clock::now()), warm_ns, out);
    } else if (status == grpc::CompletionQueue::SHUTDOWN) {
      break;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {}
}

// One client stream of `records` records; sync API (a stream is one sequential flow).
void StreamWorker(const LoadOptions& o, Stubs& stubs, int worker,
                  const std::vector<v1::Candidate>& candidates,
                  const std::vector<v1::Vacancy>& vacancies, WorkerResult* out,
                  v1::ImportSummary* summary, uint64_t* sent) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(static_cast<int64_t>(
                       (o.duration_seconds + o.deadline_seconds) * 1000)));
  const auto t0 = Clock::now();
  const auto end = t0 + std::chrono::milliseconds(static_cast<int64_t>(o.duration_seconds * 1000));
  grpc::Status status;
  uint64_t n = 0;
  const std::string prefix =
      o.id_prefix.empty() ? std::string() : absl::StrCat(o.id_prefix, worker, "-");
  // Records per stream message: 1 = the single field (candidate / vacancy), more = the
  // packed field (candidates / vacancies). The last message may hold fewer.
  const uint64_t per_message = std::max<uint64_t>(1, o.records_per_message);
  auto more = [&] { return n < o.stream_records && Clock::now() < end; };
  if (o.workload == Workload::kImportCandidates) {
    auto writer = stubs.candidates->ImportCandidates(&ctx, summary);
    v1::ImportCandidatesRequest req;
    auto fill = [&](v1::Candidate* c) {
      *c = candidates[(n + worker * o.stream_records) % candidates.size()];
      c->clear_version();
      c->clear_updated_at();
      if (!prefix.empty()) c->set_id(absl::StrCat(prefix, c->id()));
      ++n;
    };
    while (more()) {
      req.Clear();
      if (per_message == 1) {
        fill(req.mutable_candidate());
      } else {
        for (uint64_t i = 0; i < per_message && more(); ++i) fill(req.add_candidates());
      }
      if (!writer->Write(req)) break;
    }
    writer->WritesDone();
    status = writer->Finish();
  } else {
    auto writer = stubs.vacancies->PushVacancies(&ctx, summary);
    v1::PushVacanciesRequest req;
    auto fill = [&](v1::Vacancy* v) {
      *v = vacancies[(n + worker * o.stream_records) % vacancies.size()];
      v->clear_version();
      v->clear_updated_at();
      if (!prefix.empty()) v->set_id(absl::StrCat(prefix, v->id()));
      ++n;
    };
    while (more()) {
      req.Clear();
      if (per_message == 1) {
        fill(req.mutable_vacancy());
      } else {
        for (uint64_t i = 0; i < per_message && more(); ++i) fill(req.add_vacancies());
      }
      if (!writer->Write(req)) break;
    }
    writer->WritesDone();
    status = writer->Finish();
  }
  const auto done = Clock::now();
  out->latency.Record(Nanos(done) - Nanos(t0));
  if (status.ok()) {
    ++out->ok;
  } else {
    ++out->errors[CodeName(status.error_code())];
    std::cerr << "stream " << worker << ": " << CodeName(status.error_code()) << ": "
              << status.error_message() << "\n";
  }
  out->last_done_ns = Nanos(done);
  *sent = n;
}

}  // namespace

struct Connection {
  std::vector<Stubs> stubs;
};

void ConnectionDeleter::operator()(Connection* c) const { delete c; }

absl::StatusOr<ConnectionPtr> Connect(const std::string& target, int channels, const std::string& ca_pem,
                                      const std::string& token) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!ca_pem.empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ca_pem;
    credentials = grpc::SslCredentials(tls);
  }
  ConnectionPtr conn(new Connection);
  conn->stubs.resize(std::max(1, channels));
  for (size_t i = 0; i < conn->stubs.size(); ++i) {
    grpc::ChannelArguments args;
    // Distinct channel arguments keep channels from sharing one connection.
    args.SetInt("w2w.bench.channel", static_cast<int>(i));
    args.SetMaxReceiveMessageSize(64 << 20);
    Stubs& s = conn->stubs[i];
    s.channel = clients::CreateBearerChannel(target, credentials, args, token);
    if (!s.channel->WaitForConnected(std::chrono::system_clock::now() +
                                     std::chrono::seconds(10))) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", target));
    }
    s.info = v1::ServerInfoService::NewStub(s.channel);
    s.candidates = v1::CandidateService::NewStub(s.channel);
    s.vacancies = v1::VacancyService::NewStub(s.channel);
    s.match = v1::MatchService::NewStub(s.channel);
  }
  return conn;
}

absl::StatusOr<Workload> ParseWorkload(const std::string& name) {
  for (Workload w : {Workload::kPing, Workload::kGetCandidate, Workload::kGetVacancy,
                     Workload::kShortlist, Workload::kMatchCandidate,
                     Workload::kUpsertCandidate, Workload::kImportCandidates,
                     Workload::kPushVacancies}) {
    if (name == WorkloadName(w)) return w;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown workload '", name, "'"));
}

const char* WorkloadName(Workload w) {
  switch (w) {
    case Workload::kPing: return "ping";
    case Workload::kGetCandidate: return "get_candidate";
    case Workload::kGetVacancy: return "get_vacancy";
    case Workload::kShortlist: return "shortlist";
    case Workload::kMatchCandidate: return "match_candidate";
    case Workload::kUpsertCandidate: return "upsert_candidate";
    case Workload::kImportCandidates: return "import_candidates";
    case Workload::kPushVacancies: return "push_vacancies";
  }
  return "?";
}

bool IsStreaming(Workload w) {
  return w == Workload::kImportCandidates || w == Workload::kPushVacancies;
}

absl::StatusOr<LoadResult> Run(const LoadOptions& o, Connection& connection,
                               const std::vector<v1::Candidate>& candidates,
                               const std::vector<v1::Vacancy>& vacancies) {
  const bool needs_candidates =
      o.workload == Workload::kGetCandidate || o.workload == Workload::kMatchCandidate ||
      o.workload == Workload::kUpsertCandidate || o.workload == Workload::kImportCandidates;
  const bool needs_vacancies = o.workload == Workload::kGetVacancy ||
                               o.workload == Workload::kShortlist ||
                               o.workload == Workload::kPushVacancies;
  if (needs_candidates && candidates.empty()) {
    return absl::InvalidArgumentError("workload needs --candidates");
  }
  if (needs_vacancies && vacancies.empty()) {
    return absl::InvalidArgumentError("workload needs --vacancies");
  }
  const int threads = std::max(1, o.threads);
  std::vector<Stubs>& stubs = connection.stubs;
  std::vector<WorkerResult> results(threads);
  LoadResult result;
  const auto start = Clock::now();
  const int64_t start_ns = Nanos(start);
  if (IsStreaming(o.workload)) {
    std::vector<v1::ImportSummary> summaries(threads);
    std::vector<uint64_t> sent(threads, 0);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        StreamWorker(o, stubs[t % stubs.size()], t, candidates, vacancies, &results[t],
                     &summaries[t], &sent[t]);
      });
    }
    for (auto& w : workers) w.join();
    for (int t = 0; t < threads; ++t) {
      result.records += sent[t];
      result.committed += summaries[t].committed();
      result.unchanged += summaries[t].unchanged();
      result.rejected += summaries[t].rejected();
    }
  } else {
    const int64_t warm_ns = start_ns + static_cast<int64_t>(o.warmup_seconds * 1e9);
    const int64_t end_ns = warm_ns + static_cast<int64_t>(o.duration_seconds * 1e9);
    Budget budget(o.max_requests);
    std::vector<std::unique_ptr<CallFactory>> factories;
    for (int t = 0; t < threads; ++t) {
      factories.push_back(std::make_unique<CallFactory>(o, candidates, vacancies,
                                                        o.seed * 7919 + t));
    }
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        if (o.open_loop) {
          OpenWorker(o, stubs, t, o.rate / threads, std::max(1, o.max_in_flight / threads),
                     *factories[t], budget, start_ns, warm_ns, end_ns, &results[t]);
        } else {
          const int slots = o.concurrency / threads + (t < o.concurrency % threads ? 1 : 0);
          ClosedWorker(o, stubs, t, slots, *factories[t], budget, warm_ns, end_ns,
                       &results[t]);
        }
      });
    }
    for (auto& w : workers) w.join();
    int64_t last = warm_ns;
    for (const auto& r : results) last = std::max(last, r.last_done_ns);
    result.elapsed_seconds = static_cast<double>(last - warm_ns) / 1e9;
  }
  int64_t last_done = start_ns;
  for (const auto& r : results) {
    result.latency.Merge(r.latency);
    result.ok += r.ok;
    result.changed_upserts += r.changed;
    for (const auto& [code, n] : r.errors) result.errors[code] += n;
    last_done = std::max(last_done, r.last_done_ns);
  }
  if (IsStreaming(o.workload)) {
    result.elapsed_seconds = static_cast<double>(last_done - start_ns) / 1e9;
    result.throughput = result.elapsed_seconds > 0 ? result.records / result.elapsed_seconds : 0;
  } else {
    // Only successful calls count: a server that fails fast must not look fast.
    result.throughput = result.elapsed_seconds > 0 ? result.ok / result.elapsed_seconds : 0;
  }
  return result;
}

std::string ResultJson(const LoadOptions& o, const LoadResult& r) {
  auto us = [](int64_t ns) { return static_cast<double>(ns) / 1000.0; };
  std::string errors;
  for (const auto& [code, n] : r.errors) {
    absl::StrAppend(&errors, errors.empty() ? "" : ", ", "\"", code, "\": ", n);
  }
  std::string out = absl::StrFormat(
      "{\"workload\": \"%s\", \"mode\": \"%s\", \"concurrency\": %d, \"rate\": %.1f, "
      "\"threads\": %d, \"channels\": %d, \"duration_s\": %.3f, \"calls\": %u, "
      "\"ok\": %u, \"errors\": {%s}, \"throughput_per_s\": %.1f, "
      "\"latency_us\": {\"mean\": %.1f, \"min\": %.1f, \"p50\": %.1f, \"p90\": %.1f, "
      "\"p99\": %.1f, \"p999\": %.1f, \"max\": %.1f}",
      WorkloadName(o.workload), o.open_loop ? "open" : "closed", o.concurrency, o.rate,
      o.threads, o.channels, r.elapsed_seconds, r.latency.count(), r.ok, errors, r.throughput,
      r.latency.mean() / 1000.0, us(r.latency.min()), us(r.latency.Quantile(0.5)),
      us(r.latency.Quantile(0.9)), us(r.latency.Quantile(0.99)),
      us(r.latency.Quantile(0.999)), us(r.latency.max()));
  if (IsStreaming(o.workload)) {
    absl::StrAppendFormat(&out,
                          ", \"records\": %u, \"committed\": %u, \"unchanged\": %u, "
                          "\"rejected\": %u, \"records_per_message\": %u",
                          r.records, r.committed, r.unchanged, r.rejected,
                          std::max<uint64_t>(1, o.records_per_message));
  }
  if (o.workload == Workload::kUpsertCandidate) {
    absl::StrAppendFormat(&out, ", \"changed\": %u", r.changed_upserts);
  }
  out += "}";
  return out;
}

}  // namespace w2w::bench
