"""Unit tests run the real handlers against `moto.mock_aws`, on a world built from template.yaml."""

import copy
import copyreg
import gzip
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import botocore.loaders
import botocore.session
import moto
import pytest
from moto import mock_aws

from functions.common.aws import reset_clients
from functions.common.integrators import Scope
from functions.common.settings import load_settings
from infra.lambda_runtime import LambdaContext, load_handler
from infra.moto_patches import atomic_dynamodb_requests, cognito_sign_out_by_user
from infra.world import ACCOUNT_ID, World, build_world

REGION = "eu-central-1"
_current_world: World | None = None  # the `world` of the running test: sent_mails() feeds its mail queue


# The services whose state build_world makes and the tests change; their moto backends are copied
# once per test session (per xdist worker) and put back before each test, instead of building a
# world from template.yaml for every test (~0.5 s each, most of the unit tests' time).
_WORLD_SERVICES = ("cognitoidp", "dynamodb", "events", "kms", "s3", "ses", "sesv2", "sqs")
_Backends = dict[tuple[str, str, str], Any]


def _copyable_locks() -> None:
    """moto's SQS queues hold a lock and a condition, which `copy.deepcopy` refuses or would share
    with the original: a copy gets its own, new (nobody waits on them between tests)."""
    for lock_type, make in (
        (type(threading.Lock()), threading.Lock),
        (type(threading.RLock()), threading.RLock),
        (threading.Condition, threading.Condition),
    ):
        copyreg.pickle(lock_type, lambda _lock, make=make: (make, ()))


def _copy_backends() -> _Backends:
    from moto.backends import get_backend

    copies: _Backends = {}
    for service in _WORLD_SERVICES:
        for account, regions in get_backend(service).items():  # type: ignore[call-overload]
            for region, backend in regions.items():
                copies[(service, account, region)] = copy.deepcopy(backend)
    return copies


def _restore_backends(copies: _Backends) -> None:
    from moto.backends import get_backend

    for service in _WORLD_SERVICES:
        for regions in get_backend(service).values():  # type: ignore[call-overload]
            regions.clear()
    for (service, account, region), backend in copies.items():
        get_backend(service)[account][region] = copy.deepcopy(backend)  # type: ignore[index]


# botocore's service models, endpoints and rules, read from its JSON files once per test session
# (per xdist worker) instead of once per client: every test's clients are new (reset_clients), and
# a new default session would read the files again (~0.15 s a client, half the unit tests' time).
_SHARED_LOADER = botocore.loaders.create_loader()


def new_default_session() -> boto3.Session:
    """A new default boto3 session (no handler another test registered on it), reading botocore's
    files through the loader every test shares."""
    session = botocore.session.get_session()
    session.register_component("data_loader", _SHARED_LOADER)
    boto3.setup_default_session(botocore_session=session)
    assert boto3.DEFAULT_SESSION is not None
    return boto3.DEFAULT_SESSION


def _aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)


@pytest.fixture(scope="session")
def built_world() -> tuple[World, _Backends]:
    """The world template.yaml describes, built once in moto, and a copy of moto's state right after."""
    _copyable_locks()
    atomic_dynamodb_requests()
    cognito_sign_out_by_user()
    with pytest.MonkeyPatch.context() as monkeypatch:
        _aws_environment(monkeypatch)
        mock = mock_aws()
        mock.start()
        try:
            built = build_world(
                boto3.Session(region_name=REGION), overrides={"PortalUrl": "http://portal.test"}
            )
            return built, _copy_backends()
        finally:
            mock.stop()
            reset_clients()


