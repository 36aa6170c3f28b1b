"""Service requests («Заявки»): types, uploads, filing, numbering, deadlines, idempotency, list,
detail, and the company's status changes — the real handlers against moto on the template's world."""

import ast
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from functions.common import clock as portal_clock
from functions.common.aws import dynamodb
from functions.docs.document import openapi_document
from functions.integration import handler as integration
from functions.requests import calendar, filing, transitions
from functions.requests import handler as requests_api
from functions.requests.uploads import FILE_NOT_FOUND
from functions.requests.vocabulary import REQUEST_KINDS, RequestType
from infra.template import ROOT
from infra.world import World
from tests.unit.conftest import api_event, call, mailed

IVAN = {"sub": "0b1c2d3e-0000-4000-8000-000000000001", "email": "ivan@example.ru"}
PETR = {"sub": "0b1c2d3e-0000-4000-8000-000000000002", "email": "petr@example.ru"}
TODAY = date(2026, 11, 27)  # a Friday
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

VALID: dict[str, dict[str, Any]] = {
    "connection": {
        "applicant_kind": "person",
        "purpose": "household",
        "residence_address": "Московская обл., д. Берёзки, ул. Садовая, 7",
        "identity_document_kind": "passport_rf",
        "identity_document_series": "4510",
        "identity_document_number": "123456",
        "identity_document_issued_on": "2015-05-05",
        "identity_document_issued_by": "ОУФМС России по Московской обл.",
        "object_name": "Жилой дом",
        "object_address": "Московская обл., д. Берёзки, ул. Садовая, 7",
        "cadastral_number": "50:20:0010101:1234",
        "reason": "new",
        "max_power_kw": "15",
        "voltage_kv": "0.22",
        "reliability_category": "III",
        "points": [{"name": "ВРУ-0,22 кВ жилого дома", "max_power_kw": "15", "voltage_kv": "0.22"}],
        "supply_contract": "energy_supply",
        "guaranteeing_supplier": "АО «Мосэнергосбыт»",
        "settlement": "rural",
        "grid_distance_m": 120,
    },
    "meter_reading": {
        "address": "г. Москва, ул. Мира, 5, кв. 12",
        "account_number": "5001234567",
        "reason": "control",
        "meter_number": "01234567",
        "reading_date": "2026-12-01",
    },
    "meter_admission": {
        "address": "г. Москва, ул. Мира, 5, кв. 12",
        "meter_number": "98765432",
        "meter_model": "Меркурий 201.8",
        "installation_date": "2026-11-20",
        "installed_by": "grid_company",
        "isu_ready": True,
        "installation_reading": "0.5",
        "verified_on": "2026-10-01",
        "verification_record": "С-ВЯ/01-10-2026/232853465",
        "next_verification_on": "2042-10-01",
        "admission_date": "2026-12-03",
        "time_slot": "morning",
    },
    "meter_installation": {
        "premises": "house",
        "supply_point_address": "г. Москва, ул. Мира, 5",
        "work": "replace",
        "reason": "verification_expired",
        "old_meter_number": "111222",
        "work_date": "2026-12-10",
    },
    "unmetered_consumption": {
        "kind": "non_contractual",
        "place": "г. Москва, ул. Лесная, 3",
        "detected_on": "2026-11-25",
        "description": "Провод наброшен на линию в обход прибора учёта",
    },
    "grid_theft": {
        "incident": "theft",
        "location": "ВЛ-0,4 кВ у д. Берёзки, опоры 12–15",
        "occurred_on": "2026-11-26",
        "objects": "Провод СИП 4×16, около 120 м",
        "police_notified": True,
    },
    "no_power": {
        "supply_address": "г. Бор, ул. Лесная, д. 7",
        "since_date": "2026-11-26",
        "since_time": "7:30",
        "extent": "street",
        "danger": "wire_down",
    },
}


def body_of(kind: str, **changes: Any) -> dict[str, Any]:
    return {"type": kind, "text": "Прошу рассмотреть заявку.", "fields": dict(VALID[kind]), **changes}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Sets the portal's clock for the request rules (dates, numbers, deadlines)."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(portal_clock, "now", lambda: moment)
        monkeypatch.setattr(filing, "now", lambda: moment)
        monkeypatch.setattr(transitions, "now", lambda: moment)

    set_to(NOW)
    return set_to


@pytest.fixture
def env(world: World, clock: Callable[[datetime], None]) -> World:
    return world


def file(body: dict[str, Any], claims: dict[str, str] = IVAN, key: str | None = "auto") -> tuple[int, Any]:
    headers = {"Idempotency-Key": uuid.uuid4().hex if key == "auto" else key} if key else {}
    return call(requests_api, api_event("POST", "/api/requests", body, claims=claims, headers=headers))


def upload(world: World, claims: dict[str, str], name: str, content_type: str, data: bytes) -> str:
    """Asks for an upload form and stores the file as the browser would (moto ignores the policy)."""
    status, form = call(
        requests_api,
        api_event(
            "POST",
            "/api/requests/uploads",
            {"filename": name, "content_type": content_type, "size": len(data)},
            claims=claims,
        ),
    )
    assert status == 200, form
    put_object(
        world, form["key"], data, form["fields"]["Content-Type"], form["fields"]["x-amz-meta-filename"]
    )
    return str(form["key"])


def put_object(world: World, key: str, data: bytes, content_type: str, filename: str = "") -> None:
    boto3.client("s3").put_object(
        Bucket=world.refs["UploadsBucket"],
        Key=key,
        Body=data,
        ContentType=content_type,
        Metadata={"filename": filename} if filename else {},
        Tagging="attached=no",
    )


def stored_requests(world: World) -> list[dict[str, Any]]:
    items = boto3.resource("dynamodb").Table(world.refs["RequestsTable"]).scan()["Items"]
    return [item for item in items if str(item["sk"]).startswith("REQUEST#")]


def detail(request_id: str, claims: dict[str, str] = IVAN) -> tuple[int, Any]:
    return call(
        requests_api,
        api_event("GET", f"/api/requests/{request_id}", claims=claims, path_parameters={"id": request_id}),
    )


def listing(claims: dict[str, str] = IVAN, **query: str) -> tuple[int, Any]:
    return call(requests_api, api_event("GET", "/api/requests", claims=claims, query=query or None))


def move(request_id: str, body: dict[str, Any]) -> tuple[int, Any]:
    return call(
        integration,
        api_event(
            "PATCH",
            f"/api/integration/requests/{request_id}",
            body,
            path_parameters={"id": request_id},
            integrator="crm-key",
        ),
    )


def pull(**query: str) -> tuple[int, Any]:
    return call(integration, api_event("GET", "/api/integration/requests", query=query, integrator="crm-key"))


def errors_of(problem: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem["errors"]}


# ---------------------------------------------------------------- types


def test_types_list_the_registry_with_russian_titles_review_days_and_form_schemas(env: World) -> None:
    status, body = call(requests_api, api_event("GET", "/api/requests/types", claims=IVAN))

    assert status == 200
    types = {t["code"]: t for t in body["types"]}
    assert [t["title"] for t in body["types"]] == [
        "Заявка на технологическое присоединение к электрическим сетям",
        "Заявка на снятие показаний прибора учёта электроэнергии",
        "Заявка на осуществление допуска в эксплуатацию прибора учёта",
        "Заявка на оборудование точки поставки прибором учёта (либо его замена)",
        "Заявление о бездоговорном (безучётном) потреблении электроэнергии",
        "Хищение объектов электросетевого хозяйства",
        "Сообщение об отсутствии электроэнергии",
    ]
    assert {code: t["review_working_days"] for code, t in types.items()} == {
        "connection": 15,
        "meter_reading": 5,
        "meter_admission": 10,
        "meter_installation": 10,
        "unmetered_consumption": 5,
        "grid_theft": 3,
        "no_power": 1,
    }
    connection = types["connection"]["fields_schema"]
    assert connection["properties"]["cadastral_number"]["title"] == "Кадастровый номер"
    assert "cadastral_number" not in connection["required"]
    assert connection["properties"]["max_power_kw"]["type"] == "number"
    assert connection["properties"]["voltage_kv"]["oneOf"][0] == {"const": "0.22", "title": "0,22 кВ"}
    assert "existing_power_kw" not in connection["required"]
    assert "applicant_category" not in connection["properties"]  # derived, never picked
    assert [row["clause"] for row in connection["x-procedures"]["rows"]][:3] == [
        "ПП № 861, п. 14",
        "ПП № 861, п. 12(1)",
        "ПП № 861, п. 12",
    ]
    point = connection["properties"]["points"]["items"]["properties"]
    assert point["max_power_kw"]["title"] == "Мощность в точке, кВт"
    assert {
        "const": "reliability_or_points_change",
        "title": "Изменение категории надёжности, точек присоединения",
    } in (connection["properties"]["reason"]["oneOf"])
    assert types["meter_reading"]["fields_schema"]["properties"]["reading_date"]["format"] == "date"
    for kind in types.values():
        for spec in kind["fields_schema"]["properties"].values():
            assert "anyOf" not in spec
            assert any("а" <= c <= "я" for c in spec["title"].lower()), spec


