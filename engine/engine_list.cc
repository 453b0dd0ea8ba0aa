// Engine facade: paged, filtered listing of candidates and vacancies in id order.
//
// A page scans the stored records (RecordStore::Scan) from the token's id onwards, at most kListScanBudget records
// per call; sparse filters may therefore return short (even empty) pages with a token
// to continue. Filters given as names or codes (region, trade) are resolved through
// the taxonomy first, because stored records hold canonical values (region names,
// ESCO UUIDs).
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/common/text.h"
#include "engine/access/permissions.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_ops.h"
#include "engine/records/record_store.h"
#include "google/protobuf/descriptor.h"

namespace w2w {
namespace {

// The resolved filters of a list request.
struct ListFilter {
  std::optional<std::string> region;  // Canonical region name.
  std::optional<std::string> trade;   // ESCO UUID.
  v1::Sector sector = v1::SECTOR_UNSPECIFIED;
  int status = 0;  // The record's status enum value; 0 = any.
  std::string employer_id;
};

template <typename Request>
absl::StatusOr<ListFilter> ResolveFilter(const taxonomy::Taxonomy& tax, const Request& request) {
  ListFilter filter;
  if (!request.region().empty()) {
    std::optional<taxonomy::RegionId> region = tax.FindRegion(request.region());
    if (!region.has_value()) region = tax.FindMunicipality(request.region());
    if (!region.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("region: unknown region ", QuoteValue(request.region())));
    }
    filter.region = tax.region(*region).name;
  }
  if (!request.trade().empty()) {
    std::optional<taxonomy::TradeId> trade = tax.FindTrade(request.trade());
    if (!trade.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("trade: unknown trade ", QuoteValue(request.trade())));
    }
    filter.trade = tax.trade(*trade).id;
  }
  if (!v1::Sector_IsValid(request.sector())) {
    return absl::InvalidArgumentError(absl::StrCat("sector: unknown value ", request.sector()));
  }
  filter.sector = request.sector();
  // The status enum differs per kind (CandidateStatus, VacancyStatus): ask the descriptor.
  const google::protobuf::FieldDescriptor* status_field =
      Request::descriptor()->FindFieldByName("status");
  if (status_field->enum_type()->FindValueByNumber(request.status()) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("status: unknown value ", request.status()));
  }
  filter.status = request.status();
  filter.employer_id = request.employer_id();
  return filter;
}

bool Matches(const ListFilter& f, const v1::Candidate& c) {
  if (f.region.has_value() && c.region() != *f.region) return false;
  if (f.sector != v1::SECTOR_UNSPECIFIED && c.sector() != f.sector) return false;
  if (f.status != 0 && c.status() != f.status) return false;
  if (!f.employer_id.empty() && c.employer_id() != f.employer_id) return false;
  if (f.trade.has_value()) {
    for (const v1::TradeExperience& t : c.trades()) {
      if (t.code() == *f.trade) return true;
    }
    return false;
  }
  return true;
}

bool Matches(const ListFilter& f, const v1::Vacancy& v) {
  if (f.region.has_value() && v.region() != *f.region) return false;
  if (f.sector != v1::SECTOR_UNSPECIFIED && v.sector() != f.sector) return false;
  if (f.status != 0 && v.status() != f.status) return false;
  if (!f.employer_id.empty() && v.employer_id() != f.employer_id) return false;
  if (f.trade.has_value() && v.trade() != *f.trade) return false;
  return true;
}

// One page: records in id order after the token, filtered. `add` receives each match.
// Records outside the caller's scope are skipped as if absent: not listed and not
// counted in `scanned`.
template <typename Record, typename Request, typename Response, typename AddFn>
absl::Status ListPage(const internal::EngineState& state, const access::Caller& caller, const Request& request,
                      Response* response, AddFn add, std::string_view what) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kReadRecords, what));
  const std::shared_ptr<const access::Scope> scope = state.ScopeOf(caller);
  const double default_travel_km = state.DefaultTravelKm();
  uint32_t page_size = request.page_size();
  if (page_size == 0) page_size = kDefaultPageSize;
  if (page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", page_size, " is over the maximum of ", kMaxPageSize));
  }
  ASSIGN_OR_RETURN(ListFilter filter, ResolveFilter(*state.taxonomy(), request));
  std::string after_id;  // The last id of the previous page; empty for the first page.
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(after_id, state.page_tokens->Open(request.page_token()));
  }

  uint32_t found = 0;
  uint64_t examined = 0, visible = 0;
  bool more = false;
  std::string last_id;
  auto visited = state.records->Scan<Record>(after_id, kListScanBudget + 1, [&](Record& record) {
    if (found == page_size || examined == kListScanBudget) {
      more = true;  // One record beyond the page or the budget: keep paging.
      return false;
    }
    ++examined;
    last_id.assign(record.id());
    if (!internal::Sees(*scope, record, default_travel_km)) return true;
    ++visible;
    if (Matches(filter, record)) {
      add(std::move(record));
      ++found;
    }
    return true;
  });
  RETURN_IF_ERROR(visited.status());
  response->set_scanned(visible);
  // Sealed: the last record examined may be one the caller cannot see.
  if (more) response->set_next_page_token(state.page_tokens->Seal(last_id));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ListCandidatesResponse> Engine::ListCandidates(
    const access::Caller& caller, const v1::ListCandidatesRequest& request) const {
  v1::ListCandidatesResponse response;
  RETURN_IF_ERROR(ListPage<v1::Candidate>(
      *state_, caller, request, &response,
      [&](v1::Candidate&& c) { *response.add_candidates() = std::move(c); }, "ListCandidates"));
  std::vector<std::string_view> ids;
  for (const v1::Candidate& c : response.candidates()) ids.push_back(c.id());
  state_->RecordAccess(caller, "ListCandidates", ids);
  return response;
}

absl::StatusOr<v1::ListVacanciesResponse> Engine::ListVacancies(
    const access::Caller& caller, const v1::ListVacanciesRequest& request) const {
  v1::ListVacanciesResponse response;
  RETURN_IF_ERROR(ListPage<v1::Vacancy>(
      *state_, caller, request, &response,
      [&](v1::Vacancy&& v) { *response.add_vacancies() = std::move(v); }, "ListVacancies"));
  return response;
}

}  // namespace w2w
