#include "engine/watch/hub.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <random>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/common/dates.h"
#include "engine/validate/open_vacancy.h"

namespace w2w::watch {
namespace {

constexpr char kTokenPrefix[] = "w1.";
constexpr size_t kTokenPrefixSize = sizeof(kTokenPrefix) - 1;

std::string Token(uint64_t epoch, uint64_t seq, uint64_t start) {
  return absl::StrCat(kTokenPrefix, absl::Hex(epoch), ".", seq, ".", start);
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

// Open and not expired: a vacancy a shortlist can be made for.
bool OpenNow(const v1::Vacancy& v) {
  if (!validate::IsOpenVacancy(v)) return false;
  if (v.expires_at().empty()) return true;
  const std::optional<int32_t> expires = ParseIsoDate(v.expires_at());
  return !expires.has_value() || *expires >= TodayUtc();
}

bool Matchable(const v1::Candidate& c) {
  return c.status() != v1::CANDIDATE_STATUS_PLACED && c.status() != v1::CANDIDATE_STATUS_UNAVAILABLE;
}

int64_t Micro(double score) { return std::llround(score * 1'000'000.0); }


// One place of a vacancy's top k.
struct Entry {
  std::string candidate_id;
  int64_t micro = 0;
  double score = 0;
  std::vector<std::string> reasons;
};

// Whether (micro, id) ranks before (other.micro, other.id): higher score, then lower id.
bool RanksBefore(int64_t micro, std::string_view id, int64_t other_micro, std::string_view other_id) {
  return micro != other_micro ? micro > other_micro : id < other_id;
}

struct Best {
  std::string vacancy_id;  // Empty: none.
  int64_t micro = 0;
  double score = 0;
  std::vector<std::string> reasons;
};

struct VacancySubject {
  std::string key;
  std::string vacancy_id;
  std::string template_key;  // Viewer kind: source, language, k.
  std::optional<std::string> source;
  taxonomy::Language language = taxonomy::Language::kEnglish;
  uint32_t k = 10;
  std::shared_ptr<const v1::Vacancy> vacancy;  // As indexed; null: not (any more) stored.
  std::shared_ptr<const match::Matcher::Prepared> prepared;  // Of `vacancy`, for ScorePrepared.
  std::optional<taxonomy::GeoPoint> point;                   // Where distances to it run from.
  std::optional<taxonomy::TradeId> trade;
  std::vector<Entry> top;
  uint64_t created_seq = 0;
  bool in_scope = false;  // Created for in_scope watchers (dropped when the vacancy closes).
  absl::flat_hash_set<uint64_t> subs;
};

struct CandidateSubject {
  std::string key;
  std::string candidate_id;
  std::optional<std::string> source;
  std::optional<std::bitset<taxonomy::kMaxRegions>> regions;
  taxonomy::Language language = taxonomy::Language::kEnglish;
  std::shared_ptr<const v1::Candidate> candidate;  // Null: not (any more) stored.
  std::shared_ptr<const match::Matcher::Prepared> prepared;  // Of `candidate`.
  std::optional<taxonomy::GeoPoint> point;
  double reach_km = 0;                              // max_travel_km, or the policy's default.
  std::vector<taxonomy::TradeId> reach;             // Trades its trades reach.
  Best best;
  absl::flat_hash_set<uint64_t> subs;
};

// An event as kept for resumes.
struct Kept {
  uint64_t seq = 0;
  absl::Time at;
  v1::WatchEvent event;  // Without resume_token.
  std::string subject_key;
  // For in_scope replays: the subject's viewer kind, its creation and its vacancy.
  bool in_scope = false;
  std::string template_key;
  uint64_t subject_created = 0;
  std::shared_ptr<const v1::Vacancy> vacancy;
};

struct SubState {
  std::shared_ptr<Subscription> sub;
  uint64_t told_seq = 0;                  // The sequence number of its last token.
  absl::Time told_at = absl::InfinitePast();
  WatchSpec spec;
  std::string template_key;
  uint64_t start = 0;
  bool live = true;
  absl::Time linger_until = absl::InfiniteFuture();
  std::vector<std::string> vacancy_keys, candidate_keys;  // Explicit subjects.
  std::deque<std::string> in_scope_keys;                  // Oldest first.
};

template <typename Record>
struct Noted {
  std::shared_ptr<const Record> record;  // Null: removed (candidates), or not copied (vacancies).
  bool removed = false;
  absl::Time at;
};

std::string TemplateKey(const std::optional<std::string>& source, taxonomy::Language language, uint32_t k) {
  return absl::StrCat(source.has_value() ? absl::StrCat("s:", *source) : "*", "|",
                      static_cast<int>(language), "|", k);
}

}  // namespace

struct Hub::Impl {
  Impl(const match::Matcher* m, std::function<std::shared_ptr<const taxonomy::Taxonomy>()> t,
       std::function<std::shared_ptr<const v1::Policy>()> p, HubOptions o)
      : matcher(m), taxonomy(std::move(t)), policy(std::move(p)), options(o),
        epoch(std::random_device{}() * 4294967296ULL + std::random_device{}()) {}

  const match::Matcher* const matcher;
  const std::function<std::shared_ptr<const taxonomy::Taxonomy>()> taxonomy;
  const std::function<std::shared_ptr<const v1::Policy>()> policy;
  const HubOptions options;
  const uint64_t epoch;

  // ---- The inbox (any thread) -------------------------------------------------------
  mutable absl::Mutex mu;
  absl::flat_hash_map<std::string, Noted<v1::Candidate>> dirty_candidates ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<std::string, Noted<v1::Vacancy>> dirty_vacancies ABSL_GUARDED_BY(mu);
  std::optional<absl::Time> model_changed ABSL_GUARDED_BY(mu);
  std::vector<std::pair<std::shared_ptr<Subscription>, WatchSpec>> joining ABSL_GUARDED_BY(mu);
  std::optional<absl::Status> stop_all ABSL_GUARDED_BY(mu);
  bool stop_all_done ABSL_GUARDED_BY(mu) = false;
  bool quit ABSL_GUARDED_BY(mu) = false;
  // Something is watched (or lingers): the On* calls note changes only then.
  std::atomic<bool> active{false};
  std::atomic<size_t> live_watchers{0};

