// A full disk against the real w2w-server: on a 16 MiB tmpfs with a 4 MiB reserve, writes
// are refused with RESOURCE_EXHAUSTED before the file system fills up (Debian's RocksDB
// would abort), the server stays alive and serves reads, and everything acknowledged is
// readable. Without a reserve RocksDB meets the full disk itself; writes then resume by
// themselves once space is freed. A store on a full disk starts read-only: reads served,
// writes refused until a restart with space. Needs root (mount); skipped otherwise.
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/probes.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"
#include "tests/testkit/status_matchers.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testkit::ContextWithDeadline;
using testkit::IsOk;
using testkit::SameContent;
using testkit::ServerProcess;
using testkit::StatusIs;

constexpr char kTmpfsOptions[] = "size=16m";
// The resume test frees more than RocksDB's 64 MiB write buffer, which it waits for.
constexpr char kResumeTmpfsOptions[] = "size=96m";
constexpr int kResumeFillerMb = 80;
constexpr absl::Duration kResumeWait = absl::Seconds(15);
constexpr int kReserveMb = 4;
constexpr int kItemsPerStream = 500;
constexpr int kMaxStreams = 400;  // 200,000 records: far more than 12 MiB can hold.

// A tmpfs mounted on a fresh folder for the test's lifetime.
class ScopedTmpfs {
 public:
  explicit ScopedTmpfs(const char* options = kTmpfsOptions) {
    const char* tmp = getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/w2w-diskfull-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      error_ = absl::StrCat("mkdtemp: ", std::strerror(errno));
      return;
    }
    dir_ = pattern;
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, options) != 0) {
      error_ = absl::StrCat("mount -t tmpfs -o ", options, ": ", std::strerror(errno));
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

// Writes `mib` MiB of zeros to `path`; false when the disk filled up first.
bool WriteFiller(const std::string& path, int mib) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  const std::string chunk(1 << 20, '\0');
  bool ok = true;
  for (int i = 0; i < mib && ok; ++i) ok = std::fwrite(chunk.data(), 1, chunk.size(), file) == chunk.size();
  ok = std::fflush(file) == 0 && ok;
  std::fclose(file);
  return ok;
}

// Imports streams of kItemsPerStream candidates (ids from Id(stream, i)) until the server
// refuses one; adds the acknowledged ones to `acknowledged`; returns the refusal.
grpc::Status ImportUntilRefused(ServerProcess& server, int first_stream,
                                std::map<std::string, v1::Candidate>* acknowledged) {
  auto stub = server.candidates();
  for (int stream = first_stream; stream < first_stream + kMaxStreams; ++stream) {
    auto context = ContextWithDeadline(absl::Seconds(30));
    v1::ImportSummary summary;
    auto writer = stub->ImportCandidates(context.get(), &summary);
    v1::ImportCandidatesRequest request;
    for (int i = 0; i < kItemsPerStream; ++i) {
      *request.mutable_candidate() = testkit::MakeCandidate(Id(stream, i), i);
      request.mutable_candidate()->set_source(std::string(60, 'a' + i % 26));
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) return status;
    for (int i = 0; i < kItemsPerStream; ++i) {
      v1::Candidate c = testkit::MakeCandidate(Id(stream, i), i);
      c.set_source(std::string(60, 'a' + i % 26));
      (*acknowledged)[c.id()] = c;
    }
  }
  return grpc::Status::OK;
}

// Every acknowledged record reads back as written.
void ExpectAllReadable(ServerProcess& server, const std::map<std::string, v1::Candidate>& acknowledged) {
  auto stub = server.candidates();
  for (const auto& [id, written] : acknowledged) {
    v1::GetCandidateRequest get;
    get.set_id(id);
    v1::Candidate c;
    grpc::Status status = stub->GetCandidate(ContextWithDeadline().get(), get, &c);
    ASSERT_TRUE(status.ok()) << id << ": " << status.error_message();
    EXPECT_TRUE(SameContent(c, written)) << id;
  }
}

grpc::Status UpsertOne(ServerProcess& server, const std::string& id) {
  v1::UpsertCandidateRequest upsert;
  *upsert.mutable_candidate() = testkit::MakeCandidate(id);
  v1::UpsertCandidateResponse out;
  return server.candidates()->UpsertCandidate(ContextWithDeadline().get(), upsert, &out);
}

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

