#include "engine/rematch/selection.h"

#include <cmath>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"

namespace w2w::rematch {
namespace {

bool Skipped(const v1::Candidate& c) {
  return c.status() == v1::CANDIDATE_STATUS_PLACED ||
         c.status() == v1::CANDIDATE_STATUS_UNAVAILABLE;
}

absl::Status TooMany() {
  return absl::ResourceExhaustedError(
      absl::StrCat("selection: more than ", kMaxSelected, " candidates selected"));
}

// Adds a known candidate to `out` (or counts it as skipped).
absl::Status Add(v1::Candidate candidate, Selection& out) {
  ++out.selected;
  if (out.selected > kMaxSelected) return TooMany();
  if (Skipped(candidate)) {
    ++out.skipped;
    return absl::OkStatus();
  }
  std::string id = candidate.id();
  out.people.push_back({std::move(id), std::move(candidate)});
  return absl::OkStatus();
}

bool MatchesFilter(const v1::Candidate& c, const v1::CandidateSelector& filter,
                   const absl::flat_hash_set<std::string>& regions) {
  if (!regions.empty() && !regions.contains(c.region())) return false;
  if (filter.sectors_size() > 0) {
    bool any = false;
    for (int s : filter.sectors()) any |= s == c.sector();
    if (!any) return false;
  }
  if (filter.statuses_size() > 0) {
    bool any = false;
    for (int s : filter.statuses()) any |= s == c.status();
    if (!any) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateRequest(const v1::StartRematchRequest& request,
                             const taxonomy::Taxonomy& taxonomy) {
  const v1::RematchOptions& o = request.options();
  if (o.k() > kMaxK) {
    return absl::InvalidArgumentError(absl::StrCat("options.k: ", o.k(), " is over ", kMaxK));
  }
  if (!std::isfinite(o.max_retraining_weeks()) || o.max_retraining_weeks() < 0) {
    return absl::InvalidArgumentError("options.max_retraining_weeks: must be >= 0");
  }
  if (!std::isfinite(o.min_score()) || o.min_score() < 0 || o.min_score() > 1) {
    return absl::InvalidArgumentError("options.min_score: must be in [0, 1]");
  }
  if (!v1::Language_IsValid(o.language())) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.language: unknown language ", o.language(), " (LANGUAGE_NL or LANGUAGE_EN)"));
  }
  if (!v1::RematchMode_IsValid(o.mode())) {
    return absl::InvalidArgumentError(absl::StrCat("options.mode: unknown mode ", o.mode()));
  }
  if (o.label().size() > kMaxLabelBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.label: longer than ", kMaxLabelBytes, " bytes"));
  }
  if (std::optional<size_t> at = FirstControlChar(o.label())) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.label: control character at byte ", *at,
                     "; free text must not contain U+0000..U+001F or U+007F"));
  }
  const v1::RematchSelection& s = request.selection();
  switch (s.selection_case()) {
    case v1::RematchSelection::kEmployerId:
      if (s.employer_id().empty()) {
        return absl::InvalidArgumentError("selection.employer_id: must not be empty");
      }
      return absl::OkStatus();
    case v1::RematchSelection::kCandidateIds: {
      const auto& ids = s.candidate_ids().ids();
      if (ids.empty()) return absl::InvalidArgumentError("selection.candidate_ids.ids: empty");
      if (static_cast<size_t>(ids.size()) > kMaxSelected) {
        return absl::InvalidArgumentError(
            absl::StrCat("selection.candidate_ids.ids: more than ", kMaxSelected, " ids"));
      }
      for (int i = 0; i < ids.size(); ++i) {
        if (ids[i].empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("selection.candidate_ids.ids[", i, "]: empty id"));
        }
      }
      return absl::OkStatus();
    }
    case v1::RematchSelection::kFilter: {
      const v1::CandidateSelector& f = s.filter();
      for (int i = 0; i < f.regions_size(); ++i) {
        if (!taxonomy.FindRegion(f.regions(i)).has_value()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "selection.filter.regions[", i, "]: unknown region ", QuoteValue(f.regions(i))));
        }
      }
      for (int i = 0; i < f.sectors_size(); ++i) {
        if (f.sectors(i) == v1::SECTOR_UNSPECIFIED || !v1::Sector_IsValid(f.sectors(i))) {
          return absl::InvalidArgumentError(
              absl::StrCat("selection.filter.sectors[", i, "]: invalid sector"));
        }
      }
      for (int i = 0; i < f.statuses_size(); ++i) {
        if (f.statuses(i) == v1::CANDIDATE_STATUS_UNSPECIFIED ||
            !v1::CandidateStatus_IsValid(f.statuses(i))) {
          return absl::InvalidArgumentError(
              absl::StrCat("selection.filter.statuses[", i, "]: invalid status"));
        }
      }
      if (f.regions_size() + f.sectors_size() + f.statuses_size() == 0) {
        return absl::InvalidArgumentError(
            "selection.filter: give at least one of regions, sectors, statuses");
      }
      return absl::OkStatus();
    }
    case v1::RematchSelection::SELECTION_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "selection: required (employer_id, candidate_ids or filter)");
}

