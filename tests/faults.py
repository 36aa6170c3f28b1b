"""The fault matrix: the tour of every route (tests/aws_calls.py) taken once more, and before each of
its operations, every AWS call that operation makes failed in turn, at the SDK's edge:

- `throttling`, `5xx`, `timeout` — the call never reaches moto: botocore's `before-call` answers it
  with the error (throttled, AWS failing on its side, no answer in time). `before-call` is emitted
  once per logical call, before botocore's retry loop: an answer from it ends the call, so the fault
  holds for every attempt of that one call (it is never retried away), and the next call of the
  operation is not failed;
- `lost_answer` — the call reaches moto and is done, and its answer is lost: the first attempt's
  `before-send` hands the request to moto itself, then raises a read timeout. botocore's retry loop
  goes on as the project's config has it (functions/common/aws.py: standard mode, 3 attempts; the
  backoff's sleep skipped): the SDK's second attempt reaches moto, which answers what the call
  finds now — a conditional write's condition failed, a user that exists, a message sent twice.
  A TransactWriteItems carries the ClientRequestToken botocore gave it, and DynamoDB answers a
  second attempt with the same token as it answered the first, without doing it again (moto ignores
  the token, so the matrix answers it so);
- `crash` — the function is killed right after the call returns (`after-call`): `LambdaKilled`, a
  BaseException as the runtime's timeout is, which no `except Exception` of the handler catches, and
  every AWS call after it (a clean-up in an `except BaseException`) dies too. A route then answers
  nothing of its own (API Gateway's 502: `killed` in the table); a worker's batch goes back to its
  queue.

Each cell starts from a copy of moto's state taken before the operation, runs the operation with the
fault, then runs it again as it would be (`retries`: the client's retry of a 5xx or of API Gateway's
502 — the same request, the same Idempotency-Key —, never of an answer such as a 409; a queue's
redelivery of the records left on it, with the portal's clock moved on by the queue's visibility
timeout; a schedule's function invoked again after it failed), and compares the world after each with
the world after a run without faults. The world is compared as it is once everything owed has been
delivered: after each run the outbox is relayed (OutboxRelayFunction on the new records of
OutboxTable's stream, through the template's FilterCriteria, in Lambda's event shape; then
OutboxSweeperFunction over whatever is still pending) and the mail queue is delivered to MailFunction
— so a notice or an event is judged by whether it was mailed or put on the bus, once, not by whether
it was queued on the way.
`lost_answer` and `crash` are the faults that find a change done: they run for the operations whose
run without faults owes a mail or an event (the outbox, the mail sent, the events put), which is
what they are for, and keep the matrix's time bounded (`fault_matrix(everywhere=True)`: for all).

The matrix does not wait for the next second when sessions end (functions/common/sessions.py: that
wait, up to a second per ending, was two thirds of its time); no later step of the tour checks a
token against that second.

Used by tests/unit/test_faults.py (which fails on any inconsistent cell not listed in KNOWN, or not
of the kind listed) and benchmarks/faults.py (which prints the table and the
README's figures). Needs what tests/aws_calls.py needs.
"""

import copy
import json
import re
import sys
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import SimpleNamespace
from typing import Any
from unittest import mock

import boto3
import botocore.endpoint
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

from functions.common.aws import reset_clients
from infra.events import (
    LocalEvents,
    QueueSource,
    matches,
    queue_sources,
    schedule_sources,
    scheduled_event,
    sqs_event,
    stream_event,
    stream_record,
    stream_sources,
)
from infra.lambda_runtime import LambdaContext, load_handler
from infra.template import Route, gateway_responses, load_template, token_authorizer
from infra.world import ACCOUNT_ID, World
from tests.aws_calls import ERASURE, PLANNER, WORKER, AwsCallRecorder, Operation, Tour, tour_every_route
from tests.unit.conftest import (
    MAIL_FUNCTION,
    REGION,
    _copy_backends,
    _restore_backends,
    new_default_session,
    pool_keys_served,
)

# Before the call reaches AWS, and after it is done there.
BEFORE_THE_CALL = ("throttling", "5xx", "timeout")
AFTER_THE_CALL = ("lost_answer", "crash")
FAULTS = BEFORE_THE_CALL + AFTER_THE_CALL
_THROTTLING = {
    "dynamodb": "ProvisionedThroughputExceededException",
    "cognito-idp": "TooManyRequestsException",
}
RELAY, SWEEPER = "OutboxRelayFunction", "OutboxSweeperFunction"


class LambdaKilled(BaseException):
    """The function stopped where it stands (its timeout, its memory): nothing after it runs."""


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


@dataclass
class _Loss:
    """A call whose answer is lost: what moto answered its first attempt, whether the SDK tried again."""

    idempotent: bool  # it carries an idempotency token (DynamoDB's ClientRequestToken)
    answer: tuple[int, Any, Any] | None = None  # (status, headers, body) of the first attempt
    retried: bool = False


