// Hub: the watch streams' engine (docs/watch.md). It listens to the index's change feed
// (match/change_feed.h) and, on its own low-priority thread, keeps what the watchers
// follow up to date:
//   * vacancy subjects: the top k of one vacancy for one kind of viewer (source
//     restriction, language, k), shared by every watcher with that key; a change
//     re-ranks a subject when it can alter its top k (the vacancy itself changed, a
//     candidate in its top k changed, or a changed candidate now scores above its k-th);
//   * candidate subjects: the best vacancy of one candidate for one viewer (the vacancies
//     it may see, language), re-checked when the candidate changes, when its best vacancy
//     changes, and against every pushed vacancy of a trade the candidate reaches.
// Each change of a subject becomes events with a sequence number, kept for `retention`
// (for resume tokens) and queued for each watcher of the subject (subscription.h). A
// subject lives while a watcher follows it and for `retention` after the last one left,
// so a watcher that reconnects with its resume token misses nothing.
//
// Ingest never waits for watchers: the On* calls only note the change and wake the
// thread, and do nothing while no one watches.
//
// Thread safety: all public methods are safe to call concurrently; the On* calls come
// from the engine's writer (one at a time). The subjects belong to the hub's thread.
#ifndef W2W_ENGINE_WATCH_HUB_H_
#define W2W_ENGINE_WATCH_HUB_H_

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/match/change_feed.h"
#include "engine/match/matcher.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/watch/subscription.h"
#include "w2w/v1/policy.pb.h"
#include "w2w/v1/watch.pb.h"

namespace w2w::watch {

struct HubOptions {
  absl::Duration retention = absl::Seconds(600);  // Events (and idle subjects) kept this long.
  size_t max_kept_events = 200'000;              // And at most this many (~100 MB at most).
  size_t queue_limit = 10'000;                   // Events waiting for one watcher, at most.
  size_t max_events_per_message = 256;
  size_t max_in_scope_vacancies = 1000;          // Followed per in_scope watcher, at most.
  // A watcher that heard nothing this long while others did gets a PROGRESS notice.
  absl::Duration progress_interval = absl::Seconds(30);
  int thread_nice = 19;                          // The hub thread's nice value (Linux).
};

// Who watches, as the facade resolved it from the caller's scope.
struct Viewer {
  // Partner: only rows (candidates of a top k, vacancies of a best) of this source.
  std::optional<std::string> source;
  // Coach: only vacancies in these regions are a candidate's best (as MatchCandidate).
  std::optional<std::bitset<taxonomy::kMaxRegions>> vacancy_regions;
  // in_scope: whether a pushed vacancy is the viewer's to follow.
  std::function<bool(const v1::Vacancy&)> sees_vacancy;
  taxonomy::Language language = taxonomy::Language::kEnglish;
};

// Where a resumed watch continues (from a resume token).
struct ResumePoint {
  uint64_t epoch = 0;  // The hub that issued the token (a restart makes a new one).
  uint64_t seq = 0;    // The last event the watcher had.
  uint64_t start = 0;  // The sequence number when the original watch started.
};

struct WatchSpec {
  std::vector<v1::Vacancy> vacancies;    // Stored and in scope (checked by the facade).
  std::vector<v1::Candidate> candidates;  // Stored and in scope.
  bool in_scope = false;
  uint32_t k = 10;
  std::optional<ResumePoint> resume;
  Viewer viewer;
};

class Hub final : public match::ChangeListener {
 public:
  // `matcher` is borrowed and outlives the hub. `taxonomy` and `policy` give the current
  // model (the hub's pre-filters of which pairs to score use the policy's trade
  // threshold and default reach, and the places' distances).
  Hub(const match::Matcher* matcher, std::function<std::shared_ptr<const taxonomy::Taxonomy>()> taxonomy,
      std::function<std::shared_ptr<const v1::Policy>()> policy, HubOptions options);
  ~Hub() override;  // Ends every stream (UNAVAILABLE) and joins the thread.
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Registers a watch. Its first message (STARTED, or RESUMED / RESYNC) and the current
  // state or the replay are queued as soon as the hub's thread took it in, before any
  // later change. `wake` as in Subscription.
  std::shared_ptr<Subscription> Subscribe(WatchSpec spec, std::function<void()> wake);
  // INVALID_ARGUMENT "resume_token: ..." for a token of no hub's format.
  static absl::StatusOr<ResumePoint> ParseResumeToken(std::string_view token);
  // Ends every stream with `why` (server shutdown); later Subscribe calls end at once.
  void StopAll(absl::Status why);

  // Live watchers (not detached, not ended).
  size_t watchers() const;
  // Changes noted and not yet processed by the hub's thread.
  size_t backlog() const;

  void OnCandidate(std::string_view id, const v1::Candidate* candidate) override;
  void OnVacancy(std::string_view id, const v1::Vacancy* vacancy) override;
  void OnModel() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace w2w::watch

#endif  // W2W_ENGINE_WATCH_HUB_H_
