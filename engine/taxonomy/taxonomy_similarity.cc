// Trade similarity: skill coverage computed from the ESCO occupation-skill links, with a
// floor from the ISCO-08 structure.
//
// ESCO describes occupations with fine-grained, often occupation-specific skills, so two
// occupations that are the same work in practice (pipe welder and welder) share few skill
// URIs: their coverage is about 0.1. The ISCO-08 structure knows they belong together, so
// the similarity is floor + (1 - floor) * coverage, with floor = kSameUnitGroupFloor for
// occupations of the same 4-digit unit group (e.g. 7212 welders and flame cutters),
// kSameMinorGroupFloor for the same 3-digit minor group (e.g. 721 sheet and structural
// metal workers, moulders and welders), else 0 (plain coverage). The coverage term keeps
// the asymmetry of real skill overlap within a group.
//
// Instead of intersecting per-trade bitsets for all n^2 pairs, this walks an inverted index
// (skill -> trades having it) and accumulates, per source trade, integer "quarter points"
// h2 * w2 with h2, w2 in {2 (essential), 1 (optional)}: exact, and the work is the sum over
// skills of (trades per skill)^2, about 1.4 million additions for the shipped ESCO subset.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "engine/taxonomy/taxonomy_data.h"

namespace w2w::taxonomy {
namespace {

constexpr uint32_t kEssentialWeight2 = 2;  // Twice the weight 1 of an essential skill.
constexpr uint32_t kOptionalWeight2 = 1;   // Twice the weight 0.5 of an optional skill.
constexpr float kSameUnitGroupFloor = 0.6f;   // Same 4-digit ISCO unit group.
constexpr float kSameMinorGroupFloor = 0.35f; // Same 3-digit ISCO minor group.
constexpr size_t kMinorGroupDigits = 3;

// The ISCO floor of a pair of distinct trades, 0 when unrelated in ISCO.
float IscoFloor(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0.0f;
  if (a == b) return kSameUnitGroupFloor;
  if (a.size() >= kMinorGroupDigits && b.size() >= kMinorGroupDigits &&
      a.compare(0, kMinorGroupDigits, b, 0, kMinorGroupDigits) == 0) {
    return kSameMinorGroupFloor;
  }
  return 0.0f;
}

struct SkillUse {
  TradeId trade;
  uint32_t weight2;
};

// Sort key of a link: best similarity first, ties by ascending trade id. Similarities are
// positive floats, whose bit patterns order like their values.
uint64_t LinkKey(float similarity, TradeId trade) {
  const uint32_t bits = std::bit_cast<uint32_t>(similarity);
  return (static_cast<uint64_t>(~bits) << 16) | trade;
}

// Sorts `keys` and appends the links they encode to `out`.
void AppendSorted(std::vector<uint64_t>* keys, std::vector<TradeLink>* out) {
  std::sort(keys->begin(), keys->end());
  for (uint64_t key : *keys) {
    const auto trade = static_cast<TradeId>(key & 0xFFFF);
    const auto bits = ~static_cast<uint32_t>(key >> 16);
    out->push_back({trade, std::bit_cast<float>(bits)});
  }
}

}  // namespace

void TaxonomyBuilder::ComputeTradeSimilarity(const std::vector<TradeSkills>& skills,
                                             size_t num_skills, Taxonomy::Data* data) {
  const size_t n = skills.size();
  std::vector<std::vector<SkillUse>> by_skill(num_skills);
  std::vector<uint32_t> denominator4(n, 0);  // 4 * sum of w over the trade's skills.
  for (size_t t = 0; t < n; ++t) {
    const auto id = static_cast<TradeId>(t);
    for (uint32_t s : skills[t].essential) by_skill[s].push_back({id, kEssentialWeight2});
    for (uint32_t s : skills[t].optional) by_skill[s].push_back({id, kOptionalWeight2});
    denominator4[t] = 2 * (kEssentialWeight2 * static_cast<uint32_t>(skills[t].essential.size()) +
                           kOptionalWeight2 * static_cast<uint32_t>(skills[t].optional.size()));
  }

  // Trades by ISCO minor group, for the floor.
  std::vector<size_t> minor_group_of(n);
  std::vector<std::vector<size_t>> minor_group_members;
  {
    absl::flat_hash_map<std::string, size_t> group_index;
    for (size_t t = 0; t < n; ++t) {
      const std::string key = skills[t].isco_group.substr(0, kMinorGroupDigits);
      auto [it, inserted] = group_index.emplace(key, minor_group_members.size());
      if (inserted) minor_group_members.emplace_back();
      minor_group_of[t] = it->second;
      if (!key.empty()) minor_group_members[it->second].push_back(t);
    }
  }

  data->similarity.assign(n * n, 0.0f);
  data->reachable.clear();
  data->reachable_offsets.assign(1, 0);
  std::vector<uint32_t> acc(n, 0);
  std::vector<uint64_t> keys;
  std::vector<std::vector<uint64_t>> column_keys(n);  // Links reaching each trade.
  for (size_t from = 0; from < n; ++from) {
    std::fill(acc.begin(), acc.end(), 0);
    auto add = [&](uint32_t skill, uint32_t h2) {
      for (const SkillUse& use : by_skill[skill]) acc[use.trade] += h2 * use.weight2;
    };
    for (uint32_t s : skills[from].essential) add(s, kEssentialWeight2);
    for (uint32_t s : skills[from].optional) add(s, kOptionalWeight2);
    acc[from] = denominator4[from];  // sim(A -> A) = 1 by definition.

    float* out = &data->similarity[from * n];
    for (size_t to : minor_group_members[minor_group_of[from]]) {
      if (to != from) out[to] = IscoFloor(skills[from].isco_group, skills[to].isco_group);
    }
    keys.clear();
    for (size_t to = 0; to < n; ++to) {
      if (acc[to] != 0 && denominator4[to] != 0) {
        // acc <= denominator since h <= 1; min() guards rounding only.
        const float coverage = std::min(
            1.0f, static_cast<float>(static_cast<double>(acc[to]) / denominator4[to]));
        out[to] = out[to] + (1.0f - out[to]) * coverage;
      }
      if (to == from) out[to] = 1.0f;  // sim(A -> A) = 1, also for a trade without skills.
      if (out[to] <= 0.0f) continue;
      keys.push_back(LinkKey(out[to], static_cast<TradeId>(to)));
      column_keys[to].push_back(LinkKey(out[to], static_cast<TradeId>(from)));
    }
    AppendSorted(&keys, &data->reachable);
    data->reachable_offsets.push_back(static_cast<uint32_t>(data->reachable.size()));
  }

  data->reaching.clear();
  data->reaching.reserve(data->reachable.size());
  data->reaching_offsets.assign(1, 0);
  for (size_t to = 0; to < n; ++to) {
    AppendSorted(&column_keys[to], &data->reaching);
    data->reaching_offsets.push_back(static_cast<uint32_t>(data->reaching.size()));
  }
}

}  // namespace w2w::taxonomy
