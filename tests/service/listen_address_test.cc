// The loopback rule for a server without TLS (service/listen_address.h).
#include "service/listen_address.h"

#include "gtest/gtest.h"

namespace w2w::service {
namespace {

TEST(IsLoopbackAddressTest, LoopbackHostsAreAccepted) {
  for (const char* address :
       {"127.0.0.1:50051", "127.0.0.1:0", "127.255.3.4:1", "localhost:50051", "LocalHost:1",
        "[::1]:50051", "[0:0:0:0:0:0:0:1]:0", "[::ffff:127.0.0.1]:0"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
}

TEST(IsLoopbackAddressTest, EverythingElseIsRefused) {
  for (const char* address :
       {"0.0.0.0:50051", "[::]:50051", ":50051", "192.168.1.20:50051", "10.0.0.1:0", "128.0.0.1:0",
        "[::2]:0", "[::ffff:10.0.0.1]:0", "[fe80::1]:0", "w2w.example.nl:50051",
        "localhost.example.nl:0", "127.0.0.1.example.nl:0", "127.1:0", "::1:50051",
        "unix:/tmp/w2w.sock", "127.0.0.1", "", "[::1:0"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

}  // namespace
}  // namespace w2w::service
