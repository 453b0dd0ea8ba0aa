// Limits of the record model (w2w.v1.Candidate and w2w.v1.Vacancy), as documented in the
// proto comments. Every validation in engine/validate/validate.cc uses these names; the
// taxonomy's own limits (regions, qualifications catalogue, ...) live in taxonomy.h.
// Thread safety: constants only.
#ifndef W2W_ENGINE_VALIDATE_LIMITS_H_
#define W2W_ENGINE_VALIDATE_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace w2w::validate {

// Identifiers (id, employer_id): 1..128 bytes of [A-Za-z0-9._:@/-].
inline constexpr size_t kMaxIdBytes = 128;
// `source` (the partner system owning a record): optional, id charset, at most 64 bytes.
inline constexpr size_t kMaxSourceBytes = 64;
// Free text (vacancy title): at most 256 bytes of UTF-8.
inline constexpr size_t kMaxTitleBytes = 256;

// Candidate trades: 1..8 distinct trades, each with 0..60 years of experience.
inline constexpr int kMinCandidateTrades = 1;
inline constexpr int kMaxCandidateTrades = 8;
inline constexpr uint32_t kMaxTradeYears = 60;
// Qualifications held by a candidate.
inline constexpr int kMaxCandidateQualifications = 64;
// Qualifications of a vacancy, per list.
inline constexpr int kMaxVacancyRequiredQualifications = 32;
inline constexpr int kMaxVacancyPreferredQualifications = 32;

// Candidate travel distance in km; 0 means kDefaultTravelKm.
inline constexpr uint32_t kMaxTravelKm = 300;
inline constexpr uint32_t kDefaultTravelKm = 50;

// Vacancy seats; 0 is stored as kDefaultPositions.
inline constexpr uint32_t kMaxPositions = 1000;
inline constexpr uint32_t kDefaultPositions = 1;
// ItemErrors listed per import summary, by the engine's importer and the service's stream
// reader alike (all are counted in `rejected`).
inline constexpr int kMaxListedItemErrors = 1000;

}  // namespace w2w::validate

#endif  // W2W_ENGINE_VALIDATE_LIMITS_H_
