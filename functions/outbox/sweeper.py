"""OutboxSweeperFunction: every minute (template.yaml's schedule), relays the outbox items still
pending `SWEEP_AFTER` after they were written — those the stream's relay could not (the mail queue or
the bus down longer than its retries, a record given up to OutboxFailedQueue) — by the same
`service.relay`, oldest first, from the sparse index Pending (a Query of keys, never a Scan). So
nothing owed is lost, however long the outage: an item stays pending until it is relayed.

Then it settles the notices held for `HOLD_FOR` (functions/common/held.py): a Cognito change whose
function stopped before recording it, which no retry finished (functions/outbox/held.py).

It stops starting items `MARGIN` before its Timeout, so that a run ends before the next one is due
(and, with template.yaml's ReserveConcurrency, at most one runs: ReservedConcurrentExecutions 1; a
late retry of a run may otherwise overlap the next, relaying at least once as the stream's relay
beside it does); what is left waits for that run. Each run counts the items it found
pending for over `OVERDUE_AFTER` (OutboxOverdue, alarmed): a mail or an event that late means the
stream and the sweeper have both failed for minutes.
"""

from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.clock import now
from functions.common.held import HOLD_FOR, HeldNotices
from functions.common.metrics import BusinessMetric, count, gauge
from functions.common.tracing import tracer
from functions.outbox import held, service
from functions.outbox.store import OutboxStore

logger = Logger()

# The stream relays a new item within seconds: one pending this long has been failing there.
SWEEP_AFTER = timedelta(minutes=2)
OVERDUE_AFTER = timedelta(minutes=10)
MARGIN_MS = 20_000


def sweep(context: LambdaContext) -> dict[str, int]:
    at = now()
    relayed = failed = overdue = left = 0
    for pk, created_at in OutboxStore().pending_before(at - SWEEP_AFTER):
        if created_at < at - OVERDUE_AFTER:
            overdue += 1
        if context.get_remaining_time_in_millis() < MARGIN_MS:
            left += 1
            continue
        try:
            outcome = service.relay_counted(pk, by="sweeper")
        except Exception:
            failed += 1  # logged and counted; still pending, for the next run
        else:
            relayed += outcome == "relayed"
    gauge(BusinessMetric.OUTBOX_OVERDUE, overdue)
    settled = 0
    for pk, _ in HeldNotices().older_than(at - HOLD_FOR):
        if context.get_remaining_time_in_millis() < MARGIN_MS:
            left += 1
            continue
        try:
            outcome = held.settle(pk)
        except Exception:
            logger.exception("held notice not settled, to be retried", extra={"pk": pk})
            count(BusinessMetric.OUTBOX_RELAYS, Outcome="failed")
            failed += 1
            continue
        logger.info("held notice settled", extra={"pk": pk, "outcome": outcome})
        settled += outcome != "gone"
    return {"relayed": relayed, "failed": failed, "overdue": overdue, "left": left, "settled": settled}


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    swept = sweep(context)
    if swept["failed"] or swept["overdue"]:
        logger.warning("outbox swept, items still owed", extra=swept)
    return swept
