// The record file formats (formats/): CSV fields, enum words, CSV and JSON Lines records
// parsed into the public protos.
#include <sstream>

#include "formats/csv.h"
#include "formats/enums.h"
#include "formats/record_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::formats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Split(absl::string_view line) {
  auto fields = SplitCsvLine(line);
  EXPECT_TRUE(fields.ok()) << fields.status();
  return fields.ok() ? *fields : std::vector<std::string>{};
}

TEST(SplitCsvLineTest, PlainQuotedAndEmptyFields) {
  EXPECT_THAT(Split("a,b,c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Split("a,,c"), ElementsAre("a", "", "c"));
  EXPECT_THAT(Split("a,b,"), ElementsAre("a", "b", ""));
  EXPECT_THAT(Split(""), ElementsAre(""));
  EXPECT_THAT(Split("\"x, y\",z"), ElementsAre("x, y", "z"));
  EXPECT_THAT(Split("\"say \"\"hi\"\"\",2"), ElementsAre("say \"hi\"", "2"));
  EXPECT_THAT(Split("\"\",b"), ElementsAre("", "b"));
  EXPECT_THAT(Split("a,b\r"), ElementsAre("a", "b"));
  EXPECT_THAT(Split(" a , b"), ElementsAre(" a ", " b"));
  EXPECT_THAT(Split("Lasser \xC3\xA9\xC3\xA9n,x"), ElementsAre("Lasser \xC3\xA9\xC3\xA9n", "x"));
}

TEST(SplitCsvLineTest, MalformedFieldsNameTheColumn) {
  auto unterminated = SplitCsvLine("a,\"open,c");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_THAT(unterminated.status().message(), HasSubstr("column 2"));
  EXPECT_THAT(unterminated.status().message(), HasSubstr("unterminated"));

  auto stray = SplitCsvLine("a,b\"c");
  ASSERT_FALSE(stray.ok());
  EXPECT_THAT(stray.status().message(), HasSubstr("column 2"));

  auto after = SplitCsvLine("\"a\"x,b");
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(after.status().message(), HasSubstr("column 1"));
}

TEST(CsvEscapeTest, RoundTrips) {
  EXPECT_EQ(CsvEscape("plain"), "plain");
  EXPECT_EQ(CsvEscape("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvEscape("say \"hi\""), "\"say \"\"hi\"\"\"");
  const std::string original = "x, \"y\", z";
  EXPECT_THAT(Split(CsvEscape(original) + ",1"), ElementsAre(original, "1"));
}

TEST(CsvSchemaTest, HeaderMapsColumnsByNameInAnyOrder) {
  auto schema = CsvSchema::FromHeader(RecordKind::kCandidate, {"Sector", " id ", "REGION"});
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_THAT(schema->columns(), ElementsAre("sector", "id", "region"));

  w2w::v1::Candidate c;
  ASSERT_TRUE(CandidateFromCsv(*schema, {"INST", "c-9", "Twente"}, &c).ok());
  EXPECT_EQ(c.id(), "c-9");
  EXPECT_EQ(c.region(), "Twente");
  EXPECT_EQ(c.sector(), w2w::v1::SECTOR_INST);
}

TEST(CsvSchemaTest, RejectsUnknownRepeatedAndMissingIdColumns) {
  auto unknown = CsvSchema::FromHeader(RecordKind::kCandidate, {"id", "shoe_size"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("shoe_size"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("column 2"));

  // A vacancy column is unknown for candidates, and the other way round.
  EXPECT_FALSE(CsvSchema::FromHeader(RecordKind::kCandidate, {"id", "trade"}).ok());
  EXPECT_FALSE(CsvSchema::FromHeader(RecordKind::kVacancy, {"id", "trades"}).ok());

  auto twice = CsvSchema::FromHeader(RecordKind::kVacancy, {"id", "title", "title"});
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.status().message(), HasSubstr("twice"));

  EXPECT_FALSE(CsvSchema::FromHeader(RecordKind::kVacancy, {"title"}).ok());
}

TEST(CandidateFromCsvTest, EveryField) {
  auto schema = CsvSchema::FromHeader(RecordKind::kCandidate, CsvColumns(RecordKind::kCandidate));
  ASSERT_TRUE(schema.ok());
  w2w::v1::Candidate c;
  ASSERT_TRUE(CandidateFromCsv(*schema,
                               {"c-1", "Twente", "Enschede", "ME", "7212.1:12| 7223.1 : 3 |x",
                                "VCA-BASIS|NEN-3140", "emp-7", "at_risk", "2026-12-01", "40",
                                "true", "uwv", "4"},
                               &c)
                  .ok());
  EXPECT_EQ(c.id(), "c-1");
  EXPECT_EQ(c.region(), "Twente");
  EXPECT_EQ(c.municipality(), "Enschede");
  EXPECT_EQ(c.sector(), w2w::v1::SECTOR_ME);
  ASSERT_EQ(c.trades_size(), 3);
  EXPECT_EQ(c.trades(0).code(), "7212.1");
  EXPECT_EQ(c.trades(0).years(), 12u);
  EXPECT_EQ(c.trades(1).code(), "7223.1");
  EXPECT_EQ(c.trades(1).years(), 3u);
  EXPECT_EQ(c.trades(2).code(), "x");
  EXPECT_EQ(c.trades(2).years(), 0u);
  EXPECT_THAT(c.qualifications(), ElementsAre("VCA-BASIS", "NEN-3140"));
  EXPECT_EQ(c.employer_id(), "emp-7");
  EXPECT_EQ(c.status(), w2w::v1::CANDIDATE_STATUS_AT_RISK);
  EXPECT_EQ(c.available_from(), "2026-12-01");
  EXPECT_EQ(c.max_travel_km(), 40u);
  EXPECT_TRUE(c.willing_to_retrain());
  EXPECT_EQ(c.source(), "uwv");
  EXPECT_EQ(c.version(), 4u);
}

TEST(CandidateFromCsvTest, EmptyOptionalFieldsStayUnset) {
  auto schema = CsvSchema::FromHeader(RecordKind::kCandidate, CsvColumns(RecordKind::kCandidate));
  ASSERT_TRUE(schema.ok());
  w2w::v1::Candidate c;
  ASSERT_TRUE(
      CandidateFromCsv(*schema, {"c-2", "", "", "", "", "", "", "", "", "", "", "", ""}, &c).ok());
  EXPECT_EQ(c.id(), "c-2");
  EXPECT_EQ(c.sector(), w2w::v1::SECTOR_UNSPECIFIED);
  EXPECT_EQ(c.trades_size(), 0);
  EXPECT_EQ(c.qualifications_size(), 0);
  EXPECT_FALSE(c.willing_to_retrain());
}

TEST(CandidateFromCsvTest, BadValuesNameTheColumn) {
  auto schema = CsvSchema::FromHeader(
      RecordKind::kCandidate, {"id", "sector", "status", "max_travel_km", "willing_to_retrain",
                               "trades"});
  ASSERT_TRUE(schema.ok());
  w2w::v1::Candidate c;
  struct Case {
    std::vector<std::string> row;
    std::string column;
  };
  const Case cases[] = {
      {{"c", "STEEL", "", "", "", ""}, "sector"},
      {{"c", "", "retired", "", "", ""}, "status"},
      {{"c", "", "", "far", "", ""}, "max_travel_km"},
      {{"c", "", "", "-5", "", ""}, "max_travel_km"},
      {{"c", "", "", "", "maybe", ""}, "willing_to_retrain"},
      {{"c", "", "", "", "", "7212.1:many"}, "trades"},
      {{"c", "", "", "", "", ":4"}, "trades"},
  };
  for (const Case& test : cases) {
    const absl::Status s = CandidateFromCsv(*schema, test.row, &c);
    ASSERT_FALSE(s.ok()) << test.column;
    EXPECT_THAT(s.message(), HasSubstr(absl::StrCat("column ", test.column)));
  }
  const absl::Status width = CandidateFromCsv(*schema, {"c", "ME"}, &c);
  ASSERT_FALSE(width.ok());
  EXPECT_THAT(width.message(), HasSubstr("expected 6 fields"));
}

TEST(VacancyFromCsvTest, EveryField) {
  auto schema = CsvSchema::FromHeader(RecordKind::kVacancy, CsvColumns(RecordKind::kVacancy));
  ASSERT_TRUE(schema.ok());
  w2w::v1::Vacancy v;
  ASSERT_TRUE(VacancyFromCsv(*schema,
                             {"v-1", "emp-2", "Zuidoost-Brabant", "Eindhoven", "inst", "7411.1",
                              "VCA-VOL|NEN-3140", "F-GAS", "3", "yes", "filled", "2027-01-31",
                              "2026-12-15", "Monteur, E-installaties", "indeed", "2"},
                             &v)
                  .ok());
  EXPECT_EQ(v.id(), "v-1");
  EXPECT_EQ(v.employer_id(), "emp-2");
  EXPECT_EQ(v.region(), "Zuidoost-Brabant");
  EXPECT_EQ(v.municipality(), "Eindhoven");
  EXPECT_EQ(v.sector(), w2w::v1::SECTOR_INST);
  EXPECT_EQ(v.trade(), "7411.1");
  EXPECT_THAT(v.required_qualifications(), ElementsAre("VCA-VOL", "NEN-3140"));
  EXPECT_THAT(v.preferred_qualifications(), ElementsAre("F-GAS"));
  EXPECT_EQ(v.positions(), 3u);
  EXPECT_TRUE(v.hard_to_fill());
  EXPECT_EQ(v.status(), w2w::v1::VACANCY_STATUS_FILLED);
  EXPECT_EQ(v.expires_at(), "2027-01-31");
  EXPECT_EQ(v.starts_at(), "2026-12-15");
  EXPECT_EQ(v.title(), "Monteur, E-installaties");
  EXPECT_EQ(v.source(), "indeed");
  EXPECT_EQ(v.version(), 2u);
}

TEST(VacancyFromCsvTest, BadValuesNameTheColumn) {
  auto schema =
      CsvSchema::FromHeader(RecordKind::kVacancy, {"id", "positions", "hard_to_fill", "status"});
  ASSERT_TRUE(schema.ok());
  w2w::v1::Vacancy v;
  EXPECT_THAT(VacancyFromCsv(*schema, {"v", "two", "", ""}, &v).message(),
              HasSubstr("column positions"));
  EXPECT_THAT(VacancyFromCsv(*schema, {"v", "", "sometimes", ""}, &v).message(),
              HasSubstr("column hard_to_fill"));
  EXPECT_THAT(VacancyFromCsv(*schema, {"v", "", "", "at_risk"}, &v).message(),
              HasSubstr("column status"));
}

// Reads every record of `text`; returns "line:id" for good records and "line:ERR" for
// malformed ones.
std::vector<std::string> ReadAll(const std::string& text, FileFormat format, RecordKind kind) {
  std::istringstream in(text);
  auto reader = RecordReader::Create(&in, format, kind);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  std::vector<std::string> out;
  w2w::v1::Candidate candidate;
  w2w::v1::Vacancy vacancy;
  google::protobuf::Message* message =
      kind == RecordKind::kCandidate ? static_cast<google::protobuf::Message*>(&candidate)
                                     : &vacancy;
  ReadRecord record;
  while ((*reader)->Next(message, &record)) {
    const std::string id = kind == RecordKind::kCandidate ? candidate.id() : vacancy.id();
    out.push_back(absl::StrCat(record.line, ":", record.status.ok() ? id : "ERR"));
  }
  return out;
}

TEST(RecordReaderTest, CsvSkipsEmptyLinesAndReportsMalformedLinesByNumber) {
  const std::string text =
      "\n"                                          // 1: empty before the header
      "id,region,sector,trades,status\n"            // 2: header
      "c-1,Twente,ME,7212.1:5,at_risk\n"            // 3
      "\n"                                          // 4: empty
      "c-2,\"Noord-Holland Noord\",INST,,unemployed\r\n"  // 5 (CRLF)
      "c-3,Twente,ME\n"                             // 6: too few fields
      "c-4,\"Twente,ME,7212.1:5,at_risk\n"          // 7: unterminated quote
      "c-5,Twente,XX,7212.1:5,at_risk\n"            // 8: bad sector
      "   \n"                                       // 9: blank
      "c-6,Twente,BOUW,7212.1,placed";              // 10: no final newline
  EXPECT_THAT(ReadAll(text, FileFormat::kCsv, RecordKind::kCandidate),
              ElementsAre("3:c-1", "5:c-2", "6:ERR", "7:ERR", "8:ERR", "10:c-6"));
}

TEST(RecordReaderTest, CsvQuotedFieldsMaySpanLines) {
  const std::string text =
      "id,title,positions\n"                       // 1
      "v-1,\"Monteur \"\"koel\"\",\nlucht\",2\r\n"    // 2-3: title over two lines
      "v-2,plain,1\n"                              // 4
      "v-3,\"never closed,1\n"                    // 5: open quote ...
      "v-4,after,1\n";                             // 6: ... which does not eat this line
  std::istringstream in(text);
  auto reader = RecordReader::Create(&in, FileFormat::kCsv, RecordKind::kVacancy);
  ASSERT_TRUE(reader.ok());
  w2w::v1::Vacancy v;
  ReadRecord record;
  ASSERT_TRUE((*reader)->Next(&v, &record));
  ASSERT_TRUE(record.status.ok()) << record.status;
  EXPECT_EQ(record.line, 2);
  EXPECT_EQ(v.title(), "Monteur \"koel\",\nlucht");
  EXPECT_EQ(v.positions(), 2u);
  EXPECT_THAT(ReadAll(text, FileFormat::kCsv, RecordKind::kVacancy),
              ElementsAre("2:v-1", "4:v-2", "5:ERR", "6:v-4"));
}

TEST(EndsInsideQuotesTest, CountsOpenQuotes) {
  EXPECT_FALSE(EndsInsideQuotes("a,b"));
  EXPECT_FALSE(EndsInsideQuotes("a,\"b,c\""));
  EXPECT_FALSE(EndsInsideQuotes("\"say \"\"hi\"\"\""));
  EXPECT_TRUE(EndsInsideQuotes("a,\"b"));
  EXPECT_TRUE(EndsInsideQuotes("a,\"b\"\"c"));
}

TEST(RecordReaderTest, CsvHeaderErrorsCarryTheLineNumber) {
  std::istringstream unknown("\nid,region,colour\nc-1,Twente,red\n");
  auto reader = RecordReader::Create(&unknown, FileFormat::kCsv, RecordKind::kCandidate);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(reader.status().message(), HasSubstr("colour"));

  std::istringstream empty("\n\n");
  EXPECT_FALSE(RecordReader::Create(&empty, FileFormat::kCsv, RecordKind::kVacancy).ok());
}

TEST(RecordReaderTest, JsonLines) {
  const std::string text =
      R"({"id":"v-1","employer_id":"e","sector":"SECTOR_ME","trade":"7212.1","positions":2})"
      "\n\n"
      R"({"id":"v-2","requiredQualifications":["VCA-VOL"],"status":"VACANCY_STATUS_OPEN"})"
      "\n"
      R"({"id":"v-3","colour":"red"})"
      "\n"
      "{not json\n"
      R"({"id":"v-5","positions":"many"})"
      "\n"
      R"({"id":"v-6","hard_to_fill":true})";
  EXPECT_THAT(ReadAll(text, FileFormat::kJsonl, RecordKind::kVacancy),
              ElementsAre("1:v-1", "3:v-2", "4:ERR", "5:ERR", "6:ERR", "7:v-6"));

  std::istringstream in(R"({"id":"c-1","trades":[{"code":"7212.1","years":4}],)"
                        R"("status":"CANDIDATE_STATUS_NOTICE_GIVEN","willingToRetrain":true})");
  auto reader = RecordReader::Create(&in, FileFormat::kJsonl, RecordKind::kCandidate);
  ASSERT_TRUE(reader.ok());
  w2w::v1::Candidate c;
  ReadRecord record;
  ASSERT_TRUE((*reader)->Next(&c, &record));
  ASSERT_TRUE(record.status.ok()) << record.status;
  EXPECT_EQ(c.trades(0).years(), 4u);
  EXPECT_EQ(c.status(), w2w::v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  EXPECT_TRUE(c.willing_to_retrain());
}

TEST(JsonTest, RoundTripsThroughMessageToJson) {
  w2w::v1::Candidate c;
  c.set_id("c-1");
  c.set_sector(w2w::v1::SECTOR_PROC);
  c.add_qualifications("VCA-BASIS");
  auto* t = c.add_trades();
  t->set_code("8131.1");
  t->set_years(7);
  w2w::v1::Candidate back;
  ASSERT_TRUE(MessageFromJson(MessageToJson(c, false), &back).ok());
  EXPECT_EQ(back.SerializeAsString(), c.SerializeAsString());
  EXPECT_EQ(MessageToJson(c, false).find('\n'), std::string::npos);
}

TEST(DetectFormatTest, ByExtensionOrFlag) {
  EXPECT_EQ(*DetectFormat("a/people.CSV", ""), FileFormat::kCsv);
  EXPECT_EQ(*DetectFormat("people.jsonl", ""), FileFormat::kJsonl);
  EXPECT_EQ(*DetectFormat("people.ndjson", ""), FileFormat::kJsonl);
  EXPECT_EQ(*DetectFormat("people.txt", "csv"), FileFormat::kCsv);
  EXPECT_EQ(*DetectFormat("-", "jsonl"), FileFormat::kJsonl);
  EXPECT_FALSE(DetectFormat("people.txt", "").ok());
  EXPECT_FALSE(DetectFormat("people.csv", "xml").ok());
}

TEST(EnumsTest, ParseAndName) {
  EXPECT_EQ(*ParseSector("me"), w2w::v1::SECTOR_ME);
  EXPECT_EQ(*ParseSector("SECTOR_BOUW"), w2w::v1::SECTOR_BOUW);
  EXPECT_FALSE(ParseSector("UNSPECIFIED").ok());
  EXPECT_FALSE(ParseSector("").ok());
  EXPECT_EQ(*ParseCandidateStatus("notice-given"), w2w::v1::CANDIDATE_STATUS_NOTICE_GIVEN);
  EXPECT_EQ(*ParseCandidateStatus("BANKRUPT_EMPLOYER"),
            w2w::v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER);
  EXPECT_THAT(ParseCandidateStatus("sleeping").status().message(), HasSubstr("at_risk"));
  EXPECT_EQ(*ParseVacancyStatus("closed"), w2w::v1::VACANCY_STATUS_CLOSED);
  EXPECT_EQ(*ParseQualificationKind("licence"), w2w::v1::QUALIFICATION_KIND_LICENCE);
  EXPECT_EQ(*ParseRematchMode("group"), w2w::v1::REMATCH_MODE_GROUP);
  EXPECT_EQ(SectorCode(w2w::v1::SECTOR_MVT), "MVT");
  EXPECT_EQ(SectorCode(w2w::v1::SECTOR_UNSPECIFIED), "");
  EXPECT_EQ(CandidateStatusName(w2w::v1::CANDIDATE_STATUS_AT_RISK), "at_risk");
  EXPECT_EQ(PlacementName(w2w::v1::PLACEMENT_AFTER_RETRAINING), "after_retraining");
}

}  // namespace
}  // namespace w2w::formats
