// Metrics for operators: counters, histograms and gauges in a Registry, rendered in the
// Prometheus text exposition format (version 0.0.4) for the HTTP edge's /metrics.
//
// No Debian package of prometheus-cpp exists, so this is the small writer the format
// needs (https://prometheus.io/docs/instrumenting/exposition_formats/): families with a
// name, a help line, a type and fixed label names; one series per label-value set.
// Counters and histograms are updated lock-free on the hot path (a series is looked up
// once and its pointer kept); gauges are read by callbacks at scrape time, so a value the
// engine already knows (index sizes, RocksDB properties) is never copied into a metric.
//
// Names follow Prometheus conventions: [a-zA-Z_:][a-zA-Z0-9_:]*, counters end in
// `_total`, durations are seconds. Label values are escaped (\\, \", \n).
//
// Thread safety: every method may be called concurrently; Series pointers stay valid for
// the Registry's life.
#ifndef W2W_ENGINE_COMMON_METRICS_H_
#define W2W_ENGINE_COMMON_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace w2w::metrics {

// A monotonically increasing count.
class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A distribution over fixed upper bounds (`le`), with the sum and count of observations.
class Histogram {
 public:
  // `bounds` strictly increasing, finite; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Per-bucket (not cumulative) counts, bounds().size() + 1 of them (the last is +Inf).
  std::vector<uint64_t> BucketCounts() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  // The sum in nanounits (1e-9 of the observed unit), so it adds without a CAS loop.
  std::atomic<int64_t> sum_nano_{0};
};

// Exponential bounds from `start`, each `factor` times the last, `n` of them.
std::vector<double> ExponentialBounds(double start, double factor, int n);
// Latency bounds in seconds, 50 us to about 26 s (x2 steps): fits a Ping and a rematch.
std::vector<double> LatencySecondsBounds();

// A family of series sharing a name, help and label names: Counter or Histogram.
template <typename T>
class Family {
 public:
  // The series for `values` (one per label name, in order), made on first use.
  T* With(const std::vector<std::string>& values) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> labels,
         std::function<std::unique_ptr<T>()> make)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)),
        make_(std::move(make)) {}

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> labels_;
  const std::function<std::unique_ptr<T>()> make_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_ ABSL_GUARDED_BY(mu_);
};

// What a gauge callback reports at scrape time: one value per label-value set.
class GaugeSink {
 public:
  void Set(const std::vector<std::string>& values, double value) {
    samples_.emplace_back(values, value);
  }
  void Set(double value) { samples_.emplace_back(std::vector<std::string>{}, value); }

 private:
  friend class Registry;
  std::vector<std::pair<std::vector<std::string>, double>> samples_;
};

class Registry {
 public:
  // Families are created once, at start; a name already registered is a programming error
  // (the existing family of the same type is returned, its help and labels kept).
  Family<Counter>* AddCounter(std::string name, std::string help,
                              std::vector<std::string> labels = {}) ABSL_LOCKS_EXCLUDED(mu_);
  Family<Histogram>* AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> labels, std::vector<double> bounds)
      ABSL_LOCKS_EXCLUDED(mu_);
  // A gauge whose values `read` reports at each Render(); `read` must be thread-safe and
  // must not call back into this Registry.
  void AddGauge(std::string name, std::string help, std::vector<std::string> labels,
                std::function<void(GaugeSink&)> read) ABSL_LOCKS_EXCLUDED(mu_);

  // Every family in registration order, in the text exposition format.
  std::string Render() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Gauge {
    std::string name, help;
    std::vector<std::string> labels;
    std::function<void(GaugeSink&)> read;
  };
  struct Entry {
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Histogram>> histogram;
    std::unique_ptr<Gauge> gauge;
  };
  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// Text-format escaping: a label value (\\, \", \n) and a help line (\\, \n).
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);
// A sample value as the format writes it: integers without a fraction, +Inf, -Inf, NaN.
std::string FormatValue(double value);

}  // namespace w2w::metrics

#endif  // W2W_ENGINE_COMMON_METRICS_H_
