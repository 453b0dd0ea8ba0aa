// Tests of engine/match/reasons: the fast number formats equal the printf formats they
// replace (explanations must stay byte-identical), the sentences built once per model
// read as the per-match formatting used to write them, and one response is in one
// language: a Dutch explanation carries no English sentence and an English one no Dutch,
// with the same scores, components and ranking either way.
#include "engine/match/reasons.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/match/compiled_policy.h"
#include "engine/match/matcher.h"
#include "engine/match/policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::match {
namespace {

std::string Printf0(double x) { return absl::StrFormat("%.0f", x); }

TEST(MatchReasonsTest, RoundedEqualsPrintfIncludingTiesToEven) {
  for (double x : {0.0, 0.4, 0.5, 1.5, 2.5, 3.5, 99.5, 100.0, 22.8996524810791, 1e14 + 0.5}) {
    EXPECT_EQ(Rounded(x), Printf0(x)) << x;
  }
  for (int i = 0; i < 2000; ++i) {  // Exact halves and their neighbours.
    const double half = i + 0.5;
    for (double x : {half, std::nextafter(half, 0.0), std::nextafter(half, 1e9)}) {
      ASSERT_EQ(Rounded(x), Printf0(x)) << x;
    }
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> km(0, 400);
  for (int i = 0; i < 200000; ++i) {
    const double x = km(rng);
    ASSERT_EQ(Rounded(x), Printf0(x)) << x;
  }
  for (int i = 0; i <= 10000; ++i) {  // Similarities are floats, shown as a percentage.
    const double pct = static_cast<double>(static_cast<float>(i / 10000.0)) * 100;
    ASSERT_EQ(Rounded(pct), Printf0(pct)) << pct;
  }
  // Outside the fast path printf's own spelling is kept.
  EXPECT_EQ(Rounded(-0.3), "-0");
  EXPECT_EQ(Rounded(-2.5), "-2");
  EXPECT_EQ(Rounded(1e20), Printf0(1e20));
  EXPECT_EQ(Rounded(INFINITY), "inf");
}

TEST(MatchReasonsTest, NumberWords) {
  EXPECT_EQ(Num(0.4), "0.4");
  EXPECT_EQ(Num(12), "12");
  EXPECT_EQ(Weeks(1), "1 week");
  EXPECT_EQ(Weeks(0.2), "0.2 weeks");
  EXPECT_EQ(Km(22.8996524810791), "23 km");
  EXPECT_EQ(Km(0.5), "0 km");
  EXPECT_STREQ(StatusText(v1::CANDIDATE_STATUS_NOTICE_GIVEN), "notice given");
  EXPECT_STREQ(StatusText(99), "status unknown");
}

TEST(MatchReasonsTest, ModelTextsReadAsThePerMatchFormatsDid) {
  auto tax = testing::SharedTaxonomy();
  v1::Policy raw;
  v1::RetrainingWeight* override_weeks = raw.add_retraining();
  override_weeks->set_qualification("VCA-VOL");
  override_weeks->set_weeks(1);
  override_weeks->set_cost_eur(412.5);
  auto policy = CompletePolicy(raw, *tax);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const auto m = CompiledPolicy::Compile(tax, *policy);
  const ReasonTexts& t = m->reasons(Language::kEnglish);

  for (int a = 0; a < taxonomy::kNumSectorSlots; ++a) {
    const std::string from(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(a)));
    EXPECT_EQ(t.same_sector[a], "same sector " + from);
    for (int b = 0; b < taxonomy::kNumSectorSlots; ++b) {
      const std::string to(taxonomy::Taxonomy::SectorCode(static_cast<v1::Sector>(b)));
      char expected[128];
      std::snprintf(expected, sizeof expected, "sector move %s -> %s (%.2f)", from.c_str(), to.c_str(),
                    m->sector[a][b]);
      EXPECT_EQ(t.sector_move[a][b], expected);
    }
  }
  EXPECT_EQ(t.sector_move[v1::SECTOR_ME][v1::SECTOR_INST].rfind("sector move ME -> INST (", 0), 0u);

  ASSERT_EQ(t.same_region.size(), tax->num_regions());
  const auto rijnmond = tax->FindRegion("Rijnmond");
  ASSERT_TRUE(rijnmond.has_value());
  EXPECT_EQ(t.same_region[*rijnmond], "Rijnmond, same region");

  ASSERT_EQ(t.needs.size(), tax->num_qualifications());
  ASSERT_EQ(t.preferred.size(), tax->num_qualifications());
  const auto vca = tax->FindQualification("VCA-VOL");
  ASSERT_TRUE(vca.has_value());
  EXPECT_EQ(t.needs[*vca], "needs VCA-VOL: 1 week, EUR 412");  // Policy override; %.0f of 412.5.
  EXPECT_EQ(t.preferred[*vca], "holds preferred VCA-VOL");
  for (size_t q = 0; q < t.needs.size(); ++q) {
    const std::string& code = tax->qualification(static_cast<taxonomy::QualId>(q)).code;
    char cost[64];
    std::snprintf(cost, sizeof cost, "%.0f", m->qual_cost[q]);
    EXPECT_EQ(t.needs[q], "needs " + code + ": " + Weeks(m->qual_weeks[q]) + ", EUR " + cost);
  }
}

TEST(MatchReasonsTest, DutchNumberWordsAndStatuses) {
  EXPECT_EQ(Num(0.4, Language::kDutch), "0,4");
  EXPECT_EQ(Num(12, Language::kDutch), "12");
  EXPECT_EQ(Weeks(1, Language::kDutch), "1 week");
  EXPECT_EQ(Weeks(0.2, Language::kDutch), "0,2 weken");
  EXPECT_EQ(Weeks(6, Language::kDutch), "6 weken");
  EXPECT_STREQ(StatusText(v1::CANDIDATE_STATUS_NOTICE_GIVEN, Language::kDutch), "ontslag aangezegd");
  EXPECT_STREQ(StatusText(99, Language::kDutch), "status onbekend");
  for (int status = 0; status <= taxonomy::kNumStatuses; ++status) {
    EXPECT_STRNE(StatusText(status, Language::kDutch), StatusText(status, Language::kEnglish)) << status;
  }
  EXPECT_EQ(DistanceExclusion(50.2, 50, Language::kDutch), "afstand 50,2 km is meer dan max_travel_km 50");
  EXPECT_EQ(DistanceExclusion(50.2, 50, Language::kEnglish), "distance 50.2 km exceeds max_travel_km 50");
}

TEST(MatchReasonsTest, DutchModelTexts) {
  auto tax = testing::SharedTaxonomy();
  auto policy = CompletePolicy(v1::Policy(), *tax);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const auto m = CompiledPolicy::Compile(tax, *policy);
  const ReasonTexts& nl = m->reasons(Language::kDutch);
  EXPECT_EQ(nl.same_sector[v1::SECTOR_ME], "zelfde sector ME");
  std::string move = absl::StrFormat("sectorwissel ME -> INST (%.2f)", m->sector[v1::SECTOR_ME][v1::SECTOR_INST]);
  std::replace(move.begin(), move.end(), '.', ',');  // The Dutch decimal comma.
  EXPECT_EQ(nl.sector_move[v1::SECTOR_ME][v1::SECTOR_INST], move);
  EXPECT_EQ(nl.same_region[*tax->FindRegion("Rijnmond")], "Rijnmond, zelfde regio");
  const auto vca = *tax->FindQualification("VCA-VOL");
  EXPECT_EQ(nl.needs[vca], "heeft VCA-VOL nodig: 0,4 weken, EUR 300");
  EXPECT_EQ(nl.preferred[vca], "heeft gewenste VCA-VOL");
}

// ---- One language per response ------------------------------------------------------------

// Words only the English sentences use and words only the Dutch ones use (whole words,
// compared in lower case). Shared words ("sector", "week", "open", "start", "km") and
// short Dutch function words that also occur in place names ("de", "op", "van") are left
// out; the places and trades below were chosen so that their names hold none of these.
const std::set<std::string>& EnglishWords() {
  static const auto* const kWords = new std::set<std::string>{
      "same", "trade", "move", "region", "municipality", "needs", "holds", "preferred", "required",
      "qualifications", "qualification", "weeks", "years", "year", "available", "days", "after",
      "hard", "fill", "covers", "related", "known", "distance", "anchor", "candidate", "vacancy",
      "expired", "exceeds", "skills", "willing", "retrain", "retraining", "cap", "employed", "job",
      "risk", "notice", "given", "employer", "bankrupt", "unemployed", "placed", "unavailable",
      "unknown", "matched", "no", "the", "of", "and", "least", "lacks", "over", "for", "from"};
  return *kWords;
}
const std::set<std::string>& DutchWords() {
  static const auto* const kWords = new std::set<std::string>{
      "zelfde", "beroep", "verwant", "dekt", "jaar", "regio", "gemeente", "heeft", "nodig", "gewenste",
      "vereiste", "kwalificaties", "kwalificatie", "weken", "beschikbaar", "vanaf", "dagen", "dag",
      "moeilijk", "vervulbaar", "geen", "bekend", "voor", "afstand", "ankerpunt", "kandidaat",
      "vacature", "sectorwissel", "verlopen", "minstens", "vaardigheden", "meer", "dan", "wil",
      "omscholen", "mist", "omscholing", "duurt", "maximum", "dienst", "baan", "gevaar", "ontslag",
      "aangezegd", "werkgever", "failliet", "werkloos", "geplaatst", "niet", "wordt", "gematcht",
      "onbekend", "lasser", "timmerman"};
  return *kWords;
}

// The words of `text` found in `words`.
std::vector<std::string> WordsFrom(const std::string& text, const std::set<std::string>& words) {
  std::vector<std::string> found;
  for (absl::string_view w : absl::StrSplit(text, absl::ByAnyChar(" ,:;()%'->|"), absl::SkipEmpty())) {
    const std::string lower = absl::AsciiStrToLower(w);
    if (words.count(lower) > 0) found.push_back(lower);
  }
  return found;
}

constexpr char kWelder[] = "7aedaa07-3884-4c5b-88f9-80997b2aa54b";
constexpr char kCarpenter[] = "2a22ff9e-de3b-408d-b312-5034896cc4f4";

class ReasonLanguageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tax_ = testing::SharedTaxonomy();
    auto p = CompletePolicy(v1::Policy(), *tax_);
    ASSERT_TRUE(p.ok()) << p.status();
    matcher_ = Matcher::Create(tax_, *p);
  }

  static v1::Candidate Cand(const std::string& id, const std::string& trade, const std::string& region,
                            const std::string& municipality) {
    v1::Candidate c;
    c.set_id(id);
    c.set_region(region);
    c.set_municipality(municipality);
    c.set_sector(v1::SECTOR_ME);
    auto* t = c.add_trades();
    t->set_code(trade);
    t->set_years(8);
    c.set_status(v1::CANDIDATE_STATUS_NOTICE_GIVEN);
    c.set_willing_to_retrain(true);
    c.set_max_travel_km(60);
    return c;
  }

  static v1::Vacancy Vac(const std::string& id, const std::string& trade, const std::string& region,
                         const std::string& municipality) {
    v1::Vacancy v;
    v.set_id(id);
    v.set_employer_id("werkgever");
    v.set_region(region);
    v.set_municipality(municipality);
    v.set_sector(v1::SECTOR_ME);
    v.set_trade(trade);
    v.set_status(v1::VACANCY_STATUS_OPEN);
    return v;
  }

  // A trade other than welder that reaches it, for "related trade" sentences.
  std::string RelatedToWelder() const {
    const auto welder = *tax_->FindTrade(kWelder);
    for (const auto& link : tax_->TradesReaching(welder)) {
      const taxonomy::TradeInfo& t = tax_->trade(link.trade);
      // Labels that hold none of the marker words, so that only the sentences are judged.
      if (link.trade != welder && link.similarity >= 0.3 && WordsFrom(t.label_en, DutchWords()).empty() &&
          WordsFrom(t.label_en, EnglishWords()).empty() && WordsFrom(t.label_nl, EnglishWords()).empty()) {
        return t.id;
      }
    }
    return "";
  }

  // Explains the pair in both languages and checks that only the texts differ, and that
  // each text is in its own language. Returns the Dutch and English reasons, joined.
  std::pair<std::string, std::string> ExplainBoth(const v1::Candidate& c, const v1::Vacancy& v) {
    auto nl = matcher_->Explain(c, v, Language::kDutch);
    auto en = matcher_->Explain(c, v, Language::kEnglish);
    EXPECT_TRUE(nl.ok() && en.ok()) << nl.status() << en.status();
    if (!nl.ok() || !en.ok()) return {};
    EXPECT_EQ(nl->language(), v1::LANGUAGE_NL);
    EXPECT_EQ(en->language(), v1::LANGUAGE_EN);
    EXPECT_EQ(en->SerializeAsString(), matcher_->Explain(c, v)->SerializeAsString()) << "English is the default";
    // Everything but the texts is the same.
    v1::ExplainMatchResponse nl_rest = *nl, en_rest = *en;
    for (auto* r : {&nl_rest, &en_rest}) {
      r->clear_exclusion_reason();
      r->clear_language();
      r->mutable_explanation()->clear_reasons();
    }
    EXPECT_EQ(nl_rest.SerializeAsString(), en_rest.SerializeAsString()) << nl_rest.DebugString();
    EXPECT_EQ(nl->explanation().reasons_size(), en->explanation().reasons_size());
    std::vector<std::string> nl_texts(nl->explanation().reasons().begin(), nl->explanation().reasons().end());
    std::vector<std::string> en_texts(en->explanation().reasons().begin(), en->explanation().reasons().end());
    if (nl->excluded()) {
      nl_texts.push_back(nl->exclusion_reason());
      en_texts.push_back(en->exclusion_reason());
    }
    for (const std::string& t : nl_texts) {
      EXPECT_THAT(WordsFrom(t, EnglishWords()), ::testing::IsEmpty()) << "Dutch text: " << t;
    }
    for (const std::string& t : en_texts) {
      EXPECT_THAT(WordsFrom(t, DutchWords()), ::testing::IsEmpty()) << "English text: " << t;
    }
    EXPECT_NE(absl::StrJoin(nl_texts, "|"), absl::StrJoin(en_texts, "|"));
    return {absl::StrJoin(nl_texts, "|"), absl::StrJoin(en_texts, "|")};
  }

  std::shared_ptr<const taxonomy::Taxonomy> tax_;
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(ReasonLanguageTest, EverySentenceOfAScoredPairIsInTheAskedLanguage) {
  using ::testing::HasSubstr;
  // Same trade, same municipality, a missing and a preferred qualification, available
  // later, hard to fill.
  v1::Candidate c = Cand("c", kWelder, "Twente", "Enschede");
  c.add_qualifications("ISO9606-135");
  c.set_available_from(testing::DayFromToday(20));
  v1::Vacancy v = Vac("v", kWelder, "Twente", "Enschede");
  v.add_required_qualifications("VCA-VOL");
  v.add_preferred_qualifications("ISO9606-135");
  v.set_hard_to_fill(true);
  auto [nl, en] = ExplainBoth(c, v);
  EXPECT_THAT(nl, HasSubstr("zelfde beroep, 8 jaar"));
  EXPECT_THAT(en, HasSubstr("same trade, 8 years"));
  EXPECT_THAT(nl, HasSubstr("Enschede, zelfde gemeente"));
  EXPECT_THAT(nl, HasSubstr("heeft VCA-VOL nodig: 0,4 weken, EUR 300"));
  EXPECT_THAT(nl, HasSubstr("heeft gewenste ISO9606-135"));
  EXPECT_THAT(nl, HasSubstr("ontslag aangezegd, beschikbaar vanaf "));
  EXPECT_THAT(nl, HasSubstr(", 20 dagen na de start"));
  EXPECT_THAT(nl, HasSubstr("moeilijk vervulbaar"));

  // A related trade (labels in the asked language), a move within the region, all
  // required qualifications held.
  const std::string related = RelatedToWelder();
  ASSERT_FALSE(related.empty()) << "precondition on the ESCO data";
  const taxonomy::TradeInfo& info = tax_->trade(*tax_->FindTrade(related));
  const taxonomy::TradeInfo& welder = tax_->trade(*tax_->FindTrade(kWelder));
  v1::Candidate r = Cand("r", related, "Twente", "Losser");
  r.add_qualifications("VCA-VOL");
  std::tie(nl, en) = ExplainBoth(r, v);
  EXPECT_THAT(nl, HasSubstr(absl::StrCat("verwant beroep ", info.label_nl, " dekt ")));
  EXPECT_THAT(nl, HasSubstr(absl::StrCat("% van ", welder.label_nl, ", 8 jaar")));
  EXPECT_THAT(en, HasSubstr(absl::StrCat("related trade ", info.label_en, " covers ")));
  EXPECT_THAT(nl, HasSubstr("Losser -> Enschede "));
  EXPECT_THAT(nl, HasSubstr(" km, zelfde regio"));
  EXPECT_THAT(nl, HasSubstr("heeft alle vereiste kwalificaties"));

  // Region-only records: both measured from the anchor, the same region.
  std::tie(nl, en) = ExplainBoth(Cand("a", kWelder, "Twente", ""), Vac("va", kWelder, "Twente", ""));
  EXPECT_THAT(nl, HasSubstr("Twente, zelfde regio"));
  EXPECT_THAT(nl, HasSubstr("geen gemeente bekend voor de kandidaat: afstand vanaf "));
  EXPECT_THAT(nl, HasSubstr("geen gemeente bekend voor de vacature"));
  EXPECT_THAT(en, HasSubstr("no municipality known for the vacancy"));

  // Another region of the same SPT cluster, another sector.
  v1::Vacancy inst = Vac("vi", kWelder, "Rijnmond", "");
  inst.set_sector(v1::SECTOR_INST);
  v1::Candidate drecht = Cand("d", kWelder, "Drechtsteden", "");
  drecht.set_status(v1::CANDIDATE_STATUS_UNEMPLOYED);
  std::tie(nl, en) = ExplainBoth(drecht, inst);
  EXPECT_THAT(nl, HasSubstr("sectorwissel ME -> INST ("));
  EXPECT_THAT(nl, HasSubstr("zelfde SPT-cluster"));
  EXPECT_THAT(nl, HasSubstr("werkloos"));
  EXPECT_THAT(en, HasSubstr("same SPT cluster"));
}

