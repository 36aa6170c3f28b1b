"""Meter readings: the rules of manual entry, history and its cursor, the meter list, the CSV export,
the number of DynamoDB calls per route, and the ASKUE entry point — against moto."""

import base64
import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from functions.common.aws import dynamodb
from functions.readings import askue_readings, service
from functions.readings import handler as readings
from functions.readings.askue_readings import AskueOutcome, record_askue_reading
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.conftest import api_event, call

ME = {"sub": "11111111-aaaa-4bbb-8ccc-000000000001", "email": "me@example.ru"}
SOMEONE_ELSE = {"sub": "22222222-aaaa-4bbb-8ccc-000000000002", "email": "other@example.ru"}
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 12:00 in Moscow

NOT_A_NUMBER = (
    "Введите показание цифрами, например 1234,5: целая часть и, если нужно, до двух цифр после "
    "запятой (можно и точки)."
)
NEGATIVE = "Показание не может быть отрицательным: введите его без знака «минус»."
TOO_MANY_DIGITS = "Показание: не больше 9 цифр до запятой."
TOO_MANY_DECIMALS = "Показание: не больше 2 цифр после запятой."
METER_NUMBER_RULE = (
    "Номер прибора учёта: буквы, цифры, дефис и косая черта (/), без пробелов, не длиннее 30 символов, "
    "начинается с буквы или цифры, например 01234567 или СЕ-301/12."
)
METER_TYPE_CHOICE = (
    "Выберите тип прибора учёта: однотарифный, двухтарифный (день/ночь) или трёхтарифный (пик/ночь/полупик)."
)
BAD_CURSOR = "Ссылка на продолжение списка повреждена или устарела: откройте список показаний заново."


