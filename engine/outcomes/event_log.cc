#include "engine/outcomes/event_log.h"

#include <cstdlib>
#include <new>

namespace w2w::outcomes {

EventLog::EventLog() : chunks_(new std::atomic<EventRow*>[kMaxChunks]) {
  for (uint32_t i = 0; i < kMaxChunks; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
  source_names_.emplace_back();
}

EventLog::~EventLog() {
  for (uint32_t i = 0; i < kMaxChunks; ++i) delete[] chunks_[i].load(std::memory_order_relaxed);
}

uint32_t EventLog::Append(const EventRow& row) {
  const uint32_t i = size_.load(std::memory_order_relaxed);
  const uint32_t c = i >> kChunkBits;
  if (c >= kMaxChunks) std::abort();  // 2^30 events: far beyond any national year.
  if (c == num_chunks_) {
    chunks_[c].store(new EventRow[kChunkSize], std::memory_order_release);
    ++num_chunks_;
  }
  chunks_[c].load(std::memory_order_relaxed)[i & (kChunkSize - 1)] = row;
  size_.store(i + 1, std::memory_order_release);
  return i;
}

uint32_t EventLog::InternPerson(std::string_view candidate_id) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = persons_.try_emplace(std::string(candidate_id), next_person_);
  if (inserted) ++next_person_;
  return it->second;
}

uint16_t EventLog::InternSource(std::string_view source) {
  if (source.empty()) return 0;
  absl::MutexLock lock(&mu_);
  auto it = sources_.find(std::string(source));
  if (it != sources_.end()) return it->second;
  // Sources are partner systems: a handful. Past 65,532 they share the last number.
  const uint16_t number = source_names_.size() < 0xfffd ? static_cast<uint16_t>(source_names_.size()) : 0xfffd;
  if (number < 0xfffd) source_names_.emplace_back(source);
  sources_.emplace(std::string(source), number);
  return number;
}

uint32_t EventLog::InternRun(std::string_view run_id) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = runs_.try_emplace(std::string(run_id), static_cast<uint32_t>(runs_.size()));
  return it->second;
}

void EventLog::RenamePerson(std::string_view candidate_id, std::string_view erased_id) {
  absl::MutexLock lock(&mu_);
  auto it = persons_.find(std::string(candidate_id));
  if (it == persons_.end()) return;
  const uint32_t slot = it->second;
  persons_.erase(it);
  persons_.insert_or_assign(std::string(erased_id), slot);
}

std::optional<uint32_t> EventLog::FindPerson(std::string_view candidate_id) const {
  absl::MutexLock lock(&mu_);
  auto it = persons_.find(std::string(candidate_id));
  if (it == persons_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint16_t> EventLog::FindSource(std::string_view source) const {
  if (source.empty()) return uint16_t{0};
  absl::MutexLock lock(&mu_);
  auto it = sources_.find(std::string(source));
  if (it == sources_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> EventLog::FindRun(std::string_view run_id) const {
  absl::MutexLock lock(&mu_);
  auto it = runs_.find(std::string(run_id));
  if (it == runs_.end()) return std::nullopt;
  return it->second;
}

std::string EventLog::SourceName(uint16_t source) const {
  absl::MutexLock lock(&mu_);
  return source < source_names_.size() ? source_names_[source] : std::string();
}

uint32_t EventLog::num_persons() const {
  absl::MutexLock lock(&mu_);
  return next_person_;
}

uint64_t EventLog::MemoryBytes() const {
  const uint64_t chunks = (uint64_t{size()} + kChunkSize - 1) / kChunkSize;
  absl::MutexLock lock(&mu_);
  return chunks * kChunkSize * sizeof(EventRow) + persons_.size() * 64;
}

}  // namespace w2w::outcomes
