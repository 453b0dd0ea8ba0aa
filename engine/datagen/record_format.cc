#include "engine/datagen/record_format.h"

#include <iterator>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace w2w::datagen {
namespace {

constexpr std::string_view kCandidatePrefix = "CANDIDATE_STATUS_";
constexpr std::string_view kVacancyPrefix = "VACANCY_STATUS_";

// Appends `field`, quoted when it holds a comma, quote or line break.
void AppendField(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string EnumName(const std::string& full, std::string_view prefix) {
  std::string_view name = full;
  if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
}

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out.push_back('|');
    out.append(item);
  }
  return out;
}

std::string TradeCode(const taxonomy::Taxonomy& tax, const std::string& id) {
  std::optional<taxonomy::TradeId> t = tax.FindTrade(id);
  return t ? tax.trade(*t).esco_code : id;
}

const char* Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string_view CandidateCsvHeader() {
  return "id,region,municipality,sector,trades,qualifications,employer_id,status,"
         "available_from,max_travel_km,willing_to_retrain,source";
}

std::string_view VacancyCsvHeader() {
  return "id,employer_id,region,municipality,sector,trade,required_qualifications,"
         "preferred_qualifications,positions,hard_to_fill,status,expires_at,starts_at,title,"
         "source";
}

std::string StatusName(v1::CandidateStatus s) {
  return EnumName(v1::CandidateStatus_Name(s), kCandidatePrefix);
}

std::string StatusName(v1::VacancyStatus s) {
  return EnumName(v1::VacancyStatus_Name(s), kVacancyPrefix);
}

void AppendCandidateCsv(const taxonomy::Taxonomy& tax, const v1::Candidate& c, std::string* out) {
  std::string trades;
  for (const v1::TradeExperience& t : c.trades()) {
    if (!trades.empty()) trades.push_back('|');
    absl::StrAppend(&trades, TradeCode(tax, t.code()), ":", t.years());
  }
  const std::string_view sector = taxonomy::Taxonomy::SectorCode(c.sector());
  const std::string fields[] = {
      c.id(), c.region(), c.municipality(), std::string(sector), trades,
      Joined(c.qualifications()), c.employer_id(), StatusName(c.status()), c.available_from(),
      absl::StrCat(c.max_travel_km()), Bool(c.willing_to_retrain()), c.source()};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) out->push_back(',');
    AppendField(fields[i], out);
  }
  out->push_back('\n');
}

void AppendVacancyCsv(const taxonomy::Taxonomy& tax, const v1::Vacancy& v, std::string* out) {
  const std::string_view sector = taxonomy::Taxonomy::SectorCode(v.sector());
  const std::string fields[] = {
      v.id(), v.employer_id(), v.region(), v.municipality(), std::string(sector),
      TradeCode(tax, v.trade()), Joined(v.required_qualifications()),
      Joined(v.preferred_qualifications()), absl::StrCat(v.positions()), Bool(v.hard_to_fill()),
      StatusName(v.status()), v.expires_at(), v.starts_at(), v.title(), v.source()};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) out->push_back(',');
    AppendField(fields[i], out);
  }
  out->push_back('\n');
}

absl::Status AppendJsonLine(const google::protobuf::Message& m, std::string* out) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(m, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("JSON printing failed: ", status.ToString()));
  }
  out->append(json);
  out->push_back('\n');
  return absl::OkStatus();
}

}  // namespace w2w::datagen
