// How w2w-server adapts to where it runs: the reference data of an installed copy, and a
// log read by journald. Used by main.cc before anything else starts; stateless apart from
// the gRPC log hook, which is process-wide.
//
// Thread safety: DefaultReferenceDir() and StderrIsJournal() may be called from any thread.
// UseJournalForGrpcLog() must be called once, before gRPC starts (no call may be in
// flight while gRPC's log function changes).
#ifndef W2W_SERVICE_DEPLOYMENT_H_
#define W2W_SERVICE_DEPLOYMENT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace w2w::service {

// Where an installed server finds its reference data, relative to its own binary
// (<prefix>/bin/w2w-server -> <prefix>/share/w2w/data), as `cmake --install` and the
// Debian package lay it out.
inline constexpr absl::string_view kInstalledReferenceDir = "../share/w2w/data";

// The default of --reference_dir: <folder of this binary>/../share/w2w/data when that
// folder holds regions.csv (an installed copy, wherever its prefix), else `build_default`
// (the source tree's data/ the build was configured with, for a binary run from the build
// tree). Never fails: an unreadable /proc/self/exe gives `build_default`.
std::string DefaultReferenceDir(absl::string_view build_default);

// True when stderr is the journal stream systemd connected this process to: systemd sets
// $JOURNAL_STREAM to "DEVICE:INODE" of that stream (systemd.exec(5)), and a child whose
// stderr was redirected elsewhere inherits the variable but fails the comparison.
bool StderrIsJournal();

// The priority prefix journald reads at the start of a line ("<3>", err) for error lines
// when `journal`, else "" (a terminal or a file gets plain lines).
const char* ErrorPrefix(bool journal);

// Routes gRPC's own log lines through a writer that drops gRPC's timestamp, thread id and
// severity letter (journald records time and process itself) and prefixes the journald
// priority instead: "<3>w2w-server: grpc: FILE:LINE: MESSAGE".
void UseJournalForGrpcLog();

}  // namespace w2w::service

#endif  // W2W_SERVICE_DEPLOYMENT_H_
