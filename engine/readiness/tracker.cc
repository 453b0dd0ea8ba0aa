#include "engine/readiness/tracker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

#include "engine/validate/open_vacancy.h"

namespace w2w::readiness {
namespace {

// The worker's nice value, as the rematch workers' (rematch/pool.h): a shortlist never
// waits for it on a busy machine.
constexpr int kWorkerNice = 10;
// How long the idle worker waits before it looks at the sweep again.
constexpr absl::Duration kIdlePoll = absl::Milliseconds(50);
// People the sweep looks at per pick at most (a cheap check each), so one pick never
// holds the lock for long.
constexpr int kSweepScanPerPick = 4096;
// A vacancy change looks at most this many residents of its region per person it may
// mark (most are placeable now already or dirty), so the writer's marking stays short.
constexpr uint32_t kResidentsScannedPerMark = 4;
// Queued vacancy changes the worker looks at per step, and at most queued.
constexpr int kVacanciesPerStep = 8;
constexpr size_t kMaxPendingVacancies = 100'000;
// People a Visit hands out per hold of the lock: an index writer (the listener) waits at
// most one chunk, never a whole report.
constexpr size_t kVisitChunk = 4096;

void LowerThisThreadsPriority() {
  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  // Best effort: without permission the worker runs at normal priority (the budget still bounds it).
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(tid), kWorkerNice);
}

v1::Candidate Slim(const v1::Candidate& c) {
  v1::Candidate s;
  s.set_id(c.id());
  s.set_employer_id(c.employer_id());
  s.set_region(c.region());
  s.set_municipality(c.municipality());
  s.set_max_travel_km(c.max_travel_km());
  s.set_sector(c.sector());
  s.set_status(c.status());
  s.set_source(c.source());
  return s;
}

// Debian's absl::string_view is not std::string_view: keys are looked up through this.
absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool SameFields(const VacancyInfo& a, const VacancyInfo& b) {
  return a.positions == b.positions && a.region == b.region && a.source == b.source && a.title == b.title &&
         a.employer_id == b.employer_id;
}

}  // namespace

bool IsWorkforceStatus(v1::CandidateStatus status) {
  switch (status) {
    case v1::CANDIDATE_STATUS_EMPLOYED:
    case v1::CANDIDATE_STATUS_AT_RISK:
    case v1::CANDIDATE_STATUS_NOTICE_GIVEN:
    case v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER:
      return true;
    default:
      return false;
  }
}

Tracker::Tracker(const records::RecordStore* records, TrackerOptions options)
    : records_(records), options_(options) {}

Tracker::~Tracker() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

void Tracker::Seed(const v1::Candidate& candidate) {
  absl::MutexLock lock(&mu_);
  (void)UpsertLocked(candidate);
}

void Tracker::Start(const match::Matcher* matcher) {
  matcher_ = matcher;
  if (options_.budget_per_second == 0) return;
  worker_ = std::thread([this] { Run(); });
}

bool Tracker::UpsertLocked(const v1::Candidate& candidate) {
  if (candidate.employer_id().empty() || !IsWorkforceStatus(candidate.status())) return false;
  auto [it, inserted] = people_.try_emplace(candidate.id());
  Person& p = it->second;
  if (inserted) {
    ++pending_;
  } else if (p.slim.region() != candidate.region() || p.slim.employer_id() != candidate.employer_id()) {
    by_region_[p.slim.region()].erase(candidate.id());
    by_employer_[p.slim.employer_id()].erase(candidate.id());
  }
  p.slim = Slim(candidate);
  by_region_[candidate.region()].insert(candidate.id());
  by_employer_[candidate.employer_id()].insert(candidate.id());
  MarkDirtyLocked(it->first, p);
  return true;
}

void Tracker::RemoveLocked(std::string_view id) {
  auto it = people_.find(Key(id));
  if (it == people_.end()) return;
  Person& p = it->second;
  SetOptionsLocked(it->first, p, {});
  if (!p.computed) --pending_;
  if (p.computed && p.model_epoch == model_epoch_) --fresh_;
  if (p.dirty) --num_dirty_;
  auto erase_from = [&](auto& index, const std::string& key) {
    auto set = index.find(key);
    if (set == index.end()) return;
    set->second.erase(it->first);
    if (set->second.empty()) index.erase(set);
  };
  erase_from(by_region_, p.slim.region());
  erase_from(by_employer_, p.slim.employer_id());
  // A queued id whose person is gone is skipped by PickLocked.
  people_.erase(it);
}

