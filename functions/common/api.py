"""The one resolver setup every domain uses: validation, error handlers, caller identity.

A domain's `handler.py` makes `app = APIGatewayRestResolver(enable_validation=True)` (written out,
so that Powertools' OpenAPI merge finds it), calls `configure_resolver(app, labels)` and
declares its routes; everything that goes wrong below a route ends here as problem details. The
domain's refusals (functions/common/errors.py) get their status and headers from one table,
`ERROR_ANSWERS`, the only place that knows which HTTP answer a domain exception is.
"""

import base64
import binascii
import json
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from functions.common.aws_faults import is_transient
from functions.common.caller import Caller
from functions.common.errors import (
    Conflict,
    DomainError,
    Expired,
    ExternalBadData,
    ExternalTimeout,
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    TooManyAttempts,
    TryLater,
    Unauthorized,
)
from functions.common.integrators import INTEGRATION_PATH, integrator_of, required_scope
from functions.common.problems import (
    BODY_NOT_JSON,
    PROBLEM_CONTENT_TYPE,
    Problem,
    ProblemDetails,
    validation_problem,
)
from functions.common.safe_json import MAX_DEPTH, UnsafeJson, loads

logger = Logger()

# OpenAPI: the security schemes the routes refer to (API Gateway enforces them). Written as the
# document writes them, not as Powertools' OpenAPI models: importing those costs every cold start
# some 40 ms, and only the docs function, when it builds the document, needs them (they are
# validated then).
SECURITY_SCHEMES: dict[str, Any] = {
    "cognito": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "ID-токен Amazon Cognito из POST /api/auth/login",
    },
    "apiKey": {
        "type": "apiKey",
        "name": "x-api-key",
        "in": "header",
        "description": "Ключ интегратора (crm, billing, support …): у каждой системы компании свой ключ и "
        "свои права (scope); вызов вне прав — 403 с названием права",
    },
}
CONSUMER_SECURITY: list[dict[str, list[str]]] = [{"cognito": []}]
INTEGRATION_SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}]

# The largest body the API takes is a service request (POST /api/requests): its text (5,000
# characters), its fields (at most a 2,000-character description and three 300-character lines)
# and five attachment keys of 400 characters, about 9,600 characters in all. A browser sends that as
# UTF-8, two bytes a Cyrillic letter: some 20 KB; a client that escapes every letter as \uXXXX
# (Python's json.dumps does) some 60 KB. 128 KB is twice that; API Gateway's own limit, 10 MB,
# would let one request make a function decode, parse and validate 10 MB of JSON.
MAX_BODY_BYTES = 128 * 1024
# A body sent base64-encoded (API Gateway does that with bytes that are not UTF-8) is refused on its
# encoded length first, before anything is decoded.
_MAX_BASE64_LENGTH = (MAX_BODY_BYTES + 2) // 3 * 4

# OpenAPI: the error answers a route may give, all in the problem details format.
PROBLEM_RESPONSE: dict[str, Any] = {"content": {PROBLEM_CONTENT_TYPE: {"model": ProblemDetails}}}
# OpenAPI: the header of a 429 or 503 that says when to try again.
RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {"description": "Через сколько секунд повторить запрос", "schema": {"type": "integer"}}
}
ERROR_RESPONSES: dict[int, Any] = {
    400: {
        "description": f"Тело запроса не JSON, вложено глубже {MAX_DEPTH} уровней, содержит NaN, Infinity, "
        "слишком длинное число или недопустимый символ (NUL, одиночный суррогат)",
        **PROBLEM_RESPONSE,
    },
    413: {"description": f"Тело запроса больше {MAX_BODY_BYTES // 1024} КБ", **PROBLEM_RESPONSE},
    415: {"description": "Тело запроса передано не как application/json", **PROBLEM_RESPONSE},
    422: {"description": "Поля заполнены неверно", **PROBLEM_RESPONSE},
    # Any route that reaches AWS (or passes the session authorizer): a call that fails after the
    # SDK's retries (ServiceUnavailable in ERROR_ANSWERS; tests/unit/test_faults.py).
    503: {
        "description": "Сервис временно недоступен: повторите запрос через Retry-After секунд",
        "headers": RETRY_AFTER,
        **PROBLEM_RESPONSE,
    },
}
CONSUMER_ERROR_RESPONSES: dict[int, Any] = {
    **ERROR_RESPONSES,
    401: {"description": "Нет токена, токен неверен или истёк", **PROBLEM_RESPONSE},
}


