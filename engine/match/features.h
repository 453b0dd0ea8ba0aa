// Features: the compact, fixed-size form of a candidate or a vacancy that the index stores
// and the scorer reads (dense taxonomy ids, a 128-bit qualification set, day numbers).
// Converting a record needs the CompiledPolicy (for look-ups); unknown codes are skipped, since
// records reaching the matcher are canonical.
//
// Thread safety: plain value types and pure functions.
#ifndef W2W_ENGINE_MATCH_FEATURES_H_
#define W2W_ENGINE_MATCH_FEATURES_H_

#include <cstdint>
#include <limits>

#include "engine/match/compiled_policy.h"
#include "engine/match/qualset.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::match {

inline constexpr int kMaxCandidateTrades = 8;
inline constexpr int32_t kImmediately = std::numeric_limits<int32_t>::min();  // available_from
inline constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();      // starts_at
inline constexpr int32_t kNoExpiry = std::numeric_limits<int32_t>::max();    // expires_at
inline constexpr uint16_t kNoTrade = 0xFFFF;
inline constexpr uint32_t kAlive = 0xFFFFFFFF;  // died_at of a live index row.

// 56 bytes; with the id pointer an index row is one cache line.
struct CandFeatures {
  QualSet quals;
  int32_t available_from = kImmediately;
  uint16_t max_travel_km = 0;  // 0 = the policy default.
  uint8_t region = 0;
  // Packed into one byte so that the place fits the cache line.
  uint8_t sector : 3 = 0;  // 1..kNumSectors.
  uint8_t status : 4 = 0;  // CandidateStatus value (0 for an unknown one).
  uint8_t willing : 1 = 0;
  uint8_t num_trades = 0;
  uint8_t id_len = 0;  // Index rows: length of the id (ids are <= 128 bytes).
  uint16_t place = 0;  // CompiledPolicy place: the municipality, or the region's anchor.
  uint16_t trade[kMaxCandidateTrades] = {};
  uint8_t years[kMaxCandidateTrades] = {};
  // Index rows: ordinal of the row that replaced this one (or of its removal's
  // tombstone); set once, atomically. See index.h.
  uint32_t died_at = kAlive;
};

struct VacFeatures {
  QualSet required, preferred;
  int32_t starts_at = kNoDate;
  int32_t expires_at = kNoExpiry;
  uint16_t trade = kNoTrade;
  uint16_t place = 0;  // As CandFeatures::place.
  uint8_t region = 0;
  uint8_t sector = 0;
  uint8_t hard_to_fill = 0;
  uint8_t open = 0;
  uint16_t seats = 0;  // validate::OpenSeats: positions less the seats placements took (0 when not open).
  uint32_t died_at = kAlive;  // Index rows, as CandFeatures::died_at.
};

// A vacancy is matched when its status is open (validate::IsOpenVacancyStatus, the one
// rule, compiled into VacFeatures::open) and it has not expired on `today` (a day number).
inline bool OpenOn(const VacFeatures& v, int32_t today) { return v.open != 0 && v.expires_at >= today; }

// True when the status can ever be matched (not PLACED/UNAVAILABLE/UNSPECIFIED).
constexpr bool MatchableStatus(int status) {
  return status >= v1::CANDIDATE_STATUS_EMPLOYED && status <= v1::CANDIDATE_STATUS_UNEMPLOYED;
}

// The features of a canonical candidate: region (or the municipality's region), place,
// sector
// (UNSPECIFIED reads as OTHER), the first 8 known trades with years (capped at 255), held
// qualifications, available_from as a day number. Never fails; unknown codes are skipped.
CandFeatures CandidateFeatures(const CompiledPolicy& model, const v1::Candidate& c);
// The features of a canonical vacancy; `open` is status OPEN or UNSPECIFIED, trade is
// kNoTrade when unknown. Never fails; unknown codes are skipped.
VacFeatures VacancyFeatures(const CompiledPolicy& model, const v1::Vacancy& v);

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_FEATURES_H_
