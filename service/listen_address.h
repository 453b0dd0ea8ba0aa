// The rule for where a server without TLS may listen: loopback only, so that plaintext
// calls (records of people, unauthenticated) never cross a network. With TLS any address
// is allowed (server.cc applies the rule; docs/security.md "Transport (TLS)").
//
// Thread safety: pure functions.
#ifndef W2W_SERVICE_LISTEN_ADDRESS_H_
#define W2W_SERVICE_LISTEN_ADDRESS_H_

#include "absl/strings/string_view.h"

namespace w2w::service {

// True when `address` ("host:port", as given to --address) names a loopback host only:
// an IPv4 address in 127.0.0.0/8 ("127.0.0.1:50051"), the IPv6 loopback in brackets
// ("[::1]:50051", also "[::ffff:127.0.0.1]:0"), or "localhost" (any case). False for
// everything else, including the wildcards ("0.0.0.0", "[::]", an empty host), other
// addresses, every other host name (a name may resolve anywhere) and text that is not
// host:port. The port is not checked.
bool IsLoopbackAddress(absl::string_view address);

}  // namespace w2w::service

#endif  // W2W_SERVICE_LISTEN_ADDRESS_H_
