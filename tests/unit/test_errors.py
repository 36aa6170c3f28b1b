"""Domain exceptions below the handlers, one table of HTTP answers (docs/architecture.md, «Errors»).

Every domain exception the portal defines has a row in functions.common.api.ERROR_ANSWERS, every
resolver the portal builds answers by that table, and each row gives the status and headers it
promises, with the exception's Russian title, detail and fields as problem details.
"""

import ast
import importlib
import json
import pkgutil
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

import functions
from functions.common.api import ERROR_ANSWERS, configure_resolver
from functions.common.errors import (
    CHECK_INPUT,
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
    invalid_field,
)
from functions.common.problems import PROBLEM_KINDS
from infra.lambda_runtime import LambdaContext
from infra.template import ROOT
from tests.unit.conftest import api_event
from tests.unit.test_template import _handler_modules


def _all_modules() -> Iterator[str]:
    for module in pkgutil.walk_packages(functions.__path__, f"{functions.__name__}."):
        yield module.name


def _subclasses(kind: type[DomainError]) -> Iterator[type[DomainError]]:
    for subclass in kind.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _row(kind: type[DomainError]) -> type[DomainError] | None:
    """The class of the table's row that answers `kind`: the nearest in its MRO."""
    return next((base for base in kind.__mro__ if base in ERROR_ANSWERS), None)


def test_every_domain_exception_under_functions_has_a_row_in_the_table() -> None:
    for name in _all_modules():
        importlib.import_module(name)
    kinds = [kind for kind in _subclasses(DomainError) if kind.__module__.startswith("functions.")]

    assert DomainError not in ERROR_ANSWERS  # a row for the base would answer every kind alike
    assert set(ERROR_ANSWERS) <= set(kinds)
    for kind in kinds:
        assert _row(kind) is not None, f"{kind.__module__}.{kind.__qualname__} has no row in ERROR_ANSWERS"


def test_every_resolver_the_portal_builds_answers_by_the_table() -> None:
    for module in _handler_modules() - {"functions.docs.handler"}:
        lookup = importlib.import_module(module).app.exception_handler_manager.lookup_exception_handler
        for kind in ERROR_ANSWERS:
            assert lookup(kind) not in (None, lookup(Exception)), (module, kind)
            assert lookup(kind) is not lookup(DomainError), (module, kind)


# Where HTTP is spoken: the routes, and the one resolver setup with its error format.
# snapstart.py takes a handler's resolver to build its routes' models before Lambda's snapshot;
# docs/document.py merges the resolvers' OpenAPI documents into the API's (`make openapi`).
# The integration's routes are split: support.py and outage_routes.py (support's and the outages'
# routes, Routers its handler includes), access.py and replays.py (what every integration route
# shares: the caller, its headers, its OpenAPI pieces), labels.py (its resolver's setup, the fields'
# labels gathered at the first refusal).
SPEAKS_HTTP = {
    "functions/common/api.py",
    "functions/common/problems.py",
    "functions/common/snapstart.py",
    "functions/docs/document.py",
    "functions/integration/support.py",
    "functions/integration/outage_routes.py",
    "functions/integration/access.py",
    "functions/integration/labels.py",
    "functions/integration/replays.py",
}
HTTP_MODULES = {
    "http",
    "functions.common.api",
    "functions.common.problems",
    "aws_lambda_powertools.event_handler",
}


