// Round-trip checks of candidate and vacancy records through the record file formats
// (formats/record_writer.h -> formats/record_reader.h), shared by the fuzz targets of the
// import readers and of validation. Each aborts (FUZZ_CHECK) when the record does not come
// back equal.
#ifndef W2W_TESTS_FUZZ_RECORD_CHECKS_H_
#define W2W_TESTS_FUZZ_RECORD_CHECKS_H_

#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"
#include "absl/strings/str_replace.h"
#include "engine/common/text.h"
#include "formats/record_reader.h"
#include "formats/record_writer.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "tests/fuzz/fuzz_support.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::fuzz {

// True when every string field of `m` (recursively) is valid UTF-8.
inline bool AllStringsUtf8(const google::protobuf::Message& m) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m.GetReflection();
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(m, f); ++k) {
          if (FirstInvalidUtf8Byte(r->GetRepeatedString(m, f, k)).has_value()) return false;
        }
      } else if (FirstInvalidUtf8Byte(r->GetString(m, f)).has_value()) {
        return false;
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(m, f); ++k) {
          if (!AllStringsUtf8(r->GetRepeatedMessage(m, f, k))) return false;
        }
      } else if (r->HasField(m, f) && !AllStringsUtf8(r->GetMessage(m, f))) {
        return false;
      }
    }
  }
  return true;
}

template <typename Record>
constexpr formats::RecordKind KindOf() {
  return std::is_same_v<Record, v1::Candidate> ? formats::RecordKind::kCandidate
                                               : formats::RecordKind::kVacancy;
}

// Reads `file` with the import reader; the one record it holds, or why not. A file with
// no record or more than one is INTERNAL (the caller wrote exactly one).
template <typename Record>
absl::StatusOr<Record> ReadOnlyRecord(const std::string& file, formats::FileFormat format) {
  std::istringstream in(file);
  auto reader = formats::RecordReader::Create(&in, format, KindOf<Record>());
  if (!reader.ok()) return reader.status();
  Record record, extra;
  formats::ReadRecord read;
  if (!(*reader)->Next(&record, &read)) return absl::InternalError("no record read back");
  if (!read.status.ok()) return read.status;
  formats::ReadRecord more;
  if ((*reader)->Next(&extra, &more)) {
    return absl::InternalError("more than one record read back, the second: " +
                               (more.status.ok() ? Show(extra) : Show(more.status)));
  }
  return record;
}

inline void AppendCsv(const v1::Candidate& c, std::string* out) {
  formats::AppendCandidateCsv(c, formats::IdentityTradeText, out);
}
inline void AppendCsv(const v1::Vacancy& v, std::string* out) {
  formats::AppendVacancyCsv(v, formats::IdentityTradeText, out);
}
inline std::string_view CsvHeader(const v1::Candidate&) { return formats::CandidateCsvHeader(); }
inline std::string_view CsvHeader(const v1::Vacancy&) { return formats::VacancyCsvHeader(); }

// Rewrites every "\r\n" in the string fields of `*m` (recursively) to "\n": the import
// reader takes a line break inside a quoted field as "\n", in a CRLF file as in an LF
// one, so a value holding "\r\n" (which a CSV field can hold: `"a<CR><CR><LF>b"` reads
// as "a\r\nb") comes back from CSV with "\n". No valid record has either (validation
// rejects control characters in every text field).
inline void ReaderLineEnds(google::protobuf::Message* m) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m->GetReflection();
  const google::protobuf::Descriptor* d = m->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k) {
          r->SetRepeatedString(
              m, f, k, absl::StrReplaceAll(r->GetRepeatedString(*m, f, k), {{"\r\n", "\n"}}));
        }
      } else if (r->HasField(*m, f)) {
        r->SetString(m, f, absl::StrReplaceAll(r->GetString(*m, f), {{"\r\n", "\n"}}));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k)
          ReaderLineEnds(r->MutableRepeatedMessage(m, f, k));
      } else if (r->HasField(*m, f)) {
        ReaderLineEnds(r->MutableMessage(m, f));
      }
    }
  }
}

// `record` written as a CSV file (header and one line) reads back equal, but for
// `version`, which the CSV writer does not write, and line breaks (ReaderLineEnds).
template <typename Record>
void CheckCsvRoundTrip(const Record& record) {
  std::string file(CsvHeader(record));
  file.push_back('\n');
  AppendCsv(record, &file);
  absl::StatusOr<Record> back = ReadOnlyRecord<Record>(file, formats::FileFormat::kCsv);
  FUZZ_CHECK(back.ok(), "CSV written by the record writer does not read back: " +
                            Show(back.status()) + "\nrecord: " + Show(record) + "\nfile:\n" + file);
  Record expected = record;
  expected.clear_version();
  ReaderLineEnds(&expected);
  const std::string diff = Diff(expected, *back);
  FUZZ_CHECK(diff.empty(), "CSV round trip changed the record: " + diff +
                               "\nrecord: " + Show(record) + "\nfile:\n" + file);
}

// `record` written as one JSON line reads back equal. Precondition: AllStringsUtf8(record)
// (protobuf's JSON printer, like its binary format, is for UTF-8 text only).
template <typename Record>
void CheckJsonLineRoundTrip(const Record& record) {
  std::string line;
  const absl::Status written = formats::AppendJsonLine(record, &line);
  FUZZ_CHECK(written.ok(), "the record writer cannot write a record the reader accepted: " +
                               Show(written) + "\nrecord: " + Show(record));
  absl::StatusOr<Record> back = ReadOnlyRecord<Record>(line, formats::FileFormat::kJsonl);
  FUZZ_CHECK(back.ok(), "a JSON line written by the record writer does not read back: " +
                            Show(back.status()) + "\nline: " + line);
  const std::string diff = Diff(record, *back);
  FUZZ_CHECK(diff.empty(), "JSON Lines round trip changed the record: " + diff + "\nline: " + line);
}

// `record` as the CLI sends it (protobuf wire format) parses back equal on the server.
// Precondition: AllStringsUtf8(record) (the CLI checks it before sending).
template <typename Record>
void CheckWireRoundTrip(const Record& record) {
  std::string bytes;
  FUZZ_CHECK(record.SerializeToString(&bytes), "cannot serialize " + Show(record));
  Record back;
  FUZZ_CHECK(back.ParseFromString(bytes), "serialized record does not parse: " + Show(record));
  const std::string diff = Diff(record, back);
  FUZZ_CHECK(diff.empty(), "wire round trip changed the record: " + diff);
}

}  // namespace w2w::fuzz

#endif  // W2W_TESTS_FUZZ_RECORD_CHECKS_H_
