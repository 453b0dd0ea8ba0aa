// Rematch runs as durable records (docs/rematch.md, "Runs are records").
//   kRematchRuns    key: run id            value: w2w.v1.RematchRun without results
//   kRematchResults key: run id + '\0' + 8-byte big-endian index   value: w2w.v1.PersonResult
// Run ids are "r-<yyyymmddhhmmssmmm>-<6 hex>" (UTC time of creation, milliseconds, then a
// random tag), so the byte order of ids is the order of creation to the millisecond, and
// the newest run is the last key.
// Thread safety: free functions over a thread-safe Store; writers of one run are the run's
// own thread (and, once, Engine::Open for interrupted runs).
#ifndef W2W_ENGINE_REMATCH_RUN_STORE_H_
#define W2W_ENGINE_REMATCH_RUN_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/storage/store.h"
#include "w2w/v1/rematch.pb.h"

namespace w2w::rematch {

// A new run id for a run created at `now`; `tag` supplies the random part (24 bits used).
std::string NewRunId(absl::Time now, uint32_t tag);

// True when `id` has the form of a run id (what NewRunId makes).
bool IsRunId(std::string_view id);

// Stores `run` (its results field is not stored). Errors as Store::Write.
absl::Status PutRun(storage::Store& store, const v1::RematchRun& run);

// The stored run, or nullopt. Errors as Store::Get.
absl::StatusOr<std::optional<v1::RematchRun>> GetRun(const storage::Store& store,
                                                     std::string_view run_id);

// Stores `results` as the results first_index, first_index+1, ... of run `run_id`,
// atomically together with `run` when it is non-null.
absl::Status PutResults(storage::Store& store, std::string_view run_id, uint64_t first_index,
                        absl::Span<const v1::PersonResult> results,
                        const v1::RematchRun* run = nullptr);

// Appends stored results of `run_id` to `out`, in index order, starting at index `first`:
// at most `max_results` of them and, after the first, only while the results appended stay
// within `max_bytes` (serialized). Returns the index of the next stored result when more
// follow, or nullopt when the last one was appended. Errors as Store::Scan; DATA_LOSS for
// a result that does not parse.
absl::StatusOr<std::optional<uint64_t>> ReadResults(const storage::Store& store,
                                                    std::string_view run_id, uint64_t first,
                                                    size_t max_results, size_t max_bytes,
                                                    v1::RematchRun* out);

// Every stored run, newest first, whose id sorts before `before` (all when empty), at
// most `limit` of them. Errors as Store::Scan (DATA_LOSS for an unreadable record).
absl::StatusOr<std::vector<v1::RematchRun>> ListRuns(const storage::Store& store,
                                                     std::string_view before, size_t limit);

// Marks every run stored as RUNNING as INCOMPLETE: called when an engine opens the store,
// before any run can start, since a RUNNING record then belongs to a process that stopped.
// Returns how many runs were marked.
absl::StatusOr<uint64_t> MarkInterruptedRuns(storage::Store& store);

// Calls visit(run_id, result) for every stored result of every run that names
// `candidate_id` (a scan of all stored results: privacy requests are rare). Errors as
// Store::Scan; DATA_LOSS for a result that does not parse.
using PersonResultVisitor = std::function<void(std::string_view run_id, const v1::PersonResult& result)>;
absl::Status ForEachResultOf(const storage::Store& store, std::string_view candidate_id,
                             const PersonResultVisitor& visit);

// What ScrubPerson changed.
struct ScrubCounts {
  uint64_t results = 0;  // Stored results that named the person.
  uint64_t runs = 0;     // Runs whose selection listed the id.
};
// Adds to `batch` the rewrite of every stored result and run selection naming
// `candidate_id`, with the id replaced by `replacement` (the rest of each result, and
// every count, stays). Errors as ForEachResultOf.
absl::StatusOr<ScrubCounts> ScrubPerson(const storage::Store& store, std::string_view candidate_id,
                                        std::string_view replacement, storage::Batch* batch);

}  // namespace w2w::rematch

#endif  // W2W_ENGINE_REMATCH_RUN_STORE_H_
