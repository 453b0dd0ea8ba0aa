// Seeding a real server for load and reliability tests (tests/reliability/): candidates
// "seed-00000".. and OPEN vacancies "v-00000".. (testkit::MakeCandidate / MakeVacancy with
// the index as variant), streamed in messages of 500; and the sizes those tests read from
// the environment.
#ifndef W2W_TESTS_TESTKIT_SEED_H_
#define W2W_TESTS_TESTKIT_SEED_H_

#include <string>

#include "absl/status/status.h"
#include "tests/testkit/server_process.h"

namespace w2w::testkit {

// The id of seeded candidate / vacancy `i`.
std::string SeedCandidateId(int i);
std::string SeedVacancyId(int i);

// Imports `candidates` candidates and pushes `vacancies` vacancies; an error unless every
// one was committed.
absl::Status SeedRecords(const ServerProcess& server, int candidates, int vacancies);

// The integer value of environment variable `name`, or `fallback` when unset or empty.
int EnvInt(const char* name, int fallback);

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_SEED_H_
