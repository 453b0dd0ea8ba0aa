#include "clients/datagen/outcomes.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "clients/datagen/rng.h"
#include "engine/common/dates.h"

namespace w2w::datagen {
namespace {

constexpr uint64_t kProfileStream = 101;
constexpr uint64_t kPersonStream = 102;
constexpr int32_t kYear = 365;

double Between(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.Uniform(); }

}  // namespace

OutcomeGenerator::OutcomeGenerator(const Generator& gen, const taxonomy::Taxonomy& tax, uint64_t candidates,
                                   uint64_t vacancies)
    : gen_(gen), tax_(tax), candidates_(candidates), vacancies_(vacancies) {
  const uint64_t seed = gen.options().seed;
  for (size_t r = 0; r < tax.num_regions(); ++r) {
    Rng rng(Rng::RecordSeed(seed, kProfileStream, r));
    Profile p;
    p.signal = Between(rng, 0.45, 0.75);
    p.placed = Between(rng, 0.40, 0.70);
    p.work_to_work = Between(rng, 0.45, 0.85);
    p.retrain = Between(rng, 0.15, 0.45);
    p.completion = Between(rng, 0.65, 0.92);
    p.retention6 = Between(rng, 0.80, 0.96);
    p.retention12 = Between(rng, 0.85, 0.97);  // Of those still in work at 6 months.
    p.recover = Between(rng, 0.05, 0.15);
    profiles_.push_back(p);
  }
  seats_left_.assign(vacancies, 0);
  vacancy_sector_.assign(vacancies, 0);
  by_region_.resize(tax.num_regions());
  for (uint64_t v = 0; v < vacancies; ++v) {
    const v1::Vacancy vacancy = gen.Vacancy(v);
    if (vacancy.status() != v1::VACANCY_STATUS_OPEN && vacancy.status() != v1::VACANCY_STATUS_UNSPECIFIED) continue;
    seats_left_[v] = static_cast<uint16_t>(std::max<uint32_t>(vacancy.positions(), 1));
    vacancy_sector_[v] = static_cast<uint8_t>(vacancy.sector());
    if (std::optional<taxonomy::RegionId> region = tax.FindRegion(vacancy.region())) {
      by_region_[*region].push_back(static_cast<uint32_t>(v));
    }
  }
  for (size_t q = 0; q < tax.num_qualifications(); ++q) {
    const taxonomy::QualificationInfo& info = tax.qualification(static_cast<taxonomy::QualId>(q));
    if (info.weeks > 0 && info.weeks <= 8) short_courses_.push_back(static_cast<taxonomy::QualId>(q));
  }
}

OutcomeCounts OutcomeGenerator::ForEachEvent(absl::FunctionRef<void(const v1::OutcomeEvent&)> sink) {
  OutcomeCounts counts;
  const int32_t today = gen_.options().today;
  const uint64_t seed = gen_.options().seed;
  auto emit = [&](v1::OutcomeEvent& event) {
    event.set_event_id(absl::StrFormat("ev-%08d", counts.events + 1));
    ++counts.events;
    sink(event);
  };
  auto status_change = [&](const std::string& id, v1::CandidateStatus from, v1::CandidateStatus to, int32_t day) {
    v1::OutcomeEvent e;
    v1::StatusChangeEvent* s = e.mutable_status_change();
    s->set_candidate_id(id);
    s->set_from(from);
    s->set_to(to);
    s->set_date(FormatIsoDate(day));
    emit(e);
    ++counts.status_changes;
  };
  for (uint64_t i = 0; i < candidates_; ++i) {
    const v1::Candidate c = gen_.Candidate(i);
    const std::optional<taxonomy::RegionId> region = tax_.FindRegion(c.region());
    if (!region.has_value()) continue;
    const Profile& p = profiles_[*region];
    Rng rng(Rng::RecordSeed(seed, kPersonStream, i));
    if (rng.Uniform() >= p.signal) continue;
    // The first signal: mostly in the year, a quarter in the year before (whose
    // placements have their 12-month follow-ups by now).
    const int32_t signal_day =
        today - static_cast<int32_t>(rng.Below(kYear)) - (rng.Uniform() < 0.25 ? kYear : 0);
    const double kind = rng.Uniform();
    const v1::CandidateStatus first = kind < 0.45   ? v1::CANDIDATE_STATUS_AT_RISK
                                      : kind < 0.7  ? v1::CANDIDATE_STATUS_NOTICE_GIVEN
                                      : kind < 0.82 ? v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER
                                                    : v1::CANDIDATE_STATUS_UNEMPLOYED;
    status_change(c.id(), v1::CANDIDATE_STATUS_EMPLOYED, first, signal_day);
    // Half of those at risk get their notice a few weeks later.
    if (first == v1::CANDIDATE_STATUS_AT_RISK && rng.Uniform() < 0.5) {
      const int32_t day = signal_day + static_cast<int32_t>(rng.Between(7, 35));
      if (day <= today) status_change(c.id(), first, v1::CANDIDATE_STATUS_NOTICE_GIVEN, day);
    }
    const bool work_to_work = first != v1::CANDIDATE_STATUS_UNEMPLOYED && rng.Uniform() < p.work_to_work;
    // When the placement would start: a few weeks to half a year after the signal.
    const double wait = rng.Uniform();
    int32_t start = signal_day + 14 + static_cast<int32_t>(wait * wait * 200);
    int32_t unemployed_day = 0;
    if (!work_to_work && first != v1::CANDIDATE_STATUS_UNEMPLOYED) {
      unemployed_day = signal_day + static_cast<int32_t>(rng.Between(10, 60));
      start += 20;
      if (unemployed_day <= today) {
        status_change(c.id(), first, v1::CANDIDATE_STATUS_UNEMPLOYED, unemployed_day);
      }
    }
    // Retraining: a short course between the signal and the start.
    std::string retrained;
    const bool retrain = !short_courses_.empty() && rng.Uniform() < p.retrain;
    if (retrain) {
      const taxonomy::QualificationInfo& q = tax_.qualification(short_courses_[rng.Below(short_courses_.size())]);
      const int32_t track_start = signal_day + static_cast<int32_t>(rng.Between(3, 20));
      const int32_t track_end = track_start + static_cast<int32_t>(q.weeks * 7);
      if (track_start <= today) {
        v1::OutcomeEvent e;
        v1::TrackEvent* t = e.mutable_track();
        t->set_track_id(absl::StrFormat("tr-%08d", counts.tracks + 1));
        t->set_candidate_id(c.id());
        t->set_qualification(q.code);
        t->set_provider(rng.Uniform() < 0.5 ? "Opleidingsbedrijf Techniek" : "ROC Techniek");
        t->set_start_date(FormatIsoDate(track_start));
        t->set_cost_eur(static_cast<uint32_t>(q.cost_eur * Between(rng, 0.8, 1.2)));
        if (track_end <= today) {
          const bool completed = rng.Uniform() < p.completion;
          t->set_result(completed ? v1::TRACK_RESULT_COMPLETED : v1::TRACK_RESULT_DROPPED);
          t->set_end_date(FormatIsoDate(track_end));
          if (completed) {
            retrained = q.code;
            start = std::max(start, track_end + 1);
          }
        }
        emit(e);
        ++counts.tracks;
      }
    }
    const bool placed = c.status() != v1::CANDIDATE_STATUS_PLACED && start <= today && rng.Uniform() < p.placed &&
                        (unemployed_day == 0 || unemployed_day < start);
    if (!placed) {
      if (rng.Uniform() < p.recover) {
        const int32_t day = signal_day + static_cast<int32_t>(rng.Between(30, 120));
        if (day <= today) status_change(c.id(), first, v1::CANDIDATE_STATUS_EMPLOYED, day);
      }
      continue;
    }
    v1::OutcomeEvent e;
    v1::PlacementEvent* pl = e.mutable_placement();
    pl->set_candidate_id(c.id());
    pl->set_start_date(FormatIsoDate(start));
    if (!retrained.empty()) pl->add_retrained_qualifications(retrained);
    // A vacancy of the region with a seat left (most), else a job outside w2w.
    int64_t vacancy = -1;
    const std::vector<uint32_t>& nearby = by_region_[*region];
    // Mostly within the sector: the first tries want the candidate's own.
    for (int attempt = 0; attempt < 8 && vacancy < 0 && !nearby.empty() && rng.Uniform() < 0.95; ++attempt) {
      const uint32_t v = nearby[rng.Below(nearby.size())];
      if (seats_left_[v] > 0 && (attempt >= 5 || vacancy_sector_[v] == c.sector())) vacancy = v;
    }
    if (vacancy >= 0) {
      --seats_left_[static_cast<size_t>(vacancy)];
      pl->set_vacancy_id(gen_.Vacancy(static_cast<size_t>(vacancy)).id());
      pl->set_channel(rng.Uniform() < 0.7 ? v1::PLACEMENT_CHANNEL_SHORTLIST : v1::PLACEMENT_CHANNEL_MATCH_CANDIDATE);
    } else {
      v1::ExternalJob* job = pl->mutable_external();
      job->set_employer_id(absl::StrFormat("ext-%05d", rng.Below(20000)));
      job->set_trade(c.trades(0).code());
      job->set_sector(rng.Uniform() < 0.8 ? c.sector() : static_cast<v1::Sector>(1 + rng.Below(5)));
      job->set_region(c.region());
      pl->set_channel(v1::PLACEMENT_CHANNEL_OTHER);
    }
    emit(e);
    ++counts.placements;
    const std::string placement_id = e.event_id();
    // Follow-ups when the months have passed.
    bool in_work = true;
    for (uint32_t months : {6u, 12u}) {
      const int32_t day = start + static_cast<int32_t>(months * 365 / 12);
      if (day > today) break;
      in_work = in_work && rng.Uniform() < (months == 6 ? p.retention6 : p.retention12);
      v1::OutcomeEvent f;
      f.mutable_follow_up()->set_placement_event_id(placement_id);
      f.mutable_follow_up()->set_months(months);
      f.mutable_follow_up()->set_in_work(in_work);
      f.mutable_follow_up()->set_date(FormatIsoDate(day));
      emit(f);
      ++counts.follow_ups;
    }
  }
  return counts;
}

}  // namespace w2w::datagen
