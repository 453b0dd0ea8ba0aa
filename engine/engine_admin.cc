// Engine facade: administrator changes to the model: taxonomy changes and policy
// versions. Each is validated against the current model, stored, and then published to
// readers and the matcher, all under the writer mutex so changes apply in store order.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_impl.h"
#include "engine/match/policy.h"

namespace w2w {
namespace {

using TaxonomyPtr = std::shared_ptr<const taxonomy::Taxonomy>;

// Stores a taxonomy change and publishes the new taxonomy. `make` builds the new
// taxonomy from the current one (and validates the change).
template <typename MakeFn>
absl::StatusOr<uint64_t> ApplyTaxonomyChange(internal::EngineCore& impl, std::string_view kind,
                                             const google::protobuf::MessageLite& change,
                                             MakeFn make) {
  absl::MutexLock lock(&impl.writer_mu);
  const TaxonomyPtr current = impl.taxonomy();
  ASSIGN_OR_RETURN(TaxonomyPtr next, make(*current));
  // The change's sequence number: the newest stored one + 1 (= next->version() - 1 when
  // every stored change applied, which Open guarantees).
  uint64_t seq = 1;
  const std::string prefix(kTaxonomyChangePrefix);
  std::string last_key;
  auto scanned = impl.store->Scan(storage::Family::kTaxonomy, "", prefix, 0,
                                  [&](std::string_view key, std::string_view) {
                                    last_key.assign(key);
                                    return true;
                                  });
  RETURN_IF_ERROR(scanned.status());
  if (!last_key.empty()) seq = storage::DecodeUint64Key(last_key.substr(prefix.size())) + 1;
  storage::Batch batch;
  batch.Put(storage::Family::kTaxonomy,
            absl::StrCat(prefix, storage::EncodeUint64Key(seq), "/", std::string(kind)), change);
  RETURN_IF_ERROR(impl.store->Write(batch));
  impl.SetModelLocked(next, impl.policy());
  return next->version();
}

}  // namespace

// ---- Taxonomy --------------------------------------------------------------------------

absl::StatusOr<uint64_t> Engine::UpsertQualification(const v1::Qualification& q) {
  return ApplyTaxonomyChange(*impl_, kChangeQualification, q,
                             [&](const taxonomy::Taxonomy& t) { return t.WithQualification(q); });
}

absl::StatusOr<uint64_t> Engine::UpsertCluster(const v1::Cluster& c) {
  return ApplyTaxonomyChange(*impl_, kChangeCluster, c,
                             [&](const taxonomy::Taxonomy& t) { return t.WithCluster(c); });
}

absl::StatusOr<uint64_t> Engine::UpsertMunicipality(const v1::Municipality& m) {
  return ApplyTaxonomyChange(*impl_, kChangeMunicipality, m,
                             [&](const taxonomy::Taxonomy& t) { return t.WithMunicipality(m); });
}

absl::StatusOr<uint64_t> Engine::UpdateRegionAnchor(const v1::UpdateRegionAnchorRequest& r) {
  return ApplyTaxonomyChange(*impl_, kChangeRegionAnchor, r,
                             [&](const taxonomy::Taxonomy& t) { return t.WithRegionAnchor(r); });
}

// ---- Policy ----------------------------------------------------------------------------

absl::StatusOr<v1::Policy> Engine::GetPolicy(uint64_t version) const {
  std::shared_ptr<const v1::Policy> current = impl_->policy();
  if (version == 0 || version == current->version()) return *current;
  v1::Policy policy;
  ASSIGN_OR_RETURN(bool found, impl_->store->Get(storage::Family::kPolicies,
                                                 storage::EncodeUint64Key(version), &policy));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("policy version ", version, " not found (current is ",
                                            current->version(), ")"));
  }
  return policy;
}

absl::StatusOr<v1::Policy> Engine::SetPolicy(const v1::Policy& policy, uint64_t expected_version) {
  absl::MutexLock lock(&impl_->writer_mu);
  const std::shared_ptr<const v1::Policy> current = impl_->policy();
  if (expected_version != 0 && expected_version != current->version()) {
    return absl::AbortedError(absl::StrCat("expected_version: stale version ", expected_version,
                                           ", current version ", current->version()));
  }
  const TaxonomyPtr tax = impl_->taxonomy();
  ASSIGN_OR_RETURN(v1::Policy complete, match::CompletePolicy(policy, *tax));
  complete.set_version(current->version() + 1);
  complete.set_created_at(NowRfc3339());
  storage::Batch batch;
  batch.Put(storage::Family::kPolicies, storage::EncodeUint64Key(complete.version()), complete);
  RETURN_IF_ERROR(impl_->store->Write(batch));
  auto published = std::make_shared<const v1::Policy>(complete);
  impl_->SetModelLocked(tax, published);
  return complete;
}

}  // namespace w2w
