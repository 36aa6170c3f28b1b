"""The outbox's relay (functions/outbox/relay.py, on the table's stream) and sweeper
(functions/outbox/sweeper.py, every minute), by the same code (functions/outbox/service.py): an item
owed becomes its mail jobs on MailQueue (their ids derived from the item's: a job sent twice is mailed
once) and its events on the bus (with their event ids), then leaves the Pending index with a TTL; an
item the queue or the bus would not take stays pending, reported failed, until it is relayed."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest

from functions.common.dynamo import Table, serialize
from functions.common.events import RequestStatusChanged
from functions.common.mail import NoticeJob
from functions.common.outbox import KEPT_AFTER_RELAY, PENDING, PENDING_INDEX, OutboxEntry, stamp, write_outbox
from functions.outbox import relay, sweeper
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.faults import failing_where
from tests.unit.conftest import deliver_mail, sent_mails
from tests.unit.test_events import published
from tests.unit.test_metrics import emitted

EMAIL = "ivan@example.ru"


def owed(to: str = EMAIL, *, minutes_ago: float = 0) -> OutboxEntry:
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    change = RequestStatusChanged(
        request_id="01JBQ0000000000000000000AA",
        number="2026-000001",
        sequence=1,
        previous_status="registered",
        status="in_review",
        by="company",
        changed_at=at,
    )
    mail = NoticeJob(to=to, subject="Статус заявки изменён", text="Заявка 2026-000001: «На рассмотрении».")
    return OutboxEntry.owing(mails=[mail], events=[change], created_at=at)


def stream_event(*entries: OutboxEntry, world: World) -> dict[str, Any]:
    """What the table's stream gives the relay for these new items (Lambda's DynamoDB Streams event)."""
    arn = world.attributes[("OutboxTable", "StreamArn")]
    return {
        "Records": [
            {
                "eventID": f"event-{n}",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": world.region,
                "dynamodb": {
                    "ApproximateCreationDateTime": int(entry.created_at.timestamp()),
                    "Keys": serialize(entry.key),
                    "NewImage": serialize(entry.item()),
                    "SequenceNumber": str(1000 + n),
                    "SizeBytes": 100,
                    "StreamViewType": "NEW_IMAGE",
                },
                "eventSourceARN": arn,
            }
            for n, entry in enumerate(entries)
        ]
    }


def run_relay(world: World, *entries: OutboxEntry) -> list[str]:
    """Invokes the relay with the stream's records of `entries`; the sequence numbers it reported failed
    (every one when the invocation failed: Lambda then retries the whole batch)."""
    event = stream_event(*entries, world=world)
    try:
        answer = relay.lambda_handler(event, LambdaContext("OutboxRelayFunction", timeout_ms=60_000))
    except Exception:
        return [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]
    return [str(failure["itemIdentifier"]) for failure in answer["batchItemFailures"]]


def item_of(world: World, entry: OutboxEntry) -> dict[str, Any]:
    found = Table(world.refs["OutboxTable"]).get(entry.key, consistent=True)
    assert found is not None
    return found


def pending_ids(world: World) -> list[str]:
    page = Table(world.refs["OutboxTable"]).query("pending = :p", {":p": PENDING}, index=PENDING_INDEX)
    return [str(item["pk"]).removeprefix("outbox#") for item in page.items]


def queued_jobs(world: World) -> list[dict[str, Any]]:
    client, url = boto3.client("sqs"), world.refs["MailQueue"]
    messages = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        client.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return [json.loads(message["Body"]) for message in messages]


def test_an_item_becomes_its_mail_job_and_its_event_then_leaves_the_index_with_a_ttl(world: World) -> None:
    entry = owed()
    write_outbox(entry)
    assert pending_ids(world) == [entry.id]

    assert run_relay(world, entry) == []

    [job] = queued_jobs(world)
    assert (job["id"], job["kind"], job["to"]) == (f"{entry.id}-m0", "notice", EMAIL)
    [event] = published(world)
    assert event["detail-type"] == "portal.request.status.changed.v1"
    assert event["detail"]["event_id"] == f"{entry.id}-e0"
    item = item_of(world, entry)
    assert "pending" not in item and pending_ids(world) == []
    relayed_at = datetime.fromisoformat(item["relayed_at"])
    assert item["expires_at"] == Decimal(int((relayed_at + KEPT_AFTER_RELAY).timestamp()))
    assert [mail["to"] for mail in sent_mails()] == [EMAIL]


def test_a_relay_run_twice_mails_once(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    entry = owed()
    write_outbox(entry)
    assert run_relay(world, entry) == []
    assert run_relay(world, entry) == []  # the stream's record again: nothing owed any more
    assert len(queued_jobs(world)) == 1

    # The mark lost (the relay stopped after sending): the item is relayed again, the same job.
    Table(world.refs["OutboxTable"]).update(
        entry.key, "SET pending = :p REMOVE relayed_at", values={":p": PENDING}
    )
    assert run_relay(world, entry) == []
    assert [job["id"] for job in queued_jobs(world)] == [f"{entry.id}-m0"] * 2
    deliver_mail()
    assert [mail["to"] for mail in sent_mails()] == [EMAIL]  # the mail worker's ledger: once
    assert [e["detail"]["event_id"] for e in published(world, distinct=False)] == [f"{entry.id}-e0"] * 2
    assert emitted(capsys).count(("OutboxRelays", {"Outcome": "relayed"})) == 2


def test_an_item_the_mail_queue_does_not_take_is_reported_failed_and_stays_pending(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    failing, fine = owed("failing@example.ru"), owed()
    write_outbox(failing)
    write_outbox(fine)

    with failing_where("sqs", "SendMessage", failing.id, "5xx"):
        assert run_relay(world, failing, fine) == ["1000"]

    assert pending_ids(world) == [failing.id]
    assert "relayed_at" not in item_of(world, failing)
    assert published(world)[0]["detail"]["event_id"] == f"{fine.id}-e0"
    assert ("OutboxRelays", {"Outcome": "failed"}) in emitted(capsys)

    assert run_relay(world, failing) == []  # the retry, the queue back
    assert pending_ids(world) == []
    assert sorted(mail["to"] for mail in sent_mails()) == ["failing@example.ru", EMAIL]


def test_a_batch_whose_every_item_failed_fails_the_invocation_so_that_lambda_bisects_it(world: World) -> None:
    entries = [owed(f"n{n}@example.ru") for n in range(2)]
    for entry in entries:
        write_outbox(entry)
    event = stream_event(*entries, world=world)

    with (
        failing_where("sqs", "SendMessage", "example.ru", "5xx"),
        pytest.raises(Exception, match="All records failed"),
    ):
        relay.lambda_handler(event, LambdaContext("OutboxRelayFunction"))
    assert sorted(pending_ids(world)) == sorted(entry.id for entry in entries)


def test_when_the_bus_fails_after_the_mails_went_the_retry_puts_the_events_only(world: World) -> None:
    entry = owed()
    write_outbox(entry)

    with failing_where("events", "PutEvents", entry.id, "5xx"):
        assert run_relay(world, entry) == ["1000"]
    assert "mails_queued_at" in item_of(world, entry) and pending_ids(world) == [entry.id]
    assert published(world) == []

    assert run_relay(world, entry) == []
    assert len(queued_jobs(world)) == 1  # not queued again
    assert [e["detail"]["event_id"] for e in published(world)] == [f"{entry.id}-e0"]


def test_entries_the_bus_refuses_keep_the_item_pending(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.common import events as module

    class Refusing:
        def put_events(self, **_: Any) -> dict[str, Any]:
            return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure"}]}

    entry = OutboxEntry.owing(events=owed_change_only())
    write_outbox(entry)
    monkeypatch.setattr(module, "events", Refusing)
    assert run_relay(world, entry) == ["1000"]
    assert pending_ids(world) == [entry.id]


def owed_change_only() -> list[RequestStatusChanged]:
    return [
        RequestStatusChanged(
            request_id="r",
            number="2026-000002",
            sequence=1,
            previous_status="registered",
            status="done",
            by="company",
            changed_at=datetime.now(UTC),
        )
    ]


def test_a_record_of_an_item_gone_or_relayed_by_the_sweeper_is_nothing_to_do(world: World) -> None:
    entry = owed()  # never written: a cancelled transaction's record, or an item TTL deleted
    assert run_relay(world, entry) == []
    assert queued_jobs(world) == [] and published(world) == []
    assert Table(world.refs["OutboxTable"]).get(entry.key) is None  # the mark made no item


# ---------------------------------------------------------------- the sweeper


def sweep(timeout_ms: int = 60_000) -> dict[str, int]:
    answer: dict[str, int] = sweeper.lambda_handler(
        {}, LambdaContext("OutboxSweeperFunction", timeout_ms=timeout_ms)
    )
    return answer


def test_the_sweeper_relays_what_stayed_pending_and_leaves_what_the_stream_has_yet_to(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    stale, overdue, fresh = (
        owed("stale@example.ru", minutes_ago=3),
        owed("late@example.ru", minutes_ago=11),
        owed(),
    )
    for entry in (stale, overdue, fresh):
        write_outbox(entry)

    assert sweep() == {"relayed": 2, "failed": 0, "overdue": 1, "left": 0, "settled": 0}

    assert pending_ids(world) == [fresh.id]
    assert all("expires_at" in item_of(world, entry) for entry in (stale, overdue))
    assert sorted(mail["to"] for mail in sent_mails()) == ["late@example.ru", "stale@example.ru"]
    assert sorted(e["detail"]["event_id"] for e in published(world)) == sorted(
        f"{entry.id}-e0" for entry in (stale, overdue)
    )
    assert ("OutboxOverdue", {}) in emitted(capsys)
    assert sweep() == {"relayed": 0, "failed": 0, "overdue": 0, "left": 0, "settled": 0}  # 0 is reported too


def test_the_sweeper_keeps_what_still_fails_pending_and_stops_starting_items_before_its_timeout(
    world: World,
) -> None:
    failing, fine = owed("failing@example.ru", minutes_ago=5), owed(minutes_ago=4)
    write_outbox(failing)
    write_outbox(fine)

    with failing_where("sqs", "SendMessage", failing.id, "5xx"):
        assert sweep() == {"relayed": 1, "failed": 1, "overdue": 0, "left": 0, "settled": 0}
    assert pending_ids(world) == [failing.id]

    assert sweep(timeout_ms=sweeper.MARGIN_MS - 1) == {
        "relayed": 0,
        "failed": 0,
        "overdue": 0,
        "left": 1,
        "settled": 0,
    }
    assert sweep() == {"relayed": 1, "failed": 0, "overdue": 0, "left": 0, "settled": 0}
    assert pending_ids(world) == []


def test_the_sweeper_reads_only_the_pending_index(world: World) -> None:
    from tests.aws_calls import AwsCallRecorder

    entry = owed(minutes_ago=3)
    write_outbox(entry)
    calls: list[tuple[str, str]] = []
    with AwsCallRecorder().recording(calls):
        sweep()
    assert ("dynamodb", "Scan") not in calls
    assert calls == [
        ("dynamodb", "Query"),
        ("dynamodb", "GetItem"),
        ("dynamodb", "GetItem"),  # the change feed's counter (functions/common/changes.py)
        ("dynamodb", "TransactWriteItems"),  # its events numbered in the feed, the item marked
        ("sqs", "SendMessage"),
        ("events", "PutEvents"),
        ("dynamodb", "UpdateItem"),
        ("dynamodb", "Query"),  # the notices held (functions/common/held.py): none
    ]
    assert stamp(entry.created_at) == item_of(world, entry)["created_at"]
