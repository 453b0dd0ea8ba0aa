// Engine facade: backups of the whole store while the server serves, and the restore
// that runs before the engine opens (proto/w2w/v1/admin.proto, docs/operations.md).
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/access/permissions.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/storage/store.h"

namespace w2w {
namespace {

constexpr uint32_t kDefaultKeep = 7;
constexpr uint32_t kMaxKeep = 1000;

v1::Backup ToProto(const storage::BackupEntry& entry) {
  v1::Backup backup;
  backup.set_backup_id(entry.id);
  backup.set_created_at(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(entry.created_unix_seconds),
                                         absl::UTCTimeZone()));
  backup.set_size_bytes(entry.size_bytes);
  backup.set_files(entry.files);
  return backup;
}

// `dir` of a request: absolute and not inside (nor holding) the data folder, where a
// backup would be backed up into itself or a restore would overwrite the store.
absl::Status CheckDir(const std::string& dir, const std::string& data_dir) {
  if (dir.empty()) return absl::InvalidArgumentError("dir: required (a folder on the server)");
  const std::filesystem::path path(dir);
  if (!path.is_absolute()) {
    return absl::InvalidArgumentError(absl::StrCat("dir: '", dir, "' is not an absolute path"));
  }
  std::error_code error;
  const std::filesystem::path data = std::filesystem::weakly_canonical(data_dir, error);
  const std::filesystem::path target = std::filesystem::weakly_canonical(path, error);
  auto inside = [](const std::filesystem::path& inner, const std::filesystem::path& outer) {
    auto o = outer.begin(), i = inner.begin();
    for (; o != outer.end() && i != inner.end(); ++o, ++i) {
      if (*o != *i) return false;
    }
    return o == outer.end();
  };
  if (inside(target, data) || inside(data, target)) {
    return absl::InvalidArgumentError(
        absl::StrCat("dir: '", dir, "' overlaps the data folder '", data_dir, "'; back up elsewhere"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Engine::RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                                   const std::string& data_dir) {
  return storage::RestoreBackup(backup_dir, backup_id, data_dir);
}

absl::StatusOr<v1::CreateBackupResponse> Engine::CreateBackup(const access::Caller& caller,
                                                              const v1::CreateBackupRequest& request) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kOperate, "CreateBackup"));
  RETURN_IF_ERROR(CheckDir(request.dir(), state_->store->options().path));
  if (request.keep() > kMaxKeep) {
    return absl::InvalidArgumentError(absl::StrCat("keep: ", request.keep(), " is above ", kMaxKeep));
  }
  const uint32_t keep = request.keep() == 0 ? kDefaultKeep : request.keep();
  // The audit's queued entries are acknowledged reads: in the backup too.
  (void)state_->audit->Flush();
  absl::MutexLock lock(&state_->backup_mu);
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(storage::BackupEntry entry, state_->store->Backup(request.dir(), keep));
  v1::CreateBackupResponse response;
  *response.mutable_backup() = ToProto(entry);
  response.set_verified(true);
  ASSIGN_OR_RETURN(std::vector<storage::BackupEntry> kept, storage::ListBackups(request.dir()));
  for (const storage::BackupEntry& k : kept) *response.add_kept() = ToProto(k);
  response.set_elapsed_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  return response;
}

absl::StatusOr<v1::ListBackupsResponse> Engine::ListBackups(const access::Caller& caller,
                                                            const v1::ListBackupsRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kOperate, "ListBackups"));
  RETURN_IF_ERROR(CheckDir(request.dir(), state_->store->options().path));
  ASSIGN_OR_RETURN(std::vector<storage::BackupEntry> entries, storage::ListBackups(request.dir()));
  v1::ListBackupsResponse response;
  for (const storage::BackupEntry& entry : entries) *response.add_backups() = ToProto(entry);
  return response;
}

}  // namespace w2w
