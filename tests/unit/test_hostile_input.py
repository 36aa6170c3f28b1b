"""No hostile input gets a 500: every JSON route reads its body by one rule (size, depth, numbers,
characters), and the list cursors by one codec; each refusal is Russian problem details."""

import base64
import json
import time
from typing import Any

import pytest

from functions.common.api import MAX_BODY_BYTES
from functions.common.safe_json import MAX_DEPTH, UnsafeJson, loads, too_deep
from infra.world import World
from tests.unit.test_request_bodies import _body_routes, _problem, _send
from tests.unit.test_requests import clock, env, file  # noqa: F401 (fixtures)

JSON = {"Content-Type": "application/json"}
TOO_DEEP = (
    "Тело запроса слишком глубоко вложено: допускается не больше 32 уровней вложенных объектов и списков."
)
NUMBER_TOO_LONG = "Число в теле запроса слишком длинное: допускается не больше 100 знаков."
NUMBER_TOO_LARGE = "Число в теле запроса слишком велико."
NOT_A_JSON_NUMBER = "NaN и Infinity не являются числами JSON: передайте число цифрами."
LONE_SURROGATE = (
    "Текст в теле запроса содержит недопустимый символ (одиночный суррогат UTF-16, например \\ud800): "
    "передайте текст в UTF-8."
)
CONTROL_CHARACTER = (
    "Текст в теле запроса содержит управляющий символ (например, NUL, \\u0000): уберите его. "
    "Допустимы только табуляция и перевод строки."
)
NOT_JSON = "Тело запроса должно быть JSON-объектом в кодировке UTF-8."
TOO_LARGE = "Тело запроса не должно быть больше 128 КБ: сократите текст."


def _refused_everywhere(raw_body: str, status: int, detail: str, *, base64_encoded: bool = False) -> None:
    for route in _body_routes():
        result = _send(route, raw_body, JSON, base64_encoded=base64_encoded)

        assert result["statusCode"] == status, (route.path, result["body"][:300])
        problem = _problem(result)
        assert problem["detail"] == detail, route.path
        assert problem["status"] == status


# ---------------------------------------------------------------- depth


@pytest.mark.parametrize(
    "body",
    ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000, '{"email": ' + "[" * 5000],
    ids=["lists", "objects", "unclosed"],
)
def test_json_nested_5000_deep_is_refused_with_400_on_every_route(world: World, body: str) -> None:
    _refused_everywhere(body, 400, TOO_DEEP)


def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_refused(world: World) -> None:
    [login] = [r for r in _body_routes() if r.path == "/api/auth/login"]
    inside = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # the body object itself is the first level

    deepest = _send(login, '{"email": ' + inside + "}", JSON)
    deeper = _send(login, '{"email": [' + inside + "]}", JSON)

    assert deepest["statusCode"] == 422  # read, then refused by the fields' rules
    assert deeper["statusCode"] == 400
    assert _problem(deeper)["detail"] == TOO_DEEP


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = json.dumps({"text": "[" * 5000 + "{" * 5000, "quote": '"[\\"[', "end": "\\"})

    assert loads(text)["text"].startswith("[[[")


def test_the_depth_is_measured_in_linear_time_whatever_the_quotes() -> None:
    # Unterminated strings and escaped quotes: a scanner that restarts at each quote is quadratic.
    for text in ('"' + '\\"' * 60_000, '"a\\' * 40_000, '"' * 130_000, "[]" * 65_000):
        started = time.perf_counter()
        too_deep(text, MAX_DEPTH)
        assert time.perf_counter() - started < 1.0


# ---------------------------------------------------------------- numbers


def test_integer_of_5000_digits_is_refused_with_400_on_every_route(world: World) -> None:
    _refused_everywhere('{"email": ' + "9" * 5000 + "}", 400, NUMBER_TOO_LONG)


@pytest.mark.parametrize(
    ("literal", "detail"),
    [
        ("1e999999", NUMBER_TOO_LARGE),
        ("-1e999999", NUMBER_TOO_LARGE),
        ("1" * 400 + ".5", NUMBER_TOO_LONG),
        ("0." + "0" * 200 + "1", NUMBER_TOO_LONG),
        ("NaN", NOT_A_JSON_NUMBER),
        ("Infinity", NOT_A_JSON_NUMBER),
        ("-Infinity", NOT_A_JSON_NUMBER),
    ],
)
def test_numbers_json_does_not_have_or_no_field_takes_are_refused_with_400_on_every_route(
    world: World, literal: str, detail: str
) -> None:
    _refused_everywhere('{"email": ' + literal + "}", 400, detail)


def test_ordinary_numbers_are_read_as_before() -> None:
    assert loads("[0, -5, 12345.6, 1e10, 1E-2, 123456789012345678901234567890]") == [
        0,
        -5,
        12345.6,
        1e10,
        0.01,
        123456789012345678901234567890,
    ]


