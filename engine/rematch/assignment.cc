#include "engine/rematch/assignment.h"

#include <algorithm>
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
        settled_(sink_ + 1, false),
        assignment_(n_, kNotRouted),
        assignment_cost_(n_, 0),
        occupants_(m_) {}

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
  using Entry = std::pair<int64_t, int32_t>;  // (distance, node); min-heap, ties by node.

  void Relax(int32_t from, int32_t to, int64_t reduced_cost) {
    const int64_t d = dist_[from] + reduced_cost;
    if (d < dist_[to]) {
      if (dist_[to] == kInf) touched_.push_back(to);
      dist_[to] = d;
      parent_[to] = from;
      heap_.push({d, to});
    }
  }

  // Adds person `root` to the flow along a shortest augmenting path.
  void Route(int32_t root) {
    // A potential for the new node that keeps all its out-edges' reduced costs >= 0.
    int64_t pot = potential_[unplaced_] - big_;
    for (const AssignmentEdge& e : problem_.edges[root]) {
      pot = std::max(pot, potential_[n_ + e.vacancy] - (kMaxAssignmentScore - e.score));
    }
    potential_[root] = pot;

    dist_[root] = 0;
    touched_.push_back(root);
    heap_.push({0, root});
    while (!heap_.empty()) {
      const auto [d, u] = heap_.top();
      heap_.pop();
      if (settled_[u] || d != dist_[u]) continue;
      settled_[u] = true;
      settled_list_.push_back(u);
      if (u == sink_) break;
      if (u < n_) {
        for (const AssignmentEdge& e : problem_.edges[u]) {
          if (e.vacancy == assignment_[u]) continue;
          const int32_t v = n_ + e.vacancy;
          if (settled_[v]) continue;
          Relax(u, v, (kMaxAssignmentScore - e.score) + potential_[u] - potential_[v]);
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
      settled_[v] = false;
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
    for (const AssignmentEdge& e : problem_.edges[p]) {
      if (e.vacancy == j) {
        assignment_cost_[p] = kMaxAssignmentScore - e.score;
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
  std::vector<bool> settled_;
  std::vector<int32_t> touched_;
  std::vector<int32_t> settled_list_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  std::vector<int32_t> assignment_;       // Vacancy, kAtUnplaced or kNotRouted.
  std::vector<int64_t> assignment_cost_;  // S - score of the current seat.
  std::vector<std::vector<int32_t>> occupants_;  // Per vacancy: people seated there.
};

}  // namespace

absl::StatusOr<AssignmentResult> SolveAssignment(const AssignmentProblem& problem,
                                                 const AssignmentProgress& progress) {
  if (absl::Status s = Validate(problem); !s.ok()) return s;
  Solver solver(problem);
  return solver.Run(progress);
}

std::vector<int32_t> UncertifiedPeople(const AssignmentProblem& problem,
                                       const AssignmentResult& result,
                                       const std::vector<bool>& truncated) {
  const int64_t n = static_cast<int64_t>(problem.edges.size());
  std::vector<int32_t> used(problem.seats.size(), 0);
  for (int32_t j : result.vacancy_of) {
    if (j >= 0) ++used[j];
  }
  std::vector<int32_t> uncertified;
  for (int64_t i = 0; i < n; ++i) {
    if (!truncated[i]) continue;
    int64_t listed_seats = 0;
    bool free_seat = false;
    for (const AssignmentEdge& e : problem.edges[i]) {
      listed_seats += problem.seats[e.vacancy];
      if (used[e.vacancy] < problem.seats[e.vacancy]) free_seat = true;
    }
    if (listed_seats >= n || free_seat) continue;
    uncertified.push_back(static_cast<int32_t>(i));
  }
  return uncertified;
}

}  // namespace w2w::rematch
