// Index: the in-memory stores of candidate and vacancy rows and their (trade, cell)
// buckets (cells.h: neighbouring municipalities of one region), built for one writer and
// any number of lock-free readers.
//
// - Rows are append-only in fixed-address chunks; a row is never modified after it is
//   written except for its `died_at` (set once, atomically). Every write appends exactly
//   one row (an update the new version, a removal a tombstone), stamps the replaced row's
//   died_at with the new ordinal, adds the row to its buckets, and only then publishes
//   the row count (release). A query takes the row count as its snapshot `snap` first
//   (acquire) and accepts row o iff o < snap and died_at >= snap: it sees exactly the
//   writes that returned before it started, each record once (never both versions,
//   never neither).
// - A bucket's posting list is an append-only segmented array (segments double in size
//   and never move); its size is published with a release store after the row and the
//   bucket's maxima are written, and readers load it with acquire.
// - Bucket maxima (for the query's upper bound) only grow (or, for intersections and
//   minima, only shrink), so a stale-but-published maximum is still a valid bound.
// - The id -> row map is the writer's alone; the employer -> rows map is shared under a
//   mutex (a cold path).
//
// Thread safety: Add*/Remove* from one writer thread at a time; everything marked
// "reader" is safe from any thread concurrently with the writer.
#ifndef W2W_ENGINE_MATCH_INDEX_H_
#define W2W_ENGINE_MATCH_INDEX_H_

#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "engine/match/cells.h"
#include "engine/match/features.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::match {

// Memory for `bytes` of rows, aligned to and rounded up to 2 MiB and marked for
// transparent huge pages: a scan reads rows scattered over the whole store, and with
// 4 KiB pages nearly every row would also miss the TLB. FreeRowChunk releases it.
void* AllocateRowChunk(size_t bytes);
void FreeRowChunk(void* chunk);

// Append-only array of T in fixed-address chunks of 2^kChunkBits elements (2 MiB of
// candidate rows).
template <typename T, int kChunkBits = 15>
class ChunkedRows {
 public:
  static_assert(std::is_trivially_destructible_v<T>, "chunks are freed without destructors");
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kMaxChunks = 1u << 13;