// Tried as a new user would: without a reserve RocksDB itself meets the full disk and kept
// refusing every write with "No space left on device" after space was freed, until a
// restart (and the shutdown's flush failed). Now writes come back by themselves.
TEST(DiskFullTest, WithoutAReserveWritesResumeOnceSpaceIsFreed) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
  ScopedTmpfs tmpfs(kResumeTmpfsOptions);
  if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << tmpfs.error();
  const std::string filler = tmpfs.dir() + "/filler";
  ASSERT_TRUE(WriteFiller(filler, kResumeFillerMb));  // Freed later to give the space back.

  testkit::ServerProcessOptions options;
  options.data_dir = tmpfs.dir() + "/data";
  options.extra_flags = {"--disk_reserve_mb=0"};
  options.stderr_file = testkit::TempDir() + "/w2w-diskfull-resume-" + std::to_string(getpid()) + ".err";
  std::remove(options.stderr_file.c_str());
  auto started = ServerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;

  std::map<std::string, v1::Candidate> acknowledged;
  const grpc::Status refused = ImportUntilRefused(server, 0, &acknowledged);
  ASSERT_FALSE(refused.ok()) << "the disk never filled up";
  std::cout << "[ figures  ] " << acknowledged.size() << " records acknowledged, then: "
            << refused.error_message() << "\n";
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  ASSERT_TRUE(server.running());
  absl::StatusOr<testkit::HealthStatus> health = testkit::CheckHealth(server.channel());
  ASSERT_TRUE(health.ok()) << "the server died on the full disk: " << health.status() << "\n"
                           << testkit::ReadFile(options.stderr_file);
  EXPECT_THAT(UpsertOne(server, "while-full"), StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, testing::_));

  // Space comes back: the next write works, without a restart.
  ASSERT_EQ(std::remove(filler.c_str()), 0);
  // RocksDB resumes by itself once 64 MiB (its write buffer) are free, checking every
  // 5 s; the next write may come first and is refused with when to expect it.
  const absl::Time freed = absl::Now();
  grpc::Status after = UpsertOne(server, "after-freeing");
  if (!after.ok()) {
    EXPECT_THAT(after, StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("writes resume by themselves")));
  }
  while (!after.ok() && absl::Now() - freed < kResumeWait) {
    absl::SleepFor(absl::Milliseconds(100));
    after = UpsertOne(server, "after-freeing");
  }
  EXPECT_THAT(after, IsOk());
  std::cout << "[ figures  ] writes resumed " << absl::FormatDuration(absl::Trunc(absl::Now() - freed, absl::Milliseconds(10)))
            << " after the space was freed, without a restart\n";
  ExpectAllReadable(server, acknowledged);

  absl::StatusOr<int> code = server.Stop();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  const std::string err = testkit::ReadFile(options.stderr_file);
  EXPECT_THAT(err, Not(HasSubstr("flush on shutdown failed"))) << err;
  ASSERT_TRUE(server.Restart().ok());
  ExpectAllReadable(server, acknowledged);
  v1::GetCandidateRequest get;
  get.set_id("after-freeing");
  v1::Candidate c;
  EXPECT_THAT(server.candidates()->GetCandidate(ContextWithDeadline().get(), get, &c), IsOk());
  ASSERT_TRUE(server.Kill().ok());
  std::remove(options.stderr_file.c_str());
}

// Tried as a new user would: below the reserve the server refused to start, so reads were
// down too. A store on a full disk now opens read-only: reads served, writes refused.
TEST(DiskFullTest, OnAFullDiskTheServerStartsReadOnly) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
  ScopedTmpfs tmpfs;
  if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << tmpfs.error();

  testkit::ServerProcessOptions options;
  options.data_dir = tmpfs.dir() + "/data";
  options.extra_flags = {absl::StrCat("--disk_reserve_mb=", kReserveMb)};
  options.stderr_file = testkit::TempDir() + "/w2w-diskfull-ro-" + std::to_string(getpid()) + ".err";
  std::remove(options.stderr_file.c_str());
  auto started = ServerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ServerProcess& server = **started;
  std::map<std::string, v1::Candidate> acknowledged;
  const grpc::Status refused = ImportUntilRefused(server, 0, &acknowledged);
  ASSERT_FALSE(refused.ok());
  ASSERT_FALSE(acknowledged.empty());
  absl::StatusOr<int> code = server.Stop();
  ASSERT_TRUE(code.ok()) << code.status();
  ASSERT_EQ(*code, 0);

  // Something else fills the disk up to the last MiB.
  std::vector<std::string> chunks;
  for (int i = 0; i < 64; ++i) {
    chunks.push_back(absl::StrCat(tmpfs.dir(), "/chunk-", i));
    if (!WriteFiller(chunks.back(), 1)) break;
  }
  ASSERT_EQ(std::remove(chunks.back().c_str()), 0);  // The partial one: ~1 MiB free.
  chunks.pop_back();

  ASSERT_TRUE(server.Restart().ok()) << testkit::ReadFile(options.stderr_file);
  EXPECT_THAT(testkit::ReadFile(options.stderr_file), HasSubstr("READ-ONLY"));
  ExpectAllReadable(server, acknowledged);
  EXPECT_THAT(UpsertOne(server, "while-read-only"),
              StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, HasSubstr("read-only")));
  code = server.Stop();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);

  // Space freed, restarted: writable again, nothing lost.
  for (const std::string& chunk : chunks) std::remove(chunk.c_str());
  ASSERT_TRUE(server.Restart().ok());
  EXPECT_THAT(UpsertOne(server, "after-restart"), IsOk());
  ExpectAllReadable(server, acknowledged);
  ASSERT_TRUE(server.Kill().ok());
  std::remove(options.stderr_file.c_str());
}

}  // namespace
}  // namespace w2w
