// Fuzz target: request decoding at the service edge (service/message_parse.h), which every
// RPC runs on the raw bytes a client sent. The input is the bytes of one stream message of
// ImportCandidates and, separately, of PushVacancies; they are parsed as the import
// streams do (service/internal/import_stream.h): as a whole, and when that fails, split
// into the wire bytes of their records, each parsed on its own and named by its id.
//
// Invariants:
// - ParseMessage over a grpc::ByteBuffer of several slices agrees with ParseMessage over
//   the same bytes in one piece, and with protobuf's own parser, on whether the bytes
//   parse and on the error code;
// - when the wire format is intact, so that only a string that is not UTF-8 can fail the
//   parse, the error names that field ("candidate.region: not valid UTF-8") however the
//   bytes are sliced. (When the wire format is broken, protobuf's flat parser may still
//   check a string that runs past the end of its message and log it as not UTF-8, where
//   the stream parser stops at the limit: the message may then name a field or not.)
// - a failed parse is INVALID_ARGUMENT "<snake_case type or type.field>: ..." (UTF-8,
//   short: it is listed in ImportSummary.errors[].message);
// - for a message that parses, SplitWireItems sees a complete wire format and returns
//   exactly the packed records, each of which parses equal to the parsed message's;
// - PeekStringField returns UTF-8 of at most the bound.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "engine/validate/limits.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/impl/grpc_library.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "service/message_parse.h"
#include "tests/fuzz/fuzz_support.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::fuzz {
namespace {

// Besides in one slice and in three, the bytes are read in slices of 1..kMaxSliceStep
// bytes (the step taken from the size, so the fuzzer varies it), at most
// kMaxSlices of them: every string and varint then crosses a slice boundary somewhere.
constexpr size_t kMaxSliceStep = 8;
constexpr size_t kMaxSlices = 64;

// `bytes` as a ByteBuffer cut at `cuts` (ascending offsets).
grpc::ByteBuffer Buffer(absl::string_view bytes, const std::vector<size_t>& cuts) {
  std::vector<grpc::Slice> slices;
  size_t start = 0;
  for (size_t cut : cuts) {
    if (cut > start && cut < bytes.size()) {
      slices.emplace_back(bytes.data() + start, cut - start);
      start = cut;
    }
  }
  slices.emplace_back(bytes.data() + start, bytes.size() - start);
  return grpc::ByteBuffer(slices.data(), slices.size());
}

// A varint of at most `max_bytes` bytes and value at most `max_value` (protobuf's parser
// takes tags and lengths of at most 5 bytes, below 2^32 and 2^31; CodedInputStream's
// ReadTag and ReadVarint32 would cut longer ones to 32 bits instead).
bool ReadBoundedVarint(google::protobuf::io::CodedInputStream* in, int max_bytes,
                       uint64_t max_value, uint64_t* value) {
  const int start = in->CurrentPosition();
  return in->ReadVarint64(value) && in->CurrentPosition() - start <= max_bytes &&
         *value <= max_value;
}

// True when the fields from `in`'s position to `size` (or to the END_GROUP tag of
// `end_group` when not 0) are well-formed wire format, into the fields of `type` that are
// messages (null: unknown content). Strings are not checked for UTF-8; a field of the
// wrong wire type is an unknown field, as for protobuf. Our messages have no packed fields.
bool FieldsIntact(google::protobuf::io::CodedInputStream* in, int size,
                  const google::protobuf::Descriptor* type, uint64_t end_group, int depth) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::internal::WireFormatLite;
  constexpr int kMaxDepth = 50;  // Our records nest 2 deep; protobuf allows 100.
  if (depth > kMaxDepth) return false;
  while (in->CurrentPosition() < size) {
    uint64_t tag = 0, value = 0;
    if (!ReadBoundedVarint(in, 5, UINT32_MAX, &tag) || (tag >> 3) == 0) return false;
    const uint64_t number = tag >> 3;
    switch (tag & 7) {
      case WireFormatLite::WIRETYPE_VARINT:
        if (!in->ReadVarint64(&value)) return false;
        break;
      case WireFormatLite::WIRETYPE_FIXED64:
        if (!in->Skip(8)) return false;
        break;
      case WireFormatLite::WIRETYPE_FIXED32:
        if (!in->Skip(4)) return false;
        break;
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        uint64_t length = 0;
        if (!ReadBoundedVarint(in, 5, INT32_MAX, &length)) return false;
        const FieldDescriptor* field =
            type == nullptr ? nullptr : type->FindFieldByNumber(static_cast<int>(number));
        if (field == nullptr || field->type() != FieldDescriptor::TYPE_MESSAGE) {
          if (!in->Skip(static_cast<int>(length))) return false;
          break;
        }
        std::string sub;
        if (!in->ReadString(&sub, static_cast<int>(length))) return false;
        google::protobuf::io::CodedInputStream sub_in(reinterpret_cast<const uint8_t*>(sub.data()),
                                                      static_cast<int>(sub.size()));
        if (!FieldsIntact(&sub_in, static_cast<int>(sub.size()), field->message_type(), 0,
                          depth + 1)) {
          return false;
        }
        break;
      }
      case WireFormatLite::WIRETYPE_START_GROUP:
        if (!FieldsIntact(in, size, nullptr, number, depth + 1)) return false;
        break;
      case WireFormatLite::WIRETYPE_END_GROUP:
        return number == end_group;
      default:
        return false;
    }
  }
  return end_group == 0;
}

