// Readable labels for trade ids (ESCO UUIDs), fetched from TaxonomyService.ListTrades on
// first use and cached for the rest of the command.
//
// Thread safety: not thread-safe; one per command.
#ifndef W2W_CLIENTS_CLI_LABELS_H_
#define W2W_CLIENTS_CLI_LABELS_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "clients/cli/env.h"
#include "w2w/v1/taxonomy.grpc.pb.h"

namespace w2w::cli {

class TradeLabels {
 public:
  // `env` is borrowed and must outlive this object.
  explicit TradeLabels(Env* env) : env_(env) {}

  // The label of `trade` in the command's --lang (Dutch by default; English when the trade
  // has no Dutch label), or `trade` itself when the lookup fails or more than kMaxLookups
  // distinct trades were looked up. Never fails.
  std::string Label(const std::string& trade);

 private:
  static constexpr int kMaxLookups = 64;
  Env* env_;
  std::unique_ptr<w2w::v1::TaxonomyService::Stub> stub_;
  absl::flat_hash_map<std::string, std::string> cache_;
  int lookups_ = 0;
  bool broken_ = false;  // The server does not answer ListTrades: stop asking.
};

}  // namespace w2w::cli

#endif  // W2W_CLIENTS_CLI_LABELS_H_
