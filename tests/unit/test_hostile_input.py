"""No hostile input gets a 500: every JSON route reads its body by one rule (size, depth, numbers,
characters), and the list cursors by one codec; each refusal is Russian problem details."""

import base64
import json
import re
import time
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.auth.policy import CURRENT_CONSENT_VERSION
from functions.common.api import MAX_BODY_BYTES
from functions.common.cursor import INVALID_CURSOR, MAX_CURSOR_LENGTH, decode_cursor, encode_cursor
from functions.common.errors import InvalidInput
from functions.common.safe_json import MAX_DEPTH, UnsafeJson, loads, too_deep
from functions.integration import handler as integration_api
from functions.readings import handler as readings_api
from functions.readings.store import cursor_belongs
from functions.requests import handler as requests_api
from infra.askue_simulator import AskueSimulator
from infra.world import World
from tests.unit.askue_support import askue, simulator  # noqa: F401 (fixtures)
from tests.unit.conftest import api_event, call
from tests.unit.test_readings import BAD_CURSOR as READINGS_BAD_CURSOR
from tests.unit.test_request_bodies import _body_routes, _problem, _send
from tests.unit.test_requests import IVAN, clock, env, file  # noqa: F401 (fixtures)

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


def test_a_refused_key_is_named_with_its_refused_characters_escaped() -> None:
    # Found by the API fuzz (--checks all): the answer named the field with the character itself,
    # so the 400 broke its own schema (FieldError.field has no control characters).
    with pytest.raises(UnsafeJson) as refused:
        loads('{"k\\u0019ey": {"inner": "\\u0001"}}')

    assert refused.value.field in ("k\\u0019ey", "k\\u0019ey.inner")
    assert not re.search("[\\x00-\\x1f]", refused.value.field)


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


# ---------------------------------------------------------------- cursors

CURSOR_LISTS = [
    (requests_api, "/api/requests", {"claims": IVAN}, INVALID_CURSOR, "Курсор"),
    (readings_api, "/api/readings", {"claims": IVAN}, READINGS_BAD_CURSOR, "Продолжение списка"),
    (
        integration_api,
        "/api/integration/requests",
        {"integrator": "crm-key", "query": {"status": "registered"}},
        INVALID_CURSOR,
        "Курсор",
    ),
]


def _list_with_cursor(
    handler: Any, path: str, how: dict[str, Any], cursor: str
) -> tuple[int, dict[str, Any]]:
    query = {**how.get("query", {}), "cursor": cursor}
    event = api_event("GET", path, query=query, claims=how.get("claims"), integrator=how.get("integrator"))
    status, body = call(handler, event)
    return status, body


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "[" * 1500,
        _b64(b"[" * 1500),
        _b64(b"[" * 700),  # within the length: refused for its depth
        _b64(b'{"pk": {"pk": "x"}}'),
        "%5B" * 300,
    ],
    ids=["raw", "base64", "base64-within-the-length", "nested-object", "percent-encoded"],
)
def test_cursor_of_1500_nested_brackets_is_a_422_on_cursor_on_every_list(world: World, cursor: str) -> None:
    for handler, path, how, message, label in CURSOR_LISTS:
        status, problem = _list_with_cursor(handler, path, how, cursor)

        assert status == 422, (path, problem)
        assert [e["field"] for e in problem["errors"]] == ["cursor"]
        assert problem["errors"][0]["message"] in (
            message,
            f"Поле «{label}» должно содержать не больше {MAX_CURSOR_LENGTH} символов.",
        )


