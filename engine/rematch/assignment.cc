#include "engine/rematch/assignment.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <queue>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace w2w::rematch {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;
// Report progress (and check for cancellation) every this many people.
constexpr size_t kProgressEvery = 256;
// assignment_ value of a person routed to the "unplaced" node.
constexpr int32_t kAtUnplaced = -1;
// assignment_ value of a person not routed yet.
constexpr int32_t kNotRouted = -2;

absl::Status Validate(const AssignmentProblem& problem) {
  if (static_cast<int64_t>(problem.edges.size()) > kMaxAssignmentPeople) {
    return absl::InvalidArgumentError(
        absl::StrCat("assignment: ", problem.edges.size(), " people exceed ", kMaxAssignmentPeople));
  }
  for (size_t j = 0; j < problem.seats.size(); ++j) {
    if (problem.seats[j] < 0) {
      return absl::InvalidArgumentError(absl::StrCat("assignment: seats[", j, "] is negative"));
    }
  }
  absl::flat_hash_set<int32_t> seen;
  for (size_t i = 0; i < problem.edges.size(); ++i) {
    seen.clear();
    for (const AssignmentEdge& e : problem.edges[i]) {
      if (e.vacancy < 0 || static_cast<size_t>(e.vacancy) >= problem.seats.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("assignment: person ", i, " lists unknown vacancy ", e.vacancy));
      }
      if (e.score < 0 || e.score > kMaxAssignmentScore) {
        return absl::InvalidArgumentError(
            absl::StrCat("assignment: person ", i, " has score ", e.score, " out of range"));
      }
      if (!seen.insert(e.vacancy).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("assignment: person ", i, " lists vacancy ", e.vacancy, " twice"));
      }
    }
  }
  return absl::OkStatus();
}

// The successive-shortest-path solver. Nodes: people [0, n), vacancies [n, n+m),
// the "unplaced" node n+m and the sink n+m+1. Residual edges are implicit:
//   person p -> vacancy j      for every listed j except p's current one, cost S - s_pj
//   vacancy j -> person p      for every p currently at j,                cost -(S - s_pj)
//   vacancy j -> sink          while j has a free seat,                   cost 0
//   person p -> unplaced       while p is not routed there,               cost BIG
//   unplaced -> sink           always,                                    cost 0
// (Edges into the source, sink -> vacancy and unplaced -> person are never on a shortest
// path to the sink and are left out.)
class Solver {
 public:
  explicit Solver(const AssignmentProblem& problem)
      : problem_(problem),
        n_(static_cast<int32_t>(problem.edges.size())),
        m_(static_cast<int32_t>(problem.seats.size())),
        unplaced_(n_ + m_),
        sink_(n_ + m_ + 1),
        big_((static_cast<int64_t>(n_) + 1) * (kMaxAssignmentScore + 1)),
        potential_(sink_ + 1, 0),
        dist_(sink_ + 1, kInf),
        parent_(sink_ + 1, -1),
        settled_(sink_ + 1, 0),
        assignment_(n_, kNotRouted),
        assignment_cost_(n_, 0),
        occupants_(m_),
        sorted_(problem.edges) {
    for (std::vector<AssignmentEdge>& list : sorted_) {
      std::sort(list.begin(), list.end(), [](const AssignmentEdge& a, const AssignmentEdge& b) {
        return a.score != b.score ? a.score > b.score : a.vacancy < b.vacancy;
      });
    }
  }

  absl::StatusOr<AssignmentResult> Run(const AssignmentProgress& progress) {
    for (int32_t p = 0; p < n_; ++p) {
      if (progress && p % kProgressEvery == 0 && !progress(p, n_)) {
        return absl::CancelledError("assignment cancelled");
      }
      Route(p);
    }
    if (progress && !progress(n_, n_)) return absl::CancelledError("assignment cancelled");
    AssignmentResult result;
    result.vacancy_of.assign(n_, AssignmentResult::kUnplaced);
    for (int32_t p = 0; p < n_; ++p) {
      if (assignment_[p] >= 0) {
        result.vacancy_of[p] = assignment_[p];
        ++result.placed;
        result.total_score += kMaxAssignmentScore - assignment_cost_[p];
      }
    }
    return result;
  }

