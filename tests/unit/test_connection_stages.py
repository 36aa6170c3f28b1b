"""A technological connection's procedure on the request (GET /api/requests/{id}) and the company's
marks of its stages (POST /api/integration/requests/{id}/stages): due dates by working days, the
stage machine, history, mail and events owed with each mark, older stored requests still read."""

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.common import clock as portal_clock
from functions.integration import handler as integration
from functions.requests import connection_deadlines, conversation, filing, stage_marks, transitions
from functions.requests import handler as requests_api
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.outbox_support import events_of, mails_of, owed_entries
from tests.unit.test_requests import IVAN, NOW, VALID, body_of, detail, file, stored_requests

ORGANISATION_1000 = {
    **{k: v for k, v in VALID["connection"].items() if not k.startswith("identity_document")},
    "applicant_kind": "organisation",
    "purpose": "business",
    "organisation_name": "ООО «Весна»",
    "ogrn": "1027700132195",
    "inn": "7707083893",
    "load_character": "Производство: станки, освещение",
    "max_power_kw": "1000",
    "voltage_kv": "10",
    "reliability_category": "II",
    "supply_sources": 2,
    "points": [{"name": "РУ-10 кВ ТП-1", "max_power_kw": "1000", "voltage_kv": "10"}],
    "stages": [{"name": "1-я очередь", "until": "2028-01-01", "max_power_kw": "1000"}],
}


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def set_to(moment: datetime) -> None:
        for module in (portal_clock, filing, transitions, stage_marks, conversation):
            monkeypatch.setattr(module, "now", lambda: moment)

    set_to(NOW)
    return set_to


@pytest.fixture
def env(world: World, at: Callable[[datetime], None]) -> World:
    return world


def mark(request_id: str, body: dict[str, Any]) -> tuple[int, Any]:
    return call(
        integration,
        api_event(
            "POST",
            f"/api/integration/requests/{request_id}/stages",
            body,
            path_parameters={"id": request_id},
            integrator="crm-key",
        ),
    )


def answer(request_id: str, text: str) -> tuple[int, Any]:
    return call(
        requests_api,
        api_event(
            "POST",
            f"/api/requests/{request_id}/messages",
            {"text": text},
            claims=IVAN,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            path_parameters={"id": request_id},
        ),
    )


def stages_of(request_id: str) -> dict[str, dict[str, Any]]:
    status, shown = detail(request_id)
    assert status == 200, shown
    return {stage["code"]: stage for stage in shown["procedure"]["stages"]}


def test_a_household_sees_its_procedure_documents_and_stages(env: World) -> None:
    _, created = file(body_of("connection"))

    status, shown = detail(created["id"])

    assert status == 200
    procedure = shown["procedure"]
    assert procedure["clause"] == "ПП № 861, п. 14"
    assert not any("Однолинейная схема" in d for d in procedure["documents"])
    stages = {stage["code"]: stage for stage in procedure["stages"]}
    assert list(stages) == [
        "registered",
        "offer_placed",
        "invoice_paid",
        "grid_works_done",
        "applicant_works_done",
        "actual_connection",
        "closing_document",
    ]
    assert stages["registered"]["completed_on"] == "2026-11-27"
    # Friday 27.11.2026 + 10 working days (п. 15 for п. 14 applicants).
    assert stages["offer_placed"]["due_on"] == "2026-12-11"
    assert (
        stages["closing_document"]["title"]
        == "Уведомление об обеспечении возможности присоединения направлено"
    )
    assert procedure["next_stage"] == "offer_placed"


def test_a_household_offer_is_due_no_later_than_a_1000_kw_one(env: World) -> None:
    _, household = file(body_of("connection"))
    _, large = file(body_of("connection", fields=ORGANISATION_1000))

    assert large["id"], large
    household_due = stages_of(household["id"])["offer_placed"]["due_on"]
    large_due = stages_of(large["id"])["offer_placed"]["due_on"]
    assert household_due <= large_due == "2026-12-25"  # 20 working days
    # The review deadline the list and the mail show is the offer's, not one term for everyone.
    assert (household["review_deadline"], large["review_deadline"]) == (household_due, large_due)


