// A strict parser of the Prometheus text exposition format, written from its
// specification (https://prometheus.io/docs/instrumenting/exposition_formats/), so that
// tests read /metrics as Prometheus would: every line a comment (# HELP / # TYPE) or
// `name{label="value",...} number`, label values escaped; anything else is an error.
#ifndef W2W_TESTS_TESTKIT_PROMETHEUS_TEXT_H_
#define W2W_TESTS_TESTKIT_PROMETHEUS_TEXT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace w2w::testkit {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};
struct PromText {
  std::map<std::string, std::string> help, type;  // By family name.
  std::vector<PromSample> samples;
  std::vector<std::string> errors;  // "line N: what: the line"; empty when it all parsed.
};

PromText ParsePromText(const std::string& text);
// The value of the sample `name` with exactly `labels`, or nullopt.
std::optional<double> FindSample(const PromText& parsed, const std::string& name,
                                 const std::map<std::string, std::string>& labels);

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_PROMETHEUS_TEXT_H_
