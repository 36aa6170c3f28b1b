"""MailFunction (template.yaml): mail's worker (functions/mail/worker.py), which does the notices,
with auth's account jobs (functions/auth/account_jobs.py: registration, support reset, reset code,
email code) and the outages' fan-out (functions/outages/fanout.py), told by the profiles who takes
outage mails.

The composition root of the mail queue: it imports both domains, so it lives on the auth side
(auth may import mail; mail imports no domain, tests/unit/test_structure.py).

The worker tells the kinds apart by their models (functions/auth/jobs.py, functions/outages/jobs.py);
the rules that do a kind are imported by its first job (a batch of notices, the most common, needs
neither auth's account rules nor the outages' and objects' stores): tests/unit/test_cold_imports.py.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.jobs import EmailCodeJob, RegisterJob, ResetCodeJob, ResetPasswordJob
from functions.common.mail import MailJob
from functions.common.tracing import tracer
from functions.mail.service import JobKind
from functions.mail.worker import MailWorker
from functions.outages.jobs import OutageFanout

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

    from functions.mail.store import MailLedger

logger = Logger()

# Auth's kinds (functions/auth/account_jobs.py's ACCOUNT_JOBS does each).
ACCOUNT_JOB_MODELS: tuple[type[MailJob], ...] = (RegisterJob, ResetPasswordJob, ResetCodeJob, EmailCodeJob)


def outage_mail_addresses(user_ids: Sequence[str]) -> dict[str, str]:
    from functions.auth.store import ProfileStore

    return ProfileStore().outage_mail_addresses(user_ids)


def do_account_job(job: MailJob, ledger: "MailLedger") -> str:
    from functions.auth.account_jobs import ACCOUNT_JOBS

    [kind] = [kind for kind in ACCOUNT_JOBS if isinstance(job, kind.model)]
    return kind.handle(job, ledger)


def do_outage_fanout(job: OutageFanout, ledger: "MailLedger") -> str:
    from functions.outages.fanout import run

    return run(job, outage_mail_addresses)


worker = MailWorker(
    *(JobKind(model, do_account_job) for model in ACCOUNT_JOB_MODELS), JobKind(OutageFanout, do_outage_fanout)
)


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> "PartialItemFailureResponse":
    return worker.handle(event, context)