TEST_F(ReasonLanguageTest, EveryExclusionIsInTheAskedLanguage) {
  using ::testing::HasSubstr;
  const v1::Vacancy v = Vac("v", kWelder, "Twente", "Enschede");
  v1::Candidate placed = Cand("p", kWelder, "Twente", "Enschede");
  placed.set_status(v1::CANDIDATE_STATUS_PLACED);
  EXPECT_THAT(ExplainBoth(placed, v).first, HasSubstr("kandidaat is geplaatst en wordt niet gematcht"));

  v1::Vacancy closed = v;
  closed.set_status(v1::VACANCY_STATUS_CLOSED);
  EXPECT_THAT(ExplainBoth(Cand("c", kWelder, "Twente", "Enschede"), closed).first,
              HasSubstr("vacature is niet open"));

  v1::Vacancy expired = v;
  expired.set_expires_at(testing::DayFromToday(-2));
  EXPECT_THAT(ExplainBoth(Cand("c", kWelder, "Twente", "Enschede"), expired).first,
              HasSubstr("vacature is verlopen op " + testing::DayFromToday(-2)));

  auto [nl, en] = ExplainBoth(Cand("t", kCarpenter, "Twente", "Enschede"), v);
  EXPECT_THAT(nl, HasSubstr("geen beroep van de kandidaat dekt minstens 0,"));
  EXPECT_THAT(nl, HasSubstr(" van de vaardigheden van lasser"));
  EXPECT_THAT(en, HasSubstr(" of the skills of welder"));

  v1::Candidate near = Cand("n", kWelder, "Twente", "Enschede");
  near.set_max_travel_km(10);
  EXPECT_THAT(ExplainBoth(near, Vac("far", kWelder, "Rijnmond", "Rotterdam")).first,
              HasSubstr(" is meer dan max_travel_km 10"));

  v1::Vacancy needs = v;
  needs.add_required_qualifications("VCA-VOL");
  v1::Candidate unwilling = Cand("u", kWelder, "Twente", "Enschede");
  unwilling.set_willing_to_retrain(false);
  EXPECT_THAT(ExplainBoth(unwilling, needs).first,
              HasSubstr("kandidaat wil niet omscholen en mist een vereiste kwalificatie"));

  v1::Vacancy long_course = v;
  long_course.add_required_qualifications("MBO4-LAS");
  EXPECT_THAT(ExplainBoth(Cand("c", kWelder, "Twente", "Enschede"), long_course).first,
              HasSubstr("omscholing duurt 156 weken, meer dan het maximum van "));
}

