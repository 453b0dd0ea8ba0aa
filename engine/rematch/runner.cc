#include "engine/rematch/runner.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/rematch/assignment.h"
#include "engine/rematch/run_store.h"
#include "engine/rematch/summary.h"
#include "engine/validate/open_vacancy.h"

namespace w2w::rematch {
namespace {

// Results per store batch while streaming them.
constexpr size_t kResultsPerBatch = 500;
// How long the run thread sleeps between looks at the pool and the cancel flag.
constexpr absl::Duration kPollInterval = absl::Milliseconds(100);
// Group mode: rounds of lengthening the lists of people the optimality check flags.
constexpr int kMaxRefineRounds = 6;
constexpr uint32_t kListGrowth = 4;
// Group mode: most listed pairs the lengthening may reach (about 1 s of assignment work).
constexpr uint64_t kMaxGroupPairs = 1'500'000;

// Why a person is not placeable, in the run's options.language (common.proto).
const char* UnknownCandidateReason(v1::Language language) {
  return language == v1::LANGUAGE_NL ? "onbekende kandidaat" : "unknown candidate";
}
const char* NoMatchReason(v1::Language language) {
  return language == v1::LANGUAGE_NL ? "geen open vacature binnen bereik en binnen de grenzen voor omscholing"
                                     : "no open vacancy within reach and the retraining limits";
}
std::string NoSeatReason(size_t options, v1::Language language) {
  if (language == v1::LANGUAGE_NL) {
    if (options == 1) return "geen plaats over: de plaatsen van de enige vacature binnen bereik gingen naar anderen in de groep";
    return absl::StrCat("geen plaats over: de plaatsen van alle ", options,
                        " vacatures binnen bereik gingen naar anderen in de groep");
  }
  return absl::StrCat("no seat left: the seats of all ", options,
                      " vacancies within reach went to others in the group");
}

// Group mode: a lengthened list reaches this far (micro-points) below the score the
// certificate asks for, so that the prices may rise a little (other lists grow too) without
// another round.
constexpr int64_t kThresholdMargin = 20'000;

// One option of a person's list: all the assignment needs.
struct Option {
  std::string vacancy_id;
  int64_t score = 0;  // Micro-points.
};

// Micro-points of a match score.
int64_t MicroScore(const v1::VacancyMatch& m) {
  return std::clamp<int64_t>(std::llround(m.score() * 1e6), 0, kMaxAssignmentScore);
}

// What scoring produced for one person. Group-mode lists grow to hundreds of options, so
// they are kept compact (id and score); the full matches (explanations, retraining plans)
// are kept only for the first k+1, the ones a result can show as alternatives.
struct Scored {
  std::vector<Option> options;            // Best first.
  std::vector<v1::VacancyMatch> top;      // The full matches of options[0 .. k].
  uint32_t requested = 0;                 // List length asked for.
  // Minimum score asked for in micro-points, when above the run's min_score (a lengthened
  // list asks only for the options the certificate may need); 0 = the run's min_score.
  int64_t threshold = 0;
  // The largest score an unlisted feasible pair of this person can have (the list's
  // lowest score when cut at `requested`, else the threshold), or kCompleteList.
  int64_t UnlistedMax() const {
    if (requested > 0 && options.size() >= requested) return options.back().score;
    return threshold > 0 ? threshold : kCompleteList;
  }
};

// A scoring request for one person: list length and minimum score (micro-points; 0 = the
// run's own min_score).
struct ListRequest {
  uint32_t k = 0;
  int64_t threshold = 0;
};

class Execution {
 public:
  Execution(const RunEnv& env, v1::RematchRun run, Selection selection, ActiveRun& active,
            const EventSink& sink)
      : env_(env), run_(std::move(run)), sel_(std::move(selection)), active_(active),
        sink_(sink), start_(absl::Now()),
        k_(run_.options().k() == 0 ? kDefaultK : run_.options().k()),
        group_(run_.options().mode() == v1::REMATCH_MODE_GROUP),
        scored_(sel_.people.size()) {}