@pytest.mark.parametrize(
    "text",
    [
        b'{"pk": NaN}',
        b'{"pk": 1e999999}',
        b'{"pk": ' + b"9" * 700 + b"}",
        b'{"pk": "\\ud800"}',
        b'{"pk": "\\u0000"}',
        b"\xff\xfe",
        b"{}",
        b'"pk"',
        b'{"pk": 1, "sk": "x"}',
    ],
    ids=["nan", "infinite", "long-number", "surrogate", "nul", "not-utf8", "empty", "string", "not-a-string"],
)
def test_a_cursor_of_hostile_json_is_a_422_on_cursor_on_every_list(world: World, text: bytes) -> None:
    for handler, path, how, message, _ in CURSOR_LISTS:
        status, problem = _list_with_cursor(handler, path, how, _b64(text))

        assert status == 422, (path, problem)
        assert problem["errors"] == [{"field": "cursor", "message": message}]


def test_the_cursor_codec_refuses_what_it_did_not_give_out() -> None:
    mine = {"pk": "USER#1", "sk": "REQUEST#2"}
    given = encode_cursor(mine)
    assert given is not None

    def belongs(key: dict[str, str]) -> bool:
        return key == mine

    assert decode_cursor(given, belongs) == mine
    assert decode_cursor(given + "=" * (-len(given) % 4), belongs) == mine  # padding tolerated
    for cursor in (
        encode_cursor({"pk": "USER#3", "sk": "REQUEST#2"}),  # someone else's
        given + "\n",
        given[:-1] + "!",
        "A" * (MAX_CURSOR_LENGTH + 1),
        _b64(b"[" * 5000),
        "A",  # one character: not base64
    ):
        assert cursor is not None
        with pytest.raises(InvalidInput) as refused:
            decode_cursor(cursor, belongs)
        assert refused.value.errors[0].field == "cursor"


def test_encode_cursor_of_no_key_is_none() -> None:
    assert encode_cursor(None) is None
    assert encode_cursor({}) is None


def test_the_longest_cursor_given_out_is_under_half_the_limit() -> None:
    # A meter's readings: the consumer's id twice, 30 Cyrillic letters escaped, the reading's key.
    user_id = "0b1c2d3e-0000-4000-8000-000000000001"
    key = {
        "user_id": user_id,
        "meter_key": f"{user_id}#{'Ж' * 30}",
        "sk": f"reading#2026-11-20T09:01:00.000000Z#{'0' * 32}",
    }
    cursor = encode_cursor(key)

    assert cursor is not None
    assert len(cursor) < MAX_CURSOR_LENGTH / 2
    assert decode_cursor(cursor, cursor_belongs(user_id, "Ж" * 30)) == key


# ---------------------------------------------------------------- fuzzing every JSON route