class Clock:
    """The portal's clock in these tests: starts at START, one minute later at each reading."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        self.at += timedelta(minutes=1)
        return self.at


@pytest.fixture
def clock(world: World, monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr(service, "now", ticking)
    monkeypatch.setattr(askue_readings, "now", ticking)
    return ticking


def event(
    method: str,
    path: str,
    body: Any = None,
    *,
    query: dict[str, str] | None = None,
    claims: dict[str, str] | None = ME,
    raw_body: str | None = None,
) -> dict[str, Any]:
    built = api_event(method, path, body, claims=claims, raw_body=raw_body)
    if query:
        built["queryStringParameters"] = query
        built["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return built


def submit(body: Any, claims: dict[str, str] = ME) -> tuple[int, Any]:
    return call(readings, event("POST", "/api/readings", body, claims=claims))


def single(number: str, t1: Any) -> dict[str, Any]:
    return {"meter_type": "single_tariff", "meter_number": number, "values": {"t1": t1}}


def two(number: str, t1: Any, t2: Any) -> dict[str, Any]:
    return {"meter_type": "two_tariff", "meter_number": number, "values": {"t1": t1, "t2": t2}}


def history(claims: dict[str, str] = ME, **query: str) -> tuple[int, Any]:
    return call(readings, event("GET", "/api/readings", query=query, claims=claims))


def all_readings(claims: dict[str, str] = ME, **query: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        status, page = history(claims, **query, **({"cursor": cursor} if cursor else {}))
        assert status == 200, page
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def meters(claims: dict[str, str] = ME) -> list[dict[str, Any]]:
    status, body = call(readings, event("GET", "/api/readings/meters", claims=claims))
    assert status == 200
    return list(body["items"])


def errors_of(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in body["errors"]}


# ---------------------------------------------------------------- entering readings


def test_first_reading_is_stored_with_no_consumption(clock: Clock) -> None:
    status, reading = submit(single(" ce-301/12 ", "1234,5"))

    assert status == 201
    assert reading["meter_number"] == "CE-301/12"
    assert reading["meter_type"] == "single_tariff"
    assert reading["values"] == {"t1": "1234.50"}
    assert reading["consumption"] is None
    assert reading["previous_taken_at"] is None
    assert reading["source"] == "manual"
    assert datetime.fromisoformat(reading["taken_at"]) == START + timedelta(minutes=1)
    assert [r["id"] for r in all_readings()] == [reading["id"]]


def test_second_reading_answers_the_consumption_per_tariff(clock: Clock) -> None:
    _, first = submit(two("5550001", "1000", "500,25"))
    status, second = submit(two("5550001", "1120,5", "530.25"))

    assert status == 201
    assert second["values"] == {"t1": "1120.50", "t2": "530.25"}
    assert second["consumption"] == {"t1": "120.50", "t2": "30.00"}
    assert second["previous_taken_at"] == first["taken_at"]


def test_three_tariff_reading_takes_three_values(clock: Clock) -> None:
    body = {"meter_type": "three_tariff", "meter_number": "777", "values": {"t1": 1, "t2": 2, "t3": 3}}

    status, reading = submit(body)

    assert status == 201
    assert reading["values"] == {"t1": "1.00", "t2": "2.00", "t3": "3.00"}


def test_reading_equal_to_the_previous_is_allowed(clock: Clock) -> None:
    submit(single("42", "100"))
    status, reading = submit(single("42", "100,00"))

    assert status == 201
    assert reading["consumption"] == {"t1": "0.00"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("999999999.99", "999999999.99"),
        ("999 999 999,99", "999999999.99"),
        ("0", "0.00"),
        ("0,0", "0.00"),
        ("00012,3", "12.30"),
        ("1,500", "1.50"),  # trailing zeros are not decimals
        ("12\u00a0345,6", "12345.60"),  # grouped with a no-break space, as Intl 'ru-RU' writes it
        (1234.5, "1234.50"),  # a JSON number
        (17, "17.00"),
    ],
)
def test_reading_values_at_the_edges_are_accepted(clock: Clock, typed: Any, stored: str) -> None:
    status, reading = submit(single("EDGE-1", typed))

    assert status == 201, reading
    assert reading["values"] == {"t1": stored}


BAD_ENTRIES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "missing meter number",
        {"meter_type": "single_tariff", "values": {"t1": "1"}},
        "meter_number",
        "Заполните поле «Номер прибора учёта».",
    ),
    ("blank meter number", single("   ", "1"), "meter_number", "Заполните поле «Номер прибора учёта»."),
    ("meter number with a space", single("12 34", "1"), "meter_number", METER_NUMBER_RULE),
    ("meter number with a sign", single("№123", "1"), "meter_number", METER_NUMBER_RULE),
    ("meter number starting with a dash", single("-123", "1"), "meter_number", METER_NUMBER_RULE),
    (
        "meter number too long",
        single("1" * 31, "1"),
        "meter_number",
        "Поле «Номер прибора учёта» должно содержать не больше 30 символов.",
    ),
    (
        "missing meter type",
        {"meter_number": "1", "values": {"t1": "1"}},
        "meter_type",
        "Заполните поле «Тип прибора учёта».",
    ),
    (
        "unknown meter type",
        {"meter_type": "four_tariff", "meter_number": "1", "values": {"t1": "1"}},
        "meter_type",
        METER_TYPE_CHOICE,
    ),
    (
        "empty meter type",
        {"meter_type": "", "meter_number": "1", "values": {"t1": "1"}},
        "meter_type",
        METER_TYPE_CHOICE,
    ),
    (
        "missing values",
        {"meter_type": "single_tariff", "meter_number": "1"},
        "values",
        "Заполните поле «Показания».",
    ),
    (
        "values not an object",
        {"meter_type": "single_tariff", "meter_number": "1", "values": "12"},
        "values",
        "Поле «Показания» должно быть объектом JSON.",
    ),
    (
        "missing tariff value",
        {"meter_type": "two_tariff", "meter_number": "1", "values": {"t1": "1"}},
        "values.t2",
        "Введите показание по тарифу Т2 (ночь).",
    ),
    (
        "empty tariff value",
        {"meter_type": "three_tariff", "meter_number": "1", "values": {"t1": "", "t2": "1", "t3": "1"}},
        "values.t1",
        "Введите показание по тарифу Т1 (пик).",
    ),
    (
        "extra tariff value",
        {"meter_type": "single_tariff", "meter_number": "1", "values": {"t1": "1", "t2": "2"}},
        "values.t2",
        "У однотарифного прибора учёта нет тарифа Т2: уберите это показание или выберите другой тип прибора.",
    ),
    (
        "unknown tariff",
        {"meter_type": "single_tariff", "meter_number": "1", "values": {"t1": "1", "t4": "2"}},
        "values.t4",
        "Поле «values.t4» не предусмотрено: уберите его.",
    ),
    ("negative", single("1", "-5"), "values.t1", NEGATIVE),
    ("negative number", single("1", -5), "values.t1", NEGATIVE),
    ("minus zero", single("1", "-0"), "values.t1", NEGATIVE),
    ("letters", single("1", "12a"), "values.t1", NOT_A_NUMBER),
    ("exponent", single("1", "1e3"), "values.t1", NOT_A_NUMBER),
    ("NaN", single("1", "NaN"), "values.t1", NOT_A_NUMBER),
    ("Infinity", single("1", "Infinity"), "values.t1", NOT_A_NUMBER),
    ("two commas", single("1", "1,2,3"), "values.t1", NOT_A_NUMBER),
    ("digits of another script", single("1", "\u0661\u0662\u0663"), "values.t1", NOT_A_NUMBER),
    ("a tab among the digits", single("1", "12\t345"), "values.t1", NOT_A_NUMBER),
    ("true", single("1", True), "values.t1", NOT_A_NUMBER),
    ("a list", single("1", [1]), "values.t1", NOT_A_NUMBER),
    ("ten digits", single("1", "1000000000"), "values.t1", TOO_MANY_DIGITS),
    ("ten digits as a number", single("1", 1e10), "values.t1", TOO_MANY_DIGITS),
    ("three decimals", single("1", "1,234"), "values.t1", TOO_MANY_DECIMALS),
    ("three decimals as a number", single("1", 0.001), "values.t1", TOO_MANY_DECIMALS),
    (
        "unknown field",
        {**single("1", "1"), "comment": "x"},
        "comment",
        "Поле «comment» не предусмотрено: уберите его.",
    ),
]


@pytest.mark.parametrize(("case", "body", "field", "message"), BAD_ENTRIES, ids=[c[0] for c in BAD_ENTRIES])
def test_bad_entry_is_refused_in_russian_and_changes_nothing(
    clock: Clock, case: str, body: dict[str, Any], field: str, message: str
) -> None:
    status, problem = submit(body)

    assert status == 422, problem
    assert problem["title"] == "Проверьте введённые данные"
    assert errors_of(problem)[field] == message
    assert all_readings() == []
    assert meters() == []


def test_json_nan_and_infinity_literals_are_refused(clock: Clock) -> None:
    # Not JSON (RFC 8259), though Python's json reads them: refused with the body, before the fields.
    for literal in ("NaN", "Infinity", "-Infinity", "1e999999"):
        raw = '{"meter_type": "single_tariff", "meter_number": "1", "values": {"t1": LITERAL}}'.replace(
            "LITERAL", literal
        )
        status, problem = call(readings, event("POST", "/api/readings", raw_body=raw))

        assert status == 400, literal
        assert problem["detail"] in (
            "NaN и Infinity не являются числами JSON: передайте число цифрами.",
            "Число в теле запроса слишком велико.",
        )
    assert all_readings() == []


@pytest.mark.parametrize("literal", ["-0", "-0.0", "-0e0", "-0E+0", "-0.00", "-0.0e-5"])
def test_negative_zero_as_a_json_number_is_refused_as_the_string_is(clock: Clock, literal: str) -> None:
    raw = f'{{"meter_type": "single_tariff", "meter_number": "1", "values": {{"t1": {literal}}}}}'

    status, problem = call(readings, event("POST", "/api/readings", raw_body=raw))

    assert status == 422, problem
    assert errors_of(problem) == {"values.t1": NEGATIVE}
    assert all_readings() == []


@pytest.mark.parametrize("literal", ["0", "0.0", "0e0", "0.00"])
def test_zero_as_a_json_number_is_a_reading(clock: Clock, literal: str) -> None:
    raw = f'{{"meter_type": "single_tariff", "meter_number": "1", "values": {{"t1": {literal}}}}}'

    status, stored = call(readings, event("POST", "/api/readings", raw_body=raw))

    assert status == 201, stored
    assert stored["values"] == {"t1": "0.00"}


def test_every_bad_field_is_named_at_once(clock: Clock) -> None:
    body = {"meter_type": "two_tariff", "meter_number": "", "values": {"t1": "abc", "t3": "1"}}

    status, problem = submit(body)

    assert status == 422
    assert set(errors_of(problem)) == {"meter_number", "values.t1", "values.t2", "values.t3"}
    assert problem["detail"] == "Исправьте отмеченные поля."


def test_body_that_is_not_json_is_a_russian_400(clock: Clock) -> None:
    status, problem = call(readings, event("POST", "/api/readings", raw_body="{oops"))

    assert status == 400
    assert problem["detail"] == "Тело запроса должно быть JSON-объектом в кодировке UTF-8."


def test_reading_lower_than_previous_asks_to_confirm_a_rollover_and_stores_nothing(clock: Clock) -> None:
    _, first = submit(single("1001", "1234,5"))

    status, problem = submit(single("1001", "1234,49"))

    assert status == 422
    message = (
        "Показание по тарифу Т1 меньше предыдущего: 1\u00a0234,50 от 20.11.2026. Если счётный механизм "
        "прибора учёта перешёл через ноль (например, после 99999 — 00012), отметьте «Показания перешли "
        "через ноль»; иначе проверьте показание."
    )
    assert errors_of(problem) == {"values.t1": message}
    assert problem["detail"] == message
    assert problem["confirm"] == "rollover_confirmed"
    assert "заменён" not in problem["detail"], "a rollover is not a replaced meter"
    assert [r["id"] for r in all_readings()] == [first["id"]]
    assert meters()[0]["last_values"] == {"t1": "1234.50"}


def test_only_the_lower_tariff_is_named(clock: Clock) -> None:
    submit(two("2002", "100", "50"))

    status, problem = submit(two("2002", "150", "49,99"))

    assert status == 422
    assert list(errors_of(problem)) == ["values.t2"]
    assert "Т2 (ночь) меньше предыдущего: 50,00 от 20.11.2026" in errors_of(problem)["values.t2"]
    assert len(all_readings()) == 1


# ---------------------------------------------------------------- rollover, date, implausible jump


def test_a_confirmed_rollover_counts_the_consumption_across_zero(clock: Clock) -> None:
    submit({**single("R-5", "99990,5"), "meter_digits": 5})

    status, reading = submit({**single("R-5", "12"), "rollover_confirmed": True})

    assert status == 201, reading
    assert reading["consumption"] == {"t1": "21.50"}  # 99 990,5 → 99 999,99… → 00 000 → 00 012
    assert reading["rollover"] is True
    assert meters()[0]["last_values"] == {"t1": "12.00"}
    assert meters()[0]["digits"] == 5
    assert [r["rollover"] for r in all_readings()] == [True, False]


def test_a_rollover_needs_the_counters_digit_count(clock: Clock) -> None:
    submit(single("R-6", "9990"))

    status, problem = submit({**single("R-6", "3"), "rollover_confirmed": True})

    assert status == 422
    assert "разрядность прибора учёта" in errors_of(problem)["meter_digits"]
    assert len(all_readings()) == 1

    status, reading = submit({**single("R-6", "3"), "rollover_confirmed": True, "meter_digits": 4})

    assert status == 201
    assert reading["consumption"] == {"t1": "13.00"}


def test_a_digit_count_the_previous_reading_does_not_fit_is_refused(clock: Clock) -> None:
    submit(single("R-7", "123456"))

    status, problem = submit({**single("R-7", "5"), "rollover_confirmed": True, "meter_digits": 5})

    assert status == 422
    assert errors_of(problem)["meter_digits"] == (
        "Предыдущее показание 123\u00a0456,00 не помещается в 5 цифр до запятой: проверьте разрядность "
        "прибора учёта."
    )


def test_only_the_tariff_that_rolled_over_is_counted_across_zero(clock: Clock) -> None:
    submit({**two("R-8", "99995", "500"), "meter_digits": 5})

    status, reading = submit({**two("R-8", "7", "520"), "rollover_confirmed": True})

    assert status == 201
    assert reading["consumption"] == {"t1": "12.00", "t2": "20.00"}


def test_the_reading_date_is_today_by_default_and_may_be_an_earlier_day(clock: Clock) -> None:
    _, today = submit(single("D-1", "100"))
    assert datetime.fromisoformat(today["taken_at"]).date() == START.date()

    clock.at += timedelta(days=3)
    status, earlier = submit({**single("D-1", "110"), "taken_on": "2026-11-21"})

    assert status == 201, earlier
    # Midday in Moscow of the day given, for the history's order: the day alone is what is known.
    assert datetime.fromisoformat(earlier["taken_at"]) == datetime(2026, 11, 21, 9, tzinfo=UTC)
    assert earlier["day_only"] is True and today["day_only"] is False
    assert [r["day_only"] for r in all_readings()] == [True, False]


def test_a_reading_date_in_the_future_is_refused(clock: Clock) -> None:
    status, problem = submit({**single("D-2", "100"), "taken_on": "2026-11-21"})

    assert status == 422
    assert errors_of(problem) == {
        "taken_on": "Дата снятия показаний не может быть позже сегодняшней (20.11.2026)."
    }


def test_a_reading_date_before_the_previous_reading_is_refused(clock: Clock) -> None:
    submit(single("D-3", "100"))
    clock.at += timedelta(days=2)

    status, problem = submit({**single("D-3", "110"), "taken_on": "2026-11-19"})

    assert status == 422
    assert errors_of(problem) == {
        "taken_on": "Дата снятия показаний раньше предыдущего показания этого прибора учёта (20.11.2026): "
        "укажите дату не раньше."
    }
    assert len(all_readings()) == 1


def usual_month_of_100_kwh(clock: Clock, number: str) -> None:
    """Two readings 30 days apart, 100 kWh between them: the meter's usual month is 100 kWh."""
    submit(single(number, "1000"))
    clock.at += timedelta(days=30)
    assert submit(single(number, "1100"))[0] == 201
    clock.at += timedelta(days=30)