def test_review_days_come_from_the_environment(env: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.common.settings import load_settings

    days = (
        "connection=20,meter_reading=2,meter_admission=10,meter_installation=10,"
        "unmetered_consumption=5,grid_theft=1"
    )
    monkeypatch.setenv("REQUEST_REVIEW_DAYS", days)
    load_settings.cache_clear()

    _, body = call(requests_api, api_event("GET", "/api/requests/types", claims=IVAN))

    assert body["types"][0]["review_working_days"] == 20
    assert body["types"][-1]["review_working_days"] == 1


def test_a_type_the_review_days_leave_out_keeps_the_registry_s_default(
    env: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.common.settings import load_settings

    monkeypatch.setenv("REQUEST_REVIEW_DAYS", "grid_theft=7")  # e.g. a stack deployed before a new type
    load_settings.cache_clear()

    _, body = call(requests_api, api_event("GET", "/api/requests/types", claims=IVAN))
    status, created = file(body_of("meter_reading"))

    assert {t["code"]: t["review_working_days"] for t in body["types"]} == {
        **{kind.code: kind.review_days for kind in REQUEST_KINDS},
        "grid_theft": 7,
    }
    assert status == 201, created
    assert created["review_deadline"] == calendar.add_working_days(TODAY, 5).isoformat()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (
            "connection=15,conection=20",
            "REQUEST_REVIEW_DAYS names «conection», which is no request type; "
            "the types .* are connection, meter_reading, ",
        ),
        ("grid_theft=0", "grid_theft=0: every review time is at least one working day"),
        ("grid_theft=три", "grid_theft=три: every review time is at least one working day"),
    ],
)
def test_review_days_naming_no_request_type_or_no_working_day_are_refused_when_the_function_starts(
    monkeypatch: pytest.MonkeyPatch, days: str, message: str
) -> None:
    from pydantic import ValidationError

    from functions.common.settings import load_settings
    from functions.requests.settings import request_settings

    monkeypatch.setenv("REQUESTS_TABLE", "requests")
    monkeypatch.setenv("UPLOADS_BUCKET", "uploads")
    monkeypatch.setenv("REQUEST_REVIEW_DAYS", days)
    load_settings.cache_clear()
    try:
        with pytest.raises(ValidationError, match=message):
            request_settings()
    finally:
        load_settings.cache_clear()


# What a developer writes for a new request type: its fields model (type_fields.py), and one entry
# at the end of the registry (`REQUEST_KINDS` of vocabulary.py). The test below makes exactly these
# edits to a copy of functions/ and nothing else.
NEW_TYPE_FIELDS = """

class StreetLightFields(TypeFields):
    pole_address: Line = Field(title="Адрес опоры освещения")
    lamps_out: int = Field(title="Сколько светильников не горит", ge=1, le=100)
"""
NEW_TYPE_ENTRY = """\
    RequestKind(
        code="street_light",
        title="Заявка о неисправности уличного освещения",
        fields="StreetLightFields",
        review_days=2,
        description="Не горят светильники на опорах сетевой компании.",
    ),
"""


def _with_a_new_type(fields_source: str, registry_source: str) -> tuple[str, str]:
    """type_fields.py with NEW_TYPE_FIELDS after its last fields model, and vocabulary.py with
    NEW_TYPE_ENTRY last in REQUEST_KINDS."""
    fields_module, registry_module = ast.parse(fields_source), ast.parse(registry_source)
    [registry] = [
        node
        for node in registry_module.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "REQUEST_KINDS"
    ]
    last_fields = max(
        node.end_lineno or 0
        for node in fields_module.body
        if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") == "TypeFields" for b in node.bases)
    )
    fields_lines = fields_source.splitlines(keepends=True)
    fields_lines[last_fields:last_fields] = [NEW_TYPE_FIELDS]
    registry_lines = registry_source.splitlines(keepends=True)
    closing = (registry.end_lineno or 0) - 1  # the line of the tuple's ")"
    assert registry_lines[closing].strip() == ")"
    registry_lines[closing:closing] = [NEW_TYPE_ENTRY]
    return "".join(fields_lines), "".join(registry_lines)


def test_a_new_request_type_is_one_registry_entry_and_its_fields_model(tmp_path: Path) -> None:
    copy = tmp_path / "functions"
    shutil.copytree(ROOT / "functions", copy, ignore=shutil.ignore_patterns("__pycache__"))
    fields, registry = copy / "requests" / "type_fields.py", copy / "requests" / "vocabulary.py"
    fields_source, registry_source = _with_a_new_type(fields.read_text(), registry.read_text())
    fields.write_text(fields_source)
    registry.write_text(registry_source)
    out = tmp_path / "seen.json"

    run = subprocess.run(
        [sys.executable, str(ROOT / "tests/unit/added_request_type.py"), "street_light", str(out)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(out.read_text())
    assert Path(seen["models_file"]).is_relative_to(tmp_path)
    assert Path(seen["docs_file"]).is_relative_to(tmp_path)
    # Listed last by /api/requests/types, with its title, description, form schema and review days
    # (the registry's: the template's RequestReviewDays does not name it yet).
    assert [t["code"] for t in seen["types"]] == [*(kind.code for kind in REQUEST_KINDS), "street_light"]
    listed = seen["types"][-1]
    assert listed["title"] == "Заявка о неисправности уличного освещения"
    assert listed["description"] == "Не горят светильники на опорах сетевой компании."
    assert listed["review_working_days"] == 2
    assert {name: spec["title"] for name, spec in listed["fields_schema"]["properties"].items()} == {
        "pole_address": "Адрес опоры освещения",
        "lamps_out": "Сколько светильников не горит",
    }
    assert listed["fields_schema"]["required"] == ["pole_address", "lamps_out"]
    # Validated: a bad field is named by its Russian title; a good request is filed and due in 2 days.
    status, problem = seen["refused"]
    assert status == 422, problem
    assert list(errors_of(problem)) == ["fields.lamps_out"]
    assert "«Сколько светильников не горит»" in errors_of(problem)["fields.lamps_out"]
    status, created = seen["created"]
    assert status == 201, created
    assert created["review_deadline"] == calendar.add_working_days(TODAY, 2).isoformat()
    assert seen["detail"]["type_title"] == "Заявка о неисправности уличного освещения"
    assert [(row["title"], row["value"]) for row in seen["detail"]["field_rows"]] == [
        ("Адрес опоры освещения", "ул. Садовая, опора 12"),
        ("Сколько светильников не горит", "3"),
    ]
    # Documented: one more choice of the discriminated oneOf, titled in Russian.
    schema = seen["new_request_body"]["content"]["application/json"]["schema"]
    ref = "#/components/schemas/StreetLightRequest"
    assert schema["oneOf"][-1] == {"$ref": ref}
    assert schema["discriminator"]["mapping"]["street_light"] == ref
    assert seen["schemas"]["StreetLightRequest"]["title"] == "Заявка о неисправности уличного освещения"
    assert "street_light" in seen["schemas"]["RequestType"]["enum"]


# ---------------------------------------------------------------- review deadlines


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (date(2026, 11, 27), 3, date(2026, 12, 2)),  # Friday: the weekend is not counted
        (date(2025, 12, 30), 5, date(2026, 1, 16)),  # 31 Dec moved off, New Year holidays, 9 Jan moved off
        (date(2026, 12, 29), 3, date(2027, 1, 12)),  # 31 Dec 2026 is a day off, then 1–8 Jan and a weekend
        (date(2025, 10, 31), 1, date(2025, 11, 1)),  # Saturday 1 Nov 2025 was a working day by decree
        (date(2026, 5, 7), 2, date(2026, 5, 12)),  # 9 May is a Saturday: Monday 11 May is off
        (date(2026, 3, 6), 1, date(2026, 3, 10)),  # 8 March is a Sunday: Monday 9 March is off
    ],
)
def test_deadline_counts_working_days_of_the_russian_production_calendar(
    start: date, days: int, deadline: date
) -> None:
    assert calendar.add_working_days(start, days) == deadline


