#include "tests/testkit/probes.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/client_context.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"

namespace w2w::testkit {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";
constexpr char kReflectionInfo[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
// HealthCheckRequest.service = 1; HealthCheckResponse.status = 1.
constexpr int kHealthServiceField = 1;
constexpr int kHealthStatusField = 1;
// ServerReflectionRequest.list_services = 7; ServerReflectionResponse.list_services_response
// = 6; ListServiceResponse.service = 1; ServiceResponse.name = 1.
constexpr int kListServicesRequestField = 7;
constexpr int kListServicesResponseField = 6;
constexpr int kServiceField = 1;
constexpr int kServiceNameField = 1;

// Length-delimited field `number` holding `value`, as protobuf wire bytes.
std::string EncodeStringField(int number, const std::string& value) {
  std::string out;
  out.push_back(static_cast<char>((number << 3) | 2));  // Wire type 2; numbers < 16.
  size_t length = value.size();
  do {
    uint8_t byte = length & 0x7f;
    length >>= 7;
    if (length != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (length != 0);
  return out + value;
}

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
}

}  // namespace

absl::StatusOr<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service, absl::Duration timeout) {
  grpc::ClientContext context;
  SetDeadline(&context, timeout);
  const grpc::internal::RpcMethod method(kHealthCheck, grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ByteBuffer request =
      ToBuffer(service.empty() ? std::string() : EncodeStringField(kHealthServiceField, service));
  grpc::ByteBuffer response;
  grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel.get(), method, &context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  UnknownFieldSet fields;
  if (!fields.ParseFromString(FromBuffer(response))) {
    return absl::DataLossError("unparsable HealthCheckResponse");
  }
  // proto3 omits a zero status (UNKNOWN).
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& f = fields.field(i);
    if (f.number() == kHealthStatusField && f.type() == UnknownField::TYPE_VARINT) {
      return static_cast<HealthStatus>(f.varint());
    }
  }
  return HealthStatus::kUnknown;
}

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  grpc::ClientContext context;
  SetDeadline(&context, timeout);
  const grpc::internal::RpcMethod method(kReflectionInfo,
                                         grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel.get(), method, &context));
  stream->Write(ToBuffer(EncodeStringField(kListServicesRequestField, "")));
  stream->WritesDone();
  grpc::ByteBuffer response;
  std::vector<std::string> services;
  bool got_list = false;
  while (stream->Read(&response)) {
    UnknownFieldSet fields;
    if (!fields.ParseFromString(FromBuffer(response))) {
      return absl::DataLossError("unparsable ServerReflectionResponse");
    }
    for (int i = 0; i < fields.field_count(); ++i) {
      const UnknownField& list = fields.field(i);
      if (list.number() != kListServicesResponseField ||
          list.type() != UnknownField::TYPE_LENGTH_DELIMITED) {
        continue;
      }
      got_list = true;
      UnknownFieldSet entries;
      if (!entries.ParseFromString(list.length_delimited())) {
        return absl::DataLossError("unparsable ListServiceResponse");
      }
      for (int j = 0; j < entries.field_count(); ++j) {
        if (entries.field(j).number() != kServiceField) continue;
        UnknownFieldSet entry;
        if (!entry.ParseFromString(entries.field(j).length_delimited())) continue;
        for (int k = 0; k < entry.field_count(); ++k) {
          if (entry.field(k).number() == kServiceNameField) {
            services.push_back(entry.field(k).length_delimited());
          }
        }
      }
    }
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpc(status);
  if (!got_list) return absl::DataLossError("reflection answered without list_services_response");
  return services;
}

}  // namespace w2w::testkit
