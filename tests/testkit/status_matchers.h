// gMock matchers for grpc::Status in integration tests, with readable failures:
//   EXPECT_THAT(stub->GetCandidate(&ctx, req, &out), IsOk());
//   EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("trades[0]")));
//
// Thread safety: stateless.
#ifndef W2W_TESTS_TESTKIT_STATUS_MATCHERS_H_
#define W2W_TESTS_TESTKIT_STATUS_MATCHERS_H_

#include <string>

#include "gmock/gmock.h"
#include "grpcpp/support/status.h"

namespace w2w::testkit {

// "INVALID_ARGUMENT", "OK", ... for a gRPC status code.
std::string CodeName(grpc::StatusCode code);

MATCHER(IsOk, "is OK") {
  if (arg.ok()) return true;
  *result_listener << "status is " << ::w2w::testkit::CodeName(arg.error_code()) << ": "
                   << arg.error_message();
  return false;
}

// `code` is a grpc::StatusCode; `message_matcher` matches the message (a std::string).
MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + ::w2w::testkit::CodeName(code) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  *result_listener << "status is " << ::w2w::testkit::CodeName(arg.error_code()) << ": '"
                   << arg.error_message() << "'";
  return arg.error_code() == code &&
         ::testing::Matches(message_matcher)(std::string(arg.error_message()));
}

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_STATUS_MATCHERS_H_