def test_request_filed_before_the_new_year_holidays_is_due_after_them(
    env: World, clock: Callable[[datetime], None]
) -> None:
    clock(datetime(2026, 12, 29, 9, 0, tzinfo=UTC))

    status, created = file(body_of("grid_theft", fields={**VALID["grid_theft"], "occurred_on": "2026-12-28"}))

    assert status == 201, created
    assert created["review_deadline"] == "2027-01-12"
    assert "до 12 января 2027 г." in mailed()[-1]["text"]


def test_request_filed_after_midnight_in_moscow_on_new_years_night_is_numbered_in_the_new_year(
    env: World, clock: Callable[[datetime], None]
) -> None:
    clock(datetime(2026, 12, 31, 20, 0, tzinfo=UTC))  # 23:00 in Moscow
    first = file(body_of("grid_theft"))[1]
    clock(datetime(2026, 12, 31, 21, 30, tzinfo=UTC))  # 00:30 on 1 January in Moscow
    second = file(body_of("grid_theft"))[1]

    assert (first["number"], second["number"]) == ("2026-000001", "2027-000001")


# ---------------------------------------------------------------- filing each type


@pytest.mark.parametrize("kind", list(VALID))
def test_each_type_is_filed_with_a_number_a_deadline_and_a_mail(env: World, kind: str) -> None:
    key = upload(env, IVAN, "Заявление.pdf", "application/pdf", PDF)

    status, created = file(body_of(kind, attachments=[key]))

    assert status == 201, created
    assert created["number"] == "2026-000001"
    assert created["status"] == "registered"
    assert created["status_title"] == "Зарегистрирована"
    days = {"connection": 10, "meter_reading": 5, "meter_admission": 10}.get(
        kind, {"grid_theft": 3}.get(kind)
    )
    if days:
        assert created["review_deadline"] == calendar.add_working_days(TODAY, days).isoformat()
    [mail] = mailed()
    assert mail["to"] == "ivan@example.ru"
    assert mail["subject"] == "Заявка № 2026-000001 зарегистрирована"
    assert "Ориентировочный срок рассмотрения: до " in mail["text"]
    assert f"http://portal.test/#/requests/{created['id']}" in mail["text"]
    [item] = stored_requests(env)
    assert item["type"] == kind
    [attachment] = item["attachments"]
    assert attachment["filename"] == "Заявление.pdf"
    assert (attachment["key"], attachment["upload"]) == (f"requests/{created['id']}/0", key)
    bucket, s3 = env.refs["UploadsBucket"], boto3.client("s3")
    assert s3.get_object(Bucket=bucket, Key=attachment["key"])["Body"].read() == PDF
    # The request's copy has no tag (no lifecycle rule expires it); the upload keeps attached=no
    # and is deleted after UnattachedUploadDays like any upload.
    assert s3.get_object_tagging(Bucket=bucket, Key=attachment["key"])["TagSet"] == []
    assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [{"Key": "attached", "Value": "no"}]


def test_detail_shows_fields_in_russian_files_as_links_and_the_history(env: World) -> None:
    key = upload(env, IVAN, "Схема участка.png", "image/png", PNG)
    _, created = file(body_of("connection", attachments=[key]))

    status, shown = detail(created["id"])

    assert status == 200
    assert shown["number"] == created["number"]
    assert shown["type_title"] == "Заявка на технологическое присоединение к электрическим сетям"
    rows = {row["title"]: row["value"] for row in shown["field_rows"]}
    assert rows["Уровень напряжения"] == "0,22 кВ"
    assert rows["Причина обращения"] == "Новое присоединение"
    assert rows["Запрашиваемая максимальная мощность, кВт"] == "15"
    assert rows["Точки присоединения"] == (
        "Точка присоединения: ВРУ-0,22 кВ жилого дома; Мощность в точке, кВт: 15; "
        "Напряжение в точке: 0,22 кВ; Ранее присоединённая в точке, кВт: 0"
    )
    assert rows["Кадастровый номер"] == "50:20:0010101:1234"
    [attachment] = shown["attachments"]
    assert attachment["filename"] == "Схема участка.png"
    assert attachment["size"] == len(PNG)
    assert "X-Amz-Signature=" in attachment["url"] and "X-Amz-Expires=300" in attachment["url"]
    assert [(h["status"], h["status_title"]) for h in shown["history"]] == [
        ("registered", "Зарегистрирована")
    ]
    assert "changed_by" not in shown["history"][0]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (body_of("grid_theft", text="  "), "text", "Заполните поле «Текст заявки»."),
        (
            {k: v for k, v in body_of("grid_theft").items() if k != "text"},
            "text",
            "Заполните поле «Текст заявки».",
        ),
        (
            {**body_of("grid_theft"), "type": "alien"},
            "type",
            "Поле «Тип заявки»: выберите одно из значений «connection»",
        ),
        ({"text": "x", "fields": {}}, "type", "Заполните поле «Тип заявки»."),
        (
            body_of("connection", fields={**VALID["connection"], "max_power_kw": "-5"}),
            "fields.max_power_kw",
            "Поле «Запрашиваемая максимальная мощность, кВт» должно быть больше 0.",
        ),
        (
            body_of("connection", fields={**VALID["connection"], "max_power_kw": "много"}),
            "fields.max_power_kw",
            "Поле «Запрашиваемая максимальная мощность, кВт» должно быть числом",
        ),
        (
            body_of("connection", fields={**VALID["connection"], "max_power_kw": "20000"}),
            "fields.max_power_kw",
            "Поле «Запрашиваемая максимальная мощность, кВт» должно быть не больше 15000.",
        ),
        (
            body_of("connection", fields={**VALID["connection"], "voltage_kv": "7"}),
            "fields.voltage_kv",
            "Поле «Уровень напряжения»: выберите одно из значений «0.22», «0.4», «6», «10», «20», «35» или "
            "«110».",
        ),
        (
            body_of("connection", fields={**VALID["connection"], "cadastral_number": "50-20-1"}),
            "fields.cadastral_number",
            "Поле «Кадастровый номер» заполнено в неверном формате.",
        ),
        (
            body_of("connection", fields={**VALID["connection"], "points": [{"name": "ВРУ"}]}),
            "fields.points.0.max_power_kw",
            "Заполните поле «Мощность в точке, кВт (точка 1)».",
        ),
        (
            body_of("meter_reading", fields={**VALID["meter_reading"], "reading_date": "01.12.2026"}),
            "fields.reading_date",
            "Поле «Желаемая дата снятия показаний» должно быть датой в формате ГГГГ-ММ-ДД.",
        ),
        (
            body_of("meter_reading", fields={**VALID["meter_reading"], "reading_date": "2026-11-26"}),
            "fields.reading_date",
            "Выберите сегодняшнюю или более позднюю дату.",
        ),
        (
            body_of("meter_reading", fields={**VALID["meter_reading"], "contact_phone": "123"}),
            "fields.contact_phone",
            "Укажите номер телефона",
        ),
        (
            body_of(
                "meter_admission", fields={**VALID["meter_admission"], "installation_date": "2026-11-28"}
            ),
            "fields.installation_date",
            "Дата не может быть позже сегодняшней.",
        ),
        (
            body_of("meter_installation", fields={**VALID["meter_installation"], "old_meter_number": None}),
            "fields.old_meter_number",
            "Укажите номер заменяемого прибора учёта.",
        ),
        (
            body_of(
                "unmetered_consumption",
                fields={**VALID["unmetered_consumption"], "detected_on": "2027-01-01"},
            ),
            "fields.detected_on",
            "Дата не может быть позже сегодняшней.",
        ),
        (
            body_of("grid_theft", fields={**VALID["grid_theft"], "objects": ""}),
            "fields.objects",
            "Заполните поле «Похищенное или повреждённое имущество».",
        ),
        (
            body_of("grid_theft", fields={**VALID["grid_theft"], "colour": "red"}),
            "fields.colour",
            "Поле «fields.colour» не предусмотрено: уберите его.",
        ),
        (
            body_of("grid_theft", attachments=[f"uploads/x/{i}" for i in range(6)]),
            "attachments",
            "Поле «Файлы» должно содержать не больше 5 элементов.",
        ),
        (
            body_of("grid_theft", attachments=["uploads/a", "uploads/a"]),
            "attachments",
            "Один и тот же файл приложен дважды.",
        ),
    ],
)
def test_bad_request_names_the_field_in_russian_and_changes_nothing(
    env: World, body: dict[str, Any], field: str, message: str
) -> None:
    status, problem = file(body)

    assert status == 422, problem
    assert problem["status"] == 422
    assert errors_of(problem).get(field, "").startswith(message), problem
    assert stored_requests(env) == []
    assert mailed() == []


# ---------------------------------------------------------------- technological connection (ПП № 861)

