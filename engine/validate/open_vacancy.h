// The one rule for "open vacancy": whether a vacancy takes candidates, and how many seats
// it offers an assignment. Shortlists (engine/engine_match.cc), the matching index
// (engine/match) and rematch (engine/rematch/runner.cc) all judge a vacancy by these
// functions, so FILLED, CLOSED and UNSPECIFIED mean the same everywhere.
// Header-only, so that every room may use it without linking w2w_validate.
// Thread safety: pure functions.
#ifndef W2W_ENGINE_VALIDATE_OPEN_VACANCY_H_
#define W2W_ENGINE_VALIDATE_OPEN_VACANCY_H_

#include <cstdint>

#include "engine/validate/limits.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::validate {

// True when a vacancy of `status` takes candidates: OPEN, or UNSPECIFIED (the contract's
// "unset = open"; validation stores it as OPEN, so a stored vacancy is never UNSPECIFIED).
// FILLED and CLOSED are not open.
inline bool IsOpenVacancyStatus(int status) {
  return status == v1::VACANCY_STATUS_OPEN || status == v1::VACANCY_STATUS_UNSPECIFIED;
}
inline bool IsOpenVacancy(const v1::Vacancy& vacancy) {
  return IsOpenVacancyStatus(vacancy.status());
}

// Seats `vacancy` offers an assignment: its positions (0, unset, counts as
// kDefaultPositions) less the seats placements took (filled_positions) when it is open,
// 0 when it is not.
inline uint32_t OpenSeats(const v1::Vacancy& vacancy) {
  if (!IsOpenVacancy(vacancy)) return 0;
  const uint32_t positions = vacancy.positions() == 0 ? kDefaultPositions : vacancy.positions();
  return positions > vacancy.filled_positions() ? positions - vacancy.filled_positions() : 0;
}

}  // namespace w2w::validate

#endif  // W2W_ENGINE_VALIDATE_OPEN_VACANCY_H_
