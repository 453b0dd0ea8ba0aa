#include "engine/readiness/report.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/common/text.h"

namespace w2w::readiness {
namespace {

// Page tokens name the last group key of the page: group keys the caller saw already.
constexpr char kTokenPrefix[] = "after:";
constexpr std::string_view kNoCluster = "(no cluster)";

struct VacancyAcc {
  std::shared_ptr<const VacancyInfo> info;  // Keeps the key's storage alive.
  uint64_t fits = 0;
  uint64_t fits_now = 0;
};

struct Acc {
  uint64_t people = 0;
  uint64_t pending = 0;
  absl::flat_hash_set<std::string> employers;
  uint64_t buckets[kNumBuckets] = {};
  absl::flat_hash_map<std::string, std::pair<uint64_t, float>> unlock;  // code -> people, weeks
  absl::flat_hash_map<absl::string_view, VacancyAcc> vacancies;  // Keys: VacancyAcc::info's id.
  absl::Time newest = absl::InfinitePast();
  absl::Time oldest = absl::InfiniteFuture();
};

std::string FormatMillis(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string SectorCode(v1::Sector sector) {
  const std::string& name = v1::Sector_Name(sector);
  return name.starts_with("SECTOR_") ? name.substr(7) : name;
}

// Adds one computed person (their visible options, `bucket` over them) to `acc`.
void AddPerson(const PersonView& person, const std::vector<const Option*>& visible, Bucket bucket, Acc& acc) {
  ++acc.people;
  acc.employers.insert(person.candidate->employer_id());
  ++acc.buckets[static_cast<int>(bucket)];
  acc.newest = std::max(acc.newest, person.computed_at);
  acc.oldest = std::min(acc.oldest, person.computed_at);
  absl::flat_hash_set<std::string_view> unlocked;  // Each qualification once per person.
  for (const Option* o : visible) {
    if (bucket != Bucket::kNow && !o->only_missing.empty() && unlocked.insert(o->only_missing).second) {
      auto& [people, weeks] = acc.unlock[o->only_missing];
      ++people;
      weeks = o->weeks;
    }
    const std::string& vid = o->vacancy->vacancy_id;
    VacancyAcc& v = acc.vacancies[absl::string_view(vid.data(), vid.size())];
    if (v.info == nullptr) v.info = o->vacancy;  // Now the key's storage is held.
    ++v.fits;
    if (o->bucket == Bucket::kNow) ++v.fits_now;
  }
}

void Finish(const std::string& key, const std::string& label, Acc& acc, uint32_t top,
            const taxonomy::Taxonomy& tax, v1::ReadinessGroup* out) {
  out->set_group(key);
  out->set_label(label);
  out->set_people(acc.people);
  out->set_pending(acc.pending);
  out->set_employers(acc.employers.size());
  const uint64_t* b = acc.buckets;
  v1::ReadinessBuckets* buckets = out->mutable_buckets();
  buckets->set_now(b[0]);
  buckets->set_within_4_weeks(b[1]);
  buckets->set_within_13_weeks(b[2]);
  buckets->set_within_26_weeks(b[3]);
  buckets->set_not_placeable(b[4]);
  if (acc.people > 0) {
    const double n = static_cast<double>(acc.people);
    v1::ReadinessShares* shares = out->mutable_shares();
    shares->set_now(b[0] / n);
    shares->set_within_4_weeks(b[1] / n);
    shares->set_within_13_weeks(b[2] / n);
    shares->set_within_26_weeks(b[3] / n);
    shares->set_not_placeable(b[4] / n);
  }
  std::vector<std::pair<std::string, std::pair<uint64_t, float>>> unlock(acc.unlock.begin(), acc.unlock.end());
  std::sort(unlock.begin(), unlock.end(), [](const auto& a, const auto& b) {
    return a.second.first != b.second.first ? a.second.first > b.second.first : a.first < b.first;
  });
  if (unlock.size() > top) unlock.resize(top);
  for (const auto& [code, figures] : unlock) {
    v1::UnlockingQualification* q = out->add_unlocking();
    q->set_qualification(code);
    if (std::optional<taxonomy::QualId> id = tax.FindQualification(code)) q->set_name(tax.qualification(*id).name);
    q->set_weeks(figures.second);
    q->set_people(figures.first);
  }
  std::vector<const VacancyAcc*> vacancies;
  for (const auto& [id, v] : acc.vacancies) vacancies.push_back(&v);
  std::sort(vacancies.begin(), vacancies.end(), [](const VacancyAcc* a, const VacancyAcc* b) {
    if (a->fits != b->fits) return a->fits > b->fits;
    if (a->fits_now != b->fits_now) return a->fits_now > b->fits_now;
    return a->info->vacancy_id < b->info->vacancy_id;
  });
  if (vacancies.size() > top) vacancies.resize(top);
  for (const VacancyAcc* v : vacancies) {
    v1::AbsorbingVacancy* a = out->add_absorbing();
    a->set_vacancy_id(v->info->vacancy_id);
    a->set_employer_id(v->info->employer_id);
    a->set_title(v->info->title);
    a->set_region(v->info->region);
    a->set_positions(v->info->positions);
    a->set_fits(v->fits);
    a->set_fits_now(v->fits_now);
  }
  if (acc.people > 0) {
    out->set_computed_at(FormatMillis(acc.newest));
    out->set_oldest_computed_at(FormatMillis(acc.oldest));
  }
}

}  // namespace

absl::StatusOr<v1::GetReadinessResponse> BuildReport(const Tracker& tracker, const taxonomy::Taxonomy& tax,
                                                     const Viewer& viewer, const v1::GetReadinessRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  if (!v1::ReadinessGrouping_IsValid(request.group_by())) {
    return absl::InvalidArgumentError(absl::StrCat("group_by: unknown grouping ", request.group_by(),
                                                   " (EMPLOYER, REGION, CLUSTER or SECTOR)"));
  }
  const v1::ReadinessGrouping by =
      request.group_by() == v1::READINESS_GROUPING_UNSPECIFIED ? v1::READINESS_GROUPING_EMPLOYER : request.group_by();
  std::optional<std::string> region;
  if (!request.region().empty()) {
    std::optional<taxonomy::RegionId> id = tax.FindRegion(request.region());
    if (!id) return absl::InvalidArgumentError(absl::StrCat("region: unknown region ", QuoteValue(request.region())));
    region = tax.region(*id).name;
  }
  if (!v1::Sector_IsValid(request.sector())) {
    return absl::InvalidArgumentError(absl::StrCat("sector: unknown sector ", request.sector()));
  }
  if (request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request.page_size(), " is over the maximum of ", kMaxPageSize));
  }
  if (request.top() > kMaxTop) {
    return absl::InvalidArgumentError(absl::StrCat("top: ", request.top(), " is over the maximum of ", kMaxTop));
  }
  std::string after;
  if (!request.page_token().empty()) {
    if (!request.page_token().starts_with(kTokenPrefix)) {
      return absl::InvalidArgumentError("page_token: not a token of GetReadiness (pass next_page_token as given)");
    }
    after = request.page_token().substr(sizeof(kTokenPrefix) - 1);
  }
  const uint32_t page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const uint32_t top = request.top() == 0 ? kDefaultTop : request.top();

