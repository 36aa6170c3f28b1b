"""The statuses' rules (docs/architecture.md) and the changes of a request's status: the company's
and the consumer's withdrawal, each written with what it owes (the consumer's mail, its events
numbered on from the request's counter) in one transaction."""

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Literal

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.caller import Caller
from functions.common.clock import now
from functions.common.errors import (
    Conflict,
    FieldError,
    NotFound,
    PreconditionFailed,
    TryLater,
    coded,
    invalid_field,
)
from functions.common.outbox import OutboxEntry
from functions.outages.service import exists as outage_exists
from functions.requests import mails
from functions.requests.ids import is_request_id
from functions.requests.inputs import CONSUMER_ACTOR, StatusChange, Withdrawal
from functions.requests.integration_views import IntegrationRequest
from functions.requests.outputs import RequestDetail
from functions.requests.presentation import for_integration, request_detail_of
from functions.requests.records import StatusMove, StoredHistoryEntry, StoredRequest
from functions.requests.store import RequestMoved, RequestStore, StatusChanged
from functions.requests.versions import IF_MATCH_FIELD, if_match_holds, request_etag
from functions.requests.vocabulary import STATUS_TITLES, RequestStatus, RequestType

logger = Logger()

# ---------------------------------------------------------------- the statuses' rules (DESIGN §5)

