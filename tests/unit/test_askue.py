"""The ASKUE API on moto and the simulator: fetch, remember, latest, forget, and every refusal."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from werkzeug.wrappers import Response

from functions.askue import handler
from functions.askue.settings import askue_settings
from functions.common.aws import dynamodb
from functions.common.clock import MOSCOW
from functions.common.settings import load_settings
from infra.askue_simulator import DEMO_METERS, AskueSimulator, document_80020
from tests.unit.askue_support import CONSUMER, DEMO, OTHER_CONSUMER, askue, consumer_event, simulator
from tests.unit.conftest import REGION, api_event, call

__all__ = ["askue", "simulator"]

REFUSED = "АСКУЭ не приняла идентификатор или пароль. Проверьте их и повторите попытку."


def fetch(body: dict[str, Any], claims: dict[str, str] = CONSUMER) -> tuple[int, Any]:
    return call(handler, consumer_event("POST", "/api/askue/fetch", body, claims))


def latest(claims: dict[str, str] = CONSUMER) -> dict[str, Any]:
    status, body = call(handler, consumer_event("GET", "/api/askue/latest", claims=claims))
    assert status == 200
    return dict(body)


def stored_items(user_id: str = CONSUMER["sub"]) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb", region_name=REGION).Table(askue_settings().askue_table)
    return list(
        table.query(KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": user_id})["Items"]
    )


def test_fetch_gives_every_meter_of_the_demo_account_as_decimals(askue: AskueSimulator) -> None:
    status, body = fetch({**DEMO, "remember": False})

    assert status == 200
    assert len(body["rows"]) == 3
    assert set(body["rows"][0]) == {
        "object_name",
        "meter_name",
        "measuring_point_code",
        "document_number",
        "active_import_kwh",
        "active_export_kwh",
        "reactive_import_kvarh",
        "reactive_export_kvarh",
        "read_at",
        "profile",
        "flags",
    }
    assert all(row["profile"] is None for row in body["rows"]), "registers carry no half-hours"
    assert all(isinstance(row["active_import_kwh"], str) for row in body["rows"]), "exact decimals"
    assert all(row["flags"] == [] for row in body["rows"]), "the JSON registers carry no status"
    assert all(row["measuring_point_code"] is None for row in body["rows"]), "registers name meters only"
    assert body["remembered"] is False
    assert body["fetched_at"]


def test_with_the_80020_connector_the_latest_data_keep_each_meters_half_hours(
    askue: AskueSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASKUE_CONNECTOR", "xml80020")
    load_settings.cache_clear()
    fetched = fetch({**DEMO, "remember": False})[1]

    rows = latest()["rows"]

    assert [row["profile"] for row in rows] == [row["profile"] for row in fetched["rows"]]
    for row in rows:
        profile = row["profile"]
        day_after = datetime.fromisoformat(row["read_at"]).astimezone(MOSCOW).date()  # read at its end
        assert profile["day"] == (day_after - timedelta(days=1)).isoformat()
        assert len(profile["starts"]) in (46, 48, 50)
        assert len(profile["active_import_kwh"]) == len(profile["starts"])
        assert len(profile["active_export_kwh"]) == len(profile["starts"])
        assert sum(Decimal(v) for v in profile["active_import_kwh"]) == Decimal(row["active_import_kwh"])
    exported = [Decimal(v) for row in rows for v in row["profile"]["active_export_kwh"]]
    assert any(v > 0 for v in exported), "the house's solar plant"
    assert [row["measuring_point_code"] for row in rows] == [
        "452010000112001",
        "452010000114001",
        "452010000114002",
    ]


def test_a_stale_80020_document_does_not_replace_the_days_corrected_rows(
    askue: AskueSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASKUE_CONNECTOR", "xml80020")
    load_settings.cache_clear()
    fetch({**DEMO, "remember": False})
    corrected = latest()["rows"]
    number = corrected[0]["document_number"]
    stale = document_80020(DEMO_METERS[:1], _day_of(corrected[0]), number - 1, datetime.now(UTC))
    monkeypatch.setattr(askue, "dispatch", lambda request: Response(stale, content_type="application/xml"))

    fetch({**DEMO, "remember": False})

    assert latest()["rows"] == corrected, "the higher-numbered document of the day stays"
    resent = document_80020(DEMO_METERS[:1], _day_of(corrected[0]), number + 1, datetime.now(UTC))
    monkeypatch.setattr(askue, "dispatch", lambda request: Response(resent, content_type="application/xml"))
    fetch({**DEMO, "remember": False})
    [row] = latest()["rows"]
    assert (row["measuring_point_code"], row["document_number"]) == ("452010000112001", number + 1)


def _day_of(row: dict[str, Any]) -> date:
    return date.fromisoformat(row["profile"]["day"])


def test_without_remember_no_credentials_are_stored_but_the_data_is(askue: AskueSimulator) -> None:
    fetch({**DEMO, "remember": False})

    answer = latest()
    assert answer["link"] == {"state": "none", "login": None, "linked_at": None, "rejected_at": None}
    assert len(answer["rows"]) == 3
    assert answer["source"] == "fetch"
    assert {item["sk"][:9] for item in stored_items()} == {"snapshot#"}


def test_remember_keeps_the_password_only_encrypted_for_this_consumer(askue: AskueSimulator) -> None:
    status, body = fetch({**DEMO, "remember": True})
    assert status == 200
    assert body["remembered"] is True

    [link] = [item for item in stored_items() if item["sk"] == "link"]
    assert link["login"] == "demo"
    assert link["link_state"] == "active"
    ciphertext = bytes(link["password_ciphertext"].value)
    assert b"demo-askue-1" not in ciphertext
    assert "password" not in link
    kms = boto3.client("kms", region_name=REGION)
    plain = kms.decrypt(
        CiphertextBlob=ciphertext, EncryptionContext={"user_id": CONSUMER["sub"], "purpose": "askue-password"}
    )["Plaintext"]
    assert plain == b"demo-askue-1"
    with pytest.raises(ClientError):
        kms.decrypt(
            CiphertextBlob=ciphertext,
            EncryptionContext={"user_id": OTHER_CONSUMER["sub"], "purpose": "askue-password"},
        )
    answer = latest()
    assert answer["link"]["state"] == "active"
    assert answer["link"]["login"] == "demo"
    assert "demo-askue-1" not in str(answer)


def test_latest_is_one_dynamodb_call(askue: AskueSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    fetch({**DEMO, "remember": True})
    calls: list[str] = []
    client = dynamodb()  # the one client every store uses
    for name in ("query", "get_item", "scan", "batch_get_item"):
        original = getattr(client, name)
        monkeypatch.setattr(
            client, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k)
        )

    answer = latest()

    assert calls == ["query"]
    assert answer["link"]["state"] == "active"
    assert len(answer["rows"]) == 3


def test_forget_deletes_the_credentials_and_keeps_the_data(askue: AskueSimulator) -> None:
    fetch({**DEMO, "remember": True})

    status, body = call(handler, consumer_event("DELETE", "/api/askue/link"))

    assert status == 204
    assert body is None
    answer = latest()
    assert answer["link"]["state"] == "none"
    assert len(answer["rows"]) == 3
    assert not [item for item in stored_items() if item["sk"] == "link"]
    assert call(handler, consumer_event("DELETE", "/api/askue/link"))[0] == 204, "forgetting twice is fine"


def test_a_consumer_sees_only_their_own_data(askue: AskueSimulator) -> None:
    fetch({**DEMO, "remember": True})

    answer = latest(OTHER_CONSUMER)

    assert answer["rows"] == []
    assert answer["fetched_at"] is None
    assert answer["link"]["state"] == "none"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"login": "", "password": ""},
            {"login": "Заполните поле «Идентификатор».", "password": "Заполните поле «Пароль»."},
        ),
        ({"login": "demo"}, {"password": "Заполните поле «Пароль»."}),
        ({"password": "x"}, {"login": "Заполните поле «Идентификатор»."}),
        (
            {"login": "de:mo", "password": "x"},
            {"login": "Идентификатор АСКУЭ не может содержать двоеточие и служебные символы."},
        ),
    ],
    ids=["both-empty", "no-password", "no-login", "colon"],
)
def test_missing_identifier_or_password_is_refused_and_changes_nothing(
    askue: AskueSimulator, body: dict[str, Any], fields: dict[str, str]
) -> None:
    status, problem = fetch(body)

    assert status == 422
    assert {error["field"]: error["message"] for error in problem["errors"]} == fields
    assert sum(askue.requests.values()) == 0, "ASKUE is not asked"
    assert stored_items() == []


def test_wrong_credentials_are_a_422_on_the_password_and_change_nothing(askue: AskueSimulator) -> None:
    fetch({**DEMO, "remember": True})
    before = stored_items()

    status, problem = fetch({"login": "demo", "password": "не-тот-пароль", "remember": True})

    assert status == 422
    assert problem["errors"] == [{"field": "password", "message": REFUSED}]
    assert stored_items() == before


@pytest.mark.parametrize(
    ("login", "status", "title"),
    [
        ("fault-timeout", 504, "АСКУЭ недоступна"),
        ("fault-503-x", 503, "АСКУЭ недоступна"),
        ("fault-500-x", 503, "АСКУЭ недоступна"),
        ("fault-malformed", 502, "АСКУЭ вернула некорректные данные"),
        ("fault-xxe", 502, "АСКУЭ вернула некорректные данные"),
        ("fault-encoding", 502, "АСКУЭ вернула некорректные данные"),
    ],
)
def test_ASKUE_down_slow_or_sending_bad_data_gets_a_clear_answer_and_keeps_good_data(
    askue: AskueSimulator, login: str, status: int, title: str
) -> None:
    fetch({**DEMO, "remember": True})
    before = stored_items()

    answered, problem = fetch({"login": login, "password": "x", "remember": True})

    assert answered == status
    assert problem["title"] == title
    assert problem["detail"]
    assert "Traceback" not in str(problem)
    assert stored_items() == before


def test_no_token_is_refused(askue: AskueSimulator) -> None:
    status, problem = call(handler, api_event("GET", "/api/askue/latest"))

    assert status == 401
    assert problem["title"] == "Требуется вход"
