// Fuzz target: the JSON Lines import reader (formats/record_reader.h: one protobuf JSON
// object per line) as `w2w import candidates|vacancies FILE.jsonl` runs it. The input is
// a whole file; it is read once as candidates and once as vacancies.
//
// Invariants, per record:
// - line numbers strictly increase, and a malformed line is INVALID_ARGUMENT;
// - a record that parses and whose text is UTF-8 (the CLI sends no other) is written by
//   the record writer (formats/record_writer.h) as one JSON line that reads back equal,
//   and survives the protobuf wire format (what the CLI sends, what the server parses).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "formats/record_reader.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/record_checks.h"

namespace w2w::fuzz {
namespace {

template <typename Record>
void ReadAll(const std::string& file) {
  std::istringstream in(file);
  auto reader = formats::RecordReader::Create(&in, formats::FileFormat::kJsonl, KindOf<Record>());
  FUZZ_CHECK(reader.ok(), "a JSON Lines reader has no header to fail on: " + Show(reader.status()));
  Record record;
  formats::ReadRecord read;
  int previous_line = 0;
  while ((*reader)->Next(&record, &read)) {
    FUZZ_CHECK(read.line > previous_line,
               "line " + std::to_string(read.line) + " after " + std::to_string(previous_line));
    previous_line = read.line;
    if (!read.status.ok()) {
      FUZZ_CHECK(read.status.code() == absl::StatusCode::kInvalidArgument, Show(read.status));
      continue;
    }
    if (!AllStringsUtf8(record)) continue;
    CheckJsonLineRoundTrip(record);
    CheckWireRoundTrip(record);
  }
}

}  // namespace
}  // namespace w2w::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  w2w::fuzz::QuietProtobufLog();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string file(reinterpret_cast<const char*>(data), size);
  w2w::fuzz::ReadAll<w2w::v1::Candidate>(file);
  w2w::fuzz::ReadAll<w2w::v1::Vacancy>(file);
  return 0;
}
