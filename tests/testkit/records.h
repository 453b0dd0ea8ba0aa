// Builders of valid w2w.v1 records for integration tests, with real reference data:
// ESCO trades from data/esco/occupations.csv, regions and municipalities from data/,
// qualification codes from data/qualifications.csv.
//
// The records are built in the server's canonical form (trade UUIDs, region names as
// shipped, qualification codes upper-case and sorted, every defaulted field explicit), so
// a stored record equals the one sent apart from the output-only `version` and
// `updated_at`; SameContent() compares exactly that way.
//
// Thread safety: pure functions.
#ifndef W2W_TESTS_TESTKIT_RECORDS_H_
#define W2W_TESTS_TESTKIT_RECORDS_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "w2w/v1/candidate.pb.h"
#include "w2w/v1/vacancy.pb.h"

namespace w2w::testkit {

// ESCO occupations (data/esco/occupations.csv): code and UUID.
inline constexpr char kWelderCode[] = "7212.3";
inline constexpr char kWelderId[] = "7aedaa07-3884-4c5b-88f9-80997b2aa54b";
inline constexpr char kPipeWelderCode[] = "7212.3.3";
inline constexpr char kPipeWelderId[] = "2ff73126-7aff-4233-9d9c-d8725e1c6822";
inline constexpr char kVehicleTechnicianCode[] = "7231.10";
inline constexpr char kVehicleTechnicianId[] = "4ad4024e-d1d3-4dea-b6d1-2c7948111dce";
inline constexpr char kHeatingTechnicianCode[] = "7126.4";
inline constexpr char kHeatingTechnicianId[] = "7259dc48-004a-4ceb-aa4e-5bbd548c2397";

// Regions (data/regions.csv) and a municipality with its region.
inline constexpr char kZuidoostBrabant[] = "Zuidoost-Brabant";
inline constexpr char kTwente[] = "Twente";
inline constexpr char kRijnmond[] = "Rijnmond";
inline constexpr char kEindhoven[] = "Eindhoven";  // In Zuidoost-Brabant.
inline constexpr char kEnschede[] = "Enschede";    // In Twente.

// Qualification codes (data/qualifications.csv).
inline constexpr char kVcaBasis[] = "VCA-BASIS";
inline constexpr char kVcaVol[] = "VCA-VOL";
inline constexpr char kMagWelding[] = "ISO9606-135";
inline constexpr char kTigWelding[] = "ISO9606-141";
inline constexpr char kForklift[] = "HEFTRUCK";

// A valid candidate `id`; `variant` deterministically changes region, sector, trades,
// qualifications and status, so distinct variants are distinct contents.
v1::Candidate MakeCandidate(std::string_view id, int variant = 0);
// A valid OPEN vacancy `id` of employer "emp-<variant % 7>", likewise varied.
v1::Vacancy MakeVacancy(std::string_view id, int variant = 0);

// True when the records are equal apart from `version` and `updated_at`.
bool SameContent(const v1::Candidate& a, const v1::Candidate& b);
bool SameContent(const v1::Vacancy& a, const v1::Vacancy& b);

// A client context with a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> ContextWithDeadline(
    absl::Duration timeout = absl::Seconds(10));

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_RECORDS_H_