class FaultyRecorder(AwsCallRecorder):
    """Records the calls as AwsCallRecorder does, and fails the `index`-th call of the recording
    (counted in the order the calls are made) with `fault`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fail: tuple[int, str] | None = None
        self._local = threading.local()  # the call of this thread to lose the answer of, to crash after
        self._dead = False  # the function was killed: every later call dies with it
        self.failed: tuple[str, str] | None = None  # the call that was failed
        self.loss: _Loss | None = None
        super().__init__()
        # Before moto's own `before-send` (which answers every request under mock_aws).
        self._events.register_first("before-send", self._send, unique_id="fault-lost-answer")
        self._events.register("after-call", self._returned, unique_id="fault-crash")
        self._events.register("after-call-error", self._returned, unique_id="fault-crash-error")
        reset_clients()

    def close(self) -> None:
        self._events.unregister("before-send", unique_id="fault-lost-answer")
        self._events.unregister("after-call", unique_id="fault-crash")
        self._events.unregister("after-call-error", unique_id="fault-crash-error")
        super().close()

    def _record(self, model: Any, **_: Any) -> Any:
        if self._dead:
            raise LambdaKilled("a call after the function was killed")
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
        if fault == "lost_answer":
            self.loss = self._local.loss = _Loss(idempotent=bool(model.idempotent_members))
            return None
        if fault == "crash":
            self._local.crash = True
            return None
        return fault_answer(call[0], fault)

    def _send(self, request: Any, **_: Any) -> Any:
        """The attempts of the call whose answer is lost: the first is done by moto and its answer
        lost (a read timeout, which the SDK retries); the second is answered by moto, or, for a call
        with an idempotency token, as the first was."""
        loss: _Loss | None = getattr(self._local, "loss", None)
        if loss is None:
            return None
        from moto.core.botocore_stubber import MockRawResponse
        from moto.core.models import botocore_stubber

        if loss.answer is None:
            answer = botocore_stubber.process_request(request)
            if answer is None:  # not an AWS request moto answers: left alone
                self._local.loss = None
                return None
            loss.answer = answer
            raise ReadTimeoutError(endpoint_url=request.url)
        self._local.loss = None
        loss.retried = True
        status, headers, body = loss.answer
        if loss.idempotent and 200 <= status < 300:
            return AWSResponse(request.url, status, headers, MockRawResponse(body))
        return None

    def _returned(self, **_: Any) -> None:
        if getattr(self._local, "crash", False):
            self._local.crash = False
            self._dead = True
            raise LambdaKilled("killed right after the call returned")

    @contextmanager
    def failing(self, index: int, fault: str) -> Iterator[list[tuple[str, str]]]:
        calls: list[tuple[str, str]] = []
        self._fail, self.failed, self.loss = (index, fault), None, None
        with ExitStack() as stack:
            if fault == "lost_answer":
                # A fresh client per cell: the SDK's retry quota (standard mode) is not spent by
                # the cells before; and no backoff slept.
                reset_clients()
                stack.enter_context(mock.patch.object(botocore.endpoint, "time", _NO_SLEEP))
            try:
                with self.recording(calls):
                    yield calls
            finally:
                self._fail, self._dead = None, False
                self._local.loss, self._local.crash = None, False


_NO_SLEEP = SimpleNamespace(sleep=lambda _seconds: None)


@contextmanager
def clock_moved(by: timedelta) -> Iterator[None]:
    """The portal's clock (functions/common/clock.py's `now`, wherever a function module imported it)
    `by` later: a redelivery comes after the queue's visibility timeout, and what a job checks against
    the time (an account younger than LEFTOVER_AGE may still be in the making) sees it so."""
    if not by:
        yield
        return
    from functions.common import clock

    real = clock.now

    def later() -> datetime:
        return real() + by

    modules = [clock] + [
        module
        for name, module in list(sys.modules.items())
        if name.startswith("functions.") and getattr(module, "now", None) is real
    ]
    with ExitStack() as stack:
        for module in modules:
            stack.enter_context(mock.patch.object(module, "now", later))
        yield


@contextmanager
def no_wait_for_the_next_second() -> Iterator[None]:
    """functions/common/sessions.py's `end_sessions` without its wait for the next second."""
    import time

    from functions.common import sessions

    with mock.patch.object(sessions, "time", SimpleNamespace(time=time.time, sleep=lambda _seconds: None)):
        yield


# ----------------------------------------------------------------------------- what is inconsistent


class Kind(StrEnum):
    """What is inconsistent in a cell (tests/unit/test_faults.py holds each listed cell to its kinds)."""

    LOST_NOTICE = "lost-notice"  # a mail the run without faults sends is never sent
    LOST_EVENT = "lost-event"  # an event it puts on the bus never is
    NOTICE_TWICE = "notice-twice"  # a mail sent more often than once
    EVENT_TWICE = "event-twice"  # an event put more often than once (by event_id: the same one is once)
    STILL_OWED = "still-owed"  # an outbox item pending after the relay and the sweeper ran
    MISSING = "missing"  # some of the change is not there, though answered done (or retried)
    EXTRA = "extra"  # something a run without faults does not leave (a leftover, a second copy)
    CHANGED = "changed"  # an item differs from a run without faults
    HALF_DONE = "half-done"  # answered a failure, and the state is neither the one before nor after
    RETRY_ANSWER = "retry-answer"  # the retry answered otherwise than a run without faults
    WRONG_ANSWER = "wrong-answer"  # answered neither as a run without faults nor 503
    NO_RETRY_AFTER = "503-without-retry-after"
    ANSWERED_500 = "500"
    NOT_INJECTED = "not-injected"  # the fault did not happen as the matrix models it


# Never accepted: what the outbox exists for, and a 500.
NEVER_KNOWN = frozenset(
    {Kind.LOST_NOTICE, Kind.LOST_EVENT, Kind.STILL_OWED, Kind.ANSWERED_500, Kind.NOT_INJECTED}
)


@dataclass(frozen=True)
class Known:
    """A call whose failing is known to leave the world inconsistent: in which ways, and why."""

    kinds: frozenset[Kind]
    reason: str


def known(reason: str, *kinds: Kind) -> Known:
    return Known(frozenset(kinds), reason)


Key = tuple[str, int, tuple[str, str]]  # (operation, index of the failed call, (service, operation))

