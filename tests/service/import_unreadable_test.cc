// Stream messages the server cannot parse, against the real w2w-server: a record whose
// string field is not valid UTF-8, a packed message with one such record, and bytes that
// are no protobuf at all. Each rejects only the unreadable item, by index and field, and
// every later item is still imported (before the fix the stream silently ended at the
// first such message and answered OK). Also: a message over --max_message_mb.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::ServerProcess;

constexpr char kNotUtf8[] = "Twent\xe9";  // Latin-1 "Twenté".

std::string Id(const char* prefix, int i) { return absl::StrFormat("%s%03d", prefix, i); }

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

class ImportUnreadableTest : public testkit::SharedServerTest {
 protected:
  // Streams `messages` (raw bytes each) to ImportCandidates or PushVacancies; OK expected.
  static v1::ImportSummary SendRaw(const char* method, const std::vector<std::string>& messages) {
    auto context = ContextWithDeadline(absl::Seconds(30));
    v1::ImportSummary summary;
    const grpc::internal::RpcMethod rpc(method, grpc::internal::RpcMethod::CLIENT_STREAMING);
    std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
        grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(server_->channel().get(), rpc,
                                                                      context.get(), &summary));
    for (const std::string& message : messages) EXPECT_TRUE(writer->Write(Bytes(message)));
    writer->WritesDone();
    EXPECT_THAT(writer->Finish(), IsOk());
    return summary;
  }

  static bool CandidateStored(const std::string& id) {
    v1::GetCandidateRequest get;
    get.set_id(id);
    v1::Candidate c;
    return server_->candidates()->GetCandidate(ContextWithDeadline().get(), get, &c).ok();
  }

};

TEST_F(ImportUnreadableTest, InvalidUtf8RejectsOnlyThatItemAndTheStreamGoesOn) {
  auto stub = server_->candidates();
  auto context = ContextWithDeadline(absl::Seconds(30));
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest request;
  for (int i = 0; i < 10; ++i) {
    *request.mutable_candidate() = testkit::MakeCandidate(Id("utf-c", i), i);
    if (i == 4) request.mutable_candidate()->set_region(kNotUtf8);
    if (i == 7) request.mutable_candidate()->set_region("Atlantis");  // Readable but invalid.
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());

  EXPECT_EQ(summary.received(), 10u);
  EXPECT_EQ(summary.committed(), 8u);
  EXPECT_EQ(summary.rejected(), 2u);
  ASSERT_EQ(summary.errors_size(), 2);
  EXPECT_EQ(summary.errors(0).index(), 4u);
  EXPECT_EQ(summary.errors(0).id(), Id("utf-c", 4));  // Read from the unparsed bytes.
  EXPECT_EQ(summary.errors(0).field(), "region");
  EXPECT_EQ(summary.errors(0).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(summary.errors(0).message(), "candidate.region: not valid UTF-8");
  // The engine's own errors keep their stream index after an unreadable item.
  EXPECT_EQ(summary.errors(1).index(), 7u);
  EXPECT_EQ(summary.errors(1).field(), "region");
  EXPECT_THAT(summary.errors(1).message(), HasSubstr("Atlantis"));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(CandidateStored(Id("utf-c", i)), i != 4 && i != 7) << i;
  }
}

TEST_F(ImportUnreadableTest, APackedMessageLosesOnlyItsUnreadableRecord) {
  v1::ImportCandidatesRequest packed;
  for (int i = 0; i < 5; ++i) {
    *packed.add_candidates() = testkit::MakeCandidate(Id("pk-c", i), i);
  }
  packed.mutable_candidates(2)->mutable_trades(0)->set_code(kNotUtf8);
  v1::ImportCandidatesRequest single;
  *single.mutable_candidate() = testkit::MakeCandidate(Id("pk-c", 5), 5);
  const v1::ImportSummary summary =
      SendRaw("/w2w.v1.CandidateService/ImportCandidates",
              {packed.SerializeAsString(), single.SerializeAsString()});
  EXPECT_EQ(summary.received(), 6u);
  EXPECT_EQ(summary.committed(), 5u);
  EXPECT_EQ(summary.rejected(), 1u);
  ASSERT_EQ(summary.errors_size(), 1);
  EXPECT_EQ(summary.errors(0).index(), 2u);
  EXPECT_EQ(summary.errors(0).message(), "trade_experience.code: not valid UTF-8");
  for (int i = 0; i < 6; ++i) EXPECT_EQ(CandidateStored(Id("pk-c", i)), i != 2) << i;
}

TEST_F(ImportUnreadableTest, GarbageBytesAreOneRejectedItem) {
  std::vector<std::string> messages;
  for (int i = 0; i < 6; ++i) {
    v1::ImportCandidatesRequest request;
    *request.mutable_candidate() = testkit::MakeCandidate(Id("gb-c", i), i);
    messages.push_back(request.SerializeAsString());
  }
  messages[3] = std::string("\xff\xff\xff\xff garbage", 12);
  const v1::ImportSummary summary = SendRaw("/w2w.v1.CandidateService/ImportCandidates", messages);
  EXPECT_EQ(summary.received(), 6u);
  EXPECT_EQ(summary.committed(), 5u);
  EXPECT_EQ(summary.rejected(), 1u);
  ASSERT_EQ(summary.errors_size(), 1);
  EXPECT_EQ(summary.errors(0).index(), 3u);
  EXPECT_EQ(summary.errors(0).code(), "INVALID_ARGUMENT");
  EXPECT_THAT(summary.errors(0).message(),
              HasSubstr("stream message 3 does not parse as w2w.v1.ImportCandidatesRequest"));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(CandidateStored(Id("gb-c", i)), i != 3) << i;
}

