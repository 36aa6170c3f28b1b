"""The company marks a connection's stages (POST /api/integration/requests/{id}/stages): in order
(409 naming the stage that must come first), each kept in the history, mailed to the consumer with
what comes next and by when, and published (RequestStageCompleted, and RequestStatusChanged when the
stage moves the request's status), all in the mark's own transaction. Billing marks the invoice paid
the same way."""

from dataclasses import replace

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.clock import moscow_date, now
from functions.common.errors import Conflict, FieldError, NotFound, TryLater, invalid_field
from functions.common.outbox import OutboxEntry
from functions.requests import mails
from functions.requests.connection_procedure import (
    CONNECTION,
    STAGE_OF,
    must_come_first,
    next_step,
    procedure_of,
)
from functions.requests.ids import is_request_id
from functions.requests.integration_views import IntegrationRequest
from functions.requests.presentation import for_integration
from functions.requests.records import StatusMove, StoredHistoryEntry, StoredRequest, StoredStageMark
from functions.requests.stage_mark_input import StageMarkRequest
from functions.requests.stage_store import StageStore
from functions.requests.store import RequestMoved, RequestStore
from functions.requests.transitions import ATTEMPTS, CLOSED, TRANSITIONS, is_open, status_changed

logger = Logger()


def _move_of(request: StoredRequest, code: str, at_entry: StoredHistoryEntry) -> tuple[StatusMove, bool]:
    """The move a mark makes: to the stage's status when the statuses' rules allow it from where the
    request is, else none (the history entry keeps the current status)."""
    target = STAGE_OF[code].moves_to
    status = target if target is not None and target in TRANSITIONS[request.status] else request.status
    entry = StoredHistoryEntry(
        status=status,
        at=at_entry.at,
        changed_by=at_entry.changed_by,
        operator=at_entry.operator,
        comment=at_entry.comment,
        stage=code,
    )
    return StatusMove(expected=request.status, entry=entry), status in CLOSED


def mark_stage(request_id: str, mark: StageMarkRequest, changed_by: str) -> IntegrationRequest:
    store = RequestStore()
    ref = store.find(request_id) if is_request_id(request_id) else None
    request = store.get(ref.user_id, ref.request_id) if ref else None
    if request is None:
        raise NotFound("Заявка с таким id не найдена.")
    if request.type != CONNECTION:
        detail = "Этапы есть только у заявки на технологическое присоединение."
        raise Conflict("Этап не отмечен", detail, [FieldError(field="stage", message=detail)])
    for _ in range(ATTEMPTS):
        try:
            updated = _mark(store, request, mark, changed_by)
        except RequestMoved as moved:
            if moved.request is None:
                raise NotFound("Заявка с таким id не найдена.") from None
            request = moved.request
            continue
        logger.info("connection stage marked", extra={"request_id": request_id, "stage": mark.stage})
        return for_integration(updated)
    raise TryLater(
        "Заявка сейчас меняется",
        "По заявке одновременно записываются другие изменения. Повторите запрос через секунду.",
        retry_after=1,
    )


def _mark(
    store: RequestStore, request: StoredRequest, mark: StageMarkRequest, changed_by: str
) -> StoredRequest:
    if not is_open(request.status):
        detail = "Заявка закрыта: её этапы больше не отмечаются."
        raise Conflict("Этап не отмечен", detail, [FieldError(field="stage", message=detail)])
    refusal = must_come_first(request, mark.stage)
    if refusal is not None:
        raise Conflict("Этап не по порядку", refusal, [FieldError(field="stage", message=refusal)])
    at = now()
    on = mark.completed_on or moscow_date(at)
    if on < moscow_date(request.created_at):
        raise invalid_field("completed_on", "Этап не может быть выполнен раньше подачи заявки.")
    title = STAGE_OF[mark.stage].title
    comment = f"Этап «{title}» выполнен." + (f" {mark.message}" if mark.message else "")
    base = StoredHistoryEntry(
        status=request.status, at=at, changed_by=changed_by, operator=mark.operator, comment=comment
    )
    move, closes = _move_of(request, mark.stage, base)
    stored = StoredStageMark(code=mark.stage, on=on, at=at, by=changed_by, message=mark.message)
    after = move.applied(request, closes=closes)
    after = replace(after, stages=(*request.stages, stored))
    completed = events.RequestStageCompleted(
        request_id=request.request_id,
        number=request.number,
        sequence=request.event_seq + 1,
        stage=mark.stage,
        completed_on=on,
        marked_at=at,
    )
    published: list[events.PortalEvent] = [completed]
    if move.status != move.expected:
        published.append(status_changed(request, move, "company", request.event_seq + 2))
    shown = procedure_of(after, moscow_date(at))
    done_title = next((s.title for s in shown.stages if s.code == mark.stage), title) if shown else title
    text = mails.stage_completed(
        request.number, done_title, on, next_step(after, moscow_date(at)), mark.message, request.request_id
    )
    owed = OutboxEntry.owing(mails=mails.to_consumer(request.email, *text), events=published)
    return StageStore().mark(request, stored, move, closes, owed)