  absl::Status Run() {
    absl::Status status = RunSteps();
    if (status.ok()) return status;
    const bool cancelled = status.code() == absl::StatusCode::kCancelled;
    const bool shutdown = cancelled && active_.shutdown.load(std::memory_order_acquire);
    run_.set_state(shutdown    ? v1::REMATCH_STATE_INCOMPLETE
                   : cancelled ? v1::REMATCH_STATE_CANCELLED
                               : v1::REMATCH_STATE_FAILED);
    run_.set_finished_at(NowRfc3339());
    *run_.mutable_progress() = Progress(phase_, done_, total_);
    // Best effort: when the store is what failed, the record may stay RUNNING and the next
    // Engine::Open marks it INCOMPLETE, which is still never "finished".
    (void)PutRun(*env_.store, run_);
    if (shutdown) {
      return absl::UnavailableError(absl::StrCat(
          "the server is shutting down: rematch run ", run_.run_id(), " was stopped in its ",
          phase_.empty() ? "scoring" : phase_, " phase at ", done_, " of ", total_,
          " and is kept as INCOMPLETE (no plan); start it again when the server is back"));
    }
    return status;
  }

 private:
  absl::Status RunSteps() {
    total_ = sel_.people.size();
    {
      v1::RematchEvent e;
      *e.mutable_started() = run_;
      e.mutable_started()->mutable_progress()->set_total(total_);
      RETURN_IF_ERROR(Emit(e));
    }
    // Score everybody.
    const uint32_t first_list = group_ ? std::max(k_ + 1, kGroupInitialList) : k_ + 1;
    std::vector<size_t> everybody(sel_.people.size());
    for (size_t i = 0; i < everybody.size(); ++i) everybody[i] = i;
    RETURN_IF_ERROR(Score(everybody, std::vector<ListRequest>(everybody.size(), {first_list, 0})));

    std::vector<int32_t> chosen(sel_.people.size(), -1);  // Index into options, or -1.
    bool exact = true;
    if (group_) {
      RETURN_IF_ERROR(AssignGroup(chosen, exact));
    } else {
      for (size_t i = 0; i < scored_.size(); ++i) {
        if (!scored_[i].options.empty()) chosen[i] = 0;
      }
    }
    return Finish(chosen, exact);
  }

  v1::RematchProgress Progress(const std::string& phase, uint64_t done, uint64_t total) const {
    v1::RematchProgress p;
    p.set_done(done);
    p.set_total(total);
    p.set_elapsed_seconds(absl::ToDoubleSeconds(absl::Now() - start_));
    p.set_phase(phase);
    return p;
  }

  absl::Status Emit(const v1::RematchEvent& event) {
    if (active_.cancel.load(std::memory_order_acquire)) return Cancelled();
    if (!sink_(event)) {
      active_.cancel.store(true, std::memory_order_release);
      return Cancelled();
    }
    return absl::OkStatus();
  }

  static absl::Status Cancelled() { return absl::CancelledError("rematch cancelled"); }

  // Records progress for Get/List and sends a progress event when one is due (or forced).
  absl::Status ReportProgress(std::string phase, uint64_t done, uint64_t total, bool force) {
    phase_ = std::move(phase);
    done_ = done;
    total_ = total;
    const v1::RematchProgress p = Progress(phase_, done, total);
    {
      absl::MutexLock lock(&active_.mu);
      active_.progress = p;
    }
    const absl::Time now = absl::Now();
    if (!force && now - last_progress_ < kProgressInterval) {
      return active_.cancel.load(std::memory_order_acquire) ? Cancelled() : absl::OkStatus();
    }
    last_progress_ = now;
    v1::RematchEvent e;
    *e.mutable_progress() = p;
    return Emit(e);
  }

