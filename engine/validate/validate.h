// Validation and canonicalisation of the records partners send (w2w.v1.Candidate and
// w2w.v1.Vacancy) against the Taxonomy. Every write path (upsert, import, push) runs a
// record through here before it is compared, stored or indexed, so the store and the index
// only ever see canonical records: trades as ESCO UUIDs, regions by canonical name,
// municipalities and qualification codes in catalogue spelling.
//
// Error convention: INVALID_ARGUMENT whose message starts with the field path under `path`
// and a colon, e.g. "candidate.trades[1].code: unknown trade 'foo' (see
// TaxonomyService.ListTrades)". The first error found is returned. Values echoed in a
// message are quoted with QuoteValue (engine/common/text.h): at most 64 bytes of them.
//
// Thread safety: pure functions; the Taxonomy is only read.
#ifndef W2W_ENGINE_VALIDATE_VALIDATE_H_
#define W2W_ENGINE_VALIDATE_VALIDATE_H_

#include <string_view>

#include "absl/status/status.h"
#include "engine/validate/limits.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::validate {

// Validates every field of `*c` and rewrites it to canonical form in place:
// - trades[i].code to the ESCO UUID (a code or UUID is accepted); 1..8 distinct trades
//   after canonicalisation, years 0..60; the order is kept (the first is the main trade);
// - region to the region's canonical name. When municipality is set it is rewritten to its
//   canonical spelling and determines the region; a region that contradicts it is an error;
// - qualifications to catalogue spelling, sorted and de-duplicated (at most 64 as sent);
// - drops unknown fields (recursively), so they are never stored nor seen as a change;
// - clears updated_at (the server sets it). Keeps version as given.
// Other rules: id required (ValidateId); employer_id optional (id rules when set); sector a
// known value 1..6; status a known value other than UNSPECIFIED; available_from empty or
// "YYYY-MM-DD"; max_travel_km 0..300; source optional, at most 64 bytes of the id charset.
// On error `*c` may be partly rewritten. Precondition: c != nullptr.
absl::Status CanonicalizeCandidate(const taxonomy::Taxonomy& tax, v1::Candidate* c,
                                   std::string_view path = "candidate");

// As CanonicalizeCandidate, for a vacancy: id and employer_id required; region or
// municipality as for candidates; sector 1..6; trade required (-> UUID);
// required_qualifications and preferred_qualifications at most 32 each as sent, canonical,
// sorted, de-duplicated, and a code that is required is dropped from the preferred list;
// positions 0..1000 with 0 -> 1; status a known value, UNSPECIFIED -> OPEN; expires_at and
// starts_at empty or "YYYY-MM-DD" (independent: a listing may close before the work starts);
// title without the spaces around it, at most 256 bytes, without control characters
// (U+0000..U+001F, U+007F); source as for candidates; drops unknown fields; clears
// updated_at and filled_positions (output only), keeps version.
// Precondition: v != nullptr.
absl::Status CanonicalizeVacancy(const taxonomy::Taxonomy& tax, v1::Vacancy* v,
                                 std::string_view path = "vacancy");

// OK when `id` is 1..128 bytes of [A-Za-z0-9._:@/-]; else INVALID_ARGUMENT "<path>: ...".
absl::Status ValidateId(std::string_view id, std::string_view path);

}  // namespace w2w::validate

#endif  // W2W_ENGINE_VALIDATE_VALIDATE_H_
