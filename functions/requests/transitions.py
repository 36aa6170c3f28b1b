"""The statuses' rules (docs/architecture.md) and the company's change of a request's status."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Literal

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.caller import Caller
from functions.common.clock import now
from functions.common.errors import Conflict, FieldError, NotFound, invalid_field
from functions.requests import mails
from functions.requests.ids import is_request_id
from functions.requests.inputs import CONSUMER_ACTOR, StatusChange, Withdrawal
from functions.requests.integration_views import IntegrationRequest
from functions.requests.outputs import RequestDetail
from functions.requests.presentation import for_integration, request_detail_of
from functions.requests.records import StatusMove, StoredHistoryEntry, StoredRequest
from functions.requests.registry import STATUS_TITLES, RequestStatus
from functions.requests.store import RequestStore, StatusChanged

logger = Logger()

# ---------------------------------------------------------------- the statuses' rules (DESIGN §5)

_WITHDRAW = RequestStatus.WITHDRAWN
TRANSITIONS: Mapping[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.REGISTERED: (
        RequestStatus.IN_REVIEW,
        RequestStatus.NEEDS_INFO,
        RequestStatus.REJECTED,
        _WITHDRAW,
    ),
    RequestStatus.IN_REVIEW: (
        RequestStatus.IN_PROGRESS,
        RequestStatus.NEEDS_INFO,
        RequestStatus.REJECTED,
        _WITHDRAW,
    ),
    RequestStatus.NEEDS_INFO: (RequestStatus.IN_REVIEW, RequestStatus.REJECTED, _WITHDRAW),
    RequestStatus.IN_PROGRESS: (
        RequestStatus.DONE,
        RequestStatus.NEEDS_INFO,
        RequestStatus.REJECTED,
        _WITHDRAW,
    ),
    RequestStatus.DONE: (),
    RequestStatus.REJECTED: (),
    RequestStatus.WITHDRAWN: (),
}
# The consumer must learn why a request was refused and what to clarify; the company, why it was
# withdrawn.
COMMENT_REQUIRED = frozenset({RequestStatus.REJECTED, RequestStatus.NEEDS_INFO, RequestStatus.WITHDRAWN})
# Only the consumer withdraws their request; the company's systems set every other status.
CONSUMER_ONLY = frozenset({RequestStatus.WITHDRAWN})
CLOSED = frozenset(status for status, onward in TRANSITIONS.items() if not onward)
# What the history says when the consumer's answer brings a request back from «Требуются уточнения».
ANSWERED_COMMENT = "Потребитель ответил на запрос уточнений."


def _quoted(statuses: tuple[RequestStatus, ...]) -> str:
    return ", ".join(f"«{STATUS_TITLES[s]}»" for s in statuses)


def is_open(status: RequestStatus) -> bool:
    return status not in CLOSED


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
                f"в «{STATUS_TITLES[change.status]}». Допустимые статусы: "
                f"{_quoted(tuple(s for s in allowed if s not in CONSUMER_ONLY))}."
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


def consumer_move(current: RequestStatus, at: datetime) -> StatusMove | None:
    """The move the consumer's message makes by itself: an answer to «Требуются уточнения» brings the
    request back to «На рассмотрении» (by the same rules as any change), recorded as the consumer's."""
    if current is not RequestStatus.NEEDS_INFO:
        return None
    change = StatusChange(status=RequestStatus.IN_REVIEW, comment=ANSWERED_COMMENT)
    check_transition(current, change)
    entry = replace(history_entry(change, at, CONSUMER_ACTOR), consumer_action="answered")
    return StatusMove(expected=current, entry=entry)


def history_entry(change: StatusChange, at: datetime, changed_by: str) -> StoredHistoryEntry:
    """The history's record of a change. The actor is who the portal knows made it (the consumer, or
    the API key); the operator a client names is kept beside it, never in its place."""
    return StoredHistoryEntry(
        status=change.status,
        at=at,
        changed_by=changed_by,
        operator=change.operator or None,
        comment=change.comment or None,
    )


