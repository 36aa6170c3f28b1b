"""Meter installation by 522-ФЗ (functions/requests/meter_rules.py): the premises decide who installs
(the grid company, or for a flat the guaranteeing supplier, to whom the request is redirected), it
is free, and its statutory term is the review deadline — the real handlers against moto."""

from datetime import date
from typing import Any

import pytest

from functions.requests.meter_rules import months_after
from infra.world import World
from tests.unit.conftest import api_event, call, mailed
from tests.unit.test_requests import (
    VALID,
    body_of,
    clock,
    detail,
    env,
    errors_of,
    file,
    move,
    requests_api,
)

__all__ = ["clock", "env"]


def installation(premises: str, **changes: Any) -> dict[str, Any]:
    return body_of(
        "meter_installation", fields={**VALID["meter_installation"], "premises": premises, **changes}
    )


def test_the_form_asks_the_premises_and_says_the_work_is_free_within_the_statutory_term(env: World) -> None:
    status, body = call(requests_api, api_event("GET", "/api/requests/types"))
    assert status == 200
    [kind] = [t for t in body["types"] if t["code"] == "meter_installation"]

    premises = kind["fields_schema"]["properties"]["premises"]
    assert "premises" in kind["fields_schema"]["required"]
    assert {"const": "apartment_in_building", "title": "Квартира (помещение) в многоквартирном доме"} in (
        premises["oneOf"]
    )
    assert "бесплатно" in kind["description"]
    assert "бесплатно" in premises["description"]
    assert kind["statutory_term"] == "не позднее 6 месяцев с даты заявки (522-ФЗ)"
    assert "work_date" not in kind["fields_schema"]["required"], "no «желаемая дата»: the term is the law's"


def test_a_house_is_the_grid_companys_free_of_charge_due_in_six_months(env: World) -> None:
    status, created = file(installation("house"))

    assert status == 201, created
    assert created["review_deadline"] == "2027-05-27"  # 27.11.2026 + 6 months
    _, shown = detail(created["id"])
    fields = shown["fields"]
    assert (fields["installer"], fields["free_of_charge"], fields["statutory_term"]) == (
        "grid_company",
        True,
        "не позднее 6 месяцев с даты заявки",
    )
    assert "сетевая компания бесплатно" in fields["notice"]
    assert any(
        row["title"] == "Вид помещения" and row["value"] == "Жилой дом (домовладение)"
        for row in shown["field_rows"]
    )


def test_a_flat_is_the_guaranteeing_suppliers_and_the_company_redirects_the_request(env: World) -> None:
    status, created = file(
        installation("apartment_in_building", supply_point_address="г. Москва, ул. Мира, 5, кв. 12")
    )
    assert status == 201, created
    _, shown = detail(created["id"])
    assert shown["fields"]["installer"] == "guaranteeing_supplier"
    assert shown["fields"]["free_of_charge"] is True
    assert "гарантирующий поставщик" in shown["fields"]["notice"]
    assert "«Перенаправлена»" in shown["fields"]["notice"]

    assert move(created["id"], {"status": "redirected"})[0] == 422, "to whom: the comment is required"
    status, moved = move(
        created["id"],
        {"status": "redirected", "comment": "Передана гарантирующему поставщику АО «Энергосбыт»."},
    )
    assert status == 200, moved
    assert moved["status_title"] == "Перенаправлена"
    assert move(created["id"], {"status": "in_progress"})[0] == 409, "a redirected request is closed"
    assert any("Перенаправлена" in mail["text"] for mail in mailed())


def test_a_non_residential_object_is_the_grid_companys(env: World) -> None:
    _, created = file(installation("non_residential"))

    assert detail(created["id"])[1]["fields"]["installer"] == "grid_company"


def test_an_installation_without_the_premises_is_refused_naming_the_field(env: World) -> None:
    fields = {k: v for k, v in VALID["meter_installation"].items() if k != "premises"}

    status, problem = file(body_of("meter_installation", fields=fields))

    assert status == 422
    assert "fields.premises" in errors_of(problem)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2026, 11, 27), date(2027, 5, 27)),
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 6, 15)),
    ],
)
def test_six_months_end_on_the_same_day_or_the_months_last(day: date, due: date) -> None:
    assert months_after(day, 6) == due
