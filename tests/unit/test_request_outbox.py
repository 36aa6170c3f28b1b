"""Nothing lost: every change of a request writes what it owes — the consumer's mail and its events —
as one outbox item in the change's own TransactWriteItems (functions/requests/store.py,
thread_store.py), numbered among the request's events by the counter the same transaction moves
(`sequence`); the route itself neither queues nor publishes. With the mail queue and the bus down at
the moment of the change, the route answers as before, and once the outbox's relay (or its sweeper)
runs, the mail is queued and the events put exactly once."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest

from functions.common.clock import now
from functions.outbox import sweeper
from functions.requests.store import RequestStore
from functions.requests.thread_store import ThreadStore
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.faults import failing_where
from tests.unit.conftest import mailed, relay_outbox, sent_mails
from tests.unit.outbox_support import aws_calls, events_of, mails_of, owed_entries, sequences
from tests.unit.test_events import published
from tests.unit.test_request_conversation import (
    company_upload,
    company_writes,
    env,
    filed,
    withdraw,
    write,
)
from tests.unit.test_requests import IVAN, PDF, body_of, clock, file, move, stored_requests, upload

__all__ = ["clock", "env"]

FILED, MESSAGE = "portal.request.filed.v1", "portal.request.message.posted.v1"
CHANGED, WITHDRAWN = "portal.request.status.changed.v1", "portal.request.withdrawn.v1"
DOWN = frozenset({"sqs", "events"})  # the mail queue and the bus, in an outage


def counter_of(world: World, request_id: str) -> Any:
    [item] = [item for item in stored_requests(world) if item["request_id"] == request_id]
    return item.get("event_seq")


def the_outbox_is_last_of_one_transaction(world: World, calls: Any) -> None:
    """The route made one TransactWriteItems, whose last action is the outbox item's Put, and
    neither queued a mail nor put an event."""
    [transaction] = calls.transactions
    assert transaction[-1] == ("Put", world.refs["OutboxTable"])
    assert [table for _, table in transaction[:-1]] == [world.refs["RequestsTable"]] * (len(transaction) - 1)
    assert calls.of("sqs") == [] and calls.of("events") == []


# ---------------------------------------------------------------- each route's transaction


def test_a_filing_owes_its_confirmation_and_filed_event_in_its_own_transaction(env: World) -> None:
    photo = upload(env, IVAN, "схема.pdf", "application/pdf", PDF)
    with aws_calls() as calls:
        status, created = file(body_of("meter_admission", attachments=[photo]))

    assert status == 201, created
    the_outbox_is_last_of_one_transaction(env, calls)
    assert len(calls.transactions[0]) == 5  # counter, request, key's claim, upload's claim, outbox
    [entry] = owed_entries(env)
    [mail] = mails_of(entry)
    assert (mail["id"], mail["kind"], mail["to"]) == (f"{entry.id}-m0", "notice", IVAN["email"])
    assert mail["subject"] == f"Заявка № {created['number']} зарегистрирована"
    [event] = events_of(entry)
    assert event == {
        "detail-type": FILED,
        "event_id": f"{entry.id}-e0",
        "request_id": created["id"],
        "number": created["number"],
        "sequence": 1,
        "type": "meter_admission",
        "status": "registered",
        "filed_at": event["filed_at"],
    }
    assert counter_of(env, created["id"]) == 1


def test_a_change_of_status_by_the_company_owes_its_mail_and_event_in_its_own_transaction(
    env: World,
) -> None:
    request_id = filed()
    with aws_calls() as calls:
        status, moved = move(request_id, {"status": "needs_info", "comment": "Приложите фото."})

    assert status == 200, moved
    the_outbox_is_last_of_one_transaction(env, calls)
    [_, entry] = owed_entries(env)
    [mail] = mails_of(entry)
    assert (mail["to"], mail["subject"]) == (
        IVAN["email"],
        f"Заявка № {moved['number']}: требуются уточнения",
    )
    assert "Приложите фото." in mail["text"]
    [event] = events_of(entry)
    assert (event["detail-type"], event["sequence"], event["by"]) == (CHANGED, 2, "company")
    assert (event["previous_status"], event["status"]) == ("registered", "needs_info")
    assert counter_of(env, request_id) == 2


def test_a_withdrawal_owes_its_mail_and_both_events_in_its_own_transaction(env: World) -> None:
    request_id = filed()
    with aws_calls() as calls:
        status, shown = withdraw(request_id, "Передумал подключаться.")

    assert status == 200, shown
    the_outbox_is_last_of_one_transaction(env, calls)
    [_, entry] = owed_entries(env)
    [mail] = mails_of(entry)
    assert (mail["to"], mail["subject"]) == (IVAN["email"], f"Заявка № {shown['number']} отозвана")
    withdrawn, changed = events_of(entry)
    assert (withdrawn["detail-type"], withdrawn["sequence"]) == (WITHDRAWN, 2)
    assert (changed["detail-type"], changed["sequence"], changed["by"]) == (CHANGED, 3, "consumer")
    assert (changed["previous_status"], changed["status"]) == ("registered", "withdrawn")
    assert counter_of(env, request_id) == 3


def test_the_company_s_document_owes_the_consumer_s_mail_and_its_event_in_its_own_transaction(
    env: World,
) -> None:
    request_id = filed()
    document = company_upload(env, "ТУ.pdf", "application/pdf", PDF)
    conditions = {"text": "Технические условия.", "kind": "technical_conditions", "attachments": [document]}
    with aws_calls() as calls:
        status, sent = company_writes(request_id, conditions)

    assert status == 201, sent
    the_outbox_is_last_of_one_transaction(env, calls)
    [_, entry] = owed_entries(env)
    [mail] = mails_of(entry)
    assert mail["to"] == IVAN["email"] and mail["subject"].endswith(": новый документ")
    [event] = events_of(entry)
    assert (event["detail-type"], event["sequence"], event["author"]) == (MESSAGE, 2, "company")
    assert (event["message_id"], event["attachments"]) == (sent["id"], 1)


def test_the_consumer_s_message_owes_its_event_and_no_mail_and_an_answer_also_its_change_and_mail(
    env: World,
) -> None:
    request_id = filed()
    move(request_id, {"status": "needs_info", "comment": "Уточните адрес."})

    with aws_calls() as calls:
        status, sent = write(request_id, {"text": "Адрес верный."})
    assert status == 201, sent
    the_outbox_is_last_of_one_transaction(env, calls)
    answer = owed_entries(env)[-1]
    [mail] = mails_of(answer)
    assert mail["to"] == IVAN["email"] and mail["subject"].endswith(": на рассмотрении")
    posted, changed = events_of(answer)
    assert (posted["detail-type"], posted["sequence"], posted["author"]) == (MESSAGE, 3, "consumer")
    assert (changed["detail-type"], changed["sequence"]) == (CHANGED, 4)
    assert (changed["previous_status"], changed["status"], changed["by"]) == (
        "needs_info",
        "in_review",
        "consumer",
    )

    assert write(request_id, {"text": "И ещё вопрос."})[0] == 201  # in review: its message only
    plain = owed_entries(env)[-1]
    assert mails_of(plain) == []
    assert [(e["detail-type"], e["sequence"]) for e in events_of(plain)] == [(MESSAGE, 5)]


def test_a_request_s_events_are_numbered_1_2_3_over_its_life_and_relayed_once_each(env: World) -> None:
    request_id = filed()
    move(request_id, {"status": "needs_info", "comment": "Уточните."})
    write(request_id, {"text": "Уточняю."})
    company_writes(request_id, {"text": "Спасибо."})
    write(request_id, {"text": "Когда?"})
    withdraw(request_id, "Передумал.")
    other = filed()  # another request counts on its own

    assert relay_outbox() == 7
    events = sorted(
        (e for e in published(env) if e["detail"]["request_id"] == request_id),
        key=lambda e: e["detail"]["sequence"],
    )
    assert [(e["detail"]["sequence"], e["detail-type"]) for e in events] == [
        (1, FILED),
        (2, CHANGED),
        (3, MESSAGE),
        (4, CHANGED),
        (5, MESSAGE),
        (6, MESSAGE),
        (7, WITHDRAWN),
        (8, CHANGED),
    ]
    assert counter_of(env, request_id) == 8 and counter_of(env, other) == 1
    number = events[0]["detail"]["number"]
    assert sorted(m["subject"] for m in sent_mails() if number in m["subject"]) == sorted(
        [
            f"Заявка № {number} зарегистрирована",
            f"Заявка № {number}: требуются уточнения",
            f"Заявка № {number}: на рассмотрении",
            f"Заявка № {number}: новое сообщение",
            f"Заявка № {number} отозвана",
        ]
    )
    relay_outbox()  # the stream's records again: nothing owed any more
    assert published(env) == [] and len(sent_mails()) == 6


# ---------------------------------------------------------------- the queue and the bus down


@pytest.mark.parametrize("route", ["filing", "company's change", "withdrawal", "company's message", "answer"])
def test_with_the_queue_and_the_bus_down_the_route_answers_as_before_and_the_relay_sends_once_later(
    env: World, route: str
) -> None:
    request_id = filed() if route != "filing" else ""
    if route == "answer":
        move(request_id, {"status": "needs_info", "comment": "Уточните."})
    relay_outbox()
    mails_before, _ = len(sent_mails()), published(env)
    changes: dict[str, Callable[[], tuple[int, Any]]] = {
        "filing": lambda: file(body_of("meter_admission")),
        "company's change": lambda: move(request_id, {"status": "in_review"}),
        "withdrawal": lambda: withdraw(request_id, "Передумал."),
        "company's message": lambda: company_writes(request_id, {"text": "Ответ."}),
        "answer": lambda: write(request_id, {"text": "Ответ потребителя."}),
    }

    with aws_calls(down=DOWN) as calls:
        status, _ = changes[route]()
        relay_outbox()  # the stream's relay, while the queue and the bus are still down

    assert status in (200, 201)
    assert [op for op in calls.made if op[0] in DOWN] == [("sqs", "SendMessage")]  # the relay's try
    owed = owed_entries(env)[-1]
    assert len(sent_mails()) == mails_before and published(env) == []

    relay_outbox()  # the stream's retry, the queue and the bus back
    relay_outbox()
    assert len(sent_mails()) == mails_before + len(owed.mails) == mails_before + 1
    assert sorted(e["detail"]["event_id"] for e in published(env)) == sorted(e.event_id for e in owed.events)


def test_what_the_stream_gave_up_on_the_sweeper_relays_once(
    env: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with aws_calls(down=DOWN):
        request_id = filed()
        relay_outbox()
    [entry] = owed_entries(env)

    later = now() + sweeper.SWEEP_AFTER + timedelta(seconds=1)
    monkeypatch.setattr(sweeper, "now", lambda: later)
    context = LambdaContext("OutboxSweeperFunction", timeout_ms=60_000)
    assert sweeper.lambda_handler({}, context)["relayed"] == 1
    assert sweeper.lambda_handler({}, context)["relayed"] == 0

    assert [m["to"] for m in sent_mails()] == [IVAN["email"]]
    [event] = published(env)
    assert (event["detail"]["event_id"], event["detail"]["request_id"]) == (f"{entry.id}-e0", request_id)


# ---------------------------------------------------------------- retries and refusals owe nothing again


def test_a_retried_filing_and_a_retried_message_find_their_claims_and_owe_nothing_again(env: World) -> None:
    first = file(body_of("meter_admission"), key="filing-key-1")
    again = file(body_of("meter_admission"), key="filing-key-1")
    assert first == again and first[0] == 201
    request_id = first[1]["id"]
    assert len(owed_entries(env)) == 1

    sent = write(request_id, {"text": "Вопрос."}, key="message-key-1")
    assert write(request_id, {"text": "Вопрос."}, key="message-key-1") == sent
    said = company_writes(request_id, {"text": "Ответ."}, key="company-key-1")
    assert company_writes(request_id, {"text": "Ответ."}, key="company-key-1") == said
    assert sequences(owed_entries(env)) == [1, 2, 3]
    assert len(mailed()) == 2  # the confirmation and the company's answer, once each


def test_a_retried_change_of_status_finds_it_moved_and_owes_nothing_again(env: World) -> None:
    request_id = filed()
    assert move(request_id, {"status": "in_review"})[0] == 200
    assert move(request_id, {"status": "in_review"})[0] == 200  # the status it has: nothing to do again
    assert withdraw(request_id, "Передумал.")[0] == 200
    assert withdraw(request_id, "Передумал.")[0] == 200  # answered as it is
    assert sequences(owed_entries(env)) == [1, 2, 3, 4]


def test_a_change_whose_transaction_failed_owes_nothing_and_its_retry_owes_once(env: World) -> None:
    with failing_where("dynamodb", "TransactWriteItems", "outbox#", "5xx"):
        assert file(body_of("meter_admission"), key="filing-key-2")[0] == 503
    assert owed_entries(env) == []

    status, created = file(body_of("meter_admission"), key="filing-key-2")
    assert status == 201, created
    assert sequences(owed_entries(env)) == [1]


# ---------------------------------------------------------------- two changes at once, older items


@pytest.fixture
def interloper(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any, str, Callable[[], Any]], None]:
    """Makes `change` happen right before the first write of `store`'s `method` (after its read)."""

    def before_first_write(store: Any, method: str, change: Callable[[], Any]) -> None:
        original = getattr(store, method)
        pending = [change]

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if pending:
                assert pending.pop()()[0] == 201
            return original(*args, **kwargs)

        monkeypatch.setattr(store, method, wrapped)

    return before_first_write


