#include "clients/datagen/outcomes.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_format.h"
#include "clients/datagen/rng.h"
#include "engine/common/dates.h"

namespace w2w::datagen {
namespace {

constexpr uint64_t kProfileStream = 101;
constexpr uint64_t kPersonStream = 102;
// Events per candidate of the full histories (1.90 measured at 1,000,000 candidates,
// seed 42); a target below it thins the people evenly.
constexpr double kFullHistoryEventsPerCandidate = 1.9;
// Days from one signal status to the next (AT_RISK -> NOTICE_GIVEN -> UNEMPLOYED).
constexpr int64_t kMinStepDays = 7, kMaxStepDays = 45;
// An episode of an EMPLOYED, PLACED or UNAVAILABLE person ends this long after its last signal at most.
constexpr int64_t kEndingDays = 60;
// Retraining: courses of at most this many weeks fit between a signal and a placement.
constexpr double kMaxCourseWeeks = 8;
constexpr double kMaxTrackCostEur = 1'000'000;
constexpr double kVacancyShare = 0.75;  // Placements into a vacancy in w2w; else outside.
constexpr double kSameSectorShare = 0.75;  // Jobs outside w2w in the person's own sector.
constexpr int kVacancyTries = 8, kSameSectorTries = 5;
// Of the people whose status is PLACED / UNAVAILABLE, those with an episode in the year;
// of the EMPLOYED with one, those it ended with a placement (the others went back to work).
constexpr double kPlacedEpisodeShare = 0.9, kUnavailableEpisodeShare = 0.5, kEmployedPlacedShare = 0.35;

double Between(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.Uniform(); }
double Clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

// `day` plus `months` calendar months (the last day of a shorter month).
int32_t AddMonths(int32_t day, int months) {
  const std::string date = FormatIsoDate(day);
  int year = std::stoi(date.substr(0, 4)), month = std::stoi(date.substr(5, 2)) + months;
  const int dom = std::stoi(date.substr(8, 2));
  year += (month - 1) / 12;
  month = (month - 1) % 12 + 1;
  for (int d = dom; d >= 28; --d) {
    if (std::optional<int32_t> out = ParseIsoDate(absl::StrFormat("%04d-%02d-%02d", year, month, d))) return *out;
  }
  return *ParseIsoDate(absl::StrFormat("%04d-%02d-%02d", year, month, std::min(dom, 28)));
}

bool IsSignal(v1::CandidateStatus s) {
  return s == v1::CANDIDATE_STATUS_AT_RISK || s == v1::CANDIDATE_STATUS_NOTICE_GIVEN ||
         s == v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER || s == v1::CANDIDATE_STATUS_UNEMPLOYED;
}

// The signal statuses a person went through, ending at `last`.
std::vector<v1::CandidateStatus> ChainTo(v1::CandidateStatus last, Rng& rng) {
  const double u = rng.Uniform();
  switch (last) {
    case v1::CANDIDATE_STATUS_NOTICE_GIVEN:
      if (u < 0.7) return {v1::CANDIDATE_STATUS_AT_RISK, last};
      break;
    case v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER:
      if (u < 0.3) return {v1::CANDIDATE_STATUS_AT_RISK, last};
      break;
    case v1::CANDIDATE_STATUS_UNEMPLOYED:
      if (u < 0.35) return {v1::CANDIDATE_STATUS_NOTICE_GIVEN, last};
      if (u < 0.5) return {v1::CANDIDATE_STATUS_AT_RISK, v1::CANDIDATE_STATUS_NOTICE_GIVEN, last};
      if (u < 0.65) return {v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER, last};
      break;
    default:
      break;
  }
  return {last};
}

}  // namespace

OutcomeGenerator::OutcomeGenerator(const Generator& gen, const taxonomy::Taxonomy& tax, uint64_t candidates,
                                   uint64_t vacancies, uint64_t target_events, int32_t days)
    : gen_(gen),
      tax_(tax),
      candidates_(candidates),
      target_events_(target_events > 0 ? target_events : UINT64_MAX),
      days_(std::max<int32_t>(days, 1)) {
  if (target_events > 0 && candidates > 0) {
    keep_share_ = std::min(1.0, static_cast<double>(target_events_) /
                                    (kFullHistoryEventsPerCandidate * static_cast<double>(candidates)));
  }
  const uint64_t seed = gen.options().seed;
  for (size_t r = 0; r < tax.num_regions(); ++r) {
    Rng rng(Rng::RecordSeed(seed, kProfileStream, r));
    Profile p;
    p.placed = Between(rng, 0.35, 0.65);
    p.work_to_work = Between(rng, 0.2, 0.9);
    p.speed = Between(rng, 0.6, 1.4);
    p.retrain = Between(rng, 0.12, 0.38);
    p.completion = Between(rng, 0.65, 0.92);
    p.retention6 = Between(rng, 0.78, 0.96);
    p.retention12 = Between(rng, 0.85, 0.97);  // Of those still in work at 6 months.
    p.episode = Between(rng, 0.35, 0.65);
    profiles_.push_back(p);
    std::array<double, 5> cumulative{};
    double sum = 0;
    const taxonomy::RegionInfo& info = tax.region(static_cast<taxonomy::RegionId>(r));
    for (size_t s = 0; s < cumulative.size(); ++s) cumulative[s] = sum += std::max(0.0, info.sector_share_pct[s]);
    region_sector_cumulative_.push_back(cumulative);
  }
  seats_left_.assign(vacancies, 0);
  vacancy_sector_.assign(vacancies, 0);
  vacancy_ids_.resize(vacancies);
  by_region_.resize(tax.num_regions());
  for (uint64_t v = 0; v < vacancies; ++v) {
    const v1::Vacancy vacancy = gen.Vacancy(v);
    if (vacancy.status() != v1::VACANCY_STATUS_OPEN) continue;
    // Positions 0 means one seat (vacancy.proto).
    seats_left_[v] = static_cast<uint16_t>(std::clamp<uint32_t>(vacancy.positions(), 1, UINT16_MAX));
    vacancy_sector_[v] = static_cast<uint8_t>(vacancy.sector());
    vacancy_ids_[v] = vacancy.id();
    if (std::optional<taxonomy::RegionId> region = tax.FindRegion(vacancy.region())) {
      by_region_[*region].push_back(static_cast<uint32_t>(v));
    }
  }
  for (size_t q = 0; q < tax.num_qualifications(); ++q) {
    const taxonomy::QualificationInfo& info = tax.qualification(static_cast<taxonomy::QualId>(q));
    if (info.weeks > 0 && info.weeks <= kMaxCourseWeeks) short_courses_.push_back(static_cast<taxonomy::QualId>(q));
  }
}

OutcomeCounts OutcomeGenerator::ForEachEvent(absl::FunctionRef<void(const v1::OutcomeEvent&)> sink) {
  OutcomeCounts counts;
  const int32_t today = gen_.options().today;
  const int32_t first_day = today - days_;
  const uint64_t seed = gen_.options().seed;
  std::vector<v1::OutcomeEvent> person;  // One person's events, written whole or not at all.
  OutcomeCounts pending;
  auto add = [&](v1::OutcomeEvent& event) {
    event.set_event_id(absl::StrFormat("ev-%07d", counts.events + person.size() + 1));
    person.push_back(std::move(event));
    ++pending.events;
  };
  auto status_change = [&](const std::string& id, v1::CandidateStatus from, v1::CandidateStatus to, int32_t day) {
    v1::OutcomeEvent e;
    v1::StatusChangeEvent* s = e.mutable_status_change();
    s->set_candidate_id(id);
    s->set_from(from);
    s->set_to(to);
    s->set_date(FormatIsoDate(day));
    add(e);
    ++pending.status_changes;
  };
  for (uint64_t i = 0; i < candidates_; ++i) {
    Rng rng(Rng::RecordSeed(seed, kPersonStream, i));
    if (rng.Uniform() >= keep_share_) continue;
    const v1::Candidate c = gen_.Candidate(i);
    const std::optional<taxonomy::RegionId> region = tax_.FindRegion(c.region());
    if (!region.has_value()) continue;
    const Profile& p = profiles_[*region];
    // Who had an episode in the year, and how it ends.
    const v1::CandidateStatus now = c.status();
    v1::CandidateStatus last;
    bool ending_required = false;  // An EMPLOYED, PLACED or UNAVAILABLE person's episode has ended.
    if (IsSignal(now)) {
      last = now;
    } else if ((now == v1::CANDIDATE_STATUS_EMPLOYED && rng.Uniform() < p.episode) ||
               (now == v1::CANDIDATE_STATUS_PLACED && rng.Uniform() < kPlacedEpisodeShare) ||
               (now == v1::CANDIDATE_STATUS_UNAVAILABLE && rng.Uniform() < kUnavailableEpisodeShare)) {
      last = rng.Uniform() < 0.6 ? v1::CANDIDATE_STATUS_AT_RISK : v1::CANDIDATE_STATUS_NOTICE_GIVEN;
      ending_required = true;
    } else {
      continue;
    }
    person.clear();
    pending = {};
    const std::vector<v1::CandidateStatus> chain = ChainTo(last, rng);
    std::vector<int32_t> gaps;
    int32_t span = 0;
    for (size_t k = 1; k < chain.size(); ++k) span += gaps.emplace_back(static_cast<int32_t>(rng.Between(kMinStepDays, kMaxStepDays)));
    const int32_t reserve = span + (ending_required ? static_cast<int32_t>(kEndingDays) : 0);
    const int32_t signal_day =
        first_day + static_cast<int32_t>(rng.Below(static_cast<uint64_t>(std::max(1, days_ + 1 - reserve))));
    int32_t day = signal_day;
    v1::CandidateStatus from = v1::CANDIDATE_STATUS_EMPLOYED;
    for (size_t k = 0; k < chain.size(); ++k) {
      if (k > 0) day += gaps[k - 1];
      status_change(c.id(), from, chain[k], day);
      from = chain[k];
    }
    const int32_t last_signal_day = day;

    // Retraining: a short course soon after the first signal, one not held yet.
    std::string retrained;
    int32_t earliest_start = last_signal_day + 1;
    if (!short_courses_.empty() && rng.Uniform() < p.retrain) {
      const taxonomy::QualificationInfo* q = nullptr;
      for (int attempt = 0; attempt < 4 && q == nullptr; ++attempt) {
        const taxonomy::QualificationInfo& pick = tax_.qualification(short_courses_[rng.Below(short_courses_.size())]);
        if (std::find(c.qualifications().begin(), c.qualifications().end(), pick.code) == c.qualifications().end()) {
          q = &pick;
        }
      }
      const int32_t track_start = signal_day + static_cast<int32_t>(rng.Between(3, 30));
      if (q != nullptr && track_start <= today) {
        const int32_t track_end = track_start + static_cast<int32_t>(q->weeks * 7);
        v1::OutcomeEvent e;
        v1::TrackEvent* t = e.mutable_track();
        t->set_track_id(absl::StrFormat("tr-%07d", counts.tracks + pending.tracks + 1));
        t->set_candidate_id(c.id());
        t->set_qualification(q->code);
        t->set_provider(rng.Uniform() < 0.5 ? "Opleidingsbedrijf Techniek" : "ROC Techniek");
        t->set_start_date(FormatIsoDate(track_start));
        t->set_cost_eur(static_cast<uint32_t>(std::min(kMaxTrackCostEur, q->cost_eur * Between(rng, 0.8, 1.2))));
        if (track_end <= today) {
          const bool completed = rng.Uniform() < p.completion;
          t->set_result(completed ? v1::TRACK_RESULT_COMPLETED : v1::TRACK_RESULT_DROPPED);
          t->set_end_date(FormatIsoDate(track_end));
          if (completed) {
            retrained = q->code;
            earliest_start = std::max(earliest_start, track_end + 1);
          }
        }
        add(e);
        ++pending.tracks;
      }
    }

    // The ending: a placement (the region's propensity, tilted towards those still in
    // work by its work-to-work profile), work found outside w2w, or back to work.
    const bool in_work = last != v1::CANDIDATE_STATUS_UNEMPLOYED;
    const double wait = rng.Uniform();
    const int32_t start = std::max(earliest_start, last_signal_day + static_cast<int32_t>(
                                                       (14 + wait * wait * 180) * p.speed));
    double chance = Clamp01(p.placed * (in_work ? 0.5 + p.work_to_work : 1.5 - p.work_to_work));
    // Placed already (outside w2w) or unavailable: a status change ends the episode.
    if (now == v1::CANDIDATE_STATUS_PLACED || now == v1::CANDIDATE_STATUS_UNAVAILABLE) chance = 0;
    if (ending_required && now == v1::CANDIDATE_STATUS_EMPLOYED) chance = kEmployedPlacedShare;
    if (start <= today && rng.Uniform() < chance) {
      v1::OutcomeEvent e;
      v1::PlacementEvent* pl = e.mutable_placement();
      pl->set_candidate_id(c.id());
      pl->set_start_date(FormatIsoDate(start));
      if (!retrained.empty()) pl->add_retrained_qualifications(retrained);
      int64_t vacancy = -1;
      const std::vector<uint32_t>& nearby = by_region_[*region];
      if (!nearby.empty() && rng.Uniform() < kVacancyShare) {
        for (int attempt = 0; attempt < kVacancyTries && vacancy < 0; ++attempt) {
          const uint32_t v = nearby[rng.Below(nearby.size())];
          if (seats_left_[v] > 0 && (attempt >= kSameSectorTries || vacancy_sector_[v] == c.sector())) vacancy = v;
        }
      }
      if (vacancy >= 0) {
        --seats_left_[static_cast<size_t>(vacancy)];
        pl->set_vacancy_id(vacancy_ids_[static_cast<size_t>(vacancy)]);
        pl->set_channel(rng.Uniform() < 0.7 ? v1::PLACEMENT_CHANNEL_SHORTLIST : v1::PLACEMENT_CHANNEL_MATCH_CANDIDATE);
      } else {
        v1::ExternalJob* job = pl->mutable_external();
        job->set_employer_id(absl::StrFormat("ext-%05d", rng.Below(20000)));
        job->set_trade(c.trades(0).code());
        v1::Sector sector = c.sector();
        const std::array<double, 5>& shares = region_sector_cumulative_[*region];
        if (rng.Uniform() >= kSameSectorShare && shares.back() > 0) {
          const double u = rng.Uniform() * shares.back();
          size_t s = 0;
          while (s + 1 < shares.size() && u >= shares[s]) ++s;
          sector = static_cast<v1::Sector>(v1::SECTOR_ME + s);
        }
        job->set_sector(sector);
        job->set_region(c.region());
        job->set_hard_to_fill(rng.Uniform() < 0.1);
        pl->set_channel(v1::PLACEMENT_CHANNEL_OTHER);
      }
      add(e);
      ++pending.placements;
      const std::string placement_id = person.back().event_id();
      bool still = true;
      for (int months : {6, 12}) {
        const int32_t follow_day = AddMonths(start, months);
        if (follow_day > today) break;
        still = still && rng.Uniform() < (months == 6 ? p.retention6 : p.retention12);
        v1::OutcomeEvent f;
        f.mutable_follow_up()->set_placement_event_id(placement_id);
        f.mutable_follow_up()->set_months(static_cast<uint32_t>(months));
        f.mutable_follow_up()->set_in_work(still);
        f.mutable_follow_up()->set_date(FormatIsoDate(follow_day));
        add(f);
        ++pending.follow_ups;
      }
    } else if (ending_required) {
      const int32_t end = last_signal_day + static_cast<int32_t>(rng.Between(14, kEndingDays));
      status_change(c.id(), last, now, std::min(end, today));
    }
    if (counts.events + pending.events > target_events_) break;
    for (const v1::OutcomeEvent& e : person) sink(e);
    counts.events += pending.events;
    counts.status_changes += pending.status_changes;
    counts.placements += pending.placements;
    counts.tracks += pending.tracks;
    counts.follow_ups += pending.follow_ups;
  }
  return counts;
}

}  // namespace w2w::datagen
