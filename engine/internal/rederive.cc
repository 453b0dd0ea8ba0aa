// RederiveMunicipalityLocked and IndexRederived (rederive.h).
#include "engine/internal/rederive.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/common/status_macros.h"

namespace w2w::internal {
namespace {

// Moves `record` (may be moved from) to `staged` with its derived location when that
// differs from what `tax` derives for municipality `target`.
template <typename Record>
void RederiveOne(const taxonomy::Taxonomy& tax, taxonomy::MunicipalityId target,
                 const std::string& now, Record& record, std::vector<Record>* staged) {
  if (record.municipality().empty()) return;
  const std::optional<taxonomy::Taxonomy::MunicipalityRef> ref =
      tax.LookupMunicipality(record.municipality());
  if (!ref.has_value() || ref->id != target) return;
  const std::string& region = tax.region(ref->region).name;
  if (record.region() == region && record.municipality() == ref->name) return;
  record.set_region(region);
  record.set_municipality(std::string(ref->name));
  record.set_version(record.version() + 1);
  record.set_updated_at(now);
  staged->push_back(std::move(record));
}

}  // namespace

absl::StatusOr<Rederived> RederiveMunicipalityLocked(const EngineState& state,
                                                     const taxonomy::Taxonomy& next,
                                                     std::string_view municipality,
                                                     const std::string& now,
                                                     records::WriteSet* writes) {
  Rederived out;
  const std::optional<taxonomy::Taxonomy::MunicipalityRef> changed =
      next.LookupMunicipality(municipality);
  if (!changed.has_value()) return out;
  const taxonomy::MunicipalityId target = changed->id;
  // Collected first and staged after both scans: a failed scan leaves `writes` as it was.
  RETURN_IF_ERROR(state.records
                      ->Scan<v1::Candidate>("", 0,
                                            [&](v1::Candidate& c) {
                                              RederiveOne(next, target, now, c, &out.candidates);
                                              return true;
                                            })
                      .status());
  RETURN_IF_ERROR(state.records
                      ->Scan<v1::Vacancy>("", 0,
                                          [&](v1::Vacancy& v) {
                                            RederiveOne(next, target, now, v, &out.vacancies);
                                            return true;
                                          })
                      .status());
  for (const v1::Candidate& c : out.candidates) writes->Put(c);
  for (const v1::Vacancy& v : out.vacancies) writes->Put(v);
  return out;
}

void IndexRederived(match::Matcher& matcher, const Rederived& rederived) {
  for (const v1::Candidate& c : rederived.candidates) matcher.UpsertCandidate(c);
  for (const v1::Vacancy& v : rederived.vacancies) matcher.UpsertVacancy(v);
}

}  // namespace w2w::internal
