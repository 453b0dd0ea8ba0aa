#include "clients/cli/labels.h"

namespace w2w::cli {

std::string TradeLabels::Label(const std::string& trade) {
  if (trade.empty()) return "";
  if (auto it = cache_.find(trade); it != cache_.end()) return it->second;
  std::string label = trade;
  if (!broken_ && lookups_ < kMaxLookups) {
    ++lookups_;
    if (!stub_) stub_ = w2w::v1::TaxonomyService::NewStub(env_->channel());
    grpc::ClientContext context;
    env_->SetDeadline(&context, /*streaming=*/false);
    w2w::v1::ListTradesRequest request;
    request.set_query(trade);
    request.set_page_size(20);
    request.set_language(env_->language);
    w2w::v1::ListTradesResponse response;
    const grpc::Status status = stub_->ListTrades(&context, request, &response);
    if (!status.ok()) {
      broken_ = true;
    } else {
      for (const w2w::v1::Trade& t : response.trades()) {
        if (t.id() == trade || t.esco_code() == trade) {
          // Trade.label is in the asked language; a server older than the field sends
          // only the two labels.
          if (!t.label().empty()) {
            label = t.label();
          } else {
            label = env_->language == w2w::v1::LANGUAGE_EN || t.label_nl().empty() ? t.label_en() : t.label_nl();
          }
          break;
        }
      }
    }
  }
  cache_[trade] = label;
  return label;
}

}  // namespace w2w::cli
