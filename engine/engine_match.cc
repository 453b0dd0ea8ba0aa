// Engine facade: matching queries. Resolves the request's targets (a stored record by id,
// or an inline record that is validated but not stored) and hands them to the matcher.
// A shortlist's stored vacancy comes from the matcher's index (Matcher::FindVacancy);
// the other stored targets are read from the store.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/access/permissions.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/read_in_scope.h"
#include "engine/internal/record_ops.h"
#include "engine/validate/open_vacancy.h"
#include "engine/validate/validate.h"

namespace w2w {
namespace {

using internal::RecordTraits;

// Validates and canonicalises an inline record (id optional) under `path`.
template <typename Record>
absl::StatusOr<Record> Inline(const internal::EngineState& state, Record record) {
  if (record.id().empty()) record.set_id(std::string(kInlineId));
  RETURN_IF_ERROR(RecordTraits<Record>::Canonicalize(*state.taxonomy(), &record,
                                                     RecordTraits<Record>::kName));
  return record;
}

// A vacancy a shortlist can be made for: open and not expired. Stored and inline
// vacancies get the same answer (FAILED_PRECONDITION naming the vacancy and why), so a
// coach never gets an empty shortlist without a reason.
absl::StatusOr<v1::Vacancy> OpenVacancy(v1::Vacancy vacancy) {
  if (!validate::IsOpenVacancy(vacancy)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "vacancy '", vacancy.id(), "' is closed (", v1::VacancyStatus_Name(vacancy.status()),
        "); reopen it with an upsert to shortlist"));
  }
  if (!vacancy.expires_at().empty()) {
    const std::optional<int32_t> expires = ParseIsoDate(vacancy.expires_at());
    if (expires.has_value() && *expires < TodayUtc()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "vacancy '", vacancy.id(), "' expired on ", vacancy.expires_at(),
          " (expires_at); extend expires_at to shortlist"));
    }
  }
  return vacancy;
}

// A candidate that can be matched: not placed and not unavailable.
absl::StatusOr<v1::Candidate> MatchableCandidate(v1::Candidate candidate) {
  if (candidate.status() == v1::CANDIDATE_STATUS_PLACED ||
      candidate.status() == v1::CANDIDATE_STATUS_UNAVAILABLE) {
    return absl::FailedPreconditionError(absl::StrCat(
        "candidate '", candidate.id(), "' is not available for matching (",
        v1::CandidateStatus_Name(candidate.status()), ")"));
  }
  return candidate;
}

// What the caller's scope lets a query find (engine/access/scope.h): a partner only rows
// of its source; a coach only vacancies in its regions (the candidates a coach's
// shortlist finds all reach its vacancy, which is in its scope, so they are in scope).
match::Restriction RestrictionOf(const access::Scope& scope) {
  match::Restriction r;
  if (scope.partner()) r.source = scope.source();
  if (scope.coach()) r.vacancy_regions = &scope.regions();
  return r;
}

}  // namespace

absl::StatusOr<v1::ShortlistResponse> Engine::Shortlist(const access::Caller& caller,
                                                        const v1::ShortlistRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kMatch, "Shortlist"));
  const std::shared_ptr<const access::Scope> scope = state_->ScopeOf(caller);
  v1::Vacancy vacancy;
  switch (request.target_case()) {
    case v1::ShortlistRequest::kVacancyId: {
      // The index holds every stored vacancy as stored (it is fed each acknowledged
      // write), so the shortlist needs no store read.
      RETURN_IF_ERROR(validate::ValidateId(request.vacancy_id(), "id"));
      std::optional<v1::Vacancy> indexed = state_->matcher->FindVacancy(request.vacancy_id());
      // Out of scope answers exactly as absent.
      if (!indexed.has_value() || !scope->SeesVacancy(*indexed)) {
        return internal::NotFound("vacancy", request.vacancy_id());
      }
      ASSIGN_OR_RETURN(vacancy, OpenVacancy(*std::move(indexed)));
      break;
    }
    case v1::ShortlistRequest::kVacancy: {
      ASSIGN_OR_RETURN(vacancy, Inline(*state_, request.vacancy()));
      // A coach's inline vacancy must lie in its scope (its shortlist is then in scope).
      if (scope->coach() && !scope->SeesVacancy(vacancy)) {
        return absl::PermissionDeniedError(absl::StrCat("vacancy.region: ", QuoteValue(vacancy.region()),
                                                        " is outside the scope of ", scope->Describe()));
      }
      ASSIGN_OR_RETURN(vacancy, OpenVacancy(std::move(vacancy)));
      break;
    }
    case v1::ShortlistRequest::TARGET_NOT_SET:
      return absl::InvalidArgumentError("vacancy_id: set vacancy_id or an inline vacancy");
  }
  ASSIGN_OR_RETURN(v1::ShortlistResponse response, state_->matcher->Shortlist(vacancy, request, RestrictionOf(*scope)));
  std::vector<std::string_view> ids;
  for (const v1::CandidateMatch& m : response.matches()) ids.push_back(m.candidate_id());
  state_->RecordAccess(caller, "Shortlist", ids, vacancy.id());
  return response;
}

