// Streamed bulk imports over gRPC against the real w2w-server: 10,000 candidates through
// ImportCandidates and 10,000 vacancies through PushVacancies, with a few bad items that
// are reported by index without stopping the stream; every good item is readable after.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

constexpr int kItems = 10'000;
constexpr int kListPage = 1000;

std::string Id(const char* prefix, int i) { return absl::StrFormat("%s%05d", prefix, i); }

// Which stream positions carry which defect, and the field the error must name.
struct Defect {
  int index;
  const char* field;
};
constexpr Defect kCandidateDefects[] = {
    {17, "id"}, {4242, "trades[0].code"}, {7001, "region"}, {9999, "qualifications[0]"}};
constexpr Defect kVacancyDefects[] = {{0, "trade"}, {5000, "employer_id"}, {9998, "positions"}};

v1::Candidate CandidateAt(int i) {
  v1::Candidate c = testkit::MakeCandidate(Id("imp-c", i), i);
  if (i == 17) c.set_id("bad id with spaces");
  if (i == 4242) c.mutable_trades(0)->set_code("9999.9");
  if (i == 7001) c.set_region("Atlantis");
  if (i == 9999) {
    c.clear_qualifications();
    c.add_qualifications("NO-SUCH-CERT");
  }
  return c;
}

v1::Vacancy VacancyAt(int i) {
  v1::Vacancy v = testkit::MakeVacancy(Id("imp-v", i), i);
  if (i == 0) v.set_trade("not-a-trade");
  if (i == 5000) v.clear_employer_id();
  if (i == 9998) v.set_positions(100000);
  return v;
}

template <typename Defects>
void ExpectErrors(const v1::ImportSummary& summary, const Defects& defects) {
  ASSERT_EQ(summary.errors_size(), static_cast<int>(std::size(defects)));
  for (size_t k = 0; k < std::size(defects); ++k) {
    const v1::ItemError& e = summary.errors(static_cast<int>(k));
    EXPECT_EQ(e.index(), static_cast<uint32_t>(defects[k].index));
    EXPECT_EQ(e.code(), "INVALID_ARGUMENT");
    EXPECT_THAT(e.field(), HasSubstr(defects[k].field)) << e.message();
    EXPECT_FALSE(e.message().empty());
  }
}

class ImportTest : public testkit::SharedServerTest {
 protected:
  static v1::ImportSummary ImportCandidates(int count) {
    auto stub = server_->candidates();
    auto context = ContextWithDeadline(absl::Seconds(60));
    v1::ImportSummary summary;
    auto writer = stub->ImportCandidates(context.get(), &summary);
    v1::ImportCandidatesRequest request;
    for (int i = 0; i < count; ++i) {
      *request.mutable_candidate() = CandidateAt(i);
      EXPECT_TRUE(writer->Write(request)) << "stream broke at " << i;
    }
    writer->WritesDone();
    EXPECT_THAT(writer->Finish(), IsOk());
    return summary;
  }

};

TEST_F(ImportTest, TenThousandCandidatesWithBadItemsReportedByIndex) {
  const v1::ImportSummary summary = ImportCandidates(kItems);
  const int bad = static_cast<int>(std::size(kCandidateDefects));
  EXPECT_EQ(summary.received(), static_cast<uint64_t>(kItems));
  EXPECT_EQ(summary.committed(), static_cast<uint64_t>(kItems - bad));
  EXPECT_EQ(summary.rejected(), static_cast<uint64_t>(bad));
  EXPECT_EQ(summary.unchanged(), 0u);
  EXPECT_GE(summary.batches(), static_cast<uint64_t>(kItems / 1000));
  ExpectErrors(summary, kCandidateDefects);

  // Every good item is stored as sent (version 1); no bad one is.
  std::map<std::string, v1::Candidate> stored;
  auto stub = server_->candidates();
  v1::ListCandidatesRequest list;
  list.set_page_size(kListPage);
  for (int page = 0; page < 100; ++page) {
    v1::ListCandidatesResponse response;
    ASSERT_THAT(stub->ListCandidates(ContextWithDeadline().get(), list, &response), IsOk());
    for (const v1::Candidate& c : response.candidates()) stored[c.id()] = c;
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(kItems - bad));
  std::set<int> bad_indexes;
  for (const Defect& d : kCandidateDefects) bad_indexes.insert(d.index);
  for (int i = 0; i < kItems; ++i) {
    auto it = stored.find(Id("imp-c", i));
    if (bad_indexes.count(i) > 0) {
      EXPECT_TRUE(it == stored.end()) << i;
      continue;
    }
    ASSERT_TRUE(it != stored.end()) << "missing " << Id("imp-c", i);
    EXPECT_TRUE(SameContent(it->second, CandidateAt(i))) << it->second.DebugString();
    EXPECT_EQ(it->second.version(), 1u);
  }
  // And by point reads.
  for (int i : {1, 999, 1000, 5555, 9998}) {
    v1::GetCandidateRequest get;
    get.set_id(Id("imp-c", i));
    v1::Candidate c;
    ASSERT_THAT(stub->GetCandidate(ContextWithDeadline().get(), get, &c), IsOk());
    EXPECT_TRUE(SameContent(c, CandidateAt(i)));
  }

  // The same stream again is an idempotent retry: nothing changes.
  const v1::ImportSummary again = ImportCandidates(kItems);
  EXPECT_EQ(again.committed(), 0u);
  EXPECT_EQ(again.unchanged(), static_cast<uint64_t>(kItems - bad));
  EXPECT_EQ(again.rejected(), static_cast<uint64_t>(bad));
}