def _imported(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_below_the_handlers_nothing_speaks_http() -> None:
    for path in sorted((ROOT / "functions").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if path.name == "handler.py" or name in SPEAKS_HTTP:
            continue
        spoken = {
            module
            for module in _imported(ast.parse(path.read_text(encoding="utf-8")))
            if any(module == http or module.startswith(f"{http}.") for http in HTTP_MODULES)
        }
        assert not spoken, f"{name} imports {sorted(spoken)}: raise a functions.common.errors kind instead"


# ---------------------------------------------------------------- each row's answer

FIELD = [FieldError(field="status", message="Заявка закрыта.")]

# (the exception raised below the route, the status and the headers the API answers with)
ROWS: list[tuple[DomainError, HTTPStatus, dict[str, str]]] = [
    (invalid_field("meter_number", "Номер прибора неверен."), HTTPStatus.UNPROCESSABLE_ENTITY, {}),
    (NotFound("Заявка не найдена."), HTTPStatus.NOT_FOUND, {}),
    (Conflict("Переход статуса запрещён", "Заявка закрыта.", FIELD), HTTPStatus.CONFLICT, {}),
    (Unauthorized("Сессия завершена", "Войдите снова."), HTTPStatus.UNAUTHORIZED, {}),
    (
        PreconditionFailed("Статус заявки изменился", "Заявка уже в другом статусе.", FIELD),
        HTTPStatus.PRECONDITION_FAILED,
        {},
    ),
    (Expired("Изменения удалены", "Курсор старше 14 дней."), HTTPStatus.GONE, {}),
    (
        TooManyAttempts("Слишком много писем", "Повторите через 40 мин.", retry_after=2400),
        HTTPStatus.TOO_MANY_REQUESTS,
        {"Retry-After": "2400"},
    ),
    (TooManyAttempts("Вход временно заблокирован", "Подождите."), HTTPStatus.TOO_MANY_REQUESTS, {}),
    (
        TryLater("Заявка не зарегистрирована", "Повторите через минуту.", retry_after=60),
        HTTPStatus.SERVICE_UNAVAILABLE,
        {"Retry-After": "60"},
    ),
    (TryLater("АСКУЭ недоступна", "Нет связи с АСКУЭ."), HTTPStatus.SERVICE_UNAVAILABLE, {}),
    (ServiceUnavailable(), HTTPStatus.SERVICE_UNAVAILABLE, {"Retry-After": "60"}),
    (ExternalBadData("АСКУЭ вернула некорректные данные", "Не прочитан."), HTTPStatus.BAD_GATEWAY, {}),
    (ExternalTimeout("АСКУЭ недоступна", "Не ответила вовремя."), HTTPStatus.GATEWAY_TIMEOUT, {}),
]


def _answer(error: Exception) -> dict[str, Any]:
    app = APIGatewayRestResolver(enable_validation=True)
    configure_resolver(app, {})

    @app.get("/api/refused")
    def refused() -> None:
        raise error

    return app.resolve(api_event("GET", "/api/refused"), LambdaContext("test"))


def test_the_rows_below_are_every_row_of_the_table() -> None:
    assert {_row(type(error)) for error, _, _ in ROWS} == set(ERROR_ANSWERS)


@pytest.mark.parametrize(
    ("error", "status", "headers"), ROWS, ids=[f"{type(e).__name__}-{s.value}-{len(h)}" for e, s, h in ROWS]
)
def test_each_row_answers_with_its_status_and_headers(
    error: DomainError, status: HTTPStatus, headers: dict[str, str]
) -> None:
    answer = _answer(error)

    assert answer["statusCode"] == status
    sent = {name: values for name, values in answer["multiValueHeaders"].items() if name != "Content-Type"}
    assert sent == {name: [value] for name, value in headers.items()}
    assert answer["multiValueHeaders"]["Content-Type"] == ["application/problem+json"]
    code = error.code or ERROR_ANSWERS[_row(type(error))].code
    assert json.loads(answer["body"]) == {
        "type": f"/api/problems/{code}",
        "code": code,
        "title": error.title,
        "status": status,
        "detail": error.detail,
        "request_id": "test-request",
        "errors": [e.model_dump() for e in error.errors],
    }
    assert code in PROBLEM_KINDS and PROBLEM_KINDS[code][0] == status


def test_a_domain_s_own_subclass_is_answered_by_its_kind_s_row() -> None:
    class MeterTaken(Conflict):
        pass

    answer = _answer(MeterTaken("Прибор занят", "Прибор учёта уже зарегистрирован."))

    assert answer["statusCode"] == HTTPStatus.CONFLICT
    assert json.loads(answer["body"])["title"] == "Прибор занят"


def test_one_field_refusal_names_the_field_with_the_message_as_detail() -> None:
    refused = invalid_field("cursor", "Курсор неверен.")

    assert isinstance(refused, InvalidInput)
    assert (refused.title, refused.detail) == (CHECK_INPUT, "Курсор неверен.")
    assert refused.errors == [FieldError(field="cursor", message="Курсор неверен.")]


def _aws_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "-"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


@pytest.mark.parametrize(
    "error",
    [
        _aws_error("ProvisionedThroughputExceededException", 400),
        _aws_error("TooManyRequestsException", 400),
        _aws_error("ThrottlingException", 400),
        _aws_error("InternalServerError", 500),
        _aws_error("ServiceUnavailable", 503),
        ReadTimeoutError(endpoint_url="https://dynamodb.eu-central-1.amazonaws.com/"),
        ConnectTimeoutError(endpoint_url="https://dynamodb.eu-central-1.amazonaws.com/"),
        EndpointConnectionError(endpoint_url="https://dynamodb.eu-central-1.amazonaws.com/"),
    ],
    ids=lambda e: e.response["Error"]["Code"] if isinstance(e, ClientError) else type(e).__name__,
)
def test_an_aws_call_failing_after_the_sdk_s_retries_is_a_russian_503_with_retry_after(
    error: Exception,
) -> None:
    answer = _answer(error)

    assert answer["statusCode"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert answer["multiValueHeaders"]["Retry-After"] == ["60"]
    assert json.loads(answer["body"])["title"] == "Сервис временно недоступен"
    assert "Повторите через минуту" in json.loads(answer["body"])["detail"]


def test_an_aws_refusal_that_a_retry_would_not_change_is_still_a_500() -> None:
    answer = _answer(_aws_error("ValidationException", 400))

    assert answer["statusCode"] == HTTPStatus.INTERNAL_SERVER_ERROR
