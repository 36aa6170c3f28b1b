"""The statuses' rules (docs/architecture.md) and the company's change of a request's status."""

from collections.abc import Mapping

from aws_lambda_powertools import Logger

from functions.common.clock import now
from functions.common.errors import Conflict, FieldError, NotFound, invalid_field
from functions.requests import mails
from functions.requests.ids import is_request_id
from functions.requests.models import (
    STATUS_TITLES,
    IntegrationRequest,
    RequestStatus,
    StatusChange,
)
from functions.requests.presentation import for_integration
from functions.requests.store import (
    Item,
    RequestStore,
    StatusChanged,
)

logger = Logger()

# ---------------------------------------------------------------- the statuses' rules (DESIGN §5)

TRANSITIONS: Mapping[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.REGISTERED: (RequestStatus.IN_REVIEW, RequestStatus.NEEDS_INFO, RequestStatus.REJECTED),
    RequestStatus.IN_REVIEW: (RequestStatus.IN_PROGRESS, RequestStatus.NEEDS_INFO, RequestStatus.REJECTED),
    RequestStatus.NEEDS_INFO: (RequestStatus.IN_REVIEW, RequestStatus.REJECTED),
    RequestStatus.IN_PROGRESS: (RequestStatus.DONE, RequestStatus.NEEDS_INFO, RequestStatus.REJECTED),
    RequestStatus.DONE: (),
    RequestStatus.REJECTED: (),
}
# The consumer must learn why a request was refused and what to clarify.
COMMENT_REQUIRED = frozenset({RequestStatus.REJECTED, RequestStatus.NEEDS_INFO})


def _quoted(statuses: tuple[RequestStatus, ...]) -> str:
    return ", ".join(f"«{STATUS_TITLES[s]}»" for s in statuses)


def check_transition(current: RequestStatus, change: StatusChange) -> None:
    """Refuses a move the rules forbid (Conflict, naming the allowed ones) or a missing reason
    (InvalidInput)."""
    allowed = TRANSITIONS[current]
    if change.status not in allowed:
        if not allowed:
            detail = f"Заявка в статусе «{STATUS_TITLES[current]}» закрыта: её статус больше не меняется."
        else:
            detail = (
                f"Заявку в статусе «{STATUS_TITLES[current]}» нельзя перевести "
                f"в «{STATUS_TITLES[change.status]}». Допустимые статусы: {_quoted(allowed)}."
            )
        raise Conflict(
            "Переход статуса запрещён",
            detail,
            [FieldError(field="status", message=detail)],
        )
    if change.status in COMMENT_REQUIRED and not change.comment:
        raise invalid_field(
            "comment", f"Для статуса «{STATUS_TITLES[change.status]}» напишите комментарий для потребителя."
        )


def change_status(request_id: str, change: StatusChange, changed_by: str) -> IntegrationRequest:
    """Moves the request by the rules, keeps the change in its history and mails the consumer."""
    store = RequestStore()
    key = store.key_of(request_id) if is_request_id(request_id) else None
    item = store.get_by_key(key) if key else None
    if key is None or item is None:
        raise NotFound("Заявка с таким id не найдена.")
    current = RequestStatus(item["status"])
    check_transition(current, change)
    at = now().isoformat()
    # The actor is who the portal knows made the change (the API key); the operator the client names
    # is kept beside it, never in its place.
    entry: Item = {"status": change.status.value, "at": at, "changed_by": changed_by}
    if change.operator:
        entry["operator"] = change.operator
    if change.comment:
        entry["comment"] = change.comment
    try:
        updated = store.change_status(key, current.value, change.status.value, at, entry)
    except StatusChanged:
        raise Conflict(
            "Статус уже изменён",
            "Статус заявки только что изменили в другой системе. Получите заявку заново и повторите.",
        ) from None
    number = str(updated["number"])
    logger.info("request moved", extra={"request_id": request_id, "from": current, "to": change.status})
    mails.mail_consumer(
        str(updated["email"]),
        *mails.status_changed(number, STATUS_TITLES[change.status], change.comment, request_id),
    )
    return for_integration(updated)
