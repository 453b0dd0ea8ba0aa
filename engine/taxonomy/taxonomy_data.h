// Internal to engine/taxonomy: the bulk, immutable part of a Taxonomy (ESCO trades and
// their similarity matrix and link lists), shared by every version derived from one load.
// Thread safety: immutable after construction.
#ifndef W2W_ENGINE_TAXONOMY_TAXONOMY_DATA_H_
#define W2W_ENGINE_TAXONOMY_TAXONOMY_DATA_H_

#include <cstdint>
#include <string>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"

#include "absl/container/flat_hash_map.h"
#include "engine/taxonomy/taxonomy.h"

namespace w2w::taxonomy {

struct Taxonomy::Data {
  std::vector<TradeInfo> trades;
  // ESCO UUID (lower case) and ESCO code -> trade.
  absl::flat_hash_map<std::string, TradeId> trade_by_key;
  // similarity[from * num_trades + to].
  std::vector<float> similarity;
  // Flattened link lists: links of trade t are [offsets[t], offsets[t + 1]).
  std::vector<TradeLink> reaching;
  std::vector<uint32_t> reaching_offsets;
  std::vector<TradeLink> reachable;
  std::vector<uint32_t> reachable_offsets;
};

// The skills of one trade as dense skill indices (sorted, disjoint sets).
struct TradeSkills {
  std::vector<uint32_t> essential;
  std::vector<uint32_t> optional;
  std::string isco_group;  // 4-digit ISCO-08 unit group, for the similarity floor.
};

// Builds Taxonomy objects; a friend of Taxonomy so it may fill the private parts.
class TaxonomyBuilder {
 public:
  // Implements Taxonomy::LoadFromDir (taxonomy_load.cc).
  static absl::StatusOr<std::shared_ptr<const Taxonomy>> Load(const std::string& data_dir);

  // Fills data->similarity and the link lists from the trades' skills (see
  // Taxonomy::TradeSimilarity for the formula; taxonomy_similarity.cc).
  // Preconditions: skills.size() == data->trades.size(); skill indices < num_skills.
  static void ComputeTradeSimilarity(const std::vector<TradeSkills>& skills,
                                     size_t num_skills, Taxonomy::Data* data);
};

}  // namespace w2w::taxonomy

#endif  // W2W_ENGINE_TAXONOMY_TAXONOMY_DATA_H_