ORGANISATION = {
    "applicant_kind": "organisation",
    "purpose": "business",
    "organisation_name": "ООО «Весна»",
    "ogrn": "1027700132195",
    "inn": "7707083893",
    "load_character": "Торговля: освещение, вентиляция, холодильное оборудование",
}
NO_IDENTITY = {
    "identity_document_kind": None,
    "identity_document_series": None,
    "identity_document_number": None,
    "identity_document_issued_on": None,
    "identity_document_issued_by": None,
}


def connection(**changes: Any) -> dict[str, Any]:
    return body_of(
        "connection", fields={k: v for k, v in {**VALID["connection"], **changes}.items() if v is not None}
    )


def one_point(kw: str, kv: str = "0.4") -> list[dict[str, str]]:
    return [{"name": "РУ-0,4 кВ", "max_power_kw": kw, "voltage_kv": kv}]


def test_a_household_connects_15_kw_at_0_22_kv_in_reliability_category_iii(env: World) -> None:
    status, created = file(connection())

    assert status == 201, created
    [stored] = stored_requests(env)
    assert stored["fields"]["voltage_kv"] == "0.22"
    assert stored["fields"]["points"][0]["max_power_kw"] == "15"


def test_an_organisation_of_300_kw_states_its_stages(env: World) -> None:
    body = connection(
        **NO_IDENTITY,
        **ORGANISATION,
        max_power_kw="300",
        voltage_kv="10",
        reliability_category="II",
        supply_sources=2,
        points=one_point("300", "10"),
        stages=[
            {"name": "1-я очередь", "until": "2027-03-01", "max_power_kw": "200"},
            {"name": "2-я очередь", "until": "2027-06-01", "max_power_kw": "100"},
        ],
        reserve={"technological_kw": "20", "emergency_kw": "5"},
        reason="reliability_or_points_change",
    )

    status, created = file(body)

    assert status == 201, created


def test_without_a_cadastral_number_another_title_document_is_enough(env: World) -> None:
    status, _ = file(
        connection(cadastral_number=None, title_document="Договор аренды гаража № 12 от 01.03.2024")
    )
    assert status == 201

    status, problem = file(connection(cadastral_number=None))
    assert status == 422
    assert errors_of(problem) == {
        "fields.title_document": "Укажите кадастровый номер или, если его нет, документ о праве на объект "
        "(ПП № 861, п. 10 «г»)."
    }


def test_location_is_taken_as_the_settlement(env: World) -> None:
    fields = {k: v for k, v in VALID["connection"].items() if k != "settlement"}

    status, created = file(body_of("connection", fields={**fields, "location": "urban"}))

    assert status == 201, created
    assert stored_requests(env)[0]["fields"]["settlement"] == "urban"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"identity_document_number": None, "inn": "7707083893"},
            {
                "fields.identity_document_number": "Обязательно для заявителя — физическое лицо (ПП № 861, "
                "п. 9).",
                "fields.inn": "Не заполняйте для заявителя — физическое лицо.",
            },
        ),
        (
            {**NO_IDENTITY, **ORGANISATION, "ogrn": "1027700132196"},
            {"fields.ogrn": "ОГРН: 13 цифр с верной контрольной цифрой — проверьте по выписке из реестра."},
        ),
        (
            {**NO_IDENTITY, **ORGANISATION, "inn": "7707083890"},
            {"fields.inn": "ИНН: 10 цифр с верными контрольными цифрами — проверьте по свидетельству."},
        ),
        (
            {
                "applicant_kind": "entrepreneur",
                "purpose": "business",
                "ogrn": "1027700132195",
                "inn": "7707083893",
                "load_character": "Мастерская",
            },
            {
                "fields.egrip_recorded_on": "Обязательно для заявителя — индивидуальный предприниматель "
                "(ПП № 861, п. 9).",
                "fields.ogrn": "ОГРНИП: 15 цифр с верной контрольной цифрой — проверьте по выписке из "
                "реестра.",
                "fields.inn": "ИНН: 12 цифр с верными контрольными цифрами — проверьте по свидетельству.",
            },
        ),
        (
            {"points": one_point("10")},
            {
                "fields.points": "Сумма мощностей точек присоединения (10 кВт) должна быть равна "
                "запрашиваемой максимальной мощности (15 кВт) (ПП № 861, п. 9)."
            },
        ),
        (
            {
                **NO_IDENTITY,
                **ORGANISATION,
                "max_power_kw": "700",
                "points": one_point("700", "10"),
                "voltage_kv": "10",
                "load_character": None,
            },
            {
                "fields.stages": "Укажите этапы ввода с мощностью каждого: обязательны по порядку «Общий "
                "порядок, 670 кВт и выше» (ПП № 861, пп. 9, 10), п. 9.",
                "fields.load_character": "Укажите характер нагрузки: обязателен по порядку «Общий порядок, "
                "670 кВт и выше» (ПП № 861, пп. 9, 10), п. 9.",
            },
        ),
        (
            {"reserve": {"technological_kw": "1"}},
            {
                "fields.reserve": "Бронь электроснабжения не указывают по порядку «Физическое лицо до 15 кВт "
                "для бытовых нужд» (ПП № 861, п. 14): уберите её."
            },
        ),
        (
            {"reason": "temporary"},
            {
                "fields.temporary_until": "Укажите, до какой даты нужно временное присоединение "
                "(ПП № 861, п. 2)."
            },
        ),
        (
            {"reason": "power_increase"},
            {
                "fields.existing_power_kw": "При увеличении мощности укажите ранее присоединённую мощность "
                "(ПП № 861, п. 9)."
            },
        ),
    ],
    ids=[
        "person-requisites",
        "ogrn-check-digit",
        "inn-check-digit",
        "entrepreneur-egrip-and-lengths",
        "points-sum",
        "general-asks-stages-and-load",
        "no-reserve-for-a-household",
        "temporary-term",
        "increase-names-existing",
    ],
)
def test_connection_rules_of_pp_861_name_each_broken_field_and_clause(
    env: World, changes: dict[str, Any], expected: dict[str, str]
) -> None:
    status, problem = file(connection(**changes))

    assert status == 422, problem
    assert errors_of(problem) == expected
    assert stored_requests(env) == []


# ---------------------------------------------------------------- the other five types


def test_the_other_types_ask_what_their_processing_needs(env: World) -> None:
    status, body = call(requests_api, api_event("GET", "/api/requests/types", claims=IVAN))
    assert status == 200
    schemas = {t["code"]: t["fields_schema"] for t in body["types"]}

    reading = schemas["meter_reading"]
    assert {"account_number", "reason"} <= set(reading["required"])
    assert reading["properties"]["account_number"]["x-object"] == "account_number"
    admission = schemas["meter_admission"]
    assert {"installation_reading", "verified_on", "next_verification_on", "time_slot"} <= set(
        admission["required"]
    )
    installation = schemas["meter_installation"]
    assert "desired_meter_model" not in installation["properties"]
    assert {"const": "verification_expired", "title": "Истёк межповерочный интервал"} in (
        installation["properties"]["reason"]["oneOf"]
    )
    theft = schemas["grid_theft"]
    assert theft["properties"]["place_id"]["title"] == "Номер опоры, ТП или КТП"
    assert "112" in theft["properties"]["location"]["description"]
    assert "диспетчеру" in next(t for t in body["types"] if t["code"] == "grid_theft")["description"]
    unmetered = schemas["unmetered_consumption"]
    assert {"const": "unknown", "title": "Не знаю"} in unmetered["properties"]["kind"]["oneOf"]


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("meter_reading", {"account_number": "12-34"}, "fields.account_number"),
        ("meter_reading", {"reason": None}, "fields.reason"),
        ("meter_admission", {"installation_reading": "-1"}, "fields.installation_reading"),
        ("meter_admission", {"verified_on": "2027-01-01"}, "fields.verified_on"),
        ("meter_admission", {"next_verification_on": "2026-01-01"}, "fields.next_verification_on"),
        ("meter_admission", {"time_slot": "night"}, "fields.time_slot"),
        ("meter_installation", {"reason": None}, "fields.reason"),
        ("meter_installation", {"desired_meter_model": "Меркурий"}, "fields.desired_meter_model"),
    ],
)
def test_the_new_fields_of_the_other_types_are_checked(
    env: World, kind: str, changes: dict[str, Any], field: str
) -> None:
    status, problem = file(body_of(kind, fields={**VALID[kind], **changes}))

    assert status == 422, problem
    assert field in errors_of(problem)


def test_unmetered_consumption_of_an_unknown_kind_and_theft_with_a_place_id_are_filed(env: World) -> None:
    assert (
        file(body_of("unmetered_consumption", fields={**VALID["unmetered_consumption"], "kind": "unknown"}))[
            0
        ]
        == 201
    )
    assert (
        file(body_of("grid_theft", fields={**VALID["grid_theft"], "place_id": "КТП-104, оп. 12"}))[0] == 201
    )