def test_an_implausible_jump_is_a_warning_the_consumer_confirms(clock: Clock) -> None:
    usual_month_of_100_kwh(clock, "J-1")

    status, problem = submit(single("J-1", "2101"))

    assert status == 422
    assert problem["confirm"] == "jump_confirmed"
    assert problem["detail"] == (
        "Расход 1\u00a0001,00 кВт·ч больше обычного месячного расхода этого прибора учёта (около "
        "100,00 кВт·ч) более чем в 10 раз. Проверьте показание; если оно верно, отметьте «Подтверждаю "
        "показание с большим расходом» и отправьте снова."
    )
    assert len(all_readings()) == 2

    status, reading = submit({**single("J-1", "2101"), "jump_confirmed": True})

    assert status == 201
    assert reading["consumption"] == {"t1": "1001.00"}


def test_ten_times_the_usual_month_is_not_yet_a_jump(clock: Clock) -> None:
    usual_month_of_100_kwh(clock, "J-2")

    status, reading = submit(single("J-2", "2100"))

    assert status == 201, reading


def test_without_a_months_history_no_jump_is_questioned(clock: Clock) -> None:
    submit(single("J-3", "1000"))
    clock.at += timedelta(days=10)

    status, _ = submit(single("J-3", "90000"))

    assert status == 201


