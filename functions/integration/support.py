"""Support's routes on a consumer's account (IntegrationFunction; handler.py includes this router): the
export of everything the portal keeps about the consumer (`accounts:export`) and the deletion of the
account (`accounts:delete`), each done on the consumer's request to the operator
(functions/integration/accounts.py). Each is logged with the integrator's name: the export as a read
of the consumer's personal data, the deletion as an action on the account («who saw my data»)."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

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
from functions.integration.access import FORBIDDEN, TAGS, actor, log_action, log_read
from functions.integration.replays import IdempotencyKey, with_replayed_header

if TYPE_CHECKING:
    from functions.auth import models as auth_models
    from functions.integration import accounts
else:  # built when a support route first runs (functions/common/lazy.py)
    auth_models = lazy_module("functions.auth.models")
    accounts = lazy_module("functions.integration.accounts")

router = Router()  # type: ignore[no-untyped-call]
UserId = Annotated[str, Path(max_length=64, description="Потребитель (Cognito sub)")]
_UNKNOWN = {404: {"description": "Потребитель не найден", **PROBLEM_RESPONSE}}


@router.get(
    "/api/integration/consumers/<user_id>/export",
    operation_id="exportConsumerData",
    summary="Выгрузить все данные потребителя (служба поддержки)",
    description="Та же выгрузка, что потребитель получает кнопкой «Скачать мои данные» в «Профиле» "
    "(152-ФЗ, ст. 14): профиль с записью о согласии, заявки с историей, перепиской и файлами (ссылки "
    "действуют час), объекты, приборы учёта, все показания, подключение АСКУЭ без пароля и полученные из "
    "АСКУЭ данные — одним JSON. Для ответа на запрос потребителя, направленный оператору. Каждая выгрузка "
    "записывается в журнал с именем системы. Учётная запись, удалённая и ещё не стёртая, выгружается; "
    "стёртая — 410.",
    responses=answers_later(
        200,
        "Данные потребителя",
        lambda: auth_models.DataExport,
        {
            **ERROR_RESPONSES,
            **FORBIDDEN,
            **_UNKNOWN,
            410: {
                "description": "Персональные данные потребителя уже стёрты (code: account-erased)",
                **PROBLEM_RESPONSE,
            },
        },
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def export_consumer_data(user_id: UserId) -> Response[str]:
    exported = accounts.export_account(user_id)
    log_read(router.current_event, user_ids=[user_id])
    return Response(
        status_code=HTTPStatus.OK,
        content_type="application/json",
        body=exported.model_dump_json(),
        headers={"Content-Disposition": 'attachment; filename="dannye-potrebitelya.json"'},
    )


@router.post(
    "/api/integration/consumers/<user_id>/deletion",
    operation_id="startConsumerDeletion",
    status_code=HTTPStatus.ACCEPTED,
    summary="Удалить учётную запись потребителя по его обращению (служба поддержки)",
    description="То же, что потребитель делает сам («Профиль» — «Удалить учётную запись»): согласие на "
    "обработку персональных данных отозвано, войти нельзя с этого ответа, все сеансы завершены; "
    "персональные данные стираются ежедневной обработкой, не позже чем через 30 дней (152-ФЗ, ст. 21 ч. 5), "
    "заявки и показания остаются обезличенными. Потребителю уходит письмо, что учётная запись удалена "
    "службой поддержки по его обращению; публикуется событие portal.account.deleted.v1 с "
    "`deleted_by: integrator:<имя>`. Повтор (в том числе уже удалённой или стёртой учётной записи) ничего "
    "не меняет и отвечает, когда и кем она удалена. `Idempotency-Key` — как у других записей интеграции."
    "\n\nСверх схемы: `Idempotency-Key` — 8–128 латинских букв, цифр и знаков -_.:.",
    openapi_extensions=rules_beyond_schema("Idempotency-Key"),
    responses=with_replayed_header(
        answers_later(
            202,
            "Учётная запись удалена, персональные данные будут стёрты (или уже стёрты)",
            lambda: accounts.AccountDeletionStarted,
            {**ERROR_RESPONSES, **FORBIDDEN, **_UNKNOWN},
        ),
        202,
    ),
    security=INTEGRATION_SECURITY,
    tags=TAGS,
)
def start_consumer_deletion(user_id: UserId, idempotency_key: IdempotencyKey = None) -> Response[str]:
    """The key is bound to the consumer: the same key sent for another consumer is refused (422)."""
    by = actor(router.current_event)
    claim = write_claim(
        by, idempotency_key, "POST /api/integration/consumers/{user_id}/deletion", user_id, None
    )
    done = once(claim, accounts.AccountDeletionStarted, lambda: accounts.start_deletion(user_id, by))
    log_action(router.current_event, "deletion", user_id)
    return replayable(HTTPStatus.ACCEPTED, done.answer, done.replayed)