_PASSWORD_SIGN_OUT = (
    "Cognito's sign-out done, the profile's `sessions_valid_from` not: the old password is put back and"
    " the answer is 503, but the refresh tokens stay revoked (the consumer logs in again when the ID"
    " token expires; the retry, with that token, does it all)"
)
_PASSWORD_DONE = (
    "killed after the change is recorded (502): the client's retry is refused 422, the old password no"
    " longer matching and nothing held any more (the route has no Idempotency-Key); the change itself"
    " is done, its notice owed once"
)
_RESET_SESSIONS = (
    "the new password is set, the sessions could not all end: the code is put back and the answer is"
    " 503, its notice held; the old password opens nothing any more, and the retry with the same code"
    " ends the sessions and releases the notice (setting the password last would leave a moment in"
    " which the old one opens a new session)"
)
_RESET_DONE = (
    "killed after the reset is recorded (502): the client's retry is refused 422, the code used and"
    " nothing held any more; the reset itself is done, its notice owed once"
)
_EMAIL_SESSIONS = (
    "the sessions end first (Cognito finds them by the old login only) and stay ended when a later step"
    " fails: the code (and, if the profile failed, the old login) is put back and the answer is 503 —"
    " the email is not changed, as it says; the consumer logs in again with the old address and the"
    " retry with the same code does it all"
)
_EMAIL_DONE = (
    "killed after the change is recorded (502): the client's retry is refused 422, the code used and"
    " nothing held any more; the change itself is done, its notice owed once"
)
_DELETION_RECORDED = (
    "the deletion is recorded first (what the consumer asked for; the daily erasure would finish it"
    " anyway), then the account is disabled and the sessions end: a failure between answers 503, and"
    " the retry (no password asked again once the deletion is recorded) finishes it"
)
_SUPPORT_DELETION = "POST /api/integration/consumers/{user_id}/deletion"
_SUPPORT_DELETION_RECORDED = (
    "support's deletion, as the consumer's: recorded first with its notice and event (the daily erasure"
    " would finish it anyway), then the account is disabled and every session ends (Cognito's sign-out,"
    " then the profile's `sessions_valid_from`): a failure between answers 503, and support's retry"
    " finds the deletion recorded and finishes it, owing nothing again"
)
_DELETION_NOTICED_TWICE = (
    "killed after the notice is queued (502): the client's retry finishes the deletion again and queues"
    " the notice again; mailed twice"
)
_JOB_QUEUED_TWICE = (
    "killed after the job is queued (502): the client's retry queues a second job (the route has no"
    " Idempotency-Key, as a second request would): the address gets a second mail («already"
    " registered», a second code), counted in its hour"
)
_SES_AT_LEAST_ONCE = (
    "SES takes no idempotency token: a mail whose answer is lost is sent again by the SDK's retry, and"
    " one sent by a worker killed before it marks the job done is sent again on the redelivery (the"
    " ledger's mark follows the send): mailed at least once"
)
_COPY_LEFT = (
    "killed after copying an attachment to the request's own key, before the transaction (502): the"
    " copy is left in the bucket (its clean-up runs in the function, which was killed); the retry files"
    " with copies of its own, and nothing refers to the leftover"
)
_STAGE_NOT_IDEMPOTENT = (
    "killed after the stage's mark is written (502): the integrator's retry is refused 409 (the stage is"
    " marked already: a mark has no Idempotency-Key); the mark is done"
)
_SUPPORT_RESET_COUNTED = (
    "killed after the reset is counted in the address's hour and owed (502): the retry counts another"
    " one, over the hour's limit, and is refused 429 (the route has no Idempotency-Key); the first is"
    " done, mailed once"
)
_READING_TWICE = (
    "killed after the reading is stored (502): the client's retry stores it a second time, with its"
    " event (the route has no Idempotency-Key)"
)
_MARKS_KEPT = (
    "ASKUE was read and the meters it listed marked as read by ASKUE (one source per meter; true"
    " whatever fails next) before the snapshot's write failed: the marks stay, and the retry writes"
    " them again"
)
_SNAPSHOT_KEPT = (
    "ASKUE was read and its data kept as a snapshot (true history), its meters marked as read by"
    " ASKUE, before the next write failed: the retry reads ASKUE again and keeps a second, newer"
    " snapshot (the marks are written again, harmless)"
)
_SYNC_SNAPSHOT_KEPT = (
    "the worker killed after the batch's snapshots were written, before SQS heard the batch"
    " succeeded: the record is delivered again, reads ASKUE again and keeps a second, newer snapshot"
    " (true history); the readings it gives are STALE then, so no reading and no event twice"
)

# Every notice's mail worker, at its SendEmail.
_MAIL_WORKERS = [
    ("registration of a new address", 6),
    ("registration of a known address", 8),  # after finding the account and whether it was deleted
    ("notice (profile changed)", 2),
    ("notice (password changed)", 2),
    ("registration of a second address", 6),
    ("reset code", 6),  # after reading whether the account was deleted
    ("notice (password reset)", 2),
    ("email code", 5),
    ("notice (email changed)", 2),
    ("notice (account deleted)", 2),
    ("registration of a third address", 6),
    ("notice (account deleted by support)", 2),
    ("notice (request filed)", 2),
    ("notice (request moved)", 2),
    ("notice (the answer brought the request back to review)", 2),
    ("notice (the company's document)", 2),
    ("notice (request withdrawn)", 2),
    ("notice (connection filed)", 2),
    ("notice (connection stage marked)", 2),
    ("support reset", 7),
]

H, C, R, W, X = Kind.HALF_DONE, Kind.CHANGED, Kind.RETRY_ANSWER, Kind.WRONG_ANSWER, Kind.EXTRA
_PASSWORD, _RESET, _CONFIRM = (
    "POST /api/profile/password",
    "POST /api/auth/reset-password",
    "POST /api/profile/email/confirm",
)
_DYNAMODB_UPDATE, _SEND, _SIGN_OUT = (
    ("dynamodb", "UpdateItem"),
    ("sqs", "SendMessage"),
    ("cognito-idp", "AdminUserGlobalSignOut"),
)