  auto key_of = [&](const v1::Candidate& c) -> std::string {
    switch (by) {
      case v1::READINESS_GROUPING_REGION:
        return c.region();
      case v1::READINESS_GROUPING_CLUSTER: {
        std::optional<taxonomy::RegionId> r = tax.FindRegion(c.region());
        if (!r || tax.region(*r).cluster == taxonomy::kNoCluster) return std::string(kNoCluster);
        return tax.cluster_name(tax.region(*r).cluster);
      }
      case v1::READINESS_GROUPING_SECTOR:
        return SectorCode(c.sector());
      default:
        return c.employer_id();
    }
  };

  std::map<std::string, Acc> groups;
  Acc total;
  absl::flat_hash_set<std::string> pending_employers;
  std::vector<const Option*> visible;
  auto visit = [&](const PersonView& person) {
    const v1::Candidate& c = *person.candidate;
    if (region && c.region() != *region) return;
    if (request.sector() != v1::SECTOR_UNSPECIFIED && c.sector() != request.sector()) return;
    if (!viewer.sees_candidate(c)) return;
    Acc& group = groups[key_of(c)];
    if (!person.computed) {
      ++group.pending;
      ++total.pending;
      pending_employers.insert(c.employer_id());
      return;
    }
    visible.clear();
    Bucket bucket = Bucket::kNotPlaceable;
    for (const Option& o : *person.options) {
      if (!viewer.sees_vacancy(o)) continue;
      visible.push_back(&o);
      bucket = std::min(bucket, o.bucket);
    }
    AddPerson(person, visible, bucket, group);
    AddPerson(person, visible, bucket, total);
  };
  TrackerStats stats;
  if (request.employer_id().empty()) {
    stats = tracker.Visit(visit);
  } else {
    stats = tracker.VisitEmployer(request.employer_id(), visit);
    if (groups.empty()) {
      return absl::NotFoundError(absl::StrCat("employer ", QuoteValue(request.employer_id()),
                                              ": no workforce of it in your scope (candidates with this "
                                              "employer_id and status EMPLOYED, AT_RISK, NOTICE_GIVEN or "
                                              "BANKRUPT_EMPLOYER)"));
    }
  }

  v1::GetReadinessResponse out;
  out.set_group_by(by);
  for (auto it = groups.upper_bound(after); it != groups.end(); ++it) {
    if (static_cast<uint32_t>(out.groups_size()) == page_size) {
      out.set_next_page_token(absl::StrCat(kTokenPrefix, out.groups(out.groups_size() - 1).group()));
      break;
    }
    Finish(it->first, it->first, it->second, top, tax, out.add_groups());
  }
  Finish("", "", total, top, tax, out.mutable_total());
  out.set_scope(viewer.description);
  out.set_tracked_people(stats.tracked);
  out.set_dirty_people(stats.dirty);
  out.set_pending_people(stats.pending);
  out.set_stale_people(stats.stale);
  out.set_pending_vacancy_changes(stats.pending_vacancy_changes);
  out.set_pending_employers(pending_employers.size());
  out.set_elapsed_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  out.set_definitions("docs/readiness.md");
  return out;
}

}  // namespace w2w::readiness
