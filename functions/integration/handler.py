"""Routes for the company's systems (CRM, billing, support), guarded by the API key."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.api import (
    ERROR_RESPONSES,
    INTEGRATION_SECURITY,
    PROBLEM_RESPONSE,
    RETRY_AFTER,
    answers,
    configure_resolver,
)
from functions.common.cursor import MAX_CURSOR_LENGTH
from functions.integration import service
from functions.integration.models import LABELS, DateTimeWithZone, PasswordReset, PasswordResetAccepted
from functions.objects import service as objects
from functions.objects.models import INTEGRATION_LABELS as OBJECT_LABELS
from functions.objects.models import AccountConfirmation, IntegrationObject, IntegrationObjectList
from functions.requests import presentation, transitions
from functions.requests.models import (
    IntegrationPage,
    IntegrationRequest,
    RequestStatus,
    StatusChange,
    integration_actor,
)

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, {**LABELS, **OBJECT_LABELS})
TAGS = ["Интеграция"]
FORBIDDEN = {403: {"description": "Нет ключа интеграции или он неверен", **PROBLEM_RESPONSE}}


@app.post(
    "/api/integration/users/reset-password",
    status_code=HTTPStatus.ACCEPTED,
    summary="Сбросить пароль потребителя (служба поддержки)",
    description="Ставит сброс в очередь: в течение нескольких минут потребителю будет задан новый "
    "случайный пароль, все сеансы завершены, а пароль отправлен на email. На один адрес — не больше "
    "`MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час.",
    responses=answers(
        202,
        "Сброс принят: письмо с новым паролем будет отправлено",
        PasswordResetAccepted,
        {
            **ERROR_RESPONSES,
            **FORBIDDEN,
            404: {"description": "Такой email не зарегистрирован", **PROBLEM_RESPONSE},
            429: {
                "description": "Лимит писем на этот адрес в этот час исчерпан; заголовок Retry-After — "
                "через сколько секунд повторить",
                "headers": RETRY_AFTER,
                **PROBLEM_RESPONSE,
            },
            503: {
                "description": "Очередь писем недоступна, пароль не изменён; повторите через "
                "Retry-After секунд",
                "headers": RETRY_AFTER,
                **PROBLEM_RESPONSE,
            },
        },
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def reset_password(request: Annotated[PasswordReset, Body()]) -> PasswordResetAccepted:
    service.reset_password(request.email)
    return PasswordResetAccepted()


@app.get(
    "/api/integration/requests",
    summary="Заявки в статусе",
    description="Заявки, перешедшие в статус `status` не раньше `since` (ISO 8601), в порядке перехода. "
    "Чтобы забирать новые заявки, запрашивайте `status=registered` с `since` — временем прошлого опроса; "
    "следующая страница — `?cursor=` из ответа.",
    responses=answers(200, "Страница заявок", IntegrationPage, {**ERROR_RESPONSES, **FORBIDDEN}),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def list_requests(
    status: Annotated[RequestStatus, Query()],
    since: Annotated[DateTimeWithZone | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> IntegrationPage:
    return presentation.list_for_integration(status, since, cursor, limit)


@app.patch(
    "/api/integration/requests/<id>",
    summary="Изменить статус заявки",
    description="Переводит заявку в новый статус по правилам, сохраняет изменение в истории и "
    "отправляет потребителю письмо. Для «Отклонена» и «Требуются уточнения» комментарий обязателен.",
    responses=answers(
        200,
        "Заявка после изменения",
        IntegrationRequest,
        {
            **ERROR_RESPONSES,
            **FORBIDDEN,
            404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE},
            409: {"description": "Переход из текущего статуса запрещён", **PROBLEM_RESPONSE},
        },
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def change_status(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    change: Annotated[StatusChange, Body()],
) -> IntegrationRequest:
    identity = app.current_event.request_context.identity
    return transitions.change_status(id, change, integration_actor(identity.api_key_id))


@app.get(
    "/api/integration/objects",
    summary="Объекты с неподтверждённым лицевым счётом",
    description="До 100 объектов потребителей, чей лицевой счёт ещё не сверен с биллингом, старые "
    "сначала. Подтверждённые уходят из списка.",
    responses=answers(200, "Объекты", IntegrationObjectList, {**ERROR_RESPONSES, **FORBIDDEN}),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def list_objects_to_confirm() -> IntegrationObjectList:
    return objects.to_confirm()


@app.patch(
    "/api/integration/objects/<id>",
    summary="Подтвердить лицевой счёт объекта",
    description="confirmed = true — лицевой счёт объекта сверен с биллингом (потребитель видит его "
    "подтверждённым); false — снять подтверждение (объект снова в списке на сверку).",
    responses=answers(
        200,
        "Объект после изменения",
        IntegrationObject,
        {**ERROR_RESPONSES, **FORBIDDEN, 404: {"description": "Объект не найден", **PROBLEM_RESPONSE}},
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def confirm_object_account(
    id: Annotated[str, Path(max_length=64, description="id объекта")],
    change: Annotated[AccountConfirmation, Body()],
) -> IntegrationObject:
    return objects.confirm_account(id, change)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
