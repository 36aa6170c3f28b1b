"""The transactional outbox (functions/common/outbox.py): what a change owes is written with it, as
one item whose mail jobs and events have ids derived from the item's, in the change's own
transaction or on its own; the item reaches the table's stream."""

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from pydantic import ValidationError

from functions.common.dynamo import Table, cancellation_reasons, condition_failed, deserialize
from functions.common.events import ReadingSubmitted, RequestStatusChanged
from functions.common.mail import NoticeJob
from functions.common.outbox import (
    KEPT_AFTER_RELAY,
    MAX_EVENTS,
    PENDING,
    PENDING_INDEX,
    OutboxEntry,
    outbox_put,
    write_outbox,
)
from infra.template import load_template, resources
from infra.world import World

AT = datetime(2026, 3, 2, 6, 15, tzinfo=UTC)


def notice(to: str = "ivan@example.ru") -> NoticeJob:
    return NoticeJob(to=to, subject="Статус заявки изменён", text="Заявка 2026-000001: «На рассмотрении».")


def changed() -> RequestStatusChanged:
    return RequestStatusChanged(
        request_id="01JBQ0000000000000000000AA",
        number="2026-000001",
        sequence=1,
        previous_status="registered",
        status="in_review",
        by="company",
        changed_at=AT,
    )


def entry(**kwargs: Any) -> OutboxEntry:
    return OutboxEntry.owing(mails=[notice()], events=[changed()], created_at=AT, **kwargs)


def stored(world: World) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    return [deserialize(item) for item in client.scan(TableName=world.refs["OutboxTable"])["Items"]]


def test_an_entry_s_mail_jobs_and_events_take_ids_derived_from_its_own() -> None:
    owed = entry()

    [mail] = owed.mails
    [event] = owed.events
    assert mail.job_id == f"{owed.id}-m0" and mail.kind == "notice"
    job = json.loads(mail.body)
    assert job["id"] == mail.job_id and job["to"] == "ivan@example.ru" and job["kind"] == "notice"
    assert event.event_id == f"{owed.id}-e0"
    assert event.detail_type == "portal.request.status.changed.v1"
    detail = json.loads(event.detail)
    assert detail["event_id"] == event.event_id and detail["status"] == "in_review"
    assert "@" not in event.detail  # no personal data in an event

    item = owed.item()
    assert item["pk"] == f"outbox#{owed.id}" and item["pending"] == PENDING
    assert item["created_at"] == "2026-03-02T06:15:00.000000Z"
    assert OutboxEntry.from_item(item) == owed
    assert OutboxEntry.owing(mails=[notice()]).id != owed.id


def test_an_entry_owes_something_and_at_most_one_put_events_worth_of_events() -> None:
    with pytest.raises(ValidationError, match="at least one mail or one event"):
        OutboxEntry.owing()
    reading = ReadingSubmitted(user_id="u", reading_id="r", meter_number="01234567", taken_at=AT, sequence=1)
    assert len(OutboxEntry.owing(events=[reading] * MAX_EVENTS).events) == MAX_EVENTS
    with pytest.raises(ValidationError):
        OutboxEntry.owing(events=[reading] * (MAX_EVENTS + 1))


def test_the_outbox_item_is_written_in_the_change_s_own_transaction_or_not_at_all(world: World) -> None:
    ledger = Table(world.refs["MailLedgerTable"])
    owed = entry()

    ledger.transact([ledger.put_action({"pk": "change#1"}), outbox_put(owed)])
    [item] = stored(world)
    assert item["pk"] == f"outbox#{owed.id}" and item["pending"] == PENDING
    assert OutboxEntry.from_item(item) == owed

    refused = entry()
    with pytest.raises(ClientError) as cancelled:
        ledger.transact(
            [ledger.put_action({"pk": "change#1"}, condition="attribute_not_exists(pk)"), outbox_put(refused)]
        )
    reasons = cancellation_reasons(cancelled.value) or []
    assert [reason.code for reason in reasons] == ["ConditionalCheckFailed", "None"]
    assert [i["id"] for i in stored(world)] == [owed.id]  # the change not made owes nothing


def test_an_entry_is_written_once(world: World) -> None:
    owed = entry()
    write_outbox(owed)
    with pytest.raises(ClientError) as again:
        write_outbox(owed)
    assert condition_failed(again.value)
    assert len(stored(world)) == 1


def test_a_new_item_is_on_the_table_s_stream_with_its_new_image(world: World) -> None:
    owed = entry()
    write_outbox(owed)

    streams = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
    arn = world.attributes[("OutboxTable", "StreamArn")]
    [shard] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    [record] = streams.get_records(ShardIterator=iterator)["Records"]
    assert record["eventName"] == "INSERT"
    assert OutboxEntry.from_item(deserialize(record["dynamodb"]["NewImage"])) == owed


def test_the_outbox_table_is_as_the_module_reads_it() -> None:
    table = resources(load_template(), "AWS::DynamoDB::Table")["OutboxTable"]["Properties"]

    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    [index] = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == PENDING_INDEX
    assert index["KeySchema"] == [
        {"AttributeName": "pending", "KeyType": "HASH"},
        {"AttributeName": "created_at", "KeyType": "RANGE"},
    ]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert KEPT_AFTER_RELAY.days >= 1  # longer than a stream record lives (24 hours)


def _granted(function: dict[str, Any], action: str, resource: str) -> bool:
    for policy in function["Properties"].get("Policies", []):
        for statement in policy.get("Statement", []):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if action in actions and statement["Resource"] == {"Fn::GetAtt": [resource, "Arn"]}:
                return True
    return False


def test_every_function_that_queues_mail_or_publishes_events_may_write_the_outbox_and_no_other() -> None:
    functions = resources(load_template(), "AWS::Serverless::Function")

    owing = {
        name
        for name, function in functions.items()
        if _granted(function, "sqs:SendMessage", "MailQueue")
        or _granted(function, "events:PutEvents", "PortalEventBus")
    }
    writers = {
        name for name, function in functions.items() if _granted(function, "dynamodb:PutItem", "OutboxTable")
    }
    relays = {"OutboxRelayFunction", "OutboxSweeperFunction"}
    # They queue mail jobs no change of theirs owes: the outages' fan-out (MailFunction), its pages
    # and notices, each derived from the job the outbox queued; and the daily reminder's jobs. Every
    # one has an id derived from what it does, so a retry queues the same job (functions/outages/).
    job_queuers = {"MailFunction", "OutageReminderFunction"}
    # Their mail and events all owed through the outbox: they may neither queue nor publish themselves.
    through_the_outbox_only = {
        "RequestsFunction",
        "ReadingsFunction",
        "AskueSyncWorkerFunction",
        "IntegrationFunction",
    }
    # The sweeper writes what a held notice it settles owes (functions/outbox/held.py).
    settles_held = {"OutboxSweeperFunction"}
    assert writers == (owing - relays - job_queuers) | through_the_outbox_only | settles_held
    assert not owing & through_the_outbox_only
    assert {"AuthFunction", "IntegrationFunction", "ReadingsFunction", "RequestsFunction"} <= writers
