// Tests of the input-hygiene rules of validation (engine/validate/validate.h) and the text
// helpers behind them (engine/common/text.h): unknown fields are dropped, free text must
// not carry control characters, and an echoed value is quoted at most 64 bytes long.
#include <string>

#include "engine/common/text.h"
#include "engine/validate/validate.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::validate {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const taxonomy::Taxonomy& Tax() {
  static const auto* tax =
      new std::shared_ptr<const taxonomy::Taxonomy>(w2w::testing::SharedTaxonomy());
  return **tax;
}

v1::Candidate Candidate() {
  v1::Candidate c;
  c.set_id("c-1");
  c.set_region("Twente");
  c.set_sector(v1::SECTOR_ME);
  c.add_trades()->set_code("7212.3");
  c.set_status(v1::CANDIDATE_STATUS_AT_RISK);
  return c;
}

v1::Vacancy Vacancy() {
  v1::Vacancy v;
  v.set_id("v-1");
  v.set_employer_id("emp-2");
  v.set_region("Twente");
  v.set_sector(v1::SECTOR_ME);
  v.set_trade("7212.3");
  v.set_title("TIG-lasser RVS");
  return v;
}

google::protobuf::UnknownFieldSet& Unknown(google::protobuf::Message* m) {
  return *m->GetReflection()->MutableUnknownFields(m);
}

TEST(TextTest, QuoteValueKeepsShortValuesAndCutsLongOnes) {
  EXPECT_EQ(QuoteValue("Atlantis"), "'Atlantis'");
  EXPECT_EQ(QuoteValue(std::string(64, 'x')), "'" + std::string(64, 'x') + "'");
  EXPECT_EQ(QuoteValue(std::string(8000, 'x')),
            "'" + std::string(64, 'x') + "\xE2\x80\xA6' (8000 bytes)");
  // Never inside a UTF-8 sequence: 63 ASCII bytes, then a 2-byte "é" straddling byte 64.
  const std::string straddle = std::string(63, 'a') + "\xc3\xa9" + std::string(100, 'b');
  EXPECT_EQ(QuoteValue(straddle), "'" + std::string(63, 'a') + "\xE2\x80\xA6' (165 bytes)");
}

TEST(TextTest, FirstInvalidUtf8Byte) {
  EXPECT_EQ(FirstInvalidUtf8Byte(""), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8Byte("Twent\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa7"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8Byte("Twent\xe9"), 5u);         // Latin-1.
  EXPECT_EQ(FirstInvalidUtf8Byte("ab\xc3"), 2u);            // Cut sequence.
  EXPECT_EQ(FirstInvalidUtf8Byte("\xc0\xaf"), 0u);          // Overlong.
  EXPECT_EQ(FirstInvalidUtf8Byte("x\xed\xa0\x80"), 1u);     // Surrogate.
  EXPECT_EQ(FirstInvalidUtf8Byte("\xf4\x90\x80\x80"), 0u);  // Above U+10FFFF.
  EXPECT_EQ(FirstInvalidUtf8Byte("\x80"), 0u);              // Lone continuation.
}

TEST(TextTest, FirstControlChar) {
  EXPECT_EQ(FirstControlChar("TIG-lasser \xc3\xa9\xc3\xa9n"), std::nullopt);
  EXPECT_EQ(FirstControlChar(std::string("ab\0c", 4)), 2u);
  EXPECT_EQ(FirstControlChar("a\tb"), 1u);
  EXPECT_EQ(FirstControlChar("ab\x7f"), 2u);
}

TEST(ValidateEdgeTest, UnknownFieldsAreDropped) {
  v1::Candidate c = Candidate();
  Unknown(&c).AddLengthDelimited(102, "abc");
  Unknown(c.mutable_trades(0)).AddLengthDelimited(102, "x");
  ASSERT_TRUE(CanonicalizeCandidate(Tax(), &c).ok());
  EXPECT_TRUE(Unknown(&c).empty());
  EXPECT_TRUE(Unknown(c.mutable_trades(0)).empty());

  v1::Vacancy v = Vacancy();
  Unknown(&v).AddLengthDelimited(102, "abc");
  ASSERT_TRUE(CanonicalizeVacancy(Tax(), &v).ok());
  EXPECT_TRUE(Unknown(&v).empty());
}

TEST(ValidateEdgeTest, TitleWithControlCharactersIsRefused) {
  for (const std::string& title : {std::string("TIG\0lasser", 10), std::string("TIG\nlasser"),
                                   std::string("TIG\x1b[31mlasser")}) {
    v1::Vacancy v = Vacancy();
    v.set_title(title);
    const absl::Status s = CanonicalizeVacancy(Tax(), &v);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), StartsWith("vacancy.title: control character"));
  }
}

// Found by tests/fuzz/vacancy_validate_fuzz (corpus/vacancy_validate_fuzz/
// crash-title-with-spaces.json): a title kept with surrounding spaces lost them on a CSV
// export and re-import (the CSV reader trims every field), so the record changed.
TEST(ValidateEdgeTest, TitleIsStoredWithoutSurroundingSpaces) {
  v1::Vacancy v = Vacancy();
  v.set_title("  TIG-lasser  RVS ");
  ASSERT_TRUE(CanonicalizeVacancy(Tax(), &v).ok());
  EXPECT_EQ(v.title(), "TIG-lasser  RVS");  // Inner spacing is kept.
  v.set_title("   ");
  ASSERT_TRUE(CanonicalizeVacancy(Tax(), &v).ok());
  EXPECT_EQ(v.title(), "");
  // Only spaces are trimmed: a tab is still a control character.
  v.set_title("\tTIG");
  EXPECT_FALSE(CanonicalizeVacancy(Tax(), &v).ok());
}

TEST(ValidateEdgeTest, ExpiresBeforeStartsIsAllowed) {
  v1::Vacancy v = Vacancy();
  v.set_expires_at("2027-01-31");  // Applications close, then the work starts.
  v.set_starts_at("2027-03-01");
  EXPECT_TRUE(CanonicalizeVacancy(Tax(), &v).ok());
}

TEST(ValidateEdgeTest, EchoedValuesAreCut) {
  v1::Candidate c = Candidate();
  c.set_region(std::string(8000, 'R'));
  absl::Status s = CanonicalizeCandidate(Tax(), &c);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("candidate.region: unknown region 'RRR"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("(8000 bytes)"));
  EXPECT_LT(s.message().size(), 200u);

  c = Candidate();
  c.mutable_trades(0)->set_code(std::string(9000, 'T'));
  s = CanonicalizeCandidate(Tax(), &c);
  EXPECT_THAT(std::string(s.message()), HasSubstr("(9000 bytes)"));
  EXPECT_LT(s.message().size(), 200u);

  v1::Vacancy v = Vacancy();
  v.add_required_qualifications(std::string(9000, 'Q'));
  s = CanonicalizeVacancy(Tax(), &v);
  EXPECT_THAT(std::string(s.message()), HasSubstr("(9000 bytes)"));
  EXPECT_LT(s.message().size(), 200u);
}

}  // namespace
}  // namespace w2w::validate