@pytest.fixture
def world(built_world: tuple[World, _Backends], monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A fresh moto world for this test: the one built once, its state copied back."""
    template_world, backends = built_world
    _aws_environment(monkeypatch)
    mock = mock_aws()
    mock.start(reset=True)
    new_default_session()  # after start: mock_aws resets boto3's default session
    _restore_backends(backends)
    built = copy.deepcopy(template_world)
    for name, value in built.environment.items():
        monkeypatch.setenv(name, value)
    load_settings.cache_clear()
    reset_clients()
    global _current_world
    _current_world = built
    try:
        yield built
    finally:
        _current_world = None
        mock.stop()
        load_settings.cache_clear()
        reset_clients()


MAIL_FUNCTION = "MailFunction"


@dataclass
class MailDelivery:
    """What one `deliver_mail` did: invocations of MailFunction, jobs done, jobs left to retry."""

    batches: int = 0
    done: int = 0
    failed: int = 0


def deliver_mail(
    world: World | None = None,
    record: Callable[[], AbstractContextManager[object]] | None = None,
    *,
    receive_count: int = 1,
) -> MailDelivery:
    """Delivers what the mail queue holds to MailFunction, as Lambda's SQS event source would: in
    batches of the template's BatchSize, in Lambda's event shape, deleting the messages it did and
    leaving the ones it reported failed. Those are made visible again at the end (not during: a job
    is tried once per call), so a later call delivers them again — as SQS does after the visibility
    timeout, and into the dead-letter queue after maxReceiveCount. `record` wraps each invocation
    (tests/aws_calls.py records the function's AWS calls); `receive_count` repeats it that often.
    `world` is the running test's unless given."""
    from infra.events import queue_sources, sqs_event

    delivery = MailDelivery()
    world = world or _current_world
    if world is None:
        return delivery
    [source] = [s for s in queue_sources(world) if s.function == MAIL_FUNCTION]
    client = boto3.client("sqs")
    for _ in range(receive_count):
        failed: list[str] = []
        while True:
            messages = client.receive_message(
                QueueUrl=source.queue_url,
                MaxNumberOfMessages=source.batch_size,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                break
            event = sqs_event(messages, source.queue_arn, REGION)
            try:
                with record() if record is not None else nullcontext():
                    result = load_handler(source.handler)(
                        event, LambdaContext(MAIL_FUNCTION, timeout_ms=source.timeout_ms)
                    )
                reported = {str(item["itemIdentifier"]) for item in result.get("batchItemFailures", [])}
            except Exception:  # Powertools fails the invocation when every record failed: all stay
                reported = {message["MessageId"] for message in messages}
            delivery.batches += 1
            for message in messages:
                if message["MessageId"] in reported:
                    failed.append(message["ReceiptHandle"])
                    delivery.failed += 1
                else:
                    client.delete_message(QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"])
                    delivery.done += 1
        for handle in failed:
            client.change_message_visibility(
                QueueUrl=source.queue_url, ReceiptHandle=handle, VisibilityTimeout=0
            )
    return delivery


OUTBOX_RELAY = "OutboxRelayFunction"


def relay_outbox(world: World | None = None) -> int:
    """Runs the outbox's relay on what OutboxTable's stream holds, as Lambda's event source would
    (infra/events.py: through the template's filter, from the oldest record; an item relayed before
    is nothing owed), so that the mails and events the changes owe are queued and put on the bus;
    returns how many records it was given. An item the relay fails on stays pending; its retry is
    the next call's. `world` is the running test's unless given."""
    from infra.events import LocalEvents

    world = world or _current_world
    if world is None:
        return 0
    events = LocalEvents(world, retry_after=3600, log=lambda _: None)
    return sum(delivery.records for delivery in events.drain_stream(OUTBOX_RELAY))


def sent_mails(world: World | None = None) -> list[dict[str, str]]:
    """Every mail SES sent, oldest first — after delivering what the mail queue holds."""
    from moto.ses.models import ses_backends

    deliver_mail(world)
    return [
        {"to": m.destinations["ToAddresses"][0], "subject": m.subject, "text": m.body}
        for m in ses_backends[ACCOUNT_ID][REGION].sent_messages
    ]


def mailed(world: World | None = None) -> list[dict[str, str]]:
    """Every mail SES sent, oldest first, once what the changes owe is relayed (`relay_outbox`) and
    the mail queue delivered: a route's mail owed through the outbox, as the consumer gets it."""
    relay_outbox(world)
    return sent_mails(world)


def api_event(
    method: str,
    path: str,
    body: Any = None,
    *,
    claims: dict[str, str] | None = None,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    integrator: str | None = None,
    scopes: Iterable[str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event as the session authorizer (`claims`) or the integrator
    authorizer (`integrator`, with every scope unless `scopes` names them) would pass it."""
    context: dict[str, Any] = {
        "resourcePath": path,
        "httpMethod": method,
        "stage": "prod",
        "path": f"/prod{path}",
        "requestId": "test-request",
        "identity": {"sourceIp": "127.0.0.1", "apiKeyId": None},
    }
    if integrator is not None:
        # What the integrator authorizer (functions/authorizer/integrators.py) answers.
        granted = [scope.value for scope in Scope] if scopes is None else list(scopes)
        context["authorizer"] = {
            "principalId": f"integrator:{integrator}",
            "integrationLatency": 0,
            "integrator": integrator,
            "scopes": " ".join(granted),
        }
    if claims is not None:
        # What the session authorizer (functions/authorizer) answers: its context, as strings.
        context["authorizer"] = {"principalId": claims.get("sub", ""), "integrationLatency": 0, **claims}
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": context,
        "body": raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
        "isBase64Encoded": False,
    }


def call(handler_module: Any, event: dict[str, Any]) -> tuple[int, Any]:
    """Invokes a function's lambda_handler; returns the status and the decoded JSON body."""
    result = handler_module.lambda_handler(event, LambdaContext("test"))
    body = result.get("body")
    return int(result["statusCode"]), json.loads(body) if body else None


@contextmanager
def pool_keys_served() -> Iterator[None]:
    """The session authorizer reads the pool's JWKS over HTTP from the pool's address; moto's
    `mock_aws` answers botocore only, so its keys (the ones moto's server serves there) are handed
    over directly."""
    import jwt

    from functions.authorizer.tokens import forget_keys

    keys = json.loads(
        gzip.decompress(
            (Path(moto.__file__).parent / "cognitoidp/resources/jwks-public.json.gz").read_bytes()
        )
    )
    forget_keys()
    with mock.patch.object(jwt.PyJWKClient, "fetch_data", lambda _self: keys):
        yield
    forget_keys()
