#include "tests/testkit/seed.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/testkit/records.h"

namespace w2w::testkit {
namespace {

constexpr int kPerMessage = 500;
constexpr absl::Duration kSeedDeadline = absl::Seconds(120);

absl::Status Committed(const grpc::Status& status, const v1::ImportSummary& summary, int expected,
                       const char* what) {
  if (!status.ok()) return absl::InternalError(absl::StrCat(what, ": ", status.error_message()));
  if (summary.committed() != static_cast<uint64_t>(expected)) {
    return absl::InternalError(absl::StrCat(what, ": committed ", summary.committed(), " of ", expected));
  }
  return absl::OkStatus();
}

}  // namespace

std::string SeedCandidateId(int i) { return absl::StrFormat("seed-%05d", i); }
std::string SeedVacancyId(int i) { return absl::StrFormat("v-%05d", i); }

absl::Status SeedRecords(const ServerProcess& server, int candidates, int vacancies) {
  {
    v1::ImportSummary summary;
    auto context = ContextWithDeadline(kSeedDeadline);
    auto writer = server.candidates()->ImportCandidates(context.get(), &summary);
    v1::ImportCandidatesRequest request;
    for (int i = 0; i < candidates; ++i) {
      *request.add_candidates() = MakeCandidate(SeedCandidateId(i), i);
      if (request.candidates_size() == kPerMessage || i + 1 == candidates) {
        if (!writer->Write(request)) break;
        request.Clear();
      }
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    if (absl::Status s = Committed(status, summary, candidates, "seeding candidates"); !s.ok()) return s;
  }
  v1::ImportSummary summary;
  auto context = ContextWithDeadline(kSeedDeadline);
  auto writer = server.vacancies()->PushVacancies(context.get(), &summary);
  v1::PushVacanciesRequest request;
  for (int i = 0; i < vacancies; ++i) {
    *request.add_vacancies() = MakeVacancy(SeedVacancyId(i), i);
    if (request.vacancies_size() == kPerMessage || i + 1 == vacancies) {
      if (!writer->Write(request)) break;
      request.Clear();
    }
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  return Committed(status, summary, vacancies, "seeding vacancies");
}

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

}  // namespace w2w::testkit
