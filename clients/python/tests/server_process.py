"""Runs the real w2w-server for a test, as tests/testkit/server_process.cc does in C++.

The server listens on 127.0.0.1 port 0 with a fresh data folder in a temporary
directory, prints `w2w-server listening on HOST:PORT` once serving, and has written its
administrator token to <data_dir>/admin.token by then. With tls=True a self-signed
certificate for localhost/127.0.0.1/::1 is made with openssl (scripts/start.sh's command).

Environment: W2W_SERVER_BIN (default <repo>/build/service/w2w-server), W2W_DATA_DIR
(the reference data, default <repo>/data).
"""
import ctypes
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import grpc

import w2w
from w2w.v1 import server_pb2

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
_LISTENING = "w2w-server listening on "
START_TIMEOUT_SECONDS = 60.0
_POLL_STEP_SECONDS = 0.02
_PR_SET_PDEATHSIG = 1
# Resolved before any fork: the child runs only this call (see _die_with_parent).
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def _die_with_parent() -> None:
    """In the child: the server gets SIGKILL when the test process dies (a ctest timeout),
    so no server outlives its test."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def server_binary() -> str:
    return os.environ.get("W2W_SERVER_BIN") or os.path.join(_REPO, "build", "service",
                                                            "w2w-server")


def reference_dir() -> str:
    return os.environ.get("W2W_DATA_DIR") or os.path.join(_REPO, "data")


class ServerProcess:
    """One running w2w-server; stop() kills it and removes its folder."""

    def __init__(self, tls: bool = False, extra_flags: tuple = ()):
        self.root = tempfile.mkdtemp(prefix="w2w-pytest-")
        self.data_dir = os.path.join(self.root, "data")
        self.ca_file = ""
        self.process = None
        self._drain = None
        try:
            self._start(tls, extra_flags)
        except BaseException:
            self.stop()
            raise

    def _start(self, tls: bool, extra_flags: tuple) -> None:
        args = [server_binary(), "--address=127.0.0.1:0", f"--data_dir={self.data_dir}",
                f"--reference_dir={reference_dir()}"]
        if tls:
            cert, key = self._make_certificate()
            self.ca_file = cert
            args += [f"--tls_cert_file={cert}", f"--tls_key_file={key}"]
        args += list(extra_flags)
        self.log_path = os.path.join(self.root, "server.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log,
                                            preexec_fn=_die_with_parent)
        line = self._read_line(time.monotonic() + START_TIMEOUT_SECONDS)
        if not line.startswith(_LISTENING):
            raise RuntimeError(f"w2w-server did not start: {line!r}; log: {self.log()}")
        self.address = line[len(_LISTENING):]
        # Nothing more is expected on stdout; drain it so the server can never block on it.
        self._drain = threading.Thread(target=self.process.stdout.read, daemon=True)
        self._drain.start()
        # The server wrote its first administrator token before it printed the line above.
        with open(os.path.join(self.data_dir, "admin.token")) as f:
            self.admin_token = f.readline().strip()
        self._wait_serving(time.monotonic() + START_TIMEOUT_SECONDS)

    def _wait_serving(self, deadline: float) -> None:
        """Waits until a call succeeds (the C++ testkit polls the health service; Debian's
        python3-grpcio has no health stubs, and Ping is as good a probe)."""
        with self.client() as client:
            while True:
                try:
                    client.stubs.ServerInfoService.Ping(server_pb2.PingRequest(), timeout=2)
                    return
                except grpc.RpcError as e:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"w2w-server on {self.address} not serving in "
                                           f"time: {e}; log: {self.log()}") from None
                time.sleep(_POLL_STEP_SECONDS)

    def _make_certificate(self) -> tuple:
        cert = os.path.join(self.root, "server.pem")
        key = os.path.join(self.root, "server.key")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
             "/CN=w2w test (self-signed)", "-addext",
             "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1", "-keyout", key, "-out", cert],
            check=True, capture_output=True)
        os.chmod(key, 0o600)
        return cert, key

    def _read_line(self, deadline: float) -> str:
        fd = self.process.stdout.fileno()
        line = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"no listening line from w2w-server in time; log: {self.log()}")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            byte = os.read(fd, 1)
            if not byte:
                code = self.process.wait(timeout=5)
                raise RuntimeError(f"w2w-server exited ({code}) before listening; "
                                   f"log: {self.log()}")
            if byte == b"\n":
                return line.decode()
            line += byte

    def log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def client(self, token: str = None, **kwargs) -> w2w.Client:
        """A client of this server, with the admin token unless `token` is given."""
        kwargs.setdefault("ca_file", self.ca_file)
        return w2w.connect(self.address, token=self.admin_token if token is None else token,
                           **kwargs)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        if self.process is not None and self.process.stdout is not None:
            if self._drain is not None:
                self._drain.join(timeout=5)  # Ends at EOF, now that the server is gone.
            self.process.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)