void Tracker::MarkDirtyLocked(const std::string& id, Person& person) {
  if (person.dirty) return;
  person.dirty = true;
  ++num_dirty_;
  dirty_.push_back(id);
}

void Tracker::SetOptionsLocked(const std::string& id, Person& person, std::vector<Option> options) {
  for (const Option& o : person.options) {
    auto users = users_.find(o.vacancy->vacancy_id);
    if (users == users_.end()) continue;
    users->second.people.erase(id);
    if (users->second.people.empty()) users_.erase(users);
  }
  person.options = std::move(options);
  for (Option& o : person.options) {
    Users& users = users_[o.vacancy->vacancy_id];
    // One copy per vacancy: the interned one while its fields are unchanged; changed
    // fields replace it (the people still pointing to the old copy were marked dirty by
    // the vacancy's change and will point to the new one).
    if (users.info == nullptr || !SameFields(*users.info, *o.vacancy)) users.info = std::move(o.vacancy);
    o.vacancy = users.info;
    users.people.insert(id);
  }
}

void Tracker::OnCandidate(std::string_view id, const v1::Candidate* candidate) {
  absl::MutexLock lock(&mu_);
  if (candidate == nullptr || !UpsertLocked(*candidate)) RemoveLocked(id);
}

void Tracker::OnVacancy(std::string_view id, const v1::Vacancy* vacancy) {
  // Under the engine's writer lock: only note it (a partner pushing thousands of vacancies
  // a second must not wait for the marking); the worker marks the people.
  PendingVacancy pending;
  pending.id = std::string(id);
  if (vacancy != nullptr) {
    pending.region = vacancy->region();
    pending.open = validate::IsOpenVacancy(*vacancy);
  }
  absl::MutexLock lock(&mu_);
  pending_vacancies_.push_back(std::move(pending));
  if (pending_vacancies_.size() > kMaxPendingVacancies) pending_vacancies_.pop_front();
}

void Tracker::VacancyChangedLocked(const std::string& id, const std::string& region, bool open) {
  // The people who counted on it (it closed, moved, changed, or went).
  if (auto users = users_.find(Key(id)); users != users_.end()) {
    for (const std::string& person_id : users->second.people) {
      auto it = people_.find(person_id);
      if (it != people_.end()) MarkDirtyLocked(it->first, it->second);
    }
  }
  // People it could newly serve: those living in its region who are not placeable now
  // (an open vacancy cannot improve a person who already is). Bounded; the sweep reaches
  // the rest, and the people of neighbouring regions.
  if (!open) return;
  auto residents = by_region_.find(region);
  if (residents == by_region_.end()) return;
  uint32_t marked = 0;
  uint64_t scanned = 0;
  const uint64_t max_scanned = uint64_t{options_.max_newly_served} * kResidentsScannedPerMark;
  for (const std::string& person_id : residents->second) {
    if (marked >= options_.max_newly_served || ++scanned > max_scanned) break;
    auto it = people_.find(person_id);
    if (it == people_.end() || it->second.dirty) continue;
    const Person& p = it->second;
    const bool placeable_now = p.computed && std::any_of(p.options.begin(), p.options.end(), [](const Option& o) {
      return o.bucket == Bucket::kNow;
    });
    if (placeable_now) continue;
    MarkDirtyLocked(it->first, it->second);
    ++marked;
  }
}

void Tracker::OnModel() {
  absl::MutexLock lock(&mu_);
  // Everybody is stale; the sweep finds them by epoch (O(1) here, under the writer lock).
  ++model_epoch_;
  fresh_ = 0;
  sweep_cursor_.clear();
}

bool Tracker::PickLocked(std::string* id) {
  while (!dirty_.empty()) {
    std::string next = std::move(dirty_.front());
    dirty_.pop_front();
    auto it = people_.find(next);
    if (it == people_.end() || !it->second.dirty) continue;
    it->second.dirty = false;
    --num_dirty_;
    ++in_flight_;
    *id = std::move(next);
    return true;
  }
  // The sweep: the next people after the cursor (wrapping), a bounded number per pick.
  const absl::Time now = absl::Now();
  const size_t scan = std::min<size_t>(kSweepScanPerPick, people_.size());
  auto it = people_.upper_bound(sweep_cursor_);
  for (size_t scanned = 0; scanned < scan; ++scanned, ++it) {
    if (it == people_.end()) it = people_.begin();
    sweep_cursor_ = it->first;
    const Person& p = it->second;
    if (!p.computed || p.model_epoch < model_epoch_ || now - p.computed_at > options_.sweep_age) {
      ++in_flight_;
      *id = it->first;
      return true;
    }
  }
  return false;
}

