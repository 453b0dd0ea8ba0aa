"""w2w: a small Python client of the w2w matching service.

    import w2w
    with w2w.connect("127.0.0.1:50051", token=..., ca_file="server.pem") as client:
        for m in client.shortlist("v000002", k=5):
            print(m.candidate_id, m.score)

`connect()` returns a `Client` (w2w/client.py); gRPC errors of its helpers surface as
`w2w.Error`. The generated protobuf modules are `w2w.v1.*_pb2` (e.g.
`from w2w.v1 import vacancy_pb2`), their stubs `w2w.v1.*_pb2_grpc`. README.md beside
this package has the API and the examples.
"""
import os as _os

# The stubs generated from proto/ (generate.sh, or the CMake build) live in _gen/w2w/v1/
# and import each other as `w2w.v1.xxx_pb2`. Adding _gen/w2w to this package's path makes
# `w2w.v1` that folder, so the generated code works unchanged.
_GEN = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "_gen", "w2w")
if not _os.path.isfile(_os.path.join(_GEN, "v1", "match_pb2.py")):
    raise ImportError(
        "w2w: the generated stubs are missing in " + _GEN + "/v1: run "
        "clients/python/generate.sh (needs protobuf-compiler and protobuf-compiler-grpc) "
        "or build the repository with CMake")
__path__.append(_GEN)
try:
    import grpc as _grpc  # noqa: F401
    import google.protobuf as _protobuf  # noqa: F401
except ImportError as _missing:
    raise ImportError(
        f"w2w: {_missing}: needs Debian's python3-grpcio and python3-protobuf, installed "
        "for /usr/bin/python3 (another python3 on $PATH, e.g. pyenv's, lacks them)"
    ) from _missing

from w2w.client import Client, Error, Stubs, connect  # noqa: E402  (needs the path above)

__all__ = ["Client", "Error", "Stubs", "connect"]