def answers(
    status: int, description: str, model: type[BaseModel] | None, errors: Mapping[int, Any]
) -> dict[int, Any]:
    """The OpenAPI responses of a route: its success answer and the problems it may give."""
    success: dict[str, Any] = {"description": description}
    if model is not None:
        success["content"] = {"application/json": {"model": model}}
    return {status: success, **errors}


class _ModelLater(dict[str, Any]):
    """A response's content `{"model": …}` whose model is looked up only when Powertools reads it:
    at the route's first request or when the OpenAPI document is built (`"model" in content` holds
    from the start; `content["model"]` calls `model`)."""

    def __init__(self, model: Callable[[], type[BaseModel]]) -> None:
        super().__init__(model=None)
        self._model = model

    def __getitem__(self, key: str) -> Any:
        return self._model() if key == "model" else super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self._model() if key == "model" else super().get(key, default)

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[key] for key in self]

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return [(key, self[key]) for key in self]


def answers_later(
    status: int, description: str, model: Callable[[], type[BaseModel]], errors: Mapping[int, Any]
) -> dict[int, Any]:
    """`answers` for a route whose success model lives in a module bound
    with `lazy_module` (functions/common/lazy.py): `model` (e.g. `lambda: views.IntegrationPage`) is
    called when Powertools reads the responses, so the decorator, run at import, builds nothing."""
    responses = answers(status, description, None, errors)
    success = {**responses[status], "content": {"application/json": _ModelLater(model)}}
    return {**responses, status: success}


def _request_id(app: APIGatewayRestResolver) -> str | None:
    """API Gateway's id of the request being answered (None outside a request)."""
    try:
        return str(app.current_event.request_context.request_id or "") or None
    except (AttributeError, KeyError, TypeError):
        return None