# A body each route accepts (or refuses only for who sends it): the fuzz breaks one of its values at
# a time, so that what it sends reaches the rules and the services behind the body, not only the
# parser.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "/api/auth/register": {
        "category": "individual",
        "full_name": "Иванов Иван Иванович",
        "email": "ivan@example.ru",
        "phone": "+7 912 345-67-89",
        "consent": True,
    },
    "/api/auth/login": {"email": "ivan@example.ru", "password": "Пароль-для-входа-1"},
    "/api/auth/refresh": {"refresh_token": "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0"},
    "/api/profile/password": {
        "old_password": "Old-password-1",
        "new_password": "New-password-2!",
        "new_password_repeat": "New-password-2!",
    },
    "/api/integration/users/reset-password": {"email": "ivan@example.ru"},
    "/api/auth/forgot-password": {"email": "ivan@example.ru"},
    "/api/auth/reset-password": {
        "email": "ivan@example.ru",
        "code": "123456",
        "new_password": "New-password-2!",
        "new_password_repeat": "New-password-2!",
    },
    "/api/profile/email": {"new_email": "ivan.new@example.ru", "password": "Пароль-для-входа-1"},
    "/api/profile/email/confirm": {"code": "123456"},
    "/api/profile/consent": {"accepted": True, "consent_version": CURRENT_CONSENT_VERSION},
    # PATCH changes the phone and the name; DELETE (which takes only the password) is fuzzed with it too.
    "/api/profile": {"phone": "+7 903 111-22-33", "full_name": "Иванов Иван Петрович"},
    "/api/integration/requests/{id}": {
        "status": "in_review",
        "comment": "Заявка принята.",
        "operator": "CRM: Петрова А. В.",
    },
    "/api/readings": {
        "meter_type": "two_tariff",
        "meter_number": "СЕ-301/12",
        "values": {"t1": "12345,6", "t2": 500},
    },
    "/api/requests/uploads": {"filename": "паспорт.pdf", "content_type": "application/pdf", "size": 1000},
    "/api/requests": {
        "type": "grid_theft",
        "text": "Прошу рассмотреть заявку.",
        "fields": {
            "incident": "theft",
            "location": "ВЛ-0,4 кВ у д. Берёзки",
            "occurred_on": "2020-11-26",
            "objects": "Провод СИП 4×16, около 120 м",
            "police_notified": True,
        },
        "attachments": [],
    },
    "/api/askue/fetch": {"login": "demo", "password": "demo-askue-1", "remember": False},
    "/api/requests/{id}/messages": {"text": "Фото прилагаю.", "attachments": []},
    "/api/requests/{id}/withdraw": {"reason": "Передумал подключаться."},
    "/api/integration/uploads": {"filename": "ТУ.pdf", "content_type": "application/pdf", "size": 1000},
    "/api/integration/requests/{id}/messages": {
        "text": "Технические условия во вложении.",
        "attachments": [],
        "operator": "CRM: Петрова А. В.",
    },
    "/api/integration/requests/{id}/stages": {
        "stage": "offer_placed",
        "completed_on": "2020-11-26",
        "message": "Условия договора в личном кабинете.",
        "operator": "CRM: Петрова А. В.",
    },
    "/api/objects": {
        "name": "Жилой дом",
        "address": "д. Берёзки, ул. Садовая, 7",
        "settlement": "д. Берёзки",
        "street": "ул. Садовая",
        "house": "7",
        "account_number": "5001234567",
        "meters": [{"meter_type": "single_tariff", "meter_number": "01234567", "digits": 5}],
    },
    "/api/objects/{id}": {
        "name": "Гараж",
        "address": "д. Берёзки, ул. Садовая, 9",
        "account_number": "5001234567",
        "meters": [{"meter_type": "single_tariff", "meter_number": "01234567"}],
    },
    "/api/readings/{id}": {"values": {"t1": "12345,6"}},
    "/api/integration/objects/{id}": {"confirmed": True},
    "/api/integration/outages": {
        "kind": "planned",
        "starts_at": "2026-12-05T10:00:00+03:00",
        "ends_at": "2026-12-05T16:00:00+03:00",
        "reason": "Ремонт ВЛ-0,4 кВ",
        "addresses": [{"settlement": "г. Бор", "street": "ул. Лесная", "houses": "1-15, 17, 21а"}],
    },
    "/api/integration/outages/{id}": {"ends_at": "2026-12-05T18:00:00+03:00", "reason": "Ремонт опоры"},
}
# Raw JSON put in place of a value: what Python's json reads and JSON has not, or what it reads
# into something no rule expects.
HOSTILE_TOKENS = [
    "-0",
    "-0.0",
    "-0e0",
    "1e999999",
    "-1e999999",
    "1E400",
    "0.1e-999999",
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 5000,
    "1" * 101,
    "[" * 5000 + "]" * 5000,
    '{"a":' * 40 + "1" + "}" * 40,
    '"\\ud800"',
    '"\\udfff\\ud800"',
    '"\\u0000"',
    '"a\\u001bb"',
    '"\\ud83d\\ude00"',
    '"' + "я" * 70_000 + '"',
    '"' + "\\\\" * 100 + '"',
    "null",
    "true",
    "{}",
    "[]",
    '""',
    '" "',
]
_CHARACTERS = st.characters(exclude_categories=[])  # surrogates and control characters included
_TEXTS = st.text(_CHARACTERS, max_size=12) | st.sampled_from(
    ["", " ", "consumer", "\u0000", "\ufeff", "0" * 40]
)
_KEYS = _TEXTS | st.sampled_from(sorted({key for body in VALID_BODIES.values() for key in body}))
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)
_HOLE = "\ue000hole\ue000"


