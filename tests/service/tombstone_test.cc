// Integration tests of tombstones against the real w2w-server (docs/storage.md,
// "Tombstones"): a delete acknowledged just before a SIGKILL keeps the record's last
// version, so after the restart a partner's write expecting that version is
// FAILED_PRECONDITION "deleted at version N" and a re-create continues the sequence.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::MakeCandidate;
using testkit::MakeVacancy;
using testkit::ServerProcess;
using testkit::StatusIs;

grpc::Status Upsert(ServerProcess& server, const v1::Candidate& c, v1::UpsertCandidateResponse* out) {
  v1::UpsertCandidateRequest request;
  *request.mutable_candidate() = c;
  return server.candidates()->UpsertCandidate(ContextWithDeadline().get(), request, out);
}

grpc::Status Upsert(ServerProcess& server, const v1::Vacancy& v, v1::UpsertVacancyResponse* out) {
  v1::UpsertVacancyRequest request;
  *request.mutable_vacancy() = v;
  return server.vacancies()->UpsertVacancy(ContextWithDeadline().get(), request, out);
}

TEST(TombstoneTest, AVersionSurvivesADeleteAndASigkillAndTheReCreateContinuesIt) {
  auto started = ServerProcess::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;

  v1::UpsertCandidateResponse written;
  ASSERT_THAT(Upsert(server, MakeCandidate("cand-t", 0), &written), IsOk());
  ASSERT_THAT(Upsert(server, MakeCandidate("cand-t", 1), &written), IsOk());
  ASSERT_EQ(written.candidate().version(), 2u);
  v1::DeleteCandidateRequest del;
  del.set_id("cand-t");
  del.set_expected_version(2);
  v1::DeleteCandidateResponse deleted;
  ASSERT_THAT(server.candidates()->DeleteCandidate(ContextWithDeadline().get(), del, &deleted), IsOk());
  EXPECT_EQ(deleted.deleted_version(), 2u);

  v1::UpsertVacancyResponse vac;
  ASSERT_THAT(Upsert(server, MakeVacancy("vac-t", 0), &vac), IsOk());
  v1::DeleteVacancyRequest del_vac;
  del_vac.set_id("vac-t");
  v1::DeleteVacancyResponse vac_deleted;
  ASSERT_THAT(server.vacancies()->DeleteVacancy(ContextWithDeadline().get(), del_vac, &vac_deleted), IsOk());

  // Acknowledged: the deletes and their tombstones are in the WAL. A crash now...
  ASSERT_TRUE(server.Kill().ok());
  ASSERT_TRUE(server.Restart().ok());

  // ... keeps them: a partner's write made against version 2 is refused, naming the field
  // and the state, and changes nothing.
  v1::Candidate stale = MakeCandidate("cand-t", 1);
  stale.set_version(2);
  EXPECT_THAT(Upsert(server, stale, &written),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       AllOf(HasSubstr("candidate.version"), HasSubstr("deleted at version 2"))));
  EXPECT_THAT(server.candidates()->DeleteCandidate(ContextWithDeadline().get(), del, &deleted),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       AllOf(HasSubstr("expected_version"), HasSubstr("deleted at version 2"))));
  v1::GetCandidateRequest get;
  get.set_id("cand-t");
  v1::Candidate gone;
  EXPECT_THAT(server.candidates()->GetCandidate(ContextWithDeadline().get(), get, &gone),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("cand-t")));

  // A re-create continues the sequence; the old version is then merely stale.
  ASSERT_THAT(Upsert(server, MakeCandidate("cand-t", 0), &written), IsOk());
  EXPECT_TRUE(written.changed());
  EXPECT_EQ(written.candidate().version(), 3u);
  EXPECT_THAT(Upsert(server, stale, &written), StatusIs(grpc::StatusCode::ABORTED, HasSubstr("stale version 2")));
  ASSERT_THAT(Upsert(server, MakeVacancy("vac-t", 0), &vac), IsOk());
  EXPECT_EQ(vac.vacancy().version(), 2u);

  // And the re-created record survives the next crash with its continued version.
  ASSERT_TRUE(server.Kill().ok());
  ASSERT_TRUE(server.Restart().ok());
  v1::Candidate back;
  ASSERT_THAT(server.candidates()->GetCandidate(ContextWithDeadline().get(), get, &back), IsOk());
  EXPECT_EQ(back.version(), 3u);
}

TEST(TombstoneTest, RetentionFlagMustBeAtLeastADay) {
  testkit::ServerProcessOptions options;
  options.extra_flags = {"--tombstone_retention_days=0"};
  options.start_timeout = absl::Seconds(20);
  auto started = ServerProcess::Start(options);
  EXPECT_FALSE(started.ok());
}

}  // namespace
}  // namespace w2w