absl::StatusOr<v1::MatchCandidateResponse> Engine::MatchCandidate(
    const access::Caller& caller, const v1::MatchCandidateRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kMatch, "MatchCandidate"));
  const std::shared_ptr<const access::Scope> scope = state_->ScopeOf(caller);
  v1::Candidate candidate;
  switch (request.target_case()) {
    case v1::MatchCandidateRequest::kCandidateId: {
      ASSIGN_OR_RETURN(candidate, internal::ReadInScope<v1::Candidate>(*state_, caller, request.candidate_id(), "MatchCandidate"));
      ASSIGN_OR_RETURN(candidate, MatchableCandidate(std::move(candidate)));
      break;
    }
    case v1::MatchCandidateRequest::kCandidate: {
      ASSIGN_OR_RETURN(candidate, Inline(*state_, request.candidate()));
      ASSIGN_OR_RETURN(candidate, MatchableCandidate(std::move(candidate)));
      break;
    }
    case v1::MatchCandidateRequest::TARGET_NOT_SET:
      return absl::InvalidArgumentError("candidate_id: set candidate_id or an inline candidate");
  }
  ASSIGN_OR_RETURN(v1::MatchCandidateResponse response,
                   state_->matcher->MatchCandidate(candidate, request, RestrictionOf(*scope)));
  if (request.target_case() == v1::MatchCandidateRequest::kCandidateId) {
    state_->RecordAccess(caller, "MatchCandidate", std::vector<std::string_view>{candidate.id()});
  }
  return response;
}

absl::StatusOr<v1::ExplainMatchResponse> Engine::ExplainMatch(
    const access::Caller& caller, const v1::ExplainMatchRequest& request) const {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kMatch, "ExplainMatch"));
  ASSIGN_OR_RETURN(const taxonomy::Language language, taxonomy::ParseLanguage(request.language(), "language"));
  // Explaining shows excluded pairs too, so closed vacancies and placed candidates are
  // explained rather than refused.
  v1::Candidate candidate;
  switch (request.candidate_target_case()) {
    case v1::ExplainMatchRequest::kCandidateId: {
      ASSIGN_OR_RETURN(candidate, internal::ReadInScope<v1::Candidate>(*state_, caller, request.candidate_id(), "ExplainMatch"));
      break;
    }
    case v1::ExplainMatchRequest::kCandidate: {
      ASSIGN_OR_RETURN(candidate, Inline(*state_, request.candidate()));
      break;
    }
    case v1::ExplainMatchRequest::CANDIDATE_TARGET_NOT_SET:
      return absl::InvalidArgumentError("candidate_id: set candidate_id or an inline candidate");
  }
  v1::Vacancy vacancy;
  switch (request.vacancy_target_case()) {
    case v1::ExplainMatchRequest::kVacancyId: {
      ASSIGN_OR_RETURN(vacancy, internal::ReadInScope<v1::Vacancy>(*state_, caller, request.vacancy_id(), "ExplainMatch"));
      break;
    }
    case v1::ExplainMatchRequest::kVacancy: {
      ASSIGN_OR_RETURN(vacancy, Inline(*state_, request.vacancy()));
      break;
    }
    case v1::ExplainMatchRequest::VACANCY_TARGET_NOT_SET:
      return absl::InvalidArgumentError("vacancy_id: set vacancy_id or an inline vacancy");
  }
  ASSIGN_OR_RETURN(v1::ExplainMatchResponse response, state_->matcher->Explain(candidate, vacancy, language));
  if (request.candidate_target_case() == v1::ExplainMatchRequest::kCandidateId) {
    state_->RecordAccess(caller, "ExplainMatch", std::vector<std::string_view>{candidate.id()}, vacancy.id());
  }
  return response;
}

}  // namespace w2w
