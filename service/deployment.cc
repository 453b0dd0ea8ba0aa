#include "service/deployment.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpc/support/log.h"

namespace w2w::service {
namespace {

// A file that every copy of the reference data holds (data/README.md lists them).
constexpr absl::string_view kReferenceMarker = "regions.csv";

// The folder of the running binary, "" when /proc/self/exe cannot be read.
std::string ExecutableDir() {
  std::string path(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", path.data(), path.size());
  if (n <= 0 || static_cast<size_t>(n) >= path.size()) return "";
  path.resize(static_cast<size_t>(n));
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

bool IsFile(const std::filesystem::path& path) {
  std::error_code error;  // Unreadable counts as absent.
  return std::filesystem::is_regular_file(path, error);
}

// syslog(3) priorities, which journald reads from a "<N>" line prefix.
constexpr int kPriorityErr = 3;
constexpr int kPriorityInfo = 6;
constexpr int kPriorityDebug = 7;

void JournalGrpcLog(gpr_log_func_args* args) {
  int priority = kPriorityInfo;
  if (args->severity == GPR_LOG_SEVERITY_ERROR) priority = kPriorityErr;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) priority = kPriorityDebug;
  const std::string line = absl::StrCat("<", priority, ">w2w-server: grpc: ", args->file, ":",
                                        args->line, ": ", args->message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);  // One write per line: not interleaved.
}

}  // namespace

std::string DefaultReferenceDir(absl::string_view build_default) {
  const std::string dir = ExecutableDir();
  if (!dir.empty()) {
    const std::filesystem::path installed =
        (std::filesystem::path(dir) / std::string(kInstalledReferenceDir)).lexically_normal();
    if (IsFile(installed / std::string(kReferenceMarker))) return installed.string();
  }
  return std::string(build_default);
}

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(stream, ':');
  uint64_t device = 0;
  uint64_t inode = 0;
  if (!absl::SimpleAtoi(parts.first, &device) || !absl::SimpleAtoi(parts.second, &inode)) {
    return false;
  }
  struct stat st;
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<uint64_t>(st.st_dev) == device && static_cast<uint64_t>(st.st_ino) == inode;
}

const char* ErrorPrefix(bool journal) {
  static_assert(kPriorityErr == 3, "the prefix below spells kPriorityErr");
  return journal ? "<3>" : "";
}

void UseJournalForGrpcLog() { gpr_set_log_function(JournalGrpcLog); }

}  // namespace w2w::service
