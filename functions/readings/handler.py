"""Meter readings API: routes only; the rules live in `service`."""

from functools import partial
from http import HTTPStatus
from typing import Annotated, Any
from urllib.parse import quote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common import aws
from functions.common.api import (
    CONSUMER_ERROR_RESPONSES,
    CONSUMER_SECURITY,
    PROBLEM_RESPONSE,
    answers,
    configure_resolver,
    current_caller,
    json_response,
)
from functions.common.clock import moscow_today
from functions.common.cursor import MAX_CURSOR_LENGTH
from functions.common.settings import load_settings
from functions.common.snapstart import prime
from functions.readings import service
from functions.readings.models import LABELS, MeterList, ReadingEntry, ReadingOutput, ReadingPage
from functions.readings.store import ReadingsSettings

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
configure_resolver(app, LABELS)
TAGS = ["Показания"]

MeterFilter = Annotated[
    str | None,
    Query(description="Только показания этого прибора учета", max_length=100),
]
Cursor = Annotated[
    str | None,
    Query(description="next_cursor предыдущей страницы", max_length=MAX_CURSOR_LENGTH),
]


@app.post(
    "/api/readings",
    summary="Ввести показания",
    description="Тип прибора учета, его номер и по одному показанию на каждый тариф типа. Показание не "
    "может быть меньше предыдущего показания того же прибора по тому же тарифу (равное можно); тип "
    "прибора не меняется между показаниями. В ответе — расход с предыдущего показания.",
    responses=answers(
        201,
        "Показания приняты",
        ReadingOutput,
        {
            **CONSUMER_ERROR_RESPONSES,
            409: {"description": "Одновременно передаются показания того же прибора", **PROBLEM_RESPONSE},
        },
    ),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def submit_reading(entry: Annotated[ReadingEntry, Body()]) -> Response[str]:
    reading = service.submit_reading(current_caller(app).user_id, entry)
    return json_response(HTTPStatus.CREATED, reading)


@app.get(
    "/api/readings",
    summary="Ранее введенные показания",
    description="Показания потребителя (или одного его прибора учета), новые сначала, по 20 на "
    "странице; следующая страница — по next_cursor.",
    responses=answers(200, "Страница показаний", ReadingPage, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def list_readings(meter_number: MeterFilter = None, cursor: Cursor = None) -> ReadingPage:
    return service.history(current_caller(app).user_id, meter_number, cursor)


@app.get(
    "/api/readings/export",
    summary="Показания в CSV",
    description="Все показания (или показания одного прибора учета), новые сначала, файлом CSV для "
    "Excel: UTF-8 с BOM, разделитель «;», десятичная запятая, время московское.",
    responses={
        200: {"description": "Файл CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
        **CONSUMER_ERROR_RESPONSES,
    },
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def export_readings(meter_number: MeterFilter = None) -> Response[str]:
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
    summary="Приборы учета потребителя",
    description="Номера приборов учета, по которым потребитель передавал показания, с типом и "
    "последним показанием — чтобы не вводить номер заново.",
    responses=answers(200, "Приборы учета", MeterList, CONSUMER_ERROR_RESPONSES),
    security=CONSUMER_SECURITY,
    tags=TAGS,
)
def list_meters() -> MeterList:
    return service.meters(current_caller(app).user_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


# SnapStart (template.yaml): what the first requests would load is loaded before the snapshot.
prime(app, aws.dynamodb, partial(load_settings, ReadingsSettings))
