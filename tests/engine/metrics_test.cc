// The Prometheus text writer (engine/common/metrics.h), read back by a small parser of
// the exposition format written here from its specification: every line is a comment
// (# HELP / # TYPE) or `name{label="value",...} number`, label values escaped.
#include "engine/common/metrics.h"

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::metrics {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};
struct Parsed {
  std::map<std::string, std::string> help, type;
  std::vector<Sample> samples;
  std::vector<std::string> errors;
};

// Parses the text format strictly; anything it cannot read is an error.
Parsed Parse(const std::string& text) {
  Parsed out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) {
      out.errors.push_back("no newline at the end");
      end = text.size();
    }
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    auto error = [&](const std::string& what) {
      out.errors.push_back("line " + std::to_string(line_no) + ": " + what + ": " + line);
    };
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const std::string rest = line.substr(7);
      const size_t space = rest.find(' ');
      if (space == std::string::npos) {
        error("comment without text");
        continue;
      }
      (line[2] == 'H' ? out.help : out.type)[rest.substr(0, space)] = rest.substr(space + 1);
      continue;
    }
    Sample sample;
    size_t i = 0;
    auto name_char = [](char c, bool first) {
      return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
             (!first && std::isdigit(static_cast<unsigned char>(c)));
    };
    while (i < line.size() && name_char(line[i], i == 0)) sample.name += line[i++];
    if (sample.name.empty()) {
      error("no metric name");
      continue;
    }
    bool ok = true;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (ok && i < line.size() && line[i] != '}') {
        std::string label;
        while (i < line.size() && name_char(line[i], label.empty())) label += line[i++];
        if (label.empty() || line.compare(i, 2, "=\"") != 0) {
          ok = false;
          break;
        }
        i += 2;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            const char next = line[i + 1];
            value += next == 'n' ? '\n' : next;
            i += 2;
          } else {
            value += line[i++];
          }
        }
        if (i >= line.size()) {
          ok = false;
          break;
        }
        ++i;  // Closing quote.
        sample.labels[label] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size() || line[i] != '}') ok = false;
      ++i;
    }
    if (!ok || i >= line.size() || line[i] != ' ') {
      error("bad labels");
      continue;
    }
    const std::string number = line.substr(i + 1);
    if (number == "+Inf") {
      sample.value = INFINITY;
    } else if (number == "-Inf") {
      sample.value = -INFINITY;
    } else if (number == "NaN") {
      sample.value = NAN;
    } else {
      size_t used = 0;
      try {
        sample.value = std::stod(number, &used);
      } catch (...) {
        used = 0;
      }
      if (used == 0 || used != number.size()) {
        error("bad value");
        continue;
      }
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

std::optional<double> Find(const Parsed& parsed, const std::string& name,
                           const std::map<std::string, std::string>& labels) {
  for (const Sample& s : parsed.samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::nullopt;
}

TEST(MetricsTest, CountersRenderPerLabelSetAndParse) {
  Registry registry;
  Family<Counter>* calls = registry.AddCounter("w2w_calls_total", "Calls.", {"method", "code"});
  calls->With({"Shortlist", "OK"})->Add(3);
  calls->With({"Shortlist", "NOT_FOUND"})->Add();
  calls->With({"Ping", "OK"})->Add(7);
  EXPECT_EQ(calls->With({"Shortlist", "OK"}), calls->With({"Shortlist", "OK"}));

  const Parsed parsed = Parse(registry.Render());
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(parsed.type.at("w2w_calls_total"), "counter");
  EXPECT_EQ(parsed.help.at("w2w_calls_total"), "Calls.");
  EXPECT_EQ(Find(parsed, "w2w_calls_total", {{"method", "Shortlist"}, {"code", "OK"}}), 3);
  EXPECT_EQ(Find(parsed, "w2w_calls_total", {{"method", "Shortlist"}, {"code", "NOT_FOUND"}}), 1);
  EXPECT_EQ(Find(parsed, "w2w_calls_total", {{"method", "Ping"}, {"code", "OK"}}), 7);
  EXPECT_EQ(parsed.samples.size(), 3u);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry registry;
  Histogram* latency =
      registry.AddHistogram("w2w_latency_seconds", "Latency.", {"method"}, {0.001, 0.01, 0.1})
          ->With({"Shortlist"});
  for (double v : {0.0005, 0.001, 0.002, 0.05, 0.05, 3.0}) latency->Observe(v);

  const Parsed parsed = Parse(registry.Render());
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(parsed.type.at("w2w_latency_seconds"), "histogram");
  auto bucket = [&](const std::string& le) {
    return Find(parsed, "w2w_latency_seconds_bucket", {{"method", "Shortlist"}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.001"), 2);  // le is inclusive: 0.001 falls in its own bucket.
  EXPECT_EQ(bucket("0.01"), 3);
  EXPECT_EQ(bucket("0.1"), 5);
  EXPECT_EQ(bucket("+Inf"), 6);
  EXPECT_EQ(Find(parsed, "w2w_latency_seconds_count", {{"method", "Shortlist"}}), 6);
  EXPECT_NEAR(*Find(parsed, "w2w_latency_seconds_sum", {{"method", "Shortlist"}}), 3.1035, 1e-9);
}

TEST(MetricsTest, GaugesAreReadAtEachRender) {
  Registry registry;
  double size = 10;
  registry.AddGauge("w2w_index_records", "Records.", {"kind"}, [&size](GaugeSink& sink) {
    sink.Set({"candidates"}, size);
    sink.Set({"vacancies"}, 0.5);
  });
  registry.AddGauge("w2w_up", "Up.", {}, [](GaugeSink& sink) { sink.Set(1); });
  EXPECT_EQ(Find(Parse(registry.Render()), "w2w_index_records", {{"kind", "candidates"}}), 10);
  size = 1'000'000;
  const Parsed parsed = Parse(registry.Render());
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(Find(parsed, "w2w_index_records", {{"kind", "candidates"}}), 1'000'000);
  EXPECT_EQ(Find(parsed, "w2w_index_records", {{"kind", "vacancies"}}), 0.5);
  EXPECT_EQ(Find(parsed, "w2w_up", {}), 1);
  EXPECT_EQ(parsed.type.at("w2w_up"), "gauge");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.AddCounter("w2w_odd_total", "Line one\nback\\slash", {"what"})
      ->With({"quote \" back\\slash\nnewline"})
      ->Add();
  const std::string text = registry.Render();
  EXPECT_THAT(text, testing::HasSubstr("# HELP w2w_odd_total Line one\\nback\\\\slash\n"));
  const Parsed parsed = Parse(text);
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(Find(parsed, "w2w_odd_total", {{"what", "quote \" back\\slash\nnewline"}}), 1);
}

TEST(MetricsTest, ValuesAreFormattedForTheFormat) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatValue(NAN), "NaN");
  EXPECT_EQ(FormatValue(1e20), "1e+20");
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  Family<Counter>* calls = registry.AddCounter("w2w_calls_total", "Calls.", {"code"});
  Histogram* latency = registry.AddHistogram("w2w_latency_seconds", "L.", {}, {0.5})->With({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        calls->With({i % 2 == 0 ? "OK" : "NOT_FOUND"})->Add();
        latency->Observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  // Scrapes while the writers run must always parse.
  for (int i = 0; i < 20; ++i) EXPECT_THAT(Parse(registry.Render()).errors, testing::IsEmpty());
  for (std::thread& t : threads) t.join();
  const Parsed parsed = Parse(registry.Render());
  EXPECT_EQ(Find(parsed, "w2w_calls_total", {{"code", "OK"}}), 20'000);
  EXPECT_EQ(Find(parsed, "w2w_calls_total", {{"code", "NOT_FOUND"}}), 20'000);
  EXPECT_EQ(Find(parsed, "w2w_latency_seconds_bucket", {{"le", "0.5"}}), 20'000);
  EXPECT_EQ(Find(parsed, "w2w_latency_seconds_count", {}), 40'000);
  EXPECT_NEAR(*Find(parsed, "w2w_latency_seconds_sum", {}), 25'000, 1e-6);
}

}  // namespace
}  // namespace w2w::metrics
