#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/common/text.h"
#include "engine/match/features.h"
#include "engine/match/matcher_impl.h"

namespace w2w::match {

std::unique_ptr<Matcher> Matcher::Create(std::shared_ptr<const taxonomy::Taxonomy> taxonomy,
                                         const v1::Policy& policy) {
  return std::make_unique<MatcherImpl>(std::move(taxonomy), policy);
}

MatcherImpl::MatcherImpl(std::shared_ptr<const taxonomy::Taxonomy> taxonomy, const v1::Policy& policy)
    : model_(CompiledPolicy::Compile(std::move(taxonomy), policy)),
      cands_(std::make_shared<CandidateIndex>(model_.load()->candidate_cells.map)),
      vacs_(std::make_shared<VacancyIndex>(model_.load()->vacancy_cells.map)) {}

void MatcherImpl::UpsertCandidate(const v1::Candidate& candidate) {
  const std::shared_ptr<const CompiledPolicy> model = model_.load();
  std::shared_ptr<CandidateIndex> idx = cands_.load();
  idx->Upsert(candidate.id(), candidate.employer_id(), CandidateFeatures(*model, candidate),
              sources_.Intern(candidate.source()));
  const uint64_t dead = idx->dead_rows();
  if (dead >= kCompactMinDead && dead > kCompactDeadShare * (dead + idx->live())) {
    cands_.store(std::shared_ptr<CandidateIndex>(idx->Compacted()));
  }
}

void MatcherImpl::RemoveCandidate(std::string_view id) {
  std::shared_ptr<CandidateIndex> idx = cands_.load();
  idx->Remove(id);
  const uint64_t dead = idx->dead_rows();
  if (dead >= kCompactMinDead && dead > kCompactDeadShare * (dead + idx->live())) {
    cands_.store(std::shared_ptr<CandidateIndex>(idx->Compacted()));
  }
}

void MatcherImpl::UpsertVacancy(const v1::Vacancy& vacancy) {
  const std::shared_ptr<const CompiledPolicy> model = model_.load();
  std::shared_ptr<VacancyIndex> idx = vacs_.load();
  // The listed status: UNSPECIFIED reads as OPEN (openness itself is judged by
  // validate::IsOpenVacancyStatus when the features are compiled).
  const int status = vacancy.status() == v1::VACANCY_STATUS_UNSPECIFIED ? v1::VACANCY_STATUS_OPEN
                                                                        : vacancy.status();
  idx->Upsert(vacancy.id(), vacancy.employer_id(), vacancy.title(), status,
              VacancyFeatures(*model, vacancy), sources_.Intern(vacancy.source()));
  {
    std::string bytes = vacancy.SerializeAsString();
    absl::MutexLock lock(&vacancy_records_mu_);
    auto [it, inserted] = vacancy_records_.try_emplace(vacancy.id());
    uint64_t total = vacancy_record_bytes_.load(std::memory_order_relaxed) - it->second.size() +
                     bytes.size() + (inserted ? it->first.size() : 0);
    it->second = std::move(bytes);
    vacancy_record_bytes_.store(total, std::memory_order_relaxed);
  }
  const uint64_t dead = idx->dead_rows();
  if (dead >= kCompactMinDead && dead > kCompactDeadShare * (dead + idx->live())) {
    vacs_.store(std::shared_ptr<VacancyIndex>(idx->Compacted()));
  }
}

void MatcherImpl::RemoveVacancy(std::string_view id) {
  std::shared_ptr<VacancyIndex> idx = vacs_.load();
  idx->Remove(id);
  {
    absl::MutexLock lock(&vacancy_records_mu_);
    auto it = vacancy_records_.find(absl::string_view(id.data(), id.size()));
    if (it != vacancy_records_.end()) {
      vacancy_record_bytes_.fetch_sub(it->first.size() + it->second.size(), std::memory_order_relaxed);
      vacancy_records_.erase(it);
    }
  }
  const uint64_t dead = idx->dead_rows();
  if (dead >= kCompactMinDead && dead > kCompactDeadShare * (dead + idx->live())) {
    vacs_.store(std::shared_ptr<VacancyIndex>(idx->Compacted()));
  }
}

void MatcherImpl::SetModel(std::shared_ptr<const taxonomy::Taxonomy> taxonomy, const v1::Policy& policy) {
  // The index's cells stay; the new policy bounds them with its own points.
  const std::shared_ptr<const CompiledPolicy> old = model_.load();
  model_.store(CompiledPolicy::Compile(std::move(taxonomy), policy, old->candidate_cells.map,
                                       old->vacancy_cells.map));
}

std::vector<std::string> MatcherImpl::CandidatesOfEmployer(std::string_view employer_id) const {
  return cands_.load()->OfEmployer(employer_id);
}

std::optional<v1::Vacancy> MatcherImpl::FindVacancy(std::string_view id) const {
  v1::Vacancy vacancy;
  {
    absl::ReaderMutexLock lock(&vacancy_records_mu_);
    auto it = vacancy_records_.find(absl::string_view(id.data(), id.size()));
    if (it == vacancy_records_.end()) return std::nullopt;
    // Our own serialization of a message: it parses.
    if (!vacancy.ParseFromString(it->second)) return std::nullopt;
  }
  return vacancy;
}

uint64_t MatcherImpl::MemoryBytes() const {
  return cands_.load()->MemoryBytes() + vacs_.load()->MemoryBytes() +
         vacancy_record_bytes_.load(std::memory_order_relaxed);
}

std::optional<uint16_t> SourceCondition(const SourceDictionary& sources, const Restriction& restriction,
                                        bool* nothing_visible) {
  *nothing_visible = false;
  if (!restriction.source.has_value()) return std::nullopt;
  const std::optional<uint16_t> id = sources.Find(*restriction.source);
  if (!id.has_value() || *id == kOverflowSource) *nothing_visible = true;
  return id.value_or(kNoSource);
}

absl::StatusOr<QueryFilter> ParseFilter(const CompiledPolicy& m, uint32_t k, const v1::MatchFilter& filter) {
  QueryFilter q;
  if (k > kMaxK) return absl::InvalidArgumentError(absl::StrCat("k: must be at most ", kMaxK));
  q.k = k == 0 ? kDefaultK : k;
  if (!(filter.min_score() >= 0 && filter.min_score() <= 1)) {
    return absl::InvalidArgumentError("filter.min_score: must be in [0, 1]");
  }
  q.min_score = filter.min_score();
  if (!(filter.max_retraining_weeks() >= 0 && filter.max_retraining_weeks() <= 1e6)) {
    return absl::InvalidArgumentError("filter.max_retraining_weeks: must be >= 0");
  }
  q.max_weeks = filter.max_retraining_weeks();
  std::fill(std::begin(q.region_ok), std::end(q.region_ok), filter.regions().empty());
  for (int i = 0; i < filter.regions_size(); ++i) {
    auto r = m.FindRegion(filter.regions(i));
    if (!r) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter.regions[", i, "]: unknown region ", QuoteValue(filter.regions(i))));
    }
    q.region_ok[*r] = true;
  }
  if (!filter.sectors().empty()) {
    q.sector_mask = 0;
    for (int i = 0; i < filter.sectors_size(); ++i) {
      const int s = filter.sectors(i);
      if (s < 1 || s > taxonomy::kNumSectors) {
        return absl::InvalidArgumentError(absl::StrCat("filter.sectors[", i, "]: must be a sector"));
      }
      q.sector_mask |= static_cast<uint8_t>(1u << s);
    }
  }
  if (!filter.statuses().empty()) {
    q.status_mask = 0;
    for (int i = 0; i < filter.statuses_size(); ++i) {
      const int s = filter.statuses(i);
      if (s < 1 || s > taxonomy::kNumStatuses) {
        return absl::InvalidArgumentError(
            absl::StrCat("filter.statuses[", i, "]: must be a candidate status"));
      }
      q.status_mask |= static_cast<uint8_t>(1u << s);
    }
  }
  return q;
}

}  // namespace w2w::match