bool Tracker::SleepUntil(absl::Time until) {
  absl::MutexLock lock(&mu_);
  const absl::Duration wait = until - absl::Now();
  if (wait > absl::ZeroDuration()) mu_.AwaitWithTimeout(absl::Condition(&stop_), wait);
  return !stop_;
}

void Tracker::Run() {
  LowerThisThreadsPriority();
  const absl::Duration interval = absl::Seconds(1) / options_.budget_per_second;
  absl::Time next = absl::Now();
  for (;;) {
    std::string id;
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
      // A few queued vacancy changes per step, so the lock is held briefly each time.
      for (int i = 0; i < kVacanciesPerStep && !pending_vacancies_.empty(); ++i) {
        PendingVacancy pending = std::move(pending_vacancies_.front());
        pending_vacancies_.pop_front();
        VacancyChangedLocked(pending.id, pending.region, pending.open);
      }
      if (!PickLocked(&id)) {
        if (!pending_vacancies_.empty()) continue;
        auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stop_ || !dirty_.empty() || !pending_vacancies_.empty();
        };
        mu_.AwaitWithTimeout(absl::Condition(&wake), kIdlePoll);
        continue;
      }
    }
    if (!SleepUntil(next)) return;
    next = std::max(next + interval, absl::Now());
    EvaluateOne(id);
  }
}

void Tracker::EvaluateOne(const std::string& id) {
  uint64_t epoch;
  {
    absl::MutexLock lock(&mu_);
    epoch = model_epoch_;
  }
  // Read outside the lock: the store holds at least the version the index reported.
  absl::StatusOr<std::optional<v1::Candidate>> stored = records_->GetCandidate(id);
  std::optional<absl::StatusOr<Evaluation>> e;
  // Gone (OnCandidate removes it) or unreadable: nothing to publish; the sweep retries.
  if (stored.ok() && stored->has_value()) {
    e = Evaluate(*matcher_, **stored);
    evaluations_.fetch_add(1, std::memory_order_relaxed);
  }
  absl::MutexLock lock(&mu_);
  --in_flight_;
  if (!e.has_value() || !e->ok()) return;
  auto it = people_.find(id);
  if (it == people_.end()) return;
  Person& p = it->second;
  if (!p.computed) --pending_;
  const bool was_fresh = p.computed && p.model_epoch == model_epoch_;
  if (!was_fresh && epoch == model_epoch_) ++fresh_;
  p.computed = true;
  p.computed_at = absl::Now();
  p.model_epoch = epoch;
  SetOptionsLocked(it->first, p, std::move(**e).options);
}

void Tracker::VisitPerson(const Person& person, const std::function<void(const PersonView&)>& visit) {
  PersonView view;
  view.candidate = &person.slim;
  view.computed = person.computed;
  view.computed_at = person.computed_at;
  view.options = &person.options;
  visit(view);
}

TrackerStats Tracker::Visit(const std::function<void(const PersonView&)>& visit) const {
  std::string after;  // The last id visited; the next chunk starts after it.
  for (bool first = true;; first = false) {
    absl::ReaderMutexLock lock(&mu_);
    auto it = first ? people_.begin() : people_.upper_bound(after);
    for (size_t n = 0; it != people_.end() && n < kVisitChunk; ++it, ++n) VisitPerson(it->second, visit);
    if (it == people_.end()) return StatsLocked();
    after = std::prev(it)->first;
  }
}

TrackerStats Tracker::VisitEmployer(std::string_view employer_id,
                                    const std::function<void(const PersonView&)>& visit) const {
  absl::ReaderMutexLock lock(&mu_);
  auto members = by_employer_.find(Key(employer_id));
  if (members != by_employer_.end()) {
    std::vector<std::string_view> ids(members->second.begin(), members->second.end());
    std::sort(ids.begin(), ids.end());
    for (std::string_view id : ids) {
      auto it = people_.find(Key(id));
      if (it != people_.end()) VisitPerson(it->second, visit);
    }
  }
  return StatsLocked();
}

TrackerStats Tracker::Stats() const {
  absl::ReaderMutexLock lock(&mu_);
  return StatsLocked();
}

TrackerStats Tracker::StatsLocked() const {
  TrackerStats s;
  s.tracked = people_.size();
  s.dirty = num_dirty_ + in_flight_;
  s.pending = pending_;
  s.stale = people_.size() - pending_ - fresh_;
  s.evaluations = evaluations_.load(std::memory_order_relaxed);
  s.pending_vacancy_changes = pending_vacancies_.size();
  return s;
}

}  // namespace w2w::readiness