def test_meter_type_cannot_change_between_readings(clock: Clock) -> None:
    submit(two("3003", "100", "50"))

    status, problem = submit(single("3003", "200"))

    assert status == 422
    assert errors_of(problem) == {
        "meter_type": "Прибор учёта № 3003 зарегистрирован как двухтарифный (день/ночь): выберите этот "
        "тип. Если прибор заменён, введите номер нового прибора."
    }
    assert len(all_readings()) == 1


def test_a_replaced_meter_starts_afresh_under_its_new_number(clock: Clock) -> None:
    submit(single("OLD-1", "99999"))

    status, reading = submit(single("NEW-1", "5"))

    assert status == 201
    assert reading["consumption"] is None


def test_meter_numbers_are_the_same_meter_whatever_the_case(clock: Clock) -> None:
    submit(single("ab-12", "10"))
    status, reading = submit(single("AB-12", "15"))

    assert status == 201
    assert reading["consumption"] == {"t1": "5.00"}
    assert [m["meter_number"] for m in meters()] == ["AB-12"]


def test_without_a_token_nothing_is_answered_or_stored(clock: Clock) -> None:
    status, problem = call(readings, event("POST", "/api/readings", single("1", "1"), claims=None))
    assert status == 401
    assert problem["title"] == "Требуется вход"
    for path in ("/api/readings", "/api/readings/meters", "/api/readings/export", "/api/readings/monthly"):
        assert call(readings, event("GET", path, claims=None))[0] == 401
    assert all_readings() == []