TEST_F(ImportUnreadableTest, PushVacanciesRejectsAnUnreadableTitle) {
  auto stub = server_->vacancies();
  auto context = ContextWithDeadline(absl::Seconds(30));
  v1::ImportSummary summary;
  auto writer = stub->PushVacancies(context.get(), &summary);
  v1::PushVacanciesRequest request;
  for (int i = 0; i < 4; ++i) {
    *request.mutable_vacancy() = testkit::MakeVacancy(Id("utf-v", i), i);
    if (i == 1) request.mutable_vacancy()->set_title("Lasser \xe9\xe9n");
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.received(), 4u);
  EXPECT_EQ(summary.committed(), 3u);
  ASSERT_EQ(summary.errors_size(), 1);
  EXPECT_EQ(summary.errors(0).index(), 1u);
  EXPECT_EQ(summary.errors(0).id(), Id("utf-v", 1));
  EXPECT_EQ(summary.errors(0).message(), "vacancy.title: not valid UTF-8");
}

TEST_F(ImportUnreadableTest, BothOrNeitherFieldIsStillAStreamError) {
  v1::ImportCandidatesRequest both;
  *both.mutable_candidate() = testkit::MakeCandidate(Id("bn-c", 0));
  *both.add_candidates() = testkit::MakeCandidate(Id("bn-c", 1));
  both.mutable_candidate()->set_region(kNotUtf8);  // Forces the salvaging path.
  auto context = ContextWithDeadline(absl::Seconds(30));
  v1::ImportSummary summary;
  const grpc::internal::RpcMethod rpc("/w2w.v1.CandidateService/ImportCandidates",
                                      grpc::internal::RpcMethod::CLIENT_STREAMING);
  std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
      grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(server_->channel().get(), rpc,
                                                                    context.get(), &summary));
  writer->Write(Bytes(both.SerializeAsString()));
  writer->WritesDone();
  EXPECT_THAT(writer->Finish(), testkit::StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                                                  HasSubstr("sets both candidate and")));
}

}  // namespace
}  // namespace w2w

namespace w2w {
namespace {

// A message over --max_message_mb breaks the call inside gRPC (RESOURCE_EXHAUSTED) before
// the handler sees it. Like a cancelled import, the batch committed before it (items
// 0..999, batches are 1,000) stays, the unfinished batch (1000..1199) is not committed,
// nothing after it arrives, and the client gets no summary.
// Sends `count` candidates "<prefix>NNN", number `oversized` over 1 MiB, to a server with
// --max_message_mb=1; returns the call's status and leaves the summary in `*summary`.
grpc::Status ImportWithOversized(v1::CandidateService::Stub& stub, const char* prefix, int count,
                                 int oversized, v1::ImportSummary* summary) {
  auto context = ContextWithDeadline(absl::Seconds(30));
  auto writer = stub.ImportCandidates(context.get(), summary);
  v1::ImportCandidatesRequest request;
  for (int i = 0; i < count; ++i) {
    *request.mutable_candidate() = testkit::MakeCandidate(Id(prefix, i), i);
    if (i == oversized) request.mutable_candidate()->set_source(std::string((1 << 20) + 1024, 's'));
    if (!writer->Write(request)) break;  // The server may close the stream early.
  }
  writer->WritesDone();
  return writer->Finish();
}

TEST(ImportOversizedTest, AMessageOverTheLimitEndsTheImportLikeACancel) {
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--max_message_mb=1"};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = (*server)->candidates();
  auto context = ContextWithDeadline(absl::Seconds(30));
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest request;
  for (int i = 0; i < 1300; ++i) {
    *request.mutable_candidate() = testkit::MakeCandidate(Id("big-c", i), i);
    if (i == 1200) request.mutable_candidate()->set_source(std::string((1 << 20) + 1024, 's'));
    if (!writer->Write(request)) break;  // The server may close the stream early.
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(summary.received(), 0u);  // No summary.

  const auto stored = [&](int i) {
    v1::GetCandidateRequest get;
    get.set_id(Id("big-c", i));
    v1::Candidate c;
    return stub->GetCandidate(ContextWithDeadline().get(), get, &c).ok();
  };
  EXPECT_TRUE(stored(0));
  EXPECT_TRUE(stored(999));
  EXPECT_FALSE(stored(1000));
  EXPECT_FALSE(stored(1199));
  EXPECT_FALSE(stored(1201));
  v1::ServerInfo info;
  ASSERT_THAT((*server)->info()->GetServerInfo(ContextWithDeadline().get(),
                                               v1::GetServerInfoRequest(), &info),
              IsOk());
  EXPECT_EQ(info.candidates(), 1000u);

  // Also when it is the last message, or in the first batch: the unfinished batch is
  // never committed.
  for (const auto& [count, oversized] : {std::pair{10, 9}, std::pair{10, 4}, std::pair{3, 0}}) {
    const std::string prefix = absl::StrCat("big-", count, "-", oversized, "-");
    v1::ImportSummary partial;
    EXPECT_EQ(ImportWithOversized(*stub, prefix.c_str(), count, oversized, &partial).error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
    for (int i = 0; i < count; ++i) {
      v1::GetCandidateRequest get;
      get.set_id(Id(prefix.c_str(), i));
      v1::Candidate c;
      EXPECT_EQ(stub->GetCandidate(ContextWithDeadline().get(), get, &c).error_code(),
                grpc::StatusCode::NOT_FOUND)
          << prefix << i;
    }
  }
}

}  // namespace
}  // namespace w2w
