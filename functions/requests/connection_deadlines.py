"""ConnectionDeadlinesFunction: daily (template.yaml's schedule), the deadlines of technological
connections run by themselves.

* A connection whose missing data was asked and not supplied within 20 working days (ПП № 861, п. 15;
  не сверено, see connection_procedure.py) is annulled: «Аннулирована», with the reason in the
  history, the consumer's mail and RequestStatusChanged owed in the move's own transaction (the
  outbox). Only requests still «Требуются уточнения» are read: the consumer's answer moves the request
  out of it (conversation.py), and then nothing is annulled.
* Every open connection with a stage of the company's overdue is counted (ConnectionStagesOverdue,
  alarmed in template.yaml: ConnectionStagesOverdueAlarm) and logged with its number and stage.

The requests are read by status from GSI ByStatus (a Query per page, never a Scan).
"""

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.clock import moscow_today
from functions.common.metrics import BusinessMetric, gauge
from functions.common.tracing import tracer
from functions.requests.connection_procedure import CONNECTION, procedure_of
from functions.requests.records import StatusMove, StoredRequest
from functions.requests.store import RequestStore, StatusChanged
from functions.requests.vocabulary import RequestStatus

if TYPE_CHECKING:
    from functions.common.outbox import OutboxEntry

logger = Logger()

ANNULLED_WHY = (
    "Недостающие сведения и документы не представлены в течение 20 рабочих дней со дня запроса: "
    "заявка аннулирована (ПП № 861, п. 15). Чтобы присоединиться, подайте новую заявку."
)
OPEN = (
    RequestStatus.REGISTERED,
    RequestStatus.IN_REVIEW,
    RequestStatus.NEEDS_INFO,
    RequestStatus.IN_PROGRESS,
)
PAGE = 100


def connections_in(store: RequestStore, status: RequestStatus) -> Iterator[StoredRequest]:
    """Every connection request now in `status`, page by page."""
    cursor: str | None = None
    while True:
        page = store.by_status(status, None, PAGE, cursor)
        yield from (request for request in page.items if request.type == CONNECTION)
        cursor = page.cursor
        if cursor is None:
            return


def is_lapsed(request: StoredRequest, today: date) -> bool:
    """Whether its missing data was asked and the 20 working days to supply it have passed."""
    procedure = procedure_of(request, today)
    supplied = (
        next((s for s in procedure.stages if s.code == "missing_data_supplied"), None) if procedure else None
    )
    return (
        supplied is not None
        and supplied.completed_on is None
        and supplied.due_on is not None
        and supplied.due_on < today
    )


def annul(store: RequestStore, request: StoredRequest) -> None:
    # Imported by the first annulment: most days none lapses, and a run then only reads and counts.
    from functions.common.outbox import OutboxEntry
    from functions.requests import mails
    from functions.requests.inputs import PORTAL_ACTOR, StatusChange
    from functions.requests.transitions import move_by_rules, status_changed

    change = StatusChange(status=RequestStatus.ANNULLED, comment=ANNULLED_WHY)

    def owing(current: StoredRequest, move: StatusMove) -> "OutboxEntry":
        text = mails.status_changed(current.number, move.status, ANNULLED_WHY, current.request_id)
        changed = status_changed(current, move, "company", current.event_seq + 1)
        return OutboxEntry.owing(mails=mails.to_consumer(current.email, *text), events=[changed])

    move_by_rules(store, request, change, PORTAL_ACTOR, owing)


def run(today: date) -> dict[str, int]:
    store = RequestStore()
    annulled = overdue = 0
    for request in connections_in(store, RequestStatus.NEEDS_INFO):
        if not is_lapsed(request, today):
            continue
        try:
            annul(store, request)
        except StatusChanged:
            continue  # answered or moved meanwhile: not annulled
        annulled += 1
        logger.info("connection annulled", extra={"request_id": request.request_id, "number": request.number})
    for status in OPEN:
        for request in connections_in(store, status):
            procedure = procedure_of(request, today)
            late = [s.code for s in procedure.stages if s.overdue and s.by == "company"] if procedure else []
            if late:
                overdue += 1
                logger.warning(
                    "connection stage overdue",
                    extra={"request_id": request.request_id, "number": request.number, "stages": late},
                )
    gauge(BusinessMetric.CONNECTION_STAGES_OVERDUE, overdue)
    return {"annulled": annulled, "overdue": overdue}


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return run(moscow_today())
