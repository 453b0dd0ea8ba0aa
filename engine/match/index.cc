#include "engine/match/index.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace w2w::match {

void* AllocateRowChunk(size_t bytes) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t size = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, size);
  if (p == nullptr) throw std::bad_alloc();
  (void)madvise(p, size, MADV_HUGEPAGE);  // Advice only: without it the rows still work.
  return p;
}

void FreeRowChunk(void* chunk) { std::free(chunk); }
namespace {

// Approximate heap of a flat_hash_map: slots plus one control byte each.
template <typename Map>
uint64_t MapBytes(const Map& m) {
  return m.capacity() * (sizeof(typename Map::value_type) + 1);
}

template <typename T>
void MaxStore(std::atomic<T>& a, T v) {
  if (v > a.load(std::memory_order_relaxed)) a.store(v, std::memory_order_relaxed);
}
template <typename T>
void MinStore(std::atomic<T>& a, T v) {
  if (v < a.load(std::memory_order_relaxed)) a.store(v, std::memory_order_relaxed);
}
template <typename T>
void OrStore(std::atomic<T>& a, T v) {
  a.store(static_cast<T>(a.load(std::memory_order_relaxed) | v), std::memory_order_relaxed);
}
void AndStore(std::atomic<uint64_t>& a, uint64_t v) {
  a.store(a.load(std::memory_order_relaxed) & v, std::memory_order_relaxed);
}

void SetDiedAt(uint32_t& died_at, uint32_t ordinal) {
  std::atomic_ref<uint32_t>(died_at).store(ordinal, std::memory_order_release);
}

}  // namespace

std::string_view Arena::Add(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > kBlock - used_) {
    const size_t size = std::max(kBlock, s.size());
    blocks_.emplace_back(new char[size]);
    bytes_ += size;
    used_ = size == kBlock ? 0 : kBlock;  // An oversized string gets a block of its own.
    if (size != kBlock) {
      std::memcpy(blocks_.back().get(), s.data(), s.size());
      return {blocks_.back().get(), s.size()};
    }
  }
  char* p = blocks_.back().get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  return {p, s.size()};
}

// ---------------------------------------------------------------- candidates

void CandidateIndex::MarkDead(uint32_t ordinal, uint32_t died_at) {
  SetDiedAt(rows_.mutable_row(ordinal).f.died_at, died_at);
  dead_.fetch_add(1, std::memory_order_relaxed);
}

void CandidateIndex::AddToBuckets(uint32_t ordinal, const CandFeatures& f) {
  if (!MatchableStatus(f.status)) return;
  if (f.max_travel_km == 0) {
    any_default_travel_.store(true, std::memory_order_release);
  } else {
    MaxStore<uint16_t>(max_travel_km_, f.max_travel_km);
  }
  const unsigned slot = cells_->CellOf(f.place, f.region) * kTravelBands + TravelBand(f.max_travel_km);
  for (int i = 0; i < f.num_trades; ++i) {
    CandBucket* b = buckets_.GetOrCreate(f.trade[i], slot, &alloc_bytes_);
    MaxStore<uint8_t>(b->max_years, f.years[i]);
    OrStore<uint8_t>(b->sector_mask, static_cast<uint8_t>(1u << f.sector));
    OrStore<uint8_t>(b->status_mask, static_cast<uint8_t>(1u << f.status));
    if (f.willing) b->any_willing.store(1, std::memory_order_relaxed);
    if (f.max_travel_km == 0) b->any_default_travel.store(1, std::memory_order_relaxed);
    MaxStore<uint16_t>(b->max_travel_km, f.max_travel_km);
    MinStore<int32_t>(b->min_available, f.available_from);
    OrStore<uint64_t>(b->quals_lo, f.quals.lo);
    OrStore<uint64_t>(b->quals_hi, f.quals.hi);
    alloc_bytes_ += b->rows.Append({ordinal, f.quals.Fold() | (uint32_t{f.willing} << kWillingTagBit)});  // Publishes the row and the maxima.
  }
}

