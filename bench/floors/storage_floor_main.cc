// w2w-storage-floor: the storage floor of the benchmark suite. Writes the same serialized
// candidate records the load generator sends through the server straight into a Store
// (engine/storage: the RocksDB options the server uses) on a temporary folder, in process,
// and prints JSON:
//   single_put  one record per Store::Write, one writer: what an acknowledged upsert
//               costs at the bottom (WAL append, memtable insert).
//   batch_put   --batch records per Store::Write: what a streamed bulk push costs at the
//               bottom.
//
//   w2w-storage-floor --candidates=c.jsonl --records=20000 --dir=/tmp/floor
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/loadgen/dataset.h"
#include "bench/loadgen/histogram.h"
#include "engine/storage/store.h"

ABSL_FLAG(std::string, candidates, "", "Candidates JSON-lines file (w2w-datagen).");
ABSL_FLAG(uint64_t, records, 20000, "Records written in each phase.");
ABSL_FLAG(uint64_t, batch, 1000, "Records per batch (the server's import batch size).");
ABSL_FLAG(std::string, dir, "", "Temporary data folder (created, then removed).");
ABSL_FLAG(bool, sync_writes, false, "fsync every write (as the server's --sync_writes).");
ABSL_FLAG(std::string, out, "", "Also write the JSON to this file.");

namespace {

using Clock = std::chrono::steady_clock;

int Fail(const absl::Status& status) {
  std::cerr << "w2w-storage-floor: " << status << "\n";
  return 1;
}

struct Record {
  std::string key;
  std::string value;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  namespace storage = w2w::storage;
  const uint64_t n = absl::GetFlag(FLAGS_records);
  auto candidates = w2w::bench::ReadCandidates(absl::GetFlag(FLAGS_candidates), n);
  if (!candidates.ok()) return Fail(candidates.status());
  if (candidates->empty()) return Fail(absl::InvalidArgumentError("no candidates"));
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    dir = (std::filesystem::temp_directory_path() / absl::StrCat("w2w-storage-floor-", getpid()))
              .string();
  }

  // The records as the server would store them: the two phases write distinct keys, as
  // the load generator's upserts (dataset ids) and bulk pushes (prefixed ids) do.
  std::vector<Record> singles, bulk;
  for (uint64_t i = 0; i < n; ++i) {
    w2w::v1::Candidate c = (*candidates)[i % candidates->size()];
    c.set_version(2);
    c.set_updated_at("2026-01-01T00:00:00Z");
    const std::string id = c.id();
    singles.push_back({id, c.SerializeAsString()});
    c.set_id(absl::StrCat("bulk-", i, "-", id));
    c.set_version(1);
    bulk.push_back({c.id(), c.SerializeAsString()});
  }

  storage::StoreOptions options;
  options.path = dir;
  options.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  options.disk_reserve_bytes = 64ull << 20;
  std::string json;
  {
    auto store = storage::Store::Open(options);
    if (!store.ok()) return Fail(store.status());

    w2w::bench::Histogram latency;
    uint64_t bytes = 0;
    const auto t0 = Clock::now();
    for (const Record& r : singles) {
      storage::Batch batch;
      batch.PutRaw(storage::Family::kCandidates, r.key, r.value);
      const auto s = Clock::now();
      const absl::Status status = (*store)->Write(batch);
      latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - s)
                         .count());
      if (!status.ok()) return Fail(status);
      bytes += r.value.size();
    }
    const double single_s = std::chrono::duration<double>(Clock::now() - t0).count();

    const uint64_t batch_size = std::max<uint64_t>(1, absl::GetFlag(FLAGS_batch));
    const auto t1 = Clock::now();
    storage::Batch batch;
    for (const Record& r : bulk) {
      batch.PutRaw(storage::Family::kCandidates, r.key, r.value);
      if (batch.count() >= batch_size) {
        if (absl::Status s = (*store)->Write(batch); !s.ok()) return Fail(s);
        batch.Clear();
      }
    }
    if (absl::Status s = (*store)->Write(batch); !s.ok()) return Fail(s);
    const double bulk_s = std::chrono::duration<double>(Clock::now() - t1).count();

    json = absl::StrFormat(
        "{\"records\": %u, \"mean_record_bytes\": %.1f, \"sync_writes\": %s,\n"
        " \"single_put\": {\"per_s\": %.1f, \"mean_us\": %.2f, \"p50_us\": %.2f, "
        "\"p99_us\": %.2f, \"p999_us\": %.2f},\n"
        " \"batch_put\": {\"batch\": %u, \"records_per_s\": %.1f, \"seconds\": %.3f}}\n",
        n, static_cast<double>(bytes) / n, options.sync_writes ? "true" : "false",
        n / single_s, latency.mean() / 1000.0, latency.Quantile(0.5) / 1000.0,
        latency.Quantile(0.99) / 1000.0, latency.Quantile(0.999) / 1000.0, batch_size,
        n / bulk_s, bulk_s);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  std::cout << json;
  if (!absl::GetFlag(FLAGS_out).empty()) std::ofstream(absl::GetFlag(FLAGS_out)) << json;
  return 0;
}