_WITHDRAW = RequestStatus.WITHDRAWN
_REDIRECT = RequestStatus.REDIRECTED
TRANSITIONS: Mapping[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.REGISTERED: (
        RequestStatus.IN_REVIEW,
        RequestStatus.NEEDS_INFO,
        RequestStatus.REJECTED,
        _REDIRECT,
        _WITHDRAW,
    ),
    RequestStatus.IN_REVIEW: (
        RequestStatus.IN_PROGRESS,
        RequestStatus.NEEDS_INFO,
        RequestStatus.REJECTED,
        _REDIRECT,
        _WITHDRAW,
    ),
    # «Аннулирована»: the missing data did not come in time (ПП № 861, п. 15; the daily deadlines
    # function, connection_deadlines.py, or the company).
    RequestStatus.NEEDS_INFO: (
        RequestStatus.IN_REVIEW,
        RequestStatus.REJECTED,
        RequestStatus.ANNULLED,
        _REDIRECT,
        _WITHDRAW,
    ),
    RequestStatus.IN_PROGRESS: (
        RequestStatus.DONE,
        RequestStatus.NEEDS_INFO,
        RequestStatus.REJECTED,
        _WITHDRAW,
    ),
    RequestStatus.DONE: (),
    RequestStatus.REJECTED: (),
    RequestStatus.WITHDRAWN: (),
    RequestStatus.ANNULLED: (),
    RequestStatus.REDIRECTED: (),
}
# The consumer must learn why a request was refused, what to clarify and to whom it was passed; the
# company, why it was withdrawn.
COMMENT_REQUIRED = frozenset(
    {
        RequestStatus.REJECTED,
        RequestStatus.NEEDS_INFO,
        RequestStatus.WITHDRAWN,
        RequestStatus.ANNULLED,
        RequestStatus.REDIRECTED,
    }
)
# The grid company must conclude the connection contract (ПП № 861, п. 3; read in the edition in force
# as «обязана выполнить в отношении любого обратившегося к ней лица мероприятия по технологическому
# присоединению» — не сверено дословно): a connection ends «Перенаправлена» (the wrong company) or
# «Аннулирована» (п. 15), never «Отклонена».
FORBIDDEN_FOR: Mapping[RequestType, frozenset[RequestStatus]] = {
    RequestType("connection"): frozenset({RequestStatus.REJECTED}),
}
FORBIDDEN_WHY = (
    "Заявку на технологическое присоединение не отклоняют: сетевая организация обязана заключить "
    "договор (ПП № 861, п. 3). Если заявка подана не в ту сетевую организацию — «Перенаправлена», "
    "если недостающие сведения не представлены в срок — «Аннулирована» (п. 15)."
)
# Only the consumer withdraws their request; the company's systems set every other status.
CONSUMER_ONLY = frozenset({RequestStatus.WITHDRAWN})
CLOSED = frozenset(status for status, onward in TRANSITIONS.items() if not onward)
# What the history says when the consumer's answer brings a request back from «Требуются уточнения».
ANSWERED_COMMENT = "Потребитель ответил на запрос уточнений."
# A change whose transaction finds the request's counter of events moved meanwhile (another change
# numbered its events first) numbers its own again on the request as the refusal shows it, this many
# times in all (conversation.py's messages likewise); then 503, to send it again.
ATTEMPTS = 5


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
        raise coded(
            Conflict("Переход статуса запрещён", detail, [FieldError(field="status", message=detail)]),
            "transition-forbidden",
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


Owing = Callable[[StoredRequest, StatusMove], OutboxEntry]


def _move(
    store: RequestStore,
    request: StoredRequest,
    change: StatusChange,
    changed_by: str,
    owing: Owing,
    on_moved: Callable[[StoredRequest], None] = lambda _: None,
) -> StoredRequest:
    """Writes the change by the rules (checked before), with what it owes (`owing(request, move)`,
    its events numbered on from the request's counter): a change that closes the request also ends
    its waiting for an answer. StatusChanged when someone moved it first; when only its counter
    moved, the change is numbered again on the request as it is now. The consumer's own changes say
    so (`consumer_action`): only the portal writes that, so the history tells them from an old entry
    whose client named itself «consumer». `on_moved` sees the request as it is now before the change
    is numbered again, and may refuse it (a move made on a version: `If-Match`)."""
    entry = history_entry(change, now(), changed_by)
    if changed_by == CONSUMER_ACTOR:
        entry = replace(entry, consumer_action="withdrew")
    for _ in range(ATTEMPTS):
        move = StatusMove(expected=request.status, entry=entry, outage_id=change.outage_id)
        try:
            return store.change_status(request, move, change.status in CLOSED, owing(request, move))
        except RequestMoved as moved:
            request = moved.request or request
            on_moved(request)
    raise TryLater(
        "Заявка сейчас меняется",
        "По заявке одновременно записываются другие изменения. Повторите запрос через секунду.",
        retry_after=1,
    )


def move_by_rules(
    store: RequestStore, request: StoredRequest, change: StatusChange, changed_by: str, owing: Owing
) -> StoredRequest:
    """Checks the change by the statuses' rules and writes it with what it owes (`_move`): the
    portal's own moves (a connection annulled by its deadline, connection_deadlines.py)."""
    check_transition(request.status, change)
    return _move(store, request, change, changed_by, owing)


def status_changed(
    request: StoredRequest, move: StatusMove, by: Literal["company", "consumer"], sequence: int
) -> events.RequestStatusChanged:
    """The event of `move` of `request` (as read before it), numbered `sequence`."""
    return events.RequestStatusChanged(
        request_id=request.request_id,
        number=request.number,
        sequence=sequence,
        previous_status=move.expected.value,
        status=move.status.value,
        by=by,
        changed_at=move.at,
    )


def change_status(
    request_id: str, change: StatusChange, changed_by: str, if_match: str | None = None
) -> IntegrationRequest:
    """Moves the request by the rules, keeps the change in its history, and owes the consumer's mail
    and the event RequestStatusChanged, written with it (none mailed once the consumer's account is
    erased). With `if_match` (the `If-Match` header: versions.py) the move is made only on that
    version of the request, as with `expected_status` only from that status: else 412."""

    def owing(current: StoredRequest, move: StatusMove) -> OutboxEntry:
        mail = mails.to_consumer(
            current.email, *mails.status_changed(current.number, move.status, change.comment, request_id)
        )
        changed = status_changed(current, move, "company", current.event_seq + 1)
        return OutboxEntry.owing(mails=mail, events=[changed])

    store = RequestStore()
    ref = store.find(request_id) if is_request_id(request_id) else None
    request = store.get(ref.user_id, ref.request_id) if ref else None
    if request is None:
        raise NotFound("Заявка с таким id не найдена.")
    current = request.status
    if change.status is current:
        # A retry of a move that was made (or the same move by another system): nothing to do again,
        # no second history entry, no second mail.
        return for_integration(request)
    if change.expected_status is not None and change.expected_status is not current:
        raise _stale(change.expected_status, current)
    on_version = _on_version(if_match)
    on_version(request)
    _check_company_move(request, change)
    if change.outage_id is not None and not outage_exists(change.outage_id):
        raise invalid_field("outage_id", "Отключение с таким id не найдено: проверьте id (GET /api/outages).")
    try:
        updated = _move(store, request, change, changed_by, owing, on_version)
    except StatusChanged:
        if change.expected_status is not None:
            moved = store.get(request.user_id, request.request_id)
            raise _stale(change.expected_status, moved.status if moved else current) from None
        if if_match is not None:
            raise _changed_version() from None
        raise coded(
            Conflict(
                "Статус уже изменён",
                "Статус заявки только что изменили в другой системе. Получите заявку заново и повторите.",
            ),
            "status-changed",
        ) from None
    logger.info("request moved", extra={"request_id": request_id, "from": current, "to": change.status})
    return for_integration(updated)


def _check_company_move(request: StoredRequest, change: StatusChange) -> None:
    """Refuses a move the company may not make: one its type forbids, one only the consumer makes,
    one the statuses' rules forbid (Conflict), or one without its required comment."""
    if change.status in FORBIDDEN_FOR.get(request.type, frozenset()):
        raise coded(
            Conflict(
                "Переход статуса запрещён", FORBIDDEN_WHY, [FieldError(field="status", message=FORBIDDEN_WHY)]
            ),
            "transition-forbidden",
        )
    if change.status in CONSUMER_ONLY:
        detail = f"Статус «{STATUS_TITLES[change.status]}» ставит только потребитель, отзывая свою заявку."
        raise coded(
            Conflict("Переход статуса запрещён", detail, [FieldError(field="status", message=detail)]),
            "transition-forbidden",
        )
    check_transition(request.status, change)


def _stale(expected: RequestStatus, current: RequestStatus) -> PreconditionFailed:
    detail = (
        f"Заявка уже в статусе «{STATUS_TITLES[current]}», а не «{STATUS_TITLES[expected]}», как указано в "
        "поле «Ожидаемый текущий статус»: её перевела другая система. Получите заявку заново и решите, "
        "нужен ли перевод."
    )
    return PreconditionFailed(
        "Статус заявки изменился", detail, [FieldError(field="expected_status", message=detail)]
    )


def _on_version(if_match: str | None) -> Callable[[StoredRequest], None]:
    """The check of a move's `If-Match` against the request as read (and as read again, should the
    request change before the move is written): PreconditionFailed unless it names that version."""

    def check(request: StoredRequest) -> None:
        if if_match is not None and not if_match_holds(if_match, request_etag(for_integration(request))):
            raise _changed_version()

    return check


def _changed_version() -> PreconditionFailed:
    detail = (
        "Заявка изменилась с тех пор, как вы её получили: ETag в заголовке If-Match больше не совпадает с "
        "её версией (её изменила другая система или потребитель). Получите заявку заново "
        "(GET /api/integration/requests/{id}) и решите, нужен ли перевод."
    )
    return coded(
        PreconditionFailed(
            "Версия заявки изменилась", detail, [FieldError(field=IF_MATCH_FIELD, message=detail)]
        ),
        "version-changed",
    )


def withdraw(caller: Caller, request_id: str, withdrawal: Withdrawal) -> RequestDetail:
    """The consumer withdraws their request while it is open: «Отозвана», with the reason in the
    history, mailed to them; the events RequestWithdrawn and RequestStatusChanged are owed with it.
    Withdrawing a withdrawn request again answers it as it is."""

    def owing(current: StoredRequest, move: StatusMove) -> OutboxEntry:
        withdrawn = events.RequestWithdrawn(
            request_id=request_id,
            number=current.number,
            sequence=current.event_seq + 1,
            previous_status=move.expected.value,
            withdrawn_at=move.at,
        )
        changed = status_changed(current, move, "consumer", current.event_seq + 2)
        text = mails.withdrawn(current.number, withdrawal.reason, request_id)
        mail = mails.to_consumer(caller.email, *text)
        return OutboxEntry.owing(mails=mail, events=[withdrawn, changed])

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
        updated = _move(store, request, change, CONSUMER_ACTOR, owing)
    except StatusChanged:
        raise Conflict(
            "Статус уже изменён",
            "Статус заявки только что изменился. Обновите страницу и, если нужно, отзовите заявку снова.",
        ) from None
    logger.info("request withdrawn", extra={"request_id": request_id, "from": current})
    return request_detail_of(updated)
