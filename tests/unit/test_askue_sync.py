"""The ASKUE sync on moto and the simulator: the planner, the SQS worker with partial batch failures,
redelivery and the dead-letter queue, wrong credentials marked and mailed once, good data kept."""

import json
import threading
import time
from datetime import timedelta
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from botocore.client import BaseClient

from functions.askue import handler, service, worker
from functions.askue.crypto import encrypt_password
from functions.askue.models import Snapshot, StoredLink
from functions.askue.readings import meter_number
from functions.askue.settings import askue_settings
from functions.askue.store import SNAPSHOT_PREFIX, SYNC_INDEX, AskueStore, Owing
from functions.common.aws import dynamodb, sqs
from functions.common.clock import now
from functions.common.events import AskueSyncFailed
from functions.common.outbox import OutboxEntry, outbox_put
from functions.readings.service import history
from infra.askue_simulator import AskueSimulator
from infra.events import LocalEvents, sqs_event
from infra.lambda_runtime import LambdaContext
from infra.template import load_template, resources
from infra.world import World
from tests.faults import failing_where
from tests.unit.askue_support import DEMO, askue, consumer_event, simulator
from tests.unit.conftest import REGION, call, mailed

__all__ = ["askue", "simulator"]

PLANNER, WORKER = "AskueSyncPlannerFunction", "AskueSyncWorkerFunction"
REJECTED_SUBJECT = "АСКУЭ не принимает сохранённый пароль"


@pytest.fixture
def events(askue: AskueSimulator, world: World) -> LocalEvents:
    return LocalEvents(world, retry_after=0, wait_seconds=0, log=lambda _: None)


USER_1 = {"sub": "user-1", "email": "user-1@example.ru"}


def store() -> AskueStore:
    return AskueStore(askue_settings().askue_table)


def refusal_owed(user_id: str) -> Owing:
    """What a refusal of the consumer's credentials owes, as the sync writes it: its event."""

    def owing(sequence: int) -> Any:
        failed = AskueSyncFailed(
            user_id=user_id, reason="credentials_refused", failed_at=now(), sequence=sequence
        )
        return outbox_put(OutboxEntry.owing(events=[failed]))

    return owing


def snapshots(user_id: str) -> list[Snapshot]:
    """The consumer's snapshot history in the order of its keys read backwards: oldest first."""
    table = boto3.resource("dynamodb", region_name=REGION).Table(askue_settings().askue_table)
    items = table.query(
        KeyConditionExpression=Key("user_id").eq(user_id) & Key("sk").begins_with(SNAPSHOT_PREFIX),
        ScanIndexForward=False,
    )["Items"]
    return [
        Snapshot.model_validate({k: item[k] for k in ("rows", "fetched_at", "login", "source")})
        for item in items
    ]


def remember(user_id: str, login: str, phrase: str = "x") -> StoredLink:
    """A remembered link written as the fetch would write it (fault accounts cannot be fetched)."""
    link = StoredLink(
        user_id=user_id,
        email=f"{user_id}@example.ru",
        login=login,
        password_ciphertext=encrypt_password(user_id, phrase),
        state="active",
        linked_at=now(),
    )
    store().save_link(link)
    return link


def fetch_demo(user_id: str, remember_it: bool = True) -> None:
    claims = {"sub": user_id, "email": f"{user_id}@example.ru"}
    status, _ = call(
        handler, consumer_event("POST", "/api/askue/fetch", {**DEMO, "remember": remember_it}, claims)
    )
    assert status == 200


def queue_counts(world: World) -> tuple[int, int]:
    """Messages on the sync queue (visible + in flight) and in its dead-letter queue."""
    client = boto3.client("sqs", region_name=REGION)

    def count(url: str) -> int:
        attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    return count(world.refs["AskueSyncQueue"]), count(world.refs["AskueSyncDeadLetterQueue"])


