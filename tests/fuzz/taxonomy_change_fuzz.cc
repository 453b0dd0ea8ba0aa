// Fuzz target: the administrator's taxonomy changes (TaxonomyService.UpsertQualification,
// UpsertCluster, UpsertMunicipality, UpdateRegionAnchor; engine/taxonomy/taxonomy.h
// With*()), applied to the shipped taxonomy. The input is read as the wire bytes of each of
// the four messages in turn.
//
// Invariants:
// - a change that is refused is INVALID_ARGUMENT naming the field ("qualification.code:
//   ...", "municipality.lat: ...", "lat: ..."), NOT_FOUND or RESOURCE_EXHAUSTED;
// - one that is applied gives version + 1, and its content is there as documented;
// - applying it again gives the same content (an upsert is idempotent, and the engine
//   replays its change log at start-up);
// - distances stay finite and >= 0.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/taxonomy/taxonomy.h"
#include "tests/fuzz/fuzz_support.h"
#include "w2w/v1/taxonomy.pb.h"

namespace w2w::fuzz {
namespace {

using taxonomy::Taxonomy;
using TaxonomyPtr = std::shared_ptr<const Taxonomy>;

// The error of a refused change; `fields` are the prefixes an INVALID_ARGUMENT may start with.
void CheckRefusal(const absl::Status& s, std::initializer_list<const char*> fields) {
  if (s.code() != absl::StatusCode::kInvalidArgument) {
    FUZZ_CHECK(
        s.code() == absl::StatusCode::kNotFound || s.code() == absl::StatusCode::kResourceExhausted,
        Show(s));
    return;
  }
  bool named = false;
  for (const char* field : fields) named = named || absl::StartsWith(s.message(), field);
  FUZZ_CHECK(named, "the error names no field of the change: " + Show(s));
  CheckErrorShape(s, "");
}

void CheckDistances(const Taxonomy& t, taxonomy::RegionId r) {
  for (size_t b = 0; b < t.num_regions(); ++b) {
    const float km = t.DistanceKm(r, static_cast<taxonomy::RegionId>(b));
    FUZZ_CHECK(std::isfinite(km) && km >= 0, absl::StrCat("distance ", km));
  }
}

// Applies `change` to `base` and once more to the result; the two results must agree on
// `view` (what the change is about). Returns the first result, or null when refused.
template <typename Change, typename Apply, typename View>
TaxonomyPtr ApplyTwice(const TaxonomyPtr& base, const Change& change, Apply apply, View view,
                       std::initializer_list<const char*> fields) {
  absl::StatusOr<TaxonomyPtr> once = apply(*base, change);
  if (!once.ok()) {
    CheckRefusal(once.status(), fields);
    return nullptr;
  }
  FUZZ_CHECK((*once)->version() == base->version() + 1, Show(change));
  absl::StatusOr<TaxonomyPtr> twice = apply(**once, change);
  FUZZ_CHECK(twice.ok(),
             "applied once but not twice: " + Show(twice.status()) + "\nchange: " + Show(change));
  FUZZ_CHECK(view(**once) == view(**twice),
             "applying again changed it: " + view(**once) + " -> " + view(**twice));
  return *once;
}

void FuzzQualification(const TaxonomyPtr& base, const v1::Qualification& q) {
  const auto view = [&](const Taxonomy& t) {
    const auto id = t.FindQualification(q.code());
    return id ? absl::StrCat(t.num_qualifications(), " ", Show(t.QualificationProto(*id)))
              : std::string("missing");
  };
  TaxonomyPtr t = ApplyTwice(
      base, q, [](const Taxonomy& t, const v1::Qualification& c) { return t.WithQualification(c); },
      view, {"qualification."});
  if (t == nullptr) return;
  const auto id = t->FindQualification(q.code());
  FUZZ_CHECK(id.has_value() && t->qualification(*id).code == q.code(), Show(q));
}

void FuzzCluster(const TaxonomyPtr& base, const v1::Cluster& c) {
  const auto view = [&](const Taxonomy& t) {
    const auto id = t.FindCluster(c.name());
    return id ? Show(t.ClusterProto(*id)) : std::string("missing");
  };
  TaxonomyPtr t = ApplyTwice(
      base, c, [](const Taxonomy& t, const v1::Cluster& change) { return t.WithCluster(change); },
      view, {"cluster."});
  if (t == nullptr) return;
  const auto id = t->FindCluster(c.name());
  if (c.regions().empty()) {  // A removal; removing a removed cluster again is accepted.
    FUZZ_CHECK(!id.has_value(), Show(c));
    return;
  }
  FUZZ_CHECK(id.has_value(), Show(c));
  FUZZ_CHECK(t->ClusterMembers(*id).size() == static_cast<size_t>(c.regions_size()), Show(c));
}

void FuzzMunicipality(const TaxonomyPtr& base, const v1::Municipality& m) {
  const auto view = [&](const Taxonomy& t) {
    const auto ref = t.LookupMunicipality(m.name());
    if (!ref) return std::string("missing");
    return absl::StrCat(
        t.num_municipalities(), " ", std::string(ref->name), " in ", static_cast<int>(ref->region),
        " at ", ref->centroid ? absl::StrCat(ref->centroid->lat, ",", ref->centroid->lon) : "none");
  };
  TaxonomyPtr t = ApplyTwice(
      base, m, [](const Taxonomy& t, const v1::Municipality& c) { return t.WithMunicipality(c); },
      view, {"municipality."});
  if (t == nullptr) return;
  const auto ref = t->LookupMunicipality(m.name());
  FUZZ_CHECK(ref.has_value() && ref->name == m.name(), Show(m));
  FUZZ_CHECK(t->FindRegion(m.region()) == ref->region, Show(m));
}

void FuzzRegionAnchor(const TaxonomyPtr& base, const v1::UpdateRegionAnchorRequest& r) {
  const auto view = [&](const Taxonomy& t) {
    const auto id = t.FindRegion(r.region());
    return id ? Show(t.RegionProto(*id)) : std::string("missing");
  };
  TaxonomyPtr t = ApplyTwice(base, r,
                             [](const Taxonomy& t, const v1::UpdateRegionAnchorRequest& c) {
                               return t.WithRegionAnchor(c);
                             },
                             view, {"region", "anchor_city", "lat", "lon"});
  if (t == nullptr) return;
  CheckDistances(*t, *t->FindRegion(r.region()));
}

template <typename Message>
bool Parse(const uint8_t* data, size_t size, Message* m) {
  return m->ParseFromArray(data, static_cast<int>(size));
}

}  // namespace
}  // namespace w2w::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  w2w::fuzz::QuietProtobufLog();
  w2w::fuzz::SharedTaxonomy();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto base = w2w::fuzz::SharedTaxonomy();
  if (w2w::v1::Qualification q; w2w::fuzz::Parse(data, size, &q)) {
    w2w::fuzz::FuzzQualification(base, q);
  }
  if (w2w::v1::Cluster c; w2w::fuzz::Parse(data, size, &c)) w2w::fuzz::FuzzCluster(base, c);
  if (w2w::v1::Municipality m; w2w::fuzz::Parse(data, size, &m)) {
    w2w::fuzz::FuzzMunicipality(base, m);
  }
  if (w2w::v1::UpdateRegionAnchorRequest r; w2w::fuzz::Parse(data, size, &r)) {
    w2w::fuzz::FuzzRegionAnchor(base, r);
  }
  return 0;
}
