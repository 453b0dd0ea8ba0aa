// Exact group assignment: people x vacancies with a number of seats each, and an integer
// score on every feasible (person, vacancy) pair. The assignment places as many people as
// possible and, among all assignments that place that many, maximises the total score.
//
// Method (docs/rematch.md has the full argument): a min-cost flow
//   source -> person (cap 1) -> vacancy (cap 1, cost S - score) -> sink (cap = seats)
// plus, for every person, an edge person -> "unplaced" -> sink of cost BIG = (n+1)(S+1)
// (S = kMaxAssignmentScore). Every person carries one unit of flow, so the flow is a
// complete choice "seat or unplaced" for everybody, and its cost is
//   sum over placed (S - score) + (#unplaced) * BIG.
// Since BIG > n*S, one more placed person lowers the cost more than any score difference
// can raise it: the minimum-cost flow places the maximum number of people, and among those
// maximises the total score. It is found by successive shortest paths in the style of the
// Hungarian method: people are added one at a time (in input order) and each is routed by
// Dijkstra on reduced costs (potentials keep them non-negative) along the shortest
// augmenting path, which may move already placed people to other seats or to "unplaced".
// Each step keeps the flow of minimum cost for the people added so far (LP duality with the
// potentials as duals), so the last step is optimal for everybody. Ties are deterministic:
// equal-distance nodes are settled by node index, people in input order.
//
// Restricting edges without losing exactness (the runner lists only a person's best
// vacancies): call a person's list L_i "truncated" when feasible pairs outside it may
// exist, all scoring at most the lowest listed score c_i. The optimum over the listed
// edges equals the optimum over all feasible edges when every truncated person satisfies
//   (lemma)       the seats of L_i add up to at least n (the number of people), or
//   (certificate) i is placed, and with the minimum competitive prices p_j of the
//                 restricted optimum (the least vacancy duals: no person prefers another
//                 listed vacancy at those prices, free seats cost 0, an unplaced person's
//                 listed vacancies cost more than BIG + its score), the surplus of i at its
//                 seat a covers its best unlisted option: s_ia - p_a >= c_i.
// The certificate makes (u_i = BIG + s_ia - p_a, p) an optimal dual that stays feasible for
// every unlisted pair (unlisted vacancies get price 0), so by LP duality the restricted
// optimum is optimal over all pairs. It holds in particular when L_i has a free seat.
// UncertifiedPeople() checks this; tests/engine/rematch_assignment_test.cc tests both.
//
// Thread safety: pure functions; SolveAssignment uses only its arguments.
#ifndef W2W_ENGINE_REMATCH_ASSIGNMENT_H_
#define W2W_ENGINE_REMATCH_ASSIGNMENT_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "absl/status/statusor.h"

namespace w2w::rematch {

// Scores are micro-points: a match score in [0, 1] times 1,000,000, rounded.
inline constexpr int64_t kMaxAssignmentScore = 1'000'000;
// Largest instance accepted (keeps BIG and all path costs far inside int64).
inline constexpr int64_t kMaxAssignmentPeople = 1'000'000;

struct AssignmentEdge {
  int32_t vacancy = 0;  // Index into AssignmentProblem::seats.
  int64_t score = 0;    // 0..kMaxAssignmentScore.
};

struct AssignmentProblem {
  std::vector<int32_t> seats;                       // Per vacancy, >= 0.
  std::vector<std::vector<AssignmentEdge>> edges;  // Per person: the feasible pairs.
};

struct AssignmentResult {
  std::vector<int32_t> vacancy_of;  // Per person: the vacancy index, or kUnplaced.
  int64_t placed = 0;
  int64_t total_score = 0;  // Sum of the scores of the assigned pairs.
  static constexpr int32_t kUnplaced = -1;
};

// Called every few people with (people routed, people total). Return false to stop.
using AssignmentProgress = std::function<bool(size_t done, size_t total)>;

// Returns the exact assignment described above.
// Errors: INVALID_ARGUMENT for a vacancy index out of range, a negative seat count, a score
// outside [0, kMaxAssignmentScore], a person listing one vacancy twice, or more than
// kMaxAssignmentPeople people; CANCELLED when `progress` returned false.
// Cost: one Dijkstra per person over the part of the graph its augmenting path explores.
absl::StatusOr<AssignmentResult> SolveAssignment(const AssignmentProblem& problem,
                                                 const AssignmentProgress& progress = nullptr);

// The minimum competitive prices of the vacancies (in micro-points, BIG-scaled where an
// unplaced person bids) for the assignment `result` of `problem`, when they prove it
// optimal: every listed pair satisfies u_i + p_j >= BIG + s_ij with u_i = BIG + s_ia - p_a
// for placed i (0 for unplaced), free seats have price 0 and u_i >= 0 — an optimal LP dual.
// Returns an empty vector when `result` is not an optimal assignment of `problem` (or not a
// feasible one), and also (conservatively) when proving it would take more than about 64
// passes over the listed pairs. Cost: label-correcting longest paths over the listed pairs.
std::vector<int64_t> MinimumPrices(const AssignmentProblem& problem,
                                   const AssignmentResult& result);

// Whether the restricted optimum `result` of `problem` is also optimal over all feasible
// pairs (see the header comment: the lemma or the price certificate). `truncated[i]` says person i's list was cut (there are
// unlisted feasible vacancies, none scoring above i's lowest listed score). Returns the
// indices of the truncated people for whom neither the lemma nor the certificate holds;
// empty means proven optimal. Preconditions: `result` came from SolveAssignment(problem)
// and truncated.size() == problem.edges.size().
std::vector<int32_t> UncertifiedPeople(const AssignmentProblem& problem,
                                       const AssignmentResult& result,
                                       const std::vector<bool>& truncated);

// A person whose optimality over all pairs is not proven, and what would prove it.
struct UncertifiedPerson {
  int32_t person = 0;
  // The largest bound on i's unlisted scores the certificate would accept with the current
  // prices: s_ia - p_a for a placed person (a list reaching down to just below it would
  // likely certify i, unless lengthening lists raises the prices). It is negative when i's
  // seat is priced above its score, typically because an unplaced person bids for it; no
  // list can certify i then until that person is placed. kUnknown when i is unplaced or
  // the prices could not be computed (then only a longer list helps).
  int64_t needed_bound = kUnknown;
  static constexpr int64_t kUnknown = std::numeric_limits<int64_t>::min();
};

// Like UncertifiedPeople, with a finer description of each list: `unlisted_max[i]` is an
// upper bound on the scores of i's unlisted feasible pairs (micro-points), or kCompleteList
// when i's list holds all of i's feasible pairs. A list cut after its k best has
// unlisted_max = its lowest listed score; a list cut by a minimum score t has
// unlisted_max = t (or anything above). Returns the people the lemma and the certificate
// (with c_i = unlisted_max[i]) both leave open, in index order, with the bound each needs.
// Preconditions: as UncertifiedPeople, and unlisted_max.size() == problem.edges.size().
inline constexpr int64_t kCompleteList = -1;
std::vector<UncertifiedPerson> UncertifiedPeopleWithBounds(
    const AssignmentProblem& problem, const AssignmentResult& result,
    const std::vector<int64_t>& unlisted_max);

}  // namespace w2w::rematch

#endif  // W2W_ENGINE_REMATCH_ASSIGNMENT_H_