void CandidateIndex::UpdateMemory() {
  uint64_t emp_bytes;
  {
    absl::MutexLock lock(&emp_mu_);
    emp_bytes = MapBytes(by_employer_);
  }
  memory_.store(rows_.bytes() + sources_.bytes() + arena_.bytes() + alloc_bytes_ + MapBytes(by_id_) + emp_bytes,
                std::memory_order_relaxed);
}

uint16_t SourceDictionary::Intern(std::string_view source) {
  if (source.empty()) return kNoSource;
  absl::MutexLock lock(&mu_);
  auto it = ids_.find(absl::string_view(source.data(), source.size()));
  if (it != ids_.end()) return it->second;
  if (ids_.size() >= kMaxSources) return kOverflowSource;
  const auto id = static_cast<uint16_t>(ids_.size() + 1);
  ids_.emplace(std::string(source), id);
  return id;
}

std::optional<uint16_t> SourceDictionary::Find(std::string_view source) const {
  if (source.empty()) return kNoSource;
  absl::MutexLock lock(&mu_);
  auto it = ids_.find(absl::string_view(source.data(), source.size()));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> SourceDictionary::Names() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> names(ids_.size() + 1);
  for (const auto& [name, id] : ids_) names[id] = name;
  return names;
}

void CandidateIndex::Upsert(std::string_view id, std::string_view employer, const CandFeatures& f,
                            uint16_t source) {
  CandRow row;
  row.f = f;
  row.f.died_at = kAlive;
  row.f.id_len = static_cast<uint8_t>(std::min<size_t>(id.size(), 255));
  // One hash probe: a new id is inserted right away (keyed by its arena copy).
  bool is_new = false;
  const std::string_view key = id.substr(0, row.f.id_len);
  auto it = by_id_.lazy_emplace(key, [&](const auto& ctor) {
    is_new = true;
    ctor(arena_.Add(key), kAlive);
  });
  row.id = it->first.data();  // Same string for every version: the arena copy.
  if (is_new) live_.fetch_add(1, std::memory_order_relaxed);
  const uint32_t ordinal = rows_.Stage(row);
  sources_.Stage(source);
  sources_.Publish();  // Before the row: a reader that sees the row sees its source.
  if (!is_new) MarkDead(it->second, ordinal);
  AddToBuckets(ordinal, row.f);
  rows_.Publish();  // The write is visible from here on, all at once.
  it->second = ordinal;
  if (!employer.empty()) {
    absl::MutexLock lock(&emp_mu_);
    auto e = by_employer_.find(employer);
    if (e == by_employer_.end()) {
      e = by_employer_.emplace(arena_.Add(employer), std::vector<uint32_t>()).first;
    }
    e->second.push_back(ordinal);
    alloc_bytes_ += sizeof(uint32_t);
  }
  if ((ordinal & 1023) == 0 || by_id_.size() < 4096) UpdateMemory();
}

