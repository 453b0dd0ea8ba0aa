// Packed stream messages (ImportCandidatesRequest.candidates, PushVacanciesRequest
// .vacancies) against the real w2w-server: items are numbered in stream order across
// messages whatever field carried them, packed and single messages mix in one stream,
// per-item errors keep their stream index, and a message with both fields or neither
// fails the stream with INVALID_ARGUMENT naming the field while earlier batches stay.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::SameContent;
using testkit::ServerProcess;

std::string Id(const char* prefix, int i) { return absl::StrFormat("%s%05d", prefix, i); }

class ImportPackedTest : public testkit::SharedServerTest {
 protected:
  static v1::Candidate GetCandidate(const std::string& id, grpc::Status* status) {
    v1::GetCandidateRequest get;
    get.set_id(id);
    v1::Candidate c;
    *status = server_->candidates()->GetCandidate(ContextWithDeadline().get(), get, &c);
    return c;
  }

};

TEST_F(ImportPackedTest, PackedAndSingleMessagesAreNumberedInStreamOrder) {
  constexpr int kItems = 2500;  // Spans three atomic batches of 1,000.
  // Message sizes 1 (single field), 7, 1250, 1 (packed field holding one), then the rest.
  const std::vector<int> sizes = {1, 7, 1250, 1, kItems - 1259};
  // Bad items (by stream index) in different messages, incl. the first of a packed one.
  const std::vector<int> bad = {0, 1, 1257, 1258, 2499};
  auto is_bad = [&](int i) { return std::find(bad.begin(), bad.end(), i) != bad.end(); };
  auto item = [&](int i) {
    v1::Candidate c = testkit::MakeCandidate(Id("pk-c", i), i);
    if (is_bad(i)) c.set_region("Atlantis");
    return c;
  };

  auto stub = server_->candidates();
  auto context = ContextWithDeadline(absl::Seconds(60));
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  int next = 0;
  for (size_t m = 0; m < sizes.size(); ++m) {
    v1::ImportCandidatesRequest request;
    for (int k = 0; k < sizes[m]; ++k) {
      if (m == 0) {
        *request.mutable_candidate() = item(next++);
      } else {
        *request.add_candidates() = item(next++);
      }
    }
    ASSERT_TRUE(writer->Write(request)) << "stream broke at message " << m;
  }
  ASSERT_EQ(next, kItems);
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());

  EXPECT_EQ(summary.received(), static_cast<uint64_t>(kItems));
  EXPECT_EQ(summary.committed(), static_cast<uint64_t>(kItems - bad.size()));
  EXPECT_EQ(summary.rejected(), bad.size());
  EXPECT_EQ(summary.batches(), 3u);
  ASSERT_EQ(summary.errors_size(), static_cast<int>(bad.size()));
  for (size_t k = 0; k < bad.size(); ++k) {
    EXPECT_EQ(summary.errors(static_cast<int>(k)).index(), static_cast<uint32_t>(bad[k]));
    EXPECT_EQ(summary.errors(static_cast<int>(k)).id(), Id("pk-c", bad[k]));
    EXPECT_EQ(summary.errors(static_cast<int>(k)).field(), "region");
  }
  for (int i : {2, 8, 9, 999, 1000, 1256, 1259, 2498}) {
    grpc::Status status;
    const v1::Candidate c = GetCandidate(Id("pk-c", i), &status);
    ASSERT_THAT(status, IsOk()) << i;
    EXPECT_TRUE(SameContent(c, item(i))) << i;
    EXPECT_EQ(c.version(), 1u);
  }
  grpc::Status status;
  GetCandidate(Id("pk-c", 1257), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ImportPackedTest, VersionsInsideOnePackedMessageAreCheckedInOrder) {
  auto stub = server_->candidates();
  auto context = ContextWithDeadline();
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest request;
  *request.add_candidates() = testkit::MakeCandidate("pk-ver", 1);  // creates version 1
  v1::Candidate second = testkit::MakeCandidate("pk-ver", 2);
  second.set_version(1);  // expects the version the first item made: OK -> version 2
  *request.add_candidates() = second;
  v1::Candidate stale = testkit::MakeCandidate("pk-ver", 3);
  stale.set_version(1);  // now stale
  *request.add_candidates() = stale;
  *request.add_candidates() = testkit::MakeCandidate("pk-ver", 2);  // same as stored: unchanged
  ASSERT_TRUE(writer->Write(request));
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.committed(), 2u);
  EXPECT_EQ(summary.unchanged(), 1u);
  ASSERT_EQ(summary.errors_size(), 1);
  EXPECT_EQ(summary.errors(0).index(), 2u);
  EXPECT_EQ(summary.errors(0).code(), "ABORTED");
  grpc::Status status;
  const v1::Candidate c = GetCandidate("pk-ver", &status);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(c.version(), 2u);
  EXPECT_TRUE(SameContent(c, testkit::MakeCandidate("pk-ver", 2)));
}

