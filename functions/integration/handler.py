"""Routes for the company's systems (CRM, billing, support), guarded by the API key.

Each route imports the service it calls when it runs: the import of this module (every cold start,
without SnapStart: machines retry) builds only the models of the routes' signatures, not every
domain's rules and stores (benchmarks/coldstart.py).
"""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.api import (
    ERROR_RESPONSES,
    INTEGRATION_SECURITY,
    PROBLEM_RESPONSE,
    RETRY_AFTER,
    answers,
    configure_resolver,
    json_response,
    rules_beyond_schema,
)
from functions.common.cursor import CURSOR_SCHEMA, MAX_CURSOR_LENGTH
from functions.common.errors import invalid_field
from functions.integration.models import LABELS, DateTimeWithZone, PasswordReset, PasswordResetAccepted
from functions.objects.models import INTEGRATION_LABELS as OBJECT_LABELS
from functions.objects.models import IntegrationObject, IntegrationObjectList, ObjectChange
from functions.outages.models import LABELS as OUTAGE_LABELS
from functions.outages.models import Outage, OutageChange, OutagePublication
from functions.requests.inputs import CompanyMessage, StatusChange, UploadRequest, integration_actor
from functions.requests.integration_views import (
    IntegrationMessage,
    IntegrationPage,
    IntegrationRequest,
    IntegrationRequestThread,
)
from functions.requests.outputs import UploadForm
from functions.requests.registry import RequestStatus
from functions.requests.stage_mark_input import StageMarkRequest

logger = Logger()
# X-Ray (Tracing: Active); off outside Lambda. Answers hold tokens: never put in a trace.
tracer = Tracer()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, {**LABELS, **OBJECT_LABELS}, labels_under={"/api/integration/outages": OUTAGE_LABELS})
TAGS = ["Интеграция"]
FORBIDDEN = {403: {"description": "Нет ключа интеграции или он неверен", **PROBLEM_RESPONSE}}