def test_a_change_of_status_crossing_a_message_numbers_its_event_after_it(
    env: World, interloper: Callable[[Any, str, Callable[[], Any]], None]
) -> None:
    request_id = filed()
    interloper(RequestStore, "change_status", lambda: company_writes(request_id, {"text": "Сейчас."}))

    status, moved = move(request_id, {"status": "in_review"})

    assert status == 200, moved
    entries = owed_entries(env)
    assert [(e["detail-type"], e["sequence"]) for entry in entries for e in events_of(entry)] == [
        (FILED, 1),
        (MESSAGE, 2),
        (CHANGED, 3),
    ]
    assert counter_of(env, request_id) == 3
    assert len(mails_of(entries[-1])) == 1  # the retry's entry only: the first try wrote nothing


def test_a_consumer_s_message_crossing_the_company_s_numbers_its_event_after_it(
    env: World, interloper: Callable[[Any, str, Callable[[], Any]], None]
) -> None:
    request_id = filed()
    interloper(ThreadStore, "add_consumer_message", lambda: company_writes(request_id, {"text": "Сейчас."}))

    assert write(request_id, {"text": "Вопрос."})[0] == 201

    assert sequences(owed_entries(env)) == [1, 2, 3]
    assert counter_of(env, request_id) == 3


@pytest.mark.parametrize(
    ("store", "method", "route", "answer"),
    [
        (RequestStore, "change_status", "company's change", 503),
        (ThreadStore, "add_company_message", "company's message", 503),
        (ThreadStore, "add_consumer_message", "consumer's message", 409),
    ],
)
def test_a_change_that_loses_the_count_at_every_try_owes_nothing_and_is_to_be_sent_again(
    env: World, monkeypatch: pytest.MonkeyPatch, store: Any, method: str, route: str, answer: int
) -> None:
    request_id = filed()
    [item] = [item for item in stored_requests(env) if item["request_id"] == request_id]
    table = boto3.resource("dynamodb").Table(env.refs["RequestsTable"])
    original = getattr(store, method)

    def after_another(*args: Any, **kwargs: Any) -> Any:  # another change counts its event first
        key = {"pk": item["pk"], "sk": item["sk"]}
        table.update_item(
            Key=key, UpdateExpression="ADD event_seq :one", ExpressionAttributeValues={":one": 1}
        )
        return original(*args, **kwargs)

    monkeypatch.setattr(store, method, after_another)
    changes: dict[str, Callable[[], tuple[int, Any]]] = {
        "company's change": lambda: move(request_id, {"status": "in_review"}),
        "company's message": lambda: company_writes(request_id, {"text": "Ответ."}),
        "consumer's message": lambda: write(request_id, {"text": "Вопрос."}),
    }

    status, problem = changes[route]()

    assert status == answer, problem
    assert problem["title"] == "Заявка сейчас меняется"
    assert sequences(owed_entries(env)) == [1]  # the filing's only: no try wrote anything
    assert counter_of(env, request_id) == 1 + 5  # the others' five


def test_a_request_of_older_code_without_the_counter_numbers_on_from_its_history(env: World) -> None:
    request_id = filed()
    move(request_id, {"status": "in_review"})
    [item] = [item for item in stored_requests(env) if item["request_id"] == request_id]
    table = boto3.resource("dynamodb").Table(env.refs["RequestsTable"])
    table.update_item(Key={"pk": item["pk"], "sk": item["sk"]}, UpdateExpression="REMOVE event_seq")

    assert company_writes(request_id, {"text": "Ответ."})[0] == 201

    assert sequences(owed_entries(env)) == [1, 2, 3]  # two entries in its history: 3 next
    assert counter_of(env, request_id) == 3