  // Scores people `who` on the pool, person who[w] with requests[w].
  absl::Status Score(const std::vector<size_t>& who, const std::vector<ListRequest>& requests) {
    std::vector<absl::Status> errors(who.size());
    std::atomic<uint64_t> pairs{0};
    auto score_one = [&](size_t w) {
      const size_t i = who[w];
      const SelectedPerson& person = sel_.people[i];
      if (!person.candidate.has_value()) return;
      v1::MatchCandidateRequest request;
      request.set_k(requests[w].k);
      request.set_language(run_.options().language());
      request.mutable_filter()->set_min_score(
          requests[w].threshold > 0 ? static_cast<double>(requests[w].threshold) / 1e6
                                    : run_.options().min_score());
      request.mutable_filter()->set_max_retraining_weeks(run_.options().max_retraining_weeks());
      // Only the first k+1 options can be shown in a result (kept in full below); the
      // rest of the list needs ids and scores only, so they are built without
      // explanations (most of a group-mode list).
      absl::StatusOr<v1::MatchCandidateResponse> response =
          env_.matcher->MatchCandidateHead(*person.candidate, request, k_ + 1,
                                           env_.vacancies != nullptr ? *env_.vacancies : match::Restriction{});
      if (!response.ok()) {
        errors[w] = response.status();
        return;
      }
      pairs.fetch_add(response->vacancies_scored(), std::memory_order_relaxed);
      Scored& s = scored_[i];
      s.requested = requests[w].k;
      s.threshold = requests[w].threshold;
      auto* matches = response->mutable_matches();
      s.options.clear();
      s.options.reserve(matches->size());
      for (const v1::VacancyMatch& m : *matches) {
        s.options.push_back({m.vacancy_id(), MicroScore(m)});
      }
      const size_t keep = std::min<size_t>(matches->size(), k_ + 1);
      s.top.assign(std::make_move_iterator(matches->begin()),
                   std::make_move_iterator(matches->begin() + keep));
    };
    std::shared_ptr<WorkerPool::Batch> batch = env_.pool->Submit(who.size(), score_one);
    absl::Status status = ReportProgress("scoring", 0, who.size(), /*force=*/true);
    while (!batch->WaitFor(kPollInterval)) {
      if (status.ok()) status = ReportProgress("scoring", batch->done(), who.size(), false);
      if (!status.ok()) batch->Cancel();  // Then wait for the running items to finish.
    }
    pairs_scored_ += pairs.load();
    RETURN_IF_ERROR(status);
    if (active_.cancel.load(std::memory_order_acquire)) return Cancelled();
    for (const absl::Status& e : errors) RETURN_IF_ERROR(e);
    return ReportProgress("scoring", who.size(), who.size(), false);
  }

  // Adds the vacancies of person i's list to `index_` / `problem_.seats` (closed or
  // deleted ones get no seat) and sets i's edges.
  absl::Status BuildEdges(size_t i) {
    std::vector<AssignmentEdge>& edges = problem_.edges[i];
    edges.clear();
    for (const Option& m : scored_[i].options) {
      auto [it, inserted] = index_.try_emplace(m.vacancy_id, static_cast<int32_t>(problem_.seats.size()));
      if (inserted) {
        ASSIGN_OR_RETURN(std::optional<v1::Vacancy> v, env_.records->GetVacancy(m.vacancy_id));
        problem_.seats.push_back(v.has_value() ? static_cast<int32_t>(validate::OpenSeats(*v)) : 0);
      }
      edges.push_back({it->second, m.score});
    }
    return absl::OkStatus();
  }

  absl::Status Solve(AssignmentResult& result) {
    absl::Status progress_status;
    absl::StatusOr<AssignmentResult> solved =
        SolveAssignment(problem_, [&](size_t done, size_t total) {
          progress_status = ReportProgress("assigning", done, total, false);
          return progress_status.ok();
        });
    RETURN_IF_ERROR(progress_status);
    RETURN_IF_ERROR(solved.status());
    result = *std::move(solved);
    return absl::OkStatus();
  }

