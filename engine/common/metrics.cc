#include "engine/common/metrics.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace w2w::metrics {
namespace {

constexpr double kNano = 1e9;

// `{a="x",b="y"}` for the names and values (empty when there are none), with `extra`
// (e.g. le="0.5") appended.
std::string LabelText(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      const std::string& extra = {}) {
  if (names.empty() && extra.empty()) return "";
  std::string text = "{";
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) text += ',';
    absl::StrAppend(&text, names[i], "=\"", EscapeLabelValue(values[i]), "\"");
  }
  if (!extra.empty()) {
    if (text.size() > 1) text += ',';
    text += extra;
  }
  text += '}';
  return text;
}

void AppendHeader(std::string* out, const std::string& name, const std::string& help,
                  const char* type) {
  absl::StrAppend(out, "# HELP ", name, " ", EscapeHelp(help), "\n# TYPE ", name, " ", type,
                  "\n");
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (std::isfinite(value)) {
    sum_nano_.fetch_add(static_cast<int64_t>(std::llround(value * kNano)),
                        std::memory_order_relaxed);
  }
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  return counts;
}

double Histogram::sum() const {
  return static_cast<double>(sum_nano_.load(std::memory_order_relaxed)) / kNano;
}

std::vector<double> ExponentialBounds(double start, double factor, int n) {
  std::vector<double> bounds;
  bounds.reserve(static_cast<size_t>(std::max(n, 0)));
  double bound = start;
  for (int i = 0; i < n; ++i, bound *= factor) bounds.push_back(bound);
  return bounds;
}

std::vector<double> LatencySecondsBounds() { return ExponentialBounds(50e-6, 2, 20); }

template <typename T>
T* Family<T>::With(const std::vector<std::string>& values) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<T>& series = series_[values];
  if (series == nullptr) series = make_();
  return series.get();
}

template class Family<Counter>;
template class Family<Histogram>;

Family<Counter>* Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> labels) {
  absl::MutexLock lock(&mu_);
  for (Entry& entry : entries_) {
    if (entry.counter != nullptr && entry.counter->name_ == name) return entry.counter.get();
  }
  Entry entry;
  entry.counter.reset(new Family<Counter>(std::move(name), std::move(help), std::move(labels),
                                          [] { return std::make_unique<Counter>(); }));
  entries_.push_back(std::move(entry));
  return entries_.back().counter.get();
}

Family<Histogram>* Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> labels,
                                          std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  for (Entry& entry : entries_) {
    if (entry.histogram != nullptr && entry.histogram->name_ == name) {
      return entry.histogram.get();
    }
  }
  Entry entry;
  entry.histogram.reset(new Family<Histogram>(
      std::move(name), std::move(help), std::move(labels),
      [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); }));
  entries_.push_back(std::move(entry));
  return entries_.back().histogram.get();
}

void Registry::AddGauge(std::string name, std::string help, std::vector<std::string> labels,
                        std::function<void(GaugeSink&)> read) {
  absl::MutexLock lock(&mu_);
  Entry entry;
  entry.gauge = std::make_unique<Gauge>(
      Gauge{std::move(name), std::move(help), std::move(labels), std::move(read)});
  entries_.push_back(std::move(entry));
}

std::string Registry::Render() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const Entry& entry : entries_) {
    if (entry.counter != nullptr) {
      const Family<Counter>& family = *entry.counter;
      AppendHeader(&out, family.name_, family.help_, "counter");
      absl::MutexLock series_lock(&family.mu_);
      for (const auto& [values, counter] : family.series_) {
        absl::StrAppend(&out, family.name_, LabelText(family.labels_, values), " ",
                        counter->value(), "\n");
      }
    } else if (entry.histogram != nullptr) {
      const Family<Histogram>& family = *entry.histogram;
      AppendHeader(&out, family.name_, family.help_, "histogram");
      absl::MutexLock series_lock(&family.mu_);
      for (const auto& [values, histogram] : family.series_) {
        const std::vector<uint64_t> counts = histogram->BucketCounts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          const std::string le = i < histogram->bounds().size()
                                     ? FormatValue(histogram->bounds()[i])
                                     : std::string("+Inf");
          absl::StrAppend(&out, family.name_, "_bucket",
                          LabelText(family.labels_, values, absl::StrCat("le=\"", le, "\"")),
                          " ", cumulative, "\n");
        }
        // The count is the +Inf bucket, so the two always agree within one scrape.
        absl::StrAppend(&out, family.name_, "_sum", LabelText(family.labels_, values), " ",
                        FormatValue(histogram->sum()), "\n", family.name_, "_count",
                        LabelText(family.labels_, values), " ", cumulative, "\n");
      }
    } else {
      const Gauge& gauge = *entry.gauge;
      GaugeSink sink;
      gauge.read(sink);
      AppendHeader(&out, gauge.name, gauge.help, "gauge");
      for (const auto& [values, value] : sink.samples_) {
        absl::StrAppend(&out, gauge.name, LabelText(gauge.labels, values), " ",
                        FormatValue(value), "\n");
      }
    }
  }
  return out;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.10g", value);
}

}  // namespace w2w::metrics