def test_missing_idempotency_key_is_refused_on_its_own_field(env: World) -> None:
    status, problem = file(body_of("grid_theft"), key=None)

    assert status == 422
    assert errors_of(problem)["Idempotency-Key"].startswith("Передайте заголовок Idempotency-Key")
    assert stored_requests(env) == []


# ---------------------------------------------------------------- uploads


def test_upload_form_is_a_presigned_post_limited_to_the_callers_prefix_type_and_size(env: World) -> None:
    status, form = call(
        requests_api,
        api_event(
            "POST",
            "/api/requests/uploads",
            {"filename": "Скан заявления (1).PDF", "content_type": "application/pdf", "size": 2048},
            claims=IVAN,
        ),
    )

    assert status == 200
    assert form["key"].startswith(f"uploads/{IVAN['sub']}/")
    assert form["key"].endswith("/1.pdf")
    assert form["expires_in"] == 600
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 10 * 1024 * 1024] in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert {"key": form["key"]} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expires - datetime.now(UTC) < timedelta(minutes=11)


@pytest.mark.parametrize(
    ("upload_body", "field", "message"),
    [
        (
            {"filename": "архив.zip", "content_type": "application/zip", "size": 100},
            "content_type",
            "Можно приложить только файлы PDF, JPEG, PNG или TIFF.",
        ),
        (
            {"filename": "скан.pdf", "content_type": "application/pdf", "size": 10 * 1024 * 1024 + 1},
            "size",
            "Файл больше 10 МБ",
        ),
        (
            {"filename": "скан.pdf", "content_type": "application/pdf", "size": 0},
            "size",
            "Поле «Размер файла»",
        ),
        (
            {"filename": "скан.exe", "content_type": "application/pdf", "size": 10},
            "filename",
            "Имя файла должно оканчиваться на .pdf",
        ),
        ({"content_type": "image/png", "size": 10}, "filename", "Заполните поле «Имя файла»."),
    ],
)
def test_bad_upload_request_is_refused(
    env: World, upload_body: dict[str, Any], field: str, message: str
) -> None:
    status, problem = call(requests_api, api_event("POST", "/api/requests/uploads", upload_body, claims=IVAN))

    assert status == 422
    assert errors_of(problem)[field].startswith(message), problem


def test_files_are_checked_again_when_attached(env: World) -> None:
    fake_pdf = upload(env, IVAN, "не pdf.pdf", "application/pdf", PNG)  # the bytes of a PNG
    big = f"uploads/{IVAN['sub']}/{uuid.uuid4().hex}/big.pdf"
    put_object(env, big, PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    text = f"uploads/{IVAN['sub']}/{uuid.uuid4().hex}/note.pdf"
    put_object(env, text, b"hello", "text/plain")
    petrs = upload(env, PETR, "чужой.pdf", "application/pdf", PDF)
    never = f"uploads/{IVAN['sub']}/{uuid.uuid4().hex}/never.pdf"

    status, problem = file(body_of("grid_theft", attachments=[fake_pdf, big, text, petrs, never]))

    assert status == 422
    assert errors_of(problem) == {
        "attachments.0": "Файл «не pdf.pdf» повреждён или не является файлом PDF: "
        "приложите настоящий файл PDF, JPEG, PNG или TIFF.",
        "attachments.1": "Файл «big.pdf» больше 10 МБ: уменьшите его или разделите на части.",
        "attachments.2": "Файл «note.pdf» не подходит: можно приложить только PDF, JPEG, PNG или TIFF.",
        "attachments.3": "Файл не найден: загрузите его ещё раз кнопкой «Выберите файл».",
        "attachments.4": "Файл не найден: загрузите его ещё раз кнопкой «Выберите файл».",
    }
    assert stored_requests(env) == []
    tags = boto3.client("s3").get_object_tagging(Bucket=env.refs["UploadsBucket"], Key=petrs)["TagSet"]
    assert tags == [{"Key": "attached", "Value": "no"}]


@pytest.mark.parametrize(
    ("name", "content_type", "data"),
    [
        ("скан.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("скан.tif", "image/tiff", b"II*\x00" + b"\x00" * 20),
        ("скан.tiff", "image/tiff", b"MM\x00*" + b"\x00" * 20),
        ("скан.png", "image/png", PNG),
    ],
)
def test_each_accepted_file_type_is_attached(env: World, name: str, content_type: str, data: bytes) -> None:
    key = upload(env, IVAN, name, content_type, data)

    status, created = file(body_of("meter_reading", attachments=[key]))

    assert status == 201, created


# ---------------------------------------------------------------- idempotency


def test_the_same_idempotency_key_twice_files_one_request(env: World) -> None:
    body = body_of("meter_reading")

    first = file(body, key="form-fill-0001")
    second = file(body, key="form-fill-0001")

    assert first[0] == second[0] == 201
    assert first[1] == second[1]
    assert len(stored_requests(env)) == 1
    assert len(mailed()) == 1


def test_the_same_idempotency_key_with_another_payload_is_refused(env: World) -> None:
    file(body_of("meter_reading"), key="form-fill-0002")

    status, problem = file(body_of("meter_reading", text="Другой текст"), key="form-fill-0002")

    assert status == 422
    assert errors_of(problem)["Idempotency-Key"].startswith(
        "С этим Idempotency-Key уже отправлена другая заявка"
    )
    assert len(stored_requests(env)) == 1


def test_the_same_key_of_another_consumer_is_another_request(env: World) -> None:
    file(body_of("meter_reading"), key="form-fill-0003")
    status, created = file(body_of("meter_reading"), claims=PETR, key="form-fill-0003")

    assert status == 201
    assert created["number"] == "2026-000002"


def test_a_refused_attempt_does_not_use_up_the_key(env: World) -> None:
    never = f"uploads/{IVAN['sub']}/{uuid.uuid4().hex}/never.pdf"
    assert file(body_of("meter_reading", attachments=[never]), key="form-fill-0004")[0] == 422

    status, created = file(body_of("meter_reading"), key="form-fill-0004")

    assert status == 201
    assert created["number"] == "2026-000001"


def test_the_key_is_claimed_once_ever_with_the_request_itself(env: World) -> None:
    """The claim written in the request's transaction is the one record of an Idempotency-Key: no
    other table, nothing that expires."""
    _, created = file(body_of("meter_reading"), key="form-fill-0005")

    items = boto3.resource("dynamodb").Table(env.refs["RequestsTable"]).scan()["Items"]
    [claim] = [item for item in items if str(item["pk"]).startswith("IDEMPOTENCY#")]
    assert claim["claimed_by"] == f"REQUEST#{created['id']}"
    assert "expiration" not in claim
    assert not [name for name in env.refs if "Idempotency" in name]


# ---------------------------------------------------------------- numbering


def test_numbering_that_stays_busy_is_a_russian_503_to_retry_in_a_minute(
    env: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.requests import store
    from infra.lambda_runtime import LambdaContext

    monkeypatch.setattr(store, "_NUMBERING_BUDGET_S", 2.0)
    counter = {"pk": "COUNTER#2026", "sk": "REQUEST_NUMBER"}
    others = boto3.resource("dynamodb").Table(env.refs["RequestsTable"])
    tries: list[int] = []

    def another_filing_wins(**_: Any) -> None:  # right before each try, someone else takes the number
        tries.append(1)
        others.update_item(
            Key=counter,
            UpdateExpression="ADD #last :one",
            ExpressionAttributeNames={"#last": "last"},
            ExpressionAttributeValues={":one": 1},
        )

    client = dynamodb()
    client.meta.events.register(
        "before-call.dynamodb.TransactWriteItems", another_filing_wins, unique_id="win"
    )
    headers = {"Idempotency-Key": "busy-0001"}
    event = api_event("POST", "/api/requests", body_of("meter_reading"), claims=IVAN, headers=headers)

    started = time.monotonic()
    try:
        answer = requests_api.lambda_handler(event, LambdaContext("test"))
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="win")

    assert len(tries) >= 3, "it kept trying while it had time"
    assert 2.0 <= time.monotonic() - started < 30  # its budget, and not long past it

    assert answer["statusCode"] == 503
    assert answer["multiValueHeaders"]["Retry-After"] == ["60"]
    problem = json.loads(answer["body"])
    assert problem["title"] == "Заявка не зарегистрирована"
    assert problem["detail"] == "Сейчас регистрируется слишком много заявок. Повторите отправку через минуту."
    assert stored_requests(env) == []


@contextmanager
def transactions_failing() -> Iterator[None]:
    """Every TransactWriteItems of the functions' client fails with DynamoDB's 500 meanwhile."""
    client = dynamodb()

    def fail(**_: Any) -> tuple[Any, dict[str, Any]]:
        class Answer:
            status_code = 500

        return Answer(), {"Error": {"Code": "InternalServerError", "Message": "boom"}, "ResponseMetadata": {}}

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", fail, unique_id="fail")
    try:
        yield
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="fail")


def test_a_failed_write_uses_up_no_number(env: World) -> None:
    with transactions_failing():
        status, _ = file(body_of("grid_theft"))

    assert status == 503  # AWS failing: try again in a minute (functions/common/aws_faults.py)
    assert stored_requests(env) == []
    assert file(body_of("grid_theft"))[1]["number"] == "2026-000001"


# ---------------------------------------------------------------- the consumer's list and detail


@pytest.fixture
def dynamodb_calls(env: World) -> Iterator[list[str]]:
    """Every DynamoDB operation the functions make, through the one client they all use."""
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])

    client = dynamodb()
    client.meta.events.register("before-call.dynamodb.*", record, unique_id="count")
    yield calls
    client.meta.events.unregister("before-call.dynamodb.*", unique_id="count")


