// Engine facade: administrator changes to the model: taxonomy changes and policy
// versions. Each is validated against the current model, stored, and then published to
// readers and the matcher, all under the writer mutex so changes apply in store order.
// A municipality change moves the stored records there in the same atomic write
// (internal/rederive.h).
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/dates.h"
#include "engine/common/status_macros.h"
#include "engine/access/permissions.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/rederive.h"
#include "engine/match/policy.h"
#include "engine/records/record_store.h"

namespace w2w {
namespace {

using TaxonomyPtr = std::shared_ptr<const taxonomy::Taxonomy>;

// Stores a taxonomy change (appended to the change log) and publishes the new taxonomy.
// `make` builds the new taxonomy from the current one (and validates the change). A
// municipality change re-derives the stored records there in the same write and files
// them anew in the index once the new taxonomy is published.
template <typename Change, typename MakeFn>
absl::StatusOr<uint64_t> ApplyTaxonomyChange(internal::EngineState& state, const Change& change,
                                             MakeFn make) {
  absl::MutexLock lock(&state.writer_mu);
  const TaxonomyPtr current = state.taxonomy();
  ASSIGN_OR_RETURN(TaxonomyPtr next, make(*current));
  // The change's sequence number: the newest stored one + 1 (= next->version() - 1 when
  // every stored change applied, which Open guarantees).
  ASSIGN_OR_RETURN(uint64_t last_seq, state.records->LastTaxonomyChangeSeq());
  records::WriteSet writes;
  writes.AddTaxonomyChange(last_seq + 1, change);
  internal::Rederived moved;
  if constexpr (std::is_same_v<Change, v1::Municipality>) {
    ASSIGN_OR_RETURN(moved, internal::RederiveMunicipalityLocked(state, *next, change.name(),
                                                                 NowRfc3339(), &writes));
  }
  RETURN_IF_ERROR(state.records->Commit(writes));
  state.SetModelLocked(next, state.policy());
  internal::IndexRederived(*state.matcher, moved);
  return next->version();
}

}  // namespace

// ---- Taxonomy --------------------------------------------------------------------------

absl::StatusOr<uint64_t> Engine::UpsertQualification(const access::Caller& caller, const v1::Qualification& q) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kChangeModel, "UpsertQualification"));
  return ApplyTaxonomyChange(*state_, q,
                             [&](const taxonomy::Taxonomy& t) { return t.WithQualification(q); });
}

absl::StatusOr<uint64_t> Engine::UpsertCluster(const access::Caller& caller, const v1::Cluster& c) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kChangeModel, "UpsertCluster"));
  return ApplyTaxonomyChange(*state_, c,
                             [&](const taxonomy::Taxonomy& t) { return t.WithCluster(c); });
}

absl::StatusOr<uint64_t> Engine::UpsertMunicipality(const access::Caller& caller, const v1::Municipality& m) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kChangeModel, "UpsertMunicipality"));
  return ApplyTaxonomyChange(*state_, m,
                             [&](const taxonomy::Taxonomy& t) { return t.WithMunicipality(m); });
}

absl::StatusOr<uint64_t> Engine::UpdateRegionAnchor(const access::Caller& caller, const v1::UpdateRegionAnchorRequest& r) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kChangeModel, "UpdateRegionAnchor"));
  return ApplyTaxonomyChange(*state_, r,
                             [&](const taxonomy::Taxonomy& t) { return t.WithRegionAnchor(r); });
}

// ---- Policy ----------------------------------------------------------------------------

absl::StatusOr<v1::Policy> Engine::GetPolicy(uint64_t version) const {
  std::shared_ptr<const v1::Policy> current = state_->policy();
  if (version == 0 || version == current->version()) return *current;
  ASSIGN_OR_RETURN(std::optional<v1::Policy> policy, state_->records->GetPolicy(version));
  if (!policy.has_value()) {
    return absl::NotFoundError(absl::StrCat("policy version ", version, " not found (current is ",
                                            current->version(), ")"));
  }
  return *std::move(policy);
}

absl::StatusOr<v1::Policy> Engine::SetPolicy(const access::Caller& caller, const v1::Policy& policy,
                                             uint64_t expected_version) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kChangeModel, "SetPolicy"));
  absl::MutexLock lock(&state_->writer_mu);
  const std::shared_ptr<const v1::Policy> current = state_->policy();
  if (expected_version != 0 && expected_version != current->version()) {
    return absl::AbortedError(absl::StrCat("expected_version: stale version ", expected_version,
                                           ", current version ", current->version()));
  }
  const TaxonomyPtr tax = state_->taxonomy();
  ASSIGN_OR_RETURN(v1::Policy complete, match::CompletePolicy(policy, *tax));
  complete.set_version(current->version() + 1);
  complete.set_created_at(NowRfc3339());
  records::WriteSet writes;
  writes.PutPolicy(complete);
  RETURN_IF_ERROR(state_->records->Commit(writes));
  auto published = std::make_shared<const v1::Policy>(complete);
  state_->SetModelLocked(tax, published);
  return complete;
}

}  // namespace w2w