 private:
  // (distance, rank); min-heap. rank = node + 1, except the sink's 0: among equal
  // distances the sink is settled first, so a plateau of zero reduced costs (common when
  // many people want the same vacancies) is not explored needlessly; other ties by node.
  using Entry = std::pair<int64_t, int32_t>;
  int32_t Rank(int32_t node) const { return node == sink_ ? 0 : node + 1; }
  int32_t NodeOf(int32_t rank) const { return rank == 0 ? sink_ : rank - 1; }

  static int64_t Cost(const AssignmentEdge& e) { return kMaxAssignmentScore - e.score; }

  void Relax(int32_t from, int32_t to, int64_t reduced_cost) {
    const int64_t d = dist_[from] + reduced_cost;
    if (d < dist_[to]) {
      if (dist_[to] == kInf) touched_.push_back(to);
      dist_[to] = d;
      parent_[to] = from;
      heap_.push({d, Rank(to)});
    }
  }

  // Adds person `root` to the flow along a shortest augmenting path.
  void Route(int32_t root) {
    // A potential for the new node that keeps all its out-edges' reduced costs >= 0.
    int64_t pot = potential_[unplaced_] - big_;
    for (const AssignmentEdge& e : sorted_[root]) {
      pot = std::max(pot, potential_[n_ + e.vacancy] - Cost(e));
    }
    potential_[root] = pot;

    dist_[root] = 0;
    touched_.push_back(root);
    heap_.push({0, Rank(root)});
    while (!heap_.empty()) {
      const auto [d, rank] = heap_.top();
      heap_.pop();
      const int32_t u = NodeOf(rank);
      if (settled_[u] || d != dist_[u]) continue;
      settled_[u] = 1;
      settled_list_.push_back(u);
      if (u == sink_) break;
      if (u < n_) {
        // The hot loop: distance through u is base + cost - potential(v).
        const int64_t base = d + potential_[u];
        const int32_t own = assignment_[u];
        for (const AssignmentEdge& e : sorted_[u]) {
          if (e.vacancy == own) continue;
          const int32_t v = n_ + e.vacancy;
          const int64_t dv = base + Cost(e) - potential_[v];
          if (dv < dist_[v] && !settled_[v]) {
            if (dist_[v] == kInf) touched_.push_back(v);
            dist_[v] = dv;
            parent_[v] = u;
            heap_.push({dv, Rank(v)});
          }
        }
        if (assignment_[u] != kAtUnplaced && !settled_[unplaced_]) {
          Relax(u, unplaced_, big_ + potential_[u] - potential_[unplaced_]);
        }
      } else if (u < unplaced_) {
        const int32_t j = u - n_;
        if (static_cast<int32_t>(occupants_[j].size()) < problem_.seats[j]) {
          Relax(u, sink_, potential_[u] - potential_[sink_]);
        }
        for (int32_t p : occupants_[j]) {
          if (settled_[p]) continue;
          Relax(u, p, -assignment_cost_[p] + potential_[u] - potential_[p]);
        }
      } else {
        Relax(u, sink_, potential_[u] - potential_[sink_]);
      }
    }
    // The "unplaced" node always reaches the sink, so the sink is always settled.
    const int64_t sink_dist = dist_[sink_];
    for (int32_t v : settled_list_) potential_[v] += dist_[v] - sink_dist;

    Augment(root);

    for (int32_t v : touched_) {
      dist_[v] = kInf;
      parent_[v] = -1;
      settled_[v] = 0;
    }
    touched_.clear();
    settled_list_.clear();
    heap_ = {};
  }

  // Moves every person on the path root -> ... -> sink to the node after it.
  void Augment(int32_t root) {
    int32_t next = sink_;
    int32_t node = parent_[sink_];
    while (node != -1) {
      if (node < n_) {
        MovePerson(node, next);
      }
      next = node;
      node = node == root ? -1 : parent_[node];
    }
  }