bool WireIntact(absl::string_view bytes, const google::protobuf::Descriptor* type) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  return FieldsIntact(&in, static_cast<int>(bytes.size()), type, 0, 0);
}

void CheckParseError(const absl::Status& s) {
  // "import_candidates_request: does not parse ..." or "candidate.region: not valid UTF-8".
  CheckErrorShape(s, "");
  const absl::string_view path = s.message().substr(0, s.message().find(": "));
  for (char c : path) {
    FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.',
               "not a field path: " + Show(s));
  }
}

// Parses `bytes` as `Request` in one piece and in slices; all must agree. Returns whether
// it parsed, with the message in *out.
template <typename Request>
bool ParseEveryWay(absl::string_view bytes, Request* out) {
  const absl::Status whole = service::ParseMessage(bytes, out);
  Request reference;
  const bool protobuf_ok = reference.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  FUZZ_CHECK(whole.ok() == protobuf_ok, "ParseMessage disagrees with protobuf: " + Show(whole));
  if (whole.ok()) {
    FUZZ_CHECK(Diff(*out, reference).empty(), Diff(*out, reference));
  } else {
    CheckParseError(whole);
  }
  // With the wire format intact, only a string that is not UTF-8 fails a parse.
  const bool intact = WireIntact(bytes, Request::descriptor());
  if (!whole.ok() && intact) {
    FUZZ_CHECK(absl::EndsWith(whole.message(), ": not valid UTF-8"),
               "intact wire format, yet not a UTF-8 error: " + Show(whole));
  }
  std::vector<std::vector<size_t>> cut_sets = {{}, {bytes.size() / 3, 2 * bytes.size() / 3}};
  if (!bytes.empty()) {
    const size_t step = 1 + bytes.size() % kMaxSliceStep;
    std::vector<size_t> small;
    for (size_t i = step; i < bytes.size() && small.size() < kMaxSlices; i += step)
      small.push_back(i);
    cut_sets.push_back(std::move(small));
  }
  for (const std::vector<size_t>& cuts : cut_sets) {
    grpc::ByteBuffer buffer = Buffer(bytes, cuts);
    Request sliced;
    const absl::Status s = service::ParseMessage(&buffer, &sliced);
    FUZZ_CHECK(s.code() == whole.code() && (!intact || s == whole),
               "parse of " + std::to_string(cuts.size() + 1) + " slices " + Show(s) +
                   " vs in one piece " + Show(whole));
    if (s.ok()) FUZZ_CHECK(Diff(sliced, *out).empty(), Diff(sliced, *out));
  }
  return whole.ok();
}

// One stream message as DrainImport / AddSalvagedRecords read it.
template <typename Request, typename Record>
void FuzzStreamMessage(absl::string_view bytes, int one_field, int many_field,
                       const google::protobuf::RepeatedPtrField<Record>& (Request::*many)() const) {
  Request request;
  const bool parsed = ParseEveryWay(bytes, &request);

  grpc::ByteBuffer buffer = Buffer(bytes, {bytes.size() / 2});
  const service::WireItems wire = service::SplitWireItems(&buffer, one_field, many_field);
  if (parsed) {
    FUZZ_CHECK(wire.complete, "a message that parses has a broken wire format?");
    // Items of `many_field` are the packed records, in order; `one_field` items merge into
    // the single record (proto3 message fields merge), so they are not counted.
    service::WireItems only_many = service::SplitWireItems(&buffer, many_field, many_field);
    FUZZ_CHECK(only_many.complete, "a message that parses has a broken wire format?");
    FUZZ_CHECK(static_cast<int>(only_many.items.size()) == (request.*many)().size(),
               "packed items " + std::to_string(only_many.items.size()) + " vs parsed " +
                   std::to_string((request.*many)().size()));
    for (size_t i = 0; i < only_many.items.size(); ++i) {
      Record record;
      const absl::Status s = service::ParseMessage(only_many.items[i], &record);
      FUZZ_CHECK(s.ok(), "an item of a parsed message does not parse: " + Show(s));
      FUZZ_CHECK(Diff(record, (request.*many)()[static_cast<int>(i)]).empty(), "item differs");
    }
  }
  for (const std::string& item : wire.items) {
    Record record;
    ParseEveryWay(item, &record);
    const std::string id = service::PeekStringField(item, 1, validate::kMaxIdBytes);
    FUZZ_CHECK(id.size() <= validate::kMaxIdBytes, id);
    FUZZ_CHECK(!FirstInvalidUtf8Byte(id).has_value(), id);
  }
}

}  // namespace
}  // namespace w2w::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // ByteBuffer and Slice call gRPC core through this table; it needs no grpc_init().
  static grpc::internal::GrpcLibraryInitializer initializer;
  initializer.summon();
  w2w::fuzz::QuietProtobufLog();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  w2w::fuzz::FuzzStreamMessage<w2w::v1::ImportCandidatesRequest, w2w::v1::Candidate>(
      bytes, w2w::v1::ImportCandidatesRequest::kCandidateFieldNumber,
      w2w::v1::ImportCandidatesRequest::kCandidatesFieldNumber,
      &w2w::v1::ImportCandidatesRequest::candidates);
  w2w::fuzz::FuzzStreamMessage<w2w::v1::PushVacanciesRequest, w2w::v1::Vacancy>(
      bytes, w2w::v1::PushVacanciesRequest::kVacancyFieldNumber,
      w2w::v1::PushVacanciesRequest::kVacanciesFieldNumber,
      &w2w::v1::PushVacanciesRequest::vacancies);
  return 0;
}