  ChunkedRows() : chunks_(new std::atomic<T*>[kMaxChunks]) {
    for (uint32_t i = 0; i < kMaxChunks; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
  }
  ~ChunkedRows() {
    for (uint32_t i = 0; i < kMaxChunks; ++i) FreeRowChunk(chunks_[i].load(std::memory_order_relaxed));
  }
  ChunkedRows(const ChunkedRows&) = delete;
  ChunkedRows& operator=(const ChunkedRows&) = delete;

  // Reader: a row published through a posting list (or by size()).
  const T& operator[](uint32_t i) const {
    return chunks_[i >> kChunkBits].load(std::memory_order_acquire)[i & (kChunkSize - 1)];
  }
  // Writer.
  T& mutable_row(uint32_t i) { return chunks_[i >> kChunkBits].load(std::memory_order_relaxed)[i & (kChunkSize - 1)]; }
  uint32_t size() const { return size_.load(std::memory_order_acquire); }
  uint64_t bytes() const { return uint64_t{num_chunks_} * kChunkSize * sizeof(T); }

  // Writer: writes `row` at the next ordinal and returns it, without publishing it.
  uint32_t Stage(const T& row) {
    const uint32_t i = size_.load(std::memory_order_relaxed);
    const uint32_t c = i >> kChunkBits;
    if (c == num_chunks_) {
      T* chunk = static_cast<T*>(AllocateRowChunk(sizeof(T) * kChunkSize));
      std::uninitialized_default_construct_n(chunk, kChunkSize);
      chunks_[c].store(chunk, std::memory_order_release);
      ++num_chunks_;
    }
    chunks_[c].load(std::memory_order_relaxed)[i & (kChunkSize - 1)] = row;
    return i;
  }
  // Writer: publishes the staged row (release).
  void Publish() { size_.store(size_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

 private:
  std::unique_ptr<std::atomic<T*>[]> chunks_;
  uint32_t num_chunks_ = 0;  // Writer.
  std::atomic<uint32_t> size_{0};
};

// An entry of a posting list: a row ordinal and a tag, so that a scan can rule out a row
// without fetching it. The tag is the row's folded qualifications (QualSet::Fold: held
// ones for a candidate, required ones for a vacancy) and, in bit kWillingTagBit, whether
// a candidate is willing to retrain.
struct Posting {
  uint32_t ordinal;
  uint32_t tag;
};
inline constexpr uint32_t kWillingTagBit = 31;
static_assert(QualSet::kFoldBits <= kWillingTagBit);

// Append-only list of postings: segment s holds 4 << s entries. The first
// kInlineSegments segment pointers live in the list itself (most buckets are small); the
// rest in a directory allocated when the list first outgrows them (252 entries).
class PostingList {
 public:
  static constexpr int kMaxSegments = 26;
  static constexpr int kInlineSegments = 6;
  PostingList() {
    for (auto& s : inline_) s.store(nullptr, std::memory_order_relaxed);
  }
  ~PostingList() {
    for (auto& s : inline_) delete[] s.load(std::memory_order_relaxed);
    std::atomic<Posting*>* more = more_.load(std::memory_order_relaxed);
    if (more != nullptr) {
      for (int s = 0; s < kMaxSegments - kInlineSegments; ++s) delete[] more[s].load(std::memory_order_relaxed);
      delete[] more;
    }
  }
  PostingList(const PostingList&) = delete;
  PostingList& operator=(const PostingList&) = delete;

  // Reader: the published length (acquire).
  uint32_t size() const { return size_.load(std::memory_order_acquire); }
  // Reader: calls fn(const Posting* entries, uint32_t count) per segment for the first n
  // entries (lets a scan prefetch ahead).
  template <typename Fn>
  void ForEachSpan(uint32_t n, Fn&& fn) const {
    uint32_t done = 0;
    for (int s = 0; done < n; ++s) {
      const Posting* seg = Segment(s).load(std::memory_order_acquire);
      const uint32_t cap = 4u << s;
      const uint32_t take = n - done < cap ? n - done : cap;
      fn(seg, take);
      done += take;
    }
  }
  // Reader: starts fetching the inline segments that hold the first n entries (a bucket
  // about to be scanned: its small segments are scattered over the heap).
  void Prefetch(uint32_t n) const {
    uint32_t done = 0;
    for (int s = 0; s < kInlineSegments && done < n; ++s) {
      const char* seg = reinterpret_cast<const char*>(inline_[s].load(std::memory_order_acquire));
      const uint32_t cap = 4u << s;
      const uint32_t take = n - done < cap ? n - done : cap;
      for (size_t off = 0; off < take * sizeof(Posting); off += 64) __builtin_prefetch(seg + off);
      done += take;
    }
  }
  // Writer. Returns the bytes newly allocated.
  uint64_t Append(Posting posting) {
    const uint32_t p = size_.load(std::memory_order_relaxed);
    const uint32_t q = p + 4;
    const int s = std::bit_width(q) - 3;
    const uint32_t off = q - (1u << (s + 2));
    uint64_t allocated = 0;
    if (s >= kInlineSegments && more_.load(std::memory_order_relaxed) == nullptr) {
      auto* more = new std::atomic<Posting*>[kMaxSegments - kInlineSegments];
      for (int i = 0; i < kMaxSegments - kInlineSegments; ++i) more[i].store(nullptr, std::memory_order_relaxed);
      allocated += (kMaxSegments - kInlineSegments) * sizeof(std::atomic<Posting*>);
      more_.store(more, std::memory_order_release);
    }
    std::atomic<Posting*>& slot = Segment(s);
    Posting* seg = slot.load(std::memory_order_relaxed);
    if (seg == nullptr) {
      seg = new Posting[4u << s];
      allocated += (4u << s) * sizeof(Posting);
      slot.store(seg, std::memory_order_release);
    }
    seg[off] = posting;
    size_.store(p + 1, std::memory_order_release);
    return allocated;
  }

 private:
  // The pointer to segment s (its directory is published before any entry of it).
  std::atomic<Posting*>& Segment(int s) const {
    return s < kInlineSegments ? inline_[s] : more_.load(std::memory_order_acquire)[s - kInlineSegments];
  }

  std::atomic<uint32_t> size_{0};
  mutable std::atomic<Posting*> inline_[kInlineSegments];
  std::atomic<std::atomic<Posting*>*> more_{nullptr};
};

// Bucket of candidate rows of one (trade, cell, travel band), with maxima for the upper
// bound.
struct CandBucket {
  PostingList rows;
  std::atomic<uint8_t> max_years{0};
  std::atomic<uint8_t> sector_mask{0};  // Bit per sector value.
  std::atomic<uint8_t> status_mask{0};  // Bit per status value.
  std::atomic<uint8_t> any_willing{0};
  std::atomic<uint8_t> any_default_travel{0};
  std::atomic<uint16_t> max_travel_km{0};
  std::atomic<int32_t> min_available{kNoExpiry};
  std::atomic<uint64_t> quals_lo{0}, quals_hi{0};  // Union of held qualifications.
};

// Bucket of open vacancy rows of one (trade, cell).
struct VacBucket {
  PostingList rows;
  std::atomic<uint8_t> sector_mask{0};
  std::atomic<uint8_t> any_hard{0};
  std::atomic<uint8_t> any_no_start{0};
  std::atomic<int32_t> max_start{kNoDate};
  std::atomic<uint64_t> req_lo{~uint64_t{0}}, req_hi{~uint64_t{0}};  // Intersection of required.
};

// (trade, slot) -> bucket, with fixed-address per-trade slot arrays: kSlotsPerCell slots
// per cell, cell c's at c * kSlotsPerCell.
template <typename B, size_t SlotsPerCell>
class BucketDir {
 public:
  static constexpr size_t kSlotsPerCell = SlotsPerCell;
  struct TradeRow {
    // A bit per cell with a bucket, set after the bucket is published: lets a scan skip
    // the trade's empty cells without touching their slots.
    std::atomic<uint64_t> occupied[(kMaxCells + 63) / 64];
    std::atomic<B*> slot[kMaxCells * kSlotsPerCell];
    TradeRow() {
      for (auto& w : occupied) w.store(0, std::memory_order_relaxed);
      for (auto& c : slot) c.store(nullptr, std::memory_order_relaxed);
    }
    // Reader.
    bool Occupied(unsigned cell) const {
      return (occupied[cell / 64].load(std::memory_order_acquire) >> (cell % 64)) & 1;
    }
  };
  BucketDir() : trades_(new std::atomic<TradeRow*>[taxonomy::kMaxTrades]) {
    for (int i = 0; i < taxonomy::kMaxTrades; ++i) trades_[i].store(nullptr, std::memory_order_relaxed);
  }
  ~BucketDir() {
    for (int i = 0; i < taxonomy::kMaxTrades; ++i) {
      TradeRow* t = trades_[i].load(std::memory_order_relaxed);
      if (t == nullptr) continue;
      for (auto& c : t->slot) delete c.load(std::memory_order_relaxed);
      delete t;
    }
  }
  BucketDir(const BucketDir&) = delete;
  BucketDir& operator=(const BucketDir&) = delete;

  // Reader: nullptr when the trade has no bucket.
  const TradeRow* trade(unsigned t) const {
    return t < taxonomy::kMaxTrades ? trades_[t].load(std::memory_order_acquire) : nullptr;
  }
  // Writer: the bucket, created (and published) when missing; adds allocations to *bytes.
  B* GetOrCreate(unsigned t, unsigned slot, uint64_t* bytes) {
    TradeRow* row = trades_[t].load(std::memory_order_relaxed);
    if (row == nullptr) {
      row = new TradeRow;
      *bytes += sizeof(TradeRow);
      trades_[t].store(row, std::memory_order_release);
    }
    B* b = row->slot[slot].load(std::memory_order_relaxed);
    if (b == nullptr) {
      b = new B;
      *bytes += sizeof(B);
      row->slot[slot].store(b, std::memory_order_release);
      const unsigned cell = slot / kSlotsPerCell;
      row->occupied[cell / 64].fetch_or(uint64_t{1} << (cell % 64), std::memory_order_release);
    }
    return b;
  }

 private:
  std::unique_ptr<std::atomic<TradeRow*>[]> trades_;
};

// Append-only storage of strings at fixed addresses (writer appends, readers read what
// rows point to).
class Arena {
 public:
  std::string_view Add(std::string_view s);
  uint64_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kBlock = 256 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = kBlock;
  uint64_t bytes_ = 0;
};

inline uint32_t LoadDiedAt(const uint32_t& died_at) {
  return std::atomic_ref<uint32_t>(const_cast<uint32_t&>(died_at)).load(std::memory_order_acquire);
}

struct CandRow {
  CandFeatures f;
  const char* id = nullptr;
  std::string_view id_view() const { return {id, f.id_len}; }
  // Reader: visible in the snapshot `snap` (see the file comment); `ordinal` is its own.
  bool VisibleAt(uint32_t ordinal, uint32_t snap) const { return ordinal < snap && LoadDiedAt(f.died_at) >= snap; }
  bool dead() const { return LoadDiedAt(f.died_at) != kAlive; }
};
static_assert(sizeof(CandRow) == 64, "a candidate row should be one cache line");

struct VacRow {
  VacFeatures f;
  uint8_t id_len = 0, employer_len = 0;
  uint16_t title_len = 0;
  uint8_t status = 0;
  const char* id = nullptr;
  const char* employer = nullptr;
  const char* title = nullptr;
  std::string_view id_view() const { return {id, id_len}; }
  bool VisibleAt(uint32_t ordinal, uint32_t snap) const { return ordinal < snap && LoadDiedAt(f.died_at) >= snap; }
  bool dead() const { return LoadDiedAt(f.died_at) != kAlive; }
};

// The record sources (partner systems) by number, so that a row carries its source in
// two bytes. Numbers are dense from 1 in the order first seen; kNoSource is "no source".
// Past kMaxSources distinct sources every further one gets kOverflowSource (rows of such
// sources are never found by a partner's scoped query: see Matcher's Restriction).
inline constexpr uint16_t kNoSource = 0;
inline constexpr uint16_t kOverflowSource = 0xFFFF;
inline constexpr size_t kMaxSources = 0xFFFE;
class SourceDictionary {
 public:
  // Writer: the number of `source`, assigned when new.
  uint16_t Intern(std::string_view source) ABSL_LOCKS_EXCLUDED(mu_);
  // Reader: the number of `source`, or nullopt when no record ever had it.
  std::optional<uint16_t> Find(std::string_view source) const ABSL_LOCKS_EXCLUDED(mu_);
  // Reader: the names by number ([0] = "" for kNoSource; kOverflowSource has none).
  std::vector<std::string> Names() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint16_t> ids_ ABSL_GUARDED_BY(mu_);
};

// All candidates.
class CandidateIndex {
 public:
  // Rows are filed in the cells of `cells`, for the life of the index.
  explicit CandidateIndex(std::shared_ptr<const CellMap> cells) : cells_(std::move(cells)) {}

  // Writer: inserts or replaces the candidate `id`, of source number `source`
  // (SourceDictionary; kNoSource when it has none).
  void Upsert(std::string_view id, std::string_view employer, const CandFeatures& f, uint16_t source);
  // Writer: false when unknown.
  bool Remove(std::string_view id);

  // Reader.
  const ChunkedRows<CandRow>& rows() const { return rows_; }
  // The source number of each row, by ordinal (as rows()).
  const ChunkedRows<uint16_t>& sources() const { return sources_; }
  const BucketDir<CandBucket, kTravelBands>& buckets() const { return buckets_; }
  uint64_t live() const { return live_.load(std::memory_order_acquire); }
  uint64_t dead_rows() const { return dead_.load(std::memory_order_acquire); }
  uint64_t MemoryBytes() const { return memory_.load(std::memory_order_relaxed); }
  const CellMap& cells() const { return *cells_; }
  // No matchable row travels further than this (km; 0 = the policy default), and whether
  // any row travels the policy default: the reach of a shortlist's scan.
  uint16_t max_travel_km() const { return max_travel_km_.load(std::memory_order_acquire); }
  bool any_default_travel() const { return any_default_travel_.load(std::memory_order_acquire); }
  std::vector<std::string> OfEmployer(std::string_view employer) const ABSL_LOCKS_EXCLUDED(emp_mu_);

  // Writer: a fresh index holding only the live rows.
  std::unique_ptr<CandidateIndex> Compacted() const;

 private:
  void AddToBuckets(uint32_t ordinal, const CandFeatures& f);
  void MarkDead(uint32_t ordinal, uint32_t died_at);
  void UpdateMemory();

  std::shared_ptr<const CellMap> cells_;
  ChunkedRows<CandRow> rows_;
  ChunkedRows<uint16_t> sources_;  // Staged before the row is published, same ordinal.
  BucketDir<CandBucket, kTravelBands> buckets_;
  Arena arena_;
  absl::flat_hash_map<std::string_view, uint32_t> by_id_;  // Writer only.
  mutable absl::Mutex emp_mu_;
  absl::flat_hash_map<std::string_view, std::vector<uint32_t>> by_employer_ ABSL_GUARDED_BY(emp_mu_);
  uint64_t alloc_bytes_ = 0;           // Writer: buckets and posting segments.
  std::atomic<uint64_t> live_{0}, dead_{0}, memory_{0};
  std::atomic<uint16_t> max_travel_km_{0};
  std::atomic<bool> any_default_travel_{false};
};

// All vacancies (any status); only open ones are in buckets.
class VacancyIndex {
 public:
  // Open rows are filed in the cells of `cells`, for the life of the index.
  explicit VacancyIndex(std::shared_ptr<const CellMap> cells) : cells_(std::move(cells)) {}

  void Upsert(std::string_view id, std::string_view employer, std::string_view title, int status,
              const VacFeatures& f, uint16_t source);
  bool Remove(std::string_view id);

  const ChunkedRows<VacRow>& rows() const { return rows_; }
  const ChunkedRows<uint16_t>& sources() const { return sources_; }
  const BucketDir<VacBucket, 1>& buckets() const { return buckets_; }
  uint64_t live() const { return live_.load(std::memory_order_acquire); }
  uint64_t open() const { return open_.load(std::memory_order_acquire); }
  uint64_t dead_rows() const { return dead_.load(std::memory_order_acquire); }
  uint64_t MemoryBytes() const { return memory_.load(std::memory_order_relaxed); }
  const CellMap& cells() const { return *cells_; }

  std::unique_ptr<VacancyIndex> Compacted() const;

 private:
  void MarkDead(uint32_t ordinal, uint32_t died_at);

  std::shared_ptr<const CellMap> cells_;
  ChunkedRows<VacRow> rows_;
  ChunkedRows<uint16_t> sources_;
  BucketDir<VacBucket, 1> buckets_;
  Arena arena_;
  absl::flat_hash_map<std::string_view, uint32_t> by_id_;  // Writer only.
  uint64_t alloc_bytes_ = 0;
  std::atomic<uint64_t> live_{0}, open_{0}, dead_{0}, memory_{0};
};

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_INDEX_H_
