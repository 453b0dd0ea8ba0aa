// Shared helpers of the libFuzzer targets in tests/fuzz/: a check that aborts with a message
// (libFuzzer saves the input that broke it as crash-<sha1>), message comparison that says
// what differs, and the shipped taxonomy (data/) loaded once per process.
//
// A target's checks are invariants of the code under test (a record that validates
// re-validates unchanged, a record written by the record writer reads back equal, ...);
// a broken one is a bug, never a bad input. Bad inputs only get their error checked
// (code, shape of the message).
//
// Thread safety: libFuzzer runs a target on one thread; SharedTaxonomy is safe anyway.
#ifndef W2W_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define W2W_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "engine/common/text.h"
#include "engine/taxonomy/taxonomy.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/message_differencer.h"

namespace w2w::fuzz {

// Prints `what` (and `detail`) and aborts: the input at hand broke an invariant.
[[noreturn]] inline void Fail(const char* file, int line, const char* what,
                              const std::string& detail) {
  std::fprintf(stderr, "\n%s:%d: fuzz invariant broken: %s\n%s\n", file, line, what,
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// FUZZ_CHECK(cond, detail): aborts with the condition's text and `detail` (a std::string
// expression, only evaluated when the check fails).
#define FUZZ_CHECK(cond, detail)                                         \
  do {                                                                   \
    if (!(cond)) ::w2w::fuzz::Fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (false)

// "" when `a` and `b` are equal protobuf messages (same type), else a report of the
// differences. Doubles compare exactly (NaN never reaches here: validation rejects it).
inline std::string Diff(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  google::protobuf::util::MessageDifferencer differ;
  std::string report;
  differ.ReportDifferencesToString(&report);
  if (differ.Compare(a, b)) return "";
  return report.empty() ? "messages differ" : report;
}

// The short text form of a message for failure reports.
inline std::string Show(const google::protobuf::Message& m) { return m.ShortDebugString(); }

// A status for failure reports.
inline std::string Show(const absl::Status& s) { return s.ToString(); }

// Checks the shape every error message of w2w's decoders and validators has: a field path
// and ": " ("candidate.trades[1].code: unknown trade ..."), valid UTF-8 (it travels in a
// protobuf string field, ImportSummary.errors[].message) and short (gRPC carries it in a
// header; echoed values are cut by QuoteValue). `path_prefix` is what the path starts
// with ("candidate", "policy", "line ", ...).
inline void CheckErrorShape(const absl::Status& s, absl::string_view path_prefix,
                            absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  // The longest message of a decoder or validator: a path, a few quoted values of at most
  // kMaxQuotedBytes each and a sentence of help. Far below gRPC's 8 KiB header default.
  constexpr size_t kMaxErrorBytes = 1024;
  FUZZ_CHECK(!s.ok(), "expected an error");
  FUZZ_CHECK(s.code() == code, Show(s));
  const absl::string_view m = s.message();
  FUZZ_CHECK(absl::StartsWith(m, path_prefix), Show(s));
  FUZZ_CHECK(m.find(": ") != absl::string_view::npos, Show(s));
  FUZZ_CHECK(!FirstInvalidUtf8Byte(std::string_view(m.data(), m.size())).has_value(), Show(s));
  FUZZ_CHECK(m.size() <= kMaxErrorBytes, Show(s));
}

// The folder of the shipped reference data: $W2W_DATA_DIR, else the source tree's data/.
inline std::string DataDir() {
  const char* env = std::getenv("W2W_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR;
}

// The shipped taxonomy, loaded on first use; aborts when data/ cannot be loaded.
inline std::shared_ptr<const taxonomy::Taxonomy> SharedTaxonomy() {
  static auto* const tax = [] {
    auto loaded = taxonomy::Taxonomy::LoadFromDir(DataDir());
    if (!loaded.ok()) {
      std::fprintf(stderr, "cannot load the taxonomy from %s: %s\n", DataDir().c_str(),
                   loaded.status().ToString().c_str());
      std::abort();
    }
    return new std::shared_ptr<const taxonomy::Taxonomy>(*std::move(loaded));
  }();
  return *tax;
}

// Silences protobuf's log (it logs every string field that is not UTF-8 while parsing,
// which floods a fuzz run). Fatal messages still abort.
inline void QuietProtobufLog() { google::protobuf::SetLogHandler(nullptr); }

}  // namespace w2w::fuzz

#endif  // W2W_TESTS_FUZZ_FUZZ_SUPPORT_H_
