#include "engine/match/features.h"

#include <algorithm>

#include "engine/common/dates.h"
#include "engine/validate/open_vacancy.h"

namespace w2w::match {

CandFeatures CandidateFeatures(const CompiledPolicy& model, const v1::Candidate& c) {
  CandFeatures f;
  if (auto r = model.FindRegion(c.region())) {
    f.region = *r;
  } else if (auto m = model.tax->FindMunicipality(c.municipality())) {
    f.region = *m;
  }
  f.place = static_cast<uint16_t>(model.PlaceOfRecord(c.municipality(), f.region));
  f.sector = static_cast<uint8_t>(c.sector() >= 1 && c.sector() <= taxonomy::kNumSectors ? c.sector() : v1::SECTOR_OTHER);
  f.status = static_cast<uint8_t>(c.status() >= 0 && c.status() <= taxonomy::kNumStatuses ? c.status() : 0);
  f.willing = c.willing_to_retrain() ? 1 : 0;
  f.max_travel_km = static_cast<uint16_t>(std::min<uint32_t>(c.max_travel_km(), 0xFFFF));
  if (!c.available_from().empty()) {
    if (auto d = ParseIsoDate(c.available_from())) f.available_from = *d;
  }
  for (const v1::TradeExperience& t : c.trades()) {
    if (f.num_trades == kMaxCandidateTrades) break;
    auto id = model.FindTrade(t.code());
    if (!id) continue;
    f.trade[f.num_trades] = *id;
    f.years[f.num_trades] = static_cast<uint8_t>(std::min<uint32_t>(t.years(), 255));
    ++f.num_trades;
  }
  for (const std::string& q : c.qualifications()) {
    if (auto id = model.FindQualification(q)) f.quals.Add(*id);
  }
  return f;
}

VacFeatures VacancyFeatures(const CompiledPolicy& model, const v1::Vacancy& v) {
  VacFeatures f;
  if (auto r = model.FindRegion(v.region())) {
    f.region = *r;
  } else if (auto m = model.tax->FindMunicipality(v.municipality())) {
    f.region = *m;
  }
  f.place = static_cast<uint16_t>(model.PlaceOfRecord(v.municipality(), f.region));
  f.sector = static_cast<uint8_t>(v.sector() >= 1 && v.sector() <= taxonomy::kNumSectors ? v.sector() : v1::SECTOR_OTHER);
  if (auto t = model.FindTrade(v.trade())) f.trade = *t;
  for (const std::string& q : v.required_qualifications()) {
    if (auto id = model.FindQualification(q)) f.required.Add(*id);
  }
  for (const std::string& q : v.preferred_qualifications()) {
    if (auto id = model.FindQualification(q)) f.preferred.Add(*id);
  }
  f.hard_to_fill = v.hard_to_fill() ? 1 : 0;
  f.open = validate::IsOpenVacancyStatus(v.status()) ? 1 : 0;
  f.seats = static_cast<uint16_t>(std::min<uint32_t>(validate::OpenSeats(v), 0xffff));
  if (!v.starts_at().empty()) {
    if (auto d = ParseIsoDate(v.starts_at())) f.starts_at = *d;
  }
  if (!v.expires_at().empty()) {
    if (auto d = ParseIsoDate(v.expires_at())) f.expires_at = *d;
  }
  return f;
}

}  // namespace w2w::match