absl::StatusOr<Selection> Select(const v1::RematchSelection& selection,
                                 const records::RecordStore& records,
                                 const match::Matcher& matcher,
                                 const taxonomy::Taxonomy& taxonomy,
                                 const std::function<bool(const v1::Candidate&)>& sees) {
  Selection out;
  auto visible = [&](const std::optional<v1::Candidate>& c) { return c.has_value() && (!sees || sees(*c)); };
  switch (selection.selection_case()) {
    case v1::RematchSelection::kEmployerId: {
      const std::vector<std::string> ids = matcher.CandidatesOfEmployer(selection.employer_id());
      if (ids.empty()) {
        return absl::NotFoundError(absl::StrCat("selection.employer_id: no candidates of employer ",
                                                QuoteValue(selection.employer_id())));
      }
      // Unscoped, the employer's size alone decides; scoped, only the candidates the caller
      // sees count (Add caps them), so an employer outside the scope answers NOT_FOUND
      // like an unknown one, whatever its size.
      if (!sees && ids.size() > kMaxSelected) return TooMany();
      for (const std::string& id : ids) {
        ASSIGN_OR_RETURN(std::optional<v1::Candidate> c, records.GetCandidate(id));
        if (!visible(c)) continue;  // Deleted since the index listed it, or out of scope.
        RETURN_IF_ERROR(Add(*std::move(c), out));
      }
      if (sees && out.selected == 0) {
        return absl::NotFoundError(absl::StrCat("selection.employer_id: no candidates of employer ",
                                                QuoteValue(selection.employer_id())));
      }
      return out;
    }
    case v1::RematchSelection::kCandidateIds: {
      absl::flat_hash_set<std::string> seen;
      for (const std::string& id : selection.candidate_ids().ids()) {
        if (!seen.insert(id).second) continue;
        ASSIGN_OR_RETURN(std::optional<v1::Candidate> c, records.GetCandidate(id));
        if (visible(c)) {
          RETURN_IF_ERROR(Add(*std::move(c), out));
        } else {
          ++out.selected;
          out.people.push_back({id, std::nullopt});
        }
      }
      return out;
    }
    case v1::RematchSelection::kFilter: {
      const v1::CandidateSelector& f = selection.filter();
      absl::flat_hash_set<std::string> regions;
      for (const std::string& r : f.regions()) {
        regions.insert(taxonomy.region(*taxonomy.FindRegion(r)).name);
      }
      absl::Status status;
      ASSIGN_OR_RETURN(uint64_t visited,
                       records.Scan<v1::Candidate>("", 0, [&](v1::Candidate& c) {
                         if (!MatchesFilter(c, f, regions) || (sees && !sees(c))) return true;
                         status = Add(std::move(c), out);
                         return status.ok();
                       }));
      (void)visited;
      RETURN_IF_ERROR(status);
      return out;
    }
    case v1::RematchSelection::SELECTION_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("selection: required");
}

}  // namespace w2w::rematch
