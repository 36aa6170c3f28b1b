"""The portal's one error format: RFC 9457 problem details with Russian text.

`{"type", "code", "title", "status", "detail", "request_id", "errors": [{"field", "message"}]}`,
served as `application/problem+json`. `code` is the kind of problem a program branches on (one of
`PROBLEM_KINDS`, never renamed once used); `type` is its stable URI, `/api/problems/<code>` (a URI
reference, resolved against the API's own address: `https://<portal>/api/problems/<code>`), where
the docs function describes it; `request_id` is API Gateway's id of the request, for support.
Below the handlers a refusal is a domain exception (functions/common/errors.py), which
functions/common/api.py answers in this shape; `Problem` is the answer itself, raised only by the
resolver setup (functions/common/api.py) for what HTTP refuses (a body that is not JSON, too large,
no caller). Validation errors of pydantic are turned into the same
shape by `validation_problem`, naming every field with a message that says what to fix.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, get_args

from pydantic import BaseModel, Field, model_validator
from pydantic_core.core_schema import ErrorType

from functions.common.errors import FieldError
from functions.common.labels import label_of

PROBLEM_CONTENT_TYPE = "application/problem+json"


PROBLEMS_PATH = "/api/problems/"
# Every kind of problem the API answers with, by its code, and what it means (the docs function
# serves each at /api/problems/<code>; API Gateway's own answers in template.yaml use the same codes).
PROBLEM_KINDS: Mapping[str, tuple[int, str]] = {
    "invalid-input": (
        422,
        "Поля запроса заполнены неверно: errors называет каждое поле и что в нём исправить.",
    ),
    "idempotency-key-reused": (
        422,
        "Этот Idempotency-Key уже использован для другого запроса (другая операция, цель или данные). Повтор "
        "отправляют с тем же ключом и теми же данными; для нового действия нужен новый ключ.",
    ),
    "needs-confirmation": (
        422,
        "Значение возможно, но необычно: повторите запрос с полем из confirm, равным true.",
    ),
    "bad-request": (400, "Тело запроса не JSON, слишком глубоко вложено или содержит недопустимые символы."),
    "unauthorized": (401, "Нет входа: токен отсутствует, неверен или истёк, или сеанс завершён."),
    "forbidden": (403, "Доступ запрещён: нет ключа интеграции или прав на ресурс."),
    "waf-blocked": (403, "Запрос отклонён фильтром безопасности."),
    "not-found": (404, "Ресурс не найден (или не принадлежит вызывающему), либо такого адреса в API нет."),
    "conflict": (
        409,
        "Состояние не позволяет действие: оно уже выполнено, выполняется или состояние изменилось.",
    ),
    "transition-forbidden": (
        409,
        "Перевод заявки из текущего статуса в указанный запрещён правилами статусов.",
    ),
    "status-changed": (
        409,
        "Статус заявки изменили одновременно в другой системе: получите заявку заново и решите, "
        "нужен ли перевод.",
    ),
    "precondition-failed": (
        412,
        "Заявка не в статусе expected_status: её перевела другая система; ничего не изменено.",
    ),
    "version-changed": (
        412,
        "Заявка изменилась после того, как её прочитали: If-Match не совпал с её ETag; ничего не изменено. "
        "Получите заявку заново и решите, нужно ли действие.",
    ),
    "expired": (
        410,
        "Запрошенное хранилось ограниченное время и удалено (курсор ленты изменений старше 14 дней).",
    ),
    "account-erased": (
        410,
        "Учётная запись потребителя удалена, и его персональные данные уже стёрты: выгружать нечего.",
    ),
    "method-not-allowed": (405, "Адрес не принимает этот метод: допустимые перечислены в заголовке Allow."),
    "payload-too-large": (413, "Тело запроса слишком большое."),
    "unsupported-media-type": (415, "Тело запроса передано не как application/json."),
    "too-many-requests": (
        429,
        "Слишком много запросов или писем: повторите через Retry-After секунд (если заголовок есть).",
    ),
    "quota-exceeded": (
        429,
        "Исчерпана квота плана использования ключа интеграции: повторите через Retry-After секунд.",
    ),
    "internal-error": (500, "Внутренняя ошибка: запрос не выполнен; сообщите request_id в поддержку."),
    "bad-gateway": (502, "Внешняя система (АСКУЭ) ответила данными, которые портал не принимает."),
    "service-unavailable": (
        503,
        "Сервис временно недоступен: ничего не изменено, повторите через Retry-After секунд.",
    ),
    "gateway-timeout": (504, "Внешняя система или функция не ответила вовремя: повторите запрос позже."),
}
# The kind a problem is when nothing more precise is said: by its status.
_KIND_OF_STATUS: Mapping[int, str] = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    410: "expired",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "invalid-input",
    429: "too-many-requests",
    500: "internal-error",
    502: "bad-gateway",
    503: "service-unavailable",
    504: "gateway-timeout",
}


def problem_type(code: str) -> str:
    """The stable URI of a kind of problem."""
    return f"{PROBLEMS_PATH}{code}"


class ProblemDetails(BaseModel):
    """The body of every error answer of the API."""

    type: str = Field(
        default="",
        description="URI вида проблемы, постоянный: /api/problems/<code> (описание вида — по этому адресу)",
    )
    code: str = Field(
        default="",
        description="Вид проблемы для программ (invalid-input, not-found, transition-forbidden, "
        "idempotency-key-reused, too-many-requests…): по нему ветвятся, текст title/detail может меняться",
    )
    title: str
    status: int
    detail: str
    request_id: str | None = Field(
        default=None, description="id запроса в API Gateway: назовите его в обращении в поддержку"
    )
    errors: list[FieldError] = []
    confirm: str | None = Field(
        default=None,
        description="Только если значение возможно, но необычно: имя поля-подтверждения; повторите запрос "
        "с этим полем, равным true, и он будет принят",
        examples=["rollover_confirmed"],
    )

    @model_validator(mode="after")
    def _kind(self) -> "ProblemDetails":
        if not self.code:
            self.code = _KIND_OF_STATUS.get(
                self.status, "internal-error" if self.status >= 500 else "bad-request"
            )
        if not self.type:
            self.type = problem_type(self.code)
        return self


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
