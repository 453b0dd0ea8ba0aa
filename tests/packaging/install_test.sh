#!/usr/bin/env bash
# The install layout and the Debian package, without root (ctest label `packaging`):
#  1. `cmake --install` DESTDIR-style into a throwaway root (prefix /usr, plus the
#     `system` component) and a plain relocatable prefix: every file where
#     packaging/CMakeLists.txt says, nothing of the system component in the plain prefix.
#  2. cpack builds the .deb (gzip, for speed); dpkg-deb -x/-e unpack it: the same layout,
#     the control fields, conffiles, maintainer scripts, and the systemd unit's keys
#     (systemd-analyze verify too, when it is there); the maintainer scripts run against
#     stub commands (nothing real is touched).
#  3. The installed w2w-server, in both trees: --version, then started with the packaged
#     flags file (paths moved into the throwaway folder, port 0) and a journald-style
#     stderr: it reads the reference data beside its binary, logs without timestamps, the
#     installed w2w answers `info`, and SIGTERM stops it cleanly.
# Usage: install_test.sh BUILD_DIR (a tree where w2w-server, w2w and the Python stubs are
# built; installing builds nothing).
set -euo pipefail
build=$(cd "${1:?usage: install_test.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^project(w2w VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/w2w-install-test.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_file() { [[ -f $1 ]] || fail "missing file ${1#"$tmp"/}"; }
expect_exec() { [[ -x $1 && -f $1 ]] || fail "missing executable ${1#"$tmp"/}"; }
expect_absent() { [[ ! -e $1 ]] || fail "unexpected ${1#"$tmp"/}"; }

# The files under a prefix (bin/, share/, lib/ of packaging/CMakeLists.txt).
check_prefix() {
  local p=$1 f
  expect_exec "$p/bin/w2w-server"
  expect_exec "$p/bin/w2w"
  for f in $(cd "$src/data" && find . -type f | sort); do expect_file "$p/share/w2w/data/$f"; done
  for f in $(cd "$src/proto" && find w2w -name '*.proto' | sort); do
    expect_file "$p/share/w2w/proto/$f"
  done
  expect_file "$p/share/w2w/proto/README.md"
  expect_file "$p/share/doc/w2w/README.md"
  expect_file "$p/share/doc/w2w/operations.md"
  expect_file "$p/share/doc/w2w/screenshots/shortlist.png"
  expect_file "$p/lib/python3/dist-packages/w2w/__init__.py"
  expect_file "$p/lib/python3/dist-packages/w2w/_gen/w2w/v1/match_pb2.py"
  [[ -z $(find "$p" -name __pycache__) ]] || fail "__pycache__ installed under ${p#"$tmp"/}"
}

# The files of the `system` component under a root.
check_system() {
  local r=$1
  expect_file "$r/lib/systemd/system/w2w-server.service"
  expect_file "$r/etc/w2w/w2w-server.conf"
}

# The unit's promises (packaging/w2w-server.service), and that systemd stops later than
# the server's own grace period ends.
check_unit() {
  local unit=$1 conf=$2 key
  for key in 'User=w2w' 'Group=w2w' 'StateDirectory=w2w' 'ProtectSystem=strict' \
      'ProtectHome=yes' 'NoNewPrivileges=yes' 'PrivateTmp=yes' 'ReadWritePaths=/var/lib/w2w' \
      'Restart=on-failure' 'KillSignal=SIGTERM' 'WantedBy=multi-user.target' \
      'ExecStart=/usr/bin/w2w-server --flagfile=/etc/w2w/w2w-server.conf'; do
    grep -qxF "$key" "$unit" || fail "unit lacks '$key'"
  done
  local stop grace
  stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s\{0,1\}$/\1/p' "$unit")
  grace=$(sed -n 's/^--shutdown_grace_seconds=\([0-9]*\)$/\1/p' "$conf")
  if [[ -z $stop || -z $grace ]] || ((stop <= grace)); then
    fail "TimeoutStopSec ($stop) must exceed --shutdown_grace_seconds ($grace)"
  fi
  if command -v systemd-analyze >/dev/null; then
    # verify checks the binary of ExecStart: point it at the unpacked one.
    local copy=$tmp/verify/w2w-server.service
    mkdir -p "$tmp/verify"
    sed "s|^ExecStart=/usr/bin/w2w-server|ExecStart=$3|" "$unit" > "$copy"
    # It exits 0 on unknown keys and bad values ("..., ignoring"): any output fails.
    local out
    if ! out=$(systemd-analyze verify "$copy" 2>&1) || [[ -n $out ]]; then
      fail "systemd-analyze verify: $out"
    fi
  else
    echo "note: systemd-analyze not found; the unit's keys were checked only" >&2
  fi
}

# The maintainer scripts run by /bin/sh with every command they call replaced by a stub
# that logs its arguments: PATH holds the stubs only, so nothing real is created or
# deleted (an unstubbed command fails the script). `getent` answers "no such user"
# unless $W2W_USER_EXISTS is 1.
check_maintainer_scripts() {
  local ctl=$1 stubs=$tmp/stubs log=$tmp/stubs.log cmd
  mkdir -p "$stubs"
  for cmd in adduser deluser delgroup install rm rmdir systemctl; do
    printf '#!/bin/sh\necho "%s $*" >> "%s"\n' "$cmd" "$log" > "$stubs/$cmd"
  done
  # shellcheck disable=SC2016 # the stub expands them, not this shell
  printf '#!/bin/sh\necho "getent $*" >> "%s"\n[ "$W2W_USER_EXISTS" = 1 ]\n' "$log" \
    > "$stubs/getent"
  chmod +x "$stubs"/*
  run_script() { : > "$log"; env -i PATH="$stubs" W2W_USER_EXISTS="$1" /bin/sh "${@:2}"; }

  run_script 0 "$ctl/postinst" configure "" || fail "postinst configure failed"
  grep -qx 'adduser --system --group --quiet --home /var/lib/w2w --no-create-home --gecos w2w matching server w2w' "$log" ||
    fail "postinst on a first install: $(cat "$log")"
  if [[ ! -d /var/lib/w2w ]]; then
    grep -qx 'install -d -o w2w -g w2w -m 0750 /var/lib/w2w' "$log" ||
      fail "postinst makes no /var/lib/w2w: $(cat "$log")"
  fi
  run_script 1 "$ctl/postinst" configure 0.0.9 || fail "postinst upgrade failed"
  ! grep -q '^adduser' "$log" || fail "postinst adds an existing user: $(cat "$log")"
  run_script 1 "$ctl/prerm" upgrade 0.1.1 || fail "prerm upgrade failed"
  ! grep -q '^systemctl stop' "$log" || fail "prerm stops the service on upgrade"
  run_script 1 "$ctl/postrm" remove || fail "postrm remove failed"
  ! grep -qE '^(rm|deluser|delgroup) ' "$log" || fail "postrm remove deletes: $(cat "$log")"
  run_script 1 "$ctl/postrm" purge || fail "postrm purge failed"
  for cmd in 'rm -rf /var/lib/w2w' 'deluser --system --quiet w2w' 'delgroup --system --quiet w2w'; do
    grep -qxF "$cmd" "$log" || fail "postrm purge lacks '$cmd': $(cat "$log")"
  done
}

# The installed server and CLI of the tree under prefix $1 (the system files of root $2).
check_runs() {
  local p=$1 conf=$2/etc/w2w/w2w-server.conf name=$3
  local run=$tmp/run-$name
  mkdir -p "$run"
  local out
  out=$("$p/bin/w2w-server" --version 2>&1) || true
  [[ $out == "w2w-server $version" ]] || fail "$name: --version printed '$out'"
  out=$("$p/bin/w2w-server" --help 2>&1) || true
  [[ $out == *--flagfile* && $out == *--reference_dir* ]] || fail "$name: --help lacks the flags"

  # The packaged flags, with the state moved here, a free port, and a small disk reserve
  # (a nearly full $TMPDIR must not fail the test).
  sed -e "s|/var/lib/w2w|$run/state|g" -e 's|^--address=.*|--address=127.0.0.1:0|' \
    -e 's|^--disk_reserve_mb=.*|--disk_reserve_mb=1|' "$conf" > "$run/w2w-server.conf"
  mkdir -p "$run/state"
  # journald's view of stderr: JOURNAL_STREAM names the file's device and inode.
  : > "$run/stderr"
  local stream
  stream=$(stat -c '%d:%i' "$run/stderr")
  # A flag refused at start: an error line with journald's priority prefix.
  JOURNAL_STREAM=$stream "$p/bin/w2w-server" --flagfile="$run/w2w-server.conf" \
    --max_message_mb=0 >/dev/null 2>>"$run/stderr" && fail "$name: --max_message_mb=0 accepted"
  grep -q '^<3>w2w-server: --max_message_mb' "$run/stderr" ||
    fail "$name: the refusal has no <3> prefix: $(cat "$run/stderr")"
  : > "$run/stderr"

  (cd "$run" && exec env JOURNAL_STREAM="$stream" "$p/bin/w2w-server" \
    --flagfile="$run/w2w-server.conf" >"$run/stdout" 2>>"$run/stderr") &
  server_pid=$!
  local address="" _
  for _ in $(seq 1 300); do
    address=$(sed -n 's/^w2w-server listening on //p' "$run/stdout")
    [[ -n $address ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $address ]]; then
    fail "$name: the installed server did not start: $(cat "$run/stderr")"
    kill -KILL "$server_pid" 2>/dev/null || true
    server_pid=""
    return
  fi
  # The data beside the binary, not the source tree's (which exists here too).
  grep -qxF "w2w-server: reference data from '$p/share/w2w/data'" "$run/stderr" ||
    fail "$name: not the installed reference data: $(cat "$run/stderr")"
  [[ -f $run/state/store/CURRENT ]] || fail "$name: no store in --data_dir"
  [[ -f $run/state/admin.token ]] || fail "$name: no admin token at --admin_token_file"
  # No timestamps of our own (journald stamps lines): no line starts with a date or a
  # gRPC-style E1207 12:00:00 prefix.
  if grep -qE '^(<[0-9]>)?([0-9]{4}-[0-9]{2}-[0-9]{2}|[EWID][0-9]{4} )' "$run/stderr"; then
    fail "$name: timestamped log lines: $(cat "$run/stderr")"
  fi
  # gRPC's own lines under journald: a second server on the taken port makes gRPC log
  # the bind error, rewritten without gRPC's timestamp and with the err priority.
  : > "$run/stderr2"
  stream=$(stat -c '%d:%i' "$run/stderr2")
  JOURNAL_STREAM=$stream "$p/bin/w2w-server" \
    --flagfile="$run/w2w-server.conf" --address="$address" --data_dir="$run/second" \
    --admin_token_file="$run/second.token" >/dev/null 2>>"$run/stderr2" &&
    fail "$name: a second server on $address started"
  grep -q '^<3>w2w-server: grpc: .*Address already in use' "$run/stderr2" ||
    fail "$name: gRPC's bind error not in journald form: $(cat "$run/stderr2")"
  if grep -qE '^[EWID][0-9]{4} ' "$run/stderr2"; then
    fail "$name: gRPC's timestamps under journald: $(cat "$run/stderr2")"
  fi
  if ! out=$("$p/bin/w2w" --server="$address" --token_file="$run/state/admin.token" info 2>&1); then
    fail "$name: w2w info failed: $out"
  fi
  kill -TERM "$server_pid"
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=""
  ((rc == 0)) || fail "$name: exit $rc after SIGTERM: $(cat "$run/stderr")"
  grep -q '^w2w-server: stopped cleanly' "$run/stderr" || fail "$name: no clean stop"
}

echo "== cmake --install into a throwaway root and a plain prefix =="
root=$tmp/root
DESTDIR=$root cmake --install "$build" --prefix /usr >/dev/null
DESTDIR=$root cmake --install "$build" --prefix /usr --component system >/dev/null
check_prefix "$root/usr"
check_system "$root"
cmake --install "$build" --prefix "$tmp/opt/w2w" >/dev/null
check_prefix "$tmp/opt/w2w"
expect_absent "$tmp/opt/w2w/etc"
expect_absent "$tmp/opt/w2w/lib/systemd"
if /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null; then
  PYTHONPATH=$root/usr/lib/python3/dist-packages /usr/bin/python3 -c 'import w2w; w2w.connect' ||
    fail "the installed Python client does not import"
fi
check_runs "$root/usr" "$root" install

echo "== cpack: the Debian package =="
mkdir -p "$tmp/pkg"
if ! out=$(cd "$tmp/pkg" && W2W_DEB_COMPRESSION=gzip cpack -G DEB --config "$build/CPackConfig.cmake" \
    -B "$tmp/pkg" 2>&1); then
  echo "$out" >&2
  fail "cpack failed"
  exit 1
fi
deb=$tmp/pkg/w2w_${version}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || { fail "no $deb: $(ls "$tmp/pkg")"; exit 1; }
dpkg-deb -x "$deb" "$tmp/deb"
dpkg-deb -e "$deb" "$tmp/control"
check_prefix "$tmp/deb/usr"
check_system "$tmp/deb"
# Nothing outside /usr, /lib/systemd and /etc/w2w (e.g. no build paths).
extra=$(dpkg-deb -c "$deb" | awk '{print $6}' | grep -vE '^\./(usr/|lib/$|lib/systemd/|etc/$|etc/w2w/|$)' || true)
[[ -z $extra ]] || fail "unexpected paths in the package: $extra"
owners=$(dpkg-deb -c "$deb" | awk '{print $2}' | sort -u)
[[ $owners == root/root ]] || fail "files not owned by root: $owners"
control=$tmp/control/control
grep -qx 'Package: w2w' "$control" || fail "control: Package"
grep -qx "Version: $version" "$control" || fail "control: Version"
depends=$(sed -n 's/^Depends: //p' "$control")
for dep in adduser libgrpc++ libprotobuf libabsl libc6; do
  [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done
[[ $(cat "$tmp/control/conffiles") == /etc/w2w/w2w-server.conf ]] ||
  fail "conffiles: $(cat "$tmp/control/conffiles")"
for script in postinst prerm postrm; do
  expect_exec "$tmp/control/$script"
  sh -n "$tmp/control/$script" || fail "$script: syntax"
done
check_maintainer_scripts "$tmp/control"
check_unit "$tmp/deb/lib/systemd/system/w2w-server.service" "$tmp/deb/etc/w2w/w2w-server.conf" \
  "$tmp/deb/usr/bin/w2w-server"
check_runs "$tmp/deb/usr" "$tmp/deb" deb

if ((failures > 0)); then
  echo "install_test: $failures failure(s)" >&2
  exit 1
fi
echo "install_test: OK ($(du -h "$deb" | cut -f1) package)"
