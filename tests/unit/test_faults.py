"""The fault matrix (tests/faults.py): every route of template.yaml, the session authorizer, the ASKUE
schedule and both queue workers, each of their AWS calls failed in turn (throttled, a 5xx, a read
timeout), and for the operations that owe a mail or an event, each call done and then its answer lost
or the function killed right after it. No cell may answer 500, answer done without doing it, leave a
change half done, or leave a state its retry (the same request; the redelivered record) and the
outbox's relay do not complete exactly once — except the cells tests/faults.py lists in KNOWN, each
with the kinds of inconsistency it leaves (never a notice or an event lost); README's figures of the
matrix are its size. The injection, the relay's drain and the judging are checked on their own first;
the matrix runs in parts (each takes the whole tour, and runs the cells of a third of its operations),
so that the test processes share its few minutes."""

import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import BotoCoreError, ClientError

from functions.common import events
from functions.common.aws import dynamodb, sqs
from functions.common.dynamo import Table
from functions.common.events import RequestStatusChanged
from functions.common.mail import MailQueueUnavailable, NoticeJob, queue_mail
from functions.common.outbox import PENDING, outbox_put, write_outbox
from functions.mail.sender import send_mail
from infra.askue_simulator import AskueSimulator
from infra.world import World
from tests.aws_calls import Operation
from tests.faults import (
    AFTER_THE_CALL,
    FAULTS,
    KNOWN,
    NEVER_KNOWN,
    FaultTour,
    FaultyRecorder,
    Kind,
    LambdaKilled,
    Outcome,
    clock_moved,
    differences,
    every_fault,
    fault_matrix,
    in_shard,
    kinds_of,
    mails_counted_in_one_hour,
    owes,
    retries,
    world_state,
)
from tests.outages import queue_outage
from tests.unit.askue_support import askue, simulator  # noqa: F401 (fixtures)
from tests.unit.test_outbox_relay import EMAIL, owed, pending_ids

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def recorder(world: World) -> Iterator[FaultyRecorder]:
    made = FaultyRecorder()
    yield made
    made.close()


def _put_once(table: str) -> None:
    dynamodb().put_item(
        TableName=table,
        Item={"pk": {"S": "outbox#lost"}, "id": {"S": "lost"}},
        ConditionExpression="attribute_not_exists(pk)",
    )


def test_a_lost_answer_is_done_on_aws_and_the_sdk_s_retry_meets_what_it_did(
    world: World, recorder: FaultyRecorder
) -> None:
    table = world.refs["OutboxTable"]
    with recorder.failing(0, "lost_answer"), pytest.raises(ClientError, match="ConditionalCheckFailed"):
        _put_once(table)  # done by the first attempt; the SDK's second finds it there
    assert recorder.failed == ("dynamodb", "PutItem")
    assert recorder.loss is not None and recorder.loss.retried
    assert boto3.client("dynamodb").get_item(TableName=table, Key={"pk": {"S": "outbox#lost"}}).get("Item")

    url = world.refs["MailQueue"]
    with recorder.failing(0, "lost_answer"):
        sqs().send_message(QueueUrl=url, MessageBody="{}")  # sent twice: SQS has no idempotency
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "2"