def test_list_is_one_query_newest_first_and_pages_with_a_cursor(
    env: World, clock: Callable[[datetime], None], dynamodb_calls: list[str]
) -> None:
    for minute, kind in enumerate(["connection", "meter_reading", "grid_theft"]):
        clock(NOW + timedelta(minutes=minute))
        file(body_of(kind))
    file(body_of("grid_theft"), claims=PETR)
    dynamodb_calls.clear()

    status, page = listing(limit="2")

    assert status == 200
    assert dynamodb_calls == ["Query"]
    assert [i["type"] for i in page["items"]] == ["grid_theft", "meter_reading"]
    assert [i["number"] for i in page["items"]] == ["2026-000003", "2026-000002"]
    assert page["items"][0]["status_title"] == "Зарегистрирована"
    assert page["cursor"]
    dynamodb_calls.clear()
    status, rest = listing(limit="2", cursor=page["cursor"])
    assert dynamodb_calls == ["Query"]
    assert [i["type"] for i in rest["items"]] == ["connection"]
    assert rest["cursor"] is None


def test_a_forged_cursor_is_refused_and_reveals_nothing(env: World) -> None:
    file(body_of("grid_theft"), claims=PETR)
    file(body_of("grid_theft"))
    file(body_of("grid_theft"))
    _, page = listing(limit="1")
    assert page["cursor"]
    mine = json.loads(base64.urlsafe_b64decode(page["cursor"] + "=="))
    petrs = {**mine, "pk": f"USER#{PETR['sub']}"}
    forged = base64.urlsafe_b64encode(json.dumps(petrs).encode()).decode().rstrip("=")

    for cursor in (forged, "не-курсор", base64.urlsafe_b64encode(b'{"pk": 1}').decode()):
        status, problem = listing(cursor=cursor)
        assert status == 422
        assert errors_of(problem) == {
            "cursor": "Курсор неверен или устарел: откройте список заново, с первой страницы."
        }


def test_another_consumers_request_is_not_found_like_a_missing_one(
    env: World, dynamodb_calls: list[str]
) -> None:
    _, petrs = file(body_of("grid_theft"), claims=PETR)
    dynamodb_calls.clear()

    theirs = detail(petrs["id"], claims=IVAN)
    assert dynamodb_calls == ["GetItem"]
    missing = detail("01M8FEWQFNR64E9FA3R9R3PCS9", claims=IVAN)
    malformed = detail("not-an-id", claims=IVAN)

    assert theirs == missing == malformed
    assert theirs[0] == 404
    assert theirs[1]["detail"] == "Заявка не найдена."
    assert detail(petrs["id"], claims=PETR)[0] == 200


def test_list_of_a_new_consumer_is_empty(env: World) -> None:
    assert listing() == (200, {"items": [], "cursor": None})


# ---------------------------------------------------------------- the company's systems


def test_integrator_moves_a_request_the_consumer_sees_it_and_gets_a_mail(env: World) -> None:
    _, created = file(body_of("connection"))

    status, moved = move(created["id"], {"status": "in_review", "comment": "Заявка принята к рассмотрению."})

    assert status == 200, moved
    assert moved["status"] == "in_review"
    assert moved["email"] == "ivan@example.ru"
    assert moved["history"][-1]["changed_by"] == "integrator:crm-key"
    mail = mailed()[-1]
    assert mail["to"] == "ivan@example.ru"
    assert mail["subject"] == "Заявка № 2026-000001: на рассмотрении"
    assert "Новый статус: На рассмотрении" in mail["text"]
    assert "Заявка принята к рассмотрению." in mail["text"]
    assert f"/#/requests/{created['id']}" in mail["text"]
    _, shown = detail(created["id"])
    assert shown["status_title"] == "На рассмотрении"
    assert [(h["status"], h["comment"]) for h in shown["history"]] == [
        ("registered", None),
        ("in_review", "Заявка принята к рассмотрению."),
    ]


def test_needs_info_goes_back_to_review_and_the_named_operator_is_kept_beside_the_key(env: World) -> None:
    _, created = file(body_of("meter_admission"))

    move(created["id"], {"status": "needs_info", "comment": "Приложите паспорт прибора учёта."})
    status, moved = move(created["id"], {"status": "in_review", "operator": "CRM: Петрова А. В."})

    assert status == 200
    assert [h["status"] for h in moved["history"]] == ["registered", "needs_info", "in_review"]
    assert [(h["changed_by"], h["operator"]) for h in moved["history"]] == [
        ("consumer", None),
        ("integrator:crm-key", None),
        ("integrator:crm-key", "CRM: Петрова А. В."),
    ]


def test_the_old_name_of_the_operator_field_names_the_operator_not_the_actor(env: World) -> None:
    _, created = file(body_of("meter_admission"))

    status, moved = move(created["id"], {"status": "in_review", "changed_by": "CRM: Петрова А. В."})

    assert status == 200
    assert moved["history"][-1]["changed_by"] == "integrator:crm-key"
    assert moved["history"][-1]["operator"] == "CRM: Петрова А. В."


OPERATOR_RESERVED = (
    "Укажите сотрудника или систему компании, например «CRM: Петрова А. В.»: «consumer», "
    "«потребитель» и «integrator:…» портал записывает в историю сам."
)


@pytest.mark.parametrize("field", ["operator", "changed_by"])
@pytest.mark.parametrize(
    "name",
    [
        "consumer",
        " Consumer ",
        "CONSUMER",
        "соnsumеr",  # Cyrillic о and е
        "c o n s u m e r",
        "ＣＯＮＳＵＭＥＲ",  # fullwidth
        "потребитель",
        "Потребитель",
        "integrator:crm-key",
        "integrator:other",
        "api-key:other",
        "API key 7",
    ],
)
def test_an_integration_cannot_make_the_history_say_the_consumer_or_another_key_did_it(
    env: World, field: str, name: str
) -> None:
    _, created = file(body_of("connection"))

    status, problem = move(created["id"], {"status": "in_review", field: name})

    assert status == 422, problem
    assert errors_of(problem) == {field: OPERATOR_RESERVED}
    _, shown = pull(status="registered")
    [request] = [r for r in shown["items"] if r["id"] == created["id"]]
    assert [h["changed_by"] for h in request["history"]] == ["consumer"]


def test_history_entries_written_before_the_rule_show_a_key_as_the_actor(env: World) -> None:
    # Before, a client's `changed_by` was stored as the actor, "consumer" included.
    _, created = file(body_of("connection"))
    move(created["id"], {"status": "in_review"})
    move(created["id"], {"status": "in_progress"})
    [item] = stored_requests(env)
    history = item["history"]
    history[1]["changed_by"] = "consumer"
    history[2]["changed_by"] = "CRM: Петрова А. В."
    boto3.resource("dynamodb").Table(env.refs["RequestsTable"]).put_item(Item={**item, "history": history})

    _, shown = pull(status="in_progress")

    [request] = shown["items"]
    assert [(h["changed_by"], h["operator"]) for h in request["history"]] == [
        ("consumer", None),
        ("integrator:unknown", None),
        ("integrator:unknown", "CRM: Петрова А. В."),
    ]


def test_the_document_says_the_actor_is_the_portals_and_the_operator_the_clients() -> None:
    schemas = json.loads(openapi_document())["components"]["schemas"]

    assert set(schemas["StatusChange"]["properties"]) == {
        "status",
        "comment",
        "operator",
        "outage_id",
        "expected_status",
    }
    entry = schemas["IntegrationHistoryEntry"]["properties"]
    assert entry["changed_by"]["pattern"] == "^(consumer|portal|integrator:.+|api-key:.+)$"
    assert "operator" in entry


