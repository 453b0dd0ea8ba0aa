// A full disk against the real w2w-server: on a 16 MiB tmpfs with a 4 MiB reserve, writes
// are refused with RESOURCE_EXHAUSTED before the file system fills up (Debian's RocksDB
// would abort), the server stays alive and serves reads, and everything acknowledged is
// readable. Needs root (mount); skipped otherwise.
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/probes.h"
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
using testkit::StatusIs;

constexpr char kTmpfsOptions[] = "size=16m";
constexpr int kReserveMb = 4;
constexpr int kItemsPerStream = 500;
constexpr int kMaxStreams = 400;  // 200,000 records: far more than 12 MiB can hold.

// A tmpfs mounted on a fresh folder for the test's lifetime.
class ScopedTmpfs {
 public:
  ScopedTmpfs() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/w2w-diskfull-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      error_ = absl::StrCat("mkdtemp: ", std::strerror(errno));
      return;
    }
    dir_ = pattern;
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, kTmpfsOptions) != 0) {
      error_ = absl::StrCat("mount -t tmpfs -o ", kTmpfsOptions, ": ", std::strerror(errno));
      return;
    }
    mounted_ = true;
  }
  ~ScopedTmpfs() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
    if (!dir_.empty()) rmdir(dir_.c_str());
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string error_;
  bool mounted_ = false;
};

std::string Id(int stream, int i) { return absl::StrFormat("df-%03d-%03d", stream, i); }

TEST(DiskFullTest, WritesAreRefusedBeforeTheDiskIsFullAndTheServerLives) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
  ScopedTmpfs tmpfs;
  if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << tmpfs.error();

  testkit::ServerProcessOptions options;
  options.data_dir = tmpfs.dir() + "/data";
  options.extra_flags = {absl::StrCat("--disk_reserve_mb=", kReserveMb)};
  {
    auto started = ServerProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    ServerProcess& server = **started;
    auto stub = server.candidates();

    // Import until the server refuses; remember what was acknowledged.
    std::map<std::string, v1::Candidate> acknowledged;
    grpc::Status refused;
    int streams = 0;
    for (; streams < kMaxStreams && refused.ok(); ++streams) {
      auto context = ContextWithDeadline(absl::Seconds(30));
      v1::ImportSummary summary;
      auto writer = stub->ImportCandidates(context.get(), &summary);
      v1::ImportCandidatesRequest request;
      for (int i = 0; i < kItemsPerStream; ++i) {
        *request.mutable_candidate() = testkit::MakeCandidate(Id(streams, i), i);
        // Long text fills the disk faster; still far below every limit.
        request.mutable_candidate()->set_source(std::string(60, 'a' + i % 26));
        if (!writer->Write(request)) {
          ADD_FAILURE() << "stream " << streams << " broke at item " << i;
          break;
        }
      }
      writer->WritesDone();
      refused = writer->Finish();
      if (refused.ok()) {
        ASSERT_EQ(summary.committed(), static_cast<uint64_t>(kItemsPerStream))
            << summary.ShortDebugString().substr(0, 2000);
        for (int i = 0; i < kItemsPerStream; ++i) {
          v1::Candidate c = testkit::MakeCandidate(Id(streams, i), i);
          c.set_source(std::string(60, 'a' + i % 26));
          acknowledged[c.id()] = c;
        }
      }
    }
    ASSERT_FALSE(refused.ok()) << "16 MiB never filled up after " << streams << " streams";
    std::cout << "[ figures  ] " << acknowledged.size() << " records acknowledged before the "
              << "reserve was reached: " << refused.error_message() << "\n";
    EXPECT_THAT(refused, StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("disk")));

    // Single writes are refused too, with the same code.
    v1::UpsertCandidateRequest upsert;
    *upsert.mutable_candidate() = testkit::MakeCandidate("one-more");
    v1::UpsertCandidateResponse out;
    EXPECT_THAT(stub->UpsertCandidate(ContextWithDeadline().get(), upsert, &out),
                StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("disk")));

    // Alive, serving, and every acknowledged record is readable.
    absl::StatusOr<testkit::HealthStatus> health = testkit::CheckHealth(server.channel());
    ASSERT_TRUE(health.ok()) << health.status();
    EXPECT_EQ(*health, testkit::HealthStatus::kServing);
    ASSERT_FALSE(acknowledged.empty());
    size_t found = 0;
    v1::ListCandidatesRequest list;
    list.set_page_size(1000);
    for (int page = 0; page < 1000; ++page) {
      v1::ListCandidatesResponse response;
      ASSERT_THAT(stub->ListCandidates(ContextWithDeadline().get(), list, &response), IsOk());
      for (const v1::Candidate& c : response.candidates()) {
        auto it = acknowledged.find(c.id());
        if (it == acknowledged.end()) continue;  // From the refused stream's earlier batches.
        EXPECT_TRUE(SameContent(c, it->second)) << c.id();
        ++found;
      }
      if (response.next_page_token().empty()) break;
      list.set_page_token(response.next_page_token());
    }
    EXPECT_EQ(found, acknowledged.size());
    v1::ServerInfo info;
    ASSERT_THAT(server.info()->GetServerInfo(ContextWithDeadline().get(),
                                             v1::GetServerInfoRequest(), &info),
                IsOk());
    EXPECT_EQ(info.disk_reserve_bytes(), static_cast<uint64_t>(kReserveMb) << 20);
    EXPECT_LT(info.disk_free_bytes(), static_cast<uint64_t>(kReserveMb) << 20);

    // The reserve leaves room for a clean shutdown (flush) and a restart.
    absl::StatusOr<int> code = server.Stop();
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0);
    ASSERT_TRUE(server.Restart().ok());
    v1::GetCandidateRequest get;
    get.set_id(acknowledged.begin()->first);
    v1::Candidate c;
    EXPECT_THAT(server.candidates()->GetCandidate(ContextWithDeadline().get(), get, &c), IsOk());
    ASSERT_TRUE(server.Kill().ok());
  }
}

}  // namespace
}  // namespace w2w
