"""The one resolver setup every domain uses: validation, error handlers, caller identity.

A domain's `handler.py` makes `app = APIGatewayRestResolver(enable_validation=True)` (written out,
so that Powertools' OpenAPI merge finds it), calls `configure_resolver(app, labels)` and
declares its routes; everything that goes wrong below a route ends here as problem details.
"""

from collections.abc import Mapping
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
from pydantic import BaseModel

from functions.common.problems import (
    PROBLEM_CONTENT_TYPE,
    Problem,
    ProblemDetails,
    validation_problem,
)

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
        "description": "Ключ интеграции API Gateway",
    },
}
CONSUMER_SECURITY: list[dict[str, list[str]]] = [{"cognito": []}]
INTEGRATION_SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}]

# OpenAPI: the error answers a route may give, all in the problem details format.
PROBLEM_RESPONSE: dict[str, Any] = {"content": {PROBLEM_CONTENT_TYPE: {"model": ProblemDetails}}}
ERROR_RESPONSES: dict[int, Any] = {
    400: {"description": "Тело запроса не JSON", **PROBLEM_RESPONSE},
    415: {"description": "Тело запроса передано не как application/json", **PROBLEM_RESPONSE},
    422: {"description": "Поля заполнены неверно", **PROBLEM_RESPONSE},
}
# OpenAPI: the header of a 429 or 503 that says when to try again.
RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {"description": "Через сколько секунд повторить запрос", "schema": {"type": "integer"}}
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


def problem_response(details: ProblemDetails, headers: Mapping[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=details.status,
        content_type=PROBLEM_CONTENT_TYPE,
        body=details.model_dump_json(),
        headers=dict(headers or {}),
    )


def json_response(status: HTTPStatus, body: BaseModel) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=body.model_dump_json())


def no_content() -> Response[str]:
    return Response(status_code=HTTPStatus.NO_CONTENT, body="")


class _JsonBodiesOnly(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading a body only when it is sent as JSON.

    Powertools would also read forms and multipart (and fail on a multipart without a boundary);
    the API speaks JSON, so anything else is refused (415) before the body is read, and a body that
    is not UTF-8 is a 400 like any other body that is not JSON.
    """

    def _get_body(self, app: Any) -> dict[str, Any]:
        content_type = str(app.current_event.headers.get("content-type") or "").strip()
        if content_type and content_type.split(";")[0].strip().lower() != "application/json":
            raise RequestUnsupportedContentType("Unsupported content type", errors=[])
        try:
            body: dict[str, Any] = super()._get_body(app)
        except UnicodeDecodeError as error:  # bytes that are not UTF-8 are not JSON either
            raise RequestValidationError(
                [{"type": "json_invalid", "loc": ("body",), "msg": "not UTF-8", "input": {}, "ctx": {}}]
            ) from error
        return body


def configure_resolver(
    app: APIGatewayRestResolver, labels: Mapping[str, str], union_tags: frozenset[str] = frozenset()
) -> None:
    """Makes every error of `app` (validation, refusals, unknown routes, failures) problem details,
    and declares the API's security schemes for its OpenAPI document.

    `labels` names the fields in Russian for validation messages; `union_tags` are the values of
    discriminators (they appear in pydantic's error paths but are not fields).
    """
    app.configure_openapi(security_schemes=SECURITY_SCHEMES)
    app._request_validation_middleware = _JsonBodiesOnly()  # type: ignore[no-untyped-call]

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid(error: RequestValidationError) -> Response[str]:
        return problem_response(validation_problem(error.errors(), labels, union_tags))

    @app.exception_handler(RequestUnsupportedContentType)  # type: ignore[untyped-decorator]
    def _not_json(_: RequestUnsupportedContentType) -> Response[str]:
        return problem_response(
            ProblemDetails(
                title="Неподдерживаемый формат запроса",
                status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                detail="Передайте тело запроса в формате JSON с заголовком Content-Type: application/json.",
            )
        )

    @app.exception_handler(Problem)  # type: ignore[untyped-decorator]
    def _refused(error: Problem) -> Response[str]:
        return problem_response(error.details, error.headers)

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[str]:
        return problem_response(
            ProblemDetails(
                title="Не найдено",
                status=HTTPStatus.NOT_FOUND,
                detail="Такого адреса в API нет. Список адресов: /api/docs.",
            )
        )

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _failed(error: Exception) -> Response[str]:
        # The trace goes to the log only; the client learns nothing of the internals.
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        return problem_response(
            ProblemDetails(
                title="Внутренняя ошибка",
                status=HTTPStatus.INTERNAL_SERVER_ERROR,
                detail="Не удалось выполнить запрос. Повторите попытку позже или обратитесь в поддержку.",
            )
        )


class Caller(BaseModel):
    """The consumer API Gateway's Cognito authorizer let through."""

    user_id: str
    email: str


def current_caller(app: APIGatewayRestResolver) -> Caller:
    claims: dict[str, Any] = app.current_event.request_context.authorizer.claims or {}
    if not claims.get("sub"):
        # Only reachable when a route is deployed without the authorizer: refuse, never guess.
        raise Problem(HTTPStatus.UNAUTHORIZED, "Требуется вход", "Войдите в личный кабинет.")
    return Caller(user_id=str(claims["sub"]), email=str(claims.get("email", "")))
