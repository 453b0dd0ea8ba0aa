// Engine facade: watch streams. Checks the caller and the request, resolves the watched
// ids in the caller's scope and hands the watch to the hub (engine/watch/hub.h), which
// does the rest on its own thread.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "engine/access/permissions.h"
#include "engine/common/status_macros.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_ops.h"
#include "engine/validate/validate.h"
#include "engine/watch/hub.h"

namespace w2w {
namespace {

// Ids one watch may name, per kind (watch.proto).
constexpr int kMaxWatchedIds = 1000;
constexpr uint32_t kDefaultWatchK = 10;
constexpr uint32_t kMaxWatchK = 100;

// The hub's subscription as the facade hands it out: each message read is recorded in
// the access audit (who learnt of which candidates, for which vacancy), and the stream
// ends UNAUTHENTICATED once the caller's token is revoked or expires (a watch
// authenticated once, at its start; its token is checked again before every message).
class HubStream final : public WatchStream {
 public:
  HubStream(const internal::EngineState* state, access::Caller caller, std::shared_ptr<watch::Subscription> sub)
      : state_(state), caller_(std::move(caller)), sub_(std::move(sub)) {}
  ~HubStream() override { sub_->Detach(); }

  std::optional<v1::WatchResponse> Next() override {
    if (!revoked_.ok()) return std::nullopt;
    if (caller_.token.id() != access::Caller::System().token.id()) {
      revoked_ = state_->tokens->CheckLive(caller_.token.id(), absl::Now());
      if (!revoked_.ok()) return std::nullopt;
    }
    std::optional<v1::WatchResponse> response = sub_->Next();
    if (response.has_value()) Audit(*response);
    return response;
  }
  absl::Status Ended() const override {
    if (!revoked_.ok()) return absl::UnauthenticatedError(absl::StrCat("Watch: ", revoked_.message()));
    return sub_->Ended();
  }

 private:
  // One access record per vacancy of the message (candidates' best vacancies: per event).
  void Audit(const v1::WatchResponse& response) const {
    absl::flat_hash_map<std::string_view, std::vector<std::string_view>> by_vacancy;
    for (const v1::WatchEvent& e : response.events()) {
      if (!e.candidate_id().empty()) by_vacancy[e.vacancy_id()].push_back(e.candidate_id());
    }
    for (const auto& [vacancy, ids] : by_vacancy) state_->RecordAccess(caller_, "Watch", ids, vacancy);
  }

  const internal::EngineState* const state_;
  const access::Caller caller_;
  std::shared_ptr<watch::Subscription> sub_;
  absl::Status revoked_;  // Only the reader touches it.
};

// The stored records `ids` names, each in the caller's scope; NOT_FOUND "<field>[i]: ..."
// for an absent or out-of-scope one, INVALID_ARGUMENT for a bad or repeated id.
template <typename Record>
absl::StatusOr<std::vector<Record>> ResolveWatched(const internal::EngineState& state, const access::Scope& scope,
                                                   const google::protobuf::RepeatedPtrField<std::string>& ids,
                                                   const std::string& field) {
  if (ids.size() > kMaxWatchedIds) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", ids.size(), " ids, at most ", kMaxWatchedIds, " in one watch"));
  }
  std::vector<Record> out;
  absl::flat_hash_set<std::string_view> seen;
  for (int i = 0; i < ids.size(); ++i) {
    const std::string path = absl::StrCat(field, "[", i, "]");
    RETURN_IF_ERROR(validate::ValidateId(ids[i], path));
    if (!seen.insert(ids[i]).second) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", QuoteValue(ids[i]), " is named twice"));
    }
    ASSIGN_OR_RETURN(std::optional<Record> stored, state.records->Get<Record>(ids[i]));
    if (!stored.has_value() || !internal::Sees(scope, *stored, state.DefaultTravelKm())) {
      return absl::NotFoundError(absl::StrCat(path, ": ", std::string(internal::RecordTraits<Record>::kName), " ",
                                              QuoteValue(ids[i]), " not found"));
    }
    out.push_back(*std::move(stored));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WatchStream>> Engine::Watch(const access::Caller& caller,
                                                           const v1::WatchRequest& request,
                                                           std::function<void()> wake) {
  RETURN_IF_ERROR(access::Require(caller, access::Action::kMatch, "Watch"));
  if (request.vacancy_ids().empty() && request.candidate_ids().empty() && !request.in_scope()) {
    return absl::InvalidArgumentError("vacancy_ids: name vacancies or candidates to watch, or set in_scope");
  }
  if (request.k() > kMaxWatchK) {
    return absl::InvalidArgumentError(absl::StrCat("k: ", request.k(), " is over ", kMaxWatchK));
  }
  ASSIGN_OR_RETURN(const taxonomy::Language language, taxonomy::ParseLanguage(request.language(), "language"));
  watch::WatchSpec spec;
  if (!request.resume_token().empty()) {
    ASSIGN_OR_RETURN(spec.resume, watch::Hub::ParseResumeToken(request.resume_token()));
  }
  const std::shared_ptr<const access::Scope> scope = state_->ScopeOf(caller);
  ASSIGN_OR_RETURN(spec.vacancies, ResolveWatched<v1::Vacancy>(*state_, *scope, request.vacancy_ids(), "vacancy_ids"));
  ASSIGN_OR_RETURN(spec.candidates,
                   ResolveWatched<v1::Candidate>(*state_, *scope, request.candidate_ids(), "candidate_ids"));
  spec.in_scope = request.in_scope();
  spec.k = request.k() == 0 ? kDefaultWatchK : request.k();
  spec.viewer.language = language;
  if (scope->partner()) spec.viewer.source = scope->source();
  if (scope->coach()) spec.viewer.vacancy_regions = scope->regions();
  if (!scope->unrestricted()) {
    spec.viewer.sees_vacancy = [scope](const v1::Vacancy& v) { return scope->SeesVacancy(v); };
  }
  return std::unique_ptr<WatchStream>(
      std::make_unique<HubStream>(state_.get(), caller, state_->watch->Subscribe(std::move(spec), std::move(wake))));
}

void Engine::StopWatches() {
  state_->watch->StopAll(absl::UnavailableError("w2w-server is shutting down"));
}

size_t Engine::watchers() const { return state_->watch->watchers(); }

}  // namespace w2w
