"""The connectors against the simulator: both formats, retries for transient faults only, a budget."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest

from functions.askue.connectors import JsonRegistersConnector, Xml80020Connector, connector_for
from functions.askue.http import (
    AskueBadData,
    AskueCredentialsRejected,
    AskueHttp,
    AskueUnavailable,
    HttpPolicy,
)
from functions.askue.settings import AskueSettings
from infra.askue_simulator import DEMO_PASSWORD, AskueSimulator
from tests.unit.askue_support import simulator

__all__ = ["simulator"]

FAST = HttpPolicy(connect_timeout=0.5, read_timeout=0.4, budget=1.2, backoff_base=0.01, backoff_cap=0.05)


def connectors(url: str) -> list[JsonRegistersConnector | Xml80020Connector]:
    http = AskueHttp(url, FAST)
    return [JsonRegistersConnector(http), Xml80020Connector(http)]


def test_json_connector_reads_every_meter_of_the_demo_account(simulator: AskueSimulator) -> None:
    rows = JsonRegistersConnector(AskueHttp(simulator.url, FAST)).fetch_latest("demo", DEMO_PASSWORD)

    assert len(rows) == 3
    assert len({row.object_name for row in rows}) == 2
    assert sum(row.active_export_kwh > 0 for row in rows) == 1, "one meter exports energy"
    assert all(row.active_import_kwh > 1000 for row in rows), "register totals, not a day's energy"
    assert all(isinstance(row.reactive_import_kvarh, Decimal) for row in rows)


def test_registers_grow_slowly_and_deterministically(simulator: AskueSimulator) -> None:
    connector = JsonRegistersConnector(AskueHttp(simulator.url, FAST))
    first = connector.fetch_latest("demo", DEMO_PASSWORD)
    assert connector.fetch_latest("demo", DEMO_PASSWORD) == first

    simulator.clock = lambda: first[0].read_at + timedelta(hours=2)
    later = connector.fetch_latest("demo", DEMO_PASSWORD)

    for before, after in zip(first, later, strict=True):
        assert before.active_import_kwh < after.active_import_kwh < before.active_import_kwh + 100


def test_xml_connector_reads_the_last_day_of_the_demo_account(simulator: AskueSimulator) -> None:
    rows = Xml80020Connector(AskueHttp(simulator.url, FAST)).fetch_latest("demo", DEMO_PASSWORD)

    assert len(rows) == 3
    assert sum(row.active_export_kwh > 0 for row in rows) == 1
    assert all(0 < row.active_import_kwh < 1000 for row in rows), "one day's energy"
    assert len({row.read_at for row in rows}) == 1


def test_the_connector_is_chosen_by_configuration() -> None:
    base = {"askue_table": "t", "askue_key_id": "k", "askue_base_url": "http://askue.test"}

    assert isinstance(connector_for(AskueSettings.model_validate(base)), JsonRegistersConnector)
    chosen = connector_for(AskueSettings.model_validate({**base, "askue_connector": "xml80020"}))
    assert isinstance(chosen, Xml80020Connector)
    assert chosen.registers is False


@pytest.mark.parametrize("connector_index", [0, 1], ids=["json", "xml80020"])
def test_wrong_credentials_are_refused_at_once_without_retrying(
    simulator: AskueSimulator, connector_index: int
) -> None:
    connector = connectors(simulator.url)[connector_index]

    with pytest.raises(AskueCredentialsRejected):
        connector.fetch_latest("demo", "не-тот-пароль")
    with pytest.raises(AskueCredentialsRejected):
        connector.fetch_latest("nobody", "x")

    assert simulator.requests["demo"] == 1
    assert simulator.requests["nobody"] == 1


def test_transient_faults_are_retried_with_backoff_until_ASKUE_answers(simulator: AskueSimulator) -> None:
    rows = JsonRegistersConnector(AskueHttp(simulator.url, FAST)).fetch_latest("flaky-2-a", "x")

    assert len(rows) == 1
    assert simulator.requests["flaky-2-a"] == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_then_reported_unavailable(simulator: AskueSimulator, status: int) -> None:
    login = f"fault-{status}-x"

    with pytest.raises(AskueUnavailable) as raised:
        JsonRegistersConnector(AskueHttp(simulator.url, FAST)).fetch_latest(login, "x")

    assert simulator.requests[login] == 3
    assert raised.value.timed_out is (status == 504)


def test_a_server_error_that_is_not_transient_is_not_retried(simulator: AskueSimulator) -> None:
    with pytest.raises(AskueUnavailable):
        JsonRegistersConnector(AskueHttp(simulator.url, FAST)).fetch_latest("fault-500-x", "x")

    assert simulator.requests["fault-500-x"] == 1


def test_a_hanging_ASKUE_is_given_up_within_the_budget(simulator: AskueSimulator) -> None:
    began = time.monotonic()

    with pytest.raises(AskueUnavailable) as raised:
        JsonRegistersConnector(AskueHttp(simulator.url, FAST)).fetch_latest("fault-timeout", "x")

    assert raised.value.timed_out
    assert time.monotonic() - began < FAST.budget + 0.3


def test_a_closed_port_is_unavailable_not_an_error() -> None:
    with pytest.raises(AskueUnavailable) as raised:
        JsonRegistersConnector(AskueHttp("http://127.0.0.1:9", FAST)).fetch_latest("demo", DEMO_PASSWORD)

    assert not raised.value.timed_out


@pytest.mark.parametrize("fault", ["fault-malformed", "fault-xxe", "fault-bomb", "fault-encoding"])
@pytest.mark.parametrize("connector_index", [0, 1], ids=["json", "xml80020"])
def test_malformed_or_hostile_answers_are_refused(
    simulator: AskueSimulator, fault: str, connector_index: int
) -> None:
    with pytest.raises(AskueBadData):
        connectors(simulator.url)[connector_index].fetch_latest(fault, "x")

    assert simulator.requests[fault] == 1, "bad data is not retried"


def test_an_oversized_answer_is_refused(simulator: AskueSimulator) -> None:
    small = HttpPolicy(max_bytes=200)

    with pytest.raises(AskueBadData, match="larger"):
        JsonRegistersConnector(AskueHttp(simulator.url, small)).fetch_latest("demo", DEMO_PASSWORD)


def test_a_changing_account_takes_its_password_however_often_until_it_is_changed(
    simulator: AskueSimulator,
) -> None:
    """What the tests of «a password that stopped working» use: a retried request (an answer lost on
    the way) cannot use the account up, as it could `once-…`'s one good request; the change can."""
    import urllib.request

    connector = JsonRegistersConnector(AskueHttp(simulator.url, FAST))
    for _ in range(3):
        assert len(connector.fetch_latest("changing-a1", "any")) == 1

    def change(login: str) -> None:
        url = f"{simulator.url}/control/password-changed?login={login}"
        request = urllib.request.Request(url, method="POST")  # noqa: S310 (the local simulator)
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310

    with pytest.raises(urllib.error.HTTPError):  # only a changing-… account's password changes
        change("demo")
    change("changing-a1")

    with pytest.raises(AskueCredentialsRejected):
        connector.fetch_latest("changing-a1", "any")
    assert len(connector.fetch_latest("changing-b2", "any")) == 1, "another account is unchanged"
