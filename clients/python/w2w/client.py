"""The w2w client: a channel that carries the bearer token, typed helpers, the raw stubs.

Return values: every helper returns protobuf messages of package w2w.v1 as the server
sent them (no copies into other classes): `shortlist` and `match_candidate` the ranked
list of matches (`CandidateMatch` / `VacancyMatch`, best first), the others the RPC's
response message (`get_vacancy` a `Vacancy`, `push_vacancies` an `ImportSummary`, ...).
Their fields are documented in proto/w2w/v1/*.proto.

Errors: a failed call of a helper raises `Error` (code name and details); the raw stubs
of `Client.stubs` raise grpc.RpcError as usual (`Error.from_rpc` converts one).

Thread safety: a Client may be shared between threads (gRPC channels and stubs are
thread-safe); callbacks run on the calling thread.
"""
import os
from typing import Any, Callable, Iterable, Optional, Sequence

import grpc

from w2w import records
from w2w.v1 import (access_pb2, access_pb2_grpc, audit_pb2_grpc, candidate_pb2,
                    candidate_pb2_grpc, common_pb2, match_pb2, match_pb2_grpc,
                    outcome_pb2_grpc, policy_pb2_grpc, privacy_pb2_grpc, rematch_pb2,
                    rematch_pb2_grpc, report_pb2_grpc, server_pb2_grpc, taxonomy_pb2_grpc,
                    vacancy_pb2, vacancy_pb2_grpc)

DEFAULT_ADDRESS = "127.0.0.1:50051"
DEFAULT_TIMEOUT_SECONDS = 30.0  # Unary calls; streams have no deadline unless given one.
# Records packed into one stream message, as `w2w import` does: far fewer messages, while
# a message stays well under the server's 4 MiB default limit.
DEFAULT_BATCH = 200
_MAX_PACKED_BYTES = 1 << 20
# Rematch results and large listings may exceed gRPC's 4 MiB default on the way back.
_MAX_RECEIVE_BYTES = 64 << 20


class Error(Exception):
    """A failed w2w call.

    Attributes:
      code: the gRPC status code name, e.g. "INVALID_ARGUMENT", "NOT_FOUND",
        "UNAUTHENTICATED" (README "Using the API" says what each means here).
      details: the server's message; for INVALID_ARGUMENT it starts with the field path,
        e.g. "vacancy.trade: unknown trade ...".
      status: the grpc.StatusCode (None when the error did not come from gRPC).
      retry_after_ms: for a rate-limit refusal (RESOURCE_EXHAUSTED), how long to wait
        before the next call, from the trailing metadata `retry-after-ms`; else None.
    """

    def __init__(self, code: str, details: str, status: Optional[grpc.StatusCode] = None,
                 retry_after_ms: Optional[int] = None):
        super().__init__(f"{code}: {details}")
        self.code = code
        self.details = details
        self.status = status
        self.retry_after_ms = retry_after_ms

    @classmethod
    def from_rpc(cls, error: grpc.RpcError) -> "Error":
        """The Error for a grpc.RpcError raised by a call (e.g. of a raw stub)."""
        # The errors of calls are also grpc.Call objects; others carry no status.
        if not isinstance(error, grpc.Call):
            return cls(grpc.StatusCode.UNKNOWN.name, str(error), grpc.StatusCode.UNKNOWN)
        status = error.code() or grpc.StatusCode.UNKNOWN
        retry_after = None
        for key, value in error.trailing_metadata() or ():
            if key == "retry-after-ms" and str(value).isdigit():
                retry_after = int(value)
        return cls(status.name, error.details() or "", status, retry_after)


class _CallDetails(grpc.ClientCallDetails):
    def __init__(self, details: grpc.ClientCallDetails, metadata: list):
        self.method = details.method
        self.timeout = details.timeout
        self.metadata = metadata
        self.credentials = details.credentials
        self.wait_for_ready = getattr(details, "wait_for_ready", None)
        self.compression = getattr(details, "compression", None)


