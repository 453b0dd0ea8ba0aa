#include "formats/record_writer.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "formats/csv.h"
#include "formats/enums.h"
#include "google/protobuf/util/json_util.h"

namespace w2w::formats {
namespace {

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out.push_back('|');
    out.append(item);
  }
  return out;
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

std::string IdentityTradeText(const std::string& trade) { return trade; }

void AppendCandidateCsv(const v1::Candidate& c, TradeText trade_text, std::string* out) {
  std::string trades;
  for (const v1::TradeExperience& t : c.trades()) {
    if (!trades.empty()) trades.push_back('|');
    absl::StrAppend(&trades, trade_text(t.code()), ":", t.years());
  }
  const std::string fields[] = {
      c.id(), c.region(), c.municipality(), SectorCode(c.sector()), trades,
      Joined(c.qualifications()), c.employer_id(), CandidateStatusName(c.status()), c.available_from(),
      absl::StrCat(c.max_travel_km()), Bool(c.willing_to_retrain()), c.source()};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) out->push_back(',');
    AppendCsvField(fields[i], out);
  }
  out->push_back('\n');
}

void AppendVacancyCsv(const v1::Vacancy& v, TradeText trade_text, std::string* out) {
  const std::string fields[] = {
      v.id(), v.employer_id(), v.region(), v.municipality(), SectorCode(v.sector()),
      trade_text(v.trade()), Joined(v.required_qualifications()),
      Joined(v.preferred_qualifications()), absl::StrCat(v.positions()), Bool(v.hard_to_fill()),
      VacancyStatusName(v.status()), v.expires_at(), v.starts_at(), v.title(), v.source()};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) out->push_back(',');
    AppendCsvField(fields[i], out);
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

}  // namespace w2w::formats
