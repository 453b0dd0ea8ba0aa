// Record plumbing shared by the facade's record operations, lists and importers:
// per-type traits (name, canonicalisation, index updates) so candidates and vacancies
// share one implementation, plus small helpers (content equality, error field paths,
// page tokens), implemented in record_ops.cc. Where records are stored is the business of
// engine/records/record_store.h. Private to engine/. Thread safety: stateless helpers.
#ifndef W2W_ENGINE_INTERNAL_RECORD_OPS_H_
#define W2W_ENGINE_INTERNAL_RECORD_OPS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/access/caller.h"
#include "engine/access/scope.h"
#include "engine/common/text.h"
#include "engine/match/matcher.h"
#include "engine/validate/validate.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::internal {

template <typename Record>
struct RecordTraits;

template <>
struct RecordTraits<v1::Candidate> {
  static constexpr std::string_view kName = "candidate";
  static absl::Status Canonicalize(const taxonomy::Taxonomy& tax, v1::Candidate* record,
                                   std::string_view path) {
    return validate::CanonicalizeCandidate(tax, record, path);
  }
  static void Index(match::Matcher& matcher, const v1::Candidate& record) {
    matcher.UpsertCandidate(record);
  }
  static void Unindex(match::Matcher& matcher, std::string_view id) {
    matcher.RemoveCandidate(id);
  }
};

template <>
struct RecordTraits<v1::Vacancy> {
  static constexpr std::string_view kName = "vacancy";
  static absl::Status Canonicalize(const taxonomy::Taxonomy& tax, v1::Vacancy* record,
                                   std::string_view path) {
    absl::Status status = validate::CanonicalizeVacancy(tax, record, path);
    // The contract stores UNSPECIFIED as OPEN, whatever validation left in place.
    if (status.ok() && record->status() == v1::VACANCY_STATUS_UNSPECIFIED) {
      record->set_status(v1::VACANCY_STATUS_OPEN);
    }
    return status;
  }
  static void Index(match::Matcher& matcher, const v1::Vacancy& record) {
    matcher.UpsertVacancy(record);
  }
  static void Unindex(match::Matcher& matcher, std::string_view id) {
    matcher.RemoveVacancy(id);
  }
};

// Whether `scope` may read `record` (as stored). `default_travel_km`: the policy's reach.
inline bool Sees(const access::Scope& scope, const v1::Candidate& record, double default_travel_km) {
  return scope.SeesCandidate(record, default_travel_km);
}
inline bool Sees(const access::Scope& scope, const v1::Vacancy& record, double /*default_travel_km*/) {
  return scope.SeesVacancy(record);
}

// Claims `record` for the writer: a partner's record takes its source when it has none
// and must not name another (PERMISSION_DENIED "<kind>.source: ..."). Sets
// *source_locked for a partner (its write may replace only records of its source).
// Precondition: the caller may write records (access::Action::kWriteRecords).
template <typename Record>
absl::Status ClaimForWriter(const access::Caller& caller, Record* record, bool* source_locked) {
  *source_locked = false;
  if (!caller.partner()) return absl::OkStatus();
  const std::string& own = caller.token.scope().source();
  if (record->source().empty()) record->set_source(own);
  if (record->source() != own) {
    return absl::PermissionDeniedError(absl::StrCat(
        std::string(RecordTraits<Record>::kName), ".source: partner ", QuoteValue(caller.name()), " writes only records of source ",
        QuoteValue(own), ", not ", QuoteValue(record->source())));
  }
  *source_locked = true;
  return absl::OkStatus();
}

// True when the two records are equal apart from `version` and `updated_at`, the two
// fields the server sets on every change.
bool SameContent(const v1::Candidate& a, const v1::Candidate& b);
bool SameContent(const v1::Vacancy& a, const v1::Vacancy& b);

// The field path an INVALID_ARGUMENT message starts with ("candidate.trades[1].code:
// ..." -> "trades[1].code" after removing `strip_prefix` + "."); empty when the message
// names none.
std::string ErrorField(std::string_view message, std::string_view strip_prefix);


// "candidate 'x' not found" as a NOT_FOUND status.
absl::Status NotFound(std::string_view kind, std::string_view id);
// ABORTED "<field>: stale version N, stored version M".
absl::Status Stale(std::string_view field, uint64_t given, uint64_t stored);

}  // namespace w2w::internal

#endif  // W2W_ENGINE_INTERNAL_RECORD_OPS_H_
