// What the server keeps of a record, against the real w2w-server: unknown fields (from a
// newer client, or padding) are dropped before the record is compared and stored, so a
// 3 MB unknown field is neither stored nor returned, and the same content with unknown
// fields is an unchanged retry.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using testkit::ContextWithDeadline;
using testkit::IsOk;

google::protobuf::UnknownFieldSet& Unknown(google::protobuf::Message* m) {
  return *m->GetReflection()->MutableUnknownFields(m);
}

class RecordHygieneTest : public testkit::SharedServerTest {};

TEST_F(RecordHygieneTest, UnknownFieldsAreNeitherStoredNorAChange) {
  auto stub = server_->candidates();
  v1::UpsertCandidateRequest request;
  *request.mutable_candidate() = testkit::MakeCandidate("unknown-fields");
  v1::UpsertCandidateResponse first;
  ASSERT_THAT(stub->UpsertCandidate(ContextWithDeadline().get(), request, &first), IsOk());
  ASSERT_TRUE(first.changed());

  Unknown(request.mutable_candidate()).AddLengthDelimited(102, std::string(3 << 20, 'u'));
  Unknown(request.mutable_candidate()->mutable_trades(0)).AddVarint(99, 7);
  v1::UpsertCandidateResponse again;
  ASSERT_THAT(stub->UpsertCandidate(ContextWithDeadline().get(), request, &again), IsOk());
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.candidate().version(), first.candidate().version());
  EXPECT_TRUE(Unknown(again.mutable_candidate()).empty());

  v1::GetCandidateRequest get;
  get.set_id("unknown-fields");
  v1::Candidate stored;
  ASSERT_THAT(stub->GetCandidate(ContextWithDeadline().get(), get, &stored), IsOk());
  EXPECT_TRUE(Unknown(&stored).empty());
  EXPECT_TRUE(Unknown(stored.mutable_trades(0)).empty());
  EXPECT_LT(stored.ByteSizeLong(), 4096u);

  // Also for vacancies, and through an import stream.
  auto vacancies = server_->vacancies();
  auto context = ContextWithDeadline(absl::Seconds(30));
  v1::ImportSummary summary;
  auto writer = vacancies->PushVacancies(context.get(), &summary);
  v1::PushVacanciesRequest push;
  *push.mutable_vacancy() = testkit::MakeVacancy("unknown-fields-v");
  Unknown(push.mutable_vacancy()).AddLengthDelimited(102, std::string(1 << 20, 'u'));
  ASSERT_TRUE(writer->Write(push));
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.committed(), 1u);
  v1::GetVacancyRequest get_v;
  get_v.set_id("unknown-fields-v");
  v1::Vacancy vacancy;
  ASSERT_THAT(vacancies->GetVacancy(ContextWithDeadline().get(), get_v, &vacancy), IsOk());
  EXPECT_TRUE(Unknown(&vacancy).empty());
}

}  // namespace
}  // namespace w2w
