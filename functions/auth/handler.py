"""Accounts API: routes only; the rules live in `service`."""

from functools import partial
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth import service
from functions.auth.models import (
    LABELS,
    REGISTRATION_CATEGORIES,
    LoginRequest,
    PasswordChange,
    ProfileOutput,
    RefreshRequest,
    Registration,
    RegistrationAccepted,
    TokensOutput,
)
from functions.common import aws
from functions.common.api import (
    CONSUMER_ERROR_RESPONSES,
    CONSUMER_SECURITY,
    ERROR_RESPONSES,
    PROBLEM_RESPONSE,
    RETRY_AFTER,
    answers,
    configure_resolver,
    current_caller,
    no_content,
)
from functions.common.fields import load_validators
from functions.common.identity import Tokens
from functions.common.mail import MailSettings
from functions.common.settings import load_settings, portal_settings
from functions.common.snapstart import prime

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, LABELS, REGISTRATION_CATEGORIES)
TAGS = ["Учётная запись"]
LOCKED_OUT = {
    429: {"description": "Слишком много неудачных попыток: вход временно заблокирован", **PROBLEM_RESPONSE}
}


def _tokens(tokens: Tokens) -> TokensOutput:
    return TokensOutput(
        id_token=tokens.id_token,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
    )


@app.post(
    "/api/auth/register",
    status_code=HTTPStatus.ACCEPTED,
    summary="Зарегистрировать потребителя",
    description="Принимает регистрацию в очередь: в течение нескольких минут создаётся учётная запись "
    "и на email приходит письмо с паролем. Уже известный email получает тот же ответ 202 (за то же "
    "время) и письмо о том, что адрес зарегистрирован. На один адрес — не больше "
    "`MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час: остальные "
    "регистрации получают тот же ответ 202, но письма не отправляются.",
    responses=answers(
        202,
        "Принято: письмо будет отправлено",
        RegistrationAccepted,
        {
            **ERROR_RESPONSES,
            503: {
                "description": "Очередь писем недоступна, регистрация не принята; повторите через "
                "Retry-After секунд",
                "headers": RETRY_AFTER,
                **PROBLEM_RESPONSE,
            },
        },
    ),
    tags=TAGS,
)
def register(registration: Annotated[Registration, Body()]) -> RegistrationAccepted:
    service.register(registration)
    return RegistrationAccepted()


@app.post(
    "/api/auth/login",
    summary="Войти",
    responses=answers(
        200, "Токены", TokensOutput, {**ERROR_RESPONSES, 401: CONSUMER_ERROR_RESPONSES[401], **LOCKED_OUT}
    ),
    tags=TAGS,
)
def log_in(request: Annotated[LoginRequest, Body()]) -> TokensOutput:
    return _tokens(service.log_in(request))


@app.post(
    "/api/auth/refresh",
    summary="Обновить токены",
    responses=answers(200, "Новые id_token и access_token", TokensOutput, CONSUMER_ERROR_RESPONSES),
    tags=TAGS,
)
def refresh(request: Annotated[RefreshRequest, Body()]) -> TokensOutput:
    return _tokens(service.refresh(request.refresh_token))


@app.post(
    "/api/auth/logout",
    summary="Выйти на всех устройствах",
    responses=answers(204, "Все токены обновления отозваны", None, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def log_out() -> Response[str]:
    service.log_out(current_caller(app))
    return no_content()


@app.get(
    "/api/profile",
    summary="Профиль",
    responses=answers(200, "Профиль потребителя", ProfileOutput, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def get_profile() -> ProfileOutput:
    return service.profile(current_caller(app))


@app.post(
    "/api/profile/password",
    summary="Сменить пароль",
    responses=answers(
        204,
        "Пароль изменён, все сеансы завершены; письмо об этом поставлено в очередь",
        None,
        {**CONSUMER_ERROR_RESPONSES, **LOCKED_OUT},
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def change_password(change: Annotated[PasswordChange, Body()]) -> Response[str]:
    service.change_password(current_caller(app), change)
    return no_content()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


# SnapStart (template.yaml): what the first requests would load is loaded before the snapshot.
prime(
    app,
    aws.cognito,
    aws.dynamodb,
    aws.sqs,
    portal_settings,
    partial(load_settings, MailSettings),
    load_validators,
)
