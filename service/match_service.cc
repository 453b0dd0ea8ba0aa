#include "service/match_service.h"

#include <utility>

#include "service/status.h"

namespace w2w::service {

grpc::Status MatchService::Shortlist(const v1::ShortlistRequest& request,
                                     v1::ShortlistResponse* response) {
  absl::StatusOr<v1::ShortlistResponse> result = engine_->Shortlist(request);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status MatchService::MatchCandidate(const v1::MatchCandidateRequest& request,
                                          v1::MatchCandidateResponse* response) {
  absl::StatusOr<v1::MatchCandidateResponse> result = engine_->MatchCandidate(request);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status MatchService::ExplainMatch(const v1::ExplainMatchRequest& request,
                                        v1::ExplainMatchResponse* response) {
  absl::StatusOr<v1::ExplainMatchResponse> result = engine_->ExplainMatch(request);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace w2w::service
