"""Routes for the company's systems (CRM, billing, support), guarded by the API key."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.api import (
    ERROR_RESPONSES,
    INTEGRATION_SECURITY,
    PROBLEM_RESPONSE,
    answers,
    configure_resolver,
)
from functions.integration import service
from functions.integration.models import LABELS, PasswordReset, PasswordResetDone

logger = Logger(service="integration")
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, LABELS)
TAGS = ["Интеграция"]


@app.post(
    "/api/integration/users/reset-password",
    summary="Сбросить пароль потребителя (служба поддержки)",
    description="Задаёт новый случайный пароль, завершает все сеансы и отправляет пароль потребителю.",
    responses=answers(
        200,
        "Пароль сброшен и отправлен",
        PasswordResetDone,
        {
            **ERROR_RESPONSES,
            403: {"description": "Нет ключа интеграции или он неверен", **PROBLEM_RESPONSE},
            404: {"description": "Такой email не зарегистрирован", **PROBLEM_RESPONSE},
        },
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def reset_password(request: Annotated[PasswordReset, Body()]) -> PasswordResetDone:
    service.reset_password(request.email)
    return PasswordResetDone()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
