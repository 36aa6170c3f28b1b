"""Meter readings API and «Мои объекты» (the supply points the meters are installed at): routes only;
the rules live in `service` and `functions.objects.service`."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common import aws
from functions.common.api import (
    CONSUMER_ERROR_RESPONSES,
    CONSUMER_SECURITY,
    ERROR_RESPONSES,
    PROBLEM_RESPONSE,
    answers,
    answers_later,
    configure_resolver,
    current_caller,
    json_response,
    no_content,
    rules_beyond_schema,
)
from functions.common.clock import moscow_today
from functions.common.cursor import CURSOR_SCHEMA, MAX_CURSOR_LENGTH
from functions.common.lazy import lazy_module
from functions.common.settings import load_settings
from functions.common.snapstart import prime
from functions.common.tracing import tracer

# The routes' models, built when a route first needs them (or before the snapshot: `prime` below),
# not at every cold start: these modules are named only inside functions, annotations and `lambda:`
# (functions/common/lazy.py).
if TYPE_CHECKING:
    from functions.objects import models as objects
    from functions.outages import models as outages
    from functions.readings import models, store
else:
    objects = lazy_module("functions.objects.models")
    outages = lazy_module("functions.outages.models")
    models = lazy_module("functions.readings.models")
    store = lazy_module("functions.readings.store")

MAX_MONTHS = 24  # months of consumption one request may ask for

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, lambda: {**models.LABELS, **objects.LABELS})
TAGS = ["Показания"]
OBJECT_TAGS = ["Мои объекты"]
OUTAGE_TAGS = ["Отключения"]

# The filter takes a meter number by the shared rule (functions/common/fields.py), which its schema
# does not state: the operations' descriptions do.
_METER_FILTER_RULE = (
    "`meter_number` — номер прибора учёта, как его принимает ввод показаний: буквы, цифры, «-» и «/», "
    "до 30 символов, начинается с буквы или цифры."
)
MeterFilter = Annotated[
    str | None,
    Query(description="Только показания этого прибора учёта", max_length=100),
]
Cursor = Annotated[
    str | None,
    Query(
        description="next_cursor предыдущей страницы",
        max_length=MAX_CURSOR_LENGTH,
        json_schema_extra=CURSOR_SCHEMA,
    ),
]


@app.post(
    "/api/readings",
    operation_id="submitReading",
    summary="Ввести показания",
    description="Тип прибора учёта, его номер и по одному показанию на каждый тариф типа. Тип прибора "
    "не меняется между показаниями. Дата снятия (taken_on) — по умолчанию сегодня (по Москве), не позже "
    "сегодняшнего дня и не раньше дня предыдущего показания прибора. Показание меньше предыдущего того же "
    "прибора по тому же тарифу (равное можно) — ответ 422 с confirm = rollover_confirmed: если счётный "
    "механизм перешёл через ноль, повторите запрос с rollover_confirmed = true и разрядностью "
    "meter_digits (если она не запомнена для прибора), и расход посчитается через ноль. Расход больше "
    "обычного месячного расхода прибора более чем в 10 раз (когда история прибора не короче 28 дней) — "
    "ответ 422 с confirm = jump_confirmed: повторите с jump_confirmed = true, если показание верно. В "
    "ответе — расход с предыдущего показания."
    "\n\nСверх схемы: показание не меньше предыдущего по тому же тарифу или подтверждённый переход через "
    "ноль, и не скачок без подтверждения (`values.*`); `meter_type` тот же, что у прежних показаний "
    "прибора; `taken_on` не позже сегодня и не раньше предыдущего показания; `meter_digits` — если "
    "переход через ноль и разрядность не запомнена; число — не больше двух знаков после точки и без "
    "знака (-0).",
    openapi_extensions=rules_beyond_schema("values.*", "meter_type", "taken_on", "meter_digits"),
    responses=answers_later(
        201,
        "Показания приняты",
        lambda: models.ReadingOutput,
        {
            **CONSUMER_ERROR_RESPONSES,
            409: {"description": "Одновременно передаются показания того же прибора", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def submit_reading(entry: Annotated[models.ReadingEntry, Body()]) -> Response[str]:

    from functions.readings import service

    reading = service.submit_reading(current_caller(app).user_id, entry)
    return json_response(HTTPStatus.CREATED, reading)


@app.get(
    "/api/readings",
    operation_id="listMyReadings",
    summary="Ранее введённые показания",
    description="Показания потребителя (или одного его прибора учёта), новые сначала, по 20 на "
    "странице; следующая страница — по next_cursor.\n\nСверх схемы: `cursor` — только тот, что выдан "
    "этим API этому потребителю для того же прибора; " + _METER_FILTER_RULE,
    openapi_extensions=rules_beyond_schema("cursor", "meter_number"),
    responses=answers_later(200, "Страница показаний", lambda: models.ReadingPage, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def list_readings(meter_number: MeterFilter = None, cursor: Cursor = None) -> models.ReadingPage:

    from functions.readings import service

    return service.history(current_caller(app).user_id, meter_number, cursor)


@app.get(
    "/api/readings/export",
    operation_id="exportMyReadings",
    summary="Показания в CSV",
    description="Все показания (или показания одного прибора учёта), новые сначала, файлом CSV для "
    "Excel: UTF-8 с BOM, разделитель «;», десятичная запятая, время московское.\n\nСверх схемы: "
    + _METER_FILTER_RULE,
    openapi_extensions=rules_beyond_schema("meter_number"),
    responses={
        200: {"description": "Файл CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
        **CONSUMER_ERROR_RESPONSES,
    },
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def export_readings(meter_number: MeterFilter = None) -> Response[str]:

    from functions.readings import service

    body = service.export_csv(current_caller(app).user_id, meter_number)
    day = moscow_today().isoformat()
    # An ASCII name for old clients, the Russian one (RFC 6266) for the rest.
    disposition = (
        f"attachment; filename=\"readings-{day}.csv\"; filename*=UTF-8''{quote(f'показания-{day}.csv')}"
    )
    return Response(
        status_code=HTTPStatus.OK,
        content_type="text/csv; charset=utf-8",
        body=body,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@app.get(
    "/api/readings/meters",
    operation_id="listMyMeters",
    summary="Приборы учёта потребителя",
    description="Номера приборов учёта, по которым потребитель передавал показания, с типом и "
    "последним показанием — чтобы не вводить номер заново.",
    responses=answers_later(200, "Приборы учёта", lambda: models.MeterList, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def list_meters() -> models.MeterList:

    from functions.readings import service

    return service.meters(current_caller(app).user_id)


@app.get(
    "/api/readings/monthly",
    operation_id="getMonthlyConsumption",
    summary="Расход по месяцам",
    description="Расход каждого прибора учёта по месяцам (московское время) и тарифам за последние "
    f"months месяцев (1–{MAX_MONTHS}, по умолчанию 12), включая текущий: сумма расхода показаний, снятых "
    "в месяце (расход показания — с предыдущего показания того же прибора). Для графиков.",
    responses=answers_later(
        200, "Расход по месяцам", lambda: models.MonthlyConsumption, CONSUMER_ERROR_RESPONSES
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def monthly_consumption(
    months: Annotated[int, Query(ge=1, le=MAX_MONTHS, description="Сколько месяцев, включая текущий")] = 12,
) -> models.MonthlyConsumption:

    from functions.readings import service

    return service.monthly(current_caller(app).user_id, months)


@app.get(
    "/api/objects",
    operation_id="listMyObjects",
    summary="Мои объекты",
    description="Точки поставки потребителя: адрес, лицевой счёт (и подтверждён ли он сетевой компанией), "
    "кадастровый номер, установленные приборы учёта. Старые сначала.",
    responses=answers_later(200, "Объекты", lambda: objects.ObjectList, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=OBJECT_TAGS,
)
def list_objects() -> objects.ObjectList:
    from functions.objects import service as objects

    return objects.objects(current_caller(app).user_id)


@app.post(
    "/api/objects",
    operation_id="addObject",
    summary="Добавить объект",
    description="Название, адрес, лицевой счёт (8–14 цифр; пробелы и дефисы отбрасываются), "
    "необязательный кадастровый номер и от 1 до 10 приборов учёта с разными номерами. Адрес — "
    "как в квитанции (address) и по частям: населённый пункт (settlement), улица (street, если улицы "
    "есть) и дом (house); по частям объект находят отключения электроэнергии. Лицевой счёт "
    "ждёт подтверждения сетевой компании (account_state = pending). Не больше 50 объектов на "
    "потребителя (409)."
    "\n\nСверх схемы: `account_number` — 8–14 цифр после удаления пробелов и дефисов; номера "
    "приборов учёта объекта разные; `house` — вместе с населённым пунктом, и обязателен, если указаны "
    "населённый пункт или улица; `address` — обязателен, если не указаны населённый пункт и дом.",
    openapi_extensions=rules_beyond_schema("account_number", "meters.*", "house", "address"),
    responses=answers_later(
        201,
        "Объект добавлен",
        lambda: objects.SupplyObject,
        {
            **CONSUMER_ERROR_RESPONSES,
            409: {"description": "Объектов уже 50", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=OBJECT_TAGS,
)
def add_object(entry: Annotated[objects.ObjectEntry, Body()]) -> Response[str]:
    from functions.outages import service as outages

    added = outages.add_object(current_caller(app).user_id, entry)
    return json_response(HTTPStatus.CREATED, added)


_READING_ID = Annotated[str, Path(max_length=64, description="id показания")]
_READING_REFUSED = {
    404: {"description": "Это не последнее показание вашего прибора учёта", **PROBLEM_RESPONSE},
    409: {
        "description": "Расчётный период показания закрыт (исправляет сетевая компания по заявке), "
        "показание из АСКУЭ или изменено одновременно",
        **PROBLEM_RESPONSE,
    },
}


@app.patch(
    "/api/readings/<id>",
    operation_id="correctReading",
    summary="Исправить последнее показание",
    description="Исправляет значения последнего показания прибора учёта, пока открыт его расчётный "
    "период (показание учитывается в периоде, в котором учитывались бы переданные сейчас). Позже — "
    "409: исправляет сетевая компания по заявке. Расход пересчитывается; в `corrections` показания "
    "остаются прежние и новые значения и время исправления. Событие portal.reading.corrected.v1."
    "\n\nСверх схемы: тарифы — те же, что у показания; значения не меньше предыдущего показания.",
    openapi_extensions=rules_beyond_schema("values", "values.*"),
    responses=answers_later(
        200,
        "Показание после исправления",
        lambda: models.ReadingOutput,
        {**CONSUMER_ERROR_RESPONSES, **_READING_REFUSED},
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def correct_reading(id: _READING_ID, fix: Annotated[models.ReadingFix, Body()]) -> models.ReadingOutput:
    from functions.readings import corrections

    return corrections.correct_reading(current_caller(app).user_id, id, fix)


@app.delete(
    "/api/readings/<id>",
    operation_id="withdrawReading",
    summary="Удалить последнее показание",
    description="Удаляет последнее показание прибора учёта, пока открыт его расчётный период: "
    "последним снова становится предыдущее. Удалённое остаётся в истории (`withdrawn` в GET "
    "/api/readings). Событие portal.reading.withdrawn.v1.",
    responses=answers(204, "Показание удалено", None, {**CONSUMER_ERROR_RESPONSES, **_READING_REFUSED}),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def withdraw_reading(id: _READING_ID) -> Response[str]:
    from functions.readings import corrections

    corrections.withdraw_reading(current_caller(app).user_id, id)
    return no_content()


_OBJECT_ID = Annotated[str, Path(max_length=64, description="id объекта")]
_OBJECT_NOT_FOUND = {404: {"description": "Объекта нет или он не ваш", **PROBLEM_RESPONSE}}


@app.patch(
    "/api/objects/<id>",
    operation_id="changeObject",
    summary="Изменить объект",
    description="Объект целиком, каким он должен стать (те же поля и правила, что при добавлении): "
    "название, адрес, кадастровый номер, приборы учёта. Подтверждённый сетевой компанией лицевой "
    "счёт меняется только через сетевую компанию (422 с пояснением); неподтверждённый можно "
    "исправить. Интеграторы узнают об изменении из события portal.object.changed.v1. 409 — объект "
    "изменили одновременно в другом окне."
    "\n\nСверх схемы: те же правила, что у POST /api/objects; `account_number` подтверждённого "
    "лицевого счёта не меняется.",
    openapi_extensions=rules_beyond_schema("account_number", "meters.*", "house", "address"),
    responses=answers_later(
        200,
        "Объект после изменения",
        lambda: objects.SupplyObject,
        {
            **CONSUMER_ERROR_RESPONSES,
            **_OBJECT_NOT_FOUND,
            409: {"description": "Объект изменён одновременно", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=OBJECT_TAGS,
)
def change_object(id: _OBJECT_ID, entry: Annotated[objects.ObjectEntry, Body()]) -> objects.SupplyObject:
    from functions.objects import service as objects

    return objects.change_object(current_caller(app).user_id, id, entry)


@app.delete(
    "/api/objects/<id>",
    operation_id="removeObject",
    summary="Удалить объект",
    description="Убирает объект из «Моих объектов»; переданные показания его приборов учёта "
    "остаются в истории. Интеграторы узнают об этом из события portal.object.removed.v1.",
    responses=answers(
        204,
        "Объект удалён",
        None,
        {
            **CONSUMER_ERROR_RESPONSES,
            **_OBJECT_NOT_FOUND,
            409: {"description": "Объект изменён одновременно", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=OBJECT_TAGS,
)
def remove_object(id: _OBJECT_ID) -> Response[str]:
    from functions.objects import service as objects

    objects.remove_object(current_caller(app).user_id, id)
    return no_content()


@app.get(
    "/api/outages/mine",
    operation_id="listMyOutages",
    summary="Отключения на моих объектах",
    description="Плановые и аварийные отключения, которые касаются объектов потребителя (по населённому "
    "пункту, улице и дому из «Мои объекты»), ещё не закончившиеся: аварийные сначала, затем по времени "
    "начала. Одно чтение DynamoDB, сколько бы объектов ни было в портале.",
    responses=answers_later(200, "Отключения", lambda: outages.MyOutageList, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=OUTAGE_TAGS,
)
def my_outages() -> outages.MyOutageList:
    from functions.outages import service as outages

    return outages.mine(current_caller(app).user_id)


@app.get(
    "/api/outages",
    operation_id="listOutages",
    summary="Отключения электроэнергии",
    description="Без входа в личный кабинет: плановые и аварийные отключения, ещё не закончившиеся, "
    "аварийные сначала, затем по времени начала — все, в населённом пункте (settlement) или на его "
    "улице (settlement и street). Написание не важно: «г. Бор» и «Бор», «ул. Лесная» и «Лесная улица»."
    "\n\nСверх схемы: `street` — только вместе с `settlement`; `settlement` — название, а не только "
    "«г.» или «пос.».",
    openapi_extensions=rules_beyond_schema("street", "settlement"),
    responses=answers_later(200, "Отключения", lambda: outages.OutageList, dict(ERROR_RESPONSES)),
    tags=OUTAGE_TAGS,
)
def list_outages(
    settlement: Annotated[str | None, Query(max_length=100, description="Населённый пункт")] = None,
    street: Annotated[str | None, Query(max_length=100, description="Улица")] = None,
) -> outages.OutageList:
    from functions.outages import service as outages

    return outages.listed(settlement, street)


@app.get(
    "/api/outages/<id>",
    operation_id="getOutage",
    summary="Отключение",
    description="Без входа в личный кабинет: одно отключение по его id (в том числе отозванное).",
    responses=answers_later(
        200,
        "Отключение",
        lambda: outages.Outage,
        {**ERROR_RESPONSES, 404: {"description": "Не найдено", **PROBLEM_RESPONSE}},
    ),
    tags=OUTAGE_TAGS,
)
def get_outage(id: Annotated[str, Path(max_length=64, description="id отключения")]) -> outages.Outage:
    from functions.outages import service as outages

    return outages.one(id)


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


def _load_services() -> None:
    """The rules and stores each route imports when it runs (a cold start without a snapshot loads
    only its own route's); with SnapStart, all of them before the snapshot."""
    from functions.common.outbox import OutboxSettings
    from functions.objects import service as objects
    from functions.outages import service as outages
    from functions.readings import corrections, service

    del corrections, objects, outages, service
    load_settings(OutboxSettings)


# SnapStart (template.yaml): what the first requests would load is loaded before the snapshot.
prime(app, aws.dynamodb, lambda: load_settings(store.ReadingsSettings), _load_services)