  // The exact assignment over short lists, lengthening the lists of the people whose
  // optimality is not proven (docs/rematch.md, "Exactness with short lists"). After a
  // lengthening the previous assignment is kept when it is still provably optimal.
  absl::Status AssignGroup(std::vector<int32_t>& chosen, bool& exact) {
    problem_.edges.resize(scored_.size());
    for (size_t i = 0; i < scored_.size(); ++i) RETURN_IF_ERROR(BuildEdges(i));
    AssignmentResult result;
    RETURN_IF_ERROR(Solve(result));
    const int64_t run_min = std::llround(run_.options().min_score() * 1e6);
    for (int round = 0;; ++round) {
      std::vector<int64_t> unlisted_max(scored_.size());
      for (size_t i = 0; i < scored_.size(); ++i) unlisted_max[i] = scored_[i].UnlistedMax();
      const std::vector<UncertifiedPerson> open =
          UncertifiedPeopleWithBounds(problem_, result, unlisted_max);
      std::vector<size_t> grow;
      std::vector<ListRequest> requests;
      uint64_t pairs = 0;
      for (const auto& edges : problem_.edges) pairs += edges.size();
      for (const UncertifiedPerson& u : open) {
        const Scored& s = scored_[u.person];
        if (s.options.size() >= kMaxList) continue;  // Cut at the matcher's largest k.
        // A longer list, and (when the certificate says how far down it must reach) only
        // the options down to just below that score: far fewer options to score and build.
        ListRequest r;
        r.k = std::min(kMaxList, std::max(s.requested, kGroupInitialList) * kListGrowth);
        if (u.needed_bound != UncertifiedPerson::kUnknown) {
          const int64_t t = std::max<int64_t>(u.needed_bound, 0) - kThresholdMargin;
          r.threshold = t > run_min ? t : 0;
        }
        // Past the budget the proof is given up (exact = false) rather than the time.
        pairs += r.k > s.options.size() ? r.k - s.options.size() : 0;
        if (pairs > kMaxGroupPairs) {
          grow.clear();
          break;
        }
        grow.push_back(static_cast<size_t>(u.person));
        requests.push_back(r);
      }
      if (open.empty() || grow.empty() || round == kMaxRefineRounds) {
        exact = open.empty();
        break;
      }
      RETURN_IF_ERROR(Score(grow, requests));
      for (size_t i : grow) RETURN_IF_ERROR(BuildEdges(i));
      if (MinimumPrices(problem_, result).empty()) RETURN_IF_ERROR(Solve(result));
    }
    for (size_t i = 0; i < scored_.size(); ++i) {
      const int32_t j = result.vacancy_of[i];
      if (j == AssignmentResult::kUnplaced) continue;
      for (size_t t = 0; t < problem_.edges[i].size(); ++t) {
        if (problem_.edges[i][t].vacancy == j) chosen[i] = static_cast<int32_t>(t);
      }
    }
    return absl::OkStatus();
  }

  // The full match of person i's option `t`: kept from scoring for the first k+1, else
  // asked again from the matcher (the same request cut after option t, which lists the same
  // vacancy unless the vacancy changed meanwhile; then a match with only its id and score).
  v1::VacancyMatch FullMatch(size_t i, size_t t) {
    Scored& s = scored_[i];
    if (t < s.top.size()) return std::move(s.top[t]);
    v1::MatchCandidateRequest request;
    request.set_k(static_cast<uint32_t>(t + 1));
    request.set_language(run_.options().language());
    request.mutable_filter()->set_min_score(
        s.threshold > 0 ? static_cast<double>(s.threshold) / 1e6 : run_.options().min_score());
    request.mutable_filter()->set_max_retraining_weeks(run_.options().max_retraining_weeks());
    absl::StatusOr<v1::MatchCandidateResponse> response =
        env_.matcher->MatchCandidate(*sel_.people[i].candidate, request);
    if (response.ok()) {
      for (v1::VacancyMatch& m : *response->mutable_matches()) {
        if (m.vacancy_id() == s.options[t].vacancy_id) return std::move(m);
      }
    }
    v1::VacancyMatch m;
    m.set_vacancy_id(s.options[t].vacancy_id);
    m.set_score(static_cast<double>(s.options[t].score) / 1e6);
    return m;
  }

  // Person i's result. Consumes scored_[i] (the result takes what it keeps). Safe to call
  // concurrently for different people.
  v1::PersonResult MakeResult(size_t i, int32_t chosen) {
    const SelectedPerson& person = sel_.people[i];
    Scored& s = scored_[i];
    v1::PersonResult r;
    r.set_candidate_id(person.id);
    if (!person.candidate.has_value()) {
      r.set_placement(v1::PLACEMENT_NOT_PLACEABLE);
      r.set_reason(UnknownCandidateReason(run_.options().language()));
      return r;
    }
    if (chosen >= 0) {
      *r.mutable_assigned() = FullMatch(i, static_cast<size_t>(chosen));
      r.set_placement(NeedsRetraining(r.assigned()) ? v1::PLACEMENT_AFTER_RETRAINING
                                                    : v1::PLACEMENT_NOW);
    } else {
      r.set_placement(v1::PLACEMENT_NOT_PLACEABLE);
      r.set_reason(s.options.empty() ? std::string(NoMatchReason(run_.options().language()))
                                     : NoSeatReason(s.options.size(), run_.options().language()));
    }
    for (size_t t = 0; t < s.top.size() && static_cast<uint32_t>(r.alternatives_size()) < k_; ++t) {
      if (static_cast<int32_t>(t) != chosen) *r.add_alternatives() = std::move(s.top[t]);
    }
    s = Scored();  // Frees the lists.
    return r;
  }