def _move(
    store: RequestStore, request: StoredRequest, change: StatusChange, changed_by: str
) -> StoredRequest:
    """Writes the change by the rules (checked before): a change that closes the request also ends
    its waiting for an answer. StatusChanged when someone moved it first. The consumer's own changes
    say so (`consumer_action`): only the portal writes that, so the history tells them from an old
    entry whose client named itself «consumer»."""
    entry = history_entry(change, now(), changed_by)
    if changed_by == CONSUMER_ACTOR:
        entry = replace(entry, consumer_action="withdrew")
    move = StatusMove(expected=request.status, entry=entry)
    return store.change_status(request.user_id, request.request_id, move, closes=change.status in CLOSED)


def status_changed(
    updated: StoredRequest, previous: RequestStatus, by: Literal["company", "consumer"]
) -> events.RequestStatusChanged:
    """The event of a change of status just stored (`updated` is the request after it)."""
    return events.RequestStatusChanged(
        request_id=updated.request_id,
        number=updated.number,
        previous_status=previous.value,
        status=updated.status.value,
        by=by,
        changed_at=updated.status_changed_at,
    )


def change_status(request_id: str, change: StatusChange, changed_by: str) -> IntegrationRequest:
    """Moves the request by the rules, keeps the change in its history and mails the consumer."""
    store = RequestStore()
    ref = store.find(request_id) if is_request_id(request_id) else None
    request = store.get(ref.user_id, ref.request_id) if ref else None
    if request is None:
        raise NotFound("Заявка с таким id не найдена.")
    current = request.status
    if change.status in CONSUMER_ONLY:
        detail = f"Статус «{STATUS_TITLES[change.status]}» ставит только потребитель, отзывая свою заявку."
        raise Conflict("Переход статуса запрещён", detail, [FieldError(field="status", message=detail)])
    check_transition(current, change)
    try:
        updated = _move(store, request, change, changed_by)
    except StatusChanged:
        raise Conflict(
            "Статус уже изменён",
            "Статус заявки только что изменили в другой системе. Получите заявку заново и повторите.",
        ) from None
    logger.info("request moved", extra={"request_id": request_id, "from": current, "to": change.status})
    events.publish(status_changed(updated, current, "company"))
    mails.mail_consumer(  # none once the consumer's account is erased
        updated.email, *mails.status_changed(updated.number, change.status, change.comment, request_id)
    )
    return for_integration(updated)


def withdraw(caller: Caller, request_id: str, withdrawal: Withdrawal) -> RequestDetail:
    """The consumer withdraws their request while it is open: «Отозвана», with the reason in the
    history, mailed to them. Withdrawing a withdrawn request again answers it as it is."""
    store = RequestStore()
    request = store.get(caller.user_id, request_id) if is_request_id(request_id) else None
    if request is None:
        raise NotFound("Заявка не найдена.")
    current = request.status
    if current is RequestStatus.WITHDRAWN:
        return request_detail_of(request)
    change = StatusChange(status=RequestStatus.WITHDRAWN, comment=withdrawal.reason)
    if not is_open(current):
        detail = f"Заявка в статусе «{STATUS_TITLES[current]}» закрыта: отозвать её нельзя."
        raise Conflict("Заявку нельзя отозвать", detail)
    check_transition(current, change)
    try:
        updated = _move(store, request, change, CONSUMER_ACTOR)
    except StatusChanged:
        raise Conflict(
            "Статус уже изменён",
            "Статус заявки только что изменился. Обновите страницу и, если нужно, отзовите заявку снова.",
        ) from None
    logger.info("request withdrawn", extra={"request_id": request_id, "from": current})
    events.publish(
        events.RequestWithdrawn(
            request_id=request_id,
            number=updated.number,
            previous_status=current.value,
            withdrawn_at=updated.status_changed_at,
        ),
        status_changed(updated, current, "consumer"),
    )
    mails.mail_consumer(caller.email, *mails.withdrawn(updated.number, withdrawal.reason, request_id))
    return request_detail_of(updated)
