// EngineOptions: how an Engine (engine/engine.h) is opened: where its store lives, the
// shipped reference data, the rematch pool and the import batch size. A header of its own
// so that the facade's internals (engine/internal/) need not include the facade.
// Thread safety: plain data.
#ifndef W2W_ENGINE_ENGINE_OPTIONS_H_
#define W2W_ENGINE_ENGINE_OPTIONS_H_

#include <cstdint>
#include <string>

#include "engine/storage/store.h"

namespace w2w {

struct EngineOptions {
  storage::StoreOptions store;          // Where and how records are stored.
  std::string reference_dir = W2W_DEFAULT_DATA_DIR;  // Shipped reference data (data/).
  int rematch_threads = 2;              // Worker threads shared by all rematch runs.
  int import_batch_size = 1000;         // Records per atomic batch in streamed imports.
  int audit_retention_days = 365;       // Access audit entries older than this are deleted.
  // False stops recording reads in the audit: only to measure what the audit costs
  // (bench/); a production server keeps it on.
  bool audit_reads = true;
  // After a rematch ends and none is running, give the heap pages it freed back to the
  // system (engine/common/memory.h). False only to measure what that does
  // (bench/rematch_memory.sh).
  bool release_memory_after_rematch = true;
  // Watch streams (docs/watch.md): how long events are kept for resume tokens (and idle
  // watch subjects followed), and how many events may wait for one watcher before it is
  // told it fell behind.
  int watch_retention_seconds = 600;
  int watch_queue_limit = 10'000;
  // A quiet watcher's resume token moves on after this long (a PROGRESS notice).
  int watch_progress_seconds = 30;
  // Readiness (docs/readiness.md): person evaluations per second at most of its one
  // low-priority background worker; 0 = off (GetReadiness then reports everybody pending).
  uint32_t readiness_budget_per_second = 200;
};

}  // namespace w2w

#endif  // W2W_ENGINE_ENGINE_OPTIONS_H_