# Cells the matrix finds inconsistent and the portal does not fix (yet): the failed call → the kinds
# of inconsistency it leaves, and why. tests/unit/test_faults.py fails on any other inconsistent cell,
# on a cell inconsistent in a way its row does not name, and on a row none of whose cells is
# inconsistent any more (remove it then). Never a lost notice or event (NEVER_KNOWN).
_DELETED_RETRY = (
    "killed after the removal was written with its event (502): the client's retry finds nothing to"
    " remove and answers 404 — removed once, its event once"
)
KNOWN: dict[Key, Known] = {
    ("DELETE /api/readings/{id}", 3, ("dynamodb", "TransactWriteItems")): known(_DELETED_RETRY, R),
    ("DELETE /api/objects/{id}", 1, ("dynamodb", "TransactWriteItems")): known(_DELETED_RETRY, R),
    ("POST /api/auth/register", 0, _SEND): known(_JOB_QUEUED_TWICE, C, Kind.NOTICE_TWICE),
    ("POST /api/auth/forgot-password", 0, _SEND): known(_JOB_QUEUED_TWICE, C, Kind.NOTICE_TWICE),
    ("POST /api/profile/email", 1, _SEND): known(_JOB_QUEUED_TWICE, C, Kind.NOTICE_TWICE),
    **{
        (f"mail worker: {what}", index, ("ses", "SendEmail")): known(_SES_AT_LEAST_ONCE, Kind.NOTICE_TWICE)
        for what, index in _MAIL_WORKERS
    },
    (_PASSWORD, 4, ("dynamodb", "TransactWriteItems")): known(
        f"{_PASSWORD_SIGN_OUT}; {_PASSWORD_DONE}", H, R
    ),
    (_RESET, 5, _SIGN_OUT): known(_RESET_SESSIONS, H),
    (_RESET, 6, ("dynamodb", "TransactWriteItems")): known(f"{_RESET_SESSIONS}; {_RESET_DONE}", H, R),
    (_CONFIRM, 4, _DYNAMODB_UPDATE): known(_EMAIL_SESSIONS, H),
    (_CONFIRM, 5, ("cognito-idp", "AdminUpdateUserAttributes")): known(_EMAIL_SESSIONS, H),
    (_CONFIRM, 6, ("dynamodb", "TransactWriteItems")): known(f"{_EMAIL_SESSIONS}; {_EMAIL_DONE}", H, R),
    ("DELETE /api/profile", 3, ("cognito-idp", "AdminDisableUser")): known(_DELETION_RECORDED, H),
    ("DELETE /api/profile", 4, _SIGN_OUT): known(_DELETION_RECORDED, H),
    # Support's deletion on the consumer's request: the same steps (functions/auth/deletion.py).
    (_SUPPORT_DELETION, 2, ("cognito-idp", "AdminDisableUser")): known(_SUPPORT_DELETION_RECORDED, H),
    (_SUPPORT_DELETION, 3, _SIGN_OUT): known(_SUPPORT_DELETION_RECORDED, H),
    (_SUPPORT_DELETION, 4, _DYNAMODB_UPDATE): known(_SUPPORT_DELETION_RECORDED, H),
    ("POST /api/requests", 2, ("s3", "CopyObject")): known(_COPY_LEFT, X),
    ("POST /api/integration/requests/{id}/messages", 3, ("s3", "CopyObject")): known(_COPY_LEFT, X),
    ("POST /api/integration/users/reset-password", 1, ("dynamodb", "TransactWriteItems")): known(
        _SUPPORT_RESET_COUNTED, R
    ),
    ("POST /api/integration/requests/{id}/stages", 2, ("dynamodb", "TransactWriteItems")): known(
        _STAGE_NOT_IDEMPOTENT, R
    ),
    ("POST /api/readings", 1, ("dynamodb", "TransactWriteItems")): known(
        _READING_TWICE, C, X, Kind.EVENT_TWICE
    ),
    ("POST /api/askue/fetch", 2, ("dynamodb", "PutItem")): known(_MARKS_KEPT, H),
    ("POST /api/askue/fetch", 3, ("dynamodb", "PutItem")): known(_SNAPSHOT_KEPT, H, X),
    ("askue sync worker (1 account)", 5, ("dynamodb", "BatchWriteItem")): known(_SYNC_SNAPSHOT_KEPT, X),
}

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
# An outbox item's bookkeeping: its id and times. What it owes and whether it is still pending stay.
_OUTBOX_BOOKKEEPING = ("pk", "id", "created_at", "relayed_at", "expires_at", "mails_queued_at")


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


