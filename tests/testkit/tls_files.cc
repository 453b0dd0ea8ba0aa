#include "tests/testkit/tls_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testkit/run_binary.h"

namespace w2w::testkit {
namespace {

constexpr char kSubjectAltNames[] = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1";
constexpr char kValidDays[] = "2";

// The first executable `openssl` on $PATH, or "" when there is none.
std::string OpenSslBinary() {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "/usr/bin", ':')) {
    const std::string candidate = absl::StrCat(dir, "/openssl");
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

absl::Status RunOpenSsl(const std::vector<std::string>& args) {
  const std::string binary = OpenSslBinary();
  if (binary.empty()) {
    return absl::FailedPreconditionError("no openssl on $PATH (apt-get install openssl)");
  }
  const BinaryResult result = RunBinary(binary, args);
  if (result.code != 0) {
    return absl::InternalError(absl::StrCat("openssl ", args.empty() ? "" : args[0], " exited ",
                                            result.code, ": ", result.err));
  }
  return absl::OkStatus();
}

TlsPair PairIn(const std::string& dir, const std::string& name) {
  return {absl::StrCat(dir, "/", name, ".pem"), absl::StrCat(dir, "/", name, ".key")};
}

// Keys are secrets even in tests: only the owner may read them, as the server expects.
absl::Status RestrictKey(const TlsPair& pair) {
  if (chmod(pair.key_file.c_str(), S_IRUSR | S_IWUSR) != 0) {
    return absl::InternalError(absl::StrCat("chmod ", pair.key_file));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TlsPair> MakeSelfSigned(const std::string& dir, const std::string& name,
                                       const std::string& common_name) {
  const TlsPair pair = PairIn(dir, name);
  absl::Status made =
      RunOpenSsl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-days", kValidDays, "-subj", absl::StrCat("/CN=", common_name),
                  "-addext", kSubjectAltNames, "-keyout", pair.key_file, "-out", pair.cert_file});
  if (!made.ok()) return made;
  if (absl::Status restricted = RestrictKey(pair); !restricted.ok()) return restricted;
  return pair;
}

absl::StatusOr<TlsPair> MakeSignedBy(const TlsPair& ca, const std::string& dir,
                                     const std::string& name, const std::string& common_name) {
  const TlsPair pair = PairIn(dir, name);
  const std::string request = absl::StrCat(dir, "/", name, ".csr");
  const std::string extensions = absl::StrCat(dir, "/", name, ".ext");
  std::ofstream(extensions) << "basicConstraints=CA:FALSE\n"
                            << "extendedKeyUsage=clientAuth,serverAuth\n"
                            << kSubjectAltNames << "\n";
  absl::Status made = RunOpenSsl(
      {"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-subj", absl::StrCat("/CN=", common_name), "-keyout", pair.key_file, "-out", request});
  if (made.ok()) {
    // A serial unique to this process and certificate given here, so that openssl writes
    // no serial file next to the CA.
    static int certificates_signed = 0;
    const std::string serial = absl::StrCat(getpid(), ++certificates_signed);
    made = RunOpenSsl({"x509", "-req", "-in", request, "-CA", ca.cert_file, "-CAkey", ca.key_file,
                       "-set_serial", serial, "-days", kValidDays, "-extfile", extensions, "-out",
                       pair.cert_file});
  }
  unlink(request.c_str());
  unlink(extensions.c_str());
  if (!made.ok()) return made;
  if (absl::Status restricted = RestrictKey(pair); !restricted.ok()) return restricted;
  return pair;
}

}  // namespace w2w::testkit