def test_readings_of_consumers_are_apart(clock: Clock) -> None:
    submit(single("SHARED-1", "100"))

    status, reading = submit(single("SHARED-1", "5"), claims=SOMEONE_ELSE)

    assert status == 201  # the same number at another consumer is another meter
    assert reading["consumption"] is None
    assert [r["values"] for r in all_readings(SOMEONE_ELSE)] == [{"t1": "5.00"}]
    assert [r["values"] for r in all_readings()] == [{"t1": "100.00"}]


# ---------------------------------------------------------------- history and its cursor


def test_history_is_newest_first_paged_by_20_each_reading_once(clock: Clock) -> None:
    ids = [submit(single(f"M{i % 3}", str(i)))[1]["id"] for i in range(45)]

    status, first = history()
    assert status == 200
    assert len(first["items"]) == 20
    assert first["next_cursor"]
    seen = all_readings()

    assert [r["id"] for r in seen] == list(reversed(ids))
    times = [r["taken_at"] for r in seen]
    assert times == sorted(times, reverse=True)


def test_a_full_last_page_has_no_cursor(clock: Clock) -> None:
    for i in range(20):
        submit(single("FULL", str(i)))

    status, page = history()

    assert status == 200
    assert len(page["items"]) == 20
    assert page["next_cursor"] is None


def test_history_filtered_by_meter(clock: Clock) -> None:
    for i in range(25):
        submit(single("A-1" if i % 2 else "B-2", str(i)))

    only_a = all_readings(meter_number="a-1")

    assert len(only_a) == 12
    assert {r["meter_number"] for r in only_a} == {"A-1"}
    assert [r["values"]["t1"] for r in only_a] == [f"{i}.00" for i in range(23, 0, -2)]
    assert all_readings(meter_number="NONE") == []


def test_history_shows_source_and_consumption(clock: Clock) -> None:
    submit(single("S-1", "10"))
    clock.at += timedelta(hours=2)
    record_askue_reading(ME["sub"], "S-1", Decimal("25.5"), START + timedelta(hours=1))

    newest, oldest = all_readings()

    assert (newest["source"], newest["consumption"]) == ("askue", {"t1": "15.50"})
    assert (oldest["source"], oldest["consumption"]) == ("manual", None)


def test_another_consumer_sees_none_of_my_readings(clock: Clock) -> None:
    for i in range(3):
        submit(single("MINE", str(i)))

    assert all_readings(SOMEONE_ELSE) == []
    assert all_readings(SOMEONE_ELSE, meter_number="MINE") == []
    assert meters(SOMEONE_ELSE) == []


