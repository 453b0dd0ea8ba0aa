#include "service/match_service.h"

namespace w2w::service {

using internal::Assign;

grpc::ServerUnaryReactor* MatchService::Shortlist(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::ShortlistRequest, v1::ShortlistResponse>(
      resources_, resources_.work, "Shortlist", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ShortlistRequest& r, v1::ShortlistResponse* out) {
        return Assign(engine->Shortlist(caller, r), out);
      });
}

grpc::ServerUnaryReactor* MatchService::MatchCandidate(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return internal::ServeUnaryOnPool<v1::MatchCandidateRequest, v1::MatchCandidateResponse>(
      resources_, resources_.work, "MatchCandidate", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::MatchCandidateRequest& r,
                                   v1::MatchCandidateResponse* out) {
        return Assign(engine->MatchCandidate(caller, r), out);
      });
}

grpc::ServerUnaryReactor* MatchService::ExplainMatch(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) {
  return internal::ServeUnary<v1::ExplainMatchRequest, v1::ExplainMatchResponse>(
      resources_, "ExplainMatch", context, request, response,
      [engine = resources_.engine](const access::Caller& caller, const v1::ExplainMatchRequest& r,
                                   v1::ExplainMatchResponse* out) {
        return Assign(engine->ExplainMatch(caller, r), out);
      });
}

}  // namespace w2w::service
