// InfoLog: RocksDB's info log (the store's LOG file) written so that a full disk cannot
// take the server down. RocksDB's own file logger keeps the first failed append as a
// sticky error, and Debian's librocksdb (built with assertions) aborts the process on the
// next line it logs, which RocksDB's disk-full recovery thread does at once. This logger
// writes each line with one write(2); a line that does not fit is dropped and counted,
// and the next line tries again. It rolls LOG to LOG.old.1 .. LOG.old.<keep> at
// `max_bytes`, as RocksDB's logger did.
//
// Thread safety: RocksDB logs from many threads; Logv is serialised by a mutex.
#ifndef W2W_ENGINE_STORAGE_INFO_LOG_H_
#define W2W_ENGINE_STORAGE_INFO_LOG_H_

#include <atomic>
#include <cstdarg>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"

namespace w2w::storage {

class InfoLog final : public rocksdb::Logger {
 public:
  // Appends to <dir>/LOG (created when missing). Lines below `level` are not written.
  InfoLog(std::string dir, rocksdb::InfoLogLevel level, uint64_t max_bytes, int keep);
  ~InfoLog() override;

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override ABSL_LOCKS_EXCLUDED(mu_);
  size_t GetLogFileSize() const override ABSL_LOCKS_EXCLUDED(mu_);

  // Lines that could not be written (disk full, or any write error).
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  // Opens <dir>/LOG for appending; fd_ = -1 when it cannot.
  void Open() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // LOG -> LOG.old.1 -> ... -> LOG.old.<keep> (the oldest removed), then a new LOG.
  void Roll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dir_;
  const uint64_t max_bytes_;
  const int keep_;
  mutable absl::Mutex mu_;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
  uint64_t size_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace w2w::storage

#endif  // W2W_ENGINE_STORAGE_INFO_LOG_H_