def _cursor(key: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _sk(at: str = "2026-11-20T09:01:00.000000Z") -> str:
    return f"reading#{at}#{'0' * 32}"


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        "bm90IGpzb24",  # "not json"
        _cursor({"user_id": ME["sub"]}),
        _cursor({"user_id": ME["sub"], "sk": "meter#M0"}),
        _cursor({"user_id": SOMEONE_ELSE["sub"], "sk": _sk()}),
        _cursor({"user_id": ME["sub"], "sk": _sk(), "extra": "x"}),
        _cursor({"user_id": ME["sub"], "sk": 5}),  # type: ignore[dict-item]
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        "A" * 3000,
    ],
    ids=["garbage", "not-json", "no-sk", "meter-key", "other-user", "extra-key", "sk-number", "list", "long"],
)
def test_bad_or_tampered_cursor_is_a_422_on_cursor(clock: Clock, cursor: str) -> None:
    submit(single("C-1", "1"))

    status, problem = history(cursor=cursor)

    assert status == 422
    assert list(errors_of(problem)) == ["cursor"]
    if len(cursor) < 3000:
        assert errors_of(problem)["cursor"] == BAD_CURSOR
    else:
        assert (
            errors_of(problem)["cursor"]
            == "Поле «Продолжение списка» должно содержать не больше 1024 символов."
        )


def test_cursor_of_one_list_is_refused_in_another(clock: Clock) -> None:
    for i in range(45):
        submit(single("X-1" if i % 2 else "Y-2", str(i)))
    _, page = history()
    _, filtered = history(meter_number="X-1")

    assert history(meter_number="X-1", cursor=page["next_cursor"])[0] == 422
    assert history(cursor=filtered["next_cursor"])[0] == 422
    assert history(meter_number="Y-2", cursor=filtered["next_cursor"])[0] == 422
    forged = _cursor({"user_id": SOMEONE_ELSE["sub"], "sk": _sk(), "meter_key": f"{SOMEONE_ELSE['sub']}#X-1"})
    assert history(meter_number="X-1", cursor=forged)[0] == 422


def test_bad_meter_filter_is_a_422(clock: Clock) -> None:
    status, problem = history(meter_number="a b")

    assert status == 422
    assert errors_of(problem) == {"meter_number": METER_NUMBER_RULE}


# ---------------------------------------------------------------- meters and export


def test_meters_offer_their_numbers_type_and_last_reading(clock: Clock) -> None:
    submit(two("T-2", "10", "5"))
    _, last = submit(two("T-2", "12", "6"))
    _, other = submit(single("S-1", "7"))

    assert meters() == [
        {
            "meter_number": "S-1",
            "meter_type": "single_tariff",
            "last_values": {"t1": "7.00"},
            "last_taken_at": other["taken_at"],
            "last_source": "manual",
            "digits": None,
        },
        {
            "meter_number": "T-2",
            "meter_type": "two_tariff",
            "last_values": {"t1": "12.00", "t2": "6.00"},
            "last_taken_at": last["taken_at"],
            "last_source": "manual",
            "digits": None,
        },
    ]


def _export(**query: str) -> dict[str, Any]:
    result = readings.lambda_handler(event("GET", "/api/readings/export", query=query), LambdaContext("test"))
    return dict(result)


def test_export_is_csv_for_russian_excel(clock: Clock) -> None:
    submit(two("T-2", "1000", "500"))
    submit(two("T-2", "1234,5", "600"))
    submit(single("S-1", "7"))

    result = _export()

    assert result["statusCode"] == 200
    headers = {name: values[-1] for name, values in result["multiValueHeaders"].items()}
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Content-Disposition"].startswith('attachment; filename="readings-')
    assert (
        "filename*=UTF-8''%D0%BF%D0%BE%D0%BA%D0%B0%D0%B7%D0%B0%D0%BD%D0%B8%D1%8F-"
        in headers["Content-Disposition"]
    )
    body = result["body"]
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows == [
        [
            "Дата (МСК)",
            "Прибор учёта",
            "Тип",
            "Т1",
            "Т2",
            "Т3",
            "Расход Т1",
            "Расход Т2",
            "Расход Т3",
            "Источник",
        ],
        ["20.11.2026 12:03", '="S-1"', "Однотарифный", "7,00", "", "", "", "", "", "Вручную"],
        [
            "20.11.2026 12:02",
            '="T-2"',
            "Двухтарифный (день/ночь)",
            "1234,50",
            "600,00",
            "",
            "234,50",
            "100,00",
            "",
            "Вручную",
        ],
        [
            "20.11.2026 12:01",
            '="T-2"',
            "Двухтарифный (день/ночь)",
            "1000,00",
            "500,00",
            "",
            "",
            "",
            "",
            "Вручную",
        ],
    ]
    assert body.count("\r\n") == 4


def test_export_filtered_by_meter(clock: Clock) -> None:
    submit(single("A", "1"))
    submit(single("B", "2"))

    body = _export(meter_number="b")["body"]

    assert [row[1] for row in csv.reader(io.StringIO(body[1:]), delimiter=";")][1:] == ['="B"']


