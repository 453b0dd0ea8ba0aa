// Tracker: the standing readiness picture (docs/readiness.md): every tracked person's
// latest Evaluation, kept up to date in the background as the index changes.
//
// Tracked people: candidates with an employer_id and a status a dismissal would affect
// (IsWorkforceStatus). The tracker is a match::ChangeListener: each index write marks the
// people it may change dirty (a candidate change that candidate; a vacancy change the
// people whose options include that vacancy and, bounded, people living in its region who
// are not placeable now; a model change everybody), and one low-priority worker thread
// re-evaluates dirty people at most `budget_per_second` times a second; when none is
// dirty it sweeps everybody whose figure is older than `sweep_age`, so the picture
// converges even where the marking was bounded. Nothing is stored: after a restart every
// person starts pending (seeded by the index rebuild) and is computed in the background.
//
// Thread safety: the On* calls come from one writer at a time (the engine's writer lock)
// and return at once; Visit and Stats may run from any thread; Seed only before Start.
// The destructor stops and joins the worker; the matcher and the record store it borrows
// must outlive the Tracker.
#ifndef W2W_ENGINE_READINESS_TRACKER_H_
#define W2W_ENGINE_READINESS_TRACKER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/match/change_feed.h"
#include "engine/match/matcher.h"
#include "engine/readiness/evaluate.h"
#include "engine/records/record_store.h"

namespace w2w::readiness {

// EMPLOYED, AT_RISK, NOTICE_GIVEN, BANKRUPT_EMPLOYER: still in the employer's workforce.
bool IsWorkforceStatus(v1::CandidateStatus status);

struct TrackerOptions {
  // Person evaluations per second at most (each 1..4 MatchCandidate queries); 0 = no
  // worker: nothing is computed and everybody stays pending.
  uint32_t budget_per_second = 200;
  // The sweep re-evaluates people whose figure is older than this.
  absl::Duration sweep_age = absl::Minutes(10);
  // People living in a changed vacancy's region marked dirty per vacancy change at most
  // (of at most 4x as many looked at).
  uint32_t max_newly_served = 256;
};

// What a reader sees of one tracked person, under the tracker's lock (borrowed for the
// visit only).
struct PersonView {
  // The candidate's fields the report needs and the caller's scope is checked on: id,
  // employer_id, region, municipality, max_travel_km, sector, status, source.
  const v1::Candidate* candidate = nullptr;
  bool computed = false;  // False: pending (never evaluated); the rest is empty.
  absl::Time computed_at;
  const std::vector<Option>* options = nullptr;
};

struct TrackerStats {
  uint64_t tracked = 0;      // People tracked.
  uint64_t dirty = 0;        // Waiting to be (re)computed, or being computed now.
  uint64_t pending = 0;      // Never computed.
  uint64_t stale = 0;        // Computed under an older policy or taxonomy (the sweep redoes them).
  uint64_t evaluations = 0;  // Evaluations done since Start.
  uint64_t pending_vacancy_changes = 0;  // Queued by OnVacancy, not looked at yet.
};

class Tracker final : public match::ChangeListener {
 public:
  // Borrows `records` (the candidates are read from it when evaluated).
  Tracker(const records::RecordStore* records, TrackerOptions options);
  ~Tracker() override;
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  // Before Start: tracks `candidate` (when a workforce member) as pending and dirty.
  void Seed(const v1::Candidate& candidate) ABSL_LOCKS_EXCLUDED(mu_);
  // Starts the worker (unless the budget is 0) over `matcher` (borrowed). Once.
  void Start(const match::Matcher* matcher);

  // match::ChangeListener (the writer's thread, under the engine's writer lock).
  void OnCandidate(std::string_view id, const v1::Candidate* candidate) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnVacancy(std::string_view id, const v1::Vacancy* vacancy) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnModel() override ABSL_LOCKS_EXCLUDED(mu_);