def test_the_planner_queues_every_active_link_in_batches_of_ten(
    events: LocalEvents, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(23):
        remember(f"user-{n}", f"load-{n}", f"pw-{n}")
    rejected = remember("user-rejected", "demo", "old")
    store().mark_rejected(rejected.user_id, rejected.linked_at, now(), refusal_owed(rejected.user_id))
    remember("user-forgotten", "demo")
    store().delete_link("user-forgotten")
    batches: list[int] = []
    client = sqs()
    original = client.send_message_batch
    monkeypatch.setattr(
        client, "send_message_batch", lambda **kw: batches.append(len(kw["Entries"])) or original(**kw)
    )

    assert events.fire(PLANNER) == {"queued": 23}

    assert sorted(batches, reverse=True) == [10, 10, 3]
    assert queue_counts(world) == (23, 0)


def test_the_planner_has_several_batches_in_flight_at_once(
    events: LocalEvents, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100,000 accounts are 10,000 SendMessageBatch calls: one at a time they would take the
    planner's whole Timeout on AWS."""
    for n in range(60):
        remember(f"user-{n}", f"load-{n}", f"pw-{n}")
    in_flight, most = [0], [0]
    lock = threading.Lock()
    client = sqs()
    original = client.send_message_batch

    def slow_send(**kwargs: Any) -> Any:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.2)  # an AWS call that takes its time
        with lock:
            in_flight[0] -= 1
        return original(**kwargs)

    monkeypatch.setattr(client, "send_message_batch", slow_send)

    assert events.fire(PLANNER) == {"queued": 60}

    assert most[0] > 1
    assert queue_counts(world) == (60, 0)


def test_the_planner_reads_only_the_sparse_index(
    events: LocalEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember("user-1", "load-1", "pw-1")
    fetch_demo("user-2", remember_it=False)  # data, but no link: not in the index
    calls: list[tuple[str, Any]] = []
    client = dynamodb()
    for name in ("query", "scan", "get_item"):
        original = getattr(client, name)
        monkeypatch.setattr(
            client,
            name,
            lambda *a, _o=original, _n=name, **k: calls.append((_n, k.get("IndexName"))) or _o(*a, **k),
        )

    assert events.fire(PLANNER) == {"queued": 1}

    assert {call for call in calls} == {("query", SYNC_INDEX)}


def test_a_batch_is_fetched_concurrently_and_every_account_gets_a_snapshot(
    events: LocalEvents, askue: AskueSimulator
) -> None:
    askue.latency = 0.3
    for n in range(10):
        remember(f"user-{n}", f"load-{n}", f"pw-{n}")
    events.fire(PLANNER)

    began = time.monotonic()
    delivery = events.poll(WORKER)
    elapsed = time.monotonic() - began

    assert delivery is not None
    assert (delivery.records, delivery.failed) == (10, 0)
    assert elapsed < 2.0, f"10 accounts at 0.3 s each took {elapsed:.1f} s: not concurrent"
    for n in range(10):
        [snapshot] = snapshots(f"user-{n}")
        assert snapshot.source == "sync"
        assert snapshot.rows[0].meter_name == f"Счётчик № {100000 + n}"


def test_the_batch_threads_share_only_the_thread_safe_client_and_make_no_resource(
    events: LocalEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A boto3 resource is not thread-safe, a client is: every DynamoDB call of the worker's threads
    (links, snapshots and the readings they record) goes through the one low-level client of
    functions/common/aws.py, and nothing makes a resource."""
    for n in range(4):
        remember(f"user-{n}", f"load-{n}", f"pw-{n}")
    events.fire(PLANNER)
    resources: list[str] = []
    calls: list[tuple[str, int, str]] = []  # thread, client, operation
    original = BaseClient._make_api_call

    def made_resource(*_: Any, **__: Any) -> None:
        resources.append(threading.current_thread().name)
        raise AssertionError("a boto3 resource was made")

    def recorded(client: BaseClient, operation: str, params: Any) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            calls.append((threading.current_thread().name, id(client), operation))
        return original(client, operation, params)

    monkeypatch.setattr(boto3.session.Session, "resource", made_resource)
    monkeypatch.setattr(BaseClient, "_make_api_call", recorded)

    delivery = events.poll(WORKER)

    assert delivery is not None
    assert (delivery.records, delivery.failed) == (4, 0)
    assert resources == []
    in_threads = [(thread, operation) for thread, _, operation in calls if thread.startswith("askue-sync")]
    assert len({thread for thread, _ in in_threads}) > 1, "the batch ran in several threads"
    assert {"BatchGetItem", "TransactWriteItems"} <= {operation for _, operation in in_threads}
    # The batch's writes, made together once every account is fetched: the marks, then the snapshots.
    after = [operation for thread, _, operation in calls if not thread.startswith("askue-sync")]
    assert after == ["BatchGetItem", "BatchWriteItem", "BatchWriteItem"]
    assert {client for _, client, _ in calls} == {id(dynamodb())}
    assert [r.source.value for r in history("user-0", "100000", None).items] == ["askue"]


def test_one_failing_account_is_reported_alone_and_never_stops_the_others(
    events: LocalEvents, world: World
) -> None:
    remember("user-good", "load-1", "pw-1")
    remember("user-down", "fault-503-a")
    remember("user-hostile", "fault-xxe")
    fetch_demo("user-demo")
    events.fire(PLANNER)

    delivery = events.poll(WORKER)

    assert delivery is not None
    assert (delivery.records, delivery.failed) == (4, 2)
    assert [s.source for s in snapshots("user-good")] == ["sync"]
    assert [s.source for s in snapshots("user-demo")] == ["fetch", "sync"]
    assert snapshots("user-down") == snapshots("user-hostile") == []
    assert queue_counts(world) == (2, 0), "only the failed messages stay for redelivery"


def test_an_aws_fault_on_one_account_fails_its_record_only_and_redelivery_syncs_it(
    events: LocalEvents, world: World
) -> None:
    remember("user-good", "load-1", "pw-1")
    remember("user-throttled", "load-2", "pw-2")
    events.fire(PLANNER)

    with failing_where("kms", "Decrypt", "user-throttled"):
        delivery = events.poll(WORKER)

    assert delivery is not None
    assert (delivery.records, delivery.failed) == (2, 1)
    assert [s.source for s in snapshots("user-good")] == ["sync"]
    assert snapshots("user-throttled") == []
    again = events.poll(WORKER)  # the fixture makes a failed record visible again at once
    assert again is not None and (again.records, again.failed) == (1, 0)
    assert [s.source for s in snapshots("user-throttled")] == ["sync"]
    assert [s.source for s in snapshots("user-good")] == ["sync"]


def test_the_worker_answers_partial_batch_failures_in_lambdas_shape(events: LocalEvents) -> None:
    remember("user-good", "load-1", "pw-1")
    remember("user-down", "fault-500-a")
    messages = [
        {"MessageId": f"m-{user}", "ReceiptHandle": f"r-{user}", "Body": json.dumps({"user_id": user})}
        for user in ("user-good", "user-down")
    ]
    answer = worker.lambda_handler(
        sqs_event(messages, "arn:aws:sqs:eu-central-1:1:q", REGION), LambdaContext("w")
    )

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-user-down"}]}


def test_a_failing_account_is_retried_then_dead_lettered_and_its_good_data_kept(
    events: LocalEvents, world: World
) -> None:
    fetch_demo("user-1")
    [good] = snapshots("user-1")
    remember("user-1", "fault-503-b")  # the stored link now points at an ASKUE that keeps failing
    events.fire(PLANNER)

    deliveries = []
    for _ in range(6):
        deliveries += events.drain(WORKER)
        if queue_counts(world) == (0, 1):
            break

    assert [d.failed for d in deliveries] == [1, 1, 1], "maxReceiveCount 3, then the DLQ"
    assert queue_counts(world) == (0, 1)
    assert snapshots("user-1") == [good]
    status, latest = call(
        handler,
        consumer_event("GET", "/api/askue/latest", claims=USER_1),
    )
    assert status == 200
    assert latest["source"] == "fetch"
    assert len(latest["rows"]) == 3


def test_a_transient_fault_heals_on_redelivery(
    events: LocalEvents, world: World, askue: AskueSimulator
) -> None:
    remember("user-1", "flaky-3-c")  # three 503s: the first delivery's three attempts all fail
    events.fire(PLANNER)

    first = events.drain(WORKER)
    second = events.drain(WORKER)

    assert [d.failed for d in first + second] == [1, 0]
    assert askue.requests["flaky-3-c"] == 4
    assert [s.source for s in snapshots("user-1")] == ["sync"]
    assert queue_counts(world) == (0, 0)


def test_wrong_credentials_mark_the_link_and_mail_the_consumer_once(
    events: LocalEvents, world: World
) -> None:
    remember("user-1", "demo", "an-old-password")

    events.fire(PLANNER)
    assert [d.failed for d in events.drain(WORKER)] == [0], "a refusal is an answer, not a fault"

    link = store().get_link("user-1")
    assert link is not None
    assert link.state == "credentials_rejected"
    assert link.rejected_at is not None
    [mail] = [m for m in mailed() if m["to"] == "user-1@example.ru"]
    assert mail["subject"] == REJECTED_SUBJECT
    assert "«demo»" in mail["text"]
    assert "Запомнить для автоматического обновления" in mail["text"]
    assert "an-old-password" not in mail["text"]
    status, latest = call(
        handler,
        consumer_event("GET", "/api/askue/latest", claims=USER_1),
    )
    assert status == 200
    assert latest["link"]["state"] == "credentials_rejected"
    assert latest["link"]["rejected_at"]

    # The next hour: not planned again; a duplicate message changes nothing; still one mail.
    assert events.fire(PLANNER) == {"queued": 0}
    assert service.sync_account("user-1") == "skipped"
    assert len([m for m in mailed() if m["to"] == "user-1@example.ru"]) == 1

    # A successful fetch with «Запомнить» links the account again.
    fetch_demo("user-1")
    link = store().get_link("user-1")
    assert link is not None
    assert (link.state, link.rejected_at) == ("active", None)
    assert events.fire(PLANNER) == {"queued": 1}
    assert [d.failed for d in events.drain(WORKER)] == [0]
    assert snapshots("user-1")[-1].source == "sync"


def test_a_link_replaced_during_the_sync_is_not_marked(events: LocalEvents, world: World) -> None:
    from tests.unit.outbox_support import owed_entries

    old = remember("user-1", "demo", "an-old-password")
    remember("user-1", "demo", "demo-askue-1")  # the consumer linked again meanwhile

    assert store().mark_rejected("user-1", old.linked_at, now(), refusal_owed("user-1")) is False
    link = store().get_link("user-1")
    assert link is not None
    assert link.state == "active"
    assert owed_entries(world) == [] and store().sync_failures("user-1") == 0  # nothing owed, not counted


def test_older_data_never_replaces_the_latest(askue: AskueSimulator) -> None:
    fetch_demo("user-1", remember_it=False)
    [newer] = snapshots("user-1")
    older = Snapshot(rows=[], fetched_at=newer.fetched_at - timedelta(minutes=5), login="demo", source="sync")

    store().save_snapshot("user-1", older)  # a slow sync that fetched before the newer one

    latest, _ = store().latest_and_link("user-1")
    assert latest == newer
    assert len(snapshots("user-1")) == 2, "the history keeps both"


def test_the_newest_of_many_snapshots_is_the_latest_with_or_without_a_link(askue: AskueSimulator) -> None:
    start = now()
    for minutes in (3, 1, 4, 2):  # written out of order
        store().save_snapshot(
            "user-1",
            Snapshot(rows=[], fetched_at=start + timedelta(minutes=minutes), login="demo", source="sync"),
        )

    latest, link = store().latest_and_link("user-1")
    assert latest is not None and latest.fetched_at == start + timedelta(minutes=4)
    assert link is None

    remember("user-1", "demo")
    latest, link = store().latest_and_link("user-1")
    assert latest is not None and latest.fetched_at == start + timedelta(minutes=4)
    assert link is not None and link["link_state"] == "active"
    assert [s.fetched_at for s in snapshots("user-1")] == [start + timedelta(minutes=m) for m in (1, 2, 3, 4)]


def test_synced_registers_appear_in_the_readings_history_marked_askue(events: LocalEvents) -> None:
    fetch_demo("user-1")
    events.fire(PLANNER)
    events.drain(WORKER)

    readings = history("user-1", None, None).items

    assert {r.meter_number for r in readings} == {"41250017", "31180254", "31180261"}
    assert {r.source for r in readings} == {"askue"}
    assert all(set(r.values) == {"t1"} for r in readings)


def test_the_meter_number_is_what_follows_the_number_sign() -> None:
    assert meter_number("Меркурий 230 ART-03 № 31180254 (ввод 1)") == "31180254"
    assert meter_number("Счётчик №100005") == "100005"
    assert meter_number("Ввод ТП-12") is None


def test_sqs_records_have_the_real_event_shape_and_the_templates_batch_size(
    events: LocalEvents, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(25):
        remember(f"user-{n}", f"load-{n}", f"pw-{n}")
    events.fire(PLANNER)
    seen: list[dict[str, Any]] = []
    source = events.queues[WORKER]
    original = events.deliver
    monkeypatch.setattr(
        events, "deliver", lambda s, m: seen.append(sqs_event(m, s.queue_arn, REGION)) or original(s, m)
    )

    events.poll(WORKER)

    [event] = seen
    assert len(event["Records"]) == source.batch_size == 10
    record = event["Records"][0]
    assert set(record) >= {
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    }
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == world.attributes[("AskueSyncQueue", "Arn")]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert json.loads(record["body"])["user_id"].startswith("user-")


def test_the_template_wires_the_schedule_queue_and_dead_letter_queue() -> None:
    template = load_template()
    functions = resources(template, "AWS::Serverless::Function")
    planner, worker = functions[PLANNER]["Properties"], functions[WORKER]["Properties"]
    [schedule] = planner["Events"].values()
    assert schedule["Type"] == "Schedule"
    assert template["Parameters"]["AskueSyncSchedule"]["Default"] == "rate(1 hour)"
    [source] = worker["Events"].values()
    assert source["Type"] == "SQS"
    assert source["Properties"]["BatchSize"] == 10
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queue = template["Resources"]["AskueSyncQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["AskueSyncDeadLetterQueue", "Arn"]
    }
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 3
    key = template["Resources"]["AskueKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    [index] = template["Resources"]["AskueTable"]["Properties"]["GlobalSecondaryIndexes"]
    assert index["IndexName"] == SYNC_INDEX
    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}


def test_the_worker_may_make_every_call_it_makes_on_the_askue_table() -> None:
    """A batch's links in one BatchGetItem (service.links_for), a failure's count read (GetItem), the
    snapshot (PutItem), a failure's mark and count in a transaction (UpdateItem, PutItem), and, with
    the 80020 connector, the latest snapshot a corrected document is kept against (Query)."""
    worker = resources(load_template(), "AWS::Serverless::Function")[WORKER]["Properties"]
    granted = {
        action
        for policy in worker["Policies"]
        for statement in policy["Statement"]
        if statement["Resource"] == {"Fn::GetAtt": ["AskueTable", "Arn"]}
        for action in statement["Action"]
    }
    assert granted == {
        "dynamodb:BatchGetItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
    }
