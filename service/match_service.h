// MatchService: the w2w.v1.MatchService RPCs (shortlists, candidate matches and
// explanations), forwarded to the Engine. Scoring lives in engine/match; this class only
// translates.
//
// Thread safety: stateless apart from the borrowed, thread-safe Engine.
#ifndef W2W_SERVICE_MATCH_SERVICE_H_
#define W2W_SERVICE_MATCH_SERVICE_H_

#include "engine/engine.h"
#include "grpcpp/support/status.h"
#include "w2w/v1/match.pb.h"

namespace w2w::service {

class MatchService {
 public:
  // `engine` is borrowed and must outlive this object.
  explicit MatchService(Engine* engine) : engine_(engine) {}

  // Each returns OK with `*response` filled, or the engine's status code for code
  // (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION for a closed vacancy, ...).
  grpc::Status Shortlist(const v1::ShortlistRequest& request, v1::ShortlistResponse* response);
  grpc::Status MatchCandidate(const v1::MatchCandidateRequest& request,
                              v1::MatchCandidateResponse* response);
  grpc::Status ExplainMatch(const v1::ExplainMatchRequest& request,
                            v1::ExplainMatchResponse* response);

 private:
  Engine* const engine_;  // Borrowed.
};

}  // namespace w2w::service

#endif  // W2W_SERVICE_MATCH_SERVICE_H_