  // ---- The hub's thread only ---------------------------------------------------------
  std::thread thread;
  uint64_t seq = 0;
  std::deque<Kept> kept;
  absl::flat_hash_map<uint64_t, SubState> subs;
  absl::flat_hash_map<std::string, std::unique_ptr<VacancySubject>> vacancy_subjects;
  absl::flat_hash_map<std::string, std::vector<VacancySubject*>> vacancy_subjects_of;  // By vacancy id.
  absl::flat_hash_map<taxonomy::TradeId, absl::flat_hash_set<VacancySubject*>> vacancy_subjects_by_trade;
  absl::flat_hash_map<std::string, absl::flat_hash_set<VacancySubject*>> in_top;  // By candidate id.
  absl::flat_hash_map<std::string, std::unique_ptr<CandidateSubject>> candidate_subjects;
  absl::flat_hash_map<std::string, std::vector<CandidateSubject*>> candidate_subjects_of;  // By candidate id.
  absl::flat_hash_map<taxonomy::TradeId, absl::flat_hash_set<CandidateSubject*>> candidate_subjects_by_trade;
  absl::flat_hash_map<std::string, absl::flat_hash_set<CandidateSubject*>> best_of;  // By vacancy id.
  absl::flat_hash_set<uint64_t> touched;  // Subscriptions pushed to since the last wake-up.
  absl::Time last_housekeeping = absl::InfinitePast();

  void Run();
  void Process(std::vector<std::pair<std::shared_ptr<Subscription>, WatchSpec>> joins,
               absl::flat_hash_map<std::string, Noted<v1::Candidate>> candidates,
               absl::flat_hash_map<std::string, Noted<v1::Vacancy>> vacancies,
               std::optional<absl::Time> model);
  void Housekeeping(absl::Time now, bool force);
  void WakeTouched();

  // ---- Subjects ---------------------------------------------------------------------
  std::optional<taxonomy::TradeId> TradeOf(const v1::Vacancy& v) const {
    return taxonomy()->FindTrade(v.trade());
  }
  // The trades a vacancy may have for `c` to match it (similarity at least the policy's
  // threshold; the links come best first).
  std::vector<taxonomy::TradeId> ReachOf(const v1::Candidate& c) const {
    std::shared_ptr<const taxonomy::Taxonomy> tax = taxonomy();
    const float threshold = static_cast<float>(policy()->min_trade_similarity());
    absl::flat_hash_set<taxonomy::TradeId> reach;
    for (const v1::TradeExperience& t : c.trades()) {
      const std::optional<taxonomy::TradeId> from = tax->FindTrade(t.code());
      if (!from.has_value()) continue;
      for (const taxonomy::TradeLink& link : tax->TradesReachableFrom(*from)) {
        if (link.similarity < threshold && link.trade != *from) break;
        reach.insert(link.trade);
      }
    }
    return std::vector<taxonomy::TradeId>(reach.begin(), reach.end());
  }
  // The point distances to a record run from (its municipality's centroid, else its
  // region's anchor), as the scoring has it; nullopt when neither is known.
  template <typename Record>
  std::optional<taxonomy::GeoPoint> PointOf(const Record& r) const {
    std::shared_ptr<const taxonomy::Taxonomy> tax = taxonomy();
    if (!r.municipality().empty()) {
      const std::optional<taxonomy::Taxonomy::MunicipalityRef> m = tax->LookupMunicipality(r.municipality());
      if (m.has_value() && m->centroid.has_value()) return m->centroid;
    }
    const std::optional<taxonomy::RegionId> region = tax->FindRegion(r.region());
    if (!region.has_value()) return std::nullopt;
    return tax->RegionAnchor(*region);
  }
  double ReachKmOf(const v1::Candidate& c) const {
    return c.max_travel_km() > 0 ? c.max_travel_km() : policy()->default_max_travel_km();
  }
  // False only when the pair is surely beyond the candidate's reach (a km of slack for
  // rounding); the scoring decides the rest.
  static bool MayReach(const std::optional<taxonomy::GeoPoint>& from, double reach_km,
                       const std::optional<taxonomy::GeoPoint>& to) {
    if (!from.has_value() || !to.has_value()) return true;
    return taxonomy::GreatCircleKm(*from, *to) <= reach_km + 1.0;
  }
  std::vector<Entry> Rank(const VacancySubject& s) const;
  Best BestOf(const CandidateSubject& c) const;
  bool Admits(const CandidateSubject& c, const v1::Vacancy& v) const;

  VacancySubject* GetOrCreateVacancySubject(const std::string& vacancy_id, std::shared_ptr<const v1::Vacancy> vacancy,
                                            const Viewer& viewer, uint32_t k, bool in_scope, bool* created);
  CandidateSubject* GetOrCreateCandidateSubject(const std::string& candidate_id,
                                                std::shared_ptr<const v1::Candidate> candidate,
                                                const Viewer& viewer, bool* created);
  void SetVacancy(VacancySubject* s, std::shared_ptr<const v1::Vacancy> vacancy);
  void SetCandidate(CandidateSubject* c, std::shared_ptr<const v1::Candidate> candidate);
  void SetTop(VacancySubject* s, std::vector<Entry> top);
  void SetBest(CandidateSubject* c, Best best);
  void DropVacancySubject(VacancySubject* s);
  void DropCandidateSubject(CandidateSubject* c);

  // Re-ranks `s` and emits what entered and left its top k.
  void Rerank(VacancySubject* s, v1::WatchCause cause, absl::Time at);
  // Recomputes `c`'s best vacancy and emits NEW_BEST_VACANCY when it changed.
  void RecheckBest(CandidateSubject* c, v1::WatchCause cause, absl::Time at);
  void NewBest(CandidateSubject* c, Best best, v1::WatchCause cause, absl::Time at);

