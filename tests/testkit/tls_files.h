// Throwaway TLS certificates for tests, made with the `openssl` binary (Debian's openssl
// package, found on $PATH): a self-signed certificate that is its own CA, and certificates
// signed by such a CA (for mutual TLS). Elliptic-curve keys (P-256), valid for two days,
// every certificate for localhost, 127.0.0.1 and ::1.
//
// Thread safety: the functions run openssl through RunBinary (fork); call them from the
// test's main thread.
#ifndef W2W_TESTS_TESTKIT_TLS_FILES_H_
#define W2W_TESTS_TESTKIT_TLS_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace w2w::testkit {

// A certificate and its private key, as PEM files.
struct TlsPair {
  std::string cert_file;
  std::string key_file;
};

// Writes `dir`/`name`.pem and `dir`/`name`.key (mode 0600): a self-signed certificate for
// `common_name` that may sign others (CA:TRUE), with the subjectAltNames DNS:localhost,
// IP:127.0.0.1, IP:::1, so it serves as a server certificate and as its own CA.
// Precondition: `dir` exists. Errors: FAILED_PRECONDITION when no openssl binary is on
// $PATH; INTERNAL when openssl fails (its stderr in the message).
absl::StatusOr<TlsPair> MakeSelfSigned(const std::string& dir, const std::string& name,
                                       const std::string& common_name = "localhost");

// Writes `dir`/`name`.pem and `dir`/`name`.key: a certificate for `common_name` signed
// by `ca` (a pair from MakeSelfSigned), not a CA, for client and server authentication,
// with the same subjectAltNames. Errors as MakeSelfSigned.
absl::StatusOr<TlsPair> MakeSignedBy(const TlsPair& ca, const std::string& dir,
                                     const std::string& name, const std::string& common_name);

}  // namespace w2w::testkit

#endif  // W2W_TESTS_TESTKIT_TLS_FILES_H_