def problem_response(details: ProblemDetails, headers: Mapping[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=details.status,
        content_type=PROBLEM_CONTENT_TYPE,
        body=details.model_dump_json(exclude_none=True),
        headers=dict(headers or {}),
    )


@dataclass(frozen=True)
class ErrorAnswer:
    """The HTTP answer to a kind of domain exception."""

    status: HTTPStatus
    code: str  # the kind of problem (functions/common/problems.py's PROBLEM_KINDS) unless the error says
    retry_after: bool = False  # sends `Retry-After: <the exception's retry_after>` when it has one


# Every domain exception, by its kind (the nearest class of its MRO found here), and the answer it
# gets: its title, detail and fields as problem details with this status and these headers.
ERROR_ANSWERS: Mapping[type[DomainError], ErrorAnswer] = {
    InvalidInput: ErrorAnswer(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid-input"),
    NotFound: ErrorAnswer(HTTPStatus.NOT_FOUND, "not-found"),
    Conflict: ErrorAnswer(HTTPStatus.CONFLICT, "conflict"),
    PreconditionFailed: ErrorAnswer(HTTPStatus.PRECONDITION_FAILED, "precondition-failed"),
    Expired: ErrorAnswer(HTTPStatus.GONE, "expired"),
    Unauthorized: ErrorAnswer(HTTPStatus.UNAUTHORIZED, "unauthorized"),
    TooManyAttempts: ErrorAnswer(HTTPStatus.TOO_MANY_REQUESTS, "too-many-requests", retry_after=True),
    TryLater: ErrorAnswer(HTTPStatus.SERVICE_UNAVAILABLE, "service-unavailable", retry_after=True),
    # An AWS call that failed after the SDK's retries (throttled, a 5xx, a timeout: see
    # functions/common/aws.py) is answered as this kind, wherever below a route it was raised.
    ServiceUnavailable: ErrorAnswer(HTTPStatus.SERVICE_UNAVAILABLE, "service-unavailable", retry_after=True),
    ExternalBadData: ErrorAnswer(HTTPStatus.BAD_GATEWAY, "bad-gateway"),
    ExternalTimeout: ErrorAnswer(HTTPStatus.GATEWAY_TIMEOUT, "gateway-timeout"),
}


def domain_error_response(
    error: DomainError, answer: ErrorAnswer, request_id: str | None = None
) -> Response[str]:
    """A domain exception as the API answers it: `answer` is its row of ERROR_ANSWERS; its code the
    error's own when it names one (a Conflict that is a forbidden transition), else the row's."""
    headers: dict[str, str] = {}
    if answer.retry_after and error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return problem_response(
        ProblemDetails(
            code=error.code or answer.code,
            request_id=request_id,
            title=error.title,
            status=answer.status,
            detail=error.detail,
            errors=error.errors,
            confirm=getattr(error, "confirm", None),
        ),
        headers,
    )


def _answering(app: APIGatewayRestResolver, answer: ErrorAnswer) -> Callable[[DomainError], Response[str]]:
    def handler(error: DomainError) -> Response[str]:
        return domain_error_response(error, answer, _request_id(app))

    return handler


def json_response(status: HTTPStatus, body: BaseModel) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=body.model_dump_json())


def replayable(
    status: HTTPStatus, answer: BaseModel, replayed: bool, headers: Mapping[str, str] | None = None
) -> Response[str]:
    """The JSON answer of a write (with `headers`, e.g. its ETag), marked `Idempotent-Replayed: true`
    when it answers a repeat of an Idempotency-Key (functions/common/claims.py)."""
    return Response(
        status_code=status,
        content_type="application/json",
        body=answer.model_dump_json(),
        headers={**(headers or {}), **({"Idempotent-Replayed": "true"} if replayed else {})},
    )


def no_content() -> Response[str]:
    return Response(status_code=HTTPStatus.NO_CONTENT, body="")


_BAD_REQUEST = "Неверный запрос"


def _body_too_large() -> Problem:
    return Problem(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        "Слишком большой запрос",
        f"Тело запроса не должно быть больше {MAX_BODY_BYTES // 1024} КБ: сократите текст.",
    )


def read_json_body(body: str | None, base64_encoded: bool) -> Any:
    """The request body as JSON, read by the portal's rules; refusals are problem details.

    413 over MAX_BODY_BYTES; 400 for bytes that are not UTF-8, text that is not JSON, and JSON the
    portal does not read (see functions.common.safe_json: too deep, NaN, huge numbers, NUL, lone
    surrogates). No body is None (the route's validation then asks for one).
    """
    if not body:
        return None
    if len(body) > (_MAX_BASE64_LENGTH if base64_encoded else MAX_BODY_BYTES):
        raise _body_too_large()  # a character is at least a byte: no need to encode to know
    try:
        raw = base64.b64decode(body, validate=True) if base64_encoded else body.encode("utf-8")
        text = raw.decode("utf-8") if base64_encoded else body
    except (binascii.Error, UnicodeError):  # not base64, not UTF-8, or a lone surrogate in the event
        raise Problem(HTTPStatus.BAD_REQUEST, _BAD_REQUEST, BODY_NOT_JSON) from None
    if len(raw) > MAX_BODY_BYTES:
        raise _body_too_large()
    if not text:
        return None
    try:
        return loads(text)
    except UnsafeJson as error:
        field = [FieldError(field=error.field, message=error.message)] if error.field else []
        raise Problem(HTTPStatus.BAD_REQUEST, _BAD_REQUEST, error.message, field) from None
    except json.JSONDecodeError:
        raise Problem(HTTPStatus.BAD_REQUEST, _BAD_REQUEST, BODY_NOT_JSON) from None


class _JsonBodiesOnly(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading a body only when it is sent as JSON.

    Powertools would also read forms and multipart (and fail on a multipart without a boundary);
    the API speaks JSON, so anything else is refused (415) before the body is read. The body is
    read by `read_json_body`, not by Powertools' `json_body` (plain `json.loads`, which fails with a
    500 on JSON nested 5,000 deep or a 5,000-digit number).

    Powertools runs its request validation before any middleware given to `app.use()`, so this
    override of its `_get_body` is the one place a body can be read first.
    """

    def handler(self, app: Any, next_middleware: Any) -> Any:
        # The integrator's scope is checked first: a call outside it learns nothing of its body's rules.
        _refuse_outside_scope(app.current_event)
        return super().handler(app, next_middleware)

    def _get_body(self, app: Any) -> Any:
        content_type = str(app.current_event.headers.get("content-type") or "").strip()
        if content_type and content_type.split(";")[0].strip().lower() != "application/json":
            raise RequestUnsupportedContentType("Unsupported content type", errors=[])
        return read_json_body(app.current_event.body, bool(app.current_event.is_base64_encoded))


def _refuse_outside_scope(event: Any) -> None:
    """A 403 naming the scope when an integration route's caller lacks the scope the route needs
    (functions/common/integrators.py's `ROUTE_SCOPES`); a route no line names is refused to all."""
    resource = str(event.resource or "")
    if not resource.startswith(INTEGRATION_PATH):
        return
    needed = required_scope(str(event.http_method), resource)
    integrator = integrator_of((event.raw_event.get("requestContext") or {}).get("authorizer"))
    if integrator is None:
        detail = "Запрос без ключа интеграции: укажите ключ системы компании в заголовке x-api-key."
    elif needed is None:
        detail = "Для этого адреса не объявлено право доступа: он закрыт для всех систем компании."
    elif needed not in integrator.scopes:
        granted = ", ".join(sorted(integrator.scopes)) or "никаких"
        detail = (
            f"Системе «{integrator.name}» не выдано право «{needed}», которого требует этот адрес "
            f"(выданы: {granted}). Права выдаёт параметр Integrators шаблона."
        )
    else:
        return
    raise Problem(HTTPStatus.FORBIDDEN, "Нет права", detail)


def _internal_error(error: Exception, request_id: str | None = None) -> Response[str]:
    """An unexpected exception: the trace goes to the log only; the client learns nothing of the
    internals."""
    logger.exception("unhandled error", extra={"error_type": type(error).__name__})
    return problem_response(
        ProblemDetails(
            request_id=request_id,
            title="Внутренняя ошибка",
            status=HTTPStatus.INTERNAL_SERVER_ERROR,
            detail="Не удалось выполнить запрос. Повторите попытку позже или обратитесь в поддержку.",
        )
    )


# The parameters routes of every domain share: named in Russian as the models' fields are.
PARAMETER_LABELS: Mapping[str, str] = {
    "id": "Идентификатор в адресе запроса",
    "idempotency-key": "Ключ повтора (заголовок Idempotency-Key)",
    "Idempotency-Key": "Ключ повтора (заголовок Idempotency-Key)",
    "if-match": "Версия заявки (заголовок If-Match)",
    "If-Match": "Версия заявки (заголовок If-Match)",
}


@dataclass(frozen=True)
class ResolverLabels:
    """What a resolver names its fields with in validation messages (tests/unit/test_labels.py walks
    every route's models against it)."""

    labels: dict[str, str]
    union_tags: frozenset[str]
    under: dict[str, dict[str, str]]


# Labels given now, or gathered when first needed: they are read off the routes' models, and a
# handler whose routes' models are bound lazily (functions/common/lazy.py) must not build them all at
# its import just to name their fields.
Labels = Mapping[str, str] | Callable[[], Mapping[str, str]]
UnionTags = frozenset[str] | Callable[[], frozenset[str]]

_LABELS_OF: "weakref.WeakKeyDictionary[APIGatewayRestResolver, Callable[[], ResolverLabels]]" = (
    weakref.WeakKeyDictionary()
)


def resolver_labels(app: APIGatewayRestResolver) -> ResolverLabels:
    """The labels `configure_resolver` gave `app`, gathered at the first call (the first refusal, or
    SnapStart's priming: functions/common/snapstart.py) and kept."""
    return _LABELS_OF[app]()


def _gathering(
    labels: Labels, union_tags: UnionTags, under: Mapping[str, Labels]
) -> Callable[[], ResolverLabels]:
    """The labels, each given or gathered by its function, once."""

    @cache
    def gathered() -> ResolverLabels:
        def given(named: Labels) -> dict[str, str]:
            return dict(named() if callable(named) else named)

        tags = union_tags() if callable(union_tags) else union_tags
        return ResolverLabels(
            {**PARAMETER_LABELS, **given(labels)}, tags, {path: given(named) for path, named in under.items()}
        )

    return gathered


def configure_resolver(
    app: APIGatewayRestResolver,
    labels: Labels,
    union_tags: UnionTags = frozenset(),
    labels_under: Mapping[str, Labels] | None = None,
) -> None:
    """Makes every error of `app` (validation, refusals, unknown routes, failures) problem details,
    and declares the API's security schemes for its OpenAPI document.

    `labels` names the fields in Russian for validation messages; `union_tags` are the values of
    discriminators (they appear in pydantic's error paths but are not fields). `labels_under` gives
    the routes under a path (the template's resource path, e.g. "/api/integration/outages") labels
    of their own, for a resolver whose bodies name one field differently (an outage's `kind` is
    «Вид отключения», a company message's «Вид документа»). Each may be a function returning it,
    called once, when the first refusal needs it.
    """
    gathered = _gathering(labels, union_tags, labels_under or {})
    _LABELS_OF[app] = gathered
    app.configure_openapi(security_schemes=SECURITY_SCHEMES)
    app._request_validation_middleware = _JsonBodiesOnly()  # type: ignore[no-untyped-call]

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid(error: RequestValidationError) -> Response[str]:
        resource = str(app.current_event.resource or "")
        known = gathered()
        own = next((named for path, named in known.under.items() if resource.startswith(path)), None)
        chosen = {**known.labels, **own} if own is not None else known.labels
        problem = validation_problem(error.errors(), chosen, known.union_tags)
        return problem_response(problem.model_copy(update={"request_id": _request_id(app)}))

    @app.exception_handler(RequestUnsupportedContentType)  # type: ignore[untyped-decorator]
    def _not_json(_: RequestUnsupportedContentType) -> Response[str]:
        return problem_response(
            ProblemDetails(
                request_id=_request_id(app),
                title="Неподдерживаемый формат запроса",
                status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                detail="Передайте тело запроса в формате JSON с заголовком Content-Type: application/json.",
            )
        )

    @app.exception_handler(Problem)  # type: ignore[untyped-decorator]
    def _refused(error: Problem) -> Response[str]:
        return problem_response(
            error.details.model_copy(update={"request_id": _request_id(app)}), error.headers
        )

    # A handler per row of the table: Powertools picks the row nearest in the exception's MRO.
    for kind, answer in ERROR_ANSWERS.items():
        app.exception_handler(kind)(_answering(app, answer))

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[str]:
        return problem_response(
            ProblemDetails(
                request_id=_request_id(app),
                title="Не найдено",
                status=HTTPStatus.NOT_FOUND,
                detail="Такого адреса в API нет. Список адресов: /api/docs.",
            )
        )

    @app.exception_handler(ClientError)  # type: ignore[untyped-decorator]
    @app.exception_handler(BotoCoreError)  # type: ignore[untyped-decorator]
    def _aws_failed(error: ClientError | BotoCoreError) -> Response[str]:
        if not is_transient(error):
            return _internal_error(error, _request_id(app))
        logger.warning("AWS unavailable", extra={"error_type": type(error).__name__, "error": str(error)})
        return domain_error_response(
            ServiceUnavailable(), ERROR_ANSWERS[ServiceUnavailable], _request_id(app)
        )

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(error: Exception) -> Response[str]:
        return _internal_error(error, _request_id(app))


def current_caller(app: APIGatewayRestResolver) -> Caller:
    """Who calls, from the authorizer's context: the `sub` of a valid, not ended session and the
    email of the portal's own profile (never a token claim the consumer could rewrite)."""
    authorizer = app.current_event.request_context.authorizer
    user_id, email = authorizer.get("sub"), authorizer.get("email")
    if not user_id or not email:
        # Only reachable when a route is deployed without the authorizer: refuse, never guess.
        raise Problem(HTTPStatus.UNAUTHORIZED, "Требуется вход", "Войдите в личный кабинет.")
    return Caller(user_id=str(user_id), email=str(email))


def rules_beyond_schema(*fields: str) -> dict[str, Any]:
    """OpenAPI: the fields of an operation that have a rule its schema cannot state (the operation's
    description states it), as `x-rules-beyond-schema`: data valid by the schema may still get a 422
    naming one of them. `values.*` stands for every field under `values`. The API fuzz test
    (tests/api/test_api_fuzz.py) accepts such a 422 on these fields and on no others."""
    return {"x-rules-beyond-schema": list(fields)}
