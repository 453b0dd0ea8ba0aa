#include "service/web/gateway.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace w2w::service::web {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

constexpr absl::string_view kPackage = "w2w.v1.";

// The method `name` ("w2w.v1.Service/Method") of our contract, or an INVALID_ARGUMENT.
absl::StatusOr<const MethodDescriptor*> FindMethod(absl::string_view name, bool server_streaming) {
  const size_t slash = name.find('/');
  if (name.substr(0, kPackage.size()) != kPackage || slash == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("method: '", name, "' is not a w2w.v1 method (w2w.v1.Service/Method)"));
  }
  const MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrCat(name.substr(0, slash), ".", name.substr(slash + 1)));
  if (method == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("method: no method '", name, "'"));
  }
  if (method->client_streaming() || method->server_streaming() != server_streaming) {
    return absl::InvalidArgumentError(absl::StrCat(
        "method: '", name, "' is ",
        method->client_streaming() ? "a client stream (imports go over gRPC)"
        : method->server_streaming() ? "a server stream (use /api/stream/)"
                                     : "unary (use /api/)"));
  }
  return method;
}

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

absl::StatusOr<grpc::ByteBuffer> RequestBytes(const MethodDescriptor& method,
                                              absl::string_view json) {
  std::unique_ptr<Message> request = NewMessage(method.input_type());
  if (!json.empty()) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;  // A misspelt filter must not be silently dropped.
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(json.data(), json.size()), request.get(), options);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("request: not a ", method.input_type()->full_name(), " in JSON: ",
                       std::string(parsed.message())));
    }
  }
  grpc::Slice slice(request->SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

absl::StatusOr<std::string> ResponseJson(const MethodDescriptor& method,
                                         const grpc::ByteBuffer& bytes) {
  std::vector<grpc::Slice> slices;
  if (!bytes.Dump(&slices).ok()) return absl::InternalError("response: unreadable bytes");
  std::string wire;
  for (const grpc::Slice& slice : slices) {
    wire.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  std::unique_ptr<Message> response = NewMessage(method.output_type());
  if (!response->ParseFromString(wire)) return absl::InternalError("response: does not parse");
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto printed = google::protobuf::util::MessageToJsonString(*response, &json, options);
  if (!printed.ok()) return absl::InternalError(std::string(printed.message()));
  return json;
}

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

void Prepare(grpc::ClientContext* context, absl::string_view token, absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

}  // namespace

absl::StatusOr<std::string> Gateway::Unary(absl::string_view method_name, absl::string_view json,
                                           absl::string_view token,
                                           absl::Duration timeout) const {
  absl::StatusOr<const MethodDescriptor*> method = FindMethod(method_name, false);
  if (!method.ok()) return method.status();
  absl::StatusOr<grpc::ByteBuffer> request = RequestBytes(**method, json);
  if (!request.ok()) return request.status();

  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  Prepare(&context, token, timeout);
  grpc::CompletionQueue cq;
  grpc::ByteBuffer response;
  grpc::Status status;
  auto call = stub.PrepareUnaryCall(&context, absl::StrCat("/", method_name), *request, &cq);
  call->StartCall();
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok()) return FromGrpc(status);
  return ResponseJson(**method, response);
}

absl::Status Gateway::ServerStream(
    absl::string_view method_name, absl::string_view json, absl::string_view token,
    absl::Duration timeout, const std::function<bool(const std::string& json)>& on_message,
    const StreamIdle& idle) const {
  absl::StatusOr<const MethodDescriptor*> method = FindMethod(method_name, true);
  if (!method.ok()) return method.status();
  absl::StatusOr<grpc::ByteBuffer> request = RequestBytes(**method, json);
  if (!request.ok()) return request.status();

  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  Prepare(&context, token, timeout);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&context, absl::StrCat("/", method_name), &cq);
  // One operation in flight at a time; each waits for its own completion.
  auto wait = [&cq] {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && ok;
  };
  bool ok = (call->StartCall(nullptr), wait());
  if (ok) ok = (call->Write(*request, nullptr), wait());
  if (ok) ok = (call->WritesDone(nullptr), wait());
  // A read, waiting in steps of idle.interval and asking idle.on_idle in between, until
  // it completes; once on_idle ended the call, the cancelled read is waited for plainly.
  absl::Status ended_by_idle = absl::OkStatus();
  auto wait_read = [&] {
    if (!idle.on_idle) return wait();
    for (;;) {
      void* tag = nullptr;
      bool read_ok = false;
      switch (cq.AsyncNext(&tag, &read_ok, absl::ToChronoTime(absl::Now() + idle.interval))) {
        case grpc::CompletionQueue::GOT_EVENT: return read_ok;
        case grpc::CompletionQueue::SHUTDOWN: return false;
        case grpc::CompletionQueue::TIMEOUT: break;
      }
      if (!ended_by_idle.ok()) continue;
      ended_by_idle = idle.on_idle();
      if (!ended_by_idle.ok()) context.TryCancel();
    }
  };
  bool stopped = false;
  while (ok) {
    grpc::ByteBuffer message;
    call->Read(&message, nullptr);
    if (!wait_read()) break;  // End of stream (or a broken call: Finish says which).
    absl::StatusOr<std::string> line = ResponseJson(**method, message);
    if (!line.ok() || !on_message(*line)) {
      stopped = true;
      context.TryCancel();
      break;
    }
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  wait();
  cq.Shutdown();
  void* tag = nullptr;
  bool more = false;
  while (cq.Next(&tag, &more)) {
  }
  if (stopped) return absl::CancelledError("the reader went away");
  if (!ended_by_idle.ok()) return ended_by_idle;
  return FromGrpc(status);
}

}  // namespace w2w::service::web