@pytest.mark.parametrize(
    ("path", "target", "message"),
    [
        (
            [],
            "done",
            "Заявку в статусе «Зарегистрирована» нельзя перевести в «Выполнена». Допустимые статусы: "
            "«На рассмотрении», «Требуются уточнения», «Отклонена», «Перенаправлена».",
        ),
        (["in_review", "in_progress", "done"], "in_progress", "Заявка в статусе «Выполнена» закрыта"),
        # (To the status it has is no transition: answered 200 as it is, test_integration_idempotency.py.)
        (
            ["in_review"],
            "registered",
            "Заявку в статусе «На рассмотрении» нельзя перевести в «Зарегистрирована»",
        ),
    ],
)
def test_a_transition_the_rules_forbid_is_refused_naming_the_allowed_ones(
    env: World, path: list[str], target: str, message: str
) -> None:
    _, created = file(body_of("grid_theft"))
    for step in path:
        assert move(created["id"], {"status": step})[0] == 200
    mails = len(mailed())

    status, problem = move(created["id"], {"status": target})

    assert status == 409
    assert problem["detail"].startswith(message)
    assert len(mailed()) == mails
    assert detail(created["id"])[1]["status"] == (path[-1] if path else "registered")


def test_rejection_needs_a_comment(env: World) -> None:
    _, created = file(body_of("grid_theft"))

    status, problem = move(created["id"], {"status": "rejected", "comment": "  "})

    assert status == 422
    assert errors_of(problem) == {"comment": "Для статуса «Отклонена» напишите комментарий для потребителя."}


def test_unknown_status_or_request_is_refused(env: World) -> None:
    _, created = file(body_of("grid_theft"))

    unknown_status = move(created["id"], {"status": "lost"})
    unknown_request = move("01M8FEWQFNR64E9FA3R9R3PCS9", {"status": "in_review"})

    assert unknown_status[0] == 422
    assert errors_of(unknown_status[1])["status"].startswith(
        "Поле «Статус»: выберите одно из значений «registered»"
    )
    assert unknown_request[0] == 404


def test_integrator_lists_a_status_since_a_time_in_pages(
    env: World, clock: Callable[[datetime], None], dynamodb_calls: list[str]
) -> None:
    ids = []
    for minute in range(3):
        clock(NOW + timedelta(minutes=minute))
        ids.append(file(body_of("meter_reading"))[1]["id"])
    move(ids[0], {"status": "in_review"})
    dynamodb_calls.clear()

    def pull(**query: str) -> tuple[int, Any]:
        return call(integration, api_event("GET", "/api/integration/requests", query=query, integrator="k"))

    status, page = pull(status="registered", since=(NOW + timedelta(seconds=30)).isoformat(), limit="1")

    assert status == 200
    assert dynamodb_calls == ["Query"]
    assert [i["id"] for i in page["items"]] == [ids[1]]
    assert page["items"][0]["email"] == "ivan@example.ru"
    assert page["items"][0]["field_rows"]
    _, rest = pull(
        status="registered", since=(NOW + timedelta(seconds=30)).isoformat(), cursor=page["cursor"]
    )
    assert [i["id"] for i in rest["items"]] == [ids[2]]
    _, reviewed = pull(status="in_review")
    assert [i["id"] for i in reviewed["items"]] == [ids[0]]
    bad_cursor = pull(status="in_review", cursor=page["cursor"])
    assert bad_cursor[0] == 422
    missing_status = pull()
    assert errors_of(missing_status[1]) == {"status": "Заполните поле «Статус» или укажите unanswered=true."}


def test_request_type_codes_are_stable() -> None:
    assert [t.value for t in RequestType] == list(VALID)


def test_integrator_since_may_be_given_in_moscow_time(env: World, clock: Callable[[datetime], None]) -> None:
    clock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    early = file(body_of("meter_reading"))[1]["id"]
    clock(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    late = file(body_of("meter_reading"))[1]["id"]

    _, page = call(
        integration,
        api_event(
            "GET",
            "/api/integration/requests",
            query={"status": "registered", "since": "2026-11-27T12:30:00+03:00"},
            integrator="k",
        ),
    )

    assert [i["id"] for i in page["items"]] == [late]
    assert early != late


@pytest.mark.parametrize("since", ["0.0", "1700000000", "2026-11-27", "2026-11-27T00:00:00", "вчера"])
def test_integrator_since_must_be_a_date_and_time_with_a_zone(env: World, since: str) -> None:
    status, problem = call(
        integration,
        api_event(
            "GET",
            "/api/integration/requests",
            query={"status": "registered", "since": since},
            integrator="crm-key",
        ),
    )

    assert status == 422
    assert errors_of(problem) == {
        "since": "Укажите дату и время в формате ISO 8601 с часовым поясом, например 2026-11-27T00:00:00Z "
        "или 2026-11-27T03:00:00+03:00."
    }


def test_a_retry_however_late_still_files_nothing_new(env: World) -> None:
    """A retry meets the claim written with the request itself, which never expires."""
    first = file(body_of("meter_reading"), key="form-fill-0006")

    again = file(body_of("meter_reading"), key="form-fill-0006")
    other = file(body_of("meter_reading", text="Другой текст"), key="form-fill-0006")

    assert again == first
    assert other[0] == 422
    assert errors_of(other[1])["Idempotency-Key"].startswith("С этим Idempotency-Key уже отправлена")
    assert len(stored_requests(env)) == 1
    assert len(mailed()) == 1


def test_a_key_s3_refuses_to_show_is_not_found_like_a_missing_one(env: World) -> None:
    """Without s3:ListBucket, S3 in AWS answers GetObject of a missing key with 403."""
    from functions.common.aws import s3

    key = f"uploads/{IVAN['sub']}/{uuid.uuid4().hex}/gone.pdf"

    def forbidden(**_: Any) -> tuple[Any, dict[str, Any]]:
        class Answer:
            status_code = 403

        return Answer(), {"Error": {"Code": "403", "Message": "Forbidden"}, "ResponseMetadata": {}}

    s3().meta.events.register("before-call.s3.GetObject", forbidden, unique_id="forbidden")
    try:
        status, problem = file(body_of("grid_theft", attachments=[key]))
    finally:
        s3().meta.events.unregister("before-call.s3.GetObject", unique_id="forbidden")

    assert status == 422
    assert errors_of(problem) == {
        "attachments.0": "Файл не найден: загрузите его ещё раз кнопкой «Выберите файл»."
    }


# ---------------------------------------------------------------- a filed file is the file that was checked

MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48  # a Windows executable
OTHER_PDF = b"%PDF-1.4\n% another document, not the one that was checked\n%%EOF\n"


def upload_form(claims: dict[str, str], name: str, content_type: str, size: int) -> dict[str, Any]:
    status, form = call(
        requests_api,
        api_event(
            "POST",
            "/api/requests/uploads",
            {"filename": name, "content_type": content_type, "size": size},
            claims=claims,
        ),
    )
    assert status == 200, form
    return dict(form)


def post_form(form: dict[str, Any], data: bytes, content_type: str = "application/pdf") -> None:
    """Posts the presigned form with `data`, as a browser (or anyone holding the form) would."""
    import requests

    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("file", data, content_type)}, timeout=10
    )
    assert posted.status_code in (200, 201, 204), posted.text


def download(url: str) -> tuple[bytes, str]:
    import requests

    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.content, answer.headers["Content-Type"]


def integrators_view(request_id: str) -> dict[str, Any]:
    status, page = call(
        integration,
        api_event("GET", "/api/integration/requests", query={"status": "registered"}, integrator="k"),
    )
    assert status == 200, page
    [found] = [item for item in page["items"] if item["id"] == request_id]
    return dict(found)


def objects_under(world: World, prefix: str) -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=world.refs["UploadsBucket"], Prefix=prefix)
    return sorted(str(o["Key"]) for o in listed.get("Contents", []))


def versions_under(world: World, prefix: str) -> list[str]:
    listed = boto3.client("s3").list_object_versions(Bucket=world.refs["UploadsBucket"], Prefix=prefix)
    return sorted(str(v["Key"]) for v in listed.get("Versions", []))