  void VacancyChanged(const std::string& id, std::shared_ptr<const v1::Vacancy> vacancy, absl::Time at);
  void CandidateChanged(const std::string& id, std::shared_ptr<const v1::Candidate> candidate, absl::Time at);
  void ModelChanged(absl::Time at);
  void Join(std::shared_ptr<Subscription> sub, WatchSpec spec);

  // Numbers `event`, keeps it and queues it for the live watchers in `watchers`.
  void Emit(const absl::flat_hash_set<uint64_t>& watchers, v1::WatchEvent event, absl::Time at,
            const std::string& subject_key, const VacancySubject* in_scope_subject);
  // Queues `event` for one watcher only (the current state at its start), not kept.
  void Tell(SubState& st, v1::WatchEvent event);
  v1::WatchEvent EntryEvent(v1::WatchEvent::Kind kind, const VacancySubject& s, const Entry& e, uint32_t rank) const;
};

// ---- Ranking ----------------------------------------------------------------------------

std::vector<Entry> Hub::Impl::Rank(const VacancySubject& s) const {
  std::vector<Entry> top;
  if (s.vacancy == nullptr || !OpenNow(*s.vacancy)) return top;
  v1::ShortlistRequest request;
  request.set_k(s.k);
  request.set_language(taxonomy::LanguageProto(s.language));
  match::Restriction restriction;
  restriction.source = s.source;
  absl::StatusOr<v1::ShortlistResponse> response = matcher->Shortlist(*s.vacancy, request, restriction);
  if (!response.ok()) return top;  // E.g. its trade left the taxonomy: nobody fits it.
  top.reserve(response->matches_size());
  for (const v1::CandidateMatch& m : response->matches()) {
    Entry e;
    e.candidate_id = m.candidate_id();
    e.score = m.score();
    e.micro = Micro(m.score());
    e.reasons.assign(m.explanation().reasons().begin(), m.explanation().reasons().end());
    top.push_back(std::move(e));
  }
  return top;
}

bool Hub::Impl::Admits(const CandidateSubject& c, const v1::Vacancy& v) const {
  if (c.source.has_value() && v.source() != *c.source) return false;
  if (c.regions.has_value()) {
    const std::optional<taxonomy::RegionId> region = taxonomy()->FindRegion(v.region());
    if (!region.has_value() || !(*c.regions)[*region]) return false;
  }
  return true;
}

Best Hub::Impl::BestOf(const CandidateSubject& c) const {
  Best best;
  if (c.candidate == nullptr || !Matchable(*c.candidate)) return best;
  v1::MatchCandidateRequest request;
  request.set_k(1);
  request.set_language(taxonomy::LanguageProto(c.language));
  match::Restriction restriction;
  restriction.source = c.source;
  if (c.regions.has_value()) restriction.vacancy_regions = &*c.regions;
  absl::StatusOr<v1::MatchCandidateResponse> response = matcher->MatchCandidate(*c.candidate, request, restriction);
  if (!response.ok() || response->matches().empty()) return best;
  const v1::VacancyMatch& m = response->matches(0);
  best.vacancy_id = m.vacancy_id();
  best.score = m.score();
  best.micro = Micro(m.score());
  best.reasons.assign(m.explanation().reasons().begin(), m.explanation().reasons().end());
  return best;
}

// ---- Subject bookkeeping ------------------------------------------------------------------

VacancySubject* Hub::Impl::GetOrCreateVacancySubject(const std::string& vacancy_id,
                                                     std::shared_ptr<const v1::Vacancy> vacancy,
                                                     const Viewer& viewer, uint32_t k, bool in_scope,
                                                     bool* created) {
  const std::string tmpl = TemplateKey(viewer.source, viewer.language, k);
  const std::string key = absl::StrCat(vacancy_id, "|", tmpl, in_scope ? "|i" : "|e");
  *created = false;
  auto it = vacancy_subjects.find(key);
  if (it != vacancy_subjects.end()) return it->second.get();
  *created = true;
  auto s = std::make_unique<VacancySubject>();
  s->key = key;
  s->vacancy_id = vacancy_id;
  s->template_key = tmpl;
  s->source = viewer.source;
  s->language = viewer.language;
  s->k = k;
  s->created_seq = seq;
  s->in_scope = in_scope;
  VacancySubject* raw = s.get();
  vacancy_subjects.emplace(key, std::move(s));
  vacancy_subjects_of[vacancy_id].push_back(raw);
  SetVacancy(raw, std::move(vacancy));
  SetTop(raw, Rank(*raw));
  return raw;
}

CandidateSubject* Hub::Impl::GetOrCreateCandidateSubject(const std::string& candidate_id,
                                                         std::shared_ptr<const v1::Candidate> candidate,
                                                         const Viewer& viewer, bool* created) {
  const std::string key =
      absl::StrCat(candidate_id, "|", viewer.source.has_value() ? absl::StrCat("s:", *viewer.source) : "*", "|",
                   viewer.vacancy_regions.has_value() ? viewer.vacancy_regions->to_string() : "*", "|",
                   static_cast<int>(viewer.language));
  *created = false;
  auto it = candidate_subjects.find(key);
  if (it != candidate_subjects.end()) return it->second.get();
  *created = true;
  auto c = std::make_unique<CandidateSubject>();
  c->key = key;
  c->candidate_id = candidate_id;
  c->source = viewer.source;
  c->regions = viewer.vacancy_regions;
  c->language = viewer.language;
  CandidateSubject* raw = c.get();
  candidate_subjects.emplace(key, std::move(c));
  candidate_subjects_of[candidate_id].push_back(raw);
  SetCandidate(raw, std::move(candidate));
  SetBest(raw, BestOf(*raw));
  return raw;
}

void Hub::Impl::SetVacancy(VacancySubject* s, std::shared_ptr<const v1::Vacancy> vacancy) {
  const std::optional<taxonomy::TradeId> trade =
      vacancy == nullptr ? std::nullopt : TradeOf(*vacancy);
  if (s->trade != trade) {
    if (s->trade.has_value()) vacancy_subjects_by_trade[*s->trade].erase(s);
    if (trade.has_value()) vacancy_subjects_by_trade[*trade].insert(s);
    s->trade = trade;
  }
  s->prepared = vacancy == nullptr ? nullptr : matcher->Prepare(*vacancy);
  s->point = vacancy == nullptr ? std::nullopt : PointOf(*vacancy);
  s->vacancy = std::move(vacancy);
}

void Hub::Impl::SetCandidate(CandidateSubject* c, std::shared_ptr<const v1::Candidate> candidate) {
  for (taxonomy::TradeId t : c->reach) candidate_subjects_by_trade[t].erase(c);
  c->reach = candidate == nullptr ? std::vector<taxonomy::TradeId>{} : ReachOf(*candidate);
  for (taxonomy::TradeId t : c->reach) candidate_subjects_by_trade[t].insert(c);
  c->prepared = candidate == nullptr ? nullptr : matcher->Prepare(*candidate);
  c->point = candidate == nullptr ? std::nullopt : PointOf(*candidate);
  c->reach_km = candidate == nullptr ? 0 : ReachKmOf(*candidate);
  c->candidate = std::move(candidate);
}

void Hub::Impl::SetTop(VacancySubject* s, std::vector<Entry> top) {
  for (const Entry& e : s->top) {
    auto it = in_top.find(e.candidate_id);
    if (it == in_top.end()) continue;
    it->second.erase(s);
    if (it->second.empty()) in_top.erase(it);
  }
  for (const Entry& e : top) in_top[e.candidate_id].insert(s);
  s->top = std::move(top);
}

void Hub::Impl::SetBest(CandidateSubject* c, Best best) {
  if (!c->best.vacancy_id.empty()) {
    auto it = best_of.find(c->best.vacancy_id);
    if (it != best_of.end()) {
      it->second.erase(c);
      if (it->second.empty()) best_of.erase(it);
    }
  }
  if (!best.vacancy_id.empty()) best_of[best.vacancy_id].insert(c);
  c->best = std::move(best);
}

void Hub::Impl::DropVacancySubject(VacancySubject* s) {
  SetTop(s, {});
  if (s->trade.has_value()) vacancy_subjects_by_trade[*s->trade].erase(s);
  auto of = vacancy_subjects_of.find(s->vacancy_id);
  if (of != vacancy_subjects_of.end()) {
    std::erase(of->second, s);
    if (of->second.empty()) vacancy_subjects_of.erase(of);
  }
  vacancy_subjects.erase(s->key);  // Last: owns `s`.
}

void Hub::Impl::DropCandidateSubject(CandidateSubject* c) {
  SetBest(c, {});
  for (taxonomy::TradeId t : c->reach) candidate_subjects_by_trade[t].erase(c);
  auto of = candidate_subjects_of.find(c->candidate_id);
  if (of != candidate_subjects_of.end()) {
    std::erase(of->second, c);
    if (of->second.empty()) candidate_subjects_of.erase(of);
  }
  candidate_subjects.erase(c->key);
}

// ---- Events ------------------------------------------------------------------------------

v1::WatchEvent Hub::Impl::EntryEvent(v1::WatchEvent::Kind kind, const VacancySubject& s, const Entry& e,
                                     uint32_t rank) const {
  v1::WatchEvent event;
  event.set_kind(kind);
  event.set_vacancy_id(s.vacancy_id);
  event.set_candidate_id(e.candidate_id);
  event.set_rank(rank);
  event.set_score(e.score);
  for (const std::string& r : e.reasons) event.add_reasons(r);
  return event;
}

void Hub::Impl::Emit(const absl::flat_hash_set<uint64_t>& watchers, v1::WatchEvent event, absl::Time at,
                     const std::string& subject_key, const VacancySubject* in_scope_subject) {
  event.set_changed_at(Rfc3339(at));
  const uint64_t n = ++seq;
  for (uint64_t id : watchers) {
    auto it = subs.find(id);
    if (it == subs.end() || !it->second.live) continue;
    v1::WatchEvent copy = event;
    copy.set_resume_token(Token(epoch, n, it->second.start));
    it->second.sub->Push(std::move(copy));
    it->second.told_seq = n;
    it->second.told_at = at;
    touched.insert(id);
  }
  Kept k;
  k.seq = n;
  k.at = at;
  k.event = std::move(event);
  k.subject_key = subject_key;
  if (in_scope_subject != nullptr && in_scope_subject->in_scope) {
    k.in_scope = true;
    k.template_key = in_scope_subject->template_key;
    k.subject_created = in_scope_subject->created_seq;
    k.vacancy = in_scope_subject->vacancy;
  }
  kept.push_back(std::move(k));
  if (kept.size() > options.max_kept_events) kept.pop_front();
}

void Hub::Impl::Tell(SubState& st, v1::WatchEvent event) {
  event.set_changed_at(Rfc3339(absl::Now()));  // The state as of now.
  event.set_resume_token(Token(epoch, seq, st.start));
  st.sub->Push(std::move(event));
  touched.insert(st.sub->id());
}

void Hub::Impl::Rerank(VacancySubject* s, v1::WatchCause cause, absl::Time at) {
  std::vector<Entry> top = Rank(*s);
  absl::flat_hash_map<std::string_view, uint32_t> old_rank, new_rank;
  for (size_t i = 0; i < s->top.size(); ++i) old_rank[s->top[i].candidate_id] = static_cast<uint32_t>(i + 1);
  for (size_t i = 0; i < top.size(); ++i) new_rank[top[i].candidate_id] = static_cast<uint32_t>(i + 1);
  std::vector<v1::WatchEvent> events;
  for (size_t i = 0; i < s->top.size(); ++i) {
    if (new_rank.contains(s->top[i].candidate_id)) continue;
    v1::WatchEvent e;
    e.set_kind(v1::WatchEvent::LEFT_TOP_K);
    e.set_vacancy_id(s->vacancy_id);
    e.set_candidate_id(s->top[i].candidate_id);
    e.set_previous_rank(static_cast<uint32_t>(i + 1));
    events.push_back(std::move(e));
  }
  for (size_t i = 0; i < top.size(); ++i) {
    auto old = old_rank.find(top[i].candidate_id);
    if (old != old_rank.end()) continue;
    events.push_back(EntryEvent(v1::WatchEvent::ENTERED_TOP_K, *s, top[i], static_cast<uint32_t>(i + 1)));
  }
  old_rank.clear();  // Its keys view the old top.
  new_rank.clear();
  SetTop(s, std::move(top));
  for (v1::WatchEvent& e : events) {
    e.set_cause(cause);
    Emit(s->subs, std::move(e), at, s->key, s);
  }
}

void Hub::Impl::NewBest(CandidateSubject* c, Best best, v1::WatchCause cause, absl::Time at) {
  v1::WatchEvent e;
  e.set_kind(v1::WatchEvent::NEW_BEST_VACANCY);
  e.set_candidate_id(c->candidate_id);
  e.set_vacancy_id(best.vacancy_id);
  e.set_previous_vacancy_id(c->best.vacancy_id);
  e.set_score(best.score);
  for (const std::string& r : best.reasons) e.add_reasons(r);
  e.set_cause(cause);
  SetBest(c, std::move(best));
  Emit(c->subs, std::move(e), at, c->key, nullptr);
}

void Hub::Impl::RecheckBest(CandidateSubject* c, v1::WatchCause cause, absl::Time at) {
  Best best = BestOf(*c);
  if (best.vacancy_id == c->best.vacancy_id) {
    SetBest(c, std::move(best));  // The same vacancy; its score may have moved.
    return;
  }
  NewBest(c, std::move(best), cause, at);
}

// ---- Changes -------------------------------------------------------------------------------

void Hub::Impl::VacancyChanged(const std::string& id, std::shared_ptr<const v1::Vacancy> vacancy, absl::Time at) {
  constexpr v1::WatchCause kCause = v1::WATCH_CAUSE_VACANCY_CHANGED;
  const bool open = vacancy != nullptr && OpenNow(*vacancy);
  // The subjects of this vacancy.
  if (auto of = vacancy_subjects_of.find(id); of != vacancy_subjects_of.end()) {
    std::vector<VacancySubject*> subjects = of->second;
    for (VacancySubject* s : subjects) {
      SetVacancy(s, vacancy);
      Rerank(s, kCause, at);
      if (s->in_scope && !open) {  // An in_scope follow ends with the vacancy.
        for (uint64_t sub : s->subs) {
          if (auto st = subs.find(sub); st != subs.end()) std::erase(st->second.in_scope_keys, s->key);
        }
        DropVacancySubject(s);
      }
    }
  }
  // in_scope watchers start following it, all of one viewer kind at once (so each gets
  // the first events).
  if (open) {
    absl::flat_hash_map<std::string, std::vector<uint64_t>> by_template;
    for (auto& [sub_id, st] : subs) {
      if (!st.spec.in_scope) continue;
      if (st.spec.viewer.sees_vacancy && !st.spec.viewer.sees_vacancy(*vacancy)) continue;
      if (st.spec.viewer.source.has_value() && vacancy->source() != *st.spec.viewer.source) continue;
      by_template[st.template_key].push_back(sub_id);
    }
    for (auto& [tmpl, ids] : by_template) {
      SubState& first = subs.at(ids.front());
      bool created = false;
      VacancySubject* s = GetOrCreateVacancySubject(id, vacancy, first.spec.viewer, first.spec.k, true, &created);
      std::vector<uint64_t> newly;
      for (uint64_t sub_id : ids) {
        if (!s->subs.insert(sub_id).second) continue;
        newly.push_back(sub_id);
        SubState& st = subs.at(sub_id);
        st.in_scope_keys.push_back(s->key);
        if (st.in_scope_keys.size() > options.max_in_scope_vacancies) {
          const std::string oldest = st.in_scope_keys.front();
          st.in_scope_keys.pop_front();
          if (auto o = vacancy_subjects.find(oldest); o != vacancy_subjects.end()) {
            o->second->subs.erase(sub_id);
            if (o->second->subs.empty()) DropVacancySubject(o->second.get());
          }
        }
      }
      if (newly.empty()) continue;
      // Who fits it, for the watchers that follow it from now: as entries of its top k.
      absl::flat_hash_set<uint64_t> to(newly.begin(), newly.end());
      for (size_t i = 0; i < s->top.size(); ++i) {
        v1::WatchEvent e = EntryEvent(v1::WatchEvent::ENTERED_TOP_K, *s, s->top[i], static_cast<uint32_t>(i + 1));
        e.set_cause(kCause);
        Emit(to, std::move(e), at, s->key, s);
      }
    }
  }
  // Candidates whose best it was, and candidates it may now be the best for.
  absl::flat_hash_set<CandidateSubject*> recheck;
  if (auto b = best_of.find(id); b != best_of.end()) recheck = b->second;
  for (CandidateSubject* c : recheck) RecheckBest(c, kCause, at);
  if (!open) return;
  const std::optional<taxonomy::TradeId> trade = TradeOf(*vacancy);
  if (!trade.has_value()) return;
  auto by_trade = candidate_subjects_by_trade.find(*trade);
  if (by_trade == candidate_subjects_by_trade.end()) return;
  std::vector<CandidateSubject*> candidates(by_trade->second.begin(), by_trade->second.end());
  const std::shared_ptr<const match::Matcher::Prepared> prepared = matcher->Prepare(*vacancy);
  const std::optional<taxonomy::GeoPoint> point = PointOf(*vacancy);
  for (CandidateSubject* c : candidates) {
    if (recheck.contains(c) || c->candidate == nullptr || !Matchable(*c->candidate)) continue;
    if (!MayReach(c->point, c->reach_km, point) || !Admits(*c, *vacancy)) continue;
    const std::optional<int64_t> micro = matcher->ScorePrepared(*c->prepared, *prepared);
    if (!micro.has_value()) continue;
    if (!c->best.vacancy_id.empty() && !RanksBefore(*micro, id, c->best.micro, c->best.vacancy_id)) continue;
    Best best;
    best.vacancy_id = id;
    best.micro = *micro;
    best.score = static_cast<double>(*micro) / 1'000'000.0;
    absl::StatusOr<v1::ExplainMatchResponse> explained = matcher->Explain(*c->candidate, *vacancy, c->language);
    if (explained.ok()) {
      best.reasons.assign(explained->explanation().reasons().begin(), explained->explanation().reasons().end());
    }
    NewBest(c, std::move(best), kCause, at);
  }
}

void Hub::Impl::CandidateChanged(const std::string& id, std::shared_ptr<const v1::Candidate> candidate,
                                 absl::Time at) {
  constexpr v1::WatchCause kCause = v1::WATCH_CAUSE_CANDIDATE_CHANGED;
  if (auto of = candidate_subjects_of.find(id); of != candidate_subjects_of.end()) {
    std::vector<CandidateSubject*> subjects = of->second;
    for (CandidateSubject* c : subjects) {
      SetCandidate(c, candidate);
      RecheckBest(c, kCause, at);
    }
  }
  // Vacancies it was in the top k of, and those whose k-th it now beats.
  absl::flat_hash_set<VacancySubject*> rerank;
  if (auto t = in_top.find(id); t != in_top.end()) rerank = t->second;
  if (candidate != nullptr && Matchable(*candidate)) {
    const std::shared_ptr<const match::Matcher::Prepared> prepared = matcher->Prepare(*candidate);
    const std::optional<taxonomy::GeoPoint> point = PointOf(*candidate);
    const double reach_km = ReachKmOf(*candidate);
    for (taxonomy::TradeId trade : ReachOf(*candidate)) {
      auto by_trade = vacancy_subjects_by_trade.find(trade);
      if (by_trade == vacancy_subjects_by_trade.end()) continue;
      for (VacancySubject* s : by_trade->second) {
        if (rerank.contains(s) || s->vacancy == nullptr || !MayReach(point, reach_km, s->point)) continue;
        if (!OpenNow(*s->vacancy)) continue;
        if (s->source.has_value() && candidate->source() != *s->source) continue;
        const std::optional<int64_t> micro = matcher->ScorePrepared(*prepared, *s->prepared);
        if (!micro.has_value()) continue;
        if (s->top.size() < s->k ||
            RanksBefore(*micro, id, s->top.back().micro, s->top.back().candidate_id)) {
          rerank.insert(s);
        }
      }
    }
  }
  for (VacancySubject* s : rerank) Rerank(s, kCause, at);
}

void Hub::Impl::ModelChanged(absl::Time at) {
  constexpr v1::WatchCause kCause = v1::WATCH_CAUSE_MODEL_CHANGED;
  std::vector<VacancySubject*> vs;
  for (auto& [key, s] : vacancy_subjects) vs.push_back(s.get());
  for (VacancySubject* s : vs) {
    SetVacancy(s, s->vacancy);  // The trade index under the new taxonomy.
    Rerank(s, kCause, at);
  }
  std::vector<CandidateSubject*> cs;
  for (auto& [key, c] : candidate_subjects) cs.push_back(c.get());
  for (CandidateSubject* c : cs) {
    SetCandidate(c, c->candidate);
    RecheckBest(c, kCause, at);
  }
}

// ---- Watchers --------------------------------------------------------------------------------

void Hub::Impl::Join(std::shared_ptr<Subscription> sub, WatchSpec spec) {
  const uint64_t id = sub->id();
  SubState& st = subs[id];
  st.sub = std::move(sub);
  st.template_key = TemplateKey(spec.viewer.source, spec.viewer.language, spec.k);
  // Replay is possible when every event after the token is still kept.
  bool replay = false;
  if (spec.resume.has_value() && spec.resume->epoch == epoch && spec.resume->seq <= seq) {
    const uint64_t first_kept = kept.empty() ? seq + 1 : kept.front().seq;
    replay = spec.resume->seq + 1 >= first_kept;
  }
  st.start = replay ? spec.resume->start : seq;
  st.spec = std::move(spec);
  v1::WatchNotice notice;
  notice.set_resume_token(Token(epoch, replay ? st.spec.resume->seq : seq, st.start));
  if (!st.spec.resume.has_value()) {
    notice.set_kind(v1::WatchNotice::STARTED);
    notice.set_message("watching; the current state follows, then every change");
  } else if (replay) {
    notice.set_kind(v1::WatchNotice::RESUMED);
    notice.set_message("resumed; the kept events after the token follow, then every change");
  } else {
    notice.set_kind(v1::WatchNotice::RESYNC);
    notice.set_message(st.spec.resume->epoch == epoch
                           ? "the events after resume_token are no longer kept (--watch_retention_seconds); "
                             "the current state follows, then every change"
                           : "resume_token is from before the server restarted; the current state follows, "
                             "then every change");
  }
  st.sub->PushNotice(std::move(notice));
  st.told_seq = seq;
  st.told_at = absl::Now();
  touched.insert(id);

  std::vector<std::pair<VacancySubject*, bool>> vs;  // Subject, created now.
  for (const v1::Vacancy& v : st.spec.vacancies) {
    std::optional<v1::Vacancy> indexed = matcher->FindVacancy(v.id());
    auto record = std::make_shared<const v1::Vacancy>(indexed.has_value() ? *std::move(indexed) : v);
    bool created = false;
    VacancySubject* s = GetOrCreateVacancySubject(v.id(), std::move(record), st.spec.viewer, st.spec.k, false, &created);
    if (s->subs.insert(id).second) st.vacancy_keys.push_back(s->key);
    vs.emplace_back(s, created);
  }
  std::vector<std::pair<CandidateSubject*, bool>> cs;
  for (const v1::Candidate& c : st.spec.candidates) {
    bool created = false;
    CandidateSubject* s =
        GetOrCreateCandidateSubject(c.id(), std::make_shared<const v1::Candidate>(c), st.spec.viewer, &created);
    if (s->subs.insert(id).second) st.candidate_keys.push_back(s->key);
    cs.emplace_back(s, created);
  }
  if (replay) {
    absl::flat_hash_set<std::string_view> explicit_keys(st.vacancy_keys.begin(), st.vacancy_keys.end());
    explicit_keys.insert(st.candidate_keys.begin(), st.candidate_keys.end());
    if (st.spec.in_scope) {  // Follow again what it followed in scope.
      for (auto& [key, s] : vacancy_subjects) {
        if (!s->in_scope || s->template_key != st.template_key || s->created_seq < st.start) continue;
        if (s->vacancy == nullptr || (st.spec.viewer.sees_vacancy && !st.spec.viewer.sees_vacancy(*s->vacancy))) continue;
        if (s->subs.insert(id).second) st.in_scope_keys.push_back(s->key);
      }
    }
    for (const Kept& k : kept) {
      if (k.seq <= st.spec.resume->seq) continue;
      bool mine = explicit_keys.contains(k.subject_key);
      if (!mine && st.spec.in_scope && k.in_scope && k.template_key == st.template_key &&
          k.subject_created >= st.start && k.vacancy != nullptr) {
        mine = !st.spec.viewer.sees_vacancy || st.spec.viewer.sees_vacancy(*k.vacancy);
      }
      if (!mine) continue;
      v1::WatchEvent e = k.event;
      e.set_resume_token(Token(epoch, k.seq, st.start));
      st.sub->Push(std::move(e));
    }
  }
  // The current state: all of it when starting afresh, else what was not followed.
  for (auto& [s, created] : vs) {
    if (replay && !created) continue;
    for (size_t i = 0; i < s->top.size(); ++i) {
      v1::WatchEvent e = EntryEvent(v1::WatchEvent::CURRENT_TOP_K, *s, s->top[i], static_cast<uint32_t>(i + 1));
      e.set_cause(v1::WATCH_CAUSE_STARTED);
      Tell(st, std::move(e));
    }
  }
  for (auto& [c, created] : cs) {
    if (replay && !created) continue;
    v1::WatchEvent e;
    e.set_kind(v1::WatchEvent::CURRENT_BEST_VACANCY);
    e.set_candidate_id(c->candidate_id);
    e.set_vacancy_id(c->best.vacancy_id);
    e.set_score(c->best.score);
    for (const std::string& r : c->best.reasons) e.add_reasons(r);
    e.set_cause(v1::WATCH_CAUSE_STARTED);
    Tell(st, std::move(e));
  }
}

void Hub::Impl::Housekeeping(absl::Time now, bool force) {
  if (!force && now - last_housekeeping < absl::Seconds(1)) return;
  last_housekeeping = now;
  std::vector<uint64_t> gone;
  size_t live = 0;
  for (auto& [id, st] : subs) {
    if (st.live && (st.sub->detached() || st.sub->finished())) {
      st.live = false;
      st.linger_until = now + options.retention;
    }
    if (st.live) ++live;
    if (!st.live && now >= st.linger_until) gone.push_back(id);
    // A quiet watcher's token moves on (PROGRESS), so that it never falls out of the kept
    // events while it has nothing to hear of.
    if (st.live && seq > st.told_seq && now - st.told_at >= options.progress_interval) {
      v1::WatchNotice progress;
      progress.set_kind(v1::WatchNotice::PROGRESS);
      progress.set_resume_token(Token(epoch, seq, st.start));
      progress.set_message("nothing new for this watch; resume_token moved on");
      st.sub->PushNotice(std::move(progress));
      st.told_seq = seq;
      st.told_at = now;
      touched.insert(id);
    }
  }
  for (uint64_t id : gone) {
    SubState& st = subs.at(id);
    auto unfollow_vacancy = [&](const std::string& key) {
      auto it = vacancy_subjects.find(key);
      if (it == vacancy_subjects.end()) return;
      it->second->subs.erase(id);
      if (it->second->subs.empty()) DropVacancySubject(it->second.get());
    };
    for (const std::string& key : st.vacancy_keys) unfollow_vacancy(key);
    for (const std::string& key : st.in_scope_keys) unfollow_vacancy(key);
    for (const std::string& key : st.candidate_keys) {
      auto it = candidate_subjects.find(key);
      if (it == candidate_subjects.end()) continue;
      it->second->subs.erase(id);
      if (it->second->subs.empty()) DropCandidateSubject(it->second.get());
    }
    subs.erase(id);
  }
  while (!kept.empty() && kept.front().at < now - options.retention) kept.pop_front();
  live_watchers.store(live, std::memory_order_relaxed);
  active.store(!subs.empty(), std::memory_order_release);
}

void Hub::Impl::WakeTouched() {
  for (uint64_t id : touched) {
    auto it = subs.find(id);
    if (it != subs.end()) it->second.sub->WakeIfWaiting();
  }
  touched.clear();
}

void Hub::Impl::Process(std::vector<std::pair<std::shared_ptr<Subscription>, WatchSpec>> joins,
                        absl::flat_hash_map<std::string, Noted<v1::Candidate>> candidates,
                        absl::flat_hash_map<std::string, Noted<v1::Vacancy>> vacancies,
                        std::optional<absl::Time> model) {
  for (auto& [sub, spec] : joins) Join(std::move(sub), std::move(spec));
  if (model.has_value()) ModelChanged(*model);
  for (auto& [id, noted] : vacancies) {
    // Noted without a copy (ingest pays only for the id); the index has it as it is now.
    if (!noted.removed) {
      std::optional<v1::Vacancy> indexed = matcher->FindVacancy(id);
      if (indexed.has_value()) noted.record = std::make_shared<const v1::Vacancy>(*std::move(indexed));
    }
    VacancyChanged(id, std::move(noted.record), noted.at);
  }
  for (auto& [id, noted] : candidates) CandidateChanged(id, std::move(noted.record), noted.at);
  WakeTouched();
}

void Hub::Impl::Run() {
  // Below the threads that serve calls: on a busy machine the watchers wait, not ingest.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), options.thread_nice);
  pthread_setname_np(pthread_self(), "w2w-watch");
  for (;;) {
    std::vector<std::pair<std::shared_ptr<Subscription>, WatchSpec>> joins;
    absl::flat_hash_map<std::string, Noted<v1::Candidate>> candidates;
    absl::flat_hash_map<std::string, Noted<v1::Vacancy>> vacancies;
    std::optional<absl::Time> model;
    std::optional<absl::Status> stop;
    {
      absl::MutexLock lock(&mu);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return quit || !joining.empty() || !dirty_candidates.empty() || !dirty_vacancies.empty() ||
               model_changed.has_value() || (stop_all.has_value() && !stop_all_done);
      };
      mu.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(1));
      if (quit) return;
      joins.swap(joining);
      candidates.swap(dirty_candidates);
      vacancies.swap(dirty_vacancies);
      model.swap(model_changed);
      if (stop_all.has_value() && !stop_all_done) {
        stop = stop_all;
        stop_all_done = true;
      }
    }
    Process(std::move(joins), std::move(candidates), std::move(vacancies), model);
    if (stop.has_value()) {
      for (auto& [id, st] : subs) {
        st.sub->End(*stop);
        st.sub->WakeIfWaiting();
      }
    }
    Housekeeping(absl::Now(), false);
    WakeTouched();
  }
}

