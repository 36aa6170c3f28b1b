"""The portal's one error format: RFC 9457 problem details with Russian text.

`{"type", "title", "status", "detail", "errors": [{"field", "message"}]}`, served as
`application/problem+json`. Below the handlers a refusal is a domain exception
(functions/common/errors.py), which functions/common/api.py answers in this shape; `Problem` is the
answer itself, raised only by the resolver setup (functions/common/api.py) for what HTTP refuses (a
body that is not JSON, too large, no caller). Validation errors of pydantic are turned into the same
shape by `validation_problem`, naming every field with a message that says what to fix.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, get_args

from pydantic import BaseModel, Field
from pydantic_core.core_schema import ErrorType

from functions.common.errors import FieldError
from functions.common.labels import label_of

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemDetails(BaseModel):
    """The body of every error answer of the API."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []
    confirm: str | None = Field(
        default=None,
        description="Только если значение возможно, но необычно: имя поля-подтверждения; повторите запрос "
        "с этим полем, равным true, и он будет принят",
        examples=["rollover_confirmed"],
    )


class Problem(Exception):
    """An answer that refuses the request at the HTTP level; raised by functions/common/api.py only."""

    def __init__(
        self,
        status: HTTPStatus,
        title: str,
        detail: str,
        errors: Iterable[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.details = ProblemDetails(title=title, status=status, detail=detail, errors=list(errors))
        self.headers = dict(headers or {})  # e.g. Retry-After on a 429 or a 503


# ---------------------------------------------------------------- validation errors

# Messages for pydantic's own error types. Errors the portal's validators raise carry their
# own Russian text (PydanticCustomError) and are passed through as they are.
_MESSAGES: Mapping[str, str] = {
    "missing": "Заполните поле «{label}».",
    "string_too_short": "Поле «{label}» должно содержать не меньше {min_length} символов.",
    "string_too_long": "Поле «{label}» должно содержать не больше {max_length} символов.",
    "string_type": "Поле «{label}» должно быть строкой.",
    "string_pattern_mismatch": "Поле «{label}» заполнено в неверном формате.",
    "bool_type": "Поле «{label}» должно быть true или false.",
    "bool_parsing": "Поле «{label}» должно быть true или false.",
    "int_type": "Поле «{label}» должно быть целым числом.",
    "int_parsing": "Поле «{label}» должно быть целым числом.",
    "int_from_float": "Поле «{label}» должно быть целым числом.",
    "float_type": "Поле «{label}» должно быть числом.",
    "float_parsing": "Поле «{label}» должно быть числом.",
    "decimal_type": "Поле «{label}» должно быть числом.",
    "decimal_parsing": "Поле «{label}» должно быть числом, например 1234,5.",
    "decimal_max_digits": "Поле «{label}»: слишком много цифр.",
    "decimal_max_places": "Поле «{label}»: не больше {decimal_places} знаков после запятой.",
    "decimal_whole_digits": "Поле «{label}»: не больше {whole_digits} цифр до запятой.",
    "greater_than": "Поле «{label}» должно быть больше {gt}.",
    "greater_than_equal": "Поле «{label}» должно быть не меньше {ge}.",
    "less_than": "Поле «{label}» должно быть меньше {lt}.",
    "less_than_equal": "Поле «{label}» должно быть не больше {le}.",
    "date_type": "Поле «{label}» должно быть датой в формате ГГГГ-ММ-ДД.",
    "date_parsing": "Поле «{label}» должно быть датой в формате ГГГГ-ММ-ДД.",
    "date_from_datetime_parsing": "Поле «{label}» должно быть датой в формате ГГГГ-ММ-ДД.",
    "datetime_type": "Поле «{label}» должно быть датой и временем в формате ISO 8601.",
    "datetime_parsing": "Поле «{label}» должно быть датой и временем в формате ISO 8601.",
    "datetime_from_date_parsing": "Поле «{label}» должно быть датой и временем в формате ISO 8601.",
    "uuid_type": "Поле «{label}» должно быть идентификатором UUID.",
    "uuid_parsing": "Поле «{label}» должно быть идентификатором UUID.",
    "literal_error": "Поле «{label}»: выберите одно из значений {expected}.",
    "enum": "Поле «{label}»: выберите одно из значений {expected}.",
    "union_tag_invalid": "Поле «{label}»: выберите одно из значений {expected_tags}.",
    "union_tag_not_found": "Заполните поле «{label}».",
    "list_type": "Поле «{label}» должно быть списком.",
    "too_short": "Поле «{label}» должно содержать не меньше {min_length} элементов.",
    "too_long": "Поле «{label}» должно содержать не больше {max_length} элементов.",
    "dict_type": "Поле «{label}» должно быть объектом JSON.",
    "model_type": "Поле «{label}» должно быть объектом JSON.",
    "model_attributes_type": "Поле «{label}» должно быть объектом JSON.",
    "extra_forbidden": "Поле «{label}» не предусмотрено: уберите его.",
}
_FALLBACK = "Поле «{label}» заполнено неверно."
BODY_NOT_JSON = "Тело запроса должно быть JSON-объектом в кодировке UTF-8."


def _field_name(error: Mapping[str, Any], tags: frozenset[str]) -> str:
    """The dotted path of the field inside the body, query or path, without union tags."""
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    # A discriminated union puts the chosen tag (e.g. "legal") into the path: it is not a field.
    loc = [part for part in loc if part not in tags]
    if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        loc.append(str(error.get("ctx", {}).get("discriminator", "")).strip("'"))
    return ".".join(part for part in loc if part)


def _message(error: Mapping[str, Any], field: str, labels: Mapping[str, str]) -> str:
    kind = str(error.get("type", ""))
    if field == "" and kind in (
        "model_type",
        "model_attributes_type",
        "dict_type",
        "missing",
        "json_invalid",
    ):
        return BODY_NOT_JSON
    ctx_raw = error.get("ctx") or {}
    if kind == "string_too_short" and ctx_raw.get("min_length") == 1:
        kind = "missing"  # an empty or blank string: the consumer left the field empty
    template = _MESSAGES.get(kind)
    if template is None:
        # Our own validators speak Russian already; pydantic's other messages are English.
        custom = kind not in _PYDANTIC_TYPES
        return str(error.get("msg")) if custom else _FALLBACK.format(label=_label(field, labels))
    ctx = {key: _format_ctx(value) for key, value in ctx_raw.items()}
    return template.format(label=_label(field, labels), **ctx)


def _label(field: str, labels: Mapping[str, str]) -> str:
    """The field's Russian label. Every field of every route has one (tests/unit/test_labels.py
    walks them all): only a field the caller made up (`extra_forbidden`) is named as they sent it."""
    found = label_of(field, labels)
    return field if found is None else found


def _format_ctx(value: Any) -> str:
    text = str(value)
    if text.count("'") == 2:
        return text.replace("'", "«", 1).replace("'", "»", 1)
    # pydantic lists choices as "'a', 'b' or 'c'": in Russian, «a», «b» или «c».
    return re.sub(r"'([^']*)'", r"«\1»", text).replace(" or ", " или ")


def validation_problem(
    errors: Sequence[Mapping[str, Any]], labels: Mapping[str, str], tags: frozenset[str] = frozenset()
) -> ProblemDetails:
    """Turns pydantic/Powertools validation errors into problem details naming each field."""
    if any(error.get("type") == "json_invalid" for error in errors):
        return ProblemDetails(title="Неверный запрос", status=HTTPStatus.BAD_REQUEST, detail=BODY_NOT_JSON)
    fields: list[FieldError] = []
    for error in errors:
        name = _field_name(error, tags)
        message = _message(error, name, labels)
        if not any(f.field == name and f.message == message for f in fields):
            fields.append(FieldError(field=name, message=message))
    detail = fields[0].message if len(fields) == 1 else "Исправьте отмеченные поля."
    return ProblemDetails(
        title="Проверьте введённые данные",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        detail=detail,
        errors=fields,
    )


# pydantic's own error kinds; any other kind was raised by the portal's validators.
_PYDANTIC_TYPES = frozenset(get_args(ErrorType))
