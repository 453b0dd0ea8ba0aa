// Backups while serving and restores, on the real w2w-server: a backup taken during
// streamed imports holds every write acknowledged before it began, also after the server
// is killed; retention keeps the newest N; a restore refuses a non-empty folder and a
// damaged backup; only administrators back up, into an absolute folder outside the data.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testkit/records.h"
#include "tests/testkit/run_binary.h"
#include "tests/testkit/server_process.h"
#include "w2w/v1/admin.grpc.pb.h"
#include "w2w/v1/candidate.grpc.pb.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testkit::ContextWithDeadline;
using testkit::ServerProcess;
using testkit::ServerProcessOptions;

constexpr absl::Duration kCallTimeout = absl::Seconds(60);
constexpr int kPerStream = 25;

std::string Scratch(const std::string& name) {
  const std::string dir = absl::StrCat(testing::TempDir(), "/backup_test_", name, "_", getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

grpc::Status Backup(const ServerProcess& server, const std::string& dir, uint32_t keep,
                    v1::CreateBackupResponse* response, const std::string& token = "") {
  v1::CreateBackupRequest request;
  request.set_dir(dir);
  request.set_keep(keep);
  auto stub = v1::AdminService::NewStub(token.empty() ? server.channel() : server.ChannelWithToken(token));
  return stub->CreateBackup(ContextWithDeadline(kCallTimeout).get(), request, response);
}

// One ImportCandidates stream of kPerStream new candidates; their ids when the server
// acknowledged them all.
std::vector<std::string> ImportStream(const ServerProcess& server, int stream) {
  v1::ImportSummary summary;
  auto context = ContextWithDeadline(kCallTimeout);
  auto writer = server.candidates()->ImportCandidates(context.get(), &summary);
  std::vector<std::string> ids;
  for (int i = 0; i < kPerStream; ++i) {
    v1::ImportCandidatesRequest request;
    ids.push_back(absl::StrCat("c-bk-", stream, "-", i));
    *request.mutable_candidate() = testkit::MakeCandidate(ids.back(), i);
    if (!writer->Write(request)) return {};
  }
  writer->WritesDone();
  if (!writer->Finish().ok() || summary.committed() != static_cast<uint64_t>(kPerStream)) return {};
  return ids;
}

TEST(BackupTest, ABackupDuringStreamedImportsHoldsEveryWriteAcknowledgedBeforeIt) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string backups = Scratch("during");

  std::mutex mu;
  std::vector<std::string> acknowledged;  // Ids whose stream the server acknowledged.
  std::atomic<bool> stop{false};
  std::atomic<int> streams{0};
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int s = 0; !stop.load(); ++s) {
      std::vector<std::string> ids = ImportStream(**server, s);
      if (ids.size() != static_cast<size_t>(kPerStream)) {
        failed = true;
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
      streams.fetch_add(1);
    }
  });
  while (streams.load() < 20 && !failed.load()) absl::SleepFor(absl::Milliseconds(5));
  std::vector<std::string> before;  // Acknowledged before the backup call began.
  {
    std::lock_guard<std::mutex> lock(mu);
    before = acknowledged;
  }
  v1::CreateBackupResponse response;
  grpc::Status status = Backup(**server, backups, 0, &response);
  const int streams_at_backup = streams.load();
  while (streams.load() < streams_at_backup + 10 && !failed.load()) absl::SleepFor(absl::Milliseconds(5));
  stop = true;
  writer.join();
  ASSERT_FALSE(failed.load()) << "an import stream failed";
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.backup().backup_id(), 1u);
  EXPECT_TRUE(response.verified());
  EXPECT_GT(response.backup().size_bytes(), 0u);
  ASSERT_EQ(response.kept_size(), 1);
  ASSERT_TRUE((*server)->Kill().ok());  // A crash right after: the backup stands alone.

  ServerProcessOptions restored_options;
  restored_options.data_dir = Scratch("restored");
  restored_options.extra_flags = {absl::StrCat("--restore_from=", backups)};
  absl::StatusOr<std::unique_ptr<ServerProcess>> restored = ServerProcess::Start(restored_options);
  ASSERT_TRUE(restored.ok()) << restored.status();
  int missing = 0;
  for (const std::string& id : before) {
    v1::GetCandidateRequest get;
    get.set_id(id);
    v1::Candidate candidate;
    grpc::Status got = (*restored)->candidates()->GetCandidate(ContextWithDeadline(kCallTimeout).get(), get, &candidate);
    if (!got.ok()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << before.size() << " acknowledged before the backup";
  EXPECT_GE(before.size(), static_cast<size_t>(20 * kPerStream));
  std::filesystem::remove_all(backups);
}

TEST(BackupTest, RetentionKeepsTheNewestAndRestoreTakesTheOneAskedFor) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string backups = Scratch("keep");
  for (int round = 1; round <= 4; ++round) {
    ASSERT_EQ(ImportStream(**server, round).size(), static_cast<size_t>(kPerStream));
    v1::CreateBackupResponse response;
    ASSERT_TRUE(Backup(**server, backups, 2, &response).ok());
    EXPECT_EQ(response.backup().backup_id(), static_cast<uint32_t>(round));
    ASSERT_EQ(response.kept_size(), std::min(round, 2));
    EXPECT_EQ(response.kept(response.kept_size() - 1).backup_id(), static_cast<uint32_t>(round));
  }
  v1::ListBackupsRequest list;
  list.set_dir(backups);
  v1::ListBackupsResponse listed;
  ASSERT_TRUE(v1::AdminService::NewStub((*server)->channel())
                  ->ListBackups(ContextWithDeadline(kCallTimeout).get(), list, &listed)
                  .ok());
  ASSERT_EQ(listed.backups_size(), 2);
  EXPECT_EQ(listed.backups(0).backup_id(), 3u);
  EXPECT_EQ(listed.backups(1).backup_id(), 4u);
  ASSERT_TRUE((*server)->Stop().ok());

  // Backup 3 holds the streams of rounds 1-3, not round 4's.
  ServerProcessOptions options;
  options.data_dir = Scratch("keep_restored");
  options.extra_flags = {absl::StrCat("--restore_from=", backups), "--restore_backup_id=3"};
  absl::StatusOr<std::unique_ptr<ServerProcess>> restored = ServerProcess::Start(options);
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto exists = [&](const std::string& id) {
    v1::GetCandidateRequest get;
    get.set_id(id);
    v1::Candidate candidate;
    return (*restored)->candidates()->GetCandidate(ContextWithDeadline(kCallTimeout).get(), get, &candidate).ok();
  };
  EXPECT_TRUE(exists("c-bk-3-0"));
  EXPECT_TRUE(exists("c-bk-1-24"));
  EXPECT_FALSE(exists("c-bk-4-0"));
  ASSERT_TRUE((*restored)->Stop().ok());

  // A restore never overwrites a store, and refuses a backup that was pruned.
  testkit::BinaryResult again = testkit::RunBinary(
      "/usr/bin/timeout", {"60", testkit::ServerBinary(), absl::StrCat("--data_dir=", options.data_dir),
                           "--address=127.0.0.1:0", absl::StrCat("--restore_from=", backups)});
  EXPECT_NE(again.code, 0);
  EXPECT_THAT(again.err, HasSubstr("is not empty"));
  testkit::BinaryResult pruned = testkit::RunBinary(
      "/usr/bin/timeout", {"60", testkit::ServerBinary(), absl::StrCat("--data_dir=", Scratch("pruned")),
                           "--address=127.0.0.1:0", absl::StrCat("--restore_from=", backups),
                           "--restore_backup_id=1"});
  EXPECT_NE(pruned.code, 0);
  EXPECT_THAT(pruned.err, HasSubstr("no backup 1"));
  std::filesystem::remove_all(backups);
}