def _queue_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def world_state(world: World, before: "Baseline | None" = None) -> dict[str, list[str]]:
    """What the portal keeps, with what differs between two runs of the same thing (ids, times,
    ciphertexts, generated passwords) blanked: every DynamoDB item, Cognito user (and whether its
    password is still the one it had `before`), how many of the refresh tokens live `before` still
    are (an ended session; tokens made since are never handed out, as AdminInitiateAuth's when a
    password is checked), every S3 object (its current version), queued message, mail sent, and
    event put on the bus (the local copy of each, infra/world.py: one per event_id, since an event put
    again is the same event to integrators). The parts that carry what a change owes are named for
    it: `mail sent`, `mail queued`, `mail ledger`, `events put`, `outbox` (each item without its id
    and times: what it owes and whether it is still pending)."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import FakeDeleteMarker, s3_backends
    from moto.ses.models import ses_backends
    from moto.sqs.models import sqs_backends

    tables = {world.refs.get("OutboxTable"): "outbox", world.refs.get("MailLedgerTable"): "mail ledger"}
    queues = {
        _queue_name(world.refs.get("MailQueue", "")): "mail queued",
        _queue_name(world.events_queue_url): "events put",
    }
    state: dict[str, list[str]] = {}
    for name, table in dynamodb_backends[ACCOUNT_ID][REGION].tables.items():
        items = [item.to_json() for item in table.all_items()]
        # The mail ledger's marks of finished jobs (`job#<id>`) only guard against SQS delivering a
        # message twice: a job done and not marked (the mark failed) is done. An empty count of an
        # hour is no count.
        items = [item for item in items if not _job_mark(item)]
        part = tables.get(name, f"dynamodb {name}")
        if part == "outbox":
            # A held notice (functions/common/held.py) is a decision still open, for HOLD_FOR, that
            # nobody sees: what it becomes (released, cancelled, settled) is, once the cell's last
            # settling has run the sweeper as if HOLD_FOR later (FaultTour.relay_outbox).
            items = [
                {k: v for k, v in item["Attributes"].items() if k not in _OUTBOX_BOOKKEEPING}
                for item in items
                if item["Attributes"].get("pending") != {"S": "held"}
            ]
        state[part] = sorted(_normal(item) for item in items)
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
        part = queues.get(name, f"sqs {name}")
        bodies = [message.body for message in queue._messages]
        if part == "events put":
            by_id = {json.loads(body)["detail"].get("event_id"): body for body in bodies}
            bodies = list(by_id.values())
        state[part] = sorted(_normal(body) for body in bodies)
    ses = ses_backends[ACCOUNT_ID][REGION]
    state["mail sent"] = sorted(_normal([m.destinations, m.subject]) for m in ses.sent_messages)
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


@dataclass(frozen=True)
class Difference:
    """One part of the world that differs: what it has too often, and what it lacks (each entry as
    many times as it is extra or missing)."""

    part: str
    extra: tuple[str, ...]
    missing: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.part}: +{list(self.extra[:2])} -{list(self.missing[:2])}"[:600]


def differences(actual: dict[str, list[str]], expected: dict[str, list[str]]) -> list[Difference]:
    found = []
    for name in sorted(set(actual) | set(expected)):
        have, want = Counter(actual.get(name, [])), Counter(expected.get(name, []))
        if have != want:
            found.append(Difference(name, tuple((have - want).elements()), tuple((want - have).elements())))
    return found


def _described(found: list[Difference]) -> str:
    return "; ".join(str(difference) for difference in found)


def kinds_of(found: list[Difference]) -> set[Kind]:
    """The kinds of inconsistency of a state that differs from a run without faults by `found`."""
    kinds: set[Kind] = set()
    for difference in found:
        extra, missing = bool(difference.extra), bool(difference.missing)
        if difference.part in ("mail sent", "mail queued"):
            kinds |= {Kind.LOST_NOTICE} if missing else set()
            kinds |= {Kind.NOTICE_TWICE} if extra else set()
        elif difference.part == "events put":
            kinds |= {Kind.LOST_EVENT} if missing else set()
            kinds |= {Kind.EVENT_TWICE} if extra else set()
        elif difference.part == "outbox" and any('"pending": {' in item for item in difference.extra):
            kinds.add(Kind.STILL_OWED)
        else:
            kinds.add(Kind.CHANGED if extra and missing else Kind.EXTRA if extra else Kind.MISSING)
    return kinds


_OWED_PARTS = ("mail sent", "mail queued", "events put", "outbox")


def owes(before: dict[str, list[str]], after: dict[str, list[str]]) -> bool:
    """Whether a run took the world from `before` to `after` by a mail, an event or an outbox item."""
    return any(difference.part in _OWED_PARTS for difference in differences(after, before))


# ----------------------------------------------------------------------------- a cell


@dataclass
class Outcome:
    """What a run answered: an HTTP status (and its Retry-After), or what a worker/schedule did;
    `killed` when the function was (API Gateway then answers 502, a queue delivers the batch again)."""

    answer: str  # "201", "503", … for a route; "done", "redelivered", "raised", "allow" otherwise
    retry_after: str | None = None
    body: Any = None


@dataclass
class Cell:
    operation: str
    step: int  # the operation's place in the tour (an operation may be taken twice)
    index: int
    call: tuple[str, str]
    fault: str
    answer: str
    retry_after: str | None
    retried: str
    problems: list[str] = field(default_factory=list)
    kinds: set[Kind] = field(default_factory=set)

    @property
    def consistent(self) -> bool:
        return not self.problems

    @property
    def key(self) -> Key:
        return (self.operation, self.index, self.call)

    @property
    def listed(self) -> frozenset[Kind]:
        """The kinds its row in KNOWN accepts."""
        row = KNOWN.get(self.key)
        return frozenset() if row is None else row.kinds

    @property
    def explained(self) -> bool:
        return self.kinds <= self.listed

    def describe(self) -> str:
        return f"{self.operation} #{self.index} {self.call[0]} {self.call[1]} {self.fault}: {self.answer}"


@dataclass
class Runs:
    """One cell's runs and the world after each, against the run without faults."""

    clean: Outcome
    failed: Outcome
    retried: Outcome | None  # None: not retried (a client answered, not failed, asks nothing more)
    before: dict[str, list[str]]
    after: dict[str, list[str]]
    state: dict[str, list[str]]  # after the failed run (and the relay, the mail)
    again: dict[str, list[str]]  # after the retry (and the relay, the mail)


