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

// Inputs up to this size are also read as one slice per byte.
constexpr size_t kMaxBytewiseSize = 256;

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

// True when `bytes` are well-formed wire format for `type`, recursively into its message
// fields: every tag, length and value reads, and nothing is cut. Strings are not checked
// for UTF-8. A field of the wrong wire type counts as an unknown field, as for protobuf.
bool WireIntact(absl::string_view bytes, const google::protobuf::Descriptor* type, int depth = 0) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::internal::WireFormatLite;
  constexpr int kMaxDepth = 50;  // Our records nest 2 deep; protobuf allows 100.
  if (depth > kMaxDepth) return false;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  while (in.CurrentPosition() < static_cast<int>(bytes.size())) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return false;  // A 0 tag (or a tag that does not read) ends no message.
    const FieldDescriptor* field = type->FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    if (field != nullptr && field->type() == FieldDescriptor::TYPE_MESSAGE &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      std::string sub;
      if (!in.ReadVarint32(&length) || !in.ReadString(&sub, static_cast<int>(length)) ||
          !WireIntact(sub, field->message_type(), depth + 1)) {
        return false;
      }
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return true;
}

void CheckParseError(const absl::Status& s, const google::protobuf::Message& m) {
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
    CheckParseError(whole, *out);
  }
  // With the wire format intact, only a string that is not UTF-8 fails a parse.
  const bool intact = WireIntact(bytes, Request::descriptor());
  if (!whole.ok() && intact) {
    FUZZ_CHECK(absl::EndsWith(whole.message(), ": not valid UTF-8"),
               "intact wire format, yet not a UTF-8 error: " + Show(whole));
  }
  std::vector<std::vector<size_t>> cut_sets = {{}, {bytes.size() / 3, 2 * bytes.size() / 3}};
  if (bytes.size() <= kMaxBytewiseSize) {
    std::vector<size_t> every;
    for (size_t i = 1; i < bytes.size(); ++i) every.push_back(i);
    cut_sets.push_back(std::move(every));
  }
  for (const std::vector<size_t>& cuts : cut_sets) {
    grpc::ByteBuffer buffer = Buffer(bytes, cuts);
    Request sliced;
    const absl::Status s = service::ParseMessage(&buffer, &sliced);
    FUZZ_CHECK(s.code() == whole.code() && (!intact || s == whole), "parse of " + std::to_string(cuts.size() + 1) + " slices " + Show(s) +
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
    std::vector<std::string> packed;
    service::WireItems only_many = service::SplitWireItems(&buffer, many_field, many_field);
    FUZZ_CHECK(only_many.complete, "");
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