# ---------------------------------------------------------------- characters


@pytest.mark.parametrize(
    ("body", "detail", "field"),
    [
        ('{"email": "\\ud800@example.ru"}', LONE_SURROGATE, "email"),
        ('{"email": "a@example.ru", "x": ["ok", "\\udfff"]}', LONE_SURROGATE, "x.1"),
        ('{"\\ud800": 1}', LONE_SURROGATE, ""),
        ('{"email": "a\\u0000@example.ru"}', CONTROL_CHARACTER, "email"),
        ('{"email": {"inner": "\\u001b[31m"}}', CONTROL_CHARACTER, "email.inner"),
    ],
    ids=["surrogate", "surrogate-in-list", "surrogate-key", "nul", "escape"],
)
def test_lone_surrogates_and_control_characters_are_refused_with_400_on_every_route(
    world: World, body: str, detail: str, field: str
) -> None:
    for route in _body_routes():
        result = _send(route, body, JSON)

        assert result["statusCode"] == 400, (route.path, result["body"])
        problem = _problem(result)
        assert problem["detail"] == detail
        assert problem["errors"] == ([{"field": field, "message": detail}] if field else [])


def test_a_lone_surrogate_in_the_event_itself_is_not_utf8_and_a_400(world: World) -> None:
    # A body the gateway hands over as a string holding a surrogate (never valid UTF-8).
    _refused_everywhere('{"email": "\ud800"}', 400, NOT_JSON)


def test_tabs_line_breaks_and_astral_characters_are_text() -> None:
    assert loads('{"text": "a\\tb\\r\\nc 😀 \\ud83d\\ude00"}') == {"text": "a\tb\r\nc 😀 😀"}


def test_the_refusal_is_an_unsafe_json_value_error() -> None:
    with pytest.raises(UnsafeJson) as refused:
        loads('{"a": "\\u0000"}')

    assert isinstance(refused.value, ValueError)
    assert refused.value.field == "a"


# ---------------------------------------------------------------- size


def test_a_body_over_128_kb_is_refused_with_413_on_every_route(world: World) -> None:
    just_over = '{"email": "' + "a" * (MAX_BODY_BYTES - 12) + '"}'
    cyrillic_over = '{"email": "' + "я" * (MAX_BODY_BYTES // 2) + '"}'  # fewer characters, more bytes

    assert len(just_over.encode()) == MAX_BODY_BYTES + 1
    _refused_everywhere(just_over, 413, TOO_LARGE)
    _refused_everywhere(cyrillic_over, 413, TOO_LARGE)
    _refused_everywhere(base64.b64encode(just_over.encode()).decode(), 413, TOO_LARGE, base64_encoded=True)
    _refused_everywhere("[" * 10_000_000, 413, TOO_LARGE)  # API Gateway's limit: never parsed


def test_a_body_of_128_kb_is_read(world: World) -> None:
    [login] = [r for r in _body_routes() if r.path == "/api/auth/login"]
    at_the_limit = '{"email": "' + "a" * (MAX_BODY_BYTES - 13) + '"}'

    result = _send(login, at_the_limit, JSON)

    assert len(at_the_limit.encode()) == MAX_BODY_BYTES
    assert result["statusCode"] == 422  # read; the email is too long for its field
    assert [e["field"] for e in _problem(result)["errors"]] == ["email", "password"]


def test_base64_that_is_not_base64_is_a_400(world: World) -> None:
    _refused_everywhere("not base64!", 400, NOT_JSON, base64_encoded=True)


def _largest_request() -> dict[str, Any]:
    """A service request with every text at its longest, in Cyrillic, and five attachment keys."""
    return {
        "type": "unmetered_consumption",
        "text": "Я" * 5000,
        "fields": {
            "kind": "non_contractual",
            "place": "М" * 300,
            "detected_on": "2026-11-25",
            "description": "О" * 2000,
            "violator": "Н" * 300,
        },
        "attachments": ["К" * 400 for _ in range(5)],
    }


def test_the_largest_legitimate_body_escaped_to_ascii_is_half_the_limit() -> None:
    largest = _largest_request()

    as_browsers_send_it = len(json.dumps(largest, ensure_ascii=False).encode())
    escaped = len(json.dumps(largest).encode())  # every letter as \\uXXXX

    assert as_browsers_send_it < 20_000
    assert escaped < MAX_BODY_BYTES / 2


def test_the_largest_legitimate_request_escaped_to_ascii_is_filed(env: World) -> None:  # noqa: F811
    largest = _largest_request()
    del largest["attachments"]  # files must be uploaded first; their keys are counted above

    status, created = file(largest)  # sent as json.dumps writes it: every letter as \\uXXXX

    assert status == 201, created
