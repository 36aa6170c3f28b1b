"""JSON from outside the portal, parsed so that no text can make the parser or the code after it fail.

Python's `json.loads` takes more than JSON (RFC 8259) and trusts its input: it recurses once per
level of nesting (5,000 levels of `[` end in RecursionError), hands an integer literal to `int()`
(5,000 digits end in ValueError: Python refuses to convert more than 4,300 digits, because the
conversion is quadratic), reads `NaN` and `Infinity`, turns `1e999999` into infinity, and lets a
string carry a lone UTF-16 surrogate (`"\\ud800"`: no UTF-8 encoder, boto3's included, can write
it) or control characters such as NUL. `loads` refuses each of these with `UnsafeJson`, whose
message is Russian and says what is wrong, before any of it reaches a model, a log or DynamoDB.

The depth is measured on the text before it is parsed, in one pass, so the parser never goes
deeper than `max_depth`.
"""

import json
import math
import re
from itertools import accumulate
from typing import Any

# The deepest body of the API is 3 levels (a request: its fields, its list of attachments); a
# cursor is 1. 32 leaves any legitimate shape room and keeps far below the recursion limit (1,000).
MAX_DEPTH = 32
# The longest number the API takes is a reading, 9 digits, a point and 2 decimals; 100 characters
# keep int() and float() linear and cheap on anything longer.
MAX_NUMBER_LENGTH = 100

TOO_DEEP = (
    f"Тело запроса слишком глубоко вложено: допускается не больше {MAX_DEPTH} уровней вложенных "
    "объектов и списков."
)
NUMBER_TOO_LONG = f"Число в теле запроса слишком длинное: допускается не больше {MAX_NUMBER_LENGTH} знаков."
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

# What is not a bracket: a JSON string up to its closing quote (or to the end of a text that never
# closes it, so that every quote starts a match and the text is read once), or a run of anything
# else. Possessive, so nothing is read twice.
_NOT_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)|[^\[\]{}"]++', re.DOTALL)
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# C0 control characters other than tab, line feed and carriage return, and lone surrogates (a
# pair written as two escapes, "\ud83d\ude00", is joined into one character by the parser).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class UnsafeJson(ValueError):
    """A text that is not JSON the portal reads; `message` says why, in Russian.

    `field` is the dotted path of the value that holds a refused character, when there is one.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def too_deep(text: str, max_depth: int) -> bool:
    """Whether `text` nests objects and lists deeper than `max_depth` (outside its strings).

    The running count of the brackets, in C (some 15 ms for 128 KB of brackets). After the first
    value closes it may go below zero, but the parser stops there ("extra data") anyway.
    """
    brackets = _NOT_BRACKETS.sub("", text)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > max_depth


def _integer(literal: str) -> int | float:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise UnsafeJson(NUMBER_TOO_LONG)
    if literal == "-0":
        # int() would drop the sign; as a float it is kept, as it is for -0.0 and -0e0, so a rule
        # about negative numbers (a meter reading) sees the same value in every spelling.
        return -0.0
    return int(literal)


def _real(literal: str) -> float:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise UnsafeJson(NUMBER_TOO_LONG)
    value = float(literal)
    if not math.isfinite(value):  # 1e999999
        raise UnsafeJson(NUMBER_TOO_LARGE)
    return value


def _constant(_: str) -> Any:
    raise UnsafeJson(NOT_A_JSON_NUMBER)


def _field(where: list[str]) -> str:
    """The dotted path of a refused value, its refused characters written as \\uXXXX: a key may be
    one of the texts refused, and the answer that names it must not carry the character itself."""
    path = ".".join(where)
    return _UNSHOWABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", path)


def _check_text(value: Any, path: list[str]) -> None:
    """Refuses lone surrogates and control characters in every string, keys included."""
    stack: list[tuple[Any, list[str]]] = [(value, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, str):
            if _SURROGATE.search(current):
                raise UnsafeJson(LONE_SURROGATE, _field(where))
            if _CONTROL.search(current):
                raise UnsafeJson(CONTROL_CHARACTER, _field(where))
        elif isinstance(current, dict):
            for key, item in current.items():
                stack.append((key, where))
                stack.append((item, [*where, key]))
        elif isinstance(current, list):
            stack.extend((item, [*where, str(index)]) for index, item in enumerate(current))


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """`text` parsed as strict JSON; `UnsafeJson` for what it refuses, `json.JSONDecodeError`
    (also a ValueError) for what is not JSON at all."""
    if too_deep(text, max_depth):
        raise UnsafeJson(TOO_DEEP)
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_real, parse_constant=_constant)
    except RecursionError as error:  # not reachable after too_deep(); kept as the last guard
        raise UnsafeJson(TOO_DEEP) from error
    _check_text(value, [])
    return value
