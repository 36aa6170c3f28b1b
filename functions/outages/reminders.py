"""OutageReminderFunction (template.yaml, daily at 09:00 Moscow time): the day-before mail of a planned
outage published earlier than the day before it starts (docs/architecture.md «Domain rules →
Outages»).

It reads the outages not over yet (one Query of the index `Active`) and, for each planned one that
starts tomorrow (Moscow time), queues its fan-out with the purpose «reminder» — one SQS message per
outage, its id derived from the outage, so a run repeated (a retry of the schedule, a second run on
the same day) queues the same job and the mail worker does it once. The fan-out mails each consumer
with the same job id as a mail sent at publication, so nobody is mailed twice for one outage.
"""

from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.clock import moscow_date, now
from functions.common.mail import queue_mail
from functions.common.tracing import tracer
from functions.outages.jobs import FanoutPurpose, OutageFanout, derived_id
from functions.outages.models import OutageKind
from functions.outages.store import OutageStore

logger = Logger()


def remind(at: datetime | None = None) -> dict[str, int]:
    """Queues the reminder fan-out of every planned outage starting tomorrow (Moscow time)."""
    moment = at or now()
    tomorrow = moscow_date(moment) + timedelta(days=1)
    queued = 0
    for outage in OutageStore().active(moment):
        if outage.kind != OutageKind.PLANNED or moscow_date(outage.starts_at) != tomorrow:
            continue
        job = OutageFanout(
            id=derived_id(outage.id, "reminder"),
            outage_id=outage.id,
            version=outage.version,
            purpose=FanoutPurpose.REMINDER,
        )
        queue_mail(job)
        queued += 1
    logger.info("outage reminders queued", extra={"queued": queued, "day": tomorrow.isoformat()})
    return {"queued": queued}


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return remind()
