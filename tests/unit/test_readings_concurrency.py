"""Concurrent readings of one meter, in threads against moto: a lower value is never stored after a
higher one, and the meter's last value is the higher one, whichever submission reaches DynamoDB
first. (The `world` fixture makes each of moto's DynamoDB operations atomic, as in DynamoDB:
infra/moto_patches.py.)"""

import itertools
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from functions.common.aws import dynamodb
from functions.common.errors import Conflict, DomainError, InvalidInput, NeedsConfirmation
from functions.common.fields import MeterType
from functions.readings import service
from functions.readings.models import ReadingEntry, TariffValues
from functions.readings.store import ReadingStore
from infra.world import World

USER = "33333333-aaaa-4bbb-8ccc-000000000003"
METER = "RACE-1"
RACERS = frozenset({"higher", "lower"})
WAIT = 10  # seconds any step may wait for the other thread before the test fails


@pytest.fixture
def hooks(world: World) -> Iterator[Callable[[str, Callable[..., None]], None]]:
    """Registers botocore event handlers on the client the functions use; removed afterwards."""
    events = dynamodb().meta.events
    registered: list[tuple[str, Callable[..., None]]] = []

    def register(name: str, handler: Callable[..., None]) -> None:
        events.register(name, handler)
        registered.append((name, handler))

    yield register
    for name, handler in registered:
        events.unregister(name, handler)


def entry(value: str) -> ReadingEntry:
    return ReadingEntry(
        meter_type=MeterType.SINGLE_TARIFF, meter_number=METER, values=TariffValues(t1=Decimal(value))
    )


def run(submissions: dict[str, str]) -> dict[str, Any]:
    """Submits each value in its own thread (named by the key); the outcome per thread."""
    outcomes: dict[str, Any] = {}

    def submit(name: str, value: str) -> None:
        try:
            outcomes[name] = service.submit_reading(USER, entry(value))
        except DomainError as refused:
            outcomes[name] = refused

    threads = [threading.Thread(target=submit, name=n, args=(n, v)) for n, v in submissions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 3)
    assert set(outcomes) == set(submissions), "a submission did not finish"
    return outcomes


def all_read_before_any_writes(
    register: Callable[[str, Callable[..., None]], None], racers: frozenset[str] = RACERS
) -> None:
    """The worst interleaving: each thread reads the meter before any of them writes."""
    barrier = threading.Barrier(len(racers), timeout=WAIT)
    waited: set[str] = set()

    def after_read(**_: Any) -> None:
        me = threading.current_thread().name
        if me in racers and me not in waited:
            waited.add(me)
            barrier.wait()

    # A reading typed in reads its meter (and the consumer's count of submitted readings) in one
    # BatchGetItem.
    register("after-call.dynamodb.BatchGetItem", after_read)


def writes_first(register: Callable[[str, Callable[..., None]], None], first: str, second: str) -> list[str]:
    """`first` writes before `second` tries to; returns the transactions' outcomes in order."""
    first_done = threading.Event()
    outcomes: list[str] = []

    def before_write(**_: Any) -> None:
        if threading.current_thread().name == second and not first_done.is_set():
            assert first_done.wait(WAIT)

    def after_write(http_response: Any, **_: Any) -> None:
        me = threading.current_thread().name
        outcomes.append(f"{me}:{http_response.status_code}")
        if me == first:
            first_done.set()

    register("before-call.dynamodb.TransactWriteItems", before_write)
    register("after-call.dynamodb.TransactWriteItems", after_write)
    return outcomes


@pytest.fixture
def previous(world: World) -> None:
    service.submit_reading(USER, entry("100"))


def stored_values() -> list[str]:
    page, _ = ReadingStore().page(USER, METER, None, 50)
    return [str(r.values["t1"]) for r in page]


def test_lower_racing_a_higher_that_lands_first_is_refused(
    previous: None, hooks: Callable[[str, Callable[..., None]], None]
) -> None:
    all_read_before_any_writes(hooks)
    writes = writes_first(hooks, first="higher", second="lower")

    outcomes = run({"higher": "200", "lower": "150"})

    assert writes == ["higher:200", "lower:400"]  # the lower one's transaction was cancelled
    assert outcomes["higher"].consumption == {"t1": Decimal("100.00")}
    refused = outcomes["lower"]
    assert isinstance(refused, InvalidInput)
    assert refused.errors[0].field == "values.t1"
    assert refused.errors[0].message.startswith("Показание по тарифу Т1 меньше предыдущего: 200,00 от ")
    assert stored_values() == ["200.00", "100.00"]
    meter = ReadingStore().meter(USER, METER)
    assert meter is not None
    assert meter.last_values == {"t1": Decimal("200.00")}