def test_export_of_an_empty_history_is_just_the_headers(clock: Clock) -> None:
    body = _export()["body"]

    assert body == "\ufeffДата (МСК);Прибор учёта;Тип;Т1;Т2;Т3;Расход Т1;Расход Т2;Расход Т3;Источник\r\n"


# ---------------------------------------------------------------- consumption per month


def monthly(claims: dict[str, str] = ME, **query: str) -> tuple[int, Any]:
    return call(readings, event("GET", "/api/readings/monthly", query=query, claims=claims))


def submit_at(clock: Clock, at: datetime, body: dict[str, Any], claims: dict[str, str] = ME) -> None:
    clock.at = at - timedelta(minutes=1)  # the clock ticks a minute before each reading
    status, answer = submit(body, claims)
    assert status == 201, answer


def test_monthly_consumption_sums_each_meters_readings_per_moscow_month_and_tariff(clock: Clock) -> None:
    submit_at(clock, datetime(2026, 7, 31, 9, 0, tzinfo=UTC), two("T-2", "900", "400"))  # before the period
    submit_at(clock, datetime(2026, 9, 30, 9, 0, tzinfo=UTC), two("T-2", "1000", "500"))
    submit_at(clock, datetime(2026, 10, 15, 9, 0, tzinfo=UTC), two("T-2", "1100", "530"))
    # 22:00 UTC on 31 October is 01:00 on 1 November in Moscow: a November reading.
    submit_at(clock, datetime(2026, 10, 31, 22, 0, tzinfo=UTC), two("T-2", "1150", "540"))
    submit_at(clock, datetime(2026, 11, 20, 9, 0, tzinfo=UTC), two("T-2", "1234,5", "560"))
    submit_at(clock, datetime(2026, 11, 21, 9, 0, tzinfo=UTC), single("00123", "7"))
    clock.at = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

    status, body = monthly(months="3")

    assert status == 200, body
    assert body["months"] == ["2026-09", "2026-10", "2026-11"]
    assert body["meters"] == [
        {
            "meter_number": "00123",
            "meter_type": "single_tariff",
            "months": [{"month": "2026-11", "consumption": {}, "readings": 1}],
        },
        {
            "meter_number": "T-2",
            "meter_type": "two_tariff",
            "months": [
                {"month": "2026-09", "consumption": {"t1": "100.00", "t2": "100.00"}, "readings": 1},
                {"month": "2026-10", "consumption": {"t1": "100.00", "t2": "30.00"}, "readings": 1},
                {"month": "2026-11", "consumption": {"t1": "134.50", "t2": "30.00"}, "readings": 2},
            ],
        },
    ]


def test_monthly_consumption_spans_a_year_by_default_across_new_year(clock: Clock) -> None:
    clock.at = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)

    status, body = monthly()

    assert status == 200
    assert body["months"][0] == "2026-02"
    assert body["months"][-2:] == ["2026-12", "2027-01"]
    assert len(body["months"]) == 12
    assert body["meters"] == []


def test_monthly_consumption_is_the_callers_own(clock: Clock) -> None:
    submit_at(clock, datetime(2026, 11, 20, 9, 0, tzinfo=UTC), single("A", "1"))

    status, body = monthly(SOMEONE_ELSE)

    assert status == 200
    assert body["meters"] == []


@pytest.mark.parametrize("months", ["0", "25", "двенадцать"])
def test_monthly_consumption_refuses_a_period_it_does_not_give(clock: Clock, months: str) -> None:
    status, body = monthly(months=months)

    assert status == 422
    assert list(errors_of(body)) == ["months"]
    assert "«Число месяцев»" in errors_of(body)["months"]


# ---------------------------------------------------------------- DynamoDB calls per route


@pytest.fixture
def dynamodb_calls(world: World) -> Iterator[list[str]]:
    """The DynamoDB operations the functions make, in order (botocore's before-call event)."""
    made: list[str] = []

    def count(model: Any, **_: Any) -> None:
        made.append(model.name)

    events = dynamodb().meta.events
    events.register("before-call.dynamodb", count)
    yield made
    events.unregister("before-call.dynamodb", count)


def test_each_route_makes_the_fewest_dynamodb_calls(clock: Clock, dynamodb_calls: list[str]) -> None:
    def calls(action: Callable[[], Any]) -> list[str]:
        dynamodb_calls.clear()
        action()
        return list(dynamodb_calls)

    for i in range(30):
        submit(single("N-1", str(i)))

    # The meter and the consumer's count of submitted readings in one read; the reading, the meter,
    # the count and the outbox item of its event in one transaction.
    assert calls(lambda: submit(single("N-1", "100"))) == ["BatchGetItem", "TransactWriteItems"]
    assert calls(lambda: history()) == ["Query"]
    _, page = history()
    assert calls(lambda: history(cursor=page["next_cursor"])) == ["Query"]
    assert calls(lambda: history(meter_number="N-1")) == ["Query"]
    assert calls(lambda: meters()) == ["Query"]
    assert calls(lambda: _export()) == ["Query"]
    assert calls(lambda: submit(single("N-1", "1"))) == ["BatchGetItem"]  # refused: nothing written
    assert calls(lambda: submit(single("N-1", "x"))) == []  # invalid: no call at all


