// The taxonomy listings of the Engine facade (Engine::ListRegions ... ListQualifications):
// filtering and paging on one immutable Taxonomy snapshot per call.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/engine.h"

namespace w2w {
namespace {

using taxonomy::Taxonomy;

// Page size limits of ListTrades (as for every paged listing of the API).
constexpr uint32_t kDefaultTradePageSize = 100;
constexpr uint32_t kMaxTradePageSize = 1000;

// The sectors listed by ListSectors, in enum order.
constexpr v1::Sector kSectors[] = {v1::SECTOR_ME,   v1::SECTOR_INST, v1::SECTOR_PROC,
                                   v1::SECTOR_BOUW, v1::SECTOR_MVT,  v1::SECTOR_OTHER};

// Trade page tokens are "t<next trade index>"; the prefix keeps other listings' tokens
// from being taken for ours.
constexpr char kTradeTokenPrefix[] = "t";

bool ContainsLower(std::string_view haystack, std::string_view lower_needle) {
  return absl::StrContains(
      absl::AsciiStrToLower(absl::string_view(haystack.data(), haystack.size())),
      absl::string_view(lower_needle.data(), lower_needle.size()));
}

bool TradeMatches(const taxonomy::TradeInfo& trade, std::string_view lower_query,
                  std::string_view isco_prefix) {
  if (!absl::StartsWith(trade.isco_group,
                        absl::string_view(isco_prefix.data(), isco_prefix.size()))) {
    return false;
  }
  if (lower_query.empty()) return true;
  return ContainsLower(trade.label_en, lower_query) || ContainsLower(trade.label_nl, lower_query) ||
         ContainsLower(trade.esco_code, lower_query) || ContainsLower(trade.id, lower_query);
}

}  // namespace

v1::ListRegionsResponse Engine::ListRegions() const {
  std::shared_ptr<const Taxonomy> tax = taxonomy();
  v1::ListRegionsResponse response;
  for (size_t r = 0; r < tax->num_regions(); ++r) {
    *response.add_regions() = tax->RegionProto(static_cast<taxonomy::RegionId>(r));
  }
  response.set_taxonomy_version(tax->version());
  return response;
}

v1::ListClustersResponse Engine::ListClusters() const {
  std::shared_ptr<const Taxonomy> tax = taxonomy();
  v1::ListClustersResponse response;
  for (size_t c = 0; c < tax->num_clusters(); ++c) {
    const auto id = static_cast<taxonomy::ClusterId>(c);
    v1::Cluster cluster;
    cluster.set_name(tax->cluster_name(id));
    for (size_t r = 0; r < tax->num_regions(); ++r) {
      const taxonomy::RegionInfo& region = tax->region(static_cast<taxonomy::RegionId>(r));
      if (region.cluster == id) cluster.add_regions(region.name);
    }
    // Cluster ids are never reused; a removed cluster keeps its id but has no regions.
    if (cluster.regions_size() > 0) *response.add_clusters() = std::move(cluster);
  }
  response.set_taxonomy_version(tax->version());
  return response;
}

absl::StatusOr<v1::ListMunicipalitiesResponse> Engine::ListMunicipalities(
    const v1::ListMunicipalitiesRequest& request) const {
  std::shared_ptr<const Taxonomy> tax = taxonomy();
  std::optional<taxonomy::RegionId> only;
  if (!request.region().empty()) {
    only = tax->FindRegion(request.region());
    if (!only) {
      return absl::InvalidArgumentError(
          absl::StrCat("region: unknown region ", QuoteValue(request.region())));
    }
  }
  v1::ListMunicipalitiesResponse response;
  for (const taxonomy::MunicipalityInfo& info : tax->municipalities()) {
    if (only && info.region != *only) continue;
    v1::Municipality* m = response.add_municipalities();
    m->set_name(info.name);
    m->set_region(tax->region(info.region).name);
    if (info.centroid) {
      m->set_lat(info.centroid->lat);
      m->set_lon(info.centroid->lon);
    }
  }
  response.set_taxonomy_version(tax->version());
  return response;
}

v1::ListSectorsResponse Engine::ListSectors() const {
  v1::ListSectorsResponse response;
  for (v1::Sector sector : kSectors) {
    v1::SectorInfo* info = response.add_sectors();
    info->set_sector(sector);
    info->set_code(std::string(Taxonomy::SectorCode(sector)));
    info->set_name(std::string(Taxonomy::SectorName(sector)));
    info->set_sbi(std::string(Taxonomy::SectorSbi(sector)));
  }
  return response;
}

absl::StatusOr<v1::ListTradesResponse> Engine::ListTrades(const v1::ListTradesRequest& request) const {
  if (request.page_size() > kMaxTradePageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_size: ", request.page_size(), " is over the maximum of ", kMaxTradePageSize));
  }
  const uint32_t page_size = request.page_size() == 0 ? kDefaultTradePageSize : request.page_size();
  ASSIGN_OR_RETURN(const taxonomy::Language language, taxonomy::ParseLanguage(request.language(), "language"));
  std::shared_ptr<const Taxonomy> tax = taxonomy();

  size_t start = 0;
  if (!request.page_token().empty()) {
    absl::string_view token = request.page_token();
    uint64_t parsed = 0;
    if (!absl::ConsumePrefix(&token, kTradeTokenPrefix) || !absl::SimpleAtoi(token, &parsed) ||
        parsed > tax->num_trades()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "page_token: ", QuoteValue(request.page_token()), " is not a ListTrades token"));
    }
    start = static_cast<size_t>(parsed);
  }

  v1::ListTradesResponse response;
  const std::string lower_query = absl::AsciiStrToLower(request.query());
  for (size_t t = start; t < tax->num_trades(); ++t) {
    const auto id = static_cast<taxonomy::TradeId>(t);
    if (!TradeMatches(tax->trade(id), lower_query, request.isco_group())) continue;
    if (static_cast<uint32_t>(response.trades_size()) == page_size) {
      response.set_next_page_token(absl::StrCat(kTradeTokenPrefix, t));
      break;
    }
    *response.add_trades() = tax->TradeProto(id, language);
  }
  response.set_taxonomy_version(tax->version());
  return response;
}

v1::ListQualificationsResponse Engine::ListQualifications() const {
  std::shared_ptr<const Taxonomy> tax = taxonomy();
  v1::ListQualificationsResponse response;
  for (size_t q = 0; q < tax->num_qualifications(); ++q) {
    *response.add_qualifications() = tax->QualificationProto(static_cast<taxonomy::QualId>(q));
  }
  response.set_taxonomy_version(tax->version());
  return response;
}

}  // namespace w2w