TEST(BackupTest, ADamagedBackupIsRefusedAndNothingIsRestored) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string backups = Scratch("damaged");
  ASSERT_EQ(ImportStream(**server, 1).size(), static_cast<size_t>(kPerStream));
  v1::CreateBackupResponse response;
  ASSERT_TRUE(Backup(**server, backups, 0, &response).ok());
  ASSERT_TRUE((*server)->Stop().ok());
  // Flip a byte in the middle of the largest shared file.
  std::filesystem::path largest;
  uintmax_t size = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(backups)) {
    if (entry.is_regular_file() && entry.path().parent_path().filename() == "shared_checksum" &&
        entry.file_size() > size) {
      size = entry.file_size();
      largest = entry.path();
    }
  }
  ASSERT_GT(size, 0u);
  {
    std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(size / 2));
    char byte = 0;
    file.get(byte);
    file.seekp(static_cast<std::streamoff>(size / 2));
    file.put(static_cast<char>(byte ^ 0x5a));
  }
  const std::string target = Scratch("damaged_restored");
  testkit::BinaryResult result = testkit::RunBinary(
      "/usr/bin/timeout", {"60", testkit::ServerBinary(), absl::StrCat("--data_dir=", target),
                           "--address=127.0.0.1:0", absl::StrCat("--restore_from=", backups)});
  EXPECT_NE(result.code, 0);
  EXPECT_THAT(result.err, HasSubstr("DATA_LOSS"));
  EXPECT_THAT(result.out, ::testing::Not(HasSubstr("listening on")));
  std::error_code error;
  EXPECT_TRUE(!std::filesystem::exists(target, error) || std::filesystem::is_empty(target, error));
  std::filesystem::remove_all(backups);
}

TEST(BackupTest, OnlyAdministratorsBackUpIntoAnAbsoluteFolderOutsideTheData) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  v1::CreateBackupResponse response;
  v1::Scope twente;
  twente.add_regions(testkit::kTwente);
  absl::StatusOr<v1::CreateTokenResponse> coach = (*server)->CreateToken("coach-bk", v1::ROLE_COACH, twente);
  ASSERT_TRUE(coach.ok()) << coach.status();
  grpc::Status denied = Backup(**server, Scratch("coach"), 0, &response, coach->secret());
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), HasSubstr("admin role"));
  for (const auto& [dir, words] : std::vector<std::pair<std::string, std::string>>{
           {"", "dir: required"},
           {"relative/backups", "is not an absolute path"},
           {(*server)->data_dir() + "/backups", "overlaps the data folder"}}) {
    grpc::Status refused = Backup(**server, dir, 0, &response);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << dir;
    EXPECT_THAT(refused.error_message(), HasSubstr(words)) << dir;
  }
  grpc::Status keep = Backup(**server, Scratch("keep_limit"), 1001, &response);
  EXPECT_EQ(keep.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(keep.error_message(), HasSubstr("keep:"));
}

}  // namespace
}  // namespace w2w