def test_form_posted_again_after_filing_does_not_change_the_filed_file(env: World) -> None:
    form = upload_form(IVAN, "Заявление.pdf", "application/pdf", len(PDF))
    post_form(form, PDF)
    status, created = file(body_of("connection", attachments=[form["key"]]))
    assert status == 201, created

    post_form(form, MZ)  # the same form, still valid, with an executable under the PDF's name and type

    [theirs] = boto3.client("s3").list_object_versions(Bucket=env.refs["UploadsBucket"], Prefix=form["key"])[
        "Versions"
    ][:1]
    assert theirs["IsLatest"] and theirs["Size"] == len(MZ)  # S3 took it: the upload was replaced
    _, shown = detail(created["id"])
    pulled = integrators_view(created["id"])
    for [attachment] in (shown["attachments"], pulled["attachments"]):
        assert (attachment["filename"], attachment["content_type"], attachment["size"]) == (
            "Заявление.pdf",
            "application/pdf",
            len(PDF),
        )
        assert download(attachment["url"]) == (PDF, "application/pdf")
    [item] = stored_requests(env)
    assert item["attachments"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_a_form_posted_again_after_filing_cannot_be_attached_to_another_request(env: World) -> None:
    form = upload_form(IVAN, "Заявление.pdf", "application/pdf", len(PDF))
    post_form(form, PDF)
    _, first = file(body_of("connection", attachments=[form["key"]]))
    post_form(form, OTHER_PDF)  # late: a real PDF this time, after the filing
    photo = upload(env, IVAN, "Фото.png", "image/png", PNG)

    status, problem = file(body_of("grid_theft", attachments=[photo, form["key"]]))

    assert status == 422
    assert errors_of(problem) == {
        "attachments.1": "Этот файл уже приложен к заявке № 2026-000001. Чтобы приложить его к новой "
        "заявке, загрузите его ещё раз кнопкой «Выберите файл»."
    }
    assert [item["request_id"] for item in stored_requests(env)] == [first["id"]]
    assert objects_under(env, "requests/") == [f"requests/{first['id']}/0"]
    _, shown = detail(first["id"])
    assert download(shown["attachments"][0]["url"])[0] == PDF
    assert file(body_of("grid_theft", attachments=[photo]))[1]["number"] == "2026-000002"


def test_a_form_first_posted_after_the_filing_that_named_it_changes_nothing_filed(env: World) -> None:
    form = upload_form(IVAN, "Заявление.pdf", "application/pdf", len(PDF))

    refused = file(body_of("connection", attachments=[form["key"]]), key="late-form-0001")
    post_form(form, PDF)  # late: after the filing was refused for want of the file

    assert refused[0] == 422
    assert errors_of(refused[1]) == {"attachments.0": FILE_NOT_FOUND}
    assert stored_requests(env) == []
    assert objects_under(env, "requests/") == []
    # The file posted late is an upload like any other: checked when a filing names it, then copied.
    status, created = file(body_of("connection", attachments=[form["key"]]), key="late-form-0001")
    assert status == 201, created
    assert objects_under(env, "requests/") == [f"requests/{created['id']}/0"]


def test_the_same_upload_cannot_be_attached_to_two_requests(env: World) -> None:
    key = upload(env, IVAN, "Заявление.pdf", "application/pdf", PDF)
    _, first = file(body_of("connection", attachments=[key]))

    status, problem = file(body_of("meter_reading", attachments=[key]))

    assert status == 422
    assert errors_of(problem)["attachments.0"].startswith("Этот файл уже приложен к заявке № 2026-000001.")
    assert len(stored_requests(env)) == 1
    assert objects_under(env, "requests/") == [f"requests/{first['id']}/0"]
    assert len(mailed()) == 1


def test_another_consumers_attached_upload_is_not_found_like_a_missing_one(env: World) -> None:
    petrs = upload(env, PETR, "Заявление.pdf", "application/pdf", PDF)
    assert file(body_of("connection", attachments=[petrs]), claims=PETR)[0] == 201

    status, problem = file(body_of("connection", attachments=[petrs]))

    assert status == 422
    assert errors_of(problem) == {"attachments.0": FILE_NOT_FOUND}


def test_a_retry_with_the_same_idempotency_key_gives_the_same_request_with_the_same_files(
    env: World,
) -> None:
    form = upload_form(IVAN, "Заявление.pdf", "application/pdf", len(PDF))
    post_form(form, PDF)
    body = body_of("connection", attachments=[form["key"]])
    first = file(body, key="same-filing-0001")
    filed = stored_requests(env)[0]["attachments"]
    post_form(form, MZ)

    again = file(body, key="same-filing-0001")
    after_the_record = file(body, key="same-filing-0001")

    assert first[0] == 201
    assert again == after_the_record == first
    [item] = stored_requests(env)
    assert item["attachments"] == filed
    assert [a["key"] for a in item["attachments"]] == [f"requests/{first[1]['id']}/0"]
    # Answered from the claims before anything was copied: one copy, never a second one deleted.
    assert versions_under(env, "requests/") == [f"requests/{first[1]['id']}/0"]
    _, shown = detail(first[1]["id"])
    assert download(shown["attachments"][0]["url"])[0] == PDF
    assert len(mailed()) == 1


def test_copies_of_a_filing_that_failed_are_deleted_and_the_upload_can_be_filed_again(env: World) -> None:
    key = upload(env, IVAN, "Заявление.pdf", "application/pdf", PDF)
    with transactions_failing():
        status, _ = file(body_of("grid_theft", attachments=[key]))

    assert status == 503  # AWS failing: try again in a minute (functions/common/aws_faults.py)
    assert stored_requests(env) == []
    assert objects_under(env, "requests/") == []
    status, created = file(body_of("grid_theft", attachments=[key]))
    assert status == 201, created
    assert created["number"] == "2026-000001"
    assert objects_under(env, "requests/") == [f"requests/{created['id']}/0"]


def test_a_filing_whose_answer_was_lost_after_the_write_keeps_its_files(env: World) -> None:
    key = upload(env, IVAN, "Заявление.pdf", "application/pdf", PDF)
    client = dynamodb()

    def lost(**_: Any) -> None:
        raise ConnectionError("the answer was lost")

    client.meta.events.register("after-call.dynamodb.TransactWriteItems", lost, unique_id="lost")
    status, _ = file(body_of("grid_theft", attachments=[key]), key="lost-answer-0001")
    client.meta.events.unregister("after-call.dynamodb.TransactWriteItems", unique_id="lost")

    assert status == 500
    [item] = stored_requests(env)
    assert objects_under(env, "requests/") == [item["attachments"][0]["key"]]
    status, created = file(body_of("grid_theft", attachments=[key]), key="lost-answer-0001")
    assert (status, created["id"]) == (201, item["request_id"])
    assert download(detail(created["id"])[1]["attachments"][0]["url"])[0] == PDF


def test_a_transaction_sent_again_after_it_was_written_files_the_request_once(
    env: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore sends a call again when its answer did not arrive: the second one is cancelled by the
    first one's writes, and the filing is the first one's, files and mail included."""
    key = upload(env, IVAN, "Заявление.pdf", "application/pdf", PDF)
    client = dynamodb()
    once = client.transact_write_items

    def twice(**request: Any) -> Any:
        once(**request)
        return once(**request)

    monkeypatch.setattr(client, "transact_write_items", twice)
    status, created = file(body_of("grid_theft", attachments=[key]))

    assert status == 201, created
    [item] = stored_requests(env)
    assert item["request_id"] == created["id"]
    assert objects_under(env, "requests/") == [f"requests/{created['id']}/0"]
    assert len(mailed()) == 1


def test_a_no_power_report_names_the_danger_advice_and_refuses_a_time_that_is_no_time(world: World) -> None:
    from functions.requests.vocabulary import REQUEST_KINDS

    [kind] = [k for k in REQUEST_KINDS if k.code == "no_power"]
    assert "8 м" in kind.description and "круглосуточному телефону" in kind.description

    status, problem = file(body_of("no_power", fields={**VALID["no_power"], "since_time": "25:00"}))

    assert status == 422
    assert [error["field"] for error in problem["errors"]] == ["fields.since_time"], problem


def test_the_schemas_tell_the_form_which_applicant_states_what_and_what_an_object_fills(env: World) -> None:
    status, body = call(requests_api, api_event("GET", "/api/requests/types", claims=IVAN))
    assert status == 200
    schemas = {t["code"]: t["fields_schema"] for t in body["types"]}

    requisites = schemas["connection"]["x-requisites"]
    assert requisites["identity_document_number"] == {
        "required": ["person"],
        "allowed": ["person", "entrepreneur"],
    }
    assert requisites["organisation_name"] == {"required": ["organisation"], "allowed": ["organisation"]}
    assert requisites["ogrn"]["allowed"] == ["entrepreneur", "organisation"]
    assert "person" not in requisites["inn"]["allowed"]
    assert schemas["connection"]["properties"]["object_name"]["x-object"] == "name"
    for code in ("meter_reading", "meter_admission"):
        assert schemas[code]["properties"]["meter_number"]["x-object"] == "meter_number"