TEST_F(ImportPackedTest, PackedVacanciesArePushed) {
  auto stub = server_->vacancies();
  auto context = ContextWithDeadline(absl::Seconds(60));
  v1::ImportSummary summary;
  auto writer = stub->PushVacancies(context.get(), &summary);
  v1::PushVacanciesRequest request;
  for (int i = 0; i < 300; ++i) {
    v1::Vacancy v = testkit::MakeVacancy(Id("pk-v", i), i);
    if (i == 150) v.clear_employer_id();
    *request.add_vacancies() = v;
  }
  ASSERT_TRUE(writer->Write(request));
  request.Clear();
  *request.mutable_vacancy() = testkit::MakeVacancy(Id("pk-v", 300), 300);
  ASSERT_TRUE(writer->Write(request));
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.received(), 301u);
  EXPECT_EQ(summary.committed(), 300u);
  ASSERT_EQ(summary.errors_size(), 1);
  EXPECT_EQ(summary.errors(0).index(), 150u);
  EXPECT_EQ(summary.errors(0).field(), "employer_id");
  v1::GetVacancyRequest get;
  get.set_id(Id("pk-v", 300));
  v1::Vacancy v;
  ASSERT_THAT(stub->GetVacancy(ContextWithDeadline().get(), get, &v), IsOk());
  EXPECT_TRUE(SameContent(v, testkit::MakeVacancy(Id("pk-v", 300), 300)));
}

// Sends `before` good packed items, then `bad`, and returns the stream's status.
grpc::Status StreamWithBadMessage(ServerProcess& server, const std::string& prefix, int before,
                                  const v1::ImportCandidatesRequest& bad) {
  auto stub = server.candidates();
  auto context = ContextWithDeadline();
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest good;
  for (int i = 0; i < before; ++i) {
    *good.add_candidates() = testkit::MakeCandidate(Id(prefix.c_str(), i), i);
  }
  EXPECT_TRUE(writer->Write(good));
  writer->Write(bad);  // May already fail if the server ended the stream.
  writer->WritesDone();
  return writer->Finish();
}

TEST_F(ImportPackedTest, BothFieldsSetFailsTheStreamNamingTheField) {
  v1::ImportCandidatesRequest both;
  *both.mutable_candidate() = testkit::MakeCandidate("pk-both-a", 1);
  *both.add_candidates() = testkit::MakeCandidate("pk-both-b", 2);
  // 1,500 good items first: one batch of 1,000 commits before the bad message arrives.
  const grpc::Status status = StreamWithBadMessage(*server_, "pk-b", 1500, both);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("candidates: stream message 1"));
  EXPECT_THAT(status.error_message(), HasSubstr("both"));
  EXPECT_THAT(status.error_message(), HasSubstr("1000 committed"));
  grpc::Status got;
  GetCandidate(Id("pk-b", 999), &got);
  EXPECT_THAT(got, IsOk()) << "the batch committed before the bad message stays";
  GetCandidate(Id("pk-b", 1200), &got);
  EXPECT_EQ(got.error_code(), grpc::StatusCode::NOT_FOUND) << "the partial batch is dropped";
  GetCandidate("pk-both-a", &got);
  EXPECT_EQ(got.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ImportPackedTest, NeitherFieldSetFailsTheStreamNamingTheField) {
  const grpc::Status status =
      StreamWithBadMessage(*server_, "pk-n", 3, v1::ImportCandidatesRequest());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("candidates: stream message 1"));
  EXPECT_THAT(status.error_message(), HasSubstr("neither"));
}

TEST_F(ImportPackedTest, ABadVacancyMessageNamesVacancies) {
  auto stub = server_->vacancies();
  auto context = ContextWithDeadline();
  v1::ImportSummary summary;
  auto writer = stub->PushVacancies(context.get(), &summary);
  v1::PushVacanciesRequest both;
  *both.mutable_vacancy() = testkit::MakeVacancy("pk-vb-a", 1);
  *both.add_vacancies() = testkit::MakeVacancy("pk-vb-b", 1);
  writer->Write(both);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("vacancies: stream message 0"));
}

}  // namespace
}  // namespace w2w
