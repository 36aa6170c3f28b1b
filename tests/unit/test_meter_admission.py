"""Meter admission (допуск в эксплуатацию; functions/requests/meter_rules.py): a date within the rule's
window of working days, who installed the meter, whether it can join the ИСУ, its record in ФГИС
«Аршин», and the company's «Акт допуска» coming back as a document — the real handlers against moto."""

from typing import Any

import pytest

from infra.world import World
from tests.unit.test_request_conversation import company_upload, company_writes, env, thread
from tests.unit.test_requests import PDF, VALID, body_of, clock, errors_of, file

__all__ = ["clock", "env"]

# The fixture day is Friday 27.11.2026: the 3rd working day after it is Wednesday 02.12, the 15th
# is Friday 18.12.


def admission(**changes: Any) -> dict[str, Any]:
    return body_of("meter_admission", fields={**VALID["meter_admission"], **changes})


@pytest.mark.parametrize("day", ["2026-12-02", "2026-12-10", "2026-12-18"])
def test_an_admission_date_within_3_to_15_working_days_is_taken(env: World, day: str) -> None:
    status, created = file(admission(admission_date=day))

    assert status == 201, created


@pytest.mark.parametrize(
    "day",
    ["2026-12-01", "2026-12-21", "2026-12-05", "2027-03-01"],
    ids=["too-soon", "too-late", "a-saturday-in-the-window", "months-away"],
)
def test_an_admission_date_outside_the_window_or_on_a_day_off_is_refused_saying_the_window(
    env: World, day: str
) -> None:
    status, problem = file(admission(admission_date=day))

    assert status == 422
    assert errors_of(problem)["fields.admission_date"] == (
        "Выберите рабочий день с 02.12.2026 по 18.12.2026: от 3 до 15 рабочих дней с даты заявки."
    )


def test_a_meter_installed_since_2022_that_cannot_join_the_isu_is_refused(env: World) -> None:
    status, problem = file(admission(isu_ready=False))

    assert status == 422
    assert "интеллектуальной системе учёта" in errors_of(problem)["fields.isu_ready"]


def test_an_older_meter_that_cannot_join_the_isu_is_still_admitted(env: World) -> None:
    status, created = file(admission(isu_ready=False, installation_date="2021-06-01"))

    assert status == 201, created


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"verification_record": None}, "fields.verification_record"),
        ({"verification_record": "№ 1"}, "fields.verification_record"),
        ({"installed_by": None}, "fields.installed_by"),
        ({"installed_by": "neighbour"}, "fields.installed_by"),
        ({"isu_ready": None}, "fields.isu_ready"),
    ],
)
def test_the_installer_the_isu_and_the_verification_record_are_asked(
    env: World, changes: dict[str, Any], field: str
) -> None:
    fields = {k: v for k, v in {**VALID["meter_admission"], **changes}.items() if v is not None}

    status, problem = file(body_of("meter_admission", fields=fields))

    assert status == 422
    assert field in errors_of(problem)


def test_the_companys_admission_act_arrives_as_a_document_of_the_request(env: World) -> None:
    status, created = file(admission())
    assert status == 201, created
    act = company_upload(env, "Акт допуска.pdf", "application/pdf", PDF)

    status, posted = company_writes(
        created["id"],
        {"text": "Прибор учёта допущен в эксплуатацию.", "attachments": [act], "kind": "admission_act"},
    )

    assert status == 201, posted
    [message] = thread(created["id"])[1]["items"]
    assert (message["kind"], message["kind_title"]) == (
        "admission_act",
        "Акт допуска прибора учёта в эксплуатацию",
    )
