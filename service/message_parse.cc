#include "service/message_parse.h"

#include <atomic>
#include <climits>
#include <string>

#include "absl/base/call_once.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/common/text.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace w2w::service {
namespace {

using google::protobuf::LogHandler;
using google::protobuf::LogLevel;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

// Where protobuf log lines of this thread go while ParseMessage runs; null otherwise.
thread_local std::string* tls_captured_log = nullptr;
// The handler CaptureLog replaced; lines of other threads (and of this one when not
// capturing) go there. Null when protobuf logging was switched off.
std::atomic<LogHandler*> previous_log_handler{nullptr};

void CaptureLog(LogLevel level, const char* filename, int line, const std::string& message) {
  if (tls_captured_log != nullptr) {
    absl::StrAppend(tls_captured_log, message, "\n");
    return;
  }
  if (LogHandler* previous = previous_log_handler.load(std::memory_order_acquire)) {
    previous(level, filename, line, message);
  }
}

void InstallLogCaptureOnce() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    previous_log_handler.store(google::protobuf::SetLogHandler(&CaptureLog),
                               std::memory_order_release);
  });
}

// Captures the protobuf log lines of this thread for its lifetime.
class ScopedLogCapture {
 public:
  ScopedLogCapture() {
    InstallLogCaptureOnce();
    tls_captured_log = &log_;
  }
  ~ScopedLogCapture() { tls_captured_log = nullptr; }
  ScopedLogCapture(const ScopedLogCapture&) = delete;
  ScopedLogCapture& operator=(const ScopedLogCapture&) = delete;
  const std::string& log() const { return log_; }

 private:
  std::string log_;
};

// The error for a failed parse of `message`, from what protobuf logged meanwhile.
absl::Status ParseError(const google::protobuf::Message& message, const std::string& log) {
  const std::string kUtf8Prefix = "String field '";
  const size_t start = log.find(kUtf8Prefix);
  if (start != std::string::npos && log.find("invalid UTF-8", start) != std::string::npos) {
    const size_t name_start = start + kUtf8Prefix.size();
    const size_t name_end = log.find('\'', name_start);
    if (name_end != std::string::npos) {
      // "w2w.v1.Candidate.region" -> type "Candidate", field "region".
      const absl::string_view full(log.data() + name_start, name_end - name_start);
      const size_t field_dot = full.rfind('.');
      if (field_dot != absl::string_view::npos && field_dot > 0) {
        const absl::string_view type_path = full.substr(0, field_dot);
        const size_t type_dot = type_path.rfind('.');
        const absl::string_view type =
            type_dot == absl::string_view::npos ? type_path : type_path.substr(type_dot + 1);
        return absl::InvalidArgumentError(
            absl::StrCat(SnakeCase(type), ".", full.substr(field_dot + 1), ": not valid UTF-8"));
      }
    }
  }
  const std::string& type = message.GetDescriptor()->full_name();
  return absl::InvalidArgumentError(absl::StrCat(SnakeCase(message.GetDescriptor()->name()),
                                                 ": does not parse as ", type,
                                                 " (string fields must be valid UTF-8)"));
}

}  // namespace

std::string SnakeCase(absl::string_view type_name) {
  std::string out;
  out.reserve(type_name.size() + 4);
  for (size_t i = 0; i < type_name.size(); ++i) {
    const char c = type_name[i];
    if (absl::ascii_isupper(c)) {
      if (i > 0) out.push_back('_');
      out.push_back(absl::ascii_tolower(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* message) {
  ScopedLogCapture capture;
  message->Clear();
  if (message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::OkStatus();
  }
  return ParseError(*message, capture.log());
}

absl::Status ParseMessage(grpc::ByteBuffer* buffer, google::protobuf::Message* message) {
  if (!buffer->Valid()) return ParseMessage(absl::string_view(), message);
  ScopedLogCapture capture;
  message->Clear();
  grpc::ProtoBufferReader reader(buffer);
  if (message->ParseFromZeroCopyStream(&reader)) return absl::OkStatus();
  return ParseError(*message, capture.log());
}

WireItems SplitWireItems(grpc::ByteBuffer* buffer, uint32_t field_number,
                         uint32_t other_field_number) {
  WireItems out;
  if (!buffer->Valid()) return out;
  grpc::ProtoBufferReader reader(buffer);
  CodedInputStream in(&reader);
  in.SetTotalBytesLimit(INT_MAX);
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      out.complete = in.ConsumedEntireMessage();
      return out;
    }
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const bool ours =
        number == static_cast<int>(field_number) || number == static_cast<int>(other_field_number);
    if (ours && WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      std::string item;
      if (!in.ReadVarint32(&length) || !in.ReadString(&item, static_cast<int>(length))) break;
      (number == static_cast<int>(field_number) ? out.has_field : out.has_other_field) = true;
      out.items.push_back(std::move(item));
    } else if (number == 0 || !WireFormatLite::SkipField(&in, tag)) {
      break;
    }
  }
  out.complete = false;
  return out;
}

std::string PeekStringField(absl::string_view bytes, uint32_t field_number, size_t max_bytes) {
  google::protobuf::io::ArrayInputStream stream(bytes.data(), static_cast<int>(bytes.size()));
  CodedInputStream in(&stream);
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return "";
    if (WireFormatLite::GetTagFieldNumber(tag) == static_cast<int>(field_number) &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      std::string value;
      if (!in.ReadVarint32(&length) || length > max_bytes ||
          !in.ReadString(&value, static_cast<int>(length)) ||
          FirstInvalidUtf8Byte(value).has_value()) {
        return "";
      }
      return value;
    }
    if (WireFormatLite::GetTagFieldNumber(tag) == 0 || !WireFormatLite::SkipField(&in, tag)) {
      return "";
    }
  }
}

}  // namespace w2w::service