def test_higher_racing_a_lower_that_lands_first_is_stored_after_it(
    previous: None, hooks: Callable[[str, Callable[..., None]], None]
) -> None:
    all_read_before_any_writes(hooks)
    writes = writes_first(hooks, first="lower", second="higher")

    outcomes = run({"higher": "200", "lower": "150"})

    # The higher one lost the race, read the meter again and was judged against 150.
    assert writes == ["lower:200", "higher:400", "higher:200"]
    assert outcomes["lower"].consumption == {"t1": Decimal("50.00")}
    assert outcomes["higher"].consumption == {"t1": Decimal("50.00")}
    assert outcomes["higher"].taken_at > outcomes["lower"].taken_at
    assert stored_values() == ["200.00", "150.00", "100.00"]
    meter = ReadingStore().meter(USER, METER)
    assert meter is not None
    assert meter.last_values == {"t1": Decimal("200.00")}


def test_two_first_readings_of_a_new_meter_do_not_both_become_its_first(
    world: World, hooks: Callable[[str, Callable[..., None]], None]
) -> None:
    all_read_before_any_writes(hooks)
    writes_first(hooks, first="higher", second="lower")

    outcomes = run({"higher": "20", "lower": "10"})

    assert outcomes["higher"].consumption is None
    assert isinstance(outcomes["lower"], InvalidInput)
    assert stored_values() == ["20.00"]


def test_many_concurrent_submissions_leave_a_non_decreasing_history(
    previous: None, hooks: Callable[[str, Callable[..., None]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every thread reads the same clock, so only the guard orders their readings.
    monkeypatch.setattr(service, "now", lambda: datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    values = {f"t{i}": str(v) for i, v in enumerate([130, 110, 180, 120, 170, 140, 160, 150])}
    all_read_before_any_writes(hooks, frozenset(values))
    cancelled: list[str] = []
    hooks(
        "after-call.dynamodb.TransactWriteItems",
        lambda http_response, **_: cancelled.append("x") if http_response.status_code == 400 else None,
    )

    outcomes = run(values)

    assert len(cancelled) >= len(values) - 1  # all read the same state: only one could win at first

    stored = [r for r in outcomes.values() if not isinstance(r, DomainError)]
    refused = [r for r in outcomes.values() if isinstance(r, DomainError)]
    assert stored, "at least one submission is stored"
    # A lower value is a question (a rollover?) the consumer did not confirm: not stored.
    assert {type(r) for r in refused} <= {NeedsConfirmation, InvalidInput, Conflict}
    history, _ = ReadingStore().page(USER, METER, None, 50)
    oldest_first = list(reversed(history))
    assert len(oldest_first) == len(stored) + 1
    for before, after in itertools.pairwise(oldest_first):
        assert after.values["t1"] >= before.values["t1"]
        assert after.consumption == {"t1": after.values["t1"] - before.values["t1"]}
        assert after.taken_at > before.taken_at
    meter = ReadingStore().meter(USER, METER)
    assert meter is not None
    assert meter.last_values["t1"] == max(r.values["t1"] for r in history) == oldest_first[-1].values["t1"]
    assert meter.last_reading_id == oldest_first[-1].id


def test_concurrent_readings_of_two_meters_of_one_consumer_never_take_one_number(
    world: World, hooks: Callable[[str, Callable[..., None]], None]
) -> None:
    from tests.unit.outbox_support import events_of, owed_entries

    all_read_before_any_writes(hooks)
    writes = writes_first(hooks, first="higher", second="lower")
    outcomes: dict[str, Any] = {}

    def submit(name: str, meter: str) -> None:
        typed = ReadingEntry(
            meter_type=MeterType.SINGLE_TARIFF, meter_number=meter, values=TariffValues(t1=Decimal("10"))
        )
        outcomes[name] = service.submit_reading(USER, typed)

    threads = [
        threading.Thread(target=submit, name=name, args=(name, meter))
        for name, meter in (("higher", "A-1"), ("lower", "B-2"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 3)

    # Both read the count 0; the second's transaction was cancelled by the count, not its meter, and
    # it was numbered again.
    assert writes == ["higher:200", "lower:400", "lower:200"]
    numbered = {
        detail["reading_id"]: detail["sequence"]
        for entry in owed_entries(world)
        for detail in events_of(entry)
    }
    assert numbered == {outcomes["higher"].id: 1, outcomes["lower"].id: 2}
