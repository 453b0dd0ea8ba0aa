// The Prometheus text writer (engine/common/metrics.h), read back by the strict parser of
// tests/testkit/prometheus_text.h.
#include "engine/common/metrics.h"

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/prometheus_text.h"

namespace w2w::metrics {
namespace {

using testkit::FindSample;
using testkit::ParsePromText;

TEST(MetricsTest, CountersRenderPerLabelSetAndParse) {
  Registry registry;
  Family<Counter>* calls = registry.AddCounter("w2w_calls_total", "Calls.", {"method", "code"});
  calls->With({"Shortlist", "OK"})->Add(3);
  calls->With({"Shortlist", "NOT_FOUND"})->Add();
  calls->With({"Ping", "OK"})->Add(7);
  EXPECT_EQ(calls->With({"Shortlist", "OK"}), calls->With({"Shortlist", "OK"}));

  const testkit::PromText parsed = ParsePromText(registry.Render());
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(parsed.type.at("w2w_calls_total"), "counter");
  EXPECT_EQ(parsed.help.at("w2w_calls_total"), "Calls.");
  EXPECT_EQ(FindSample(parsed, "w2w_calls_total", {{"method", "Shortlist"}, {"code", "OK"}}), 3);
  EXPECT_EQ(FindSample(parsed, "w2w_calls_total", {{"method", "Shortlist"}, {"code", "NOT_FOUND"}}), 1);
  EXPECT_EQ(FindSample(parsed, "w2w_calls_total", {{"method", "Ping"}, {"code", "OK"}}), 7);
  EXPECT_EQ(parsed.samples.size(), 3u);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry registry;
  Histogram* latency =
      registry.AddHistogram("w2w_latency_seconds", "Latency.", {"method"}, {0.001, 0.01, 0.1})
          ->With({"Shortlist"});
  for (double v : {0.0005, 0.001, 0.002, 0.05, 0.05, 3.0}) latency->Observe(v);

  const testkit::PromText parsed = ParsePromText(registry.Render());
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(parsed.type.at("w2w_latency_seconds"), "histogram");
  auto bucket = [&](const std::string& le) {
    return FindSample(parsed, "w2w_latency_seconds_bucket", {{"method", "Shortlist"}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.001"), 2);  // le is inclusive: 0.001 falls in its own bucket.
  EXPECT_EQ(bucket("0.01"), 3);
  EXPECT_EQ(bucket("0.1"), 5);
  EXPECT_EQ(bucket("+Inf"), 6);
  EXPECT_EQ(FindSample(parsed, "w2w_latency_seconds_count", {{"method", "Shortlist"}}), 6);
  EXPECT_NEAR(*FindSample(parsed, "w2w_latency_seconds_sum", {{"method", "Shortlist"}}), 3.1035, 1e-9);
}

TEST(MetricsTest, GaugesAreReadAtEachRender) {
  Registry registry;
  double size = 10;
  registry.AddGauge("w2w_index_records", "Records.", {"kind"}, [&size](GaugeSink& sink) {
    sink.Set({"candidates"}, size);
    sink.Set({"vacancies"}, 0.5);
  });
  registry.AddGauge("w2w_up", "Up.", {}, [](GaugeSink& sink) { sink.Set(1); });
  EXPECT_EQ(FindSample(ParsePromText(registry.Render()), "w2w_index_records", {{"kind", "candidates"}}), 10);
  size = 1'000'000;
  const testkit::PromText parsed = ParsePromText(registry.Render());
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(FindSample(parsed, "w2w_index_records", {{"kind", "candidates"}}), 1'000'000);
  EXPECT_EQ(FindSample(parsed, "w2w_index_records", {{"kind", "vacancies"}}), 0.5);
  EXPECT_EQ(FindSample(parsed, "w2w_up", {}), 1);
  EXPECT_EQ(parsed.type.at("w2w_up"), "gauge");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.AddCounter("w2w_odd_total", "Line one\nback\\slash", {"what"})
      ->With({"quote \" back\\slash\nnewline"})
      ->Add();
  const std::string text = registry.Render();
  EXPECT_THAT(text, testing::HasSubstr("# HELP w2w_odd_total Line one\\nback\\\\slash\n"));
  const testkit::PromText parsed = ParsePromText(text);
  ASSERT_THAT(parsed.errors, testing::IsEmpty());
  EXPECT_EQ(FindSample(parsed, "w2w_odd_total", {{"what", "quote \" back\\slash\nnewline"}}), 1);
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
  for (int i = 0; i < 20; ++i) EXPECT_THAT(ParsePromText(registry.Render()).errors, testing::IsEmpty());
  for (std::thread& t : threads) t.join();
  const testkit::PromText parsed = ParsePromText(registry.Render());
  EXPECT_EQ(FindSample(parsed, "w2w_calls_total", {{"code", "OK"}}), 20'000);
  EXPECT_EQ(FindSample(parsed, "w2w_calls_total", {{"code", "NOT_FOUND"}}), 20'000);
  EXPECT_EQ(FindSample(parsed, "w2w_latency_seconds_bucket", {{"le", "0.5"}}), 20'000);
  EXPECT_EQ(FindSample(parsed, "w2w_latency_seconds_count", {}), 40'000);
  EXPECT_NEAR(*FindSample(parsed, "w2w_latency_seconds_sum", {}), 25'000, 1e-6);
}

}  // namespace
}  // namespace w2w::metrics