  void MovePerson(int32_t p, int32_t to_node) {
    if (assignment_[p] >= 0) {
      std::vector<int32_t>& occ = occupants_[assignment_[p]];
      auto it = std::find(occ.begin(), occ.end(), p);
      *it = occ.back();
      occ.pop_back();
    }
    if (to_node == unplaced_) {
      assignment_[p] = kAtUnplaced;
      assignment_cost_[p] = 0;
      return;
    }
    const int32_t j = to_node - n_;
    for (const AssignmentEdge& e : sorted_[p]) {
      if (e.vacancy == j) {
        assignment_cost_[p] = Cost(e);
        break;
      }
    }
    assignment_[p] = j;
    occupants_[j].push_back(p);
  }

  const AssignmentProblem& problem_;
  const int32_t n_, m_, unplaced_, sink_;
  const int64_t big_;
  std::vector<int64_t> potential_;
  std::vector<int64_t> dist_;
  std::vector<int32_t> parent_;
  std::vector<uint8_t> settled_;
  std::vector<int32_t> touched_;
  std::vector<int32_t> settled_list_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  std::vector<int32_t> assignment_;       // Vacancy, kAtUnplaced or kNotRouted.
  std::vector<int64_t> assignment_cost_;  // S - score of the current seat.
  std::vector<std::vector<int32_t>> occupants_;  // Per vacancy: people seated there.
  std::vector<std::vector<AssignmentEdge>> sorted_;  // Per person, best score first.
};

}  // namespace

absl::StatusOr<AssignmentResult> SolveAssignment(const AssignmentProblem& problem,
                                                 const AssignmentProgress& progress) {
  if (absl::Status s = Validate(problem); !s.ok()) return s;
  Solver solver(problem);
  return solver.Run(progress);
}

std::vector<int64_t> MinimumPrices(const AssignmentProblem& problem,
                                   const AssignmentResult& result) {
  const size_t n = problem.edges.size();
  const size_t m = problem.seats.size();
  if (result.vacancy_of.size() != n) return {};
  const int64_t big = (static_cast<int64_t>(n) + 1) * (kMaxAssignmentScore + 1);
  // For a placed person p at vacancy a: price(j) >= price(a) + s_pj - s_pa for every
  // listed j (p must not prefer j). For an unplaced p: price(j) >= BIG + s_pj.
  std::vector<std::vector<int32_t>> occupants(m);
  std::vector<int64_t> seat_score(n, -1);
  std::vector<int64_t> price(m, 0);
  for (size_t p = 0; p < n; ++p) {
    const int32_t a = result.vacancy_of[p];
    for (const AssignmentEdge& e : problem.edges[p]) {
      if (a == AssignmentResult::kUnplaced) {
        price[e.vacancy] = std::max(price[e.vacancy], big + e.score);
      } else if (e.vacancy == a) {
        seat_score[p] = e.score;
      }
    }
    if (a == AssignmentResult::kUnplaced) continue;
    if (seat_score[p] < 0) return {};  // Not a listed pair.
    occupants[a].push_back(static_cast<int32_t>(p));
  }
  for (size_t j = 0; j < m; ++j) {
    if (static_cast<int64_t>(occupants[j].size()) > problem.seats[j]) return {};
  }
  // The cheap, common way to be suboptimal: someone prefers (or, unplaced, accepts) a
  // vacancy that still has a free seat.
  size_t total_edges = 0;
  for (size_t p = 0; p < n; ++p) {
    total_edges += problem.edges[p].size();
    const bool unplaced = result.vacancy_of[p] == AssignmentResult::kUnplaced;
    for (const AssignmentEdge& e : problem.edges[p]) {
      const bool free = static_cast<int64_t>(occupants[e.vacancy].size()) < problem.seats[e.vacancy];
      if (free && (unplaced || e.score > seat_score[p])) return {};
    }
  }
  // Longest paths by label correction (SPFA). A path of more than m hops means a positive
  // cycle: an improving exchange, so `result` is not optimal. Detecting a cycle that way
  // can take long, so the work is also capped (far above what an optimal assignment needs);
  // past the cap the answer is "not proven", which is safe.
  uint64_t budget = 64 * static_cast<uint64_t>(total_edges) + 1'000'000;
  std::deque<int32_t> queue;
  std::vector<bool> queued(m, true);
  std::vector<uint32_t> hops(m, 0);
  for (size_t j = 0; j < m; ++j) queue.push_back(static_cast<int32_t>(j));
  while (!queue.empty()) {
    const int32_t a = queue.front();
    queue.pop_front();
    queued[a] = false;
    for (int32_t p : occupants[a]) {
      if (budget < problem.edges[p].size()) return {};
      budget -= problem.edges[p].size();
      for (const AssignmentEdge& e : problem.edges[p]) {
        if (e.vacancy == a) continue;
        const int64_t candidate = price[a] + e.score - seat_score[p];
        if (candidate <= price[e.vacancy]) continue;
        price[e.vacancy] = candidate;
        hops[e.vacancy] = hops[a] + 1;
        if (hops[e.vacancy] > m) return {};
        if (!queued[e.vacancy]) {
          queued[e.vacancy] = true;
          queue.push_back(e.vacancy);
        }
      }
    }
  }
  // Complementary slackness: a free seat costs nothing, and nobody pays more for their
  // seat than it is worth to them (BIG + score).
  for (size_t j = 0; j < m; ++j) {
    if (price[j] > 0 && static_cast<int64_t>(occupants[j].size()) < problem.seats[j]) return {};
  }
  for (size_t p = 0; p < n; ++p) {
    const int32_t a = result.vacancy_of[p];
    if (a != AssignmentResult::kUnplaced && price[a] > big + seat_score[p]) return {};
  }
  return price;
}

