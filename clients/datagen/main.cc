// w2w-datagen: writes a deterministic synthetic dataset (candidates and vacancies) as JSON
// Lines or CSV files, in the formats of docs/formats.md, for `w2w import` and benchmarks.
//
//   w2w-datagen --candidates 1000000 --vacancies 200000 --seed 42 --out /tmp/ds
//               --format jsonl --today 2026-01-01
//
// Output: <out>/candidates.<ext> and <out>/vacancies.<ext>. The same flags always produce
// the same bytes. Exit status: 0 on success, 1 on bad flags, 2 on an I/O or data error.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "clients/datagen/generator.h"
#include "clients/datagen/outcomes.h"
#include "formats/outcome_events.h"
#include "formats/record_writer.h"
#include "engine/taxonomy/taxonomy.h"

ABSL_FLAG(uint64_t, candidates, 10000, "Number of candidate profiles to generate.");
ABSL_FLAG(uint64_t, vacancies, 2000, "Number of vacancies to generate.");
ABSL_FLAG(uint64_t, seed, 1, "Random seed; the same seed gives the same output.");
ABSL_FLAG(std::string, out, ".", "Output folder (created when missing).");
ABSL_FLAG(std::string, format, "jsonl", "Output format: jsonl or csv.");
ABSL_FLAG(std::string, today, "",
          "The day dates are drawn around (YYYY-MM-DD); default: today (UTC), so the "
          "vacancies are open now. Give a fixed day for byte-identical output.");
ABSL_FLAG(bool, outcomes, false,
          "Also write outcomes.jsonl: a year of outcome events (signals, placements, "
          "retraining tracks, follow-ups) for these candidates and vacancies, for "
          "`w2w import events` (docs/outcomes.md). Always JSON Lines, whatever --format.");
ABSL_FLAG(uint64_t, outcome_events, 0,
          "With --outcomes: at most about this many events (people are thinned evenly); "
          "0 = the full histories, about 1.9 per candidate.");
ABSL_FLAG(int32_t, outcome_days, w2w::datagen::kDefaultOutcomeDays,
          "With --outcomes: days of history before --today (1..3650); 730 has 12-month "
          "follow-ups, which a year cannot.");
ABSL_FLAG(std::string, data_dir, W2W_DEFAULT_DATA_DIR,
          "Reference data folder (data/ of the repository).");

namespace {

constexpr size_t kFlushBytes = 1 << 20;

enum class Format { kJsonl, kCsv };

// Buffered writer of one output file.
class Output {
 public:
  static absl::StatusOr<std::unique_ptr<Output>> Open(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return absl::UnavailableError(absl::StrCat("cannot create ", path));
    return std::unique_ptr<Output>(new Output(path, f));
  }
  ~Output() {
    if (file_ != nullptr) std::fclose(file_);
  }
  std::string* buffer() { return &buffer_; }
  absl::Status MaybeFlush() { return buffer_.size() >= kFlushBytes ? Flush() : absl::OkStatus(); }
  absl::Status Close() {
    if (absl::Status s = Flush(); !s.ok()) return s;
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) return absl::DataLossError(absl::StrCat("cannot close ", path_));
    return absl::OkStatus();
  }

 private:
  Output(std::string path, std::FILE* f) : path_(std::move(path)), file_(f) {}
  absl::Status Flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      return absl::DataLossError(absl::StrCat("cannot write ", path_));
    }
    buffer_.clear();
    return absl::OkStatus();
  }
  std::string path_;
  std::FILE* file_;
  std::string buffer_;
};

