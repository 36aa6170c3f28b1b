"""AWS calls per route (docs/architecture.md §10): a consumer's read is one DynamoDB call, and nothing on any
path is a Scan — checked over every route of template.yaml (tests/aws_calls.py drives them all)."""

import pytest

from infra.askue_simulator import AskueSimulator
from infra.template import load_template, routes
from infra.world import World
from tests.aws_calls import Operation, tour_every_route
from tests.unit.askue_support import askue, simulator  # noqa: F401 (fixtures)

_TOURS: list[list[Operation]] = []  # the tour is the same every time: taken once per test process


@pytest.fixture
def tour(world: World, askue: AskueSimulator) -> list[Operation]:  # noqa: F811 (the fixture)
    if not _TOURS:
        _TOURS.append(tour_every_route(world))
    return _TOURS[0]


def test_the_tour_takes_every_route_of_the_template(tour: list[Operation]) -> None:
    declared = {(r.method, r.path) for r in routes(load_template())}

    assert {(op.method, op.path) for op in tour if op.auth != "event"} == declared


# The data export (152-ФЗ ст. 14) is the one read of everything the consumer has: one call per table
# (profile and ASKUE link GetItem; requests and readings a Query each, per 1 MB page).
# The export (152-ФЗ ст. 14) reads every table once — the profile and the ASKUE link (GetItem), the
# requests, objects, meters, readings and ASKUE snapshots (Query) — and each request's conversation
# (a Query per request filed before it in the tour).
MANY_TABLE_READS = {"/api/profile/export": 2 + 5}
PER_REQUEST_READS = {"/api/profile/export": 1}


def test_every_consumer_read_is_one_dynamodb_call_at_most(tour: list[Operation]) -> None:
    reads = [op for op in tour if op.is_consumer_read]

    assert reads, "no consumer read was taken"
    for op in reads:
        filed = sum(
            1
            for before in tour[: tour.index(op)]
            if (before.method, before.path) == ("POST", "/api/requests")
        )
        bound = MANY_TABLE_READS.get(op.path, 1) + PER_REQUEST_READS.get(op.path, 0) * filed
        assert sum(op.count("dynamodb").values()) <= bound, f"GET {op.path}: {op.calls}"
        assert set(op.count("dynamodb")) <= {"GetItem", "Query"}, f"GET {op.path}: {op.calls}"


def test_a_consumer_read_calls_nothing_but_dynamodb(tour: list[Operation]) -> None:
    for op in tour:
        if op.is_consumer_read:
            assert {service for service, _ in op.calls} <= {"dynamodb"}, f"GET {op.path}: {op.calls}"


def test_no_route_and_no_scheduled_run_scans(tour: list[Operation]) -> None:
    for op in tour:
        assert "Scan" not in op.count("dynamodb"), f"{op.method} {op.path}: {op.calls}"


def test_the_session_authorizer_reads_one_profile_item_and_nothing_else(tour: list[Operation]) -> None:
    [authorizer] = [op for op in tour if op.method == "AUTHORIZER"]

    assert authorizer.calls == [("dynamodb", "GetItem")]


