// Fuzz target: the matching policy an administrator sets (PolicyService.SetPolicy, `w2w
// policy set FILE.json`): bytes decoded as a w2w.v1.Policy, then validated and completed
// against the shipped taxonomy (engine/match/policy.h, CompletePolicy), as
// Engine::SetPolicy does before the policy is stored and compiled.
//
// The input is the policy's protobuf JSON (what `w2w policy set` reads; first byte '{')
// or else its protobuf wire format (what SetPolicyRequest.policy carries).
//
// Invariants:
// - a policy that is rejected gets INVALID_ARGUMENT "policy.<field path>: ..." (UTF-8,
//   short);
// - a completed policy is complete (policy.h): all 36 sector pairs in order, all seven
//   statuses in order, every number finite and in its documented range, some weight > 0;
// - completing it again changes nothing (what `policy get` shows can be set again as is);
// - it survives the store's wire format and the JSON of `w2w policy get --json` (the
//   number printer and parser agree on every double).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/match/policy.h"
#include "formats/record_reader.h"
#include "google/protobuf/descriptor.h"
#include "tests/fuzz/fuzz_support.h"
#include "w2w/v1/policy.pb.h"

namespace w2w::fuzz {
namespace {

using taxonomy::kNumSectors;
using taxonomy::kNumStatuses;

void CheckInRange(const char* name, double value, double lo, double hi) {
  FUZZ_CHECK(std::isfinite(value) && value >= lo && value <= hi,
             absl::StrCat("policy.", name, " = ", value, " outside [", lo, ", ", hi, "]"));
}

void CheckComplete(const v1::Policy& p) {
  const v1::ComponentWeights& w = p.weights();
  const double weights[] = {w.trade(),    w.sector(),       w.qualifications(),
                            w.distance(), w.availability(), w.urgency()};
  double sum = 0;
  for (double x : weights) {
    CheckInRange("weights.*", x, 0, 1e6);
    sum += x;
  }
  FUZZ_CHECK(sum > 0, "all weights 0: " + Show(p));
  FUZZ_CHECK(p.sector_mobility_size() == kNumSectors * kNumSectors, Show(p));
  for (int i = 0; i < p.sector_mobility_size(); ++i) {
    const v1::SectorMobility& m = p.sector_mobility(i);
    FUZZ_CHECK(m.from() == i / kNumSectors + 1 && m.to() == i % kNumSectors + 1, Show(p));
    CheckInRange("sector_mobility[].weight", m.weight(), 0, 1);
  }
  FUZZ_CHECK(p.status_weights_size() == kNumStatuses, Show(p));
  for (int i = 0; i < p.status_weights_size(); ++i) {
    FUZZ_CHECK(p.status_weights(i).status() == i + 1, Show(p));
    CheckInRange("status_weights[].weight", p.status_weights(i).weight(), 0, 1);
  }
  CheckInRange("own_sector_preference", p.own_sector_preference(), 0, 1);
  CheckInRange("min_trade_similarity", p.min_trade_similarity(), 0, 1);
  CheckInRange("experience_full_years", p.experience_full_years(), 0,
               match::kMaxExperienceFullYears);
  CheckInRange("experience_share", p.experience_share(), 0, 1);
  CheckInRange("max_retraining_weeks", p.max_retraining_weeks(), 0,
               match::kMaxPolicyRetrainingWeeks);
  CheckInRange("hard_to_fill_retraining_factor", p.hard_to_fill_retraining_factor(), 1,
               match::kMaxHardToFillFactor);
  CheckInRange("retraining_cost_scale_eur", p.retraining_cost_scale_eur(), 0,
               match::kMaxCostScaleEur);
  CheckInRange("retraining_cost_share", p.retraining_cost_share(), 0, 1);
  CheckInRange("preferred_bonus_share", p.preferred_bonus_share(), 0, 1);
  CheckInRange("same_cluster_bonus", p.same_cluster_bonus(), 0, 1);
  CheckInRange("default_max_travel_km", p.default_max_travel_km(), 1, match::kMaxPolicyTravelKm);
  CheckInRange("availability_horizon_days", p.availability_horizon_days(), 1,
               match::kMaxHorizonDays);
  CheckInRange("urgency_hard_to_fill", p.urgency_hard_to_fill(), 0, 1);
  CheckInRange("urgency_normal", p.urgency_normal(), 0, 1);
  for (const v1::RetrainingWeight& r : p.retraining()) {
    CheckInRange("retraining[].weeks", r.weeks(), 0, match::kMaxPolicyRetrainingWeeks);
    CheckInRange("retraining[].cost_eur", r.cost_eur(), 0, match::kMaxOverrideCostEur);
  }
  FUZZ_CHECK(p.note().size() <= match::kMaxNoteBytes, Show(p));
}

// `p` with every -0.0 made +0.0: the same number, but protobuf's JSON printer omits -0.0
// as a default value, so JSON gives +0.0 back, which the differencer tells apart.
v1::Policy WithoutNegativeZeros(v1::Policy p) {
  using google::protobuf::FieldDescriptor;
  std::vector<google::protobuf::Message*> todo = {&p};
  while (!todo.empty()) {
    google::protobuf::Message* m = todo.back();
    todo.pop_back();
    const google::protobuf::Reflection* r = m->GetReflection();
    const google::protobuf::Descriptor* d = m->GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        if (f->is_repeated()) continue;  // The policy has no repeated doubles.
        if (r->GetDouble(*m, f) == 0) r->SetDouble(m, f, 0.0);
      } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (f->is_repeated()) {
          for (int k = 0; k < r->FieldSize(*m, f); ++k)
            todo.push_back(r->MutableRepeatedMessage(m, f, k));
        } else if (r->HasField(*m, f)) {
          todo.push_back(r->MutableMessage(m, f));
        }
      }
    }
  }
  return p;
}

