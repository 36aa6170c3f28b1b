"""MailFunction: SQS delivers batches of mail jobs (functions/mail/models.py); each is done by
`service.deliver`. Failures are reported per message (`batchItemFailures`): SQS delivers only those
again, after the queue's visibility timeout, and after maxReceiveCount moves them to the dead-letter
queue. One job's fault never stops the others. A message that is not a job fails every time and so
ends in the dead-letter queue, where it can be read.
"""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from functions.common.metrics import BusinessMetric, count
from functions.mail import service
from functions.mail.models import MAIL_JOB

logger = Logger()
# X-Ray (Tracing: Active); off outside Lambda. Answers hold tokens: never put in a trace.
tracer = Tracer()
processor = BatchProcessor(event_type=EventType.SQS)


class NotAMailJob(Exception):
    """The message's body is not a job of this queue."""


def _deliver(record: SQSRecord) -> str:
    try:
        job = MAIL_JOB.validate_json(record.body)
    except ValidationError as error:
        # The body may hold an address or a name: only where it failed is logged.
        fields = sorted({".".join(str(part) for part in e["loc"]) for e in error.errors()})
        logger.error("not a mail job", extra={"message_id": record.message_id, "fields": fields})
        raise NotAMailJob(record.message_id) from None
    try:
        return service.deliver(job)
    except Exception:
        logger.exception("mail job failed, to be delivered again", extra={"kind": job.kind, "job_id": job.id})
        count(BusinessMetric.MAILS_FAILED)
        raise


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=_deliver, processor=processor, context=context
    )
