"""«Мои объекты» tell integrators of every change: an object added by the consumer, its лицевой счёт
confirmed (or the confirmation withdrawn) by the company, then changed and removed — each change
written with its event in one transaction (the outbox), numbered by the object's version, and read
in order from the change feed (GET /api/integration/changes) — against moto."""

from typing import Any

from functions.objects.store import ObjectChangedMeanwhile, ObjectStore
from infra.world import World
from tests.faults import FaultyRecorder
from tests.unit.conftest import relay_outbox
from tests.unit.outbox_support import aws_calls, events_of, owed_entries
from tests.unit.test_change_feed import read_all
from tests.unit.test_object_corrections import change, remove
from tests.unit.test_objects import HOUSE, ME, add, confirm, mine

# What an object's event may carry: ids, the лицевой счёт, states, counts, who and when — never the
# address, the name, the cadastral number or a meter's number.
PERSONAL = ("Полевая", "Жилой дом", "50:20:0010203:417", "CE-301/12")


def details(world: World) -> list[dict[str, Any]]:
    return [detail for entry in owed_entries(world) for detail in events_of(entry)]


def no_personal_data(detail: dict[str, Any]) -> None:
    text = str(detail)
    assert not [word for word in PERSONAL if word in text], detail


def test_an_added_object_owes_its_event_in_the_same_transaction(world: World) -> None:
    with aws_calls() as calls:
        status, added = add(HOUSE)

    assert status == 201, added
    assert calls.of("dynamodb").count("TransactWriteItems") == 1
    assert "PutItem" not in calls.of("dynamodb")
    [actions] = calls.transactions
    assert [kind for kind, _ in actions] == ["Put", "Put"]
    assert actions[1][1] == world.refs["OutboxTable"]
    [detail] = details(world)
    assert detail["detail-type"] == "portal.object.added.v1"
    assert detail["user_id"] == ME["sub"] and detail["object_id"] == added["id"]
    assert detail["sequence"] == 1
    assert detail["account_number"] == "5001234567" and detail["account_state"] == "pending"
    assert detail["meters"] == 1
    assert detail["added_at"] == added["created_at"]
    no_personal_data(detail)


def test_an_object_whose_transaction_fails_is_not_added_and_owes_nothing(world: World) -> None:
    recorder = FaultyRecorder()
    try:
        calls: list[tuple[str, str]] = []
        with recorder.recording(calls):
            assert add({**HOUSE, "name": "Первый"})[0] == 201
        index = calls.index(("dynamodb", "TransactWriteItems"))
        with recorder.failing(index, "5xx"):
            status, _ = add(HOUSE)
    finally:
        recorder.close()

    assert status == 503
    assert [item["name"] for item in mine()] == ["Первый"]
    assert len(details(world)) == 1


def test_the_company_s_confirmation_and_its_withdrawal_owe_their_events_once(world: World) -> None:
    _, added = add(HOUSE)

    with aws_calls() as calls:
        status, confirmed = confirm(added["id"], {"confirmed": True})

    assert status == 200, confirmed
    assert calls.of("dynamodb").count("TransactWriteItems") == 1
    assert [table for _, table in calls.transactions[0]][-1] == world.refs["OutboxTable"]
    [_, detail] = details(world)
    assert detail["detail-type"] == "portal.object.confirmed.v1"
    assert detail["sequence"] == 2 and detail["object_id"] == added["id"]
    assert detail["account_number"] == "5001234567" and detail["account_state"] == "confirmed"
    assert detail["confirmed_by"] == "integrator:billing" == confirmed["account_confirmed_by"]
    assert detail["confirmed_at"] == confirmed["account_confirmed_at"]
    no_personal_data(detail)

    # Confirmed again (another integrator, a retry): nothing changes, nothing is owed, the first kept.
    status, again = confirm(added["id"], {"confirmed": True})
    assert status == 200 and again == confirmed
    assert len(details(world)) == 2

    status, withdrawn = confirm(added["id"], {"confirmed": False})
    assert status == 200 and withdrawn["account_state"] == "pending"
    assert withdrawn["account_confirmed_by"] is None
    last = details(world)[-1]
    assert last["detail-type"] == "portal.object.confirmation.withdrawn.v1"
    assert last["sequence"] == 3 and last["withdrawn_by"] == "integrator:billing"
    assert confirm(added["id"], {"confirmed": False}) == (200, withdrawn)
    assert len(details(world)) == 3


