"""The field types every domain shares (functions/common/fields.py): each rule decided once, and the
same answer whichever API a value comes through."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from functions.askue.models import AskueRow
from functions.askue.readings import meter_number, record_askue_readings
from functions.common.fields import (
    METER_NUMBER_PATTERN,
    METER_NUMBER_RULE,
    CadastralNumber,
    Inn,
    MeterNumber,
    MeterType,
    MeterTypeField,
    Ogrn,
)
from functions.docs.document import openapi_document
from infra.world import World
from tests.unit.test_objects import HOUSE
from tests.unit.test_objects import add as add_object
from tests.unit.test_readings import ME, all_readings, single
from tests.unit.test_readings import submit as submit_reading
from tests.unit.test_requests import (
    VALID,
    body_of,
    clock,  # noqa: F401 (fixture: the requests' dates)
    detail,
    errors_of,
    stored_requests,
)
from tests.unit.test_requests import file as file_request

METER_NUMBER = TypeAdapter(MeterNumber)
METER_TYPE = TypeAdapter(MeterTypeField)
CADASTRAL_NUMBER = TypeAdapter(CadastralNumber)
INN = TypeAdapter(Inn)
OGRN = TypeAdapter(Ogrn)


def refusal(adapter: TypeAdapter[Any], value: object) -> tuple[str, str]:
    with pytest.raises(ValidationError) as refused:
        adapter.validate_python(value)
    [error] = refused.value.errors()
    return error["type"], error["msg"]


# ---------------------------------------------------------------- meter number


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("01234567", "01234567"),
        ("ce-301", "CE-301"),  # one meter whatever the case it is typed in
        ("CE-301", "CE-301"),
        (" СЕ-301/12 ", "СЕ-301/12"),  # spaces around dropped; Cyrillic letters
        ("ЁЛКА-1", "ЁЛКА-1"),  # Ё is a Cyrillic letter
        ("ёлка-1", "ЁЛКА-1"),
        ("123-", "123-"),  # the end is free: stored meters may end so
        ("A" * 30, "A" * 30),
    ],
)
def test_a_meter_number_is_kept_upper_cased(typed: str, kept: str) -> None:
    assert METER_NUMBER.validate_python(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "-123",  # a minus sign or a typo
        "/123",
        "12 34",
        "№123",
        "123.4",
        "\u0661\u0662\u0663",  # Arabic-Indic digits: not what a Russian meter's plate prints
        "Ї-1",  # not a Russian letter
    ],
)
def test_a_meter_number_not_as_on_a_plate_is_refused_naming_the_rule(typed: str) -> None:
    assert refusal(METER_NUMBER, typed) == ("meter_number_invalid", METER_NUMBER_RULE)


@pytest.mark.parametrize(("typed", "kind"), [("", "string_too_short"), ("A" * 31, "string_too_long")])
def test_a_meter_number_is_1_to_30_characters(typed: str, kind: str) -> None:
    assert refusal(METER_NUMBER, typed)[0] == kind


def test_the_documented_meter_number_pattern_is_the_rule() -> None:
    schema = METER_NUMBER.json_schema()
    assert schema["pattern"] == METER_NUMBER_PATTERN
    assert (schema["minLength"], schema["maxLength"]) == (1, 30)


def test_a_meter_number_filter_states_that_its_rule_goes_beyond_the_schema() -> None:
    # The filter's schema says only «up to 100 characters»: the shared rule refuses more (the API fuzz
    # test accepts a 422 naming a field only where the operation lists it).
    document = json.loads(openapi_document())
    filtered = {
        f"{method.upper()} {path}": operation.get("x-rules-beyond-schema", [])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "meter_number" for p in operation.get("parameters", []))
    }

    assert set(filtered) == {"GET /api/readings", "GET /api/readings/export"}
    assert all("meter_number" in rules for rules in filtered.values()), filtered


# ---------------------------------------------------------------- meter type


@pytest.mark.parametrize("value", ["single_tariff", "two_tariff", "three_tariff"])
def test_the_three_meter_types(value: str) -> None:
    assert METER_TYPE.validate_python(value) == MeterType(value)


@pytest.mark.parametrize("value", ["five_tariff", "SINGLE_TARIFF", 1, None])
def test_any_other_meter_type_is_refused_with_the_three_named(value: object) -> None:
    assert refusal(METER_TYPE, value) == (
        "meter_type_invalid",
        "Выберите тип прибора учёта: однотарифный, двухтарифный (день/ночь) или трёхтарифный "
        "(пик/ночь/полупик).",
    )


# ---------------------------------------------------------------- cadastral number


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("77:01:0001001:1234", "77:01:0001001:1234"),
        (" 50:20:010203:4 ", "50:20:010203:4"),
        ("50:20:0010203:417000", "50:20:0010203:417000"),
    ],
)
def test_a_cadastral_number_as_rosreestr_writes_it(typed: str, kept: str) -> None:
    assert CADASTRAL_NUMBER.validate_python(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "50-20-10203-417",
        "50:20:10203:417",  # five digits of the quarter
        "50:20:0010203:",
        "50:20:0010203:1234567",
        "\u0665\u0660:20:0010203:417",  # Arabic-Indic digits
    ],
)
def test_a_cadastral_number_of_another_shape_is_refused(typed: str) -> None:
    assert refusal(CADASTRAL_NUMBER, typed)[0] == "string_pattern_mismatch"


# ---------------------------------------------------------------- ИНН, ОГРН and ОГРНИП


@pytest.mark.parametrize("number", ["7707083893", "500100732259", " 7707083893 "])
def test_an_inn_of_10_or_12_digits_with_its_check_digits(number: str) -> None:
    assert INN.validate_python(number) == number.strip()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("7707083890", "ИНН: 10 цифр с верными контрольными цифрами — проверьте по свидетельству."),
        ("500100732250", "ИНН: 12 цифр с верными контрольными цифрами — проверьте по свидетельству."),
    ],
)
def test_an_inn_with_a_wrong_check_digit_is_refused_naming_its_length(number: str, message: str) -> None:
    assert refusal(INN, number) == ("inn_invalid", message)


@pytest.mark.parametrize("number", ["77070838930", "770708389", "77070838 93", "\u0667707083893"])
def test_an_inn_of_other_digits_is_refused_by_its_shape(number: str) -> None:
    assert refusal(INN, number)[0] == "string_pattern_mismatch"


@pytest.mark.parametrize("number", ["1027700132195", "5077746887312", "304500116000157"])
def test_an_ogrn_of_13_or_an_ogrnip_of_15_digits_with_its_check_digit(number: str) -> None:
    assert OGRN.validate_python(number) == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1027700132196", "ОГРН: 13 цифр с верной контрольной цифрой — проверьте по выписке из реестра."),
        ("304500116000158", "ОГРНИП: 15 цифр с верной контрольной цифрой — проверьте по выписке из реестра."),
        ("0027700132195", "ОГРН: 13 цифр с верной контрольной цифрой — проверьте по выписке из реестра."),
    ],
)
def test_an_ogrn_with_a_wrong_check_digit_is_refused_naming_its_length(number: str, message: str) -> None:
    assert refusal(OGRN, number) == ("ogrn_invalid", message)


@pytest.mark.parametrize("number", ["10277001321951", "102770013219", "1027700132195 0"])
def test_an_ogrn_of_other_digits_is_refused_by_its_shape(number: str) -> None:
    assert refusal(OGRN, number)[0] == "string_pattern_mismatch"


# ---------------------------------------------------------------- one answer through every API


def meter_reading_request(number: str) -> dict[str, Any]:
    return body_of("meter_reading", fields={**VALID["meter_reading"], "meter_number": number})


def object_with_meter(number: str) -> dict[str, Any]:
    return {**HOUSE, "meters": [{"meter_type": "single_tariff", "meter_number": number}]}


@pytest.mark.parametrize(
    ("typed", "kept"), [("ce-301", "CE-301"), ("ЁЛКА-1", "ЁЛКА-1"), ("ёлка-1", "ЁЛКА-1")]
)
@pytest.mark.usefixtures("clock")
def test_a_meter_number_is_read_back_alike_by_readings_requests_and_objects(
    world: World, typed: str, kept: str
) -> None:
    status, reading = submit_reading(single(typed, "100"))
    assert status == 201, reading
    assert reading["meter_number"] == kept

    status, created = file_request(meter_reading_request(typed))
    assert status == 201, created
    assert detail(created["id"])[1]["fields"]["meter_number"] == kept
    assert stored_requests(world)[0]["fields"]["meter_number"] == kept

    status, added = add_object(object_with_meter(typed))
    assert status == 201, added
    assert added["meters"][0]["meter_number"] == kept


@pytest.mark.usefixtures("clock")
def test_the_other_request_types_take_the_same_meter_number(world: World) -> None:
    admission = body_of("meter_admission", fields={**VALID["meter_admission"], "meter_number": "ёлка-2"})
    replacement = body_of(
        "meter_installation", fields={**VALID["meter_installation"], "old_meter_number": "ce-301/12"}
    )

    assert file_request(admission)[0] == 201
    assert file_request(replacement)[0] == 201
    stored = {r["type"]: r["fields"] for r in stored_requests(world)}
    assert stored["meter_admission"]["meter_number"] == "ЁЛКА-2"
    assert stored["meter_installation"]["old_meter_number"] == "CE-301/12"


@pytest.mark.parametrize("typed", ["-123", "/123", "12 34"])
@pytest.mark.usefixtures("clock")
def test_a_meter_number_is_refused_alike_by_readings_requests_and_objects(world: World, typed: str) -> None:
    status, problem = submit_reading(single(typed, "100"))
    assert status == 422
    assert errors_of(problem) == {"meter_number": METER_NUMBER_RULE}

    status, problem = file_request(meter_reading_request(typed))
    assert status == 422
    assert errors_of(problem) == {"fields.meter_number": METER_NUMBER_RULE}

    status, problem = add_object(object_with_meter(typed))
    assert status == 422
    assert errors_of(problem) == {"meters.0.meter_number": METER_NUMBER_RULE}
    assert stored_requests(world) == []


@pytest.mark.parametrize("typed", ["50-20-10203-417", "50:20:10203:417", "\u0665\u0660:20:0010203:417"])
@pytest.mark.usefixtures("clock")
def test_a_cadastral_number_is_refused_alike_by_objects_and_a_connection_request(
    world: World, typed: str
) -> None:
    status, by_objects = add_object({**HOUSE, "cadastral_number": typed})
    assert status == 422
    status, by_requests = file_request(
        body_of("connection", fields={**VALID["connection"], "cadastral_number": typed})
    )
    assert status == 422

    message = "Поле «Кадастровый номер» заполнено в неверном формате."
    assert errors_of(by_objects) == {"cadastral_number": message}
    assert errors_of(by_requests) == {"fields.cadastral_number": message}


ENTREPRENEUR = {
    "applicant_kind": "entrepreneur",
    "purpose": "business",
    "load_character": "Мастерская",
    "egrip_recorded_on": "2004-03-01",
    "ogrn": "304500116000157",
    "inn": "500100732259",
}


@pytest.mark.usefixtures("clock")
def test_an_entrepreneur_files_with_a_15_digit_ogrnip_and_a_12_digit_inn(world: World) -> None:
    status, created = file_request(body_of("connection", fields={**VALID["connection"], **ENTREPRENEUR}))

    assert status == 201, created


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"inn": "500100732250"},
            {"fields.inn": "ИНН: 12 цифр с верными контрольными цифрами — проверьте по свидетельству."},
        ),
        (
            {"ogrn": "304500116000158"},
            {"fields.ogrn": "ОГРНИП: 15 цифр с верной контрольной цифрой — проверьте по выписке из реестра."},
        ),
        # valid numbers of the other kind's length: the rule of the kind, in the type's words
        (
            {"ogrn": "1027700132195", "inn": "7707083893"},
            {
                "fields.ogrn": "ОГРНИП: 15 цифр с верной контрольной цифрой — проверьте по выписке из "
                "реестра.",
                "fields.inn": "ИНН: 12 цифр с верными контрольными цифрами — проверьте по свидетельству.",
            },
        ),
    ],
    ids=["inn-check-digits", "ogrnip-check-digit", "organisation-lengths"],
)
@pytest.mark.usefixtures("clock")
def test_a_connection_application_refuses_a_wrong_inn_or_ogrn(
    world: World, changes: dict[str, Any], expected: dict[str, str]
) -> None:
    fields = {**VALID["connection"], **ENTREPRENEUR, **changes}

    status, problem = file_request(body_of("connection", fields=fields))

    assert status == 422, problem
    assert errors_of(problem) == expected
    assert stored_requests(world) == []


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("Меркурий 230 ART-03 № 31180254 (ввод 1)", "31180254"),
        ("Меркурий 201 № СЕ-301/12 (ввод 1)", "СЕ-301/12"),
        ("Счётчик №12345АБ", "12345АБ"),  # whole, not meter 12345
        ("Счётчик № ёлка-1, ввод 2", "ёлка-1"),  # the readings' rule upper-cases it
        ("Счётчик № " + "1" * 31, "1" * 31),  # whole: too long for a meter, refused, never cut to 30
        ("Счётчик № -5", None),
        ("Ввод ТП-12", None),
    ],
)
def test_askue_reads_a_meter_number_of_the_same_characters_from_a_meter_name(
    name: str, number: str | None
) -> None:
    assert meter_number(name) == number


def test_askue_and_a_consumer_add_to_one_meter_whatever_the_case(world: World) -> None:
    status, typed = submit_reading(single("се-301/12", "100"))
    assert status == 201, typed
    row = AskueRow(
        object_name="Жилой дом",
        meter_name="Меркурий 201 № СЕ-301/12 (ввод 1)",
        active_import_kwh=Decimal("150.5"),
        active_export_kwh=Decimal(0),
        reactive_import_kvarh=Decimal(0),
        reactive_export_kvarh=Decimal(0),
        read_at=datetime.now(UTC) + timedelta(minutes=1),
    )

    record_askue_readings(ME["sub"], [row])

    newest, first = all_readings()
    assert (newest["meter_number"], newest["source"]) == ("СЕ-301/12", "askue")
    assert newest["consumption"] == {"t1": "50.50"}
    assert (first["meter_number"], first["source"]) == ("СЕ-301/12", "manual")
