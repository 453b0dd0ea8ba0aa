// Fuzz target: the CSV import reader (formats/record_reader.h, formats/csv.h) as
// `w2w import candidates|vacancies FILE.csv` runs it. The input is a whole file; it is
// read once as candidates and once as vacancies.
//
// Invariants, per record:
// - line numbers strictly increase, and a malformed line is INVALID_ARGUMENT;
// - a record that parses, written by the record writer (the format of `w2w-datagen` and
//   the CLI's exports; formats/record_writer.h) under the writer's header, reads back as
//   exactly one record equal to it (the writer has no `version` column);
// - a record whose text is UTF-8 (the CLI sends no other) survives JSON Lines and the
//   protobuf wire format too.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "formats/record_reader.h"
#include "formats/record_writer.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/record_checks.h"

namespace w2w::fuzz {
namespace {

using formats::FileFormat;
using formats::RecordKind;

template <typename Record>
void ReadAll(const std::string& file, RecordKind kind) {
  std::istringstream in(file);
  auto reader = formats::RecordReader::Create(&in, FileFormat::kCsv, kind);
  if (!reader.ok()) {
    FUZZ_CHECK(reader.status().code() == absl::StatusCode::kInvalidArgument, Show(reader.status()));
    return;
  }
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
    CheckCsvRoundTrip(record);
    if (AllStringsUtf8(record)) {
      CheckJsonLineRoundTrip(record);
      CheckWireRoundTrip(record);
    }
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
  w2w::fuzz::ReadAll<w2w::v1::Candidate>(file, w2w::formats::RecordKind::kCandidate);
  w2w::fuzz::ReadAll<w2w::v1::Vacancy>(file, w2w::formats::RecordKind::kVacancy);
  return 0;
}
