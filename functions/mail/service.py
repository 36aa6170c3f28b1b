"""What MailFunction does with a job of the mail queue, whatever its kind: it does it once.

The ledger remembers finished jobs, so a message SQS delivers again is not mailed twice. Each kind of
job is a `JobKind`: its model (a `MailJob` with a literal `kind`) and what does it, given the mail
ledger (which counts an address's mails, `MailLedger.allow`), returning what happened (for the log)
or raising to have the job delivered again. Mail's own kind is the notice, a finished text sent as it
is (`NOTICE`). A domain whose jobs need more than a text defines their kinds itself (auth's account
jobs: functions/auth/account_jobs.py) and hands them to the worker (functions/mail/worker.py): mail
imports no domain.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from aws_lambda_powertools import Logger

from functions.common.clock import now
from functions.common.mail import MailJob, NoticeJob
from functions.mail.sender import send_mail
from functions.mail.store import MailLedger

logger = Logger()

J = TypeVar("J", bound=MailJob)


@dataclass(frozen=True)
class JobKind(Generic[J]):
    """A kind of mail job: its model, told apart by its `kind`, and what does a job of it."""

    model: type[J]
    handle: Callable[[J, MailLedger], str]

    def __post_init__(self) -> None:
        field = self.model.model_fields.get("kind")
        if field is None or not isinstance(field.default, str):
            raise TypeError(f"{self.model.__name__}: a mail job names its kind (kind: Literal[...] = ...)")

    @property
    def name(self) -> str:
        return str(self.model.model_fields["kind"].default)


def _send_notice(job: NoticeJob, ledger: MailLedger) -> str:
    send_mail(job.to, job.subject, job.text)
    return "sent"


NOTICE: JobKind[NoticeJob] = JobKind(NoticeJob, _send_notice)


def deliver(job: J, kind: JobKind[J]) -> str:
    """Does the job, once; returns what happened (for the log). Raises to have it delivered again."""
    ledger = MailLedger()
    if ledger.is_done(job.id):
        logger.info("mail job done before: skipped", extra={"kind": kind.name, "job_id": job.id})
        return "done_before"
    outcome = kind.handle(job, ledger)
    try:
        ledger.mark_done(job.id, now())
    except Exception:
        # The job is done (its mail is sent): failing it now would have SQS deliver it again and
        # mail twice — a registration would even take its new account for a leftover and replace
        # it. Only a duplicate delivery of this very message (SQS delivers at least once) now
        # finds no mark (tests/faults.py).
        logger.exception("mail job done, not marked done", extra={"kind": kind.name, "job_id": job.id})
    return outcome
