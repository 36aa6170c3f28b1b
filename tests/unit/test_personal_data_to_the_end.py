"""Personal data to the end (152-ФЗ ст. 14 and ст. 21 ч. 5): a consumer who touched every table — a
connection request with a passport's scan, a message with a photo, an object, a reading, an ASKUE
link and its data — finds all of it in «Мои данные», and after deleting the account the erasure
leaves nothing that names them: no integration view shows what they typed or serves their files,
their objects and ASKUE data are gone, and the company can still move the request."""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from functions.askue.models import AskueRow, Snapshot, StoredLink
from functions.askue.store import AskueStore
from functions.auth import erasure
from functions.auth import handler as auth
from functions.integration import handler as integration
from functions.readings import handler as readings
from functions.requests.erasure import kept_on_erasure
from functions.requests.registry import FIELDS_OF
from functions.requests.vocabulary import RequestType
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.test_account_deletion import delete
from tests.unit.test_accounts import IVAN as REGISTRATION
from tests.unit.test_accounts import claims_of, mailed_password, register
from tests.unit.test_objects import HOUSE
from tests.unit.test_request_conversation import integrators_request, write
from tests.unit.test_requests import PNG, clock, connection, file, move, pull, upload  # noqa: F401

EMAIL = "ivan.petrov@example.ru"
MESSAGE = "Перезвоните мне, пожалуйста, по вечерам."
ASKUE_LOGIN = "ivan-askue-login"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _exists(world: World, key: str) -> bool:
    try:
        boto3.client("s3").head_object(Bucket=world.refs["UploadsBucket"], Key=key)
    except ClientError:
        return False
    return True


@pytest.fixture
def everywhere(world: World, clock: Callable[[datetime], None]) -> dict[str, Any]:  # noqa: F811
    """A consumer in every table; what they typed and filed, by name."""
    register(REGISTRATION)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    scan = upload(world, caller, "Паспорт.png", "image/png", PNG)
    body = connection()
    status, created = file({**body, "attachments": [scan]}, claims=caller)
    assert status == 201, created
    photo = upload(world, caller, "Счётчик.png", "image/png", PNG)
    status, message = write(created["id"], {"text": MESSAGE, "attachments": [photo]}, claims=caller)
    assert status == 201, message
    status, added = call(readings, api_event("POST", "/api/objects", HOUSE, claims=caller))
    assert status == 201, added
    reading = {"meter_type": "single_tariff", "meter_number": "СЕ-101", "values": {"t1": "1234,5"}}
    assert call(readings, api_event("POST", "/api/readings", reading, claims=caller))[0] == 201
    askue = AskueStore(world.environment["ASKUE_TABLE"])
    at = datetime(2026, 11, 20, tzinfo=UTC)
    askue.save_link(
        StoredLink(
            user_id=caller["sub"],
            email=EMAIL,
            login=ASKUE_LOGIN,
            password_ciphertext=b"ciphertext",
            state="active",
            linked_at=at,
        )
    )
    row = AskueRow(
        object_name="Дом Ивана Петрова",
        meter_name="Меркурий 230 № 44556677",
        active_import_kwh=Decimal("27533.938"),
        active_export_kwh=Decimal(0),
        reactive_import_kvarh=Decimal(0),
        reactive_export_kvarh=Decimal(0),
        read_at=at,
    )
    askue.save_snapshot(caller["sub"], Snapshot(rows=[row], fetched_at=at, login=ASKUE_LOGIN, source="fetch"))
    typed = [s for s in _strings(body["fields"]) if len(s) > 3 and not s.isascii()]
    return {
        "caller": caller,
        "password": password,
        "request_id": created["id"],
        "files": [scan, photo],
        "typed": typed,
        "fields": body["fields"],
    }