# ---------------------------------------------------------------- ASKUE entry point


def test_askue_reading_is_recorded_with_its_source_and_consumption(clock: Clock) -> None:
    submit(single("AS-1", "100"))
    clock.at += timedelta(hours=3)

    outcome = record_askue_reading(ME["sub"], "as-1", Decimal("150.256"), START + timedelta(hours=2))

    assert outcome == AskueOutcome.RECORDED
    newest = all_readings()[0]
    assert newest["source"] == "askue"
    assert newest["values"] == {"t1": "150.256"}  # as ASKUE sent it
    assert newest["consumption"] == {"t1": "50.256"}
    assert datetime.fromisoformat(newest["taken_at"]) == START + timedelta(hours=2)
    assert meters()[0]["last_source"] == "askue"


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("27533.938", "27533.938"),
        ("27533.9385", "27533.939"),
        ("27533.93849", "27533.938"),
        ("100", "100.00"),
    ],
)
def test_an_askue_value_keeps_the_precision_askue_sends_rounded_never_cut(
    clock: Clock, sent: str, shown: str
) -> None:
    assert record_askue_reading(ME["sub"], "AS-9", Decimal(sent), START) == AskueOutcome.RECORDED
    assert all_readings()[0]["values"] == {"t1": shown}


def test_first_askue_reading_registers_a_single_tariff_meter(clock: Clock) -> None:
    assert record_askue_reading(ME["sub"], "AS-2", Decimal(0), START) == AskueOutcome.RECORDED
    assert meters()[0]["meter_type"] == "single_tariff"


@pytest.mark.parametrize(
    ("value", "hours_later", "expected"),
    [
        (Decimal("99.99"), 3, AskueOutcome.LOWER),
        (Decimal("100"), 3, AskueOutcome.UNCHANGED),
        (Decimal("120"), 1, AskueOutcome.STALE),  # the same snapshot delivered again
        (Decimal("120"), 0, AskueOutcome.STALE),  # older than the last reading
    ],
)
def test_askue_value_that_does_not_follow_is_skipped_without_error(
    clock: Clock, value: Decimal, hours_later: int, expected: AskueOutcome
) -> None:
    clock.at += timedelta(days=1)
    record_askue_reading(ME["sub"], "AS-3", Decimal(100), START + timedelta(hours=1))

    outcome = record_askue_reading(ME["sub"], "AS-3", value, START + timedelta(hours=hours_later))

    assert outcome == expected
    assert len(all_readings()) == 1
    assert meters()[0]["last_values"] == {"t1": "100.00"}


def test_askue_reading_of_a_multi_tariff_meter_is_skipped(clock: Clock) -> None:
    submit(two("AS-4", "1", "1"))
    clock.at += timedelta(days=2)

    outcome = record_askue_reading(ME["sub"], "AS-4", Decimal(5), START + timedelta(days=1))

    assert outcome == AskueOutcome.TYPE_MISMATCH
    assert len(all_readings()) == 1


@pytest.mark.parametrize(
    ("number", "value", "taken_at"),
    [
        ("AS 5", Decimal(1), START),
        ("", Decimal(1), START),
        ("AS-5", Decimal(-1), START),
        ("AS-5", Decimal("NaN"), START),
        ("AS-5", Decimal("Infinity"), START),
        ("AS-5", Decimal("1000000000"), START),
        ("AS-5", 12.5, START),  # a float is not accepted: ASKUE values are Decimals
        ("AS-5", Decimal(1), START + timedelta(days=1)),  # later than now: a clock fault
    ],
)
def test_invalid_askue_reading_is_skipped_without_error(
    clock: Clock, number: str, value: Any, taken_at: datetime
) -> None:
    assert record_askue_reading(ME["sub"], number, value, taken_at) == AskueOutcome.INVALID
    assert all_readings() == []


def test_manual_reading_after_a_later_askue_one_keeps_the_order(clock: Clock) -> None:
    ahead = clock.at + timedelta(minutes=4)  # ahead of the portal's clock, within the accepted skew
    assert record_askue_reading(ME["sub"], "AS-7", Decimal(1), ahead) == AskueOutcome.RECORDED

    status, reading = submit(single("AS-7", "2"))

    assert status == 201
    assert datetime.fromisoformat(reading["taken_at"]) > ahead
    assert [r["source"] for r in all_readings()] == ["manual", "askue"]
