#!/usr/bin/env python3
"""Checks that every #include of our own code follows the layers (run by every build).

Includes are written from the source root ("engine/match/index.h"), so the compiler alone
cannot stop service/ from reaching into engine/match/. This check does: each folder below
may include only the folders listed for it (its own folder always). A forbidden include
fails the build with the file, the line and the rule.

Usage: scripts/check_layers.py [SOURCE_ROOT]
"""
import pathlib
import re
import sys

# The public face of the engine for the outer layers: the facade, the documented limits of
# the record model, the caller and the per-token rate limiter the service applies at the
# edge, and the leaf libraries every layer may use.
# The taxonomy's internals are not among them: its listings are Engine methods.
ENGINE_PUBLIC = ["engine/engine.h", "engine/engine_options.h", "engine/validate/limits.h",
                 "engine/access/caller.h", "engine/access/rate_limiter.h", "engine/common/"]

# folder (prefix of a source path) -> include prefixes it may use besides its own folder.
# The longest matching folder wins. Folders not listed (bench/, tests/) may include
# anything: they measure and test the rooms from inside.
RULES = {
    "formats/": [],
    "engine/common/": [],
    "engine/storage/": ["engine/common/"],
    "engine/taxonomy/": ["engine/common/", "formats/csv_file.h", "formats/csv.h"],
    "engine/validate/": ["engine/common/", "engine/taxonomy/"],
    "engine/match/": ["engine/common/", "engine/taxonomy/", "engine/validate/"],
    "engine/rematch/": ["engine/common/", "engine/taxonomy/", "engine/validate/",
                        "engine/match/", "engine/storage/", "engine/records/"],
    # Readiness: the standing dry run of rematching workforces, over the matcher's change
    # feed; the rematch summary's definitions; candidates read through the records.
    "engine/readiness/": ["engine/common/", "engine/taxonomy/", "engine/validate/",
                          "engine/match/", "engine/rematch/", "engine/records/",
                          "engine/storage/"],
    "engine/records/": ["engine/common/", "engine/taxonomy/", "engine/validate/",
                        "engine/storage/"],
    # Who may see and change what: tokens (stored through storage), roles, scopes.
    "engine/access/": ["engine/common/", "engine/taxonomy/", "engine/validate/",
                       "engine/storage/"],
    # The facade's internals use the rooms, never the facade (engine.h): arrows run
    # downward only. They see the options the facade was opened with.
    # Outcome events, their ledger and the reports: below the facade, beside the records.
    "engine/outcomes/": ["engine/common/", "engine/taxonomy/", "engine/validate/",
                         "engine/storage/"],
    # Watch streams: follow the index's changes (match/change_feed.h) and rank with it.
    "engine/watch/": ["engine/common/", "engine/taxonomy/", "engine/validate/",
                      "engine/match/"],
    "engine/internal/": ["engine/engine_options.h", "engine/common/", "engine/taxonomy/",
                         "engine/validate/", "engine/match/", "engine/rematch/",
                         "engine/records/", "engine/storage/", "engine/access/",
                         "engine/outcomes/", "engine/readiness/", "engine/watch/"],
    "engine/": ["engine/"],  # the facade drives every room
    "service/": ENGINE_PUBLIC,
    "clients/auth/": [],
    "clients/cli/": ["formats/", "engine/common/", "clients/auth/"],
    "clients/datagen/": ["formats/", "engine/common/", "engine/taxonomy/"],
}

# Only the storage room may include RocksDB; only service/ and clients/ (and bench, tests)
# may include gRPC.
THIRD_PARTY = {
    "rocksdb/": ["engine/storage/"],
    "grpcpp/": ["service/", "clients/cli/", "clients/auth/"],
    "grpc/": ["service/", "clients/cli/", "clients/auth/"],
    # The HTTP edge only: the web page, its JSON API and /metrics.
    "httplib.h": ["service/web/"],
}

OWN = ("engine/", "service/", "clients/", "formats/")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def rule_for(path):
    best = None
    for folder in RULES:
        if path.startswith(folder) and (best is None or len(folder) > len(best)):
            best = folder
    return best


def allowed(folder, target):
    if target.startswith(folder):
        return True
    for prefix in RULES[folder]:
        if target == prefix or (prefix.endswith("/") and target.startswith(prefix)):
            return True
    return False


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    errors = []
    for top in OWN:
        for file in sorted((root / top).rglob("*")):
            if file.suffix not in (".h", ".cc") or "build" in file.relative_to(root).parts[:1]:
                continue
            path = file.relative_to(root).as_posix()
            folder = rule_for(path)
            for number, line in enumerate(file.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                for lib, users in THIRD_PARTY.items():
                    if target.startswith(lib) and not any(path.startswith(u) for u in users):
                        errors.append(f"{path}:{number}: includes {target}; only "
                                      f"{', '.join(users)} may use {lib}")
                if folder is None or not target.startswith(OWN):
                    continue
                if not allowed(folder, target):
                    may = ", ".join([folder] + RULES[folder])
                    errors.append(f"{path}:{number}: includes {target}; {folder} may include "
                                  f"only {may}")
    for e in errors:
        print(f"layer check: {e}", file=sys.stderr)
    if errors:
        print(f"layer check: {len(errors)} forbidden include(s); the rules are in "
              f"scripts/check_layers.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
