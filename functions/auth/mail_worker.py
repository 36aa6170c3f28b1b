"""MailFunction (template.yaml): mail's worker (functions/mail/worker.py), which does the notices,
with auth's account jobs (functions/auth/account_jobs.py: registration, support reset, reset code,
email code) and the outages' fan-out (functions/outages/fanout.py), told by the profiles who takes
outage mails.

The composition root of the mail queue: it imports both domains, so it lives on the auth side
(auth may import mail; mail imports no domain, tests/unit/test_structure.py).
"""

from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.account_jobs import ACCOUNT_JOBS
from functions.auth.store import ProfileStore
from functions.common.tracing import tracer
from functions.mail.worker import MailWorker
from functions.outages.fanout import outage_jobs

logger = Logger()


def outage_mail_addresses(user_ids: Sequence[str]) -> dict[str, str]:
    return ProfileStore().outage_mail_addresses(user_ids)


worker = MailWorker(*ACCOUNT_JOBS, *outage_jobs(outage_mail_addresses))


@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return worker.handle(event, context)