  absl::Status Finish(const std::vector<int32_t>& chosen, bool exact) {
    std::vector<SummaryPerson> people;
    people.reserve(sel_.people.size());
    RETURN_IF_ERROR(ReportProgress("summarising", 0, sel_.people.size(), true));
    // Building the results (and freeing the long option lists of group mode, up to
    // kMaxList protos per person) is done on the pool: it is most of this step's work.
    std::vector<v1::PersonResult> results(sel_.people.size());
    {
      std::shared_ptr<WorkerPool::Batch> batch = env_.pool->Submit(
          results.size(), [&](size_t i) { results[i] = MakeResult(i, chosen[i]); });
      absl::Status status;
      while (!batch->WaitFor(kPollInterval)) {
        if (status.ok()) status = ReportProgress("summarising", 0, results.size(), false);
        if (!status.ok()) batch->Cancel();  // Then wait for the running items to finish.
      }
      RETURN_IF_ERROR(status);
      if (batch->cancelled()) return Cancelled();
    }
    size_t stored = 0;
    v1::RematchEvent event;
    for (size_t i = 0; i < results.size(); ++i) {
      // Lend the result to the event instead of copying it.
      event.mutable_result()->Swap(&results[i]);
      const absl::Status emitted = Emit(event);
      event.mutable_result()->Swap(&results[i]);
      RETURN_IF_ERROR(emitted);
      if (i + 1 - stored >= kResultsPerBatch) {
        RETURN_IF_ERROR(PutResults(*env_.store, run_.run_id(), stored,
                                   absl::MakeConstSpan(results).subspan(stored, i + 1 - stored)));
        stored = i + 1;
      }
      RETURN_IF_ERROR(ReportProgress("summarising", i + 1, results.size(), false));
    }
    for (size_t i = 0; i < results.size(); ++i) {
      const SelectedPerson& p = sel_.people[i];
      people.push_back({&results[i],
                        p.candidate ? p.candidate->sector() : v1::SECTOR_UNSPECIFIED,
                        p.candidate ? p.candidate->region() : std::string()});
    }
    v1::RematchSummary* summary = run_.mutable_summary();
    FillSummary(people, summary);
    summary->set_selected(sel_.selected);
    summary->set_skipped(sel_.skipped);
    summary->set_pairs_scored(pairs_scored_);
    if (group_) summary->set_exact(exact);
    summary->set_elapsed_seconds(absl::ToDoubleSeconds(absl::Now() - start_));
    phase_ = "summarising";
    done_ = total_ = results.size();
    run_.set_state(v1::REMATCH_STATE_FINISHED);
    run_.set_finished_at(NowRfc3339());
    *run_.mutable_progress() = Progress(phase_, done_, total_);
    // The final record goes with the last results: FINISHED is never seen without them.
    RETURN_IF_ERROR(PutResults(*env_.store, run_.run_id(), stored,
                               absl::MakeConstSpan(results).subspan(stored), &run_));
    v1::RematchEvent e;
    *e.mutable_summary() = *summary;
    // The run is finished and stored; a client gone at this point changes nothing.
    (void)sink_(e);
    return absl::OkStatus();
  }

  const RunEnv& env_;
  v1::RematchRun run_;
  Selection sel_;
  ActiveRun& active_;
  const EventSink& sink_;
  const absl::Time start_;
  const uint32_t k_;
  const bool group_;
  std::vector<Scored> scored_;
  // Group mode: the assignment problem over the people's lists, and vacancy id -> index.
  AssignmentProblem problem_;
  absl::flat_hash_map<std::string, int32_t> index_;
  uint64_t pairs_scored_ = 0;
  absl::Time last_progress_ = absl::InfinitePast();
  std::string phase_ = "scoring";
  uint64_t done_ = 0, total_ = 0;
};

}  // namespace

absl::Status ExecuteRun(const RunEnv& env, v1::RematchRun run, Selection selection,
                        ActiveRun& active, const EventSink& sink) {
  Execution execution(env, std::move(run), std::move(selection), active, sink);
  return execution.Run();
}

}  // namespace w2w::rematch
