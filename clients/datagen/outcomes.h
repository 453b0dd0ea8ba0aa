// A plausible year of outcome events (w2w.v1.OutcomeEvent, docs/outcomes.md) for the
// candidates and vacancies of a Generator: signals (at risk, notice, bankrupt employer,
// unemployed), placements into the generated vacancies or jobs outside w2w, retraining
// tracks, 6- and 12-month follow-ups, some recoveries: signals in the 365 days before
// GeneratorOptions::today, and a quarter in the year before that (so 12-month follow-ups
// exist). Regions differ: each has its own seeded profile (how many get
// a signal and are placed, how many reach work before unemployment, retraining,
// completion, retention), so a first report shows regions that can be compared.
//
// The events follow the server's rules, so an import of the dataset is accepted whole:
// a placement's candidate is not PLACED in the candidates file and is placed once; a
// vacancy is OPEN and never filled past its positions; a placement starts after its
// person's signals and retraining; follow-ups come after their placement in the output
// and are dated start + 6 or 12 months, never after today; tracks end (in the same event)
// on or after their start. Deterministic like the records (no clock, own PRNG).
//
// Thread safety: not thread-safe (it counts vacancy seats as it goes); one per output.
#ifndef W2W_CLIENTS_DATAGEN_OUTCOMES_H_
#define W2W_CLIENTS_DATAGEN_OUTCOMES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "clients/datagen/generator.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/outcome.pb.h"

namespace w2w::datagen {

struct OutcomeCounts {
  uint64_t events = 0, status_changes = 0, placements = 0, tracks = 0, follow_ups = 0;
};

class OutcomeGenerator {
 public:
  // `gen` and `tax` are borrowed and must outlive this object; the outcomes are for the
  // first `candidates` candidates and `vacancies` vacancies of `gen`.
  OutcomeGenerator(const Generator& gen, const taxonomy::Taxonomy& tax, uint64_t candidates, uint64_t vacancies);

  // Calls `sink` for every event, person by person in candidate order; each person's
  // events in the order they happened.
  OutcomeCounts ForEachEvent(absl::FunctionRef<void(const v1::OutcomeEvent&)> sink);

 private:
  struct Profile {  // One region's propensities, drawn from the seed.
    double signal, placed, work_to_work, retrain, completion, retention6, retention12, recover;
  };

  const Generator& gen_;
  const taxonomy::Taxonomy& tax_;
  const uint64_t candidates_;
  const uint64_t vacancies_;
  std::vector<Profile> profiles_;              // By region id.
  std::vector<uint16_t> seats_left_;           // By vacancy index; 0 = not open or full.
  std::vector<uint8_t> vacancy_sector_;        // By vacancy index.
  std::vector<std::vector<uint32_t>> by_region_;  // Open vacancies by region id.
  std::vector<taxonomy::QualId> short_courses_;   // Qualifications of a few weeks.
};

}  // namespace w2w::datagen

#endif  // W2W_CLIENTS_DATAGEN_OUTCOMES_H_
