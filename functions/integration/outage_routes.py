"""The outages' routes for the company's systems (the dispatcher's or the CRM's): publish, move and
withdraw an outage (functions/outages/service.py); included in the integration function's resolver."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path

from functions.common.api import (
    ERROR_RESPONSES,
    INTEGRATION_SECURITY,
    PROBLEM_RESPONSE,
    answers_later,
    replayable,
    rules_beyond_schema,
)
from functions.common.claims import once, write_claim
from functions.common.lazy import lazy_module
from functions.integration.access import FORBIDDEN, TAGS, actor
from functions.integration.replays import IdempotencyKey, with_replayed_header

if TYPE_CHECKING:
    from functions.outages import models as outage_models
else:  # built when an outage route first runs (functions/common/lazy.py)
    outage_models = lazy_module("functions.outages.models")

router = Router()  # type: ignore[no-untyped-call]


_OUTAGE_NOT_FOUND = {404: {"description": "Отключение не найдено", **PROBLEM_RESPONSE}}


@router.post(
    "/api/integration/outages",
    operation_id="publishOutage",
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
    responses=with_replayed_header(
        answers_later(
            201, "Отключение опубликовано", lambda: outage_models.Outage, {**ERROR_RESPONSES, **FORBIDDEN}
        ),
        201,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def publish_outage(
    publication: Annotated[outage_models.OutagePublication, Body()],
    idempotency_key: Annotated[
        str | None,
        Header(alias="idempotency-key", description="Уникальная строка на каждое новое отключение"),
    ] = None,
) -> Response[str]:
    from functions.outages import service as outages

    outage, replayed = outages.publish(actor(router.current_event), idempotency_key, publication)
    return replayable(HTTPStatus.CREATED, outage, replayed)


@router.patch(
    "/api/integration/outages/<id>",
    operation_id="changeOutage",
    summary="Изменить время или причину отключения",
    description="Переносит начало или окончание (для аварийного — ожидаемое время восстановления) или "
    "меняет причину. Потребителям, чьи объекты затронуты аварийным отключением, приходит письмо о новом "
    "времени восстановления.\n\nСверх схемы: указано хотя бы одно поле; окончание позже начала.",
    openapi_extensions=rules_beyond_schema("ends_at", "Idempotency-Key"),
    responses=with_replayed_header(
        answers_later(
            200,
            "Отключение после изменения",
            lambda: outage_models.Outage,
            {
                **ERROR_RESPONSES,
                **FORBIDDEN,
                **_OUTAGE_NOT_FOUND,
                409: {"description": "Отключение отозвано", **PROBLEM_RESPONSE},
            },
        ),
        200,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def change_outage(
    id: Annotated[str, Path(max_length=64, description="id отключения")],
    change: Annotated[outage_models.OutageChange, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[str]:
    from functions.outages import service as outages

    claim = write_claim(
        actor(router.current_event), idempotency_key, "PATCH /api/integration/outages/{id}", id, change
    )
    done = once(claim, outage_models.Outage, lambda: outages.change(id, change))
    return replayable(HTTPStatus.OK, done.answer, done.replayed)


@router.delete(
    "/api/integration/outages/<id>",
    operation_id="withdrawOutage",
    summary="Отозвать отключение",
    description="Отключение больше не показывается ни на странице «Отключения», ни потребителям. Повтор "
    "ничего не меняет.\n\nСверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.",
    openapi_extensions=rules_beyond_schema("Idempotency-Key"),
    responses=with_replayed_header(
        answers_later(
            200,
            "Отозванное отключение",
            lambda: outage_models.Outage,
            {**ERROR_RESPONSES, **FORBIDDEN, **_OUTAGE_NOT_FOUND},
        ),
        200,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def withdraw_outage(
    id: Annotated[str, Path(max_length=64, description="id отключения")],
    idempotency_key: IdempotencyKey = None,
) -> Response[str]:
    from functions.outages import service as outages

    claim = write_claim(
        actor(router.current_event), idempotency_key, "DELETE /api/integration/outages/{id}", id, None
    )
    done = once(claim, outage_models.Outage, lambda: outages.withdraw(id))
    return replayable(HTTPStatus.OK, done.answer, done.replayed)
