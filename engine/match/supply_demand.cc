// MatcherImpl::CountSupplyDemand: the present supply (candidates matching considers) and
// demand (seats left of open, unexpired vacancies) per region, sector and source, for
// the reports' tension (docs/outcomes.md). One pass over each index's visible rows.
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/match/matcher_impl.h"

namespace w2w::match {
namespace {

uint64_t CellKey(uint8_t region, uint8_t sector, uint16_t source) {
  return (uint64_t{region} << 24) | (uint64_t{sector} << 16) | source;
}

}  // namespace

std::vector<SupplyDemandCell> MatcherImpl::CountSupplyDemand(int32_t today) const {
  struct Counts {
    uint64_t seats = 0, candidates = 0;
  };
  absl::flat_hash_map<uint64_t, Counts> cells;
  const std::shared_ptr<CandidateIndex> cands = cands_.load();
  const ChunkedRows<CandRow>& crows = cands->rows();
  const uint32_t csnap = crows.size();
  for (uint32_t i = 0; i < csnap; ++i) {
    const CandRow& row = crows[i];
    if (!row.VisibleAt(i, csnap) || !MatchableStatus(row.f.status)) continue;
    ++cells[CellKey(row.f.region, row.f.sector, cands->sources()[i])].candidates;
  }
  const std::shared_ptr<VacancyIndex> vacs = vacs_.load();
  const ChunkedRows<VacRow>& vrows = vacs->rows();
  const uint32_t vsnap = vrows.size();
  for (uint32_t i = 0; i < vsnap; ++i) {
    const VacRow& row = vrows[i];
    if (!row.VisibleAt(i, vsnap) || !OpenOn(row.f, today) || row.f.seats == 0) continue;
    cells[CellKey(row.f.region, row.f.sector, vacs->sources()[i])].seats += row.f.seats;
  }
  const std::vector<std::string> names = sources_.Names();
  std::vector<SupplyDemandCell> out;
  out.reserve(cells.size());
  for (const auto& [key, counts] : cells) {
    SupplyDemandCell cell;
    cell.region = static_cast<taxonomy::RegionId>(key >> 24);
    cell.sector = static_cast<uint8_t>((key >> 16) & 0xff);
    const uint16_t source = static_cast<uint16_t>(key & 0xffff);
    if (source < names.size()) cell.source = names[source];
    cell.open_seats = counts.seats;
    cell.available_candidates = counts.candidates;
    out.push_back(std::move(cell));
  }
  return out;
}

}  // namespace w2w::match