def judge(runs: Runs, *, route: bool) -> list[tuple[str, set[Kind]]]:
    """What is wrong in a cell: each problem and its kinds."""
    clean, failed, retried = runs.clean, runs.failed, runs.retried
    problems: list[tuple[str, set[Kind]]] = []
    if failed.answer == "500":
        problems.append(("answered 500", {Kind.ANSWERED_500}))
    if failed.answer == "503" and not failed.retry_after:
        problems.append(("503 without Retry-After", {Kind.NO_RETRY_AFTER}))
    killed = failed.answer == "killed"
    if route and not killed and failed.answer not in (clean.answer, "503"):
        problems.append((f"answered {failed.answer}, neither {clean.answer} nor 503", {Kind.WRONG_ANSWER}))
    if failed.answer == clean.answer and runs.state != runs.after:
        found = differences(runs.state, runs.after)
        problems.append(("answered as done, not done: " + _described(found), kinds_of(found)))
    # A function killed half way leaves the state half way: what counts is that its retry completes it.
    if route and not killed and failed.answer != clean.answer and runs.state not in (runs.before, runs.after):
        # Answered a failure: a notice is not owed yet if the client retries (and lost if the retry
        # loses it too); answered a refusal, which nobody retries, the change done but for its notice
        # and events has lost them.
        lost = kinds_of(differences(runs.state, runs.after))
        final = retried is None and lost <= {Kind.LOST_NOTICE, Kind.LOST_EVENT}
        kinds = lost if final else {Kind.HALF_DONE}
        problems.append(("half done: " + _described(differences(runs.state, runs.before)), kinds))
    if retried is None:
        return problems
    # A record done in spite of the fault is off the queue: its redelivery finds nothing.
    redelivered_nothing = not route and failed.answer == clean.answer and retried.answer == "nothing"
    if retried.answer != clean.answer and not redelivered_nothing:
        problems.append((f"the retry answered {retried.answer}, not {clean.answer}", {Kind.RETRY_ANSWER}))
    if runs.again != runs.after:
        found = differences(runs.again, runs.after)
        problems.append(("the retry did not do it once: " + _described(found), kinds_of(found)))
    return problems


def retries(failed: Outcome, consumes: str | None) -> bool:
    """Whether a run is tried again: a queue delivers again, after its visibility timeout, what its
    function did not report done (tried always: it may find nothing); a client retries a failure on
    the server's side (a 5xx, API Gateway's 502 of a function killed), not an answer (a 4xx); Lambda
    invokes a schedule's function again when it failed."""
    return consumes is not None or failed.answer in ("killed", "raised") or failed.answer.startswith("5")


# ----------------------------------------------------------------------------- the matrix