def test_deadlines_skip_the_new_year_holidays(env: World, at: Callable[[datetime], None]) -> None:
    at(datetime(2026, 12, 29, 9, 0, tzinfo=UTC))  # a Tuesday before the holidays
    _, created = file(body_of("connection"))

    status, moved = mark(created["id"], {"stage": "missing_data_requested", "message": "Нет плана участка."})

    assert status == 200, moved
    # 29.12 → 30.12 is the 1st working day, then 11.01.2027 (1–10 January are days off) …
    assert stages_of(created["id"])["missing_data_supplied"]["due_on"] == "2027-02-04"
    assert stages_of(created["id"])["missing_data_requested"]["due_on"] == "2027-01-12"


def test_a_stage_out_of_order_is_refused_naming_the_one_before_and_the_next_is_marked(env: World) -> None:
    _, created = file(body_of("connection"))

    status, problem = mark(created["id"], {"stage": "invoice_paid"})

    assert status == 409, problem
    assert problem["errors"] == [
        {
            "field": "stage",
            "message": "Сначала должен быть выполнен этап «Условия договора, счёт и технические условия "
            "размещены в личном кабинете».",
        }
    ]
    before = owed_entries(env)

    status, moved = mark(created["id"], {"stage": "offer_placed", "message": "Документы в кабинете."})

    assert status == 200, moved
    assert moved["status"] == "in_review"
    assert moved["history"][-1]["stage"] == "offer_placed"
    assert moved["history"][-1]["changed_by"] == "integrator:crm-key"
    stages = stages_of(created["id"])
    assert stages["offer_placed"]["completed_on"] == "2026-11-27"
    entries = owed_entries(env)[len(before) :]
    assert [event["detail-type"] for event in events_of(entries[0])] == [
        "portal.request.stage.completed.v1",
        "portal.request.status.changed.v1",
    ]
    assert events_of(entries[0])[0]["stage"] == "offer_placed"
    [mail] = mails_of(entries[0])
    assert "Дальше: Счёт оплачен — договор заключён (вы (заявитель))" in mail["text"]

    status, again = mark(created["id"], {"stage": "offer_placed"})
    assert status == 409
    assert again["errors"][0]["message"].startswith("Этап «Условия договора")

    status, paid = mark(created["id"], {"stage": "invoice_paid", "completed_on": "2026-11-27"})
    assert status == 200, paid
    assert paid["status"] == "in_progress"
    # The connection term (п. 16 «б»): 6 months from the contract, the grid within 500 m rurally.
    assert stages_of(created["id"])["grid_works_done"]["due_on"] == "2027-05-27"


def test_the_offer_is_due_from_the_day_the_missing_data_came(
    env: World, at: Callable[[datetime], None]
) -> None:
    _, created = file(body_of("connection"))
    status, asked = mark(created["id"], {"stage": "missing_data_requested", "message": "Приложите план."})
    assert status == 200, asked
    assert asked["status"] == "needs_info"
    assert stages_of(created["id"])["offer_placed"]["due_on"] is None

    at(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))  # a Monday
    status, answered = answer(created["id"], "План приложен.")
    assert status == 201, answered

    stages = stages_of(created["id"])
    assert stages["missing_data_supplied"]["completed_on"] == "2026-12-07"
    assert stages["offer_placed"]["due_on"] == "2026-12-21"


def test_stages_exist_only_for_a_connection(env: World) -> None:
    _, created = file(body_of("grid_theft"))

    status, problem = mark(created["id"], {"stage": "offer_placed"})

    assert status == 409
    assert problem["errors"][0]["field"] == "stage"
    assert detail(created["id"])[1]["procedure"] is None


def test_an_unknown_stage_or_a_future_date_is_refused_by_name(env: World) -> None:
    _, created = file(body_of("connection"))

    status, problem = mark(created["id"], {"stage": "teleport"})
    assert status == 422
    assert problem["errors"][0]["field"] == "stage"

    future = (NOW + timedelta(days=2)).date().isoformat()
    status, problem = mark(created["id"], {"stage": "offer_placed", "completed_on": future})
    assert status == 422
    assert problem["errors"][0]["field"] == "completed_on"


