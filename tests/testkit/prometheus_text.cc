#include "tests/testkit/prometheus_text.h"

#include <cctype>
#include <cmath>
#include <string>

namespace w2w::testkit {

PromText ParsePromText(const std::string& text) {
  PromText out;
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
    PromSample sample;
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

std::optional<double> FindSample(const PromText& parsed, const std::string& name,
                           const std::map<std::string, std::string>& labels) {
  for (const PromSample& s : parsed.samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::nullopt;
}

}  // namespace w2w::testkit
