"""What every integration route shares: who calls (the integrator, as the history names it), the
record of which consumers' personal data an integrator was answered or acted on («who saw my data»),
and the OpenAPI pieces that say so (handler.py's routes and support.py's)."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from functions.common.api import PROBLEM_RESPONSE
from functions.common.integrators import integration_actor, integrator_of

logger = Logger()

TAGS = ["Интеграция"]
FORBIDDEN = {
    401: {"description": "Нет заголовка x-api-key с ключом интеграции", **PROBLEM_RESPONSE},
    403: {
        "description": "Ключ интеграции неверен или отозван, или у системы нет права (scope), которого "
        "требует адрес: detail называет право",
        **PROBLEM_RESPONSE,
    },
}
# ETag of a request and the If-Match of its move (functions/requests/versions.py).
IfMatch = Annotated[
    str | None,
    Header(
        alias="if-match",
        max_length=1024,
        description="ETag заявки из GET /api/integration/requests/{id}: перевод выполняется, только если "
        "заявка не менялась с тех пор; иначе 412",
    ),
]
ETAG: dict[str, Any] = {
    "ETag": {
        "description": "Версия заявки (сильный ETag): меняется при каждом изменении заявки — статус, "
        "сообщение, этап, удаление данных потребителя; ссылки на файлы в версию не входят. Передайте его "
        "в If-Match перевода статуса",
        "schema": {"type": "string"},
    }
}
# What IntegrationFunction's log says of each answer that held personal data, and of each support
# action on an account: ids only, never the data (README, «Who saw my data»).
PERSONAL_DATA_READ = "personal data read"
ACCOUNT_ACTION = "account action by an integrator"


def actor(event: BaseProxyEvent) -> str:
    """The integrator the authorizer let through, as the history names it (`integrator:crm`)."""
    integrator = integrator_of((event.raw_event.get("requestContext") or {}).get("authorizer"))
    return integration_actor(integrator.name if integrator is not None else None)


def log_read(event: BaseProxyEvent, **ids: Any) -> None:
    """Which consumers' personal data (names, addresses, passports, mail) an integrator was answered:
    `request_ids=[…]` for requests, `user_ids=[…]` for whole accounts (an export); with the access
    log's line of the same request id, this is how «who saw my data» is answered (152-ФЗ ст. 14;
    README, «Security»)."""
    logger.info(PERSONAL_DATA_READ, extra={"integrator": actor(event), **ids})


def log_action(event: BaseProxyEvent, action: str, user_id: str) -> None:
    """An integrator's action on a consumer's account (support starting its deletion): who, what, whose."""
    logger.info(ACCOUNT_ACTION, extra={"integrator": actor(event), "action": action, "user_id": user_id})


def with_etag(responses: dict[int, Any], status: int) -> dict[int, Any]:
    """The route's OpenAPI responses with the request's `ETag` documented on its success answer."""
    success = dict(responses[status])
    success["headers"] = {**success.get("headers", {}), **ETAG}
    return {**responses, status: success}
