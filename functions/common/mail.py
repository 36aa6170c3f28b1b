"""Mail to consumers: every mail is a job on the mail queue (template.yaml's MailQueue).

A job a change owes (a notice) is written with the change as an outbox item and queued by the outbox's
relay (functions/common/outbox.py); a job that is itself the request (a registration, a code) is
queued by the route — one SQS SendMessage — which then answers; MailFunction
(functions/mail/worker.py) alone sends, through SES, and tries a job again while SES refuses, until
the dead-letter queue. So no answer of the API depends on SES, and no change of state is followed by
a failure to mail. The jobs: `NoticeJob` here (a plain text to an address: password changed, a
request's status, ASKUE), and the jobs a domain defines on `MailJob` and registers with the worker
(auth's account jobs: a registration, a support reset, a reset or email code), whose passwords and
codes the worker generates: no secret is ever in a message.
"""

import uuid
from datetime import datetime
from typing import Literal

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from functions.common.aws import sqs
from functions.common.clock import now
from functions.common.settings import load_settings

logger = Logger()


class MailQueueUnavailable(Exception):
    """SQS did not take the job (after the SDK's retries): nothing will be mailed."""


class MailSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    mail_queue_url: str


def _new_id() -> str:
    return uuid.uuid4().hex


def _requested_at() -> datetime:
    return now()


class MailJob(BaseModel):
    """What every job carries: its id (the same on every delivery) and when it was asked for."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=_new_id, min_length=1, max_length=64)
    requested_at: datetime = Field(default_factory=_requested_at)


class NoticeJob(MailJob):
    """A plain mail to an address (the portal's own text)."""

    kind: Literal["notice"] = "notice"
    to: str
    subject: str
    text: str


def queue_mail(job: MailJob) -> None:
    """Puts the job on the mail queue; raises MailQueueUnavailable when SQS does not take it."""
    url = load_settings(MailSettings).mail_queue_url
    try:
        sqs().send_message(QueueUrl=url, MessageBody=job.model_dump_json())
    except (ClientError, BotoCoreError):
        logger.exception("mail job not queued", extra={"kind": getattr(job, "kind", None), "job_id": job.id})
        raise MailQueueUnavailable from None
    # The job may hold an address and a name: only its kind and id are logged.
    logger.info("mail job queued", extra={"kind": getattr(job, "kind", None), "job_id": job.id})


def queue_notice(to: str, subject: str, text: str) -> None:
    """Queues a notice at once. No change calls it any more: a notice a change owes is an outbox
    item written with the change (functions/common/outbox.py), or it is lost when SQS fails."""
    queue_mail(NoticeJob(to=to, subject=subject, text=text))