TEST_F(ImportTest, TenThousandVacanciesWithBadItemsReportedByIndex) {
  auto stub = server_->vacancies();
  auto context = ContextWithDeadline(absl::Seconds(60));
  v1::ImportSummary summary;
  auto writer = stub->PushVacancies(context.get(), &summary);
  v1::PushVacanciesRequest request;
  for (int i = 0; i < kItems; ++i) {
    *request.mutable_vacancy() = VacancyAt(i);
    ASSERT_TRUE(writer->Write(request)) << "stream broke at " << i;
  }
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  const int bad = static_cast<int>(std::size(kVacancyDefects));
  EXPECT_EQ(summary.received(), static_cast<uint64_t>(kItems));
  EXPECT_EQ(summary.committed(), static_cast<uint64_t>(kItems - bad));
  EXPECT_EQ(summary.rejected(), static_cast<uint64_t>(bad));
  ExpectErrors(summary, kVacancyDefects);

  std::map<std::string, v1::Vacancy> stored;
  v1::ListVacanciesRequest list;
  list.set_page_size(kListPage);
  for (int page = 0; page < 100; ++page) {
    v1::ListVacanciesResponse response;
    ASSERT_THAT(stub->ListVacancies(ContextWithDeadline().get(), list, &response), IsOk());
    for (const v1::Vacancy& v : response.vacancies()) stored[v.id()] = v;
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(kItems - bad));
  for (int i = 1; i < kItems; ++i) {
    if (i == 5000 || i == 9998) continue;
    auto it = stored.find(Id("imp-v", i));
    ASSERT_TRUE(it != stored.end()) << "missing " << Id("imp-v", i);
    EXPECT_TRUE(SameContent(it->second, VacancyAt(i))) << it->second.DebugString();
  }
}

TEST_F(ImportTest, EmptyStreamIsAnEmptySummary) {
  auto stub = server_->candidates();
  auto context = ContextWithDeadline();
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.received(), 0u);
  EXPECT_EQ(summary.committed(), 0u);
}

TEST_F(ImportTest, AStaleVersionInAStreamIsAnItemError) {
  auto stub = server_->candidates();
  v1::UpsertCandidateRequest upsert;
  *upsert.mutable_candidate() = testkit::MakeCandidate("imp-stale", 1);
  v1::UpsertCandidateResponse written;
  ASSERT_THAT(stub->UpsertCandidate(ContextWithDeadline().get(), upsert, &written), IsOk());

  auto context = ContextWithDeadline();
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest request;
  *request.mutable_candidate() = testkit::MakeCandidate("imp-stale", 2);
  request.mutable_candidate()->set_version(written.candidate().version() + 5);
  ASSERT_TRUE(writer->Write(request));
  *request.mutable_candidate() = testkit::MakeCandidate("imp-fresh", 2);
  ASSERT_TRUE(writer->Write(request));
  writer->WritesDone();
  ASSERT_THAT(writer->Finish(), IsOk());
  EXPECT_EQ(summary.committed(), 1u);
  ASSERT_EQ(summary.errors_size(), 1);
  EXPECT_EQ(summary.errors(0).index(), 0u);
  EXPECT_EQ(summary.errors(0).id(), "imp-stale");
  EXPECT_EQ(summary.errors(0).code(), "ABORTED");
}

TEST_F(ImportTest, ADeadlineCutsAStalledImportWithoutAcknowledgingIt) {
  auto stub = server_->candidates();
  auto context = ContextWithDeadline(absl::Milliseconds(500));
  v1::ImportSummary summary;
  auto writer = stub->ImportCandidates(context.get(), &summary);
  v1::ImportCandidatesRequest request;
  for (int i = 0; i < 10; ++i) {
    *request.mutable_candidate() = testkit::MakeCandidate(Id("late", i), i);
    ASSERT_TRUE(writer->Write(request));
  }
  absl::SleepFor(absl::Seconds(1));  // The client stalls past its deadline.
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);

  // The unfinished batch was not committed, and the server serves on.
  v1::GetCandidateRequest get;
  get.set_id(Id("late", 0));
  v1::Candidate c;
  EXPECT_EQ(stub->GetCandidate(ContextWithDeadline().get(), get, &c).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace w2w