def _as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path in a body where a value can be replaced or a key added."""
    places = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            places += _places(inner, (*path, key))
    return places


def _with_hole(body: dict[str, Any], path: tuple[Any, ...], key: str | None) -> str:
    """`body` as JSON with the value at `path` (or a new `key` under it) replaced by the hole."""
    copy = json.loads(json.dumps(body))
    parent = copy
    for part in path[:-1]:
        parent = parent[part]
    if key is not None or not path:
        target = parent[path[-1]] if path else copy
        if isinstance(target, dict):
            target[key or "extra"] = _HOLE
            return _as_json(copy)
    parent[path[-1]] = _HOLE
    return _as_json(copy)


@st.composite
def _hostile_bodies(draw: st.DrawFn, path: str) -> tuple[str, bool]:
    """A body for the route at `path` and whether it is sent base64-encoded (as API Gateway sends
    bytes that are not UTF-8)."""
    kind = draw(st.sampled_from(["broken valid body", "json", "text", "bytes"]))
    if kind == "broken valid body":
        body = VALID_BODIES[path]
        where = draw(st.sampled_from(_places(body)))
        key = draw(st.none() | _KEYS.filter(lambda k: not k.startswith("\ue000")))
        raw = draw(st.sampled_from(HOSTILE_TOKENS) | _JSON_VALUES.map(_as_json))
        return _with_hole(body, where, key).replace(_as_json(_HOLE), raw, 1), False
    if kind == "json":
        value = draw(_JSON_VALUES)
        return json.dumps(value, ensure_ascii=draw(st.booleans())), False
    if kind == "text":
        return draw(st.text(_CHARACTERS, max_size=60)), False
    return base64.b64encode(draw(st.binary(max_size=80))).decode(), True


_CYRILLIC = re.compile("[А-Яа-яЁё]")


def _assert_russian_problem_or_success(route: Any, body: str, result: dict[str, Any]) -> None:
    status = result["statusCode"]
    assert status < 500, (route.method, route.path, body[:300], result["body"][:500])
    if status < 400:
        return
    problem = _problem(result)
    assert problem["status"] == status
    for text in (problem["title"], problem["detail"], *(e["message"] for e in problem["errors"])):
        assert _CYRILLIC.search(text), (route.path, body[:300], problem)


def test_the_fuzz_has_a_valid_body_for_every_json_route() -> None:
    assert set(VALID_BODIES) == {route.path for route in _body_routes()}


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_body_gets_a_5xx_on_any_json_route_and_every_refusal_is_russian(
    askue: AskueSimulator,  # noqa: F811 (the fixture: a valid ASKUE body reaches the simulator)
    data: st.DataObject,
) -> None:
    route = data.draw(st.sampled_from(_body_routes()), label="route")
    body, base64_encoded = data.draw(_hostile_bodies(route.path), label="body")

    result = _send(route, body, {**JSON, "Idempotency-Key": uuid.uuid4().hex}, base64_encoded=base64_encoded)

    _assert_russian_problem_or_success(route, body, result)


@pytest.mark.parametrize("token", HOSTILE_TOKENS)
def test_each_hostile_token_in_each_field_of_each_route_is_a_4xx_or_accepted(
    askue: AskueSimulator,  # noqa: F811 (the fixture)
    token: str,
) -> None:
    for route in _body_routes():
        body = VALID_BODIES[route.path]
        for where in _places(body)[1:]:
            raw = _with_hole(body, where, None).replace(_as_json(_HOLE), token, 1)

            result = _send(route, raw, {**JSON, "Idempotency-Key": uuid.uuid4().hex})

            _assert_russian_problem_or_success(route, raw, result)