class FaultTour(Tour):
    """The tour of every route, each operation explored before it is taken: run clean, then for each
    of its calls and each fault, from the state before it, run failed and retried."""

    def __init__(
        self,
        world: World,
        recorder: FaultyRecorder,
        faults: Callable[[str], tuple[str, ...]],
        *,
        everywhere: bool = False,
        explores: Callable[[str], bool] = lambda operation: True,
    ) -> None:
        super().__init__(world, recorder)
        self.faulty = recorder
        self.faults = faults
        self.everywhere = everywhere
        self.explores = explores  # the operations whose cells this tour runs (the others: only taken)
        self.cells: list[Cell] = []
        self.planned: list[Planned] = []  # every operation's cells, run here or not
        self.owing: set[str] = set()  # the operations whose run without faults owes a mail or an event
        self.steps = 0
        session = boto3.Session()  # not the default session: never failed, never recorded
        self.sqs = session.client("sqs")
        [self.relay] = [s for s in stream_sources(world) if s.function == RELAY]
        [self.sweeper] = [s for s in schedule_sources(world) if s.function == SWEEPER]
        self.stream_seen: set[str] = set()  # the records of the outbox's stream relayed already

    # -- what happens after a run without anyone asking: the outbox relayed, the mail delivered

    def relay_outbox(self, *, held: bool = False) -> None:
        """OutboxRelayFunction on the new INSERTs of OutboxTable's stream (those its FilterCriteria
        pass, in batches of its BatchSize, in Lambda's event shape), as within a second of the change;
        then OutboxSweeperFunction over the items still pending (it waits SWEEP_AFTER for the stream:
        not here), as a minute later; `held`: and over the notices held (it waits HOLD_FOR for the
        function or its retry to release them: not here), as the cell's last word."""
        new = [stream_record(r, self.relay.stream_arn, REGION) for r in self._new_stream_records()]
        new = [r for r in new if not self.relay.filters or any(matches(p, r) for p in self.relay.filters)]
        handler = load_handler(self.relay.handler)
        for start in range(0, len(new), self.relay.batch_size):
            batch = new[start : start + self.relay.batch_size]
            with suppress(Exception):  # what failed stays pending, for the sweeper
                handler(stream_event(batch), LambdaContext(RELAY, timeout_ms=self.relay.timeout_ms))
        from functions.outbox import sweeper

        hold_for = timedelta(0) if held else timedelta(days=365)
        with (
            mock.patch.object(sweeper, "SWEEP_AFTER", timedelta(0)),
            mock.patch.object(sweeper, "HOLD_FOR", hold_for),
        ):
            load_handler(self.sweeper.handler)(
                scheduled_event(self.sweeper, REGION),
                LambdaContext(SWEEPER, timeout_ms=self.sweeper.timeout_ms),
            )

    def _new_stream_records(self) -> list[dict[str, Any]]:
        """The records of the outbox's stream not relayed yet, as GetRecords gives them. Read from
        moto's shard itself, from its end back to the first record relayed before: every relay takes
        all the stream holds, and a state put back holds only records relayed, so the new ones are
        the shard's last. (GetRecords from TRIM_HORIZON, through moto's serializer, took the matrix
        most of its time: the whole stream again after every run of every cell.)"""
        from moto.dynamodb.models import dynamodb_backends

        table_arn = self.relay.stream_arn.split("/stream/", 1)[0]
        [table] = [
            table
            for table in dynamodb_backends[ACCOUNT_ID][REGION].tables.values()
            if table.table_arn == table_arn
        ]
        new: list[dict[str, Any]] = []
        for item in reversed(table.stream_shard.items):
            if item.record["eventID"] in self.stream_seen:
                break
            record = copy.deepcopy(item.record)
            created = record["dynamodb"].get("ApproximateCreationDateTime")
            if isinstance(created, datetime) and created.tzinfo is None:  # moto's utcnow()
                record["dynamodb"]["ApproximateCreationDateTime"] = created.replace(tzinfo=UTC)
            new.append(record)
        self.stream_seen.update(record["eventID"] for record in new)
        return new[::-1]

    def deliver_all(self, source: QueueSource, rounds: int = 3) -> None:
        """The queue delivered to its function until it is empty (a job that keeps failing: `rounds`)."""
        for _ in range(rounds):
            if self._deliver(source).answer == "nothing":
                return

    def settle(self, consumes: str | None, *, held: bool = False) -> None:
        """The outbox relayed (`held`: the held notices settled too) and the mail delivered (unless
        delivering it is the operation itself)."""
        self.relay_outbox(held=held)
        if consumes != MAIL_FUNCTION:
            self.deliver_all(self._queue(MAIL_FUNCTION))

    def redelivery_after(self, consumes: str | None) -> timedelta:
        """How much later a queue delivers a message again: its VisibilityTimeout (0 for a route)."""
        if consumes is None:
            return timedelta(0)
        url = self._queue(consumes).queue_url
        seconds = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
        return timedelta(seconds=int(seconds["Attributes"]["VisibilityTimeout"]))

    # -- exploring an operation

    def explore(
        self,
        name: str,
        operation: Operation,
        run: Callable[[], Outcome],
        *,
        route: bool,
        consumes: str | None = None,
    ) -> Outcome:
        self.steps += 1
        before_copy, passwords = _copy_backends(), baseline()

        def settled(*, held: bool = False) -> dict[str, list[str]]:
            self.settle(consumes, held=held)
            return world_state(self.world, passwords)

        before = settled()
        _restore_backends(before_copy)
        with self.recorder.recording(operation.calls):
            clean = run()
        self.relay_outbox()
        after_copy = _copy_backends()  # the tour goes on from here: what is owed relayed, not mailed
        after = settled()
        owing = owes(before, after)
        if owing:
            self.owing.add(name)
        for index, (service, _) in enumerate(operation.calls):
            for fault in self.faults(service):
                if fault in AFTER_THE_CALL and not (owing or self.everywhere):
                    continue
                self.planned.append(Planned(name, self.steps, index, fault))
                if not self.explores(name):
                    continue
                _restore_backends(before_copy)
                with self.faulty.failing(index, fault):
                    failed = run()
                loss = self.faulty.loss
                # A held notice waits for the retry (within HOLD_FOR); unretried, for nobody.
                retrying = retries(failed, consumes)
                state = settled(held=not retrying)
                retried: Outcome | None = None
                if retrying:
                    with clock_moved(self.redelivery_after(consumes)):
                        retried = run()
                again = settled(held=True) if retried is not None else state
                cell = Cell(
                    name, self.steps, index, self.faulty.failed or ("?", "?"), fault,
                    failed.answer, failed.retry_after, retried.answer if retried else "-",
                )  # fmt: skip
                runs = Runs(clean, failed, retried, before, after, state, again)
                problems = judge(runs, route=route)
                if self.faulty.failed is None or (fault == "lost_answer" and not (loss and loss.retried)):
                    problems.append(("the fault was not injected as modelled", {Kind.NOT_INJECTED}))
                cell.problems = [text for text, _ in problems]
                cell.kinds = {kind for _, kinds in problems for kind in kinds}
                self.cells.append(cell)
        _restore_backends(after_copy)
        return clean

    # -- the tour's operations, explored

    def _invoke(self, route: Route, request: dict[str, Any]) -> dict[str, Any]:
        results: list[dict[str, Any]] = []

        def run() -> Outcome:
            try:
                result = load_handler(route.handler)(request, LambdaContext(route.function))
            except LambdaKilled:
                return Outcome("killed")
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
            except LambdaKilled:
                return Outcome("killed")
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
        records it reports failed (all of them, when it failed or was killed) are made visible again
        at once (SQS would after the timeout)."""
        messages = self.sqs.receive_message(
            QueueUrl=source.queue_url, MaxNumberOfMessages=source.batch_size, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return Outcome("nothing")
        killed = False
        try:
            result = load_handler(source.handler)(
                sqs_event(messages, source.queue_arn, REGION),
                LambdaContext(source.function, timeout_ms=source.timeout_ms),
            )
            failed = {str(item["itemIdentifier"]) for item in (result or {}).get("batchItemFailures", [])}
        except LambdaKilled:
            killed, failed = True, {m["MessageId"] for m in messages}
        except Exception:
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            if message["MessageId"] in failed:
                self.sqs.change_message_visibility(
                    QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return Outcome("killed" if killed else "redelivered" if failed else "done")

    def _queue(self, function: str) -> QueueSource:
        [source] = [s for s in queue_sources(self.world) if s.function == function]
        return source

    def run_outbox(self, events: LocalEvents, what: str) -> None:
        """Nothing to do: the matrix relays the outbox after every run of every cell and of the tour
        itself (`relay_outbox`), so the tour's own relay step finds the stream already taken."""

    def run_mail(self, what: str) -> None:
        done = Operation("SQS", f"mail worker: {what}", MAIL_FUNCTION, "event")
        source = self._queue(MAIL_FUNCTION)
        outcome = self.explore(
            done.path, done, lambda: self._deliver(source), route=False, consumes=MAIL_FUNCTION
        )
        assert outcome.answer == "done", outcome
        self.done.append(done)

    def run_erasure(self, events: LocalEvents) -> None:
        """The erasure's run: an account it could not erase stays pending (reported `failed`, not
        raised), and the next day's run is its retry."""
        done = Operation("SCHEDULE", "erasure (1 account)", ERASURE, "event")

        def erase() -> Outcome:
            try:
                erased = events.fire(ERASURE)
            except LambdaKilled:
                return Outcome("killed")
            except Exception:
                return Outcome("raised")
            return Outcome("raised" if erased["failed"] else "done", body=erased)

        outcome = self.explore(done.path, done, erase, route=False)
        assert outcome.answer == "done", outcome
        self.done.append(done)

    def run_events(self, events: LocalEvents) -> None:
        planned = Operation("SCHEDULE", "askue sync planner", PLANNER, "event")

        def plan() -> Outcome:
            try:
                return Outcome("done", body=events.fire(PLANNER))
            except LambdaKilled:
                return Outcome("killed")
            except Exception:
                return Outcome("raised")

        outcome = self.explore(planned.path, planned, plan, route=False)
        assert outcome.body["queued"] == 1, outcome
        worker = Operation("SQS", "askue sync worker (1 account)", WORKER, "event")
        source = self._queue(WORKER)
        outcome = self.explore(
            worker.path, worker, lambda: self._deliver(source), route=False, consumes=WORKER
        )
        assert outcome.answer == "done", outcome
        self.done += [planned, worker]


