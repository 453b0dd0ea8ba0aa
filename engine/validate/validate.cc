#include "engine/validate/validate.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/text.h"
#include "engine/taxonomy/text_util.h"

namespace w2w::validate {
namespace {

using taxonomy::ToAbsl;

// "<path>.<field>".
std::string Field(std::string_view path, std::string_view field) {
  return absl::StrCat(ToAbsl(path), ".", ToAbsl(field));
}

// "<path>.<field>[<i>]".
std::string Indexed(std::string_view path, std::string_view field, int i) {
  return absl::StrCat(ToAbsl(path), ".", ToAbsl(field), "[", i, "]");
}

absl::Status Invalid(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": ", ToAbsl(message)));
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == ':' || c == '@' || c == '/' || c == '-';
}

// The id charset with a length bound; `what` names the limit in messages.
absl::Status CheckIdChars(std::string_view text, std::string_view path, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Invalid(path, absl::StrCat("longer than ", max_bytes, " bytes"));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsIdChar(text[i])) {
      return Invalid(path, absl::StrCat("invalid character at byte ", i,
                                        "; allowed are A-Z a-z 0-9 . _ : @ / -"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalDate(const std::string& date, std::string_view path) {
  if (date.empty() || ParseIsoDate(date).has_value()) return absl::OkStatus();
  return Invalid(path, absl::StrCat(QuoteValue(date), " is not a date YYYY-MM-DD"));
}

absl::Status CheckSector(int sector, std::string_view path) {
  if (sector == v1::SECTOR_UNSPECIFIED) {
    return Invalid(path, "required (ME, INST, PROC, BOUW, MVT or OTHER)");
  }
  if (!v1::Sector_IsValid(sector)) {
    return Invalid(path, absl::StrCat("unknown sector value ", sector));
  }
  return absl::OkStatus();
}

// Resolves region and municipality in place (see CanonicalizeCandidate).
absl::Status CanonicalizeLocation(const taxonomy::Taxonomy& tax, std::string* region,
                                  std::string* municipality, std::string_view path) {
  std::optional<taxonomy::RegionId> from_region;
  if (!taxonomy::StripBlanks(*region).empty()) {
    from_region = tax.FindRegion(*region);
    if (!from_region) {
      return Invalid(Field(path, "region"),
                     absl::StrCat("unknown region ", QuoteValue(*region),
                                  " (see TaxonomyService.ListRegions)"));
    }
  }
  if (!taxonomy::StripBlanks(*municipality).empty()) {
    std::optional<taxonomy::Taxonomy::MunicipalityRef> ref =
        tax.LookupMunicipality(*municipality);
    if (!ref) {
      return Invalid(Field(path, "municipality"),
                     absl::StrCat("unknown municipality ", QuoteValue(*municipality),
                                  " (see TaxonomyService.ListMunicipalities)"));
    }
    if (from_region && *from_region != ref->region) {
      return Invalid(Field(path, "region"),
                     absl::StrCat("region ", QuoteValue(*region), " contradicts municipality '",
                                  ToAbsl(ref->name), "', which lies in '",
                                  tax.region(ref->region).name, "'"));
    }
    municipality->assign(ref->name);
    *region = tax.region(ref->region).name;
    return absl::OkStatus();
  }
  municipality->clear();
  if (!from_region) {
    return Invalid(Field(path, "region"), "required (a region or a municipality)");
  }
  *region = tax.region(*from_region).name;
  return absl::OkStatus();
}

// Canonicalises a list of qualification codes: catalogue spelling, sorted, de-duplicated.
absl::Status CanonicalizeQualifications(const taxonomy::Taxonomy& tax,
                                        google::protobuf::RepeatedPtrField<std::string>* codes,
                                        int max_entries, std::string_view path,
                                        std::string_view field) {
  if (codes->size() > max_entries) {
    return Invalid(Field(path, field), absl::StrCat(codes->size(), " entries, at most ",
                                                    max_entries, " allowed"));
  }
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(codes->size()));
  for (int i = 0; i < codes->size(); ++i) {
    std::optional<taxonomy::QualId> q = tax.FindQualification(codes->Get(i));
    if (!q) {
      return Invalid(Indexed(path, field, i),
                     absl::StrCat("unknown qualification ", QuoteValue(codes->Get(i)),
                                  " (see TaxonomyService.ListQualifications)"));
    }
    out.push_back(tax.qualification(*q).code);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  codes->Clear();
  for (std::string& code : out) codes->Add(std::move(code));
  return absl::OkStatus();
}

// Drops the spaces at both ends of `*text`.
void TrimSpaces(std::string* text) {
  const size_t end = text->find_last_not_of(' ');
  if (end == std::string::npos) {
    text->clear();
    return;
  }
  text->erase(end + 1);
  text->erase(0, text->find_first_not_of(' '));
}

absl::Status CheckSource(const std::string& source, std::string_view path) {
  return CheckIdChars(source, Field(path, "source"), kMaxSourceBytes);
}

}  // namespace

absl::Status ValidateId(std::string_view id, std::string_view path) {
  if (id.empty()) return Invalid(path, "required");
  return CheckIdChars(id, path, kMaxIdBytes);
}

absl::Status CanonicalizeCandidate(const taxonomy::Taxonomy& tax, v1::Candidate* c,
                                   std::string_view path) {
  // Fields this server does not know (e.g. from a newer client, or padding) are neither
  // stored nor compared: drop them first, so a record's size and "changed" are its content.
  c->DiscardUnknownFields();
  if (absl::Status s = ValidateId(c->id(), Field(path, "id")); !s.ok()) return s;
  if (!c->employer_id().empty()) {
    if (absl::Status s = ValidateId(c->employer_id(), Field(path, "employer_id")); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CanonicalizeLocation(tax, c->mutable_region(), c->mutable_municipality(),
                                            path);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckSector(c->sector(), Field(path, "sector")); !s.ok()) return s;

  if (c->trades_size() < kMinCandidateTrades) {
    return Invalid(Field(path, "trades"), "at least one trade is required");
  }
  if (c->trades_size() > kMaxCandidateTrades) {
    return Invalid(Field(path, "trades"), absl::StrCat(c->trades_size(), " entries, at most ",
                                                       kMaxCandidateTrades, " allowed"));
  }
  std::vector<taxonomy::TradeId> seen;
  for (int i = 0; i < c->trades_size(); ++i) {
    v1::TradeExperience* t = c->mutable_trades(i);
    const std::string at = Indexed(path, "trades", i);
    std::optional<taxonomy::TradeId> id = tax.FindTrade(t->code());
    if (!id) {
      return Invalid(at + ".code", absl::StrCat("unknown trade ", QuoteValue(t->code()),
                                                " (see TaxonomyService.ListTrades)"));
    }
    if (std::find(seen.begin(), seen.end(), *id) != seen.end()) {
      return Invalid(at + ".code", absl::StrCat("trade ", QuoteValue(t->code()), " is listed twice"));
    }
    seen.push_back(*id);
    t->set_code(tax.trade(*id).id);
    if (t->years() > kMaxTradeYears) {
      return Invalid(at + ".years", absl::StrCat(t->years(), " is over the maximum of ",
                                                 kMaxTradeYears));
    }
  }

  if (absl::Status s = CanonicalizeQualifications(tax, c->mutable_qualifications(),
                                                  kMaxCandidateQualifications, path,
                                                  "qualifications");
      !s.ok()) {
    return s;
  }
  if (c->status() == v1::CANDIDATE_STATUS_UNSPECIFIED) {
    return Invalid(Field(path, "status"), "required");
  }
  if (!v1::CandidateStatus_IsValid(c->status())) {
    return Invalid(Field(path, "status"), absl::StrCat("unknown status value ", c->status()));
  }
  if (absl::Status s = CheckOptionalDate(c->available_from(), Field(path, "available_from"));
      !s.ok()) {
    return s;
  }
  if (c->max_travel_km() > kMaxTravelKm) {
    return Invalid(Field(path, "max_travel_km"),
                   absl::StrCat(c->max_travel_km(), " is over the maximum of ", kMaxTravelKm));
  }
  if (absl::Status s = CheckSource(c->source(), path); !s.ok()) return s;
  c->clear_updated_at();
  return absl::OkStatus();
}

absl::Status CanonicalizeVacancy(const taxonomy::Taxonomy& tax, v1::Vacancy* v,
                                 std::string_view path) {
  v->DiscardUnknownFields();  // As for candidates.
  if (absl::Status s = ValidateId(v->id(), Field(path, "id")); !s.ok()) return s;
  if (absl::Status s = ValidateId(v->employer_id(), Field(path, "employer_id")); !s.ok()) {
    return s;
  }
  if (absl::Status s = CanonicalizeLocation(tax, v->mutable_region(), v->mutable_municipality(),
                                            path);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckSector(v->sector(), Field(path, "sector")); !s.ok()) return s;
  if (taxonomy::StripBlanks(v->trade()).empty()) {
    return Invalid(Field(path, "trade"), "required (see TaxonomyService.ListTrades)");
  }
  std::optional<taxonomy::TradeId> trade = tax.FindTrade(v->trade());
  if (!trade) {
    return Invalid(Field(path, "trade"), absl::StrCat("unknown trade ", QuoteValue(v->trade()),
                                                      " (see TaxonomyService.ListTrades)"));
  }
  v->set_trade(tax.trade(*trade).id);

  if (absl::Status s = CanonicalizeQualifications(tax, v->mutable_required_qualifications(),
                                                  kMaxVacancyRequiredQualifications, path,
                                                  "required_qualifications");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CanonicalizeQualifications(tax, v->mutable_preferred_qualifications(),
                                                  kMaxVacancyPreferredQualifications, path,
                                                  "preferred_qualifications");
      !s.ok()) {
    return s;
  }
  // A qualification that is required is not also a bonus.
  if (v->required_qualifications_size() > 0 && v->preferred_qualifications_size() > 0) {
    const auto& required = v->required_qualifications();
    auto* preferred = v->mutable_preferred_qualifications();
    preferred->erase(std::remove_if(preferred->begin(), preferred->end(),
                                    [&](const std::string& code) {
                                      return std::binary_search(required.begin(),
                                                                required.end(), code);
                                    }),
                     preferred->end());
  }

  if (v->positions() > kMaxPositions) {
    return Invalid(Field(path, "positions"),
                   absl::StrCat(v->positions(), " is over the maximum of ", kMaxPositions));
  }
  if (v->positions() == 0) v->set_positions(kDefaultPositions);
  if (!v1::VacancyStatus_IsValid(v->status())) {
    return Invalid(Field(path, "status"), absl::StrCat("unknown status value ", v->status()));
  }
  if (v->status() == v1::VACANCY_STATUS_UNSPECIFIED) v->set_status(v1::VACANCY_STATUS_OPEN);
  if (absl::Status s = CheckOptionalDate(v->expires_at(), Field(path, "expires_at")); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckOptionalDate(v->starts_at(), Field(path, "starts_at")); !s.ok()) {
    return s;
  }
  // expires_at may lie before starts_at: a listing often closes weeks before the work
  // starts (docs/formats.md), so the two are not compared.
  // Spaces around the title carry nothing, and the CSV import trims every field: a title
  // kept with them would change on an export and re-import.
  TrimSpaces(v->mutable_title());
  if (v->title().size() > kMaxTitleBytes) {
    return Invalid(Field(path, "title"),
                   absl::StrCat("longer than ", kMaxTitleBytes, " bytes"));
  }
  if (std::optional<size_t> at = FirstControlChar(v->title())) {
    return Invalid(Field(path, "title"),
                   absl::StrCat("control character (byte ", static_cast<int>(v->title()[*at]),
                                ") at byte ", *at, "; free text must not contain U+0000..U+001F "
                                "or U+007F"));
  }
  if (absl::Status s = CheckSource(v->source(), path); !s.ok()) return s;
  v->clear_updated_at();
  v->clear_filled_positions();  // Output only: the seats placements took are the server's.
  return absl::OkStatus();
}

}  // namespace w2w::validate