bool CandidateIndex::Remove(std::string_view id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  CandRow tombstone;
  tombstone.f.died_at = 0;  // Never visible.
  const uint32_t ordinal = rows_.Stage(tombstone);
  sources_.Stage(kNoSource);
  sources_.Publish();
  MarkDead(it->second, ordinal);
  dead_.fetch_add(1, std::memory_order_relaxed);  // The tombstone.
  rows_.Publish();
  by_id_.erase(it);
  live_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

std::vector<std::string> CandidateIndex::OfEmployer(std::string_view employer) const {
  std::vector<std::string> out;
  absl::ReaderMutexLock lock(&emp_mu_);
  auto e = by_employer_.find(employer);
  if (e == by_employer_.end()) return out;
  for (uint32_t o : e->second) {
    const CandRow& r = rows_[o];
    if (!r.dead()) out.emplace_back(r.id_view());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::unique_ptr<CandidateIndex> CandidateIndex::Compacted() const {
  auto fresh = std::make_unique<CandidateIndex>(cells_);
  // Employer of each live row, from the employer lists.
  absl::flat_hash_map<uint32_t, std::string_view> employer_of;
  {
    absl::MutexLock lock(&emp_mu_);
    for (const auto& [emp, ordinals] : by_employer_) {
      for (uint32_t o : ordinals) {
        if (!rows_[o].dead()) employer_of[o] = emp;
      }
    }
  }
  const uint32_t n = rows_.size();
  for (uint32_t o = 0; o < n; ++o) {
    const CandRow& r = rows_[o];
    if (r.dead()) continue;
    auto e = employer_of.find(o);
    fresh->Upsert(r.id_view(), e == employer_of.end() ? std::string_view() : e->second, r.f, sources_[o]);
  }
  fresh->UpdateMemory();
  return fresh;
}

// ---------------------------------------------------------------- vacancies

void VacancyIndex::MarkDead(uint32_t ordinal, uint32_t died_at) {
  VacRow& r = rows_.mutable_row(ordinal);
  SetDiedAt(r.f.died_at, died_at);
  if (r.f.open) open_.fetch_sub(1, std::memory_order_relaxed);
  dead_.fetch_add(1, std::memory_order_relaxed);
}

void VacancyIndex::Upsert(std::string_view id, std::string_view employer, std::string_view title,
                          int status, const VacFeatures& f, uint16_t source) {
  VacRow row;
  row.f = f;
  row.f.died_at = kAlive;
  row.status = static_cast<uint8_t>(status);
  row.id_len = static_cast<uint8_t>(std::min<size_t>(id.size(), 255));
  row.employer_len = static_cast<uint8_t>(std::min<size_t>(employer.size(), 255));
  row.title_len = static_cast<uint16_t>(std::min<size_t>(title.size(), 0xFFFF));
  auto it = by_id_.find(id);
  if (it != by_id_.end()) {
    row.id = rows_[it->second].id;
  } else {
    row.id = arena_.Add(id.substr(0, row.id_len)).data();
    live_.fetch_add(1, std::memory_order_relaxed);
  }
  row.employer = arena_.Add(employer.substr(0, row.employer_len)).data();
  row.title = arena_.Add(title.substr(0, row.title_len)).data();
  const uint32_t ordinal = rows_.Stage(row);
  sources_.Stage(source);
  sources_.Publish();
  if (it != by_id_.end()) MarkDead(it->second, ordinal);
  if (row.f.open) {
    open_.fetch_add(1, std::memory_order_relaxed);
    if (row.f.trade != kNoTrade) {
      VacBucket* b = buckets_.GetOrCreate(row.f.trade, cells_->CellOf(row.f.place, row.f.region), &alloc_bytes_);
      OrStore<uint8_t>(b->sector_mask, static_cast<uint8_t>(1u << row.f.sector));
      if (row.f.hard_to_fill) b->any_hard.store(1, std::memory_order_relaxed);
      if (row.f.starts_at == kNoDate) b->any_no_start.store(1, std::memory_order_relaxed);
      MaxStore<int32_t>(b->max_start, row.f.starts_at);
      AndStore(b->req_lo, row.f.required.lo);
      AndStore(b->req_hi, row.f.required.hi);
      alloc_bytes_ += b->rows.Append({ordinal, row.f.required.Fold()});
    }
  }
  rows_.Publish();
  if (it != by_id_.end()) {
    it->second = ordinal;
  } else {
    by_id_.emplace(std::string_view(row.id, row.id_len), ordinal);
  }
  memory_.store(rows_.bytes() + sources_.bytes() + arena_.bytes() + alloc_bytes_ + MapBytes(by_id_),
                std::memory_order_relaxed);
}

bool VacancyIndex::Remove(std::string_view id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  VacRow tombstone;
  tombstone.f.died_at = 0;  // Never visible.
  const uint32_t ordinal = rows_.Stage(tombstone);
  sources_.Stage(kNoSource);
  sources_.Publish();
  MarkDead(it->second, ordinal);
  dead_.fetch_add(1, std::memory_order_relaxed);
  rows_.Publish();
  by_id_.erase(it);
  live_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

std::unique_ptr<VacancyIndex> VacancyIndex::Compacted() const {
  auto fresh = std::make_unique<VacancyIndex>(cells_);
  const uint32_t n = rows_.size();
  for (uint32_t o = 0; o < n; ++o) {
    const VacRow& r = rows_[o];
    if (r.dead()) continue;
    fresh->Upsert(r.id_view(), {r.employer, r.employer_len}, {r.title, r.title_len}, r.status, r.f, sources_[o]);
  }
  return fresh;
}

}  // namespace w2w::match
