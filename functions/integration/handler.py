"""Routes for the company's systems (CRM, billing, support): each an integrator with a key of its
own and scopes (functions/common/integrators.py), let in by the integrator authorizer."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.api import (
    ERROR_RESPONSES,
    INTEGRATION_SECURITY,
    PROBLEM_RESPONSE,
    RETRY_AFTER,
    answers_later,
    replayable,
    rules_beyond_schema,
)
from functions.common.claims import answer_action, once, write_claim
from functions.common.cursor import CURSOR_SCHEMA, MAX_CURSOR_LENGTH
from functions.common.errors import invalid_field
from functions.common.lazy import lazy_module
from functions.common.tracing import tracer
from functions.integration import labels
from functions.integration.access import FORBIDDEN, TAGS, IfMatch, actor, log_read, with_etag
from functions.integration.outage_routes import router as outages_router
from functions.integration.replays import IdempotencyKey, with_replayed_header
from functions.integration.support import router as support_router
from functions.requests.vocabulary import RequestStatus

# The routes' models, built when a route first needs them, not at every cold start: these modules
# are named only inside functions, annotations and `lambda:` (functions/common/lazy.py).
if TYPE_CHECKING:
    from functions.integration import consumers, feed, models, readings
    from functions.objects import models as objects
    from functions.requests import inputs, integration_views, outputs, stage_mark_input
else:
    consumers = lazy_module("functions.integration.consumers")
    feed = lazy_module("functions.integration.feed")
    models = lazy_module("functions.integration.models")
    readings = lazy_module("functions.integration.readings")
    objects = lazy_module("functions.objects.models")
    inputs = lazy_module("functions.requests.inputs")
    integration_views = lazy_module("functions.requests.integration_views")
    outputs = lazy_module("functions.requests.outputs")
    stage_mark_input = lazy_module("functions.requests.stage_mark_input")

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
labels.configure(app)
# Support's actions on a consumer's account, and the outages: modules of their own.
app.include_router(support_router)
app.include_router(outages_router)


@app.post(
    "/api/integration/users/reset-password",
    operation_id="resetConsumerPassword",
    status_code=HTTPStatus.ACCEPTED,
    summary="Сбросить пароль потребителя (служба поддержки)",
    description="Ставит сброс в очередь: в течение нескольких минут потребителю будет задан новый "
    "случайный пароль, все сеансы завершены, а пароль отправлен на email. На один адрес — не больше "
    "`MailsPerAddressPerHour` (по умолчанию 3) писем о регистрации и сбросе пароля в час."
    "\n\nСверх схемы: `email` проверяется по правилам адресов почты (RFC 5321, email-validator); "
    "`Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:, тот же ключ — только с тем же адресом.",
    openapi_extensions=rules_beyond_schema("email", "Idempotency-Key"),
    responses=with_replayed_header(
        answers_later(
            202,
            "Сброс принят: письмо с новым паролем будет отправлено",
            lambda: models.PasswordResetAccepted,
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
        202,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def reset_password(
    request: Annotated[models.PasswordReset, Body()], idempotency_key: IdempotencyKey = None
) -> Response[str]:
    """With an Idempotency-Key a retry never spends another mail:
    the key's answer is recorded in the reset's own transaction."""
    from functions.integration import service

    claim = write_claim(_actor(), idempotency_key, "reset-password", request.email.casefold(), request)
    accepted = models.PasswordResetAccepted()

    def run() -> models.PasswordResetAccepted:

        service.reset_password(request.email, [answer_action(claim, accepted)] if claim else [])
        return accepted

    done = once(claim, models.PasswordResetAccepted, run)
    return replayable(HTTPStatus.ACCEPTED, done.answer, done.replayed)


@app.get(
    "/api/integration/requests",
    operation_id="listRequests",
    summary="Заявки в статусе или ждущие ответа",
    description="Заявки, перешедшие в статус `status` не раньше `since` (ISO 8601), в порядке перехода "
    "(`status_changed_at`). Это снимок для сверки, а не способ узнавать о новом: список читает индекс, "
    "который DynamoDB обновляет с задержкой, и заявка, попавшая в него позже опроса, будет пропущена. "
    "Чтобы не пропустить ни одного изменения, читайте ленту GET /api/integration/changes с курсором. "
    "С `unanswered=true` (без `status`) — заявки, где "
    "потребитель написал и компания ещё не ответила, начиная с дольше всех ждущих (`since` — не раньше "
    "этого времени первого неотвеченного сообщения). Нужен ровно один из `status` и `unanswered=true`. "
    "Следующая страница — `?cursor=` из ответа.\n\nСверх схемы: нужен ровно один из `status` и "
    "`unanswered=true`; `cursor` — только тот, что выдан этим API для того же запроса.",
    openapi_extensions=rules_beyond_schema("status", "cursor"),
    responses=answers_later(
        200, "Страница заявок", lambda: integration_views.IntegrationPage, {**ERROR_RESPONSES, **FORBIDDEN}
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def list_requests(
    status: Annotated[RequestStatus | None, Query()] = None,
    unanswered: Annotated[
        bool, Query(description="true — только заявки с неотвеченным сообщением потребителя")
    ] = False,
    since: Annotated[models.DateTimeWithZone | None, Query()] = None,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_LENGTH, json_schema_extra=CURSOR_SCHEMA)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> integration_views.IntegrationPage:
    from functions.requests import presentation

    if unanswered:
        if status is not None:
            raise invalid_field("status", "С unanswered=true статус не указывают: выберите одно из двух.")
        return _read_out(presentation.list_awaiting_answer(since, cursor, limit))
    if status is None:
        raise invalid_field("status", "Заполните поле «Статус» или укажите unanswered=true.")
    return _read_out(presentation.list_for_integration(status, since, cursor, limit))


@app.get(
    "/api/integration/changes",
    operation_id="listChanges",
    summary="Лента изменений",
    description="Все изменения, о которых узнают системы компании (заявки, сообщения, этапы, объекты, "
    "показания, отключения, удаление учётных записей) — те же события, что публикует шина (docs/events.md), "
    "с номером `sequence`: 1, 2, 3… без пропусков, в порядке записи. Читайте с `after` = `next_after` "
    "прошлого ответа (в первый раз — 0): изменение с номером больше курсора не будет пропущено, даже если "
    "списки и индексы обновятся позже. Лента хранит изменения 14 дней: курсор старше — 410, сверьтесь по "
    "спискам и продолжайте с `latest`.\n\nСверх схемы: `after` не больше номера последнего изменения.",
    openapi_extensions=rules_beyond_schema("after"),
    responses=answers_later(
        200,
        "Страница изменений",
        lambda: feed.FeedPage,
        {
            **ERROR_RESPONSES,
            **FORBIDDEN,
            410: {"description": "Изменения после курсора уже удалены (старше 14 дней)", **PROBLEM_RESPONSE},
        },
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def list_changes(
    after: Annotated[
        int, Query(ge=0, description="Номер последнего прочитанного изменения (0 — с начала)")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> feed.FeedPage:
    return feed.read_changes(after, limit)


@app.get(
    "/api/integration/consumers/<user_id>",
    operation_id="getConsumerCard",
    summary="Карточка потребителя",
    description="Кто потребитель: ФИО или организация, категория, телефон, текущий email. Учётная запись, "
    "удалённая потребителем, читается как `state: erased` и «данные удалены»: все персональные поля null "
    "(удалите их и в своей копии).",
    responses=answers_later(
        200,
        "Карточка",
        lambda: consumers.ConsumerCard,
        {**ERROR_RESPONSES, **FORBIDDEN, 404: {"description": "Потребитель не найден", **PROBLEM_RESPONSE}},
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def consumer_card(
    user_id: Annotated[str, Path(max_length=64, description="Потребитель (Cognito sub)")],
) -> consumers.ConsumerCard:
    return consumers.consumer_card(user_id)


@app.get(
    "/api/integration/readings",
    operation_id="listBillingReadings",
    summary="Показания для биллинга",
    description="Каждое сохранённое показание (введённое потребителем или полученное из АСКУЭ) с "
    "показаниями по тарифам, источником, расчётным периодом, объектом и лицевым счётом прибора — в порядке "
    "ленты изменений и с теми же номерами: читайте с `after` = `next_after` прошлого ответа (в первый раз — "
    "0), пока `has_more`; показание не будет пропущено. Страница может быть пустой при `has_more: true` "
    "(просмотренные изменения — не показания).\n\nСверх схемы: `after` не больше номера последнего "
    "изменения ленты.",
    openapi_extensions=rules_beyond_schema("after"),
    responses=answers_later(
        200, "Показания", lambda: readings.ReadingsPage, {**ERROR_RESPONSES, **FORBIDDEN}
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def list_readings(
    after: Annotated[int, Query(ge=0, description="next_after прошлого ответа (0 — с начала)")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> readings.ReadingsPage:
    return readings.billed_readings(after, limit)


@app.get(
    "/api/integration/requests/<id>",
    operation_id="getRequestWithThread",
    summary="Заявка с перепиской",
    description="Заявка, её история и вся переписка (сообщения потребителя и компании, документы с видом); "
    "ссылки на файлы действуют 5 минут.",
    responses=with_etag(
        answers_later(
            200,
            "Заявка",
            lambda: integration_views.IntegrationRequestThread,
            {**ERROR_RESPONSES, **FORBIDDEN, 404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE}},
        ),
        200,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def request_with_thread(id: Annotated[str, Path(max_length=64, description="id заявки")]) -> Response[str]:
    from functions.requests import conversation
    from functions.requests.versions import request_etag

    found = conversation.integration_request(id)
    log_read(app.current_event, request_ids=[found.id])
    return Response(
        status_code=HTTPStatus.OK,
        content_type="application/json",
        body=found.model_dump_json(),
        headers={"ETag": request_etag(found)},
    )


@app.post(
    "/api/integration/uploads",
    operation_id="prepareDocumentUpload",
    summary="Получить форму загрузки документа",
    description="Presigned POST, как у потребителя: `fields` и файл (поле `file`) отправляют в S3 по "
    "адресу `url` в течение 10 минут; PDF, JPEG, PNG или TIFF, не больше 10 МБ. Полученный `key` "
    "передают в `attachments` сообщения компании."
    "\n\nСверх схемы: `filename` оканчивается расширением типа `content_type` (.pdf; .jpg или .jpeg; "
    ".png; .tif или .tiff).",
    openapi_extensions=rules_beyond_schema("filename"),
    responses=answers_later(
        200, "Форма загрузки", lambda: outputs.UploadForm, {**ERROR_RESPONSES, **FORBIDDEN}
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def prepare_upload(upload: Annotated[inputs.UploadRequest, Body()]) -> outputs.UploadForm:
    from functions.requests import uploads

    return uploads.prepare_upload(uploads.COMPANY_OWNER, upload)


@app.post(
    "/api/integration/requests/<id>/messages",
    operation_id="postCompanyMessage",
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
    responses=with_replayed_header(
        answers_later(
            201,
            "Сообщение отправлено",
            lambda: integration_views.IntegrationMessage,
            {**ERROR_RESPONSES, **FORBIDDEN, 404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE}},
        ),
        201,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def post_message(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    message: Annotated[inputs.CompanyMessage, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="idempotency-key", description="Уникальная строка на каждое новое сообщение")
    ] = None,
) -> Response[str]:
    """The key is bound to the request and the message: the same key sent to
    another request or with another message is refused (422)."""
    from functions.requests import conversation

    sent, replayed = conversation.post_company_message(id, message, idempotency_key, _actor())
    return replayable(HTTPStatus.CREATED, sent, replayed)


@app.patch(
    "/api/integration/requests/<id>",
    operation_id="changeRequestStatus",
    summary="Изменить статус заявки",
    description="Переводит заявку в новый статус по правилам, сохраняет изменение в истории и "
    "отправляет потребителю письмо. Перевод в статус, который у заявки уже есть (например, повтор "
    "запроса после обрыва связи), отвечает 200 с заявкой как есть: без новой записи в истории и без "
    "письма. `expected_status` — статус, в котором вы видели заявку: если её уже перевела другая "
    "система, ответ 412 и ничего не меняется. Заголовок `If-Match` с ETag из GET заявки строже: перевод "
    "выполняется, только если заявка с тех пор не менялась вовсе (статус, сообщения, этапы), иначе 412 "
    "(`code: version-changed`). Ответ несёт новый ETag.\n\nСверх схемы: для «Отклонена» (`rejected`) и "
    "«Требуются уточнения» (`needs_info`) комментарий `comment` обязателен; `If-Match` — ETag в кавычках "
    "или *.",
    openapi_extensions=rules_beyond_schema("comment", "Idempotency-Key", "If-Match"),
    responses=with_etag(
        with_replayed_header(
            answers_later(
                200,
                "Заявка после изменения (или как есть, если статус уже такой)",
                lambda: integration_views.IntegrationRequest,
                {
                    **ERROR_RESPONSES,
                    **FORBIDDEN,
                    404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE},
                    409: {"description": "Переход из текущего статуса запрещён", **PROBLEM_RESPONSE},
                    412: {
                        "description": "Заявка не в статусе expected_status (code: precondition-failed) или "
                        "изменилась после чтения — If-Match не совпал с её ETag (code: version-changed); "
                        "ничего не изменено",
                        **PROBLEM_RESPONSE,
                    },
                },
            ),
            200,
        ),
        200,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def change_status(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    change: Annotated[inputs.StatusChange, Body()],
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Response[str]:
    from functions.requests import transitions
    from functions.requests.versions import request_etag

    by = actor(app.current_event)
    claim = write_claim(by, idempotency_key, "PATCH /api/integration/requests/{id}", id, change)
    done = once(
        claim,
        integration_views.IntegrationRequest,
        lambda: transitions.change_status(id, change, by, if_match),
    )
    etag = request_etag(cast(integration_views.IntegrationRequest, done.answer))
    return replayable(HTTPStatus.OK, done.answer, done.replayed, {"ETag": etag})


@app.post(
    "/api/integration/requests/<id>/stages",
    operation_id="markConnectionStage",
    summary="Отметить этап технологического присоединения",
    description="Отмечает выполненным этап заявки на технологическое присоединение (ПП № 861): "
    "`stage` — код из `procedure.stages[].code`, `completed_on` — день выполнения (по умолчанию сегодня), "
    "`message` — комментарий для потребителя. Этапы отмечают по порядку; биллинг так же отмечает оплату "
    "счёта (`invoice_paid`). Отметка сохраняется в истории, потребителю уходит письмо с тем, что дальше и "
    "до какого срока, публикуется событие portal.request.stage.completed.v1."
    "\n\nСверх схемы: этап не по порядку, уже отмеченный или на закрытой заявке — 409 с этапом, который "
    "должен быть раньше; `completed_on` не раньше дня подачи заявки.",
    openapi_extensions=rules_beyond_schema("stage", "completed_on", "Idempotency-Key"),
    responses=with_replayed_header(
        answers_later(
            200,
            "Заявка после отметки",
            lambda: integration_views.IntegrationRequest,
            {
                **ERROR_RESPONSES,
                **FORBIDDEN,
                404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE},
                409: {
                    "description": "Этап не по порядку, уже отмечен, или заявка закрыта",
                    **PROBLEM_RESPONSE,
                },
            },
        ),
        200,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def mark_stage(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    mark: Annotated[stage_mark_input.StageMarkRequest, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[str]:
    """A retry with the same Idempotency-Key is answered as the first mark was,
    not refused as a stage marked already."""
    from functions.requests import stage_marks

    actor = _actor()
    claim = write_claim(actor, idempotency_key, "POST /api/integration/requests/{id}/stages", id, mark)
    done = once(claim, integration_views.IntegrationRequest, lambda: stage_marks.mark_stage(id, mark, actor))
    return replayable(HTTPStatus.OK, done.answer, done.replayed)


@app.get(
    "/api/integration/objects",
    operation_id="listObjectsToConfirm",
    summary="Объекты с неподтверждённым лицевым счётом",
    description="Объекты потребителей, чей лицевой счёт ещё не сверен с биллингом, старые сначала, по "
    "`limit` на страницу; следующая страница — `?cursor=` из ответа. Подтверждённые уходят из списка."
    "\n\nСверх схемы: `cursor` — только тот, что выдан этим списком.",
    openapi_extensions=rules_beyond_schema("cursor"),
    responses=answers_later(
        200, "Объекты", lambda: objects.IntegrationObjectList, {**ERROR_RESPONSES, **FORBIDDEN}
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def list_objects_to_confirm(
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_LENGTH, json_schema_extra=CURSOR_SCHEMA)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> objects.IntegrationObjectList:
    from functions.objects import service

    return service.to_confirm(cursor, limit)


@app.patch(
    "/api/integration/objects/<id>",
    operation_id="confirmObjectAccount",
    summary="Подтвердить лицевой счёт объекта, отметить приборы учёта ИСУ",
    description="confirmed = true — лицевой счёт объекта сверен с биллингом (потребитель видит его "
    "подтверждённым); false — снять подтверждение (объект снова в списке на сверку). isu_meters — "
    "приборы учёта объекта, которые опрашивает интеллектуальная система учёта сетевой компании: "
    "ручной ввод их показаний потребителю не доступен (один источник показаний). Сверх схемы: "
    "номера isu_meters должны быть приборами учёта этого объекта; нужен confirmed или isu_meters. "
    "Повторное подтверждение сохраняет время и ключ (account_confirmed_by) первого.",
    openapi_extensions=rules_beyond_schema("confirmed", "isu_meters", "isu_meters.*", "Idempotency-Key"),
    responses=with_replayed_header(
        answers_later(
            200,
            "Объект после изменения",
            lambda: objects.IntegrationObject,
            {**ERROR_RESPONSES, **FORBIDDEN, 404: {"description": "Объект не найден", **PROBLEM_RESPONSE}},
        ),
        200,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def confirm_object_account(
    id: Annotated[str, Path(max_length=64, description="id объекта")],
    change: Annotated[objects.ObjectChange, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[str]:
    from functions.integration import service

    actor = _actor()
    claim = write_claim(actor, idempotency_key, "PATCH /api/integration/objects/{id}", id, change)
    done = once(claim, objects.IntegrationObject, lambda: service.change_object(id, change, actor))
    return replayable(HTTPStatus.OK, done.answer, done.replayed)


def _read_out(page: integration_views.IntegrationPage) -> integration_views.IntegrationPage:
    log_read(app.current_event, request_ids=[request.id for request in page.items])
    return page


def _actor() -> str:
    return actor(app.current_event)


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
