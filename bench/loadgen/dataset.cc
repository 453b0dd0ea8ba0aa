#include "bench/loadgen/dataset.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace w2w::bench {
namespace {

template <typename T>
absl::StatusOr<std::vector<T>> ReadJsonLines(const std::string& path, uint64_t limit) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  std::vector<T> out;
  std::string line;
  uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    T record;
    const auto status = google::protobuf::util::JsonStringToMessage(line, &record, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_no, ": ", std::string(status.message())));
    }
    out.push_back(std::move(record));
    if (limit != 0 && out.size() >= limit) break;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<v1::Candidate>> ReadCandidates(const std::string& path,
                                                          uint64_t limit) {
  return ReadJsonLines<v1::Candidate>(path, limit);
}

absl::StatusOr<std::vector<v1::Vacancy>> ReadVacancies(const std::string& path,
                                                       uint64_t limit) {
  return ReadJsonLines<v1::Vacancy>(path, limit);
}

}  // namespace w2w::bench