void FuzzPolicy(const uint8_t* data, size_t size) {
  const taxonomy::Taxonomy& tax = *SharedTaxonomy();
  v1::Policy given;
  if (size > 0 && data[0] == '{') {
    const std::string json(reinterpret_cast<const char*>(data), size);
    if (!formats::MessageFromJson(json, &given).ok()) return;
  } else if (!given.ParseFromArray(data, static_cast<int>(size))) {
    return;
  }
  absl::StatusOr<v1::Policy> complete = match::CompletePolicy(given, tax);
  if (!complete.ok()) {
    CheckErrorShape(complete.status(), "policy.");
    return;
  }
  CheckComplete(*complete);

  absl::StatusOr<v1::Policy> again = match::CompletePolicy(*complete, tax);
  FUZZ_CHECK(again.ok(), "a completed policy does not validate again: " + Show(again.status()) +
                             "\npolicy: " + Show(*complete));
  std::string diff = Diff(*complete, *again);
  FUZZ_CHECK(diff.empty(), "completing is not idempotent: " + diff + "\ngiven: " + Show(given));

  std::string bytes;
  FUZZ_CHECK(complete->SerializeToString(&bytes), Show(*complete));
  v1::Policy stored;
  FUZZ_CHECK(stored.ParseFromString(bytes), Show(*complete));
  diff = Diff(*complete, stored);
  FUZZ_CHECK(diff.empty(), "wire round trip changed the policy: " + diff);

  const std::string json = formats::MessageToJson(*complete, /*pretty=*/true);
  v1::Policy from_json;
  const absl::Status parsed = formats::MessageFromJson(json, &from_json);
  FUZZ_CHECK(parsed.ok(),
             "`policy get --json` output does not parse: " + Show(parsed) + "\njson: " + json);
  diff = Diff(WithoutNegativeZeros(*complete), from_json);
  FUZZ_CHECK(diff.empty(), "JSON round trip changed the policy: " + diff + "\njson: " + json);
}

}  // namespace
}  // namespace w2w::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  w2w::fuzz::QuietProtobufLog();
  w2w::fuzz::SharedTaxonomy();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  w2w::fuzz::FuzzPolicy(data, size);
  return 0;
}