def test_a_connection_is_not_rejected_but_redirected(env: World) -> None:
    _, created = file(body_of("connection"))
    patch = api_event(
        "PATCH",
        f"/api/integration/requests/{created['id']}",
        {"status": "rejected", "comment": "Не наша зона."},
        path_parameters={"id": created["id"]},
        integrator="crm-key",
    )

    status, problem = call(integration, patch)
    assert status == 409
    assert "«Перенаправлена»" in problem["detail"]

    redirect = {**patch, "body": patch["body"].replace("rejected", "redirected")}
    status, moved = call(integration, redirect)
    assert status == 200, moved
    assert moved["status_title"] == "Перенаправлена"


def test_a_connection_stored_by_older_code_still_loads_with_its_procedure(env: World) -> None:
    _, created = file(body_of("connection"))
    table = boto3.resource("dynamodb").Table(env.refs["RequestsTable"])
    [item] = stored_requests(env)
    item["fields"] = {  # what the code before the procedure stored
        "applicant_kind": "organisation",
        "organisation_name": "ООО «Весна»",
        "applicant_category": "up_to_670",
        "max_power_kw": "300",
        "voltage_kv": "10",
        "reliability_category": "III",
        "design_until": "2027-03-01",
        "reason": "new",
        "guaranteeing_supplier": "АО «Мосэнергосбыт»",
    }
    item.pop("stages", None)
    table.put_item(Item=item)

    status, shown = detail(created["id"])

    assert status == 200, shown
    assert shown["procedure"]["clause"] == "ПП № 861, п. 12"
    assert shown["procedure"]["stages"][0]["completed_on"] == "2026-11-27"
    assert date.fromisoformat(shown["procedure"]["stages"][1]["due_on"]) == date(2026, 12, 25)


# ---------------------------------------------------------------- the daily deadlines


def test_a_connection_whose_missing_data_did_not_come_is_annulled_with_mail_and_event(
    env: World, at: Callable[[datetime], None]
) -> None:
    _, lapsed = file(body_of("connection"))
    _, answered = file(body_of("connection"))
    for created in (lapsed, answered):
        assert mark(created["id"], {"stage": "missing_data_requested", "message": "Нет плана."})[0] == 200
    at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert answer(answered["id"], "План приложен.")[0] == 201
    before = owed_entries(env)

    # 27.11 + 20 working days = 25.12: on the 25th it is still in time, on the 28th it is not.
    assert connection_deadlines.run(date(2026, 12, 25))["annulled"] == 0
    at(datetime(2026, 12, 28, 6, 0, tzinfo=UTC))
    outcome = connection_deadlines.run(date(2026, 12, 28))

    assert outcome["annulled"] == 1
    status, shown = detail(lapsed["id"])
    assert shown["status"] == "annulled"
    assert shown["status_title"] == "Аннулирована"
    assert "ПП № 861, п. 15" in shown["history"][-1]["comment"]
    assert detail(answered["id"])[1]["status"] == "in_review"
    [entry] = owed_entries(env)[len(before) :]
    assert [event["status"] for event in events_of(entry)] == ["annulled"]
    [mail] = mails_of(entry)
    assert "Новый статус: Аннулирована" in mail["text"]
    status, pulled = call(
        integration,
        api_event(
            "GET",
            f"/api/integration/requests/{lapsed['id']}",
            path_parameters={"id": lapsed["id"]},
            integrator="crm-key",
        ),
    )
    assert status == 200, pulled
    assert pulled["history"][-1]["changed_by"] == "portal"


def test_the_company_s_overdue_stage_is_counted_for_the_alarm(env: World) -> None:
    _, created = file(body_of("connection"))

    assert connection_deadlines.run(date(2026, 12, 11))["overdue"] == 0  # the offer is due on the 11th
    assert connection_deadlines.run(date(2026, 12, 14))["overdue"] == 1
    assert stages_of(created["id"])["offer_placed"]["overdue"] is False  # as of today, 27.11

    assert mark(created["id"], {"stage": "offer_placed"})[0] == 200
    assert connection_deadlines.run(date(2026, 12, 14))["overdue"] == 0


def test_the_closing_document_kinds_exist(env: World) -> None:
    from functions.requests.vocabulary import DOCUMENT_KIND_TITLES

    assert {
        "Технические условия",
        "Проект договора / условия договора",
        "Счёт",
        "Акт об осуществлении технологического присоединения",
        "Уведомление об обеспечении возможности присоединения",
        "Акт допуска прибора учёта в эксплуатацию",
        "Другое",
    } <= set(DOCUMENT_KIND_TITLES.values())
