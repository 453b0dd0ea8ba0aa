// w2w-server-callback: the server-API comparison's other side (docs/server_api_choice.md).
// It opens the same Engine on the same data folder as w2w-server and serves the RPCs the
// load generator measures (Ping, GetCandidate, GetVacancy, UpsertCandidate, Shortlist,
// MatchCandidate) through gRPC's callback API, with the very same service classes
// (service/*_service.h) the sync server forwards to. Everything else is UNIMPLEMENTED:
// this is a measuring instrument, not a second server.
//
//   w2w-server-callback --address=127.0.0.1:0 --data_dir=DIR
// prints "w2w-server listening on host:port" like w2w-server, stops on SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "engine/engine.h"
#include "grpcpp/grpcpp.h"
#include "service/candidate_service.h"
#include "service/match_service.h"
#include "service/server_info_service.h"
#include "service/vacancy_service.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/match.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:0", "host:port; port 0 picks a free one.");
ABSL_FLAG(std::string, data_dir, "", "Data folder (as w2w-server's --data_dir).");
ABSL_FLAG(bool, sync_writes, false, "fsync every write.");

namespace {

using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;

// A unary callback handler that runs the service method inline and finishes.
#define W2W_CALLBACK_UNARY(Rpc, Request, Response, Method)                          \
  ServerUnaryReactor* Rpc(CallbackServerContext* context,                           \
                          const w2w::v1::Request* request,                          \
                          w2w::v1::Response* response) override {                   \
    ServerUnaryReactor* reactor = context->DefaultReactor();                        \
    reactor->Finish(impl_.Method(*request, response));                              \
    return reactor;                                                                 \
  }

class InfoCallback final : public w2w::v1::ServerInfoService::CallbackService {
 public:
  explicit InfoCallback(w2w::Engine* engine) : impl_(engine) {}
  W2W_CALLBACK_UNARY(Ping, PingRequest, PingResponse, Ping)
 private:
  w2w::service::ServerInfoService impl_;
};

class CandidateCallback final : public w2w::v1::CandidateService::CallbackService {
 public:
  explicit CandidateCallback(w2w::Engine* engine) : impl_(engine) {}
  W2W_CALLBACK_UNARY(GetCandidate, GetCandidateRequest, Candidate, Get)
  W2W_CALLBACK_UNARY(UpsertCandidate, UpsertCandidateRequest, UpsertCandidateResponse, Upsert)
 private:
  w2w::service::CandidateService impl_;
};

class VacancyCallback final : public w2w::v1::VacancyService::CallbackService {
 public:
  explicit VacancyCallback(w2w::Engine* engine) : impl_(engine) {}
  W2W_CALLBACK_UNARY(GetVacancy, GetVacancyRequest, Vacancy, Get)
 private:
  w2w::service::VacancyService impl_;
};

class MatchCallback final : public w2w::v1::MatchService::CallbackService {
 public:
  explicit MatchCallback(w2w::Engine* engine) : impl_(engine) {}
  W2W_CALLBACK_UNARY(Shortlist, ShortlistRequest, ShortlistResponse, Shortlist)
  W2W_CALLBACK_UNARY(MatchCandidate, MatchCandidateRequest, MatchCandidateResponse,
                     MatchCandidate)
 private:
  w2w::service::MatchService impl_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  w2w::EngineOptions options;
  options.store.path = absl::GetFlag(FLAGS_data_dir);
  options.store.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  auto engine = w2w::Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "w2w-server-callback: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  InfoCallback info(engine->get());
  CandidateCallback candidates(engine->get());
  VacancyCallback vacancies(engine->get());
  MatchCallback match(engine->get());
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string address = absl::GetFlag(FLAGS_address);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&info);
  builder.RegisterService(&candidates);
  builder.RegisterService(&vacancies);
  builder.RegisterService(&match);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "w2w-server-callback: cannot listen on %s\n", address.c_str());
    return 1;
  }
  std::printf("w2w-server listening on %s:%d\n", address.substr(0, address.rfind(':')).c_str(),
              port);
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  const absl::Status flushed = (*engine)->Flush();
  server.reset();
  engine->reset();
  return flushed.ok() ? 0 : 1;
}
