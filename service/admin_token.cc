#include "service/admin_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/access/caller.h"

namespace w2w::service {
namespace {

constexpr int kMaxNameTries = 1000;

absl::Status FileError(const std::string& path, const char* what) {
  return absl::FailedPreconditionError(
      absl::StrCat("admin_token_file: cannot ", what, " '", path, "': ", std::strerror(errno)));
}

// Writes `contents` to a new file `path` (mode 0600, O_EXCL) and fsyncs it.
absl::Status WriteNewFile(const std::string& path, const std::string& contents) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(path, "create");
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status error = FileError(path, "write");
      close(fd);
      unlink(path.c_str());
      return error;
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    absl::Status error = FileError(path, "fsync");
    close(fd);
    return error;
  }
  if (close(fd) != 0) return FileError(path, "close");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> EnsureAdminTokenFile(Engine& engine, const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) return false;
  if (errno != ENOENT) return FileError(path, "stat");
  v1::CreateTokenRequest request;
  request.set_role(v1::ROLE_ADMIN);
  for (int i = 1; i <= kMaxNameTries; ++i) {
    request.set_name(i == 1 ? "admin" : absl::StrCat("admin-", i));
    absl::StatusOr<v1::CreateTokenResponse> created = engine.CreateToken(access::Caller::System(), request);
    if (created.status().code() == absl::StatusCode::kAlreadyExists) continue;
    if (!created.ok()) return created.status();
    if (absl::Status written = WriteNewFile(path, created->secret() + "\n"); !written.ok()) return written;
    return true;
  }
  return absl::FailedPreconditionError("admin_token_file: too many live tokens called admin-N");
}

}  // namespace w2w::service
