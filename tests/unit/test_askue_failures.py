"""A sync that failed for good owes portal.askue.sync.failed.v1, numbered among the consumer's, and —
when ASKUE refused the remembered credentials — the consumer's mail: written through the outbox
(functions/common/outbox.py) in the transaction that records the failure (the link's mark and the
count; for a sync whose every attempt failed, the count alone). With SQS and EventBridge failing at
that moment the worker does as before, and the relay queues the mail and puts the event once; a
failure not recorded owes nothing."""

from typing import Any

import pytest

from functions.askue import service
from functions.askue.store import CountBusy
from functions.auth.erasure import erase_account
from functions.common.clock import now
from infra.events import LocalEvents
from infra.world import World
from tests.faults import failing_where
from tests.unit.askue_support import askue, simulator
from tests.unit.outbox_support import events_of, mails_of, owed_entries, relayed_once, the_entry
from tests.unit.test_askue_sync import (
    PLANNER,
    REJECTED_SUBJECT,
    WORKER,
    events,
    fetch_demo,
    queue_counts,
    refusal_owed,
    remember,
    store,
)
from tests.unit.test_metrics import emitted

__all__ = ["askue", "events", "simulator"]

USER = "user-1"
EMAIL = "user-1@example.ru"


def delivered(events: LocalEvents) -> int:
    """One delivery of the sync queue (a failed record is visible again at once): records failed."""
    delivery = events.poll(WORKER)
    assert delivery is not None
    return delivery.failed


def sync_once(events: LocalEvents) -> int:
    """The planner, then one delivery of the sync queue: records failed."""
    events.fire(PLANNER)
    return delivered(events)


def failures(entry: Any) -> list[tuple[str, int]]:
    return [(detail["reason"], detail["sequence"]) for detail in events_of(entry)]


def test_refused_credentials_owe_the_mail_and_the_event_with_the_link_s_mark(
    events: LocalEvents, world: World
) -> None:
    remember(USER, "demo", "an-old-password")

    with failing_where("sqs", "SendMessage", "", "5xx"), failing_where("events", "PutEvents", "", "5xx"):
        assert sync_once(events) == 0  # a refusal is an answer, not a fault

    link = store().get_link(USER)
    assert link is not None and link.state == "credentials_rejected"
    entry = the_entry(world)
    [mail] = mails_of(entry)
    assert (mail["kind"], mail["to"], mail["subject"]) == ("notice", EMAIL, REJECTED_SUBJECT)
    [detail] = events_of(entry)
    detail_type = detail.pop("detail-type")
    assert detail_type == "portal.askue.sync.failed.v1"
    assert (detail["user_id"], detail["reason"], detail["sequence"]) == (USER, "credentials_refused", 1)
    assert store().sync_failures(USER) == 1

    [sent], [event] = relayed_once(world, entry)
    assert sent["to"] == EMAIL and "«demo»" in sent["text"]
    assert event["detail"] == {**detail, "feed_sequence": 1}  # its number in the change feed

    # A duplicate message of the same hour: the link is marked already, nothing more is owed.
    assert service.sync_account(USER) == "skipped"
    assert owed_entries(world) == [entry]


def test_a_mark_not_written_owes_nothing_and_the_redelivery_owes_it_once(
    events: LocalEvents, world: World
) -> None:
    remember(USER, "demo", "an-old-password")

    with failing_where("dynamodb", "TransactWriteItems", "credentials_rejected", "5xx"):
        assert sync_once(events) == 1  # the record is delivered again
    link = store().get_link(USER)
    assert link is not None and link.state == "active"
    assert owed_entries(world) == [] and store().sync_failures(USER) == 0

    assert delivered(events) == 0
    assert failures(the_entry(world)) == [("credentials_refused", 1)]


def test_a_sync_whose_every_attempt_failed_owes_its_event_with_the_count_alone(
    events: LocalEvents, world: World
) -> None:
    fetch_demo(USER)
    remember(USER, "fault-503-a")
    events.fire(PLANNER)

    with failing_where("events", "PutEvents", "", "5xx"):
        assert delivered(events) == 1
        assert owed_entries(world) == []  # not its last attempt
        assert delivered(events) == 1
        assert delivered(events) == 1
    assert events.poll(WORKER) is None  # received a fourth time: SQS dead-letters it, as before
    assert queue_counts(world) == (0, 1)

    entry = the_entry(world)
    assert mails_of(entry) == []
    assert failures(entry) == [("attempts_exhausted", 1)]
    relayed_once(world, entry)


def test_the_count_goes_on_across_reasons_and_a_link_remembered_again(
    events: LocalEvents, world: World
) -> None:
    remember(USER, "fault-503-a")
    events.fire(PLANNER)
    assert [delivered(events) for _ in range(3)] == [1, 1, 1]
    store().delete_link(USER)  # «Забыть»
    remember(USER, "demo", "an-old-password")  # remembered again, with a password ASKUE refuses
    assert sync_once(events) == 0

    assert [failures(entry) for entry in owed_entries(world)] == [
        [("attempts_exhausted", 1)],
        [("credentials_refused", 2)],
    ]
    assert store().sync_failures(USER) == 2


def test_a_last_attempt_whose_event_cannot_be_written_is_dead_lettered_logged_and_counted(
    events: LocalEvents, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    remember(USER, "fault-503-a")
    events.fire(PLANNER)
    assert [delivered(events) for _ in range(2)] == [1, 1]

    with failing_where("dynamodb", "TransactWriteItems", "", "5xx"):
        assert delivered(events) == 1

    assert events.poll(WORKER) is None
    assert queue_counts(world) == (0, 1)
    assert owed_entries(world) == [] and store().sync_failures(USER) == 0
    assert ("EventsFailed", {}) in emitted(capsys)


def test_a_failure_numbered_concurrently_reads_the_count_again(world: World) -> None:
    link = remember(USER, "demo", "an-old-password")
    moved = False
    owing = refusal_owed(USER)

    def racing(sequence: int) -> Any:
        nonlocal moved
        if not moved:  # another failure of the consumer is recorded between the read and the write
            moved = True
            service.record_failed_for_good(USER)
        return owing(sequence)

    assert store().mark_rejected(USER, link.linked_at, now(), racing) is True
    assert sorted(failures(entry)[0] for entry in owed_entries(world)) == [
        ("attempts_exhausted", 1),
        ("credentials_refused", 2),
    ]


def test_failures_that_keep_racing_give_up_recording_nothing(world: World) -> None:
    link = remember(USER, "demo", "an-old-password")

    def always_racing(sequence: int) -> Any:
        service.record_failed_for_good(USER)
        return refusal_owed(USER)(sequence)

    with pytest.raises(CountBusy):
        store().mark_rejected(USER, link.linked_at, now(), always_racing)
    link_now = store().get_link(USER)
    assert link_now is not None and link_now.state == "active"
    assert {reason for entry in owed_entries(world) for reason, _ in failures(entry)} == {
        "attempts_exhausted"
    }


def test_an_erased_consumer_s_link_owes_nothing(events: LocalEvents, world: World) -> None:
    link = remember(USER, "demo", "an-old-password")
    erase_account(USER, now().isoformat())  # no Cognito user, no profile: the link is deleted

    assert store().mark_rejected(USER, link.linked_at, now(), refusal_owed(USER)) is False
    assert service.sync_account(USER) == "skipped"
    assert owed_entries(world) == []