def test_a_consumer_s_change_keeps_who_confirmed_the_account(world: World) -> None:
    _, added = add(HOUSE)
    _, confirmed = confirm(added["id"], {"confirmed": True})

    assert change(added["id"], {**HOUSE, "name": "Дача"})[0] == 200
    status, kept = confirm(added["id"], {"confirmed": True})

    assert status == 200
    assert kept["name"] == "Дача"
    assert kept["account_confirmed_by"] == "integrator:billing"
    assert kept["account_confirmed_at"] == confirmed["account_confirmed_at"]
    assert [d["sequence"] for d in details(world)] == [1, 2, 3]


def test_a_confirmation_judged_on_a_version_changed_meanwhile_writes_nothing(world: World) -> None:
    _, added = add(HOUSE)
    store = ObjectStore()
    key = store.key_of(added["id"])
    assert key is not None
    read = store.integration_read(key)
    assert read is not None
    assert change(added["id"], {**HOUSE, "name": "Дача"})[0] == 200  # the consumer, meanwhile
    from functions.common.clock import now
    from functions.common.events import ObjectConfirmed
    from functions.common.outbox import OutboxEntry, outbox_put

    event = ObjectConfirmed(
        user_id=ME["sub"],
        object_id=added["id"],
        sequence=2,
        account_number="5001234567",
        account_state="confirmed",
        confirmed_by="integrator:billing",
        confirmed_at=now(),
    )
    try:
        store.set_confirmed(
            key, read, now(), "integrator:billing", outbox_put(OutboxEntry.owing(events=[event]))
        )
    except ObjectChangedMeanwhile:
        pass
    else:
        raise AssertionError("a stale version was written")

    assert mine()[0]["account_state"] == "pending"
    assert [d["detail-type"] for d in details(world)] == [
        "portal.object.added.v1",
        "portal.object.changed.v1",
    ]
    # Through the route, the confirmation is judged again on what the object is now.
    status, confirmed = confirm(added["id"], {"confirmed": True})
    assert status == 200 and confirmed["name"] == "Дача"
    assert details(world)[-1]["sequence"] == 3


def test_the_feed_returns_an_object_s_changes_in_order(world: World) -> None:
    _, added = add(HOUSE)
    relay_outbox(world)
    confirm(added["id"], {"confirmed": True})
    relay_outbox(world)
    change(added["id"], {**HOUSE, "name": "Дача"})
    relay_outbox(world)
    confirm(added["id"], {"confirmed": False})
    relay_outbox(world)
    remove(added["id"])
    relay_outbox(world)

    seen, after = read_all()

    assert [(c["type"], c["detail"]["sequence"]) for c in seen] == [
        ("portal.object.added.v1", 1),
        ("portal.object.confirmed.v1", 2),
        ("portal.object.changed.v1", 3),
        ("portal.object.confirmation.withdrawn.v1", 4),
        ("portal.object.removed.v1", 5),
    ]
    assert [c["sequence"] for c in seen] == [1, 2, 3, 4, 5] and after == 5
    assert {c["detail"]["object_id"] for c in seen} == {added["id"]}
    assert [c["detail"]["feed_sequence"] for c in seen] == [1, 2, 3, 4, 5]


def test_an_object_sent_again_after_a_lost_answer_is_added_once_with_one_event(world: World) -> None:
    """A client's retry of POST /api/objects (API Gateway's 502 when the function was stopped right
    after its transaction): every field the same, minutes later, it is answered with the object
    added, and nothing is written or owed again."""
    status, added = add(HOUSE)
    assert status == 201

    status, again = add(HOUSE)

    assert status == 201 and again == added
    assert mine() == [added]
    assert [d["detail-type"] for d in details(world)] == ["portal.object.added.v1"]
    # Another object at the same address (another name) is another object.
    assert add({**HOUSE, "name": "Гараж"})[0] == 201
    assert len(mine()) == 2 and len(details(world)) == 2
