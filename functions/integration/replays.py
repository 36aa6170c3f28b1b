"""How the OpenAPI document describes an integration write's Idempotency-Key and its replays
(functions/common/claims.py, functions/requests/idempotency.py): the answer the first call gave, with
`Idempotent-Replayed: true` (functions/common/api.py's `replayable`)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header

REPLAYED_HEADER = "Idempotent-Replayed"
KEY_DESCRIPTION = (
    "Необязательный ключ повтора (8–128 латинских букв, цифр и знаков -_.:, например UUID): повтор "
    "запроса с тем же ключом и теми же данными не выполняет действие второй раз и отвечает тем же, что и "
    "первый раз (с заголовком Idempotent-Replayed: true); тот же ключ с другим действием, другой целью "
    "или другими данными — 422. Ключ хранится сутки."
)
# The optional Idempotency-Key of an integration write, as a route's parameter.
IdempotencyKey = Annotated[str | None, Header(alias="idempotency-key", description=KEY_DESCRIPTION)]
REPLAYED: dict[str, Any] = {
    REPLAYED_HEADER: {
        "description": "true — это ответ на повтор запроса с тем же Idempotency-Key: действие выполнено "
        "первым запросом, повтор ничего не изменил",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


def with_replayed_header(responses: dict[int, Any], status: int) -> dict[int, Any]:
    """The route's OpenAPI responses with `Idempotent-Replayed` documented on its success answer."""
    success = dict(responses[status])
    success["headers"] = {**success.get("headers", {}), **REPLAYED}
    return {**responses, status: success}
