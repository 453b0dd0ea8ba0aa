// A plausible year of outcome events (w2w.v1.OutcomeEvent, docs/outcomes.md) for the
// candidates and vacancies of a Generator, every event dated in the `days` (default 365)
// days up to GeneratorOptions::today: the signals that bring people into the work-to-work pool (at
// risk, notice given, bankrupt employer, unemployed), placements into the generated
// vacancies or jobs outside w2w, retraining tracks, 6- and 12-month follow-ups, and
// recoveries. The history agrees with the candidates file: a person whose status there is
// a signal status has that signal (or an earlier one leading to it); an EMPLOYED person may
// have had an episode that ended; a PLACED one found work outside w2w (a status change).
//
// Regions differ: each has its own seeded profile (how many reach work, how many of those
// before unemployment, how fast, retraining, completion, retention), and jobs outside w2w
// follow the region's sector shares, so a first report shows regions that can be compared.
//
// The events follow the server's rules, so an import into a server holding the generated
// records is accepted whole: a placement's candidate is not PLACED in the candidates file
// and is placed once; a vacancy is OPEN and never filled past its positions (0 = 1); a
// placement starts after its person's signals and completed retraining, within the year;
// qualifications and trades are catalogue codes; a finished track has its result and end
// date (not before its start) in the same event; follow-ups come after their placement in
// the output and are dated start + 6 or 12 calendar months, never after today.
// Deterministic: a pure function of the generator's options, the counts and the target.
//
// Thread safety: not thread-safe (it counts vacancy seats as it goes); one per output.
#ifndef W2W_CLIENTS_DATAGEN_OUTCOMES_H_
#define W2W_CLIENTS_DATAGEN_OUTCOMES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "clients/datagen/generator.h"
#include "engine/taxonomy/taxonomy.h"
#include "w2w/v1/outcome.pb.h"

namespace w2w::datagen {

// Days of history before GeneratorOptions::today: a year, the default period of a report.
// No 12-month follow-up is due within it (a placement in the year started less than 12
// months ago); a history of 730 days has them.
inline constexpr int32_t kDefaultOutcomeDays = 365;

struct OutcomeCounts {
  uint64_t events = 0, status_changes = 0, placements = 0, tracks = 0, follow_ups = 0;
};

class OutcomeGenerator {
 public:
  // `gen` and `tax` are borrowed and must outlive this object; the outcomes are for the
  // first `candidates` candidates and `vacancies` vacancies of `gen`. `target_events`
  // 0 writes the full histories (about 1.9 events per candidate); otherwise it is an upper
  // bound: people are thinned evenly so that about that many events come out, never more
  // (whole histories only; fewer when the full histories hold fewer).
  OutcomeGenerator(const Generator& gen, const taxonomy::Taxonomy& tax, uint64_t candidates, uint64_t vacancies,
                   uint64_t target_events = 0, int32_t days = kDefaultOutcomeDays);

  // Calls `sink` for every event, person by person in candidate order; each person's
  // events in the order they happened. Event ids are "ev-0000001", ... in output order,
  // track ids "tr-0000001", ...
  OutcomeCounts ForEachEvent(absl::FunctionRef<void(const v1::OutcomeEvent&)> sink);

 private:
  struct Profile {  // One region's propensities, drawn from the seed.
    double placed;        // Placement chance of a person in the pool.
    double work_to_work;  // Tilts placements towards those still in work (0..1).
    double speed;         // Scales the days from the first signal to the start.
    double retrain, completion, retention6, retention12;
    double episode;       // Share of EMPLOYED people who had an episode in the year.
  };

  const Generator& gen_;
  const taxonomy::Taxonomy& tax_;
  const uint64_t candidates_;
  const uint64_t target_events_;
  const int32_t days_;  // Events fall in today - days_ .. today.
  double keep_share_ = 1;  // Of the people, the share whose history is written.
  std::vector<Profile> profiles_;                 // By region id.
  std::vector<std::array<double, 5>> region_sector_cumulative_;  // By region id: ME..MVT.
  std::vector<uint16_t> seats_left_;              // By vacancy index; 0 = not open or full.
  std::vector<uint8_t> vacancy_sector_;           // By vacancy index.
  std::vector<std::vector<uint32_t>> by_region_;  // Open vacancies by region id.
  std::vector<taxonomy::QualId> short_courses_;   // Qualifications of at most a few weeks.
  std::vector<std::string> vacancy_ids_;          // By vacancy index, of the open ones.
};

}  // namespace w2w::datagen

#endif  // W2W_CLIENTS_DATAGEN_OUTCOMES_H_