// ---- The public face ---------------------------------------------------------------------------

Hub::Hub(const match::Matcher* matcher, std::function<std::shared_ptr<const taxonomy::Taxonomy>()> taxonomy,
         std::function<std::shared_ptr<const v1::Policy>()> policy, HubOptions options)
    : impl_(std::make_unique<Impl>(matcher, std::move(taxonomy), std::move(policy), options)) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
}

Hub::~Hub() {
  {
    absl::MutexLock lock(&impl_->mu);
    impl_->quit = true;
  }
  impl_->thread.join();
  for (auto& [id, st] : impl_->subs) {
    st.sub->End(absl::UnavailableError("w2w-server stopped"));
    st.sub->WakeIfWaiting();
  }
  absl::MutexLock lock(&impl_->mu);
  for (auto& [sub, spec] : impl_->joining) {
    sub->End(absl::UnavailableError("w2w-server stopped"));
    sub->WakeIfWaiting();
  }
}

std::shared_ptr<Subscription> Hub::Subscribe(WatchSpec spec, std::function<void()> wake) {
  static std::atomic<uint64_t> next_id{1};
  auto sub = std::make_shared<Subscription>(next_id.fetch_add(1), impl_->options.queue_limit,
                                            impl_->options.max_events_per_message, std::move(wake));
  absl::MutexLock lock(&impl_->mu);
  if (impl_->stop_all.has_value()) {
    sub->End(*impl_->stop_all);
    return sub;
  }
  impl_->active.store(true, std::memory_order_release);
  impl_->joining.emplace_back(sub, std::move(spec));
  return sub;
}