def test_a_transaction_whose_answer_is_lost_is_answered_as_dynamodb_does_the_same_token(
    world: World, recorder: FaultyRecorder
) -> None:
    table = world.refs["OutboxTable"]
    put = {
        "Put": {
            "TableName": table,
            "Item": {"pk": {"S": "outbox#t"}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    with recorder.failing(0, "lost_answer"):
        dynamodb().transact_write_items(TransactItems=[put])  # no TransactionCanceled: the same token
    assert recorder.loss is not None and recorder.loss.retried and recorder.loss.idempotent


def test_a_crash_kills_the_function_right_after_the_call_and_every_call_after_it(
    world: World, recorder: FaultyRecorder
) -> None:
    table = world.refs["OutboxTable"]
    with recorder.failing(1, "crash") as calls:
        dynamodb().get_item(TableName=table, Key={"pk": {"S": "outbox#none"}})
        with pytest.raises(LambdaKilled):
            _put_once(table)
        assert not isinstance(LambdaKilled(), Exception)  # no `except Exception` catches it
        with pytest.raises(LambdaKilled):  # a clean-up in `except BaseException` dies too
            dynamodb().delete_item(TableName=table, Key={"pk": {"S": "outbox#lost"}})
    assert calls == [("dynamodb", "GetItem"), ("dynamodb", "PutItem")]
    assert boto3.client("dynamodb").get_item(TableName=table, Key={"pk": {"S": "outbox#lost"}}).get("Item")
    dynamodb().get_item(TableName=table, Key={"pk": {"S": "outbox#lost"}})  # alive again after the cell


def test_the_world_is_compared_once_the_outbox_is_relayed_by_its_stream_or_sweeper_and_the_mail_sent(
    world: World, recorder: FaultyRecorder
) -> None:
    tour = FaultTour(world, recorder, every_fault)
    entry = owed()
    write_outbox(entry)
    owing = world_state(world)
    assert [item for item in owing["outbox"] if '"pending": {' in item]
    assert f"outbox#{entry.id}" not in str(owing["outbox"])  # its bookkeeping is not compared

    tour.settle(consumes=None)  # the stream's relay, then the mail worker
    settled = world_state(world)
    assert pending_ids(world) == [] and not [item for item in settled["outbox"] if '"pending": {' in item]
    assert len(settled["mail sent"]) == 1 and len(settled["events put"]) == 1
    assert settled["mail queued"] == []
    assert owes(owing, settled)
    tour.settle(consumes=None)
    assert world_state(world) == settled  # nothing relayed twice

    # The stream's relay failing (the mail queue gone): the item stays pending, the sweeper relays it.
    second = owed()
    write_outbox(second)
    with queue_outage(boto3.client("sqs"), world.refs["MailQueue"]):
        tour.relay_outbox()
    assert second.id in pending_ids(world)
    tour.settle(consumes=None)
    assert pending_ids(world) == [] and len(world_state(world)["mail sent"]) == 2


def test_an_event_put_again_with_its_event_id_is_one_event_and_a_mail_sent_twice_is_two(
    world: World, recorder: FaultyRecorder
) -> None:
    tour = FaultTour(world, recorder, every_fault)
    entry = owed()
    write_outbox(entry)
    tour.settle(consumes=None)
    once = world_state(world)
    Table(world.refs["OutboxTable"]).update(entry.key, "SET pending = :p", values={":p": PENDING})
    tour.settle(consumes=None)  # the sweeper relays it again: the same event, the same mail job
    assert world_state(world) == once
    send_mail(EMAIL, "Статус заявки изменён", "Заявка 2026-000001: «На рассмотрении».")
    twice = world_state(world)
    assert kinds_of(differences(twice, once)) == {Kind.NOTICE_TWICE}
    assert kinds_of(differences(once, twice)) == {Kind.LOST_NOTICE}


def test_a_cell_is_retried_as_the_world_would_and_a_redelivery_comes_after_the_visibility_timeout() -> None:
    assert retries(Outcome("503"), None) and retries(Outcome("killed"), None)
    assert not retries(Outcome("409"), None) and not retries(Outcome("201"), None)
    assert retries(Outcome("raised"), None) and not retries(Outcome("done"), None)  # a schedule
    assert retries(Outcome("done"), "MailFunction")  # a queue: what is left on it, maybe nothing

    from functions.auth import account_jobs
    from functions.common import clock

    before = clock.now()
    with clock_moved(timedelta(minutes=6)):
        assert clock.now() - before >= timedelta(minutes=6)
        assert account_jobs.now() - before >= timedelta(minutes=6)  # imported by name, moved too
    assert clock.now() - before < timedelta(minutes=1)


def _filing(world: World, *, rewired: bool) -> Callable[[], Outcome]:
    """A route as the matrix sees one: it files a change (answered 201 again if it finds it done, as
    an Idempotency-Key would) that owes a notice and an event — written in the change's own
    transaction (`rewired`), or, as the routes still do, queued and put after the change."""
    table = Table(world.refs["OutboxTable"])  # any table holds the change: this one is at hand
    change = {"pk": "change#1"}
    notice = NoticeJob(to=EMAIL, subject="Заявка зарегистрирована", text="Заявка 2026-000001.")

    def run() -> Outcome:
        try:
            if table.get(change, consistent=True) is not None:
                return Outcome("201")
            entry = owed()
            if rewired:
                table.transact(
                    [table.put_action(change, condition="attribute_not_exists(pk)"), outbox_put(entry)]
                )
            else:
                table.put(change)
                with suppress(MailQueueUnavailable):  # logged, as the routes do
                    queue_mail(notice)
                events.publish(*[RequestStatusChanged.model_validate_json(e.detail) for e in entry.events])
        except LambdaKilled:
            return Outcome("killed")
        except (ClientError, BotoCoreError):
            return Outcome("503", "60")
        return Outcome("201")

    return run


@pytest.mark.parametrize("rewired", [True, False])
def test_a_change_that_writes_its_outbox_item_in_its_transaction_is_consistent_in_every_cell(
    world: World, recorder: FaultyRecorder, rewired: bool
) -> None:
    tour = FaultTour(world, recorder, every_fault)
    operation = Operation("POST", "/filing", "Filing", "none")
    assert (
        tour.explore("POST /filing", operation, _filing(world, rewired=rewired), route=True).answer == "201"
    )

    assert tour.owing == {"POST /filing"} and len(tour.cells) == len(operation.calls) * len(FAULTS)
    inconsistent = {(c.call[1], c.fault): c.kinds for c in tour.cells if not c.consistent}
    if rewired:
        assert operation.calls == [("dynamodb", "GetItem"), ("dynamodb", "TransactWriteItems")]
        assert inconsistent == {}
    else:  # what the matrix finds in a change that queues and publishes after its write
        assert inconsistent[("PutItem", "crash")] == {Kind.LOST_NOTICE, Kind.LOST_EVENT}
        assert inconsistent[("SendMessage", "throttling")] == {Kind.LOST_NOTICE}
        assert inconsistent[("SendMessage", "crash")] == {Kind.LOST_EVENT}
        assert inconsistent[("PutEvents", "timeout")] == {Kind.LOST_EVENT}
        assert ("SendMessage", "lost_answer") not in inconsistent  # sent twice: the same job, mailed once


def test_a_matrix_that_crosses_the_hour_counts_its_mails_in_the_hour_it_began() -> None:
    from functions.common import clock
    from functions.mail import store

    with mails_counted_in_one_hour(), clock_moved(timedelta(hours=1, minutes=1)):
        assert store.hour_of(clock.now()) < clock.now() - timedelta(hours=1)
    assert store.hour_of(clock.now()) > clock.now() - timedelta(hours=1)


def test_the_rows_name_a_call_and_kinds_and_accept_no_lost_notice_or_event() -> None:
    for key, row in KNOWN.items():
        operation, index, (service, call) = key
        assert operation and index >= 0 and service and call[0].isupper(), key
        assert row.kinds and row.reason, key
    assert not [key for key, row in KNOWN.items() if row.kinds & NEVER_KNOWN]
    assert {Kind.LOST_NOTICE, Kind.LOST_EVENT} <= NEVER_KNOWN


def readme_figures() -> str:
    """The matrix's figures README «Reliability» states (benchmarks/faults.py prints them)."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^(\d+ cells: .*? after it)", text, re.MULTILINE | re.DOTALL)
    assert found, "README «Reliability» states the matrix's figures (benchmarks/faults.py prints them)"
    return " ".join(found.group(1).split())


# The matrix in parts, each its own test (so the test processes share it): each takes the whole tour
# and runs the cells of its operations.
SHARDS = 3


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_aws_call_of_every_route_failing_is_never_a_500_nor_half_done(
    world: World,
    askue: AskueSimulator,  # noqa: F811 (the fixture)
    shard: int,
) -> None:
    matrix = fault_matrix(world, explores=in_shard(shard, SHARDS))
    cells = matrix.cells

    assert len(matrix.planned) > 800 and len(cells) > len(matrix.planned) / SHARDS / 2
    assert {c.operation for c in matrix.planned} >= {"POST /api/requests", "mail worker: support reset"}
    assert {c.operation for c in cells} == {
        c.operation for c in matrix.planned if in_shard(shard, SHARDS)(c.operation)
    }
    assert {c.fault for c in cells} == set(FAULTS)
    assert [c.describe() for c in cells if c.answer == "500" or Kind.ANSWERED_500 in c.kinds] == []
    # The faults after the call, on every call of every operation that owes a mail or an event.
    assert matrix.owing >= {
        "POST /api/auth/register",
        "PATCH /api/profile",
        "POST /api/profile/password",
        "POST /api/requests",
        "PATCH /api/integration/requests/{id}",
        "POST /api/readings",
        "mail worker: notice (request filed)",
    }
    for step in {c.step for c in matrix.planned if c.operation in matrix.owing}:
        of_step = [c for c in matrix.planned if c.step == step]
        for fault in AFTER_THE_CALL:
            assert {c.index for c in of_step if c.fault == fault} == {c.index for c in of_step}, (step, fault)
    assert not [c for c in matrix.planned if c.fault in AFTER_THE_CALL and c.operation not in matrix.owing]

    broken = [
        f"{c.describe()} → {sorted(c.kinds)}: {'; '.join(c.problems)}" for c in cells if not c.explained
    ]
    assert not broken, f"{len(broken)} of {len(cells)} cells:\n" + "\n".join(broken)
    still = {c.key for c in cells if not c.consistent}
    assert {key[0] for key in KNOWN} <= {c.operation for c in matrix.planned}, "a row of no operation"
    listed = {key for key in KNOWN if key[0] in matrix.explored}
    assert listed <= still, f"fixed, remove from KNOWN: {sorted(listed - still)}"

    # README's figures are this run's: regenerate them (benchmarks/faults.py's last line) when they differ.
    assert readme_figures() == matrix.figures(), (
        "run benchmarks/faults.py and paste its last line into README"
    )
