// The body of the validation fuzz targets (candidate_validate_fuzz.cc,
// vacancy_validate_fuzz.cc): arbitrary bytes parsed as a w2w.v1.Candidate or Vacancy, then
// validated and canonicalised against the shipped taxonomy (engine/validate/validate.h),
// as every write path of the server does with what a partner sent.
//
// The input is the protobuf wire format of the record (what UpsertCandidate, the import
// streams and the store carry), or, when its first byte is '{', the record's protobuf
// JSON (what `w2w import` reads from a JSON Lines file before it sends the record): text
// is easier for the fuzzer to grow into valid regions, trades and qualifications (the
// dictionary tests/fuzz/dicts/taxonomy.dict lists them).
//
// Invariants:
// - a record that is rejected gets INVALID_ARGUMENT "<kind>.<field path>: ..." (UTF-8,
//   short: it travels in ImportSummary.errors[].message and a gRPC header);
// - a record that validates is canonical: trades as ESCO UUIDs, region and municipality
//   in catalogue spelling and agreeing, qualifications in catalogue spelling, sorted and
//   unique, no unknown fields, updated_at cleared, id and version kept;
// - it validates again unchanged (canonicalisation is idempotent: what the store holds
//   is what a re-sent copy becomes, so re-sending it is "unchanged");
// - it survives the store's wire format, JSON Lines and CSV (an export of it imports as
//   the same record).
#ifndef W2W_TESTS_FUZZ_VALIDATE_TARGET_H_
#define W2W_TESTS_FUZZ_VALIDATE_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/validate/limits.h"
#include "engine/validate/validate.h"
#include "formats/record_reader.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/record_checks.h"

namespace w2w::fuzz {

inline absl::Status Canonicalize(const taxonomy::Taxonomy& tax, v1::Candidate* c) {
  return validate::CanonicalizeCandidate(tax, c);
}
inline absl::Status Canonicalize(const taxonomy::Taxonomy& tax, v1::Vacancy* v) {
  return validate::CanonicalizeVacancy(tax, v);
}
inline const char* PathOf(const v1::Candidate&) { return "candidate."; }
inline const char* PathOf(const v1::Vacancy&) { return "vacancy."; }

// `region` and `municipality` are canonical and agree (validate.h).
inline void CheckLocation(const taxonomy::Taxonomy& tax, const std::string& region,
                          const std::string& municipality) {
  const auto r = tax.FindRegion(region);
  FUZZ_CHECK(r.has_value() && tax.region(*r).name == region, "region " + region);
  if (municipality.empty()) return;
  const auto m = tax.LookupMunicipality(municipality);
  FUZZ_CHECK(m.has_value() && m->name == municipality && m->region == *r,
             "municipality " + municipality + " in " + region);
}

// `codes` are catalogue codes, strictly ascending.
inline void CheckQualifications(const taxonomy::Taxonomy& tax,
                                const google::protobuf::RepeatedPtrField<std::string>& codes) {
  for (int i = 0; i < codes.size(); ++i) {
    const auto q = tax.FindQualification(codes[i]);
    FUZZ_CHECK(q.has_value() && tax.qualification(*q).code == codes[i],
               "qualification " + codes[i]);
    FUZZ_CHECK(i == 0 || codes[i - 1] < codes[i], "qualifications not sorted and unique");
  }
}

inline void CheckTrade(const taxonomy::Taxonomy& tax, const std::string& code) {
  const auto t = tax.FindTrade(code);
  FUZZ_CHECK(t.has_value() && tax.trade(*t).id == code, "trade not a canonical UUID: " + code);
}

inline void CheckCanonical(const taxonomy::Taxonomy& tax, const v1::Candidate& c) {
  CheckLocation(tax, c.region(), c.municipality());
  FUZZ_CHECK(c.trades_size() >= validate::kMinCandidateTrades &&
                 c.trades_size() <= validate::kMaxCandidateTrades,
             Show(c));
  for (int i = 0; i < c.trades_size(); ++i) {
    CheckTrade(tax, c.trades(i).code());
    FUZZ_CHECK(c.trades(i).years() <= validate::kMaxTradeYears, Show(c));
    for (int k = 0; k < i; ++k) FUZZ_CHECK(c.trades(k).code() != c.trades(i).code(), Show(c));
  }
  CheckQualifications(tax, c.qualifications());
  FUZZ_CHECK(c.status() != v1::CANDIDATE_STATUS_UNSPECIFIED, Show(c));
  FUZZ_CHECK(c.max_travel_km() <= validate::kMaxTravelKm, Show(c));
  FUZZ_CHECK(c.updated_at().empty(), Show(c));
}

inline void CheckCanonical(const taxonomy::Taxonomy& tax, const v1::Vacancy& v) {
  CheckLocation(tax, v.region(), v.municipality());
  CheckTrade(tax, v.trade());
  CheckQualifications(tax, v.required_qualifications());
  CheckQualifications(tax, v.preferred_qualifications());
  for (const std::string& code : v.preferred_qualifications()) {
    for (const std::string& required : v.required_qualifications()) {
      FUZZ_CHECK(code != required, "preferred and required: " + code);
    }
  }
  FUZZ_CHECK(v.positions() >= 1 && v.positions() <= validate::kMaxPositions, Show(v));
  FUZZ_CHECK(v.status() != v1::VACANCY_STATUS_UNSPECIFIED, Show(v));
  FUZZ_CHECK(v.title().size() <= validate::kMaxTitleBytes, Show(v));
  FUZZ_CHECK(v.updated_at().empty(), Show(v));
}

template <typename Record>
void FuzzValidate(const uint8_t* data, size_t size) {
  const taxonomy::Taxonomy& tax = *SharedTaxonomy();
  Record record;
  if (size > 0 && data[0] == '{') {
    const std::string json(reinterpret_cast<const char*>(data), size);
    if (!formats::MessageFromJson(json, &record).ok()) return;
  } else if (!record.ParseFromArray(data, static_cast<int>(size))) {
    return;
  }
  const Record sent = record;
  const absl::Status status = Canonicalize(tax, &record);
  if (!status.ok()) {
    CheckErrorShape(status, PathOf(record));
    return;
  }
  FUZZ_CHECK(record.id() == sent.id() && record.version() == sent.version(),
             "id or version changed: " + Show(sent) + " -> " + Show(record));
  FUZZ_CHECK(record.GetReflection()->GetUnknownFields(record).empty(), Show(record));
  FUZZ_CHECK(AllStringsUtf8(record), "a canonical record is not UTF-8: " + Show(record));
  CheckCanonical(tax, record);

  Record again = record;
  const absl::Status revalidated = Canonicalize(tax, &again);
  FUZZ_CHECK(revalidated.ok(), "a canonical record does not validate again: " + Show(revalidated) +
                                   "\nrecord: " + Show(record) + "\nsent: " + Show(sent));
  const std::string diff = Diff(record, again);
  FUZZ_CHECK(diff.empty(), "canonicalisation is not idempotent: " + diff +
                               "\nrecord: " + Show(record) + "\nsent: " + Show(sent));

  CheckWireRoundTrip(record);
  CheckJsonLineRoundTrip(record);
  CheckCsvRoundTrip(record);
}

}  // namespace w2w::fuzz

#endif  // W2W_TESTS_FUZZ_VALIDATE_TARGET_H_