class _BearerInterceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                         grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds `authorization: Bearer <token>` to every call. An interceptor rather than
    call credentials, because gRPC sends call credentials over TLS only and the server
    also serves plaintext on loopback (clients/auth/bearer.h does the same in C++)."""

    def __init__(self, token: str):
        self._header = ("authorization", "Bearer " + token)

    def _with_token(self, details: grpc.ClientCallDetails) -> _CallDetails:
        return _CallDetails(details, list(details.metadata or ()) + [self._header])

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_token(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_token(details), request)

    def intercept_stream_unary(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)


class Stubs:
    """The generated stub of every w2w service on the client's channel (the token is
    added to every call). Requests and responses are the w2w.v1 messages, e.g.
    `client.stubs.VacancyService.CloseVacancy(vacancy_pb2.CloseVacancyRequest(id="v1"))`.
    They raise grpc.RpcError."""

    def __init__(self, channel: grpc.Channel):
        self.AccessService = access_pb2_grpc.AccessServiceStub(channel)
        self.AuditService = audit_pb2_grpc.AuditServiceStub(channel)
        self.CandidateService = candidate_pb2_grpc.CandidateServiceStub(channel)
        self.MatchService = match_pb2_grpc.MatchServiceStub(channel)
        self.OutcomeService = outcome_pb2_grpc.OutcomeServiceStub(channel)
        self.PolicyService = policy_pb2_grpc.PolicyServiceStub(channel)
        self.PrivacyService = privacy_pb2_grpc.PrivacyServiceStub(channel)
        self.RematchService = rematch_pb2_grpc.RematchServiceStub(channel)
        self.ReportService = report_pb2_grpc.ReportServiceStub(channel)
        self.ServerInfoService = server_pb2_grpc.ServerInfoServiceStub(channel)
        self.TaxonomyService = taxonomy_pb2_grpc.TaxonomyServiceStub(channel)
        self.VacancyService = vacancy_pb2_grpc.VacancyServiceStub(channel)


def _read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def connect(address: Optional[str] = None, token: Optional[str] = None, *,
            token_file: Optional[str] = None, ca_file: Optional[str] = None,
            cert_file: Optional[str] = None, key_file: Optional[str] = None,
            timeout: float = DEFAULT_TIMEOUT_SECONDS) -> "Client":
    """A Client for the w2w server at `address` ("host:port"; default $W2W_SERVER, else
    127.0.0.1:50051).

    Args:
      token: the bearer secret; default the first line of `token_file`, else $W2W_TOKEN.
        Without one the server answers UNAUTHENTICATED.
      ca_file: PEM CA certificate(s) the server's certificate must be signed by; with it
        the channel speaks TLS. Default $W2W_CA_FILE; None and no variable (or "") =
        plaintext, which the server accepts on loopback addresses only.
      cert_file, key_file: a client certificate and key (PEM) for a server with mutual TLS.
      timeout: deadline in seconds of each unary call of the helpers.

    Connecting is lazy: an unreachable server shows as Error("UNAVAILABLE") on the first
    call. Files that cannot be read raise OSError here.
    """
    address = address or os.environ.get("W2W_SERVER") or DEFAULT_ADDRESS
    if token is None and token_file:
        token = _read_file(token_file).decode().strip().splitlines()[0].strip()
    if token is None:
        token = os.environ.get("W2W_TOKEN", "")
    if ca_file is None:
        ca_file = os.environ.get("W2W_CA_FILE", "")
    options = [("grpc.max_receive_message_length", _MAX_RECEIVE_BYTES)]
    if ca_file:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=_read_file(ca_file),
            private_key=_read_file(key_file) if key_file else None,
            certificate_chain=_read_file(cert_file) if cert_file else None)
        channel = grpc.secure_channel(address, credentials, options=options)
    else:
        channel = grpc.insecure_channel(address, options=options)
    return Client(channel, token, timeout=timeout)


def _filter(min_score: float, regions: Sequence[str], sectors: Sequence[Any],
            statuses: Sequence[Any], max_retraining_weeks: float) -> match_pb2.MatchFilter:
    return match_pb2.MatchFilter(
        min_score=min_score, regions=list(regions),
        sectors=[records.enum_value(common_pb2.Sector.DESCRIPTOR, s, "sectors")
                 for s in sectors],
        statuses=[records.enum_value(common_pb2.CandidateStatus.DESCRIPTOR, s, "statuses")
                  for s in statuses],
        max_retraining_weeks=max_retraining_weeks)


def _language(value: Any) -> int:
    """The Language number of a `language=` argument: None = the server's default
    (English), else "nl" / "en" / "LANGUAGE_NL" or the enum value."""
    if value is None:
        return common_pb2.LANGUAGE_UNSPECIFIED
    return records.enum_value(common_pb2.Language.DESCRIPTOR, value, "language")


class Client:
    """A connection to one w2w server; make it with `connect()`. Use it as a context
    manager, or call close(), to release the channel.

    Enum arguments (sectors, statuses, mode, language) take the proto value or a word:
    "ME", "SECTOR_ME", "at_risk", "group", "nl". `language` chooses the language of the
    server's texts (explanation reasons, exclusion and rematch reasons): "nl" or "en";
    None (the default) leaves it to the server, which answers in English. It never
    changes a score or a ranking. Records (dicts) take proto field names; see
    w2w/records.py for the values they accept.
    """

    def __init__(self, channel: grpc.Channel, token: str = "", *,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS):
        """Wraps `channel` (owned: close() closes it); every call carries `token`."""
        self._raw_channel = channel
        self.channel = grpc.intercept_channel(channel, _BearerInterceptor(token)) if token \
            else channel
        self.timeout = timeout
        self.stubs = Stubs(self.channel)

    def close(self) -> None:
        self._raw_channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _unary(self, method: Callable, request: Any) -> Any:
        try:
            return method(request, timeout=self.timeout)
        except grpc.RpcError as e:
            raise Error.from_rpc(e) from None

    # Matching.

    def shortlist(self, vacancy_id: str, k: int = 20, *, min_score: float = 0.0,
                  regions: Sequence[str] = (), sectors: Sequence[Any] = (),
                  statuses: Sequence[Any] = (),
                  max_retraining_weeks: float = 0.0,
                  language: Any = None) -> list[match_pb2.CandidateMatch]:
        """The best candidates for the stored OPEN vacancy `vacancy_id`, best first (ties
        by candidate id): a list of at most `k` (1..1000) CandidateMatch messages, each
        with `score` in [0, 1] and its `explanation` (components, reasons, retraining
        plan). The filters narrow the list (candidates' regions, sectors, statuses; a
        lower retraining cap in weeks); they never change a score. The reasons are in
        `language` ("nl" or "en"; None = the server's default, English).

        Raises Error: NOT_FOUND for an unknown vacancy, FAILED_PRECONDITION for one that
        is not open, INVALID_ARGUMENT naming the field for a bad k or filter.
        """
        request = match_pb2.ShortlistRequest(
            vacancy_id=vacancy_id, k=k,
            filter=_filter(min_score, regions, sectors, statuses, max_retraining_weeks),
            language=_language(language))
        return list(self._unary(self.stubs.MatchService.Shortlist, request).matches)

    def match_candidate(self, candidate_id: str, k: int = 20, *, min_score: float = 0.0,
                        regions: Sequence[str] = (), sectors: Sequence[Any] = (),
                        max_retraining_weeks: float = 0.0,
                        language: Any = None) -> list[match_pb2.VacancyMatch]:
        """The best open vacancies for the stored candidate `candidate_id`, now or after
        short retraining: a list of at most `k` VacancyMatch messages, best first (ties by
        vacancy id). Filters and `language` as in shortlist() (on the vacancies' regions
        and sectors).
        Raises Error: NOT_FOUND for an unknown candidate, INVALID_ARGUMENT for a bad k.
        """
        request = match_pb2.MatchCandidateRequest(
            candidate_id=candidate_id, k=k,
            filter=_filter(min_score, regions, sectors, (), max_retraining_weeks),
            language=_language(language))
        return list(self._unary(self.stubs.MatchService.MatchCandidate, request).matches)

    def explain(self, vacancy_id: str, candidate_id: str, *,
                language: Any = None) -> match_pb2.ExplainMatchResponse:
        """The full breakdown of one stored pair, also when it is excluded: an
        ExplainMatchResponse with `score` (0 when excluded), `excluded` and
        `exclusion_reason`, and the `explanation`. Raises Error NOT_FOUND for an unknown
        id. (Note the order: the vacancy first, unlike the CLI's `w2w explain`.) The
        reasons are in `language` as in shortlist()."""
        request = match_pb2.ExplainMatchRequest(candidate_id=candidate_id,
                                                vacancy_id=vacancy_id,
                                                language=_language(language))
        return self._unary(self.stubs.MatchService.ExplainMatch, request)

    # Records.

    def get_vacancy(self, vacancy_id: str) -> vacancy_pb2.Vacancy:
        """The stored Vacancy. Raises Error NOT_FOUND for an unknown id (or one outside
        the token's scope)."""
        return self._unary(self.stubs.VacancyService.GetVacancy,
                           vacancy_pb2.GetVacancyRequest(id=vacancy_id))

    def get_candidate(self, candidate_id: str) -> candidate_pb2.Candidate:
        """The stored Candidate. Raises Error NOT_FOUND for an unknown id (or one outside
        the token's scope)."""
        return self._unary(self.stubs.CandidateService.GetCandidate,
                           candidate_pb2.GetCandidateRequest(id=candidate_id))

    def upsert_candidate(self, candidate: Any = None,
                         **fields: Any) -> candidate_pb2.UpsertCandidateResponse:
        """Creates or replaces one profile, given as a Candidate, a dict, keyword fields,
        or a dict/Candidate plus keyword fields that override it:

            client.upsert_candidate(id="c1", municipality="Enschede", sector="ME",
                                    trades=[("7212.3", 12)], status="at_risk")

        An upsert replaces the whole record (a field left out takes its default);
        `version` N > 0 writes only over stored version N. Returns the
        UpsertCandidateResponse: the `candidate` as stored (canonical codes, new
        version) and `changed` (False for an identical retry). Raises ValueError for a
        value that cannot be read, Error INVALID_ARGUMENT naming the field
        ("candidate.trades[0].code: ..."), ABORTED for a stale version.
        """
        message = candidate_pb2.Candidate()
        if candidate is not None:
            message.CopyFrom(records.to_message(candidate_pb2.Candidate, candidate))
        records.fill(message, fields)
        return self._unary(self.stubs.CandidateService.UpsertCandidate,
                           candidate_pb2.UpsertCandidateRequest(candidate=message))

    def upsert_vacancy(self, vacancy: Any = None,
                       **fields: Any) -> vacancy_pb2.UpsertVacancyResponse:
        """As upsert_candidate, for one Vacancy: returns the UpsertVacancyResponse (the
        `vacancy` as stored and `changed`). A vacancy pushed without `status` is OPEN."""
        message = vacancy_pb2.Vacancy()
        if vacancy is not None:
            message.CopyFrom(records.to_message(vacancy_pb2.Vacancy, vacancy))
        records.fill(message, fields)
        return self._unary(self.stubs.VacancyService.UpsertVacancy,
                           vacancy_pb2.UpsertVacancyRequest(vacancy=message))

    def push_vacancies(self, source: Any, *, batch_size: int = DEFAULT_BATCH,
                       timeout: Optional[float] = None) -> common_pb2.ImportSummary:
        """Streams vacancies to PushVacancies, `batch_size` records per message, and
        returns the server's ImportSummary (received, committed, unchanged, rejected, and
        `errors` by 0-based record index with the field and reason: an invalid record is
        skipped, not raised).

        `source` is a CSV file path (the columns of `w2w import vacancies` and
        `w2w-datagen --format=csv`: id, employer_id, region, municipality, sector, trade,
        required_qualifications, preferred_qualifications, positions, hard_to_fill,
        status, expires_at, starts_at, title, source, version), a JSON Lines path, or an
        iterable of dicts / Vacancy messages. Records are read lazily, so a file of any
        size streams in constant memory.

        A record that cannot be read (an unknown sector word, a bad number, a CSV row of
        the wrong width) ends the stream cleanly before it and raises ValueError naming
        the file and line (or the record's index); the records before it are pushed and
        committed, and the exception's `summary` attribute holds their ImportSummary.
        Raises Error for a failed stream (batches committed before stay committed).
        """
        return self._push(self.stubs.VacancyService.PushVacancies,
                          vacancy_pb2.PushVacanciesRequest, "vacancies", vacancy_pb2.Vacancy,
                          source, batch_size, timeout)

    def import_candidates(self, source: Any, *, batch_size: int = DEFAULT_BATCH,
                          timeout: Optional[float] = None) -> common_pb2.ImportSummary:
        """As push_vacancies, for candidate profiles (ImportCandidates; the CSV columns of
        `w2w import candidates`: id, region, municipality, sector, trades,
        qualifications, employer_id, status, available_from, max_travel_km,
        willing_to_retrain, source, version)."""
        return self._push(self.stubs.CandidateService.ImportCandidates,
                          candidate_pb2.ImportCandidatesRequest, "candidates",
                          candidate_pb2.Candidate, source, batch_size, timeout)

    def _push(self, method: Callable, request_cls: type, field: str, record_cls: type,
              source: Any, batch_size: int, timeout: Optional[float]) -> Any:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        stopped: list[Exception] = []

        def requests() -> Iterable[Any]:
            batch, size = [], 0
            try:
                for record in records.read_records(source, record_cls):
                    batch.append(record)
                    size += record.ByteSize()
                    if len(batch) >= batch_size or size >= _MAX_PACKED_BYTES:
                        yield request_cls(**{field: batch})
                        batch, size = [], 0
            except Exception as e:  # Reported after the call, with what got through.
                stopped.append(e)
            if batch:
                yield request_cls(**{field: batch})

        try:
            summary = method(requests(), timeout=timeout)
        except grpc.RpcError as e:
            raise Error.from_rpc(e) from None
        if stopped:
            stopped[0].summary = summary
            raise stopped[0]
        return summary

    # Rematch.

    def rematch(self, *, employer_id: Optional[str] = None,
                candidate_ids: Optional[Sequence[str]] = None,
                regions: Sequence[str] = (), sectors: Sequence[Any] = (),
                statuses: Sequence[Any] = (), mode: Any = "independent", k: int = 5,
                max_retraining_weeks: float = 0.0, min_score: float = 0.0, label: str = "",
                language: Any = None,
                progress: Optional[Callable[[rematch_pb2.RematchProgress], None]] = None,
                on_result: Optional[Callable[[rematch_pb2.PersonResult], None]] = None,
                keep_results: bool = True,
                timeout: Optional[float] = None) -> rematch_pb2.RematchRun:
        """Rematches a workforce with StartRematch and follows its stream to the end.

        Who: exactly one of `employer_id` (every candidate of the employer),
        `candidate_ids`, or a filter of `regions` / `sectors` / `statuses` (all given
        must hold). `mode` "independent" (each person's own top-k) or "group" (people
        compete for the seats; an exact assignment). `k` alternatives per person (1..50).
        The results' reasons are in `language` as in shortlist() (kept with the run).

        `progress(RematchProgress)` is called for every progress message (done, total,
        phase): one at the start of each phase, then at most every 0.5 s, so a short
        run may report no done == total; `on_result(PersonResult)` for every person.
        If a callback raises, the run is cancelled on the server and the exception
        propagates.

        Returns a RematchRun assembled from the stream: the `started` run (run_id,
        selection, options, policy_version, created_at) with state FINISHED, the last
        `progress` (done set to total), the `summary` (placeable now / after retraining / not placeable,
        retraining demand, ...) and, with keep_results, every PersonResult in `results`
        (pass keep_results=False for a large workforce and use on_result).
        Raises ValueError for a bad selection, Error for a refused or failed run
        (CANCELLED after CancelRematch).
        """
        given = [employer_id is not None, candidate_ids is not None,
                 bool(regions or sectors or statuses)]
        if sum(given) != 1:
            raise ValueError("give exactly one of employer_id, candidate_ids or a filter "
                             "(regions, sectors, statuses)")
        selection = rematch_pb2.RematchSelection()
        if employer_id is not None:
            selection.employer_id = employer_id
        elif candidate_ids is not None:
            selection.candidate_ids.ids.extend(candidate_ids)
        else:
            selection.filter.CopyFrom(rematch_pb2.CandidateSelector(
                regions=list(regions),
                sectors=[records.enum_value(common_pb2.Sector.DESCRIPTOR, s, "sectors")
                         for s in sectors],
                statuses=[records.enum_value(common_pb2.CandidateStatus.DESCRIPTOR, s,
                                             "statuses") for s in statuses]))
        options = rematch_pb2.RematchOptions(
            k=k, max_retraining_weeks=max_retraining_weeks, min_score=min_score,
            label=label, mode=records.enum_value(rematch_pb2.RematchMode.DESCRIPTOR, mode,
                                                 "mode"),
            language=_language(language))
        call = self.stubs.RematchService.StartRematch(
            rematch_pb2.StartRematchRequest(selection=selection, options=options),
            timeout=timeout)
        run = rematch_pb2.RematchRun()
        finished = False
        try:
            for event in call:
                kind = event.WhichOneof("event")
                if kind == "started":
                    run.MergeFrom(event.started)
                elif kind == "progress":
                    run.progress.CopyFrom(event.progress)
                    if progress is not None:
                        progress(event.progress)
                elif kind == "result":
                    if keep_results:
                        run.results.append(event.result)
                    if on_result is not None:
                        on_result(event.result)
                elif kind == "summary":
                    run.summary.CopyFrom(event.summary)
                    finished = True
        except grpc.RpcError as e:
            call.cancel()
            raise Error.from_rpc(e) from None
        except BaseException:
            call.cancel()  # A callback raised: stop the run on the server too.
            raise
        if not finished:
            raise Error("UNKNOWN", "the rematch stream ended without a summary")
        run.state = rematch_pb2.REMATCH_STATE_FINISHED
        # Progress messages are throttled (every 0.5 s), so a short run's last one may say
        # done 0; the finished run, as GetRematch stores it, has done == total.
        run.progress.done = run.progress.total
        return run

    # Access.

    def whoami(self) -> access_pb2.WhoAmIResponse:
        """The caller's token (name, role, scope) as a WhoAmIResponse. Raises Error
        UNAUTHENTICATED for a missing, unknown, revoked or expired token."""
        return self._unary(self.stubs.AccessService.WhoAmI, access_pb2.WhoAmIRequest())
