// Dataset: reading the records a benchmark draws its requests from. The files are the
// dataset generator's JSON-lines output (w2w-datagen --format jsonl): one w2w.v1 message
// in protobuf's JSON mapping per line. Unknown fields are ignored.
//
// Thread safety: free functions without shared state.
#ifndef W2W_BENCH_LOADGEN_DATASET_H_
#define W2W_BENCH_LOADGEN_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::bench {

// Reads up to `limit` records (0 = all) from the JSON-lines file at `path`.
// Errors: NOT_FOUND when the file cannot be opened; INVALID_ARGUMENT ("path:line: why")
// for a line that is not a valid message.
absl::StatusOr<std::vector<v1::Candidate>> ReadCandidates(const std::string& path,
                                                          uint64_t limit = 0);
absl::StatusOr<std::vector<v1::Vacancy>> ReadVacancies(const std::string& path,
                                                       uint64_t limit = 0);

}  // namespace w2w::bench

#endif  // W2W_BENCH_LOADGEN_DATASET_H_
