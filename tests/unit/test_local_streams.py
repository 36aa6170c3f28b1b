"""The local DynamoDB stream feed (infra/events.py): every stream event source of template.yaml is
fed from moto's stream, through its FilterCriteria, in Lambda's event shape, retried after a failure
from the first failed record, bisected, and given up after MaximumRetryAttempts to its OnFailure
queue, as Lambda does; the outbox sweeper then relays what the stream gave up on."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.common.mail import NoticeJob
from functions.common.outbox import OutboxEntry, write_outbox
from infra.events import LocalEvents, check_pattern, matches, stream_sources
from infra.template import load_template, resources
from infra.world import World
from tests.outages import queue_outage
from tests.unit.conftest import sent_mails
from tests.unit.test_outbox_relay import item_of, pending_ids

RELAY, SWEEPER = "OutboxRelayFunction", "OutboxSweeperFunction"


@pytest.fixture
def events(world: World) -> LocalEvents:
    return LocalEvents(world, retry_after=0, log=lambda _: None)


def owed(to: str = "ivan@example.ru", *, minutes_ago: float = 0) -> OutboxEntry:
    mail = NoticeJob(to=to, subject="Заявка", text="Статус изменён.")
    return OutboxEntry.owing(mails=[mail], created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago))


def failed_batches(world: World) -> list[dict[str, Any]]:
    client = boto3.client("sqs")
    messages = client.receive_message(QueueUrl=world.refs["OutboxFailedQueue"], MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def test_every_stream_event_source_of_the_template_is_fed_locally(world: World, events: LocalEvents) -> None:
    template = load_template()
    declared = {
        name: spec
        for name, function in resources(template, "AWS::Serverless::Function").items()
        for spec in function["Properties"].get("Events", {}).values()
        if spec["Type"] in ("DynamoDB", "Kinesis")
    }
    assert declared and all(spec["Type"] == "DynamoDB" for spec in declared.values())
    assert set(events.streams) == set(declared)

    client = boto3.client("dynamodb")
    for source in stream_sources(world):
        table = client.describe_table(TableName=world.refs[source.table])["Table"]
        assert table["LatestStreamArn"] == source.stream_arn  # the world made the table's stream
        assert (
            table["StreamSpecification"]["StreamViewType"]
            == (
                resources(template, "AWS::DynamoDB::Table")[source.table]["Properties"][
                    "StreamSpecification"
                ]["StreamViewType"]
            )
        )
        assert source.filters and source.reports_failures and source.bisect
        assert source.on_failure is not None and source.on_failure in events.queue_depths()


def test_the_template_s_filter_lets_new_outbox_items_through_only() -> None:
    [pattern] = next(s for s in stream_sources_of_template() if s.function == RELAY).filters

    def record(name: str, pk: str, pending: str = "1") -> dict[str, Any]:
        image = {"pk": {"S": pk}, "pending": {"S": pending}}
        return {"eventName": name, "dynamodb": {"Keys": {"pk": {"S": pk}}, "NewImage": image}}

    assert matches(pattern, record("INSERT", "outbox#0123"))
    assert not matches(pattern, record("MODIFY", "outbox#0123"))  # the relay's own mark
    assert not matches(pattern, record("REMOVE", "outbox#0123"))  # TTL's deletion
    assert not matches(pattern, record("INSERT", "checkpoint#1"))
    # A held notice (functions/common/held.py) is owed once released, as a new item of its own.
    assert not matches(pattern, record("INSERT", "outbox#held#password#u", pending="held"))


def stream_sources_of_template() -> list[Any]:
    world = World(region="eu-central-1", parameters={})
    for function in resources(load_template(), "AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "DynamoDB":
                table = event["Properties"]["Stream"]["Fn::GetAtt"][0]
                queue = event["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
                world.attributes[(table, "StreamArn")] = f"arn-{table}"
                world.refs[queue] = f"url-{queue}"
    return stream_sources(world)


def test_filter_operators_are_lambda_s_and_an_unknown_one_is_refused() -> None:
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": {"kind": {"S": "notice"}, "tags": ["a", "b"]}}}

    assert matches({"dynamodb": {"NewImage": {"kind": {"S": [{"suffix": "ice"}]}}}}, record)
    assert matches({"eventName": [{"anything-but": ["REMOVE"]}]}, record)
    assert not matches({"eventName": [{"anything-but": "INSERT"}]}, record)
    assert matches({"dynamodb": {"OldImage": [{"exists": False}]}}, record)
    assert not matches({"dynamodb": {"NewImage": [{"exists": False}]}}, record)
    assert matches({"dynamodb": {"NewImage": {"tags": ["b"]}}}, record)  # an array: any element
    assert not matches({"eventName": ["MODIFY", "REMOVE"]}, record)
    with pytest.raises(ValueError, match="numeric"):
        check_pattern({"dynamodb": {"SizeBytes": [{"numeric": [">", 0]}]}})


def test_a_new_item_reaches_the_relay_in_lambda_s_shape_and_its_mark_is_dropped_by_the_filter(
    world: World, events: LocalEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.outbox import relay

    seen: list[dict[str, Any]] = []
    handler = relay.lambda_handler
    monkeypatch.setattr(relay, "lambda_handler", lambda e, c: seen.append(e) or handler(e, c))
    from infra.lambda_runtime import load_handler

    load_handler.cache_clear()
    try:
        entry = owed()
        write_outbox(entry)
        [delivery] = events.drain_stream(RELAY)
    finally:
        load_handler.cache_clear()

    assert (delivery.records, delivery.failed) == (1, 0)
    [[record]] = [event["Records"] for event in seen]
    assert record["eventName"] == "INSERT" and record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == world.region
    assert record["eventSourceARN"] == world.attributes[("OutboxTable", "StreamArn")]
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    assert record["dynamodb"]["Keys"] == {"pk": {"S": f"outbox#{entry.id}"}}
    assert record["dynamodb"]["NewImage"]["pending"] == {"S": "1"}
    assert pending_ids(world) == [] and [m["to"] for m in sent_mails()] == ["ivan@example.ru"]
    assert events.drain_stream(RELAY) == []  # the relay's MODIFY: filtered out, not delivered


def test_a_failed_record_is_retried_after_retry_after_from_the_first_failed_one(world: World) -> None:
    events = LocalEvents(world, retry_after=60, log=lambda _: None)
    entry = owed()
    write_outbox(entry)

    with queue_outage(boto3.client("sqs"), world.refs["MailQueue"]):
        [delivery] = events.drain_stream(RELAY)
        assert (delivery.records, delivery.failed) == (1, 1)
        assert events.poll_stream(RELAY) is None  # not yet: retried 60 s later
    assert pending_ids(world) == [entry.id]

    events.retry_after = 0
    events._positions[RELAY].retry_at = 0  # the 60 s are up
    [retried] = events.drain_stream(RELAY)
    assert (retried.records, retried.failed) == (1, 0)
    assert pending_ids(world) == [] and len(sent_mails()) == 1


def test_an_invocation_that_failed_whole_is_bisected(world: World, events: LocalEvents) -> None:
    entries = [owed(f"n{n}@example.ru") for n in range(4)]
    for entry in entries:
        write_outbox(entry)

    with queue_outage(boto3.client("sqs"), world.refs["MailQueue"]):
        assert [d.records for d in [events.poll_stream(RELAY), events.poll_stream(RELAY)]] == [4, 2]
    assert [(d.records, d.failed) for d in events.drain_stream(RELAY)] == [(1, 0), (3, 0)]
    assert pending_ids(world) == []


def test_after_its_retries_the_stream_gives_up_to_the_failed_queue_and_the_sweeper_relays_the_item(
    world: World, events: LocalEvents
) -> None:
    stuck, later = owed("stuck@example.ru", minutes_ago=3), owed("later@example.ru")
    write_outbox(stuck)
    source = events.streams[RELAY]
    events.streams[RELAY] = replace(source, max_retries=2)

    with queue_outage(boto3.client("sqs"), world.refs["MailQueue"]):
        deliveries = events.drain_stream(RELAY)
    assert [(d.records, d.failed) for d in deliveries] == [(1, 1)] * 3  # the first try and 2 retries

    [batch] = failed_batches(world)
    info = batch["DDBStreamBatchInfo"]
    assert batch["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert batch["requestContext"]["functionArn"].endswith(f":function:{RELAY}")
    assert info["streamArn"] == source.stream_arn and info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    assert events.queue_depths()["OutboxFailedQueue"]["in_flight"] == 1  # just received
    assert pending_ids(world) == [stuck.id]  # given up by the stream, still owed

    write_outbox(later)  # the stream moved on
    assert [(d.records, d.failed) for d in events.drain_stream(RELAY)] == [(1, 0)]
    assert events.fire(SWEEPER)["relayed"] == 1
    assert pending_ids(world) == []
    assert sorted(m["to"] for m in sent_mails()) == ["later@example.ru", "stuck@example.ru"]
    assert "relayed_at" in item_of(world, stuck)


def test_a_record_older_than_the_maximum_age_is_given_up_without_an_invocation(
    world: World, events: LocalEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    entry = owed()
    write_outbox(entry)
    events.streams[RELAY] = replace(events.streams[RELAY], max_record_age=60)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)  # the stream an hour behind

    [delivery] = events.drain_stream(RELAY)

    assert (delivery.records, delivery.failed) == (0, 1)
    [batch] = failed_batches(world)
    assert batch["requestContext"]["condition"] == "RecordAgeExceeded"
    assert pending_ids(world) == [entry.id]  # for the sweeper
