"""Service requests API («Заявки»): routes only; the rules live in `kinds`, `uploads`, `filing` and
`presentation`."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common import aws
from functions.common.api import (
    CONSUMER_ERROR_RESPONSES,
    CONSUMER_SECURITY,
    PROBLEM_RESPONSE,
    RETRY_AFTER,
    answers_later,
    configure_resolver,
    current_caller,
    json_response,
    rules_beyond_schema,
)
from functions.common.clock import moscow_today
from functions.common.cursor import CURSOR_SCHEMA, MAX_CURSOR_LENGTH
from functions.common.fields import load_requisite_validators
from functions.common.lazy import lazy_module
from functions.common.mail import MailSettings
from functions.common.settings import load_settings, portal_settings
from functions.common.snapstart import prime
from functions.common.tracing import tracer
from functions.requests.calendar import load_calendar
from functions.requests.settings import request_settings
from functions.requests.vocabulary import THREAD_PAGE, TYPE_TAGS

# The routes' models, built when a route first needs them (or before the snapshot: `prime` below),
# not at every cold start: these modules are named only inside functions, annotations and `lambda:`
# (functions/common/lazy.py).
if TYPE_CHECKING:
    from functions.requests import inputs, kinds, outputs, registry
else:
    inputs = lazy_module("functions.requests.inputs")
    kinds = lazy_module("functions.requests.kinds")
    outputs = lazy_module("functions.requests.outputs")
    registry = lazy_module("functions.requests.registry")

# Not "requests": the logger would share its name with the requests library's logger.
logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, lambda: inputs.LABELS, TYPE_TAGS)
TAGS = ["Заявки"]
NOT_FOUND = {404: {"description": "Заявка не найдена", **PROBLEM_RESPONSE}}
CONFLICT = {409: {"description": "Заявка с этим ключом ещё регистрируется", **PROBLEM_RESPONSE}}
BUSY = {
    503: {
        "description": "Слишком много заявок регистрируется одновременно или сервис временно недоступен",
        "headers": RETRY_AFTER,
        **PROBLEM_RESPONSE,
    }
}


@app.get(
    "/api/requests/types",
    operation_id="listRequestTypes",
    summary="Типы заявок",
    description="Типы заявок в порядке показа: код, название, описание, срок рассмотрения в рабочих днях "
    "и JSON Schema дополнительных полей (заголовки полей и значений — по-русски).",
    responses=answers_later(200, "Типы заявок", lambda: outputs.RequestTypesOutput, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def request_types() -> outputs.RequestTypesOutput:
    return kinds.request_types()


@app.post(
    "/api/requests/uploads",
    operation_id="prepareFileUpload",
    summary="Получить форму загрузки файла",
    description="Возвращает presigned POST: браузер отправляет `fields` и файл (поле `file`) прямо в S3 "
    "по адресу `url` в течение 10 минут. PDF, JPEG, PNG или TIFF, не больше 10 МБ. "
    "Полученный `key` передают в `attachments` при создании заявки.\n\nСверх схемы: `filename` "
    "оканчивается расширением типа `content_type` (.pdf; .jpg или .jpeg; .png; .tif или .tiff).",
    openapi_extensions=rules_beyond_schema("filename"),
    responses=answers_later(200, "Форма загрузки", lambda: outputs.UploadForm, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def prepare_upload(upload: Annotated[inputs.UploadRequest, Body()]) -> outputs.UploadForm:
    from functions.requests import uploads

    return uploads.prepare_upload(uploads.owner_of(current_caller(app)), upload)


@app.post(
    "/api/requests",
    operation_id="fileRequest",
    summary="Создать заявку",
    description="Регистрирует заявку, присваивает номер и срок рассмотрения, отправляет письмо. "
    "Заголовок `Idempotency-Key` обязателен: повтор с тем же ключом и теми же данными возвращает ту же "
    "заявку, с другими данными — отклоняется.\n\nСверх схемы: даты в `fields` — не в будущем (и дата "
    "допуска не раньше даты установки), телефон — существующий номер, `attachments` — ключи файлов, "
    "загруженных этим потребителем через /api/requests/uploads; заявка на технологическое присоединение — "
    "по правилам ПП № 861 порядка, который выводится из ответов заявителя (`x-procedures` схемы типа: "
    "реквизиты по виду заявителя, сумма мощностей точек и этапов, этапы и характер нагрузки от 150 кВт, "
    "срок временного присоединения), каждое нарушение — с полем и пунктом.",
    openapi_extensions=rules_beyond_schema("fields.*", "attachments", "attachments.*", "Idempotency-Key"),
    responses=answers_later(
        201,
        "Заявка зарегистрирована",
        lambda: outputs.RequestCreated,
        {**CONSUMER_ERROR_RESPONSES, **CONFLICT, **BUSY},
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def file_request(
    request: Annotated[registry.NewRequest, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="idempotency-key", description="Уникальная строка на каждую новую заявку")
    ] = None,
) -> Response[str]:
    from functions.requests import filing

    created = filing.submit(current_caller(app), request, idempotency_key)
    return json_response(HTTPStatus.CREATED, created)


@app.get(
    "/api/requests",
    operation_id="listMyRequests",
    summary="Мои заявки",
    description="Заявки потребителя, сначала новые. Следующая страница — `?cursor=` из ответа."
    "\n\nСверх схемы: `cursor` — только тот, что выдан этим API этому потребителю.",
    openapi_extensions=rules_beyond_schema("cursor"),
    responses=answers_later(200, "Страница заявок", lambda: outputs.RequestPage, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def list_requests(
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_LENGTH, json_schema_extra=CURSOR_SCHEMA)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> outputs.RequestPage:
    from functions.requests import presentation

    return presentation.list_requests(current_caller(app), cursor, limit)


@app.get(
    "/api/requests/<id>",
    operation_id="getRequest",
    summary="Заявка",
    description="Поля заявки, файлы (ссылки для скачивания действуют 5 минут) и история статусов.",
    responses=answers_later(
        200, "Заявка", lambda: outputs.RequestDetail, {**CONSUMER_ERROR_RESPONSES, **NOT_FOUND}
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def request_detail(id: Annotated[str, Path(max_length=64, description="id заявки")]) -> outputs.RequestDetail:
    from functions.requests import presentation

    return presentation.request_detail(current_caller(app), id)


@app.get(
    "/api/requests/<id>/messages",
    operation_id="getRequestThread",
    summary="Переписка по заявке",
    description="Сообщения потребителя и сетевой компании по заявке, сначала старые; у документа "
    "компании — вид (`kind`, `kind_title`). Ссылки на файлы действуют 5 минут. Следующая страница — "
    "`?cursor=` из ответа. Чужая или неизвестная заявка — пустая переписка, как у заявки без сообщений; "
    "id, какого у заявок не бывает, — 404.",
    responses=answers_later(
        200, "Сообщения", lambda: outputs.Thread, {**CONSUMER_ERROR_RESPONSES, **NOT_FOUND}
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def request_thread(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
    limit: Annotated[int, Query(ge=1, le=THREAD_PAGE)] = THREAD_PAGE,
) -> outputs.Thread:
    from functions.requests import conversation

    return conversation.consumer_thread(current_caller(app), id, cursor, limit)


@app.post(
    "/api/requests/<id>/messages",
    operation_id="postConsumerMessage",
    summary="Написать по заявке",
    description="Сообщение потребителя по своей открытой заявке: текст, файлы (ключи из "
    "`POST /api/requests/uploads`, проверяются как при подаче) или и то и другое. Ответ на заявку в "
    "статусе «Требуются уточнения» сам возвращает её в «На рассмотрении» (в истории — потребитель). "
    "По закрытой заявке («Выполнена», «Отклонена», «Отозвана») — 409. Заголовок `Idempotency-Key` "
    "обязателен: повтор с тем же ключом и теми же данными возвращает то же сообщение, с другими — 422."
    "\n\nСверх схемы: нужен текст или хотя бы один файл; `attachments` — ключи файлов, загруженных этим "
    "потребителем через /api/requests/uploads и ещё не приложенных; `Idempotency-Key` обязателен.",
    openapi_extensions=rules_beyond_schema("text", "attachments", "attachments.*", "Idempotency-Key"),
    responses=answers_later(
        201,
        "Сообщение отправлено",
        lambda: outputs.MessageSent,
        {
            **CONSUMER_ERROR_RESPONSES,
            **NOT_FOUND,
            409: {"description": "Заявка закрыта или её статус сейчас меняется", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def post_message(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    message: Annotated[inputs.NewMessage, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="idempotency-key", description="Уникальная строка на каждое новое сообщение")
    ] = None,
) -> Response[str]:
    from functions.requests import conversation

    sent = conversation.post_consumer_message(current_caller(app), id, message, idempotency_key)
    return json_response(HTTPStatus.CREATED, sent)


@app.post(
    "/api/requests/<id>/withdraw",
    operation_id="withdrawRequest",
    summary="Отозвать заявку",
    description="Отзывает свою заявку, пока она не «Выполнена» и не «Отклонена»: статус «Отозвана», "
    "причина — в истории, потребителю — письмо. Повторный отзыв отозванной заявки возвращает её как есть."
    "\n\nСверх схемы: `reason` — не только пробелы.",
    openapi_extensions=rules_beyond_schema("reason"),
    responses=answers_later(
        200,
        "Заявка после отзыва",
        lambda: outputs.RequestDetail,
        {
            **CONSUMER_ERROR_RESPONSES,
            **NOT_FOUND,
            409: {"description": "Заявка закрыта или её статус только что изменился", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def withdraw_request(
    id: Annotated[str, Path(max_length=64, description="id заявки")],
    withdrawal: Annotated[inputs.Withdrawal, Body()],
) -> outputs.RequestDetail:
    from functions.requests import transitions

    return transitions.withdraw(current_caller(app), id, withdrawal)


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


def _load_services() -> None:
    """The rules and stores each route imports when it runs (a cold start without a snapshot loads
    only its own route's); with SnapStart, all of them before the snapshot."""
    from functions.requests import conversation, filing, presentation, transitions, uploads

    del conversation, filing, presentation, transitions, uploads


# SnapStart (template.yaml): what the first requests would load is loaded before the snapshot.
prime(
    app,
    aws.dynamodb,
    aws.s3,
    aws.sqs,
    portal_settings,
    request_settings,
    partial(load_settings, MailSettings),
    lambda: kinds.form_schemas(),
    _load_services,
    lambda: load_calendar(moscow_today()),
    load_requisite_validators,
)