  // Calls `visit` for every tracked person in id order, under the lock, taken for 4,096
  // people at a time (index writers take it for their marking and wait at most one
  // chunk): with more people than that the visit is not one snapshot (a person changed
  // meanwhile is seen once, before or after). Returns the Stats at the end of the last
  // chunk (the same moment when there is one chunk). Keep `visit` cheap.
  TrackerStats Visit(const std::function<void(const PersonView&)>& visit) const ABSL_LOCKS_EXCLUDED(mu_);
  // Calls `visit` for the tracked people of one employer (id order), under the lock at
  // once (one snapshot); Stats of the same moment.
  TrackerStats VisitEmployer(std::string_view employer_id,
                             const std::function<void(const PersonView&)>& visit) const ABSL_LOCKS_EXCLUDED(mu_);
  TrackerStats Stats() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Person {
    v1::Candidate slim;  // The fields of PersonView::candidate only.
    bool dirty = false;
    bool computed = false;
    uint64_t model_epoch = 0;  // model_epoch_ when last computed.
    absl::Time computed_at;
    std::vector<Option> options;
  };

  void Run();
  // Adds or refreshes the person from `candidate`; false when it is no workforce member.
  bool UpsertLocked(const v1::Candidate& candidate) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveLocked(std::string_view id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MarkDirtyLocked(const std::string& id, Person& person) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Marks who a changed vacancy may concern (its users, residents it could newly serve).
  // The worker's, for the vacancy changes OnVacancy queued: ingest only queues them.
  void VacancyChangedLocked(const std::string& id, const std::string& region, bool open)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetOptionsLocked(const std::string& id, Person& person, std::vector<Option> options)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The next person to evaluate (dirty first, then the sweep); false when none.
  bool PickLocked(std::string* id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EvaluateOne(const std::string& id) ABSL_LOCKS_EXCLUDED(mu_);
  // Sleeps until `until` or Stop; false when stopped.
  bool SleepUntil(absl::Time until) ABSL_LOCKS_EXCLUDED(mu_);
  TrackerStats StatsLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  static void VisitPerson(const Person& person, const std::function<void(const PersonView&)>& visit);

  // ---- Set at construction / Start ---------------------------------------------------
  const records::RecordStore* const records_;
  const TrackerOptions options_;
  const match::Matcher* matcher_ = nullptr;  // Set by Start, before the worker runs.
  std::thread worker_;
  std::atomic<uint64_t> evaluations_{0};

  // ---- Guarded by mu_ ------------------------------------------------------------------
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::btree_map<std::string, Person> people_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> dirty_ ABSL_GUARDED_BY(mu_);  // Ids with Person::dirty set.
  // Vacancy changes not looked at yet (id, region, open), oldest first; at most
  // kMaxPendingVacancies (past that the oldest go: the sweep reaches their people).
  struct PendingVacancy {
    std::string id;
    std::string region;
    bool open = false;
  };
  std::deque<PendingVacancy> pending_vacancies_ ABSL_GUARDED_BY(mu_);
  uint64_t num_dirty_ ABSL_GUARDED_BY(mu_) = 0;         // People with Person::dirty.
  uint64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;         // Picked, not yet published (0 or 1).
  uint64_t pending_ ABSL_GUARDED_BY(mu_) = 0;           // People with !computed.
  uint64_t fresh_ ABSL_GUARDED_BY(mu_) = 0;             // Computed at model_epoch_.
  uint64_t model_epoch_ ABSL_GUARDED_BY(mu_) = 0;       // Bumped by OnModel.
  std::string sweep_cursor_ ABSL_GUARDED_BY(mu_);       // Last id the sweep looked at.
  // Vacancy id -> the people whose options include it, and its interned fields (the
  // newest evaluation's; the options point to it).
  struct Users {
    std::shared_ptr<const VacancyInfo> info;
    absl::flat_hash_set<std::string> people;
  };
  absl::flat_hash_map<std::string, Users> users_ ABSL_GUARDED_BY(mu_);
  // Home region -> people living there.
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> by_region_ ABSL_GUARDED_BY(mu_);
  // Employer id -> its people.
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> by_employer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace w2w::readiness

#endif  // W2W_ENGINE_READINESS_TRACKER_H_