@app.post(
    "/api/integration/users/reset-password",
    status_code=HTTPStatus.ACCEPTED,
    summary="Сбросить пароль потребителя (служба поддержки)",
    description="Ставит сброс в очередь: в течение нескольких минут потребителю будет задан новый "
    "случайный пароль, все сеансы завершены, а пароль отправлен на email. На один адрес — не больше "
    "`MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час."
    "\n\nСверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator).",
    openapi_extensions=rules_beyond_schema("email"),
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
    from functions.integration import service

    service.reset_password(request.email)
    return PasswordResetAccepted()


@app.get(
    "/api/integration/requests",
    summary="Заявки в статусе или ждущие ответа",
    description="Заявки, перешедшие в статус `status` не раньше `since` (ISO 8601), в порядке перехода. "
    "Чтобы забирать новые заявки, запрашивайте `status=registered` с `since` — временем прошлого опроса; "
    "отозванные потребителями — `status=withdrawn`. С `unanswered=true` (без `status`) — заявки, где "
    "потребитель написал и компания ещё не ответила, начиная с дольше всех ждущих (`since` — не раньше "
    "этого времени первого неотвеченного сообщения). Нужен ровно один из `status` и `unanswered=true`. "
    "Следующая страница — `?cursor=` из ответа.\n\nСверх схемы: нужен ровно один из `status` и "
    "`unanswered=true`; `cursor` — только тот, что выдан этим API для того же запроса.",
    openapi_extensions=rules_beyond_schema("status", "cursor"),
    responses=answers(200, "Страница заявок", IntegrationPage, {**ERROR_RESPONSES, **FORBIDDEN}),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def list_requests(
    status: Annotated[RequestStatus | None, Query()] = None,
    unanswered: Annotated[
        bool, Query(description="true — только заявки с неотвеченным сообщением потребителя")
    ] = False,
    since: Annotated[DateTimeWithZone | None, Query()] = None,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_LENGTH, json_schema_extra=CURSOR_SCHEMA)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> IntegrationPage:
    from functions.requests import presentation

    if unanswered:
        if status is not None:
            raise invalid_field("status", "С unanswered=true статус не указывают: выберите одно из двух.")
        return presentation.list_awaiting_answer(since, cursor, limit)
    if status is None:
        raise invalid_field("status", "Заполните поле «Статус» или укажите unanswered=true.")
    return presentation.list_for_integration(status, since, cursor, limit)


@app.get(
    "/api/integration/requests/<id>",
    summary="Заявка с перепиской",
    description="Заявка, её история и вся переписка (сообщения потребителя и компании, документы с видом); "
    "ссылки на файлы действуют 5 минут.",
    responses=answers(
        200,
        "Заявка",
        IntegrationRequestThread,
        {**ERROR_RESPONSES, **FORBIDDEN, 404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE}},
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def request_with_thread(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
) -> IntegrationRequestThread:
    from functions.requests import conversation

    return conversation.integration_request(id)


@app.post(
    "/api/integration/uploads",
    summary="Получить форму загрузки документа",
    description="Presigned POST, как у потребителя: `fields` и файл (поле `file`) отправляют в S3 по "
    "адресу `url` в течение 10 минут; PDF, JPEG, PNG или TIFF, не больше 10 МБ. Полученный `key` "
    "передают в `attachments` сообщения компании."
    "\n\nСверх схемы: `filename` оканчивается расширением типа `content_type` (.pdf; .jpg или .jpeg; "
    ".png; .tif или .tiff).",
    openapi_extensions=rules_beyond_schema("filename"),
    responses=answers(200, "Форма загрузки", UploadForm, {**ERROR_RESPONSES, **FORBIDDEN}),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def prepare_upload(upload: Annotated[UploadRequest, Body()]) -> UploadForm:
    from functions.requests import uploads

    return uploads.prepare_upload(uploads.COMPANY_OWNER, upload)


@app.post(
    "/api/integration/requests/<id>/messages",
    summary="Написать потребителю или отправить документ",
    description="Сообщение компании по заявке в любом статусе: текст, документ (файлы с видом `kind`: "
    "«Технические условия», «Проект договора / условия договора», «Счёт», «Акт», «Акт об осуществлении "
    "технологического присоединения», «Уведомление об обеспечении возможности присоединения», «Акт допуска "
    "прибора учёта в эксплуатацию», «Другое») или и то и другое. Вид обязателен с "
    "файлами и не указывается без них. Сообщение отвечает на неотвеченные сообщения потребителя; "
    "потребителю уходит письмо со ссылкой на заявку. Заголовок `Idempotency-Key` обязателен: повтор с "
    "тем же ключом и теми же данными возвращает то же сообщение, с другими — 422."
    "\n\nСверх схемы: нужен текст или хотя бы один файл; `kind` указывают только с файлами и обязательно "
    "с ними; `attachments` — ключи файлов, загруженных через /api/integration/uploads; `Idempotency-Key` "
    "обязателен.",
    openapi_extensions=rules_beyond_schema("text", "kind", "attachments", "attachments.*", "Idempotency-Key"),
    responses=answers(
        201,
        "Сообщение отправлено",
        IntegrationMessage,
        {**ERROR_RESPONSES, **FORBIDDEN, 404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE}},
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def post_message(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    message: Annotated[CompanyMessage, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="idempotency-key", description="Уникальная строка на каждое новое сообщение")
    ] = None,
) -> Response[str]:
    from functions.requests import conversation

    identity = app.current_event.request_context.identity
    sent = conversation.post_company_message(
        id, message, idempotency_key, integration_actor(identity.api_key_id)
    )
    return json_response(HTTPStatus.CREATED, sent)


@app.patch(
    "/api/integration/requests/<id>",
    summary="Изменить статус заявки",
    description="Переводит заявку в новый статус по правилам, сохраняет изменение в истории и "
    "отправляет потребителю письмо.\n\nСверх схемы: для «Отклонена» (`rejected`) и «Требуются "
    "уточнения» (`needs_info`) комментарий `comment` обязателен.",
    openapi_extensions=rules_beyond_schema("comment"),
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
    from functions.requests import transitions

    identity = app.current_event.request_context.identity
    return transitions.change_status(id, change, integration_actor(identity.api_key_id))


@app.post(
    "/api/integration/requests/<id>/stages",
    summary="Отметить этап технологического присоединения",
    description="Отмечает выполненным этап заявки на технологическое присоединение (ПП № 861): "
    "`stage` — код из `procedure.stages[].code`, `completed_on` — день выполнения (по умолчанию сегодня), "
    "`message` — комментарий для потребителя. Этапы отмечают по порядку; биллинг так же отмечает оплату "
    "счёта (`invoice_paid`). Отметка сохраняется в истории, потребителю уходит письмо с тем, что дальше и "
    "до какого срока, публикуется событие portal.request.stage.completed.v1."
    "\n\nСверх схемы: этап не по порядку, уже отмеченный или на закрытой заявке — 409 с этапом, который "
    "должен быть раньше; `completed_on` не раньше дня подачи заявки.",
    openapi_extensions=rules_beyond_schema("stage", "completed_on"),
    responses=answers(
        200,
        "Заявка после отметки",
        IntegrationRequest,
        {
            **ERROR_RESPONSES,
            **FORBIDDEN,
            404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE},
            409: {"description": "Этап не по порядку, уже отмечен, или заявка закрыта", **PROBLEM_RESPONSE},
        },
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def mark_stage(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    mark: Annotated[StageMarkRequest, Body()],
) -> IntegrationRequest:
    from functions.requests import stage_marks

    identity = app.current_event.request_context.identity
    return stage_marks.mark_stage(id, mark, integration_actor(identity.api_key_id))


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
    from functions.objects import service as objects

    return objects.to_confirm()


@app.patch(
    "/api/integration/objects/<id>",
    summary="Подтвердить лицевой счёт объекта, отметить приборы учёта ИСУ",
    description="confirmed = true — лицевой счёт объекта сверен с биллингом (потребитель видит его "
    "подтверждённым); false — снять подтверждение (объект снова в списке на сверку). isu_meters — "
    "приборы учёта объекта, которые опрашивает интеллектуальная система учёта сетевой компании: "
    "ручной ввод их показаний потребителю не доступен (один источник показаний). Сверх схемы: "
    "номера isu_meters должны быть приборами учёта этого объекта; нужен confirmed или isu_meters.",
    openapi_extensions=rules_beyond_schema("confirmed", "isu_meters", "isu_meters.*"),
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
    change: Annotated[ObjectChange, Body()],
) -> IntegrationObject:
    from functions.integration import service

    return service.change_object(id, change)


_OUTAGE_NOT_FOUND = {404: {"description": "Отключение не найдено", **PROBLEM_RESPONSE}}


@app.post(
    "/api/integration/outages",
    summary="Опубликовать отключение",
    description="Плановое (planned) или аварийное (emergency) отключение по адресам: населённый пункт, "
    "улица (если есть) и дома — номера и диапазоны «1-15, 17, 21а» (пусто — вся улица). Для аварийного "
    "ends_at — ожидаемое время восстановления. Отключение сразу видно всем (GET /api/outages) и "
    "потребителям, чьи объекты по этим адресам (GET /api/outages/mine); о плановом им приходит письмо "
    "накануне (или сразу, если до начала меньше суток). Заголовок `Idempotency-Key` обязателен: повтор "
    "с тем же ключом и теми же данными возвращает то же отключение, с другими — 422."
    "\n\nСверх схемы: `addresses.*.houses` — номера и диапазоны домов от меньшего к большему; "
    "`ends_at` позже `starts_at`; `Idempotency-Key` обязателен.",
    openapi_extensions=rules_beyond_schema("addresses.*", "ends_at", "Idempotency-Key"),
    responses=answers(
        201,
        "Отключение опубликовано",
        Outage,
        {**ERROR_RESPONSES, **FORBIDDEN},
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def publish_outage(
    publication: Annotated[OutagePublication, Body()],
    idempotency_key: Annotated[
        str | None,
        Header(alias="idempotency-key", description="Уникальная строка на каждое новое отключение"),
    ] = None,
) -> Response[str]:
    from functions.outages import service as outages

    identity = app.current_event.request_context.identity
    outage = outages.publish(integration_actor(identity.api_key_id), idempotency_key, publication)
    return json_response(HTTPStatus.CREATED, outage)


@app.patch(
    "/api/integration/outages/<id>",
    summary="Изменить время или причину отключения",
    description="Переносит начало или окончание (для аварийного — ожидаемое время восстановления) или "
    "меняет причину. Потребителям, чьи объекты затронуты аварийным отключением, приходит письмо о новом "
    "времени восстановления.\n\nСверх схемы: указано хотя бы одно поле; окончание позже начала.",
    openapi_extensions=rules_beyond_schema("ends_at"),
    responses=answers(
        200,
        "Отключение после изменения",
        Outage,
        {
            **ERROR_RESPONSES,
            **FORBIDDEN,
            **_OUTAGE_NOT_FOUND,
            409: {"description": "Отключение отозвано", **PROBLEM_RESPONSE},
        },
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def change_outage(
    id: Annotated[str, Path(max_length=64, description="id отключения")],
    change: Annotated[OutageChange, Body()],
) -> Outage:
    from functions.outages import service as outages

    return outages.change(id, change)


@app.delete(
    "/api/integration/outages/<id>",
    summary="Отозвать отключение",
    description="Отключение больше не показывается ни на странице «Отключения», ни потребителям. Повтор "
    "ничего не меняет.",
    responses=answers(
        200, "Отозванное отключение", Outage, {**ERROR_RESPONSES, **FORBIDDEN, **_OUTAGE_NOT_FOUND}
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def withdraw_outage(id: Annotated[str, Path(max_length=64, description="id отключения")]) -> Outage:
    from functions.outages import service as outages

    return outages.withdraw(id)


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
