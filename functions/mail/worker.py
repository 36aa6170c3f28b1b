"""MailFunction's worker: SQS delivers batches of mail jobs; each is done once by `service.deliver`
with what its kind does. Failures are reported per message (`batchItemFailures`): SQS delivers only
those again, after the queue's visibility timeout, and after maxReceiveCount moves them to the
dead-letter queue. One job's fault never stops the others. A message that is not a job of a kind the
worker knows fails every time and so ends in the dead-letter queue, where it can be read.

The worker knows the notice (mail's own kind) and the kinds it is given by the domains that own them;
the Lambda handler that gives them is the composition root, outside this package
(template.yaml's MailFunction: functions/auth/mail_worker.py, with auth's account jobs).
"""

import operator
from functools import reduce
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field, TypeAdapter, ValidationError

from functions.common.mail import MailJob
from functions.common.metrics import BusinessMetric, count
from functions.mail import service
from functions.mail.service import NOTICE, JobKind

logger = Logger()


class NotAMailJob(Exception):
    """The message's body is not a job of this queue."""


class MailWorker:
    """Does the mail queue's jobs: the notices, and the jobs of `kinds` (each kind named once)."""

    def __init__(self, *kinds: JobKind[Any]) -> None:
        every = (*kinds, NOTICE)
        names = [kind.name for kind in every]
        if len(set(names)) != len(names):
            raise ValueError(f"a kind of mail job is given twice: {sorted(names)}")
        self._kinds: dict[type[MailJob], JobKind[Any]] = {kind.model: kind for kind in every}
        # One union told apart by `kind`, as a job's body says it.
        union: Any = reduce(operator.or_, (kind.model for kind in every))
        jobs: Any = Annotated[union, Field(discriminator="kind")] if len(every) > 1 else union
        self._jobs: TypeAdapter[MailJob] = TypeAdapter(jobs)
        self._processor = BatchProcessor(event_type=EventType.SQS)

    @property
    def kinds(self) -> list[str]:
        return [kind.name for kind in self._kinds.values()]

    def _deliver(self, record: SQSRecord) -> str:
        try:
            job = self._jobs.validate_json(record.body)
        except ValidationError as error:
            # The body may hold an address or a name: only where it failed is logged.
            fields = sorted({".".join(str(part) for part in e["loc"]) for e in error.errors()})
            logger.error("not a mail job", extra={"message_id": record.message_id, "fields": fields})
            raise NotAMailJob(record.message_id) from None
        kind = self._kinds[type(job)]
        try:
            return service.deliver(job, kind)
        except Exception:
            logger.exception(
                "mail job failed, to be delivered again", extra={"kind": kind.name, "job_id": job.id}
            )
            count(BusinessMetric.MAILS_FAILED)
            raise

    def handle(self, event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        """A batch of SQS's event: the messages that failed, for SQS to deliver again."""
        return process_partial_response(
            event=event, record_handler=self._deliver, processor=self._processor, context=context
        )
