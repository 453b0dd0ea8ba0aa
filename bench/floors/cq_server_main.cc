// w2w-server-cq: the completion-queue (async) API side of the server-API comparison
// (docs/server_api_choice.md, issue 5). It opens the same Engine on the same data folder as
// w2w-server and serves, through gRPC's async API with --cq_threads completion queues and
// one polling thread per queue, exactly the two calls the comparison measures:
// ServerInfoService.Ping and MatchService.Shortlist, handled by the same Engine call
// (Engine::Shortlist) and status translation (service/status.h) as w2w-server's.
//
// Every other method of those two services is registered as async but never requested, so
// a client calling it waits until its deadline; CandidateService, VacancyService and the
// rest are not registered at all (UNIMPLEMENTED). This is a measuring instrument, not a
// second server.
//
//   w2w-server-cq --address=127.0.0.1:0 --data_dir=DIR [--cq_threads=2]
// prints "w2w-server listening on host:port" like w2w-server, stops on SIGINT/SIGTERM.
//
// Each call is the classic CallData state machine: a call object asks its queue for the
// next call of its method (REQUEST); when the queue delivers one, it posts a fresh call
// object for the next call, runs the handler inline and finishes (PROCESS); when the
// finish completes it deletes itself (FINISH).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "engine/engine.h"
#include "grpcpp/grpcpp.h"
#include "service/status.h"
#include "w2w/v1/match.grpc.pb.h"
#include "w2w/v1/server.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:0", "host:port; port 0 picks a free one.");
ABSL_FLAG(std::string, data_dir, "", "Data folder (as w2w-server's --data_dir).");
ABSL_FLAG(bool, sync_writes, false, "fsync every write.");
ABSL_FLAG(int, cq_threads, 2, "Completion queues, one polling thread each.");

namespace {

// What a completion-queue tag points to: one step of a call's state machine.
class Tag {
 public:
  virtual ~Tag() = default;
  // Advances the call; `ok` is the queue's verdict on the operation that completed.
  // May delete `this`.
  virtual void Proceed(bool ok) = 0;
};

// One unary call of one method, from request to finish. Owns itself once posted.
template <typename AsyncService, typename Request, typename Response>
class UnaryCall final : public Tag {
 public:
  using RequestMethod = void (AsyncService::*)(grpc::ServerContext*, Request*,
                                               grpc::ServerAsyncResponseWriter<Response>*,
                                               grpc::CompletionQueue*,
                                               grpc::ServerCompletionQueue*, void*);
  using Handler = std::function<grpc::Status(const Request&, Response*)>;

  // Posts a call object waiting for the next call of `method` on `queue`. All pointers are
  // borrowed and must outlive the queue's draining; the object deletes itself.
  static void Post(AsyncService* service, RequestMethod method, const Handler* handler,
                   grpc::ServerCompletionQueue* queue) {
    new UnaryCall(service, method, handler, queue);
  }

  void Proceed(bool ok) override {
    if (state_ == State::kRequest) {
      if (!ok) {  // The server is shutting down; no call arrived.
        delete this;
        return;
      }
      Post(service_, method_, handler_, queue_);
      state_ = State::kFinish;
      const grpc::Status status = (*handler_)(request_, &response_);
      if (status.ok()) {
        responder_.Finish(response_, status, this);
      } else {
        responder_.FinishWithError(status, this);
      }
      return;
    }
    delete this;  // kFinish: sent (or the client is gone); either way done.
  }

 private:
  enum class State { kRequest, kFinish };

  UnaryCall(AsyncService* service, RequestMethod method, const Handler* handler,
            grpc::ServerCompletionQueue* queue)
      : service_(service), method_(method), handler_(handler), queue_(queue),
        responder_(&context_) {
    (service_->*method_)(&context_, &request_, &responder_, queue_, queue_, this);
  }

  AsyncService* const service_;  // Borrowed.
  const RequestMethod method_;
  const Handler* const handler_;             // Borrowed.
  grpc::ServerCompletionQueue* const queue_;  // Borrowed.
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  State state_ = State::kRequest;
};

using InfoAsync = w2w::v1::ServerInfoService::AsyncService;
using MatchAsync = w2w::v1::MatchService::AsyncService;
using PingCall = UnaryCall<InfoAsync, w2w::v1::PingRequest, w2w::v1::PingResponse>;
using ShortlistCall =
    UnaryCall<MatchAsync, w2w::v1::ShortlistRequest, w2w::v1::ShortlistResponse>;

// Drains one queue until it is shut down and empty.
void Poll(grpc::ServerCompletionQueue* queue) {
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<Tag*>(tag)->Proceed(ok);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const int cq_threads = absl::GetFlag(FLAGS_cq_threads);
  if (cq_threads < 1) {
    std::fprintf(stderr, "w2w-server-cq: --cq_threads must be at least 1\n");
    return 2;
  }
  w2w::EngineOptions options;
  options.store.path = absl::GetFlag(FLAGS_data_dir);
  options.store.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  auto engine = w2w::Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "w2w-server-cq: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  const PingCall::Handler ping_handler = [](const w2w::v1::PingRequest& /*request*/,
                                            w2w::v1::PingResponse* /*response*/) {
    return grpc::Status::OK;
  };
  w2w::Engine* const served = engine->get();
  const ShortlistCall::Handler shortlist_handler =
      [served](const w2w::v1::ShortlistRequest& request, w2w::v1::ShortlistResponse* response) {
        absl::StatusOr<w2w::v1::ShortlistResponse> result = served->Shortlist(::w2w::access::Caller::System(), request);
        if (!result.ok()) return w2w::service::ToGrpcStatus(result.status());
        *response = *std::move(result);
        return grpc::Status::OK;
      };

  InfoAsync info_async;
  MatchAsync match_async;
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string address = absl::GetFlag(FLAGS_address);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&info_async);
  builder.RegisterService(&match_async);
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  for (int i = 0; i < cq_threads; ++i) queues.push_back(builder.AddCompletionQueue());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "w2w-server-cq: cannot listen on %s\n", address.c_str());
    return 1;
  }
  std::vector<std::thread> pollers;
  for (auto& queue : queues) {
    PingCall::Post(&info_async, &InfoAsync::RequestPing, &ping_handler, queue.get());
    ShortlistCall::Post(&match_async, &MatchAsync::RequestShortlist, &shortlist_handler,
                        queue.get());
    pollers.emplace_back(Poll, queue.get());
  }
  std::printf("w2w-server listening on %s:%d\n", address.substr(0, address.rfind(':')).c_str(),
              port);
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  // Server first (cancels pending requests), then the queues, which the pollers drain.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  for (auto& queue : queues) queue->Shutdown();
  for (auto& poller : pollers) poller.join();
  server->Wait();
  const absl::Status flushed = (*engine)->Flush();
  server.reset();
  engine->reset();
  return flushed.ok() ? 0 : 1;
}
