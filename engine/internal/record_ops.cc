// Record helpers of record_ops.h: content equality, error field paths, page tokens and
// the NOT_FOUND / ABORTED statuses of record operations.
#include "engine/internal/record_ops.h"
#include "engine/internal/record_commit.h"
#include "engine/outcomes/ledger.h"

#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"

namespace w2w::internal {
namespace {

template <typename Record>
bool SameContentImpl(const Record& a, const Record& b) {
  Record x = a, y = b;
  x.clear_version();
  x.clear_updated_at();
  y.clear_version();
  y.clear_updated_at();
  return google::protobuf::util::MessageDifferencer::Equals(x, y);
}

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

bool SameContent(const v1::Candidate& a, const v1::Candidate& b) { return SameContentImpl(a, b); }
bool SameContent(const v1::Vacancy& a, const v1::Vacancy& b) { return SameContentImpl(a, b); }

std::string ErrorField(std::string_view message, std::string_view strip_prefix) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return "";
  std::string_view field = message.substr(0, colon);
  // A field path has no spaces; a sentence before ": " is not one.
  if (field.empty() || field.find(' ') != std::string_view::npos) return "";
  if (!strip_prefix.empty() && field.substr(0, strip_prefix.size()) == strip_prefix) {
    if (field.size() == strip_prefix.size()) return "";
    if (field[strip_prefix.size()] == '.') return std::string(field.substr(strip_prefix.size() + 1));
  }
  return std::string(field);
}

v1::OutcomeEvent StatusChangeEvent(const v1::Candidate& candidate, v1::CandidateStatus from,
                                   const std::string& now) {
  v1::OutcomeEvent event;
  event.set_event_id(absl::StrCat(Absl(outcomes::kStatusEventPrefix), Absl(candidate.id()), ":", candidate.version()));
  v1::StatusChangeEvent* change = event.mutable_status_change();
  const std::string today = now.substr(0, 10);  // RFC 3339 starts with the UTC date.
  change->set_candidate_id(candidate.id());
  change->set_from(from);
  change->set_to(candidate.status());
  change->set_date(today);
  event.set_candidate_id(candidate.id());
  event.set_date(today);
  event.set_region(candidate.region());
  event.set_sector(candidate.sector());
  event.set_source(candidate.source());
  event.set_recorded_at(now);
  event.set_recorded_by("system");
  return event;
}

absl::Status NotFound(std::string_view kind, std::string_view id) {
  return absl::NotFoundError(absl::StrCat(Absl(kind), " '", Absl(id), "' not found"));
}

absl::Status Stale(std::string_view field, uint64_t given, uint64_t stored) {
  return absl::AbortedError(
      absl::StrCat(Absl(field), ": stale version ", given, ", stored version ", stored));
}

}  // namespace w2w::internal