// The language changes the texts only: the same ranking, scores and components, in both
// directions; an unknown language is refused naming the field.
TEST_F(ReasonLanguageTest, ShortlistsAndMatchesRankTheSameInBothLanguages) {
  const std::string related = RelatedToWelder();
  const char* const towns[] = {"Enschede", "Hengelo", "Losser", "Almelo", "Oldenzaal", "Borne"};
  int n = 0;
  for (const char* town : towns) {
    v1::Candidate c = Cand(absl::StrCat("c", n), n % 2 == 0 ? kWelder : related, "Twente", town);
    if (n % 3 == 0) c.add_qualifications("VCA-VOL");
    matcher_->UpsertCandidate(c);
    v1::Vacancy v = Vac(absl::StrCat("v", n), kWelder, "Twente", town);
    if (n % 2 == 1) v.add_required_qualifications("VCA-VOL");
    matcher_->UpsertVacancy(v);
    ++n;
  }
  v1::ShortlistRequest shortlist;
  shortlist.set_k(10);
  shortlist.set_language(v1::LANGUAGE_NL);
  const v1::Vacancy target = *matcher_->FindVacancy("v1");
  auto nl = matcher_->Shortlist(target, shortlist);
  shortlist.set_language(v1::LANGUAGE_EN);
  auto en = matcher_->Shortlist(target, shortlist);
  ASSERT_TRUE(nl.ok() && en.ok());
  EXPECT_EQ(nl->language(), v1::LANGUAGE_NL);
  EXPECT_EQ(en->language(), v1::LANGUAGE_EN);
  ASSERT_EQ(nl->matches_size(), static_cast<int>(std::size(towns)));
  ASSERT_EQ(nl->matches_size(), en->matches_size());
  for (int i = 0; i < nl->matches_size(); ++i) {
    v1::CandidateMatch a = nl->matches(i), b = en->matches(i);
    EXPECT_NE(absl::StrJoin(a.explanation().reasons(), "|"), absl::StrJoin(b.explanation().reasons(), "|"));
    a.mutable_explanation()->clear_reasons();
    b.mutable_explanation()->clear_reasons();
    EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString()) << i;
  }

  v1::MatchCandidateRequest matches;
  matches.set_language(v1::LANGUAGE_NL);
  const v1::Candidate who = Cand("c0", kWelder, "Twente", "Enschede");
  auto vnl = matcher_->MatchCandidate(who, matches);
  matches.clear_language();
  auto ven = matcher_->MatchCandidate(who, matches);
  ASSERT_TRUE(vnl.ok() && ven.ok());
  EXPECT_EQ(ven->language(), v1::LANGUAGE_EN) << "UNSPECIFIED reads as English";
  ASSERT_EQ(vnl->matches_size(), ven->matches_size());
  ASSERT_GT(vnl->matches_size(), 0);
  for (int i = 0; i < vnl->matches_size(); ++i) {
    EXPECT_EQ(vnl->matches(i).vacancy_id(), ven->matches(i).vacancy_id());
    EXPECT_EQ(vnl->matches(i).score(), ven->matches(i).score());
    EXPECT_THAT(vnl->matches(i).explanation().reasons(0), ::testing::StartsWith("zelfde beroep"));
    EXPECT_THAT(ven->matches(i).explanation().reasons(0), ::testing::StartsWith("same trade"));
  }

  shortlist.set_language(static_cast<v1::Language>(9));
  auto bad = matcher_->Shortlist(target, shortlist);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), ::testing::StartsWith("language: unknown language 9"));
  matches.set_language(static_cast<v1::Language>(-1));
  EXPECT_EQ(matcher_->MatchCandidate(who, matches).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace w2w::match
