#include "engine/storage/info_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace w2w::storage {

InfoLog::InfoLog(std::string dir, rocksdb::InfoLogLevel level, uint64_t max_bytes, int keep)
    : rocksdb::Logger(level), dir_(std::move(dir)), max_bytes_(max_bytes), keep_(keep) {
  absl::MutexLock lock(&mu_);
  Open();
}

InfoLog::~InfoLog() {
  absl::MutexLock lock(&mu_);
  if (fd_ >= 0) ::close(fd_);
}

void InfoLog::Open() {
  const std::string path = absl::StrCat(dir_, "/LOG");
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  struct stat info;
  size_ = fd_ >= 0 && ::fstat(fd_, &info) == 0 ? static_cast<uint64_t>(info.st_size) : 0;
}

void InfoLog::Roll() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const std::string log = absl::StrCat(dir_, "/LOG");
  (void)::unlink(absl::StrCat(log, ".old.", keep_).c_str());
  for (int i = keep_ - 1; i >= 1; --i) {
    (void)::rename(absl::StrCat(log, ".old.", i).c_str(), absl::StrCat(log, ".old.", i + 1).c_str());
  }
  if (keep_ >= 1) (void)::rename(log.c_str(), absl::StrCat(log, ".old.1").c_str());
  Open();
}

void InfoLog::Logv(const char* format, va_list ap) {
  char line[2048];
  const std::string stamp = absl::FormatTime("%Y/%m/%d-%H:%M:%E6S ", absl::Now(), absl::UTCTimeZone());
  size_t n = stamp.copy(line, sizeof(line) - 2);
  va_list copy;
  va_copy(copy, ap);
  const int written = std::vsnprintf(line + n, sizeof(line) - n - 1, format, copy);
  va_end(copy);
  if (written < 0) return;
  n = std::min(n + static_cast<size_t>(written), sizeof(line) - 2);
  if (line[n - 1] != '\n') line[n++] = '\n';

  absl::MutexLock lock(&mu_);
  if (fd_ < 0 || (max_bytes_ > 0 && size_ + n > max_bytes_)) Roll();
  if (fd_ < 0 || ::write(fd_, line, n) != static_cast<ssize_t>(n)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  size_ += n;
}

size_t InfoLog::GetLogFileSize() const {
  absl::MutexLock lock(&mu_);
  return size_;
}

}  // namespace w2w::storage