std::vector<UncertifiedPerson> UncertifiedPeopleWithBounds(
    const AssignmentProblem& problem, const AssignmentResult& result,
    const std::vector<int64_t>& unlisted_max) {
  const int64_t n = static_cast<int64_t>(problem.edges.size());
  std::vector<UncertifiedPerson> uncertified;
  std::vector<int64_t> price;
  bool priced = false;  // MinimumPrices is only computed when somebody needs it.
  for (int64_t i = 0; i < n; ++i) {
    if (unlisted_max[i] == kCompleteList) continue;
    int64_t listed_seats = 0;
    int64_t seat_score = -1;
    const int32_t seat = result.vacancy_of[i];
    for (const AssignmentEdge& e : problem.edges[i]) {
      listed_seats += problem.seats[e.vacancy];
      if (e.vacancy == seat) seat_score = e.score;
    }
    if (listed_seats >= n) continue;  // The lemma.
    if (!priced) {
      price = MinimumPrices(problem, result);
      priced = true;
    }
    // The certificate: i's surplus at its seat covers the best unlisted option.
    UncertifiedPerson open{static_cast<int32_t>(i), UncertifiedPerson::kUnknown};
    if (seat != AssignmentResult::kUnplaced && !price.empty()) {
      const int64_t surplus = seat_score - price[seat];
      if (surplus >= unlisted_max[i]) continue;
      open.needed_bound = surplus;
    }
    uncertified.push_back(open);
  }
  return uncertified;
}

std::vector<int32_t> UncertifiedPeople(const AssignmentProblem& problem,
                                       const AssignmentResult& result,
                                       const std::vector<bool>& truncated) {
  // A list cut after its k best: the unlisted options score at most the lowest listed one.
  std::vector<int64_t> unlisted_max(problem.edges.size(), kCompleteList);
  for (size_t i = 0; i < problem.edges.size(); ++i) {
    if (!truncated[i]) continue;
    int64_t cutoff = kMaxAssignmentScore;
    for (const AssignmentEdge& e : problem.edges[i]) cutoff = std::min(cutoff, e.score);
    unlisted_max[i] = cutoff;
  }
  std::vector<int32_t> people;
  for (const UncertifiedPerson& u : UncertifiedPeopleWithBounds(problem, result, unlisted_max)) {
    people.push_back(u.person);
  }
  return people;
}

}  // namespace w2w::rematch