# The routes whose change is owed through the outbox (functions/common/outbox.py), with what each owes:
# (mail jobs, PutEvents calls). The change and what it owes are one TransactWriteItems, and the route
# itself neither queues a mail nor puts an event; the outbox's relay, right after it, sends them.
OWING: dict[tuple[str, str], tuple[int, int]] = {
    ("POST", "/api/requests"): (1, 1),
    ("PATCH", "/api/integration/requests/{id}"): (1, 1),
    ("POST", "/api/requests/{id}/messages"): (1, 1),
    ("POST", "/api/requests/{id}/withdraw"): (1, 1),
    ("POST", "/api/integration/requests/{id}/messages"): (1, 1),
    ("POST", "/api/integration/requests/{id}/stages"): (1, 1),
    # The account's notices: a mail, no event.
    ("PATCH", "/api/profile"): (1, 0),
    ("POST", "/api/profile/password"): (1, 0),
    ("POST", "/api/auth/reset-password"): (1, 0),
    ("DELETE", "/api/profile"): (1, 1),  # its notice, and portal.account.deleted.v1
    ("POST", "/api/integration/consumers/{user_id}/deletion"): (1, 1),  # support's: the same two
    ("POST", "/api/profile/email/confirm"): (1, 0),
    # A reading's event: no mail.
    ("POST", "/api/readings"): (0, 1),
    # An object's events: added, changed and removed by the consumer, confirmed by the company.
    ("POST", "/api/objects"): (0, 1),
    ("PATCH", "/api/objects/{id}"): (0, 1),
    ("DELETE", "/api/objects/{id}"): (0, 1),
    ("PATCH", "/api/integration/objects/{id}"): (0, 1),
    # An outage's event and its fan-out job (functions/outages/fanout.py), run by MailFunction.
    ("POST", "/api/integration/outages"): (1, 1),
    ("PATCH", "/api/integration/outages/{id}"): (1, 1),
    ("DELETE", "/api/integration/outages/{id}"): (1, 1),
}
RELAY = "OutboxRelayFunction"


def test_each_change_owing_mail_and_events_is_one_transaction_and_its_relay_sends_them(
    tour: list[Operation],
) -> None:
    taken = set()
    for n, op in enumerate(tour):
        if (op.method, op.path) not in OWING:
            continue
        taken.add((op.method, op.path))
        mails, puts = OWING[op.method, op.path]
        assert op.count("dynamodb")["TransactWriteItems"] == 1, f"{op.method} {op.path}: {op.calls}"
        assert not op.count("sqs") and not op.count("events"), f"{op.method} {op.path}: {op.calls}"
        relayed = tour[n + 1]
        assert relayed.function == RELAY, f"{op.method} {op.path}: no relay after it"
        assert relayed.count("events") == ({"PutEvents": puts} if puts else {}), relayed.calls
        assert relayed.count("sqs") == ({"SendMessage": mails} if mails else {}), relayed.calls
    assert taken == set(OWING)


def test_the_relay_queues_an_item_s_mails_then_puts_its_events_in_one_call_then_marks_it(
    tour: list[Operation],
) -> None:
    relays = [op for op in tour if op.function == RELAY]

    assert len(relays) >= len(OWING)
    for op in relays:
        assert op.calls[0] == ("dynamodb", "GetItem") and op.calls[-1] == ("dynamodb", "UpdateItem"), op
        sent = op.calls[1:-1]
        assert sent and op.count("events")["PutEvents"] <= 1, op
        assert sent == sorted(sent, key=lambda call: call[0] == "events"), op  # the mails first


def test_nothing_but_the_outbox_s_relay_puts_events_on_the_bus(tour: list[Operation]) -> None:
    """Every event integrators hear of is owed through the outbox (above): no route, worker or
    schedule of the tour puts one itself."""
    for op in tour:
        if op.function != RELAY:
            assert not op.count("events"), f"{op.method} {op.path}: {op.calls}"


def test_the_sync_worker_writes_an_account_s_readings_and_their_events_in_one_transaction(
    tour: list[Operation],
) -> None:
    """The account's meters and count of readings in one BatchGetItem, its readings with their
    events in one TransactWriteItems (functions/readings/askue_readings.py), then the batch's two
    writes (the meters' marks, the snapshots); the relay after it puts the readings' events."""
    [n] = [n for n, op in enumerate(tour) if op.function == "AskueSyncWorkerFunction"]
    worker = tour[n]

    assert worker.count("dynamodb") == {
        "BatchGetItem": 2,  # the batch's links; the account's meters and count
        "TransactWriteItems": 1,
        "BatchWriteItem": 2,
    }, worker.calls
    assert tour[n + 1].function == RELAY and tour[n + 1].count("events") == {"PutEvents": 1}
