// ServiceMetrics: what operators watch, in one metrics::Registry that the HTTP edge
// renders at /metrics (docs/operations.md lists every metric):
//   w2w_rpc_calls_total{method,code}          finished calls, by method and status code
//   w2w_rpc_duration_seconds{method}          latency histogram (first byte in -> status)
//   w2w_rpc_in_flight{method}                 calls running now
//   w2w_rematch_runs_total{outcome} / w2w_rematch_duration_seconds
//   w2w_import_items_total{kind,result}       received / committed / unchanged / rejected
//   w2w_import_rejects_total{kind,code}       rejected items by reason (status code)
//   w2w_index_*, w2w_store_*                  the engine's sizes and RocksDB's health,
//                                             read at scrape time
// The RPC series are fed by a gRPC server interceptor (internal/rpc_interceptor.h), so
// every method of every service is counted the same way, health and reflection included.
// Nothing here carries personal data: labels are method names, codes and kinds.
//
// Thread safety: all methods may be called concurrently.
#ifndef W2W_SERVICE_SERVICE_METRICS_H_
#define W2W_SERVICE_SERVICE_METRICS_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/common/metrics.h"
#include "engine/engine.h"

namespace w2w::service {

class ServiceMetrics {
 public:
  // The series of one RPC method. Stable for the ServiceMetrics' life.
  struct Method {
    std::string name;  // "w2w.v1.MatchService/Shortlist".
    std::atomic<metrics::Histogram*> latency{nullptr};  // Made on first use.
    std::atomic<int64_t> in_flight{0};
    std::array<std::atomic<metrics::Counter*>, 17> by_code{};  // Made on first use.
  };

  // Registers every family in a new Registry; the gauges read `engine` (borrowed, must
  // outlive this) at each scrape.
  explicit ServiceMetrics(const Engine* engine);
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // The series of `full_method` as gRPC names it ("/w2w.v1.MatchService/Shortlist"); a
  // method not known at start (none is expected) shares the series "other".
  Method* ForMethod(std::string_view full_method);
  void CallStarted(Method* method) { method->in_flight.fetch_add(1, std::memory_order_relaxed); }
  void CallFinished(Method* method, int grpc_code, absl::Duration elapsed);

  // A StartRematch stream ended with `status` after `elapsed`.
  void RematchFinished(const absl::Status& status, absl::Duration elapsed);
  // An import stream of `kind` ("candidates", "vacancies", "events") finished with
  // `summary` (committed or not: the counts are what the server did).
  void ImportFinished(std::string_view kind, const v1::ImportSummary& summary);

  const metrics::Registry& registry() const { return registry_; }

 private:
  Method* AddMethod(std::string name);

  metrics::Registry registry_;
  metrics::Family<metrics::Counter>* calls_;
  metrics::Family<metrics::Histogram>* durations_;
  metrics::Family<metrics::Counter>* rematch_runs_;
  metrics::Histogram* rematch_duration_;
  metrics::Family<metrics::Counter>* import_items_;
  metrics::Family<metrics::Counter>* import_rejects_;
  // Filled in the constructor, then only read.
  std::vector<std::unique_ptr<Method>> methods_;
  absl::flat_hash_map<std::string, Method*> by_name_;  // Keyed "/pkg.Service/Method".
  Method* other_ = nullptr;
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_SERVICE_METRICS_H_