template <typename Record, typename ForEach, typename AppendCsv>
absl::Status WriteAll(const std::string& path, Format format, std::string_view csv_header,
                      uint64_t n, ForEach for_each, AppendCsv append_csv) {
  auto out = Output::Open(path);
  if (!out.ok()) return out.status();
  Output& o = **out;
  if (format == Format::kCsv) o.buffer()->append(csv_header).append("\n");
  absl::Status status;
  for_each(n, [&](Record& r) {
    if (!status.ok()) return;
    if (format == Format::kCsv) {
      append_csv(r, o.buffer());
    } else {
      status = w2w::formats::AppendJsonLine(r, o.buffer());
    }
    if (status.ok()) status = o.MaybeFlush();
  });
  if (!status.ok()) return status;
  return o.Close();
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "w2w-datagen: %s\n", s.ToString().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  // --help lists the flags of this file (Abseil's default looks for w2w-datagen.cc).
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "clients/datagen/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(
      "Writes a deterministic synthetic dataset: w2w-datagen --candidates N --vacancies M "
      "--seed S --out DIR --format jsonl|csv --today YYYY-MM-DD");
  absl::ParseCommandLine(argc, argv);
  Format format;
  const std::string format_flag = absl::GetFlag(FLAGS_format);
  if (format_flag == "jsonl") {
    format = Format::kJsonl;
  } else if (format_flag == "csv") {
    format = Format::kCsv;
  } else {
    std::fprintf(stderr, "w2w-datagen: --format must be jsonl or csv\n");
    return 1;
  }
  const std::string today_flag = absl::GetFlag(FLAGS_today);
  std::optional<int32_t> today =
      today_flag.empty() ? std::optional<int32_t>(w2w::TodayUtc()) : w2w::ParseIsoDate(today_flag);
  if (!today) {
    std::fprintf(stderr, "w2w-datagen: --today must be a date YYYY-MM-DD\n");
    return 1;
  }
  const std::string out_dir = absl::GetFlag(FLAGS_out);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Fail(absl::UnavailableError(absl::StrCat("cannot create ", out_dir, ": ", ec.message())));

  auto tax = w2w::taxonomy::Taxonomy::LoadFromDir(absl::GetFlag(FLAGS_data_dir));
  if (!tax.ok()) return Fail(tax.status());
  w2w::datagen::GeneratorOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.today = *today;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  auto gen = w2w::datagen::Generator::Create(**tax, options);
  if (!gen.ok()) return Fail(gen.status());
  const w2w::datagen::Generator& g = **gen;
  const w2w::taxonomy::Taxonomy& t = **tax;
  const auto esco_code = [&t](const std::string& trade) { return w2w::datagen::EscoCode(t, trade); };
  const std::string ext = format == Format::kCsv ? "csv" : "jsonl";

  const uint64_t nc = absl::GetFlag(FLAGS_candidates);
  absl::Status s = WriteAll<w2w::v1::Candidate>(
      absl::StrCat(out_dir, "/candidates.", ext), format, w2w::formats::CandidateCsvHeader(), nc,
      [&](uint64_t n, auto sink) { g.ForEachCandidate(n, sink); },
      [&](const w2w::v1::Candidate& c, std::string* out) {
        w2w::formats::AppendCandidateCsv(c, esco_code, out);
      });
  if (!s.ok()) return Fail(s);
  const uint64_t nv = absl::GetFlag(FLAGS_vacancies);
  s = WriteAll<w2w::v1::Vacancy>(
      absl::StrCat(out_dir, "/vacancies.", ext), format, w2w::formats::VacancyCsvHeader(), nv,
      [&](uint64_t n, auto sink) { g.ForEachVacancy(n, sink); },
      [&](const w2w::v1::Vacancy& v, std::string* out) {
        w2w::formats::AppendVacancyCsv(v, esco_code, out);
      });
  if (!s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_outcomes)) {
    auto out = Output::Open(absl::StrCat(out_dir, "/outcomes.jsonl"));
    if (!out.ok()) return Fail(out.status());
    const int32_t outcome_days = absl::GetFlag(FLAGS_outcome_days);
    if (outcome_days < 1 || outcome_days > 3650) {
      std::fprintf(stderr, "w2w-datagen: --outcome_days must be 1..3650\n");
      return 1;
    }
    w2w::datagen::OutcomeGenerator outcomes(g, t, nc, nv, absl::GetFlag(FLAGS_outcome_events), outcome_days);
    absl::Status status;
    const w2w::datagen::OutcomeCounts counts = outcomes.ForEachEvent([&](const w2w::v1::OutcomeEvent& e) {
      if (!status.ok()) return;
      status = w2w::formats::AppendOutcomeEventJsonLine(e, (*out)->buffer());
      if (status.ok()) status = (*out)->MaybeFlush();
    });
    if (status.ok()) status = (*out)->Close();
    if (!status.ok()) return Fail(status);
    std::fprintf(stderr,
                 "w2w-datagen: wrote %llu outcome events (%llu status changes, %llu placements, %llu tracks, "
                 "%llu follow-ups)\n",
                 static_cast<unsigned long long>(counts.events), static_cast<unsigned long long>(counts.status_changes),
                 static_cast<unsigned long long>(counts.placements), static_cast<unsigned long long>(counts.tracks),
                 static_cast<unsigned long long>(counts.follow_ups));
  }
  std::fprintf(stderr, "w2w-datagen: wrote %llu candidates and %llu vacancies to %s (%s)\n",
               static_cast<unsigned long long>(nc), static_cast<unsigned long long>(nv),
               out_dir.c_str(), ext.c_str());
  return 0;
}
