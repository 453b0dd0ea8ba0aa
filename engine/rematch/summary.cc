#include "engine/rematch/summary.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace w2w::rematch {
namespace {

struct Demand {
  std::string name;
  double weeks = 0, cost_eur = 0;
  uint64_t people = 0;
  absl::flat_hash_set<std::string> vacancies;
  absl::flat_hash_map<std::string, uint64_t> regions;
};

bool HasRequiredStep(const v1::VacancyMatch& match, const std::string& qualification) {
  for (const v1::RetrainingStep& step : match.explanation().missing()) {
    if (step.required() && step.qualification() == qualification) return true;
  }
  return false;
}

}  // namespace

bool NeedsRetraining(const v1::VacancyMatch& match) {
  for (const v1::RetrainingStep& step : match.explanation().missing()) {
    if (step.required()) return true;
  }
  return false;
}

void FillSummary(const std::vector<SummaryPerson>& people, v1::RematchSummary* summary) {
  summary->set_placeable_now(0);
  summary->set_placeable_after_retraining(0);
  summary->set_not_placeable(0);
  summary->set_sector_moves(0);
  summary->clear_by_destination();
  summary->clear_retraining_demand();
  double total_score = 0;
  std::map<std::pair<std::string, int>, uint64_t> destinations;
  std::map<std::string, Demand> demand;  // Ordered by code for deterministic ties.

  for (const SummaryPerson& person : people) {
    const v1::PersonResult& r = *person.result;
    switch (r.placement()) {
      case v1::PLACEMENT_NOW: summary->set_placeable_now(summary->placeable_now() + 1); break;
      case v1::PLACEMENT_AFTER_RETRAINING:
        summary->set_placeable_after_retraining(summary->placeable_after_retraining() + 1);
        break;
      default: summary->set_not_placeable(summary->not_placeable() + 1); break;
    }
    if (!r.has_assigned()) continue;
    const v1::VacancyMatch& a = r.assigned();
    total_score += a.score();
    ++destinations[{a.region(), static_cast<int>(a.sector())}];
    if (a.sector() != person.home_sector) summary->set_sector_moves(summary->sector_moves() + 1);
    for (const v1::RetrainingStep& step : a.explanation().missing()) {
      if (!step.required()) continue;
      Demand& d = demand[step.qualification()];
      if (d.people == 0) {
        d.name = step.name();
        d.weeks = step.weeks();
        d.cost_eur = step.cost_eur();
      }
      ++d.people;
      if (!person.home_region.empty()) ++d.regions[person.home_region];
      d.vacancies.insert(a.vacancy_id());
      for (const v1::VacancyMatch& alt : r.alternatives()) {
        if (HasRequiredStep(alt, step.qualification())) d.vacancies.insert(alt.vacancy_id());
      }
    }
  }
  summary->set_total_score(total_score);

  std::vector<std::tuple<uint64_t, std::string, int>> dest;
  for (const auto& [key, count] : destinations) dest.emplace_back(count, key.first, key.second);
  std::stable_sort(dest.begin(), dest.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  for (const auto& [count, region, sector] : dest) {
    v1::RegionSectorCount* c = summary->add_by_destination();
    c->set_region(region);
    c->set_sector(static_cast<v1::Sector>(sector));
    c->set_people(count);
  }

  std::vector<const std::pair<const std::string, Demand>*> ranked;
  for (const auto& entry : demand) ranked.push_back(&entry);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) {
    if (a->second.people != b->second.people) return a->second.people > b->second.people;
    return a->second.vacancies.size() > b->second.vacancies.size();
  });
  uint32_t rank = 0;
  for (const auto* entry : ranked) {
    const Demand& d = entry->second;
    v1::RetrainingDemand* out = summary->add_retraining_demand();
    out->set_qualification(entry->first);
    out->set_name(d.name);
    out->set_people(d.people);
    out->set_vacancies(d.vacancies.size());
    out->set_weeks(d.weeks);
    out->set_cost_eur(d.cost_eur);
    out->set_rank(++rank);
    std::vector<std::pair<std::string, uint64_t>> regions(d.regions.begin(), d.regions.end());
    std::sort(regions.begin(), regions.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    for (const auto& [region, n] : regions) out->add_regions(region);
  }
}

}  // namespace w2w::rematch
