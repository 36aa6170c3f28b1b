"""Races, in threads against moto (whose DynamoDB operations the `world` fixture makes atomic, as
DynamoDB's are): many filings at once get unique gap-free numbers, one Idempotency-Key sent many
times at once files one request, one upload named by many filings at once is attached to one, and
many changes of one request at once never give two of its events one number.
(Concurrent lower/higher readings of one meter: tests/unit/test_readings_concurrency.py.)"""

import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from functions.common import clock as portal_clock
from functions.common.caller import Caller
from functions.common.errors import Conflict, InvalidInput, TryLater
from functions.requests import conversation, filing, store
from functions.requests.inputs import CompanyMessage
from functions.requests.outputs import RequestCreated
from functions.requests.registry import REQUEST_MODELS
from functions.requests.store import counter_key
from infra.world import World
from tests.unit.conftest import mailed
from tests.unit.outbox_support import owed_entries, sequences

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
REQUEST = {
    "type": "meter_reading",
    "text": "Прошу снять показания.",
    "fields": {
        "address": "г. Москва, ул. Мира, 5, кв. 12",
        "account_number": "5001234567",
        "reason": "control",
        "meter_number": "01234567",
        "reading_date": "2026-12-01",
    },
}


@pytest.fixture
def clock(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(portal_clock, "now", lambda: NOW)
    monkeypatch.setattr(filing, "now", lambda: NOW)
    return world


def all_at_once(count: int, action: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Runs `action(i)` in `count` threads released together; their results and their errors."""
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def one(index: int) -> None:
        start.wait()
        try:
            results.append(action(index))
        except BaseException as error:  # collected and asserted by the test
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors


def stored_requests(world: World) -> list[dict[str, Any]]:
    items = boto3.resource("dynamodb").Table(world.refs["RequestsTable"]).scan()["Items"]
    return [item for item in items if str(item["sk"]).startswith("REQUEST#")]


@pytest.fixture
def lambda_like_threads() -> Iterator[None]:
    """Each thread of a race plays one Lambda: it finishes a call before another thread takes the
    interpreter (Python's default switches every 5 ms, in the middle of moto's work; 200 threads
    then stretch every read-then-write over everybody's calls and nearly every try loses). The
    threads still interleave between calls and wherever one waits (moto's lock, a backoff)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.2)
    yield
    sys.setswitchinterval(previous)


def test_two_hundred_concurrent_filings_get_unique_gap_free_numbers(
    clock: World, monkeypatch: pytest.MonkeyPatch, lambda_like_threads: None
) -> None:
    # moto answers one DynamoDB call at a time in this process (~10 ms a transaction, slower on a
    # busy machine), where DynamoDB answers them side by side: the time a filing may keep trying
    # is stretched by as much, so that what is tested is the numbering, not this machine's speed.
    monkeypatch.setattr(store, "_NUMBERING_BUDGET_S", 300.0)
    request = REQUEST_MODELS["meter_reading"].model_validate(REQUEST)

    def file(index: int) -> str:
        caller = Caller(user_id=f"user-{index:03d}", email=f"user{index}@example.ru")
        return filing.submit(caller, request, f"race-key-{index:08d}").number

    numbers, errors = all_at_once(200, file)

    assert errors == []
    assert sorted(numbers) == [f"2026-{n:06d}" for n in range(1, 201)]
    assert sorted(str(item["number"]) for item in stored_requests(clock)) == sorted(numbers)
    counter = boto3.resource("dynamodb").Table(clock.refs["RequestsTable"]).get_item(Key=counter_key(2026))
    assert counter["Item"]["last"] == 200


def test_one_idempotency_key_sent_many_times_at_once_files_one_request(clock: World) -> None:
    request = REQUEST_MODELS["meter_reading"].model_validate(REQUEST)
    caller = Caller(user_id="user-same", email="same@example.ru")

    def file(_: int) -> RequestCreated:
        return filing.submit(caller, request, "the-same-key-0001")

    created, errors = all_at_once(30, file)

    # Each retry gets the one request, or — while it is being filed — a Russian 409 to retry later.
    assert created, "the request was filed"
    assert len({(c.id, c.number) for c in created}) == 1
    assert all(isinstance(e, Conflict) for e in errors), errors
    assert all("регистрируется" in e.detail for e in errors if isinstance(e, Conflict))
    assert len(stored_requests(clock)) == 1
    assert len([m for m in mailed() if m["to"] == "same@example.ru"]) == 1  # one owed, relayed once


def test_one_upload_named_by_many_filings_at_once_is_attached_to_one_request(clock: World) -> None:
    caller = Caller(user_id="user-one-file", email="one-file@example.ru")
    key = f"uploads/{caller.user_id}/{uuid.uuid4().hex}/scan.pdf"
    bucket = clock.refs["UploadsBucket"]
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=b"%PDF-1.7\n%%EOF\n", ContentType="application/pdf")
    request = REQUEST_MODELS["meter_reading"].model_validate({**REQUEST, "attachments": [key]})

    def file(index: int) -> RequestCreated:
        return filing.submit(caller, request, f"one-file-key-{index:04d}")

    created, errors = all_at_once(10, file)

    assert [c.number for c in created] == ["2026-000001"]
    assert len(errors) == 9
    for error in errors:
        assert isinstance(error, InvalidInput), error
        assert error.detail.startswith("Этот файл уже приложен к заявке № 2026-000001."), error
    [item] = stored_requests(clock)
    assert item["attachments"][0]["upload"] == key
    # The copies the refused filings made are deleted; the filed one is the only file under requests/.
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="requests/").get("Contents", [])
    assert [o["Key"] for o in listed] == [item["attachments"][0]["key"]]


def test_changes_of_one_request_at_once_number_its_events_without_a_gap_or_a_twice(
    clock: World, lambda_like_threads: None
) -> None:
    request = REQUEST_MODELS["meter_reading"].model_validate(REQUEST)
    created = filing.submit(Caller(user_id="user-busy", email="busy@example.ru"), request, "busy-key-0001")

    def answer(index: int) -> str:
        message = CompanyMessage(text=f"Ответ {index}.")
        key = f"answer-{index:04d}"
        sent, _ = conversation.post_company_message(created.id, message, key, "integrator:crm")
        return sent.id

    posted, errors = all_at_once(8, answer)

    # Each is posted, or — when other changes numbered their events first every time it tried — a
    # Russian 503 to send it again; what was posted is numbered 2, 3… after the filing's 1.
    assert posted
    assert all(isinstance(e, TryLater) for e in errors), errors
    assert len(posted) + len(errors) == 8
    assert sorted(sequences(owed_entries(clock))) == list(range(1, len(posted) + 2))
    [item] = stored_requests(clock)
    assert item["event_seq"] == len(posted) + 1
