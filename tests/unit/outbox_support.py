"""What the tests of the changes that owe mail and events share: the outbox's items as written (their
mail jobs and events read back), and the AWS calls a route makes, with the actions of each of its
TransactWriteItems — while the mail queue and the bus may be down."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from functions.common.aws import reset_clients
from functions.common.dynamo import deserialize
from functions.common.held import HELD, HeldNotice
from functions.common.outbox import OutboxEntry
from infra.world import World
from tests.faults import fault_answer


def _outbox_items(world: World) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    return [deserialize(item) for item in client.scan(TableName=world.refs["OutboxTable"])["Items"]]


def owed_entries(world: World) -> list[OutboxEntry]:
    """Every outbox item, relayed or not, oldest first (not the held notices: nothing is owed by them
    until they are released or settled)."""
    items = [item for item in _outbox_items(world) if item.get("pending") != HELD]
    return sorted((OutboxEntry.from_item(item) for item in items), key=lambda entry: entry.created_at)


def held_notices(world: World) -> list[HeldNotice]:
    """The notices held (functions/common/held.py), oldest first."""
    items = [item for item in _outbox_items(world) if item.get("pending") == HELD]
    return sorted((HeldNotice.from_item(item) for item in items), key=lambda held: held.created_at)


def mails_of(entry: OutboxEntry) -> list[dict[str, Any]]:
    """The entry's mail jobs, as the mail queue gets them."""
    return [json.loads(mail.body) for mail in entry.mails]


def events_of(entry: OutboxEntry) -> list[dict[str, Any]]:
    """The entry's events: each detail, with its detail-type."""
    return [{"detail-type": event.detail_type, **json.loads(event.detail)} for event in entry.events]


def sequences(entries: list[OutboxEntry]) -> list[int]:
    return [event["sequence"] for entry in entries for event in events_of(entry)]


@dataclass
class Calls:
    """The AWS calls made (service, operation), and each TransactWriteItems' actions (kind, table)."""

    made: list[tuple[str, str]] = field(default_factory=list)
    transactions: list[list[tuple[str, str]]] = field(default_factory=list)

    def of(self, service: str) -> list[str]:
        return [operation for s, operation in self.made if s == service]


@contextmanager
def aws_calls(down: frozenset[str] = frozenset()) -> Iterator[Calls]:
    """Records every AWS call of the functions inside the block; the services in `down` ("sqs",
    "events") answer each call with a 5xx, as in an outage."""
    calls = Calls()
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    hooks = boto3.DEFAULT_SESSION.events

    def record(model: Any, params: Any, **_: Any) -> Any:
        service = model.service_model.service_name
        calls.made.append((service, model.name))
        if model.name == "TransactWriteItems":
            body = params["body"]
            actions = json.loads(body.decode() if isinstance(body, bytes) else body)["TransactItems"]
            calls.transactions.append(
                [(kind, spec["TableName"]) for action in actions for kind, spec in action.items()]
            )
        if service in down:
            return fault_answer(service, "5xx")
        return None

    hooks.register("before-call", record, unique_id="outbox-support-calls")
    reset_clients()
    try:
        yield calls
    finally:
        hooks.unregister("before-call", unique_id="outbox-support-calls")
        reset_clients()


def the_entry(world: World) -> OutboxEntry:
    """The one outbox item written (asserted), still owed."""
    from tests.unit.test_outbox_relay import pending_ids

    [entry] = owed_entries(world)
    assert pending_ids(world) == [entry.id]
    return entry


def relayed_once(world: World, entry: OutboxEntry) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """Runs the relay on the entry's stream record twice (a record delivered again: phase 1's helpers,
    tests/unit/test_outbox_relay.py), then delivers the mail queue: the mails sent for the entry and
    the events put on the bus — each asserted once."""
    from tests.unit.conftest import sent_mails
    from tests.unit.test_events import published
    from tests.unit.test_outbox_relay import pending_ids, queued_jobs, run_relay

    assert run_relay(world, entry) == []
    assert run_relay(world, entry) == []
    assert pending_ids(world) == []
    jobs = queued_jobs(world)
    assert sorted(job["id"] for job in jobs) == sorted(mail.job_id for mail in entry.mails)
    events = published(world)
    assert sorted(e["detail"]["event_id"] for e in events) == sorted(e.event_id for e in entry.events)
    subjects = {mail["subject"] for mail in mails_of(entry)}
    mails = [mail for mail in sent_mails(world) if mail["subject"] in subjects]
    assert len(mails) == len(entry.mails), mails
    return mails, events
