// Listing and restoring the backups Store::Backup makes (store.h). Kept apart from the
// open store: a restore runs before any Store exists.
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/storage/rocks_status.h"
#include "engine/storage/store.h"
#include "rocksdb/utilities/backup_engine.h"

namespace w2w::storage {
namespace {

using internal::Context;
using internal::FromRocks;

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReadOnly(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("backup folder '", dir, "' does not exist"));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(dir),
                                                                rocksdb::Env::Default(), &raw),
                            Context::kRead, absl::StrCat("backup folder '", dir, "'")));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

}  // namespace

absl::StatusOr<std::vector<BackupEntry>> ListBackups(const std::string& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> engine, OpenReadOnly(dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return absl::NotFoundError(absl::StrCat("backup folder '", dir, "' holds no backup"));
  std::vector<BackupEntry> entries;
  for (const rocksdb::BackupInfo& info : infos) {
    entries.push_back({info.backup_id, info.timestamp, info.size, info.number_files});
  }
  return entries;
}

absl::Status RestoreBackup(const std::string& dir, uint32_t id, const std::string& path) {
  std::error_code error;
  if (std::filesystem::exists(path, error) && !std::filesystem::is_empty(path, error)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "restore: the data folder '", path, "' is not empty; restore into an empty folder"));
  }
  ASSIGN_OR_RETURN(std::vector<BackupEntry> entries, ListBackups(dir));
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> engine, OpenReadOnly(dir));
  const uint32_t chosen = id == 0 ? entries.back().id : id;
  bool known = false;
  for (const BackupEntry& entry : entries) known = known || entry.id == chosen;
  if (!known) {
    return absl::NotFoundError(absl::StrCat("restore: no backup ", chosen, " in '", dir, "' (it holds ",
                                            entries.front().id, "..", entries.back().id, ")"));
  }
  // Checksums first: a damaged backup is refused before anything is copied.
  absl::Status verified = FromRocks(engine->VerifyBackup(chosen, /*verify_with_checksum=*/true),
                                    Context::kRead, absl::StrCat("backup ", chosen, " in '", dir, "'"));
  if (!verified.ok()) return absl::DataLossError(verified.message());
  std::filesystem::create_directories(path, error);
  return FromRocks(engine->RestoreDBFromBackup(chosen, path, path), Context::kWrite,
                   absl::StrCat("restore of backup ", chosen, " into '", path, "'"));
}

}  // namespace w2w::storage