def test_the_export_holds_every_table_s_data_with_links_to_the_files(everywhere: dict[str, Any]) -> None:
    status, data = call(auth, api_event("GET", "/api/profile/export", claims=everywhere["caller"]))

    assert status == 200, data
    [request] = data["requests"]
    assert request["id"] == everywhere["request_id"]
    [scan] = request["attachments"]
    assert scan["filename"] == "Паспорт.png" and scan["url"].startswith("https://")
    [message] = request["messages"]
    assert message["text"] == MESSAGE and message["author"] == "consumer"
    assert [f["filename"] for f in message["attachments"]] == ["Счётчик.png"]
    [obj] = data["objects"]
    assert obj["account_number"].replace(" ", "") == HOUSE["account_number"].replace(" ", "")
    assert obj["address"] == HOUSE["address"]
    assert [m["meter_number"] for m in data["meters"]] == ["СЕ-101"]
    assert [r["meter_number"] for r in data["readings"]] == ["СЕ-101"]
    assert data["askue_link"]["login"] == ASKUE_LOGIN
    [snapshot] = data["askue_snapshots"]
    assert snapshot["login"] == ASKUE_LOGIN and snapshot["rows"][0]["meter_name"] == "Меркурий 230 № 44556677"
    assert "ciphertext" not in json.dumps(data)


def test_the_erasure_leaves_nothing_that_names_the_person_and_the_request_still_moves(
    world: World, everywhere: dict[str, Any]
) -> None:
    caller, request_id = everywhere["caller"], everywhere["request_id"]
    assert all(_exists(world, key) for key in everywhere["files"])
    copies = [a["key"] for a in _stored_attachments(world)]
    assert copies and all(_exists(world, key) for key in copies)
    assert delete(caller, everywhere["password"]) == (204, None)

    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 1, "failed": 0}

    status, request = integrators_request(request_id)
    assert status == 200, request
    [listed] = [item for item in pull(status="registered")[1]["items"] if item["id"] == request_id]
    for view in (request, listed):
        shown = json.dumps(view, ensure_ascii=False)
        assert view["personal_data_erased"] is True and view["email"] is None
        for personal in [EMAIL, MESSAGE, "Иванов", *everywhere["typed"]]:
            assert personal not in shown, personal
        assert view["attachments"] == []
    assert [m["attachments"] for m in request["messages"]] == [[]]
    # What names nobody stays for the company's records: the application's choices and numbers.
    assert request["fields"]["voltage_kv"] == everywhere["fields"]["voltage_kv"]
    assert Decimal(str(request["fields"]["max_power_kw"])) == Decimal(
        str(everywhere["fields"]["max_power_kw"])
    )
    # No file is served any more: the copies and the uploads are deleted.
    assert not any(_exists(world, key) for key in [*everywhere["files"], *copies])
    # «Мои объекты» and the ASKUE link and data are gone.
    table = boto3.resource("dynamodb").Table(world.refs["AskueTable"])
    left = table.query(KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": caller["sub"]})
    assert [item["sk"] for item in left["Items"]] == []
    objects = call(integration, api_event("GET", "/api/integration/objects", integrator="crm-key"))
    assert objects[0] == 200, objects
    assert HOUSE["address"] not in json.dumps(objects, ensure_ascii=False)
    # The company can still move the request.
    assert move(request_id, {"status": "in_review"})[0] == 200
    # And the next run finds nothing to do.
    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 0, "failed": 0}


def _stored_attachments(world: World) -> list[dict[str, Any]]:
    items = boto3.resource("dynamodb").Table(world.refs["RequestsTable"]).scan()["Items"]
    return [a for item in items for a in item.get("attachments") or []]


@pytest.mark.parametrize("kind", list(RequestType))
def test_only_fields_that_name_nobody_are_kept_on_erasure(kind: RequestType) -> None:
    schema = FIELDS_OF[kind].model_json_schema()
    kept = kept_on_erasure(kind)

    def free_text(spec: dict[str, Any]) -> bool:
        """Typed by a person: a string, a list or an object; not a number (a Decimal is given as a
        number or its string), a choice (an enum, a const) or yes/no."""
        options = [o for o in spec.get("anyOf", [spec]) if o.get("type") != "null"]
        options = [schema["$defs"][o["$ref"].rsplit("/", 1)[-1]] if "$ref" in o else o for o in options]
        if any(
            o.get("type") in ("number", "integer", "boolean") or "enum" in o or "const" in o for o in options
        ):
            return False
        return any(o.get("type") in ("string", "array", "object") for o in options)

    assert not {name for name in kept if free_text(schema["properties"][name])}
    # And what a person types is never kept: text, addresses, numbers of documents and meters.
    for name, spec in schema["properties"].items():
        if free_text(spec):
            assert name not in kept, name