def every_fault(_: str) -> tuple[str, ...]:
    return FAULTS


@dataclass(frozen=True)
class Planned:
    """A cell of the whole matrix, whether a shard ran it or not."""

    operation: str
    step: int
    index: int
    fault: str


def in_shard(shard: int, shards: int) -> Callable[[str], bool]:
    """The operations of one of `shards` parts of the matrix, by a stable hash of the operation's
    name: every step of an operation (one may be taken twice) and its rows in KNOWN in one part."""
    return lambda operation: zlib.crc32(operation.encode()) % shards == shard


@dataclass
class Matrix:
    """The cells of a run of the matrix (of a shard of it: `planned` is the whole), and the
    operations that owe a mail or an event."""

    cells: list[Cell]
    owing: set[str]
    everywhere: bool = False
    planned: list[Planned] = field(default_factory=list)

    @property
    def explored(self) -> set[str]:
        """The operations whose cells were run."""
        return {c.operation for c in self.cells}

    def figures(self) -> str:
        """The whole matrix's size, as README «Reliability» states it (benchmarks/faults.py prints it
        from a run; tests/unit/test_faults.py holds the README to it, from any shard)."""
        planned = self.planned
        calls = {(c.step, c.index) for c in planned}
        after = {(c.step, c.index) for c in planned if c.fault in AFTER_THE_CALL}
        operations = {c.step for c in planned}
        owing = {c.step for c in planned if c.fault in AFTER_THE_CALL}
        return (
            f"{len(planned)} cells: {len(calls)} calls of {len(operations)} operations"
            f" × {len(BEFORE_THE_CALL)} faults before the call, and the {len(after)} calls of the"
            f" {len(owing)} operations {'' if self.everywhere else 'that owe a mail or an event '}"
            f"× {len(AFTER_THE_CALL)} after it"
        )


def fault_matrix(
    world: World,
    faults: Callable[[str], tuple[str, ...]] = every_fault,
    *,
    everywhere: bool = False,
    explores: Callable[[str], bool] = lambda operation: True,
) -> Matrix:
    """Every operation of the tour × each of its AWS calls × each fault `faults(service)` gives (those
    AFTER_THE_CALL for the operations that owe a mail or an event only, unless `everywhere`); the
    cells run are those of the operations `explores` takes (a shard: `in_shard`), the tour takes
    every operation all the same, so each shard's cells start from the world the whole matrix's do."""
    cells: list[Cell] = []
    planned: list[Planned] = []
    tours: list[FaultTour] = []

    def make(world: World, recorder: AwsCallRecorder) -> Tour:
        assert isinstance(recorder, FaultyRecorder)
        tour = FaultTour(world, recorder, faults, everywhere=everywhere, explores=explores)
        tour.cells, tour.planned = cells, planned
        tours.append(tour)
        return tour

    with no_wait_for_the_next_second(), mails_counted_in_one_hour():
        tour_every_route(world, make_tour=make, make_recorder=FaultyRecorder)
    reset_clients()
    return Matrix(cells, tours[0].owing, everywhere, planned)


@contextmanager
def mails_counted_in_one_hour() -> Iterator[None]:
    """Every mail of the run counted in the clock hour it began in (functions/mail/store.py limits
    an address's mails per clock hour): a run crossing the hour would find a cell's retry let through
    as a new hour's mail where the run without faults, an hour before, was refused."""
    from functions.common import clock
    from functions.mail import store

    began = store.hour_of(clock.now())
    with mock.patch.object(store, "hour_of", lambda _at: began):
        yield


@contextmanager
def failing_where(service: str, operation: str, mentions: str, fault: str = "throttling") -> Iterator[None]:
    """Every call of `service`'s `operation` whose parameters mention `mentions` fails with `fault`
    (others pass): a fault on one record of a batch."""
    events = new_default_session().events

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
