"""The fault matrix: the tour of every route (tests/aws_calls.py) taken once more, and before each of
its operations, every AWS call that operation makes failed in turn — throttled, a 5xx, a read
timeout — injected at the SDK's edge (botocore's `before-call` answers with the error, so the call
never reaches moto).

`before-call` is emitted once per logical call, before botocore's retry loop: an answer from it
ends the call, so an injected fault holds for every attempt of that one call (it is never retried
away), and the next call of the operation is not failed. Each cell starts from a copy of moto's
state taken before the operation, runs the operation with the fault, then runs it again (the
retry: the same request, the same Idempotency-Key; for a queue, the redelivery of the records
left on it), and compares the world after each with the world after a run without faults.

The matrix does not wait for the next second when sessions end (functions/common/sessions.py's
`end_sessions`: that wait, up to a second per ending, was two thirds of the matrix's time); no later
step of the tour checks a token against that second.

Used by tests/unit/test_faults.py (which fails on any inconsistent cell) and benchmarks/faults.py
(which prints the table). Needs what tests/aws_calls.py needs.
"""

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from unittest import mock

import boto3
from botocore.exceptions import ReadTimeoutError

from functions.common.aws import reset_clients
from infra.events import LocalEvents, QueueSource, queue_sources, sqs_event
from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import Route, gateway_responses, load_template, token_authorizer
from infra.world import ACCOUNT_ID, World
from tests.aws_calls import PLANNER, WORKER, AwsCallRecorder, Operation, Tour, tour_every_route
from tests.unit.conftest import MAIL_FUNCTION, REGION, _copy_backends, _restore_backends, pool_keys_served

FAULTS = ("throttling", "5xx", "timeout")
_THROTTLING = {
    "dynamodb": "ProvisionedThroughputExceededException",
    "cognito-idp": "TooManyRequestsException",
}


class _Answer:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""


