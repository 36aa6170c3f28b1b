"""ASKUE API: routes only; the rules live in `service`."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.askue.connectors import configured_connector
from functions.askue.models import LABELS, FetchOutput, FetchRequest, LatestOutput
from functions.askue.settings import askue_settings
from functions.common import aws
from functions.common.api import (
    CONSUMER_ERROR_RESPONSES,
    CONSUMER_SECURITY,
    PROBLEM_RESPONSE,
    answers,
    configure_resolver,
    current_caller,
    no_content,
    rules_beyond_schema,
)
from functions.common.settings import portal_settings
from functions.common.snapstart import prime
from functions.common.tracing import tracer

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, LABELS)
TAGS = ["АСКУЭ"]

FETCH_ERRORS: dict[int, Any] = {
    **CONSUMER_ERROR_RESPONSES,
    422: {
        "description": "Поля заполнены неверно или АСКУЭ не приняла идентификатор или пароль",
        **PROBLEM_RESPONSE,
    },
    502: {"description": "АСКУЭ вернула некорректные данные (ничего не сохранено)", **PROBLEM_RESPONSE},
    503: {"description": "АСКУЭ недоступна", **PROBLEM_RESPONSE},
    504: {"description": "АСКУЭ не ответила вовремя", **PROBLEM_RESPONSE},
}


@app.post(
    "/api/askue/fetch",
    operation_id="fetchAskueReadings",
    summary="Получить данные из АСКУЭ",
    description="Читает показания всех приборов учёта, подключённых к АСКУЭ, прямо сейчас. С remember=true "
    "идентификатор и пароль (зашифрованный KMS) сохраняются для автоматического обновления по расписанию."
    "\n\nСверх схемы: `login` и `password` должна принять сама АСКУЭ (иначе 422 на поле `password`).",
    openapi_extensions=rules_beyond_schema("login", "password"),
    responses=answers(200, "Данные приборов учёта", FetchOutput, FETCH_ERRORS),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def fetch(request: Annotated[FetchRequest, Body()]) -> FetchOutput:
    from functions.askue import service

    return service.fetch(current_caller(app), request)


@app.get(
    "/api/askue/latest",
    operation_id="getLatestAskueReadings",
    summary="Последние полученные данные АСКУЭ",
    description="Данные последнего получения (по кнопке или по расписанию), их время и состояние сохранённой "
    "связи: none, active или credentials_rejected (АСКУЭ перестала принимать сохранённый пароль).",
    responses=answers(200, "Последние данные и состояние связи", LatestOutput, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def latest() -> LatestOutput:
    from functions.askue import service

    return service.latest(current_caller(app))


@app.delete(
    "/api/askue/link",
    operation_id="forgetAskueLink",
    summary="Забыть идентификатор и пароль АСКУЭ",
    description="Удаляет сохранённые идентификатор и пароль; автоматическое обновление прекращается. "
    "Уже полученные данные остаются.",
    responses=answers(204, "Связь с АСКУЭ удалена", None, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def forget() -> Response[str]:
    from functions.askue import service

    service.forget(current_caller(app))
    return no_content()


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


# SnapStart (template.yaml): what the first requests would load is loaded before the snapshot.
def _load_services() -> None:
    """The rules and stores the routes import when they run (a cold start without a snapshot pays
    them on its first request); with SnapStart, before the snapshot."""
    from functions.askue import service

    del service


prime(app, aws.dynamodb, aws.kms, askue_settings, portal_settings, configured_connector, _load_services)
