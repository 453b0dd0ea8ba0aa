// Re-derivation of stored records after a taxonomy change (docs/storage.md, "Taxonomy
// changes and the records they move"). Private to engine/.
//
// A record with a municipality stores the region the taxonomy maps it to (and the
// municipality's canonical spelling): canonicalisation derives them at every write. When
// UpsertMunicipality maps a municipality onto another region, the records there must
// move with it, or lists, scopes and match filters would go on placing them in the old
// region until the next write. So the facade stages the re-derived records in the same
// WriteSet as the change-log entry (one atomic write: after a crash both or neither are
// there), and indexes them after the commit under the new taxonomy.
//
// What else a change alters is read at match time from the current taxonomy and needs no
// stored update: a cluster's regions, a region's anchor, a municipality's centroid, the
// qualifications' weeks and costs.
//
// Thread safety: call with EngineState::writer_mu held (no record write may slip in
// between the scan and the commit).
#ifndef W2W_ENGINE_INTERNAL_REDERIVE_H_
#define W2W_ENGINE_INTERNAL_REDERIVE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/internal/engine_state.h"
#include "engine/match/matcher.h"
#include "engine/records/record_store.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::internal {

// The records a change moved, as they are written (new version and updated_at).
struct Rederived {
  std::vector<v1::Candidate> candidates;
  std::vector<v1::Vacancy> vacancies;
  size_t size() const { return candidates.size() + vacancies.size(); }
};

// Scans every stored candidate and vacancy whose municipality is `municipality` in
// `next` (the taxonomy after the change) and, for each whose stored region or
// municipality spelling differs from what `next` derives, stages it in `writes` with the
// derived values, version + 1 and updated_at `now`. Returns the staged records.
// Precondition: `municipality` is known to `next`. Errors: the store's read errors and
// DATA_LOSS for a stored value that does not parse (nothing is staged then).
absl::StatusOr<Rederived> RederiveMunicipalityLocked(const EngineState& state,
                                                     const taxonomy::Taxonomy& next,
                                                     std::string_view municipality,
                                                     const std::string& now,
                                                     records::WriteSet* writes)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.writer_mu);

// Files the re-derived records into the index (after the commit and after the new
// taxonomy was published to the matcher).
void IndexRederived(match::Matcher& matcher, const Rederived& rederived);

}  // namespace w2w::internal

#endif  // W2W_ENGINE_INTERNAL_REDERIVE_H_
