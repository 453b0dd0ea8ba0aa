#include "engine/rematch/run_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "engine/common/status_macros.h"

namespace w2w::rematch {
namespace {

using storage::Family;

}  // namespace

std::string NewRunId(absl::Time now, uint32_t tag) {
  const int64_t millis = absl::ToUnixMillis(now) % 1000;
  return absl::StrFormat("r-%s%03d-%06x", absl::FormatTime("%Y%m%d%H%M%S", now, absl::UTCTimeZone()),
                         millis, tag & 0xffffff);
}

bool IsRunId(std::string_view id) {
  // "r-" + 17 digits (yyyymmddhhmmss + milliseconds) + "-" + 6 hex digits.
  if (id.size() != 2 + 17 + 1 + 6 || id.substr(0, 2) != "r-" || id[19] != '-') return false;
  for (size_t i = 2; i < 19; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  for (size_t i = 20; i < id.size(); ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

absl::Status PutRun(storage::Store& store, const v1::RematchRun& run) {
  storage::Batch batch;
  if (run.results_size() == 0) {
    batch.Put(Family::kRematchRuns, storage::RecordKey(run.run_id()), run);
  } else {
    v1::RematchRun copy = run;
    copy.clear_results();
    batch.Put(Family::kRematchRuns, storage::RecordKey(run.run_id()), copy);
  }
  return store.Write(batch);
}

absl::StatusOr<std::optional<v1::RematchRun>> GetRun(const storage::Store& store,
                                                     std::string_view run_id) {
  v1::RematchRun run;
  ASSIGN_OR_RETURN(bool found, store.Get(Family::kRematchRuns, storage::RecordKey(run_id), &run));
  if (!found) return std::nullopt;
  return run;
}

absl::Status PutResults(storage::Store& store, std::string_view run_id, uint64_t first_index,
                        absl::Span<const v1::PersonResult> results, const v1::RematchRun* run) {
  storage::Batch batch;
  for (size_t i = 0; i < results.size(); ++i) {
    batch.Put(Family::kRematchResults, storage::RematchResultKey(run_id, first_index + i),
              results[i]);
  }
  if (run != nullptr) {
    v1::RematchRun copy = *run;
    copy.clear_results();
    batch.Put(Family::kRematchRuns, storage::RecordKey(run->run_id()), copy);
  }
  return store.Write(batch);
}

absl::StatusOr<std::optional<uint64_t>> ReadResults(const storage::Store& store,
                                                    std::string_view run_id, uint64_t first,
                                                    size_t max_results, size_t max_bytes,
                                                    v1::RematchRun* out) {
  const std::string prefix = storage::RematchResultsPrefix(run_id);
  bool parse_ok = true;
  bool key_ok = true;
  size_t taken = 0, bytes = 0;
  std::optional<uint64_t> next;
  ASSIGN_OR_RETURN(uint64_t visited,
                   store.Scan(Family::kRematchResults, storage::RematchResultKey(run_id, first),
                              prefix, 0, [&](std::string_view key, std::string_view value) {
                                if (taken == max_results ||
                                    (taken > 0 && bytes + value.size() > max_bytes)) {
                                  next = storage::ParseRematchResultKey(run_id, key);
                                  key_ok = next.has_value();
                                  return false;
                                }
                                parse_ok = out->add_results()->ParseFromArray(
                                    value.data(), static_cast<int>(value.size()));
                                ++taken;
                                bytes += value.size();
                                return parse_ok;
                              }));
  (void)visited;
  if (!parse_ok) return absl::DataLossError("rematch result of run " + std::string(run_id) + " does not parse");
  if (!key_ok) return absl::DataLossError("a rematch result key of run " + std::string(run_id) + " is malformed");
  return next;
}

absl::StatusOr<std::vector<v1::RematchRun>> ListRuns(const storage::Store& store,
                                                     std::string_view before, size_t limit) {
  // Runs are few (one per reorganisation), so a forward scan of the ids is cheap enough.
  std::vector<v1::RematchRun> runs;
  bool parse_ok = true;
  ASSIGN_OR_RETURN(uint64_t visited,
                   store.Scan(Family::kRematchRuns, "", "", 0,
                              [&](std::string_view key, std::string_view value) {
                                if (!before.empty() && key >= before) return false;
                                v1::RematchRun run;
                                parse_ok = run.ParseFromArray(value.data(), static_cast<int>(value.size()));
                                if (parse_ok) runs.push_back(std::move(run));
                                return parse_ok;
                              }));
  (void)visited;
  if (!parse_ok) return absl::DataLossError("a stored rematch run does not parse");
  std::reverse(runs.begin(), runs.end());
  if (runs.size() > limit) runs.resize(limit);
  return runs;
}

absl::StatusOr<uint64_t> MarkInterruptedRuns(storage::Store& store) {
  ASSIGN_OR_RETURN(std::vector<v1::RematchRun> runs, ListRuns(store, "", SIZE_MAX));
  uint64_t marked = 0;
  storage::Batch batch;
  for (v1::RematchRun& run : runs) {
    if (run.state() != v1::REMATCH_STATE_RUNNING) continue;
    run.set_state(v1::REMATCH_STATE_INCOMPLETE);
    run.clear_summary();  // A summary of an unfinished run would read as a finished one.
    batch.Put(Family::kRematchRuns, storage::RecordKey(run.run_id()), run);
    ++marked;
  }
  RETURN_IF_ERROR(store.Write(batch));
  return marked;
}

namespace {

// The run id of a results key: the bytes before the '\0' (keys.h).
std::string_view RunIdOfResultKey(std::string_view key) {
  const size_t nul = key.find('\0');
  return nul == std::string_view::npos ? key : key.substr(0, nul);
}

}  // namespace

absl::Status ForEachResultOf(const storage::Store& store, std::string_view candidate_id,
                             const PersonResultVisitor& visit) {
  absl::Status bad;
  absl::StatusOr<uint64_t> visited =
      store.Scan(Family::kRematchResults, "", "", 0, [&](std::string_view key, std::string_view value) {
        v1::PersonResult result;
        if (!result.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError("store: a value of rematch_results does not parse as w2w.v1.PersonResult");
          return false;
        }
        if (result.candidate_id() == candidate_id) visit(RunIdOfResultKey(key), result);
        return true;
      });
  if (!visited.ok()) return visited.status();
  return bad;
}

absl::StatusOr<ScrubCounts> ScrubPerson(const storage::Store& store, std::string_view candidate_id,
                                        std::string_view replacement, storage::Batch* batch) {
  ScrubCounts counts;
  absl::Status bad;
  absl::StatusOr<uint64_t> visited =
      store.Scan(Family::kRematchResults, "", "", 0, [&](std::string_view key, std::string_view value) {
        v1::PersonResult result;
        if (!result.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError("store: a value of rematch_results does not parse as w2w.v1.PersonResult");
          return false;
        }
        if (result.candidate_id() != candidate_id) return true;
        result.set_candidate_id(std::string(replacement));
        batch->Put(Family::kRematchResults, key, result);
        ++counts.results;
        return true;
      });
  if (!visited.ok()) return visited.status();
  if (!bad.ok()) return bad;
  visited = store.Scan(Family::kRematchRuns, "", "", 0, [&](std::string_view key, std::string_view value) {
    v1::RematchRun run;
    if (!run.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      bad = absl::DataLossError("store: a value of rematch_runs does not parse as w2w.v1.RematchRun");
      return false;
    }
    if (!run.selection().has_candidate_ids()) return true;
    bool changed = false;
    for (std::string& id : *run.mutable_selection()->mutable_candidate_ids()->mutable_ids()) {
      if (id == candidate_id) {
        id = std::string(replacement);
        changed = true;
      }
    }
    if (changed) {
      batch->Put(Family::kRematchRuns, key, run);
      ++counts.runs;
    }
    return true;
  });
  if (!visited.ok()) return visited.status();
  if (!bad.ok()) return bad;
  return counts;
}

}  // namespace w2w::rematch