def fault_answer(service: str, fault: str) -> tuple[_Answer, dict[str, Any]]:
    """What AWS answers to a throttled call, or one that failed on its side (botocore's shape)."""
    if fault == "throttling":
        status, code = 400, _THROTTLING.get(service, "ThrottlingException")
    else:
        status, code = (500, "InternalServerError") if service == "dynamodb" else (503, "ServiceUnavailable")
    error = {"Error": {"Code": code, "Message": f"injected {fault}"}}
    return _Answer(status), {**error, "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "fault"}}


class FaultyRecorder(AwsCallRecorder):
    """Records the calls as AwsCallRecorder does, and fails the `index`-th call of the recording
    (counted in the order the calls are made) with `fault`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fail: tuple[int, str] | None = None
        self.failed: tuple[str, str] | None = None  # the call that was failed
        super().__init__()

    def _record(self, model: Any, **_: Any) -> Any:
        if self._current is None:
            return None
        call = (model.service_model.service_name, model.name)
        with self._lock:
            index = len(self._current)
            self._current.append(call)
            if self._fail is None or index != self._fail[0]:
                return None
            fault = self._fail[1]
            self.failed = call
        if fault == "timeout":
            raise ReadTimeoutError(endpoint_url=f"https://{call[0]}.{REGION}.amazonaws.com/")
        return fault_answer(call[0], fault)

    @contextmanager
    def failing(self, index: int, fault: str) -> Iterator[list[tuple[str, str]]]:
        calls: list[tuple[str, str]] = []
        self._fail, self.failed = (index, fault), None
        try:
            with self.recording(calls):
                yield calls
        finally:
            self._fail = None


# Cells the matrix finds inconsistent and the portal does not fix (yet), with why: (operation, the
# index of the failed call) → the reason. tests/unit/test_faults.py fails on any other inconsistent
# cell, and on an entry here whose cells have become consistent (remove it then).
_LOST_NOTICE = (
    "the change is done and answered so; its notice was not queued (logged): no outbox yet, so the"
    " notice is lost and a retry finds the change done"
)
_SNAPSHOT_KEPT = (
    "ASKUE was read and its data kept as a snapshot (true history) before the next write failed:"
    " the retry reads ASKUE again and keeps a second, newer snapshot"
)
_RESET_SESSIONS = (
    "the new password is set, the sessions could not all end: the code is put back and the answer is"
    " 503; the old password opens nothing any more, and the retry with the same code ends the sessions"
    " (setting the password last would leave a moment in which the old one opens a new session)"
)
_DELETION_RECORDED = (
    "the deletion is recorded first (what the consumer asked for; the daily erasure would finish it"
    " anyway), then the account is disabled and the sessions end: a failure between answers 503, and"
    " the retry (no password asked again once the deletion is recorded) finishes it"
)
_EMAIL_SESSIONS = (
    "the sessions end first (Cognito finds them by the old login only) and stay ended when a later step"
    " fails: the code (and, if the profile failed, the old login) is put back and the answer is 503 —"
    " the email is not changed, as it says; the consumer logs in again with the old address and the"
    " retry with the same code does it all"
)
_LOST_EVENT = (
    "the change is done and answered so; its events for integrators were not put on the bus (logged,"
    " counted as EventsFailed): no outbox, so they are lost and a retry finds the change done;"
    " integrators reconcile with the pull API (docs/events.md)"
)
_LOST_READING_EVENT = (
    "the reading is stored and answered 201; its event was not put on the bus (logged, counted as"
    " EventsFailed) and is lost (docs/events.md); the matrix's retry of an answered reading (the route"
    " has no Idempotency-Key) stores it again, as any second submission does"
)
KNOWN: dict[tuple[str, int], str] = {
    ("POST /api/profile/password", 3): "Cognito's sign-out done, the profile's `sessions_valid_from` not:"
    " the old password is put back and the answer is 503, but the refresh tokens stay revoked (the"
    " consumer logs in again when the ID token expires; the retry, with that token, does it all)",
    ("POST /api/profile/password", 4): _LOST_NOTICE,
    ("POST /api/auth/reset-password", 4): _RESET_SESSIONS,
    ("POST /api/auth/reset-password", 5): _RESET_SESSIONS,
    ("POST /api/auth/reset-password", 6): _LOST_NOTICE,
    ("POST /api/requests", 4): _LOST_EVENT,
    ("POST /api/requests", 5): _LOST_NOTICE,
    ("PATCH /api/profile", 2): _LOST_NOTICE,
    ("DELETE /api/profile", 3): _DELETION_RECORDED,
    ("DELETE /api/profile", 4): _DELETION_RECORDED,
    ("DELETE /api/profile", 5): _DELETION_RECORDED,
    ("DELETE /api/profile", 6): _LOST_NOTICE,
    ("POST /api/profile/email/confirm", 3): _EMAIL_SESSIONS,
    ("POST /api/profile/email/confirm", 4): _EMAIL_SESSIONS,
    ("POST /api/profile/email/confirm", 5): _EMAIL_SESSIONS,
    ("POST /api/profile/email/confirm", 6): _LOST_NOTICE,
    ("PATCH /api/integration/requests/{id}", 3): _LOST_EVENT,
    ("PATCH /api/integration/requests/{id}", 4): _LOST_NOTICE,
    ("POST /api/requests/{id}/messages", 2): _LOST_EVENT,
    ("POST /api/requests/{id}/messages", 3): _LOST_NOTICE,
    ("POST /api/integration/requests/{id}/messages", 5): _LOST_EVENT,
    ("POST /api/integration/requests/{id}/messages", 6): _LOST_NOTICE,
    ("POST /api/requests/{id}/withdraw", 2): _LOST_EVENT,
    ("POST /api/requests/{id}/withdraw", 3): _LOST_NOTICE,
    ("POST /api/readings", 2): _LOST_READING_EVENT,
    ("POST /api/askue/fetch", 2): _SNAPSHOT_KEPT,
}


@contextmanager
def no_wait_for_the_next_second() -> Iterator[None]:
    """functions/common/sessions.py's `end_sessions` without its wait for the next second."""
    import time

    from functions.common import sessions

    with mock.patch.object(sessions, "time", SimpleNamespace(time=time.time, sleep=lambda _seconds: None)):
        yield


@contextmanager
def failing_where(service: str, operation: str, mentions: str, fault: str = "throttling") -> Iterator[None]:
    """Every call of `service`'s `operation` whose parameters mention `mentions` fails with `fault`
    (others pass): a fault on one record of a batch."""
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events

    def fail(model: Any, params: Any, **_: Any) -> Any:
        if model.name != operation or mentions not in str(params):
            return None
        if fault == "timeout":
            raise ReadTimeoutError(endpoint_url=f"https://{service}.{REGION}.amazonaws.com/")
        return fault_answer(service, fault)

    events.register("before-call", fail, unique_id="failing-where")
    reset_clients()
    try:
        yield
    finally:
        events.unregister("before-call", unique_id="failing-where")
        reset_clients()


@dataclass
class Outcome:
    """What a run answered: an HTTP status (and its Retry-After), or what a worker/schedule did."""

    answer: str  # "201", "503", … for a route; "done", "redelivered", "raised", "allow" otherwise
    retry_after: str | None = None
    body: Any = None


@dataclass
class Cell:
    operation: str
    index: int
    call: tuple[str, str]
    fault: str
    answer: str
    retry_after: str | None
    retried: str
    problems: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.problems

    @property
    def known(self) -> str | None:
        return KNOWN.get((self.operation, self.index))

    def describe(self) -> str:
        return f"{self.operation} #{self.index} {self.call[0]} {self.call[1]} {self.fault}: {self.answer}"


# ----------------------------------------------------------------------------- the world's state

_VOLATILE = [
    (re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b"), "<ulid>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<hex>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),  # a reset code's hash (the code is random)
    (re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d"), "<time>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"), "<time>"),
    (re.compile(r"\b\d{10,}(\.\d+)?\b"), "<number>"),
]


def _blank_bytes(value: Any) -> str:
    return "<bytes>" if isinstance(value, bytes | bytearray) else str(value)


def _normal(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=_blank_bytes)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _job_mark(item: dict[str, Any]) -> bool:
    """A mark of a finished job, or an hour's count of an address that counts nothing (a job
    uncounted again): neither is state anyone sees."""
    attributes = item["Attributes"]
    key = str(attributes.get("pk", {}).get("S", ""))
    return key.startswith("job#") or (key.startswith("limit#") and "job_ids" not in attributes)


def world_state(world: World, before: "Baseline | None" = None) -> dict[str, list[str]]:
    """What the portal keeps, with what differs between two runs of the same thing (ids, times,
    ciphertexts, generated passwords) blanked: every DynamoDB item, Cognito user (and whether its
    password is still the one it had `before`), how many of the refresh tokens live `before` still
    are (an ended session; tokens made since are never handed out, as AdminInitiateAuth's when a
    password is checked), every S3 object (its current version), queued message (the local copy of
    every event put on the bus among them, infra/world.py: a lost event shows) and sent mail."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import FakeDeleteMarker, s3_backends
    from moto.ses.models import ses_backends
    from moto.sqs.models import sqs_backends

    state: dict[str, list[str]] = {}
    for name, table in dynamodb_backends[ACCOUNT_ID][REGION].tables.items():
        items = [item.to_json() for item in table.all_items()]
        # The mail ledger's marks of finished jobs (`job#<id>`) only guard against SQS delivering a
        # message twice: a job done and not marked (the mark failed) is done. An empty count of an
        # hour is no count.
        items = [item for item in items if not _job_mark(item)]
        state[f"dynamodb {name}"] = sorted(_normal(item) for item in items)
    for pool in cognitoidp_backends[ACCOUNT_ID][REGION].user_pools.values():
        users = []
        for user in pool.users.values():
            attributes = {a["Name"]: a["Value"] for a in user.attributes if a["Name"] != "sub"}
            same = None if before is None else before.passwords.get(user.username) == user.password
            users.append(_normal([attributes, user.status, user.enabled, same]))
        state["cognito users"] = sorted(users)
        live = [token for token, owner in pool.refresh_tokens.items() if owner is not None]
        live = [token for token in live if before is None or token in before.tokens]
        state["cognito live refresh tokens"] = [str(len(live))]
    for name, bucket in s3_backends[ACCOUNT_ID]["aws"].buckets.items():
        current = [key for key in bucket.keys if not isinstance(bucket.keys[key], FakeDeleteMarker)]
        state[f"s3 {name}"] = sorted(_normal(key) for key in current)
    for name, queue in sqs_backends[ACCOUNT_ID][REGION].queues.items():
        state[f"sqs {name}"] = sorted(_normal(message.body) for message in queue._messages)
    ses = ses_backends[ACCOUNT_ID][REGION]
    state["ses sent"] = sorted(_normal([m.destinations, m.subject]) for m in ses.sent_messages)
    return state


@dataclass
class Baseline:
    """What the state before an operation is compared by: the users' passwords, the live tokens."""

    passwords: dict[str, str]
    tokens: set[str]


def baseline() -> Baseline:
    from moto.cognitoidp.models import cognitoidp_backends

    pools = cognitoidp_backends[ACCOUNT_ID][REGION].user_pools.values()
    return Baseline(
        passwords={user.username: user.password for pool in pools for user in pool.users.values()},
        tokens={token for pool in pools for token, owner in pool.refresh_tokens.items() if owner is not None},
    )


def differences(actual: dict[str, list[str]], expected: dict[str, list[str]]) -> list[str]:
    found = []
    for name in sorted(set(actual) | set(expected)):
        have, want = actual.get(name, []), expected.get(name, [])
        if have != want:
            extra = [x for x in have if x not in want]
            missing = [x for x in want if x not in have]
            found.append(f"{name}: +{extra[:2]} -{missing[:2]}"[:600])
    return found


# ----------------------------------------------------------------------------- the matrix


class FaultTour(Tour):
    """The tour of every route, each operation explored before it is taken: run clean, then for each
    of its calls and each fault, from the state before it, run failed and retried."""

    def __init__(
        self, world: World, recorder: FaultyRecorder, faults: Callable[[str], tuple[str, ...]]
    ) -> None:
        super().__init__(world, recorder)
        self.faulty = recorder
        self.faults = faults
        self.cells: list[Cell] = []
        self.sqs = boto3.Session().client("sqs")  # not the default session: never failed

    def explore(self, name: str, operation: Operation, run: Callable[[], Outcome], *, route: bool) -> Outcome:
        before_copy, before_passwords = _copy_backends(), baseline()
        before = world_state(self.world, before_passwords)
        with self.recorder.recording(operation.calls):
            clean = run()
        after = world_state(self.world, before_passwords)
        after_copy = _copy_backends()
        for index, (service, _) in enumerate(operation.calls):
            for fault in self.faults(service):
                _restore_backends(before_copy)
                with self.faulty.failing(index, fault):
                    failed = run()
                state = world_state(self.world, before_passwords)
                retried = run()
                again = world_state(self.world, before_passwords)
                cell = Cell(
                    name, index, self.faulty.failed or ("?", "?"), fault,
                    failed.answer, failed.retry_after, retried.answer,
                )  # fmt: skip
                cell.problems = self._judge(clean, failed, retried, before, after, state, again, route=route)
                self.cells.append(cell)
        _restore_backends(after_copy)
        return clean

    @staticmethod
    def _judge(
        clean: Outcome,
        failed: Outcome,
        retried: Outcome,
        before: dict[str, list[str]],
        after: dict[str, list[str]],
        state: dict[str, list[str]],
        again: dict[str, list[str]],
        *,
        route: bool,
    ) -> list[str]:
        problems = []
        if failed.answer == "500":
            problems.append("answered 500")
        if failed.answer == "503" and not failed.retry_after:
            problems.append("503 without Retry-After")
        if route and failed.answer not in (clean.answer, "503"):
            problems.append(f"answered {failed.answer}, neither {clean.answer} nor 503")
        if failed.answer == clean.answer and state != after:
            problems.append("answered as done, not done: " + "; ".join(differences(state, after)))
        if route and failed.answer != clean.answer and state not in (before, after):
            problems.append("half done: " + "; ".join(differences(state, before)))
        # A record done in spite of the fault is off the queue: its redelivery finds nothing.
        redelivered_nothing = not route and failed.answer == clean.answer and retried.answer == "nothing"
        if retried.answer != clean.answer and not redelivered_nothing:
            problems.append(f"the retry answered {retried.answer}, not {clean.answer}")
        elif again != after:
            problems.append("the retry did not do it once: " + "; ".join(differences(again, after)))
        return problems

    # -- the tour's operations, explored

    def _invoke(self, route: Route, request: dict[str, Any]) -> dict[str, Any]:
        results: list[dict[str, Any]] = []

        def run() -> Outcome:
            result = load_handler(route.handler)(request, LambdaContext(route.function))
            results.append(result)
            headers = {k.lower(): v[0] for k, v in (result.get("multiValueHeaders") or {}).items()}
            return Outcome(str(result["statusCode"]), headers.get("retry-after"))

        done = Operation(route.method, route.path, route.function, route.auth)
        self.explore(f"{route.method} {route.path}", done, run, route=True)
        self.done.append(done)
        return results[0]

    def authorize(self, id_token: str) -> None:
        done = Operation("AUTHORIZER", "session authorizer", "SessionAuthorizerFunction", "event")
        event = {
            "type": "TOKEN",
            "authorizationToken": f"Bearer {id_token}",
            "methodArn": "arn:aws:execute-api:eu-central-1:123456789012:tour/prod/GET/api/profile",
        }
        handler = load_handler(token_authorizer(load_template()).handler)

        failure = gateway_responses(load_template())["AUTHORIZER_FAILURE"]

        def run() -> Outcome:
            """What API Gateway answers: the authorizer's Allow, or its gateway response."""
            try:
                answer = handler(event, LambdaContext(done.function))
            except Exception as error:
                if str(error) == "Unauthorized":
                    return Outcome("401")
                return Outcome(str(failure.status), failure.headers.get("Retry-After"))
            return Outcome(answer["policyDocument"]["Statement"][0]["Effect"].lower())

        with pool_keys_served():
            self.explore("session authorizer", done, run, route=False)
        self.done.append(done)

    def _deliver(self, source: QueueSource) -> Outcome:
        """One receive of the queue delivered to its function, as Lambda's event source does; the
        records it reports failed are made visible again at once (SQS would after the timeout)."""
        messages = self.sqs.receive_message(
            QueueUrl=source.queue_url, MaxNumberOfMessages=source.batch_size, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return Outcome("nothing")
        try:
            result = load_handler(source.handler)(
                sqs_event(messages, source.queue_arn, REGION),
                LambdaContext(source.function, timeout_ms=source.timeout_ms),
            )
            failed = {str(item["itemIdentifier"]) for item in (result or {}).get("batchItemFailures", [])}
        except Exception:
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            if message["MessageId"] in failed:
                self.sqs.change_message_visibility(
                    QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return Outcome("redelivered" if failed else "done")

    def _queue(self, function: str) -> QueueSource:
        [source] = [s for s in queue_sources(self.world) if s.function == function]
        return source

    def run_mail(self, what: str) -> None:
        done = Operation("SQS", f"mail worker: {what}", MAIL_FUNCTION, "event")
        source = self._queue(MAIL_FUNCTION)
        outcome = self.explore(done.path, done, lambda: self._deliver(source), route=False)
        assert outcome.answer == "done", outcome
        self.done.append(done)

    def run_events(self, events: LocalEvents) -> None:
        planned = Operation("SCHEDULE", "askue sync planner", PLANNER, "event")

        def plan() -> Outcome:
            try:
                return Outcome("done", body=events.fire(PLANNER))
            except Exception:
                return Outcome("raised")

        outcome = self.explore(planned.path, planned, plan, route=False)
        assert outcome.body["queued"] == 1, outcome
        worker = Operation("SQS", "askue sync worker (1 account)", WORKER, "event")
        source = self._queue(WORKER)
        outcome = self.explore(worker.path, worker, lambda: self._deliver(source), route=False)
        assert outcome.answer == "done", outcome
        self.done += [planned, worker]


def every_fault(_: str) -> tuple[str, ...]:
    return FAULTS


def fault_matrix(world: World, faults: Callable[[str], tuple[str, ...]] = every_fault) -> list[Cell]:
    """Every operation of the tour × each of its AWS calls × each fault `faults(service)` gives."""
    cells: list[Cell] = []

    def make(world: World, recorder: AwsCallRecorder) -> Tour:
        assert isinstance(recorder, FaultyRecorder)
        tour = FaultTour(world, recorder, faults)
        tour.cells = cells
        return tour

    with no_wait_for_the_next_second():
        tour_every_route(world, make_tour=make, make_recorder=FaultyRecorder)
    reset_clients()
    return cells