absl::StatusOr<ResumePoint> Hub::ParseResumeToken(std::string_view token) {
  const absl::Status bad = absl::InvalidArgumentError(
      "resume_token: not a token this server issued (give the resume_token of an event or notice)");
  const absl::string_view text(token.data(), token.size());
  if (!absl::StartsWith(text, kTokenPrefix)) return bad;
  std::vector<absl::string_view> parts = absl::StrSplit(text.substr(kTokenPrefixSize), '.');
  if (parts.size() != 3) return bad;
  ResumePoint p;
  if (!absl::SimpleHexAtoi(parts[0], &p.epoch) || !absl::SimpleAtoi(parts[1], &p.seq) ||
      !absl::SimpleAtoi(parts[2], &p.start) || p.start > p.seq) {
    return bad;
  }
  return p;
}

void Hub::StopAll(absl::Status why) {
  absl::MutexLock lock(&impl_->mu);
  if (!impl_->stop_all.has_value()) impl_->stop_all = std::move(why);
  for (auto& [sub, spec] : impl_->joining) sub->End(*impl_->stop_all);
}

size_t Hub::watchers() const { return impl_->live_watchers.load(std::memory_order_relaxed); }

size_t Hub::backlog() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->dirty_candidates.size() + impl_->dirty_vacancies.size() + impl_->joining.size();
}

void Hub::OnCandidate(std::string_view id, const v1::Candidate* candidate) {
  if (!impl_->active.load(std::memory_order_acquire)) return;
  Noted<v1::Candidate> noted;
  if (candidate != nullptr) noted.record = std::make_shared<const v1::Candidate>(*candidate);
  noted.at = absl::Now();
  absl::MutexLock lock(&impl_->mu);
  impl_->dirty_candidates.insert_or_assign(std::string(id), std::move(noted));
}

void Hub::OnVacancy(std::string_view id, const v1::Vacancy* vacancy) {
  if (!impl_->active.load(std::memory_order_acquire)) return;
  Noted<v1::Vacancy> noted;  // The hub's thread reads the vacancy from the index.
  noted.removed = vacancy == nullptr;
  noted.at = absl::Now();
  absl::MutexLock lock(&impl_->mu);
  impl_->dirty_vacancies.insert_or_assign(std::string(id), std::move(noted));
}

void Hub::OnModel() {
  if (!impl_->active.load(std::memory_order_acquire)) return;
  absl::MutexLock lock(&impl_->mu);
  impl_->model_changed = absl::Now();
}

}  // namespace w2w::watch
